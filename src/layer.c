/* layer: the root file system of an image, as an uncompressed tar. */
#define _POSIX_C_SOURCE 200809L
#include "layer.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

void layer_init(struct layer *l)
{
	memset(l, 0, sizeof *l);
}

void layer_free(struct layer *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].source);
		free(l->v[i].link);
	}
	free(l->v);
	layer_init(l);
}

int layer_path_ok(const char *path)
{
	const char *p;

	if (path[0] != '/' || path[1] == '\0')
		return 0;
	for (p = path + 1;;) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (p[n] == '\0')
			return 1;
		p += n + 1;
	}
}

/* push() appends a copy of E, taking ownership of its strings. */
static void push(struct layer *l, struct layer_entry e)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->v = util_xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = e;
}

/* add_parents() adds an implicit folder entry for each parent of PATH. */
static void add_parents(struct layer *l, const char *path)
{
	const char *p;

	for (p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		struct layer_entry e = { 0 };

		e.name = util_xmalloc((size_t)(p - path) + 1);
		memcpy(e.name, path + 1, (size_t)(p - path));
		e.name[p - path] = '\0'; /* "usr/" for "/usr/bin/x" */
		e.type = TAR_DIR;
		e.mode = 0755;
		e.implicit = 1;
		push(l, e);
	}
}

/* add() checks PATH and adds E under it, with its parents. */
static int add(struct layer *l, const char *path, struct layer_entry e)
{
	if (!layer_path_ok(path))
		return util_error("%s: not a clean absolute path in the image "
		                  "(no '.', '..' or empty parts)", path);
	add_parents(l, path);
	e.name = util_xasprintf("%s%s", path + 1, e.type == TAR_DIR ? "/" : "");
	push(l, e);
	return 0;
}

int layer_add_file(struct layer *l, const char *path, const char *source,
                   unsigned mode, uint64_t size)
{
	struct layer_entry e = { 0 };

	e.type = TAR_FILE;
	e.mode = mode;
	e.size = size;
	e.source = util_xstrdup(source);
	return add(l, path, e);
}

int layer_add_dir(struct layer *l, const char *path, unsigned mode)
{
	struct layer_entry e = { 0 };

	e.type = TAR_DIR;
	e.mode = mode;
	return add(l, path, e);
}

int layer_add_symlink(struct layer *l, const char *path, const char *target)
{
	struct layer_entry e = { 0 };

	e.type = TAR_SYMLINK;
	e.mode = 0777;
	e.link = util_xstrdup(target);
	return add(l, path, e);
}

/* add_children() adds every entry of the folder SRC below DEST. */
static int add_children(struct layer *l, const char *src, const char *dest)
{
	DIR *d = opendir(src);
	struct dirent *de;
	int r = 0;

	if (!d)
		return util_error("%s:", src);
	errno = 0;
	while (r == 0 && (de = readdir(d))) {
		char *s, *t;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		s = util_xasprintf("%s/%s", src, de->d_name);
		t = util_xasprintf("%s/%s", strcmp(dest, "/") ? dest : "",
		                   de->d_name);
		r = layer_add_tree(l, s, t);
		free(s);
		free(t);
		errno = 0;
	}
	if (r == 0 && errno)
		r = util_error("%s: cannot list:", src);
	closedir(d);
	return r;
}

int layer_add_tree(struct layer *l, const char *src, const char *dest)
{
	struct stat st;
	char target[4096];
	ssize_t n;

	if (lstat(src, &st) < 0)
		return util_error("%s:", src);
	if (S_ISREG(st.st_mode))
		return layer_add_file(l, dest, src, st.st_mode & 07777,
		                      (uint64_t)st.st_size);
	if (S_ISLNK(st.st_mode)) {
		n = readlink(src, target, sizeof target - 1);
		if (n < 0)
			return util_error("%s:", src);
		target[n] = '\0';
		return layer_add_symlink(l, dest, target);
	}
	if (!S_ISDIR(st.st_mode))
		return util_error("%s: is a device file, socket or FIFO; only "
		                  "regular files, folders and symlinks go into "
		                  "an image", src);
	if (strcmp(dest, "/") != 0 &&
	    layer_add_dir(l, dest, st.st_mode & 07777) < 0)
		return -1;
	return add_children(l, src, dest);
}

/* path_order() compares names as paths: '/' sorts before every other
 * byte, so "usr", "usr/" and "usr/x" stay together ahead of "usr.d". */
static int path_order(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	for (; *x && *x == *y; x++, y++)
		;
	if (*x == *y)
		return 0;
	return (*x == '/' ? 1 : *x + 1) - (*y == '/' ? 1 : *y + 1);
}

static int by_name(const void *a, const void *b)
{
	const struct layer_entry *x = a, *y = b;
	int c = path_order(x->name, y->name);

	/* Among equal names, explicit entries sort first and win. */
	return c ? c : x->implicit - y->implicit;
}

/* same_path() compares names without a folder's trailing '/'. */
static int same_path(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la && a[la - 1] == '/')
		la--;
	if (lb && b[lb - 1] == '/')
		lb--;
	return la == lb && memcmp(a, b, la) == 0;
}

/* dedupe() drops implicit folders already present and refuses a path that
 * was asked for twice (sorted input). */
static int dedupe(struct layer *l)
{
	size_t i, out = 0;

	for (i = 0; i < l->n; i++) {
		struct layer_entry *e = &l->v[i];

		if (out > 0 && same_path(l->v[out - 1].name, e->name)) {
			int n = (int)strlen(e->name) -
			        (e->type == TAR_DIR); /* without the '/' */

			if (!e->implicit)
				return util_error("/%.*s: given twice in the image",
				                  n, e->name);
			if (l->v[out - 1].type != TAR_DIR)
				return util_error("/%.*s: is a file but must be a "
				                  "folder for other paths",
				                  n, e->name);
			free(e->name);
			continue;
		}
		l->v[out++] = *e;
	}
	l->n = out;
	return 0;
}

int layer_write(struct layer *l, struct sink *s, uint64_t mtime)
{
	size_t i;

	qsort(l->v, l->n, sizeof *l->v, by_name);
	if (dedupe(l) < 0)
		return -1;
	for (i = 0; i < l->n; i++) {
		const struct layer_entry *e = &l->v[i];
		struct tar_entry t = { e->name, e->type, e->mode, e->size, mtime,
			               e->link };

		if (e->type == TAR_FILE ? tar_write_file_from(s, &t, e->source) < 0
		                        : tar_write_header(s, &t) < 0)
			return -1;
	}
	return tar_write_end(s);
}
