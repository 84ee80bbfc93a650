/* test_layer: files placed on an image below (a base) as Docker's COPY
 * places them: through the base's links, inside its root, keeping its
 * folders. */
#include <stdlib.h>
#include <string.h>

#include "layer.h"
#include "util.h"
#include "unit.h"

/* The base image: each entry "path", kind, link target. */
struct fake {
	const char *path;
	enum layer_below_kind kind;
	const char *target;
};

static const struct fake base[] = {
	{ "bin", LAYER_BELOW_LINK, "usr/bin" },
	{ "usr", LAYER_BELOW_DIR, NULL },
	{ "usr/bin", LAYER_BELOW_DIR, NULL },
	{ "tmp", LAYER_BELOW_DIR, NULL },
	{ "abs", LAYER_BELOW_LINK, "/opt/real" },
	{ "opt", LAYER_BELOW_DIR, NULL },
	{ "opt/real", LAYER_BELOW_DIR, NULL },
	{ "up", LAYER_BELOW_LINK, "../../.." },
	{ "dot", LAYER_BELOW_LINK, "./usr/./bin/" },
	{ "loop1", LAYER_BELOW_LINK, "loop2" },
	{ "loop2", LAYER_BELOW_LINK, "loop1" },
	{ "file", LAYER_BELOW_OTHER, NULL },
	{ "dangling", LAYER_BELOW_LINK, "nowhere/deeper" },
	{ "usr/lib64", LAYER_BELOW_LINK, "lib" },
	{ "usr/lib", LAYER_BELOW_DIR, NULL },
	{ "usr/sh", LAYER_BELOW_LINK, "bin/busybox" },
};

static enum layer_below_kind at(void *ctx, const char *path,
                                const char **target)
{
	size_t i;

	(void)ctx;
	for (i = 0; i < sizeof base / sizeof *base; i++)
		if (strcmp(base[i].path, path) == 0) {
			*target = base[i].target;
			return base[i].kind;
		}
	return LAYER_BELOW_NONE;
}

/* names() joins the entry names of L with ' ', after sorting them. */
static char *names(struct layer *l)
{
	char *out = util_xstrdup("");
	size_t i;

	if (layer_finish(l) < 0)
		return util_xstrdup("(refused)");
	for (i = 0; i < l->n; i++) {
		char *more = util_xasprintf("%s%s%s", out, *out ? " " : "",
		                            l->v[i].name);
		free(out);
		out = more;
	}
	return out;
}

/* file() adds /etc/hostname as PATH on the fake base (or on nothing, when
 * ON_BASE is 0) and checks the entries the layer then holds. */
static void file(int on_base, const char *path, const char *want)
{
	struct layer_below below = { at, NULL };
	struct layer l;
	char *got;
	int r;

	layer_init(&l);
	if (on_base)
		layer_set_below(&l, &below);
	r = layer_add_file(&l, layer_origin(&l, "test"), path, "/etc/hostname",
	                   0644, 1);
	got = r < 0 ? util_xstrdup("(error)") : names(&l);
	unit_check(strcmp(got, want) == 0, "layer: %s %s gives [%s] (got [%s])",
	           on_base ? "on the base," : "from scratch,", path, want, got);
	free(got);
	layer_free(&l);
}

int main(void)
{
	file(0, "/bin/app", "bin/ bin/app");
	file(1, "/bin/app", "usr/bin/app");
	file(1, "/tmp/motd", "tmp/motd");
	file(1, "/abs/x", "opt/real/x");
	file(1, "/up/up/etc/x", "etc/ etc/x");
	file(1, "/dot/x", "usr/bin/x");
	file(1, "/usr/lib64/x", "usr/lib/x");
	file(1, "/new/deep/x", "new/ new/deep/ new/deep/x");
	file(1, "/usr/new/x", "usr/new/ usr/new/x");
	file(1, "/dangling/x", "nowhere/ nowhere/deeper/ nowhere/deeper/x");
	file(1, "/file/x", "file/ file/x");
	file(1, "/loop1/x", "(error)");
	/* The last part is ours: a link there is replaced, not followed. */
	file(1, "/bin", "bin");
	file(1, "/usr/sh", "usr/sh");
	return unit_done();
}
