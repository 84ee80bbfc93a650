/* build: the "tinyimg build" command: inputs (and a base) in, one image
 * tarball out. */
#define _POSIX_C_SOURCE 200809L
#include "build.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive.h"
#include "cleanup.h"
#include "image.h"
#include "json.h"
#include "layer.h"
#include "opts.h"
#include "output.h"
#include "program.h"
#include "progress.h"
#include "ref.h"
#include "sink.h"
#include "util.h"

/* One platform's image in the making. */
struct platform {
	struct program *prog;          /* its program, or NULL (files only) */
	struct archive_image *base;    /* its base image, or NULL */
	const char *arch, *variant;
	struct layer layer;            /* our layer */
	struct layer_below below;      /* how it is placed on the base */
	struct image_layer *layers;    /* the base's, then ours */
	struct image_list entrypoint, cmd, env, ports; /* merged */
	struct model_kvs labels;
	char *created_by;
};

/* The state of one build; everything here is freed by build_free. */
struct build {
	const struct opts *o;
	struct program *progs;  /* one per INPUT */
	size_t nprogs;
	char *workdir;          /* private temporary folder */
	char *image_path;       /* where the program lives in every image */
	struct ref *refs;
	size_t nrefs;
	uint64_t created;
	struct archive base;    /* --base, read and verified */
	int has_base;
	struct platform *plats;
	size_t nplats;
	struct image_set set;
};

void build_help(FILE *f)
{
	opts_help(f);
}

/* default_stem() names the image when no -t does: after the first input,
 * else after the base tarball (less .tar, .tar.gz, .tgz). */
static char *default_stem(const struct build *b)
{
	static const char *const ends[] = { ".tar.gz", ".tgz", ".tar" };
	const char *base;
	char *s;
	size_t i, n;

	if (b->nprogs)
		return util_xstrdup(b->progs[0].stem);
	base = util_basename(b->o->base);
	s = util_xstrdup(base);
	n = strlen(s);
	for (i = 0; i < sizeof ends / sizeof *ends; i++) {
		size_t e = strlen(ends[i]);

		if (n > e && strcmp(s + n - e, ends[i]) == 0) {
			s[n - e] = '\0';
			break;
		}
	}
	return s;
}

/* parse_tags() reads the -t values, or makes the default name. */
static int parse_tags(struct build *b)
{
	const struct image_list *tags = &b->o->tags;
	const char *why = NULL;
	size_t i;

	b->nrefs = tags->n ? tags->n : 1;
	b->refs = util_xreallocarray(NULL, b->nrefs, sizeof *b->refs);
	memset(b->refs, 0, b->nrefs * sizeof *b->refs);
	if (tags->n == 0) {
		char *name = default_stem(b), *p;
		int r;

		for (p = name; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		r = ref_parse(name, &b->refs[0], &why);
		if (r < 0)
			opts_usage_error("cannot name the image after %s: '%s' is "
			                 "not a valid image name (%s); name it with "
			                 "-t NAME[:TAG]", b->nprogs
			                 ? b->progs[0].input : b->o->base, name, why);
		free(name);
		return r < 0 ? OPTS_USAGE : 0;
	}
	b->nrefs = 0;
	for (i = 0; i < tags->n; i++) {
		struct ref *r = &b->refs[b->nrefs];
		size_t j;

		if (ref_parse(tags->v[i], r, &why) < 0)
			return opts_usage_error("invalid tag '%s': %s", tags->v[i],
			                        why);
		for (j = 0; j < b->nrefs && strcmp(b->refs[j].full, r->full); j++)
			;
		if (j < b->nrefs)
			ref_free(r); /* the same name given twice counts once */
		else
			b->nrefs++;
	}
	return 0;
}

/* creation_time() picks --created, else SOURCE_DATE_EPOCH, else 0. */
static int creation_time(struct build *b)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	unsigned long long v;

	b->created = b->o->created;
	if (b->o->has_created || !s || !*s)
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || !isdigit((unsigned char)s[0]) ||
	    v >= (unsigned long long)OPTS_TIME_LIMIT)
		return util_error("SOURCE_DATE_EPOCH='%s' is not a number of "
		                  "seconds since 1970 (up to 2242, the tar "
		                  "format's limit)", s);
	b->created = v;
	return 0;
}

/* same_file() says whether paths A and B name one existing file. */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* check_output() refuses an output that is an input or the base, a
 * folder, or a terminal. Returns 0 or the usage exit status. */
static int check_output(const struct opts *o)
{
	struct stat st;
	size_t i;

	if (strcmp(o->output, "-") == 0) {
		if (isatty(STDOUT_FILENO))
			return opts_usage_error("refusing to write an image to a "
			                        "terminal; redirect -o - or name a "
			                        "file");
		return 0;
	}
	for (i = 0; i <= o->inputs.n; i++) {
		const char *in = i < o->inputs.n ? o->inputs.v[i] : o->base;

		if (in && (same_file(in, o->output) || strcmp(in, o->output) == 0))
			return opts_usage_error("-o %s names %s itself; choose "
			                        "another output file", o->output,
			                        i < o->inputs.n ? "an input"
			                                        : "the base");
	}
	if (stat(o->output, &st) == 0 && S_ISDIR(st.st_mode))
		return opts_usage_error("-o %s is a folder; name a file",
		                        o->output);
	if (stat(o->output, &st) == 0 && S_ISCHR(st.st_mode)) {
		int fd = open(o->output, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		int tty = fd >= 0 && isatty(fd);

		if (fd >= 0)
			close(fd);
		if (tty)
			return opts_usage_error("-o %s is a terminal; refusing to "
			                        "write an image to it", o->output);
	}
	return 0;
}

/* make_workdir() creates the private folder under TMPDIR. */
static int make_workdir(struct build *b)
{
	char *tmpl = cleanup_tmp_path(), *here;

	/* Absolute, as nasm runs in the source's folder. */
	if (tmpl[0] == '/') {
		b->workdir = tmpl;
	} else {
		if (!(here = getcwd(NULL, 0))) {
			free(tmpl);
			return util_error("cannot find the current folder:");
		}
		b->workdir = util_xasprintf("%s/%s", here, tmpl);
		free(here);
		free(tmpl);
	}
	return cleanup_mktemp(b->workdir, 1) < 0 ? -1 : 0;
}

/* ---- the base ------------------------------------------------------------ */

/* read_base() reads and verifies the --base tarball; one with problems is
 * refused with all of them, as inspect lists them. */
static int read_base(struct build *b)
{
	const struct opts *o = b->o;
	struct archive_options ao = { !o->quiet, 1 };
	const struct report *r = &b->base.report;
	size_t i;

	b->has_base = 1;
	if (archive_read(o->base, &ao, &b->base) < 0)
		return -1;
	if (r->problems == 0)
		return 0;
	util_error("--base %s: not a valid image (%zu problem%s, below; "
	           "tinyimg inspect shows them too)", o->base, r->problems,
	           r->problems == 1 ? "" : "s");
	for (i = 0; i < r->n; i++)
		if (r->v[i].level == REPORT_PROBLEM)
			fprintf(stderr, "tinyimg:   %s: %s\n", r->v[i].where,
			        r->v[i].what);
	return -1;
}

/* base_images() says which platforms the base has, for messages (the
 * base's words escaped). */
static char *base_images(const struct archive *ar)
{
	char *list = util_xstrdup(""), plat[128];
	size_t i;

	for (i = 0; i < ar->nimages; i++) {
		char *more, *shown;

		if (ar->images[i].attestation)
			continue;
		archive_platform_text(&ar->images[i], plat, sizeof plat);
		shown = util_escape(plat);
		more = util_xasprintf("%s%s%s", list, *list ? ", " : "", shown);
		free(shown);
		free(list);
		list = more;
	}
	return list;
}

/* base_fits() says whether the base image IMG is one to build on for
 * linux/ARCH[/VARIANT] (VARIANT NULL: any). */
static int base_fits(const struct archive_image *img, const char *arch,
                     const char *variant)
{
	struct model_platform plat = archive_image_platform(img);

	return !img->attestation && img->has_config && plat.architecture &&
	       plat.os && strcmp(plat.os, "linux") == 0 &&
	       strcmp(plat.architecture, arch) == 0 &&
	       (!variant || !plat.variant || strcmp(plat.variant, variant) == 0);
}

/* image_name() is how a message names the base image IMG: its first tag,
 * or its config digest. */
static void image_name(const struct archive_image *img, char *buf,
                       size_t len)
{
	char digest[72], *shown;

	model_digest_string(&img->config_digest, digest);
	shown = util_escape(img->ntags ? img->tags[0] : digest);
	snprintf(buf, len, "%s", shown);
	free(shown);
}

/* base_exact() says whether the base image IMG is for linux/ARCH with
 * exactly VARIANT (NULL: none). */
static int base_exact(const struct archive_image *img, const char *arch,
                      const char *variant)
{
	struct model_platform plat = archive_image_platform(img);

	return base_fits(img, arch, variant) &&
	       (variant ? plat.variant != NULL : plat.variant == NULL);
}

/* one_base() checks that the base has no other image than ONE among those
 * for linux/ARCH[/VARIANT], matched EXACTly or not. The same image under
 * another tag is the same; of two different ones, which to build on
 * cannot be told. 0, or -1 after a message. */
static int one_base(const struct build *b, const struct archive_image *one,
                    const char *arch, const char *variant, int exact)
{
	const struct archive *ar = &b->base;
	char a[256], c[256], plat[128], *shown;
	size_t i;

	for (i = 0; i < ar->nimages; i++) {
		const struct archive_image *img = &ar->images[i];

		if (img == one || !(exact ? base_exact(img, arch, variant)
		                          : base_fits(img, arch, variant)) ||
		    model_digest_equal(&img->config_digest, &one->config_digest))
			continue;
		image_name(one, a, sizeof a);
		image_name(img, c, sizeof c);
		archive_platform_text(one, plat, sizeof plat);
		shown = util_escape(plat);
		util_error("--base %s holds two images for %s, %s and %s: which "
		           "to build on cannot be told; give a tarball of one "
		           "(docker save NAME, or skopeo copy ...:NAME)",
		           b->o->base, shown, a, c);
		free(shown);
		return -1;
	}
	return 0;
}

/* pick_base() finds the base's image for the platform P: the one for
 * exactly P's variant (none for none), else one P's program can run on
 * (any variant when P has none); or says which platforms the base has. */
static int pick_base(struct build *b, struct platform *p)
{
	struct archive *ar = &b->base;
	size_t i;
	int exact;
	char *list;

	for (exact = 1; exact >= 0; exact--)
		for (i = 0; i < ar->nimages; i++) {
			if (exact ? !base_exact(&ar->images[i], p->arch, p->variant)
			          : !base_fits(&ar->images[i], p->arch, p->variant))
				continue;
			p->base = &ar->images[i];
			return one_base(b, p->base, p->arch, p->variant, exact);
		}
	list = base_images(ar);
	util_error("--base %s has no image for linux/%s%s%s (%s) has: %s",
	           b->o->base, p->arch, p->variant ? "/" : "",
	           p->variant ? p->variant : "",
	           p->prog ? p->prog->input : "the files", list);
	free(list);
	return -1;
}

/* ---- platforms --------------------------------------------------------- */

/* plain_word() says whether S is a platform word: lowercase letters,
 * digits and '_' (amd64, arm, v7, ppc64le). */
static int plain_word(const char *s)
{
	return *s && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") ==
	             strlen(s);
}

/* make_platforms() makes one platform per program, refusing two programs
 * for one platform; with no program, one per base image. */
static int make_platforms(struct build *b)
{
	struct model_platform plat;
	char text[128], *shown;
	size_t i, j, n = b->nprogs;

	if (n == 0)
		for (i = 0; i < b->base.nimages; i++)
			n += !b->base.images[i].attestation;
	if (n == 0)
		return util_error("--base %s holds no image to add files to",
		                  b->o->base);
	b->plats = util_xreallocarray(NULL, n, sizeof *b->plats);
	memset(b->plats, 0, n * sizeof *b->plats);
	for (i = 0; i < b->nprogs; i++) {
		struct platform *p = &b->plats[b->nplats++];

		p->prog = &b->progs[i];
		p->arch = p->prog->arch;
		p->variant = p->prog->variant;
		for (j = 0; j < i; j++)
			if (strcmp(b->plats[j].arch, p->arch) == 0 &&
			    (!p->variant || !b->plats[j].variant ||
			     strcmp(b->plats[j].variant, p->variant) == 0))
				return util_error("%s and %s are both programs for "
				                  "linux/%s: one input per platform",
				                  b->plats[j].prog->input,
				                  p->prog->input, p->arch);
		if (b->has_base && pick_base(b, p) < 0)
			return -1;
	}
	for (i = 0; b->nprogs == 0 && i < b->base.nimages; i++) {
		struct platform *p;

		if (b->base.images[i].attestation)
			continue;
		p = &b->plats[b->nplats++];
		p->base = &b->base.images[i];
		plat = archive_image_platform(p->base);
		p->arch = plat.architecture;
		p->variant = plat.variant;
		if (!p->arch || !plat.os || strcmp(plat.os, "linux") != 0 ||
		    !plain_word(p->arch) ||
		    (p->variant && !plain_word(p->variant))) {
			archive_platform_text(p->base, text, sizeof text);
			shown = util_escape(text);
			util_error("--base %s: an image for %s, not one for a "
			           "Linux platform this image could name",
			           b->o->base, shown);
			free(shown);
			return -1;
		}
		if (one_base(b, p->base, p->arch, p->variant, 1) < 0)
			return -1;
		for (j = 0; j + 1 < b->nplats; j++)
			if (model_digest_equal(&b->plats[j].base->config_digest,
			                       &p->base->config_digest))
				break;
		if (j + 1 < b->nplats)
			b->nplats--; /* the same image under another tag */
	}
	if (b->nplats > 1 && b->o->format == IMAGE_FORMAT_DOCKER)
		return util_error("--base %s has %zu platforms, and --format "
		                  "docker holds one image; give --format both or "
		                  "oci", b->o->base, b->nplats);
	return 0;
}

/* warn_base() warns of what tinyimg does not do with the base IMG: a
 * layer not listed whole (zstd, or past the limits), whose folders and
 * links are not followed, and ONBUILD triggers, not run nor passed on. */
static void warn_base(const struct build *b, const struct archive_image *img)
{
	const char *onbuild = model_kvs_get(&img->config.runtime_extras,
	                                    "OnBuild");
	size_t i;

	if (onbuild && strcmp(onbuild, "null") != 0 &&
	    strcmp(onbuild, "[]") != 0)
		fprintf(stderr, "tinyimg: warning: --base %s has ONBUILD "
		        "triggers; tinyimg runs nothing, so they are not run, "
		        "and they are not passed on\n", b->o->base);
	for (i = 0; i < img->nlayers; i++) {
		const struct archive_member *m = img->layers[i].blob;

		char *shown;

		if (!m || (m->read_ok && !m->files_dropped))
			continue;
		shown = util_escape(m->name);
		fprintf(stderr, "tinyimg: warning: --base %s: the entries of "
		        "layer %s were not %s, so its folders and links are "
		        "not followed when placing files\n", b->o->base, shown,
		        m->read_ok ? "all kept" : "read (zstd)");
		free(shown);
	}
}

/* base_at() tells the layer what the base image CTX has at PATH. */
static enum layer_below_kind base_at(void *ctx, const char *path,
                                     const char **target)
{
	const struct archive_file *f = archive_image_entry(ctx, path);

	if (!f)
		return LAYER_BELOW_NONE;
	if (f->type == '5')
		return LAYER_BELOW_DIR;
	if (f->type == '2' && f->link) {
		*target = f->link;
		return LAYER_BELOW_LINK;
	}
	return LAYER_BELOW_OTHER;
}

/* fill_layer() puts P's program and every --add into P's layer, placed on
 * P's base, leaving tinyimg's own work folder and output out of every
 * tree. */
static int fill_layer(const struct build *b, struct platform *p)
{
	struct layer *layer = &p->layer;
	size_t i;

	layer_init(layer);
	if (p->base) {
		p->below.at = base_at;
		p->below.ctx = p->base;
		layer_set_below(layer, &p->below);
		if (!b->o->quiet)
			warn_base(b, p->base);
	}
	layer_skip_path(layer, b->workdir);
	if (b->base.spool)
		layer_skip_path(layer, b->base.spool);
	if (strcmp(b->o->output, "-") != 0)
		layer_skip_path(layer, b->o->output);
	else
		layer_skip_fd(layer, STDOUT_FILENO);
	if (p->prog && layer_add_file(layer, layer_origin(layer, "the program"),
	                              b->image_path, p->prog->path, 0755,
	                              p->prog->size) < 0)
		return -1;
	for (i = 0; i < b->o->adds.n; i++) {
		char *src = util_xstrdup(b->o->adds.v[i]);
		char *colon = strrchr(src, ':');
		char *what = util_xasprintf("--add %s", b->o->adds.v[i]);
		int r;

		*colon = '\0';
		r = layer_add_tree(layer, layer_origin(layer, what), src,
		                   colon + 1);
		free(what);
		free(src);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* copy_list() copies the strings of S into L. */
static void copy_list(struct image_list *l, char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		image_list_push(l, util_xstrdup(v[i]));
}

/* runnable() refuses a config that options made with nothing to run: no
 * entrypoint (the base has none) and an empty --cmd, or a --cmd whose
 * first word, then the program, is blank. */
static int runnable(const struct build *b, const struct image_spec *spec)
{
	const char *first = spec->entrypoint.n ? spec->entrypoint.v[0]
	                    : spec->cmd.n ? spec->cmd.v[0] : NULL;

	if (!b->o->base || !b->o->has_cmd || spec->entrypoint.n)
		return 0; /* without a base, opts.c refused it already */
	if (!first)
		return util_error("--cmd is empty and the base %s has no "
		                  "entrypoint: the image would have nothing to "
		                  "run", b->o->base);
	if (opts_blank_word(first))
		return util_error("--cmd: its first word, the program to run "
		                  "(the base %s has no entrypoint), is blank",
		                  b->o->base);
	return 0;
}

/* merge() works out P's runtime config as FROM in a Dockerfile does: the
 * base's Env, Labels and ports with ours added or replacing; our program
 * (or --entrypoint) as the entrypoint, which drops the base's Cmd unless
 * --cmd gives one; with no program and no --entrypoint, the base's. */
static void merge(const struct build *b, struct platform *p,
                  struct image_spec *spec)
{
	const struct opts *o = b->o;
	const struct model_runtime *rt = p->base ? &p->base->config.rt : NULL;
	int own = p->prog || o->has_entrypoint;
	size_t i;

	if (rt) {
		copy_list(&p->env, rt->env.v, rt->env.n);
		for (i = 0; i < rt->labels.n; i++)
			model_kvs_set(&p->labels, rt->labels.v[i].key,
			              rt->labels.v[i].value);
		copy_list(&p->ports, rt->ports.v, rt->ports.n);
	}
	for (i = 0; i < o->env.n; i++)
		image_list_set_keyed(&p->env, util_xstrdup(o->env.v[i]));
	for (i = 0; i < o->labels.n; i++) {
		char *kv = util_xstrdup(o->labels.v[i]), *eq = strchr(kv, '=');

		*eq = '\0'; /* --label is checked to hold one */
		model_kvs_set(&p->labels, kv, eq + 1);
		free(kv);
	}
	for (i = 0; i < o->ports.n; i++)
		image_list_set_keyed(&p->ports, util_xstrdup(o->ports.v[i]));
	if (o->has_entrypoint)
		copy_list(&p->entrypoint, o->entrypoint.v, o->entrypoint.n);
	else if (p->prog)
		image_list_push(&p->entrypoint, util_xstrdup(b->image_path));
	else if (rt)
		copy_list(&p->entrypoint, rt->entrypoint.v, rt->entrypoint.n);
	if (o->has_cmd)
		copy_list(&p->cmd, o->cmd.v, o->cmd.n);
	else if (!own && rt)
		copy_list(&p->cmd, rt->cmd.v, rt->cmd.n);
	spec->entrypoint = p->entrypoint;
	spec->cmd = p->cmd;
	spec->has_cmd = o->has_cmd || (!own && rt && rt->cmd.set);
	spec->env = p->env;
	spec->labels = p->labels;
	spec->ports = p->ports;
	spec->workdir = o->workdir ? o->workdir : rt ? rt->workdir : NULL;
	spec->user = o->user ? o->user : rt ? rt->user : NULL;
	spec->stop_signal = o->stop_signal ? o->stop_signal
	                    : rt ? rt->stop_signal : NULL;
}

/* base_layers() lists P's base layers as they are, blobs of the base. */
static void base_layers(const struct build *b, struct platform *p,
                        size_t *n)
{
	const struct archive_image *img = p->base;
	size_t i;

	for (i = 0; img && i < img->nlayers; i++) {
		struct image_layer *l = &p->layers[(*n)++];
		const struct archive_layer *al = &img->layers[i];

		/* Our manifest is an OCI one: Docker's layer types are
		 * named as OCI names the same bytes. */
		l->media_type = al->desc.media_type
		                ? model_layer_oci_type(al->desc.media_type)
		                : MODEL_MT_OCI_LAYER;
		l->digest = al->blob->sha;
		l->size = al->blob->size;
		l->diff_id = img->config.diff_ids[i];
		l->fd = b->base.fd;
		l->offset = al->blob->offset;
		l->from = b->base.name;
	}
}

/* make_image() builds platform P's layer, hashes it, and describes its
 * image into ONE. */
static int make_image(struct build *b, struct platform *p,
                      struct image_one *one)
{
	size_t n = 0, nbase = p->base ? p->base->nlayers : 0;
	struct image_spec *spec = &one->spec;
	struct image_layer *ours;
	struct progress prog;
	int r;

	if (fill_layer(b, p) < 0)
		return -1;
	p->layers = util_xreallocarray(NULL, nbase + 1, sizeof *p->layers);
	memset(p->layers, 0, (nbase + 1) * sizeof *p->layers);
	base_layers(b, p, &n);
	/* On a base, with no program and no files, only the config changes:
	 * no layer, and the history says so. */
	spec->empty_layer = p->base && !p->prog && p->layer.n == 0;
	if (!spec->empty_layer) {
		ours = &p->layers[n++];
		ours->ours = &p->layer;
		progress_init(&prog, "hashing", layer_bytes(&p->layer),
		              !b->o->quiet);
		r = image_hash_layer(ours, b->created, &prog);
		progress_end(&prog);
		if (r < 0)
			return -1;
	}
	p->created_by = p->prog
	        ? util_xasprintf("tinyimg build %s",
	                         util_basename(p->prog->input))
	        : util_xstrdup(spec->empty_layer
	                       ? "tinyimg build: config only"
	                       : "tinyimg build: files added with --add");
	spec->arch = p->arch;
	spec->variant = p->variant;
	spec->created = b->created;
	spec->created_by = p->created_by;
	spec->base = p->base ? &p->base->config : NULL;
	merge(b, p, spec);
	if (runnable(b, spec) < 0)
		return -1;
	one->layers = p->layers;
	one->nlayers = n;
	return 0;
}

/* write_image() writes every platform's image to the output. */
static int write_image(struct build *b, struct image_result *res)
{
	struct output out;
	struct sink sink;
	struct progress prog;
	uint64_t total = 0;
	size_t i, k;
	int r = -1;

	b->set.v = util_xreallocarray(NULL, b->nplats, sizeof *b->set.v);
	memset(b->set.v, 0, b->nplats * sizeof *b->set.v);
	b->set.n = b->nplats;
	b->set.refs = b->refs;
	b->set.nrefs = b->nrefs;
	b->set.format = b->o->format;
	b->set.mtime = b->created;
	for (i = 0; i < b->nplats; i++)
		if (make_image(b, &b->plats[i], &b->set.v[i]) < 0)
			return -1;
	for (i = 0; i < b->set.n; i++)
		for (k = 0; k < b->set.v[i].nlayers; k++)
			total += b->set.v[i].layers[k].size;
	output_init(&out);
	progress_init(&prog, "writing", total, !b->o->quiet);
	if (output_open(&out, b->o->output) == 0) {
		sink_init_mode(&sink, out.fd, out.name, SINK_WRITE);
		sink.progress = &prog;
		r = image_write(&b->set, &sink, res);
		progress_end(&prog);
		if (r == 0 && b->has_base)
			r = archive_unchanged(&b->base);
		if (r == 0)
			r = output_commit(&out);
	}
	output_close(&out);
	return r;
}

/* summary() prints the one line that says what was built. */
static void summary(const struct build *b, const struct image_result *res)
{
	const char *out = strcmp(b->o->output, "-") ? b->o->output : "stdout";
	const struct image_one *one = &b->set.v[0];
	const struct platform *p = &b->plats[0];
	char hex[65];
	size_t i;

	if (b->nplats > 1) {
		model_digest_hex(&res->index_digest, hex);
		fprintf(stderr, "%s: %s for", out, b->refs[0].familiar);
		for (i = 0; i < b->nplats; i++)
			fprintf(stderr, "%s linux/%s%s%s", i ? "," : "",
			        b->plats[i].arch, b->plats[i].variant ? "/" : "",
			        b->plats[i].variant ? b->plats[i].variant : "");
		fprintf(stderr, ", tarball %llu B, sha256:%.12s\n",
		        (unsigned long long)res->tarball_size, hex);
		return;
	}
	model_digest_hex(&one->config_digest, hex);
	fprintf(stderr, "%s: %s linux/%s%s%s, ", out, b->refs[0].familiar,
	        p->arch, p->variant ? "/" : "", p->variant ? p->variant : "");
	if (p->prog)
		fprintf(stderr, "program %llu B, ",
		        (unsigned long long)p->prog->size);
	if (one->spec.empty_layer)
		fprintf(stderr, "no layer added to %zu base layer%s",
		        one->nlayers, one->nlayers == 1 ? "" : "s");
	else
		fprintf(stderr, "layer %llu B", (unsigned long long)
		        one->layers[one->nlayers - 1].size);
	if (!one->spec.empty_layer && one->nlayers > 1)
		fprintf(stderr, " on %zu base layer%s", one->nlayers - 1,
		        one->nlayers == 2 ? "" : "s");
	fprintf(stderr, ", tarball %llu B, sha256:%.12s\n",
	        (unsigned long long)res->tarball_size, hex);
}

/* free_platform() releases what P holds. */
static void free_platform(struct platform *p)
{
	layer_free(&p->layer);
	free(p->layers);
	image_list_free(&p->entrypoint);
	image_list_free(&p->cmd);
	image_list_free(&p->env);
	model_kvs_free(&p->labels);
	image_list_free(&p->ports);
	free(p->created_by);
}

/* build_free() releases everything the build holds. */
static void build_free(struct build *b)
{
	size_t i;

	image_set_free(&b->set);
	free(b->set.v);
	for (i = 0; i < b->nplats; i++)
		free_platform(&b->plats[i]);
	free(b->plats);
	for (i = 0; i < b->nprogs; i++)
		program_free(&b->progs[i]);
	free(b->progs);
	for (i = 0; i < b->nrefs; i++)
		ref_free(&b->refs[i]);
	free(b->refs);
	if (b->has_base)
		archive_free(&b->base);
	free(b->workdir);
	free(b->image_path);
}

/* image_path() is where the program lives: --path; else /NAME after the
 * one input, or, for several, after the image's name ("me/app:1": /app). */
static char *image_path(const struct build *b)
{
	const struct ref *r = &b->refs[0];
	const char *name, *slash;
	size_t len;

	if (b->o->path)
		return util_xstrdup(b->o->path);
	if (b->nprogs == 1)
		return util_xasprintf("/%s", *b->progs[0].stem
		                      ? b->progs[0].stem : "program");
	name = r->familiar;
	slash = strrchr(name, '/');
	name = slash ? slash + 1 : name;
	len = strcspn(name, ":");
	return util_xasprintf("/%.*s", (int)len, name);
}

/* prepare() checks the output and inputs and works out names and times.
 * Returns 0, 1 or the usage exit status. */
static int prepare(struct build *b)
{
	const struct opts *o = b->o;
	size_t i;
	int r = check_output(o);

	b->progs = util_xreallocarray(NULL, o->inputs.n + 1, sizeof *b->progs);
	for (i = 0; r == 0 && i < o->inputs.n; i++) {
		if (program_classify(&b->progs[i], o->inputs.v[i], (int)i) < 0)
			r = 1;
		b->nprogs++;
	}
	if (r == 0 && creation_time(b) < 0)
		r = 1;
	if (r == 0)
		r = parse_tags(b);
	if (r != 0)
		return r;
	if (b->nprogs && !o->path && !json_utf8_valid(b->progs[0].stem))
		return opts_usage_error("%s: the name is not valid UTF-8, so it "
		                        "cannot name the program in the image "
		                        "config; give --path /NAME",
		                        b->progs[0].input);
	b->image_path = image_path(b);
	return 0;
}

/* make_programs() makes every input's program. */
static int make_programs(struct build *b)
{
	const struct opts *o = b->o;
	struct program_options po = { o->arch, o->includes.v, o->includes.n,
		                      o->strip, o->no_rwx, o->quiet,
		                      o->verbose, b->workdir };
	size_t i;

	for (i = 0; i < b->nprogs; i++)
		if (program_make(&b->progs[i], &po) < 0)
			return -1;
	return 0;
}

/* run() does the build described by O; returns the exit status. */
static int run(const struct opts *o)
{
	struct build b;
	struct image_result res;
	int r;

	memset(&b, 0, sizeof b);
	memset(&res, 0, sizeof res);
	b.o = o;
	r = prepare(&b);
	if (r == 0 && (make_workdir(&b) < 0 ||
	               (o->base && read_base(&b) < 0) ||
	               make_programs(&b) < 0 || make_platforms(&b) < 0 ||
	               write_image(&b, &res) < 0))
		r = 1;
	if (r == 0 && !o->quiet)
		summary(&b, &res);
	cleanup_run();
	build_free(&b);
	return r;
}

int build_main(int argc, char **argv)
{
	struct opts o;
	int r;

	cleanup_install();
	r = opts_parse(argc, argv, &o);
	if (r == 0)
		r = run(&o);
	opts_free(&o);
	return r == OPTS_HELP_SHOWN ? 0 : r;
}
