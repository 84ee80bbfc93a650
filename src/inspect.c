/* inspect: the "tinyimg inspect" command: read, verify and explain any
 * image tarball. */
#define _GNU_SOURCE /* getopt_long */
#include "inspect.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "cleanup.h"
#include "elf.h"
#include "elfdump.h"
#include "json.h"
#include "util.h"

enum {
	LIST_CUT = 20,           /* files shown per layer without --files */
	HEAD_MAX = 1 << 20,      /* program bytes read for --bytes */
	CODE_SHOWN = 4096,       /* code bytes --bytes disassembles */
};

struct options {
	const char *input;
	const char *platform;    /* "linux/arm64": only that image */
	int json, bytes, files, quiet;
};

/* The entry program of an image, read from its layer. */
struct program {
	uint64_t work;           /* bytes looked at to find it */
	char *path;              /* where it is in the image */
	char *shown;             /* the same, fit to print */
	const struct archive_file *file;
	const struct archive_member *layer;
	uint8_t *bytes;          /* its first bytes */
	size_t len;
	int is_elf;
	struct elf_info info;
};

void inspect_help(FILE *f)
{
	fputs(
"usage: tinyimg inspect [options] TARBALL\n"
"\n"
"Reads an image tarball (tinyimg's, docker save from Docker 20.10 or 25+,\n"
"skopeo, podman or buildah docker-archive and oci-archive, gzip-compressed\n"
"or not; '-' reads standard input), checks every digest, size and diff_id\n"
"and every name, and explains what is inside. Exit status 0 when the image\n"
"is valid, 1 when it has problems (all are listed) or cannot be read, 2 on\n"
"a usage error. Warnings (a zstd layer whose files were not read) do not\n"
"fail.\n"
"\n"
"  --json             the same facts as JSON (keys: man tinyimg)\n"
"  --bytes            the entry program byte by byte: every ELF header\n"
"                     field named, shared bytes marked, code disassembled\n"
"                     (objdump from binutils)\n"
"  --files            list every file of every layer (default: the first\n"
"                     20 of each)\n"
"  --platform OS/ARCH show only the image for that platform (linux/386)\n"
"  -q, --quiet        print only the problems (and no progress line)\n"
"  -h, --help         show this help\n", f);
}

/* usage_error() says what is wrong with the command line; returns 2. */
static int usage_error(const char *fmt, const char *arg)
{
	fputs("tinyimg: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\ntinyimg: try 'tinyimg help inspect'\n", stderr);
	return 2;
}

/* parse_options() reads inspect's ARGV into O: 0, -1 after --help, or
 * the usage exit status. */
static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "bytes", no_argument, NULL, 'b' },
		{ "files", no_argument, NULL, 'f' },
		{ "platform", required_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *why;
	int c;

	memset(o, 0, sizeof *o);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': o->json = 1; break;
		case 'b': o->bytes = 1; break;
		case 'f': o->files = 1; break;
		case 'p': o->platform = optarg; break;
		case 'q': o->quiet = 1; break;
		case 'h': inspect_help(stdout); return -1;
		case ':': return usage_error("option '%s' needs a value",
		                             argv[optind - 1]);
		default:
			why = util_option_refused(argv[optind - 1], optopt,
			                          longopts);
			c = usage_error("%s", why);
			free(why);
			return c;
		}
	}
	if (optind >= argc)
		return usage_error("no tarball given%s", "");
	if (optind + 1 < argc)
		return usage_error("one tarball at a time; '%s' is one too many",
		                   argv[optind + 1]);
	o->input = argv[optind];
	if (!*o->input)
		return usage_error("an empty tarball name%s", "");
	if (o->json && o->bytes)
		return usage_error("--json and --bytes are two different "
		                   "views; give one%s", "");
	return 0;
}

/* ---- facts ------------------------------------------------------------- */

/* size_text() writes N bytes as people read it: "130 B", "8.4 MiB". */
static void size_text(uint64_t n, char buf[32])
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int u = -1;

	if (n < 100 * 1024) {
		snprintf(buf, 32, "%llu B", (unsigned long long)n);
		return;
	}
	while (v >= 1024 && u < 3)
		v /= 1024, u++;
	snprintf(buf, 32, "%.1f %s", v, units[u]);
}

/* mode_text() spells a file's type and mode as ls does: "-rwxr-xr-x". */
static void mode_text(char type, unsigned mode, char out[11])
{
	static const char rwx[] = "rwxrwxrwx";
	int i;

	out[0] = type == '5' ? 'd' : type == '2' ? 'l' : type == '1' ? 'h'
	         : type == '3' ? 'c' : type == '4' ? 'b' : type == '6' ? 'p'
	         : type == '0' ? '-' : '?';
	for (i = 0; i < 9; i++)
		out[1 + i] = mode & (0400u >> i) ? rwx[i] : '-';
	if (mode & 04000)
		out[3] = out[3] == 'x' ? 's' : 'S';
	if (mode & 02000)
		out[6] = out[6] == 'x' ? 's' : 'S';
	if (mode & 01000)
		out[9] = out[9] == 'x' ? 't' : 'T';
	out[10] = '\0';
}

/* content_name() names what a layer's bytes are. */
static const char *content_name(enum archive_content c)
{
	switch (c) {
	case ARCHIVE_TAR: return "tar";
	case ARCHIVE_GZIP: return "tar+gzip";
	case ARCHIVE_ZSTD: return "tar+zstd";
	default: return "not a tar";
	}
}

/* wanted() says whether IMG is one --platform asks for. */
static int wanted(const struct options *o, const struct archive_image *img)
{
	char plat[128];

	if (!o->platform)
		return 1;
	archive_platform_text(img, plat, sizeof plat);
	return strcmp(plat, o->platform) == 0 ||
	       (strncmp(plat, o->platform, strlen(o->platform)) == 0 &&
	        plat[strlen(o->platform)] == '/');
}

/* wanted_any() says whether --platform picks some image of AR. */
static int wanted_any(const struct archive *ar, const struct options *o)
{
	size_t i;

	for (i = 0; i < ar->nimages; i++)
		if (!ar->images[i].attestation && wanted(o, &ar->images[i]))
			return 1;
	return 0;
}

/* entry_path() is the program docker run would start: Entrypoint[0], else
 * Cmd[0], searched in the image's PATH when it has no '/'. */
static char *entry_path(const struct archive_image *img,
                        const struct archive_file **file,
                        const struct archive_member **layer,
                        uint64_t *work)
{
	const struct model_runtime *rt = &img->config.rt;
	const char *cmd = rt->entrypoint.n ? rt->entrypoint.v[0]
	                  : rt->cmd.n ? rt->cmd.v[0] : NULL;
	const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:"
	                   "/usr/bin:/sbin:/bin", *p;
	size_t i;

	*file = NULL;
	if (!cmd || !*cmd)
		return NULL;
	if (strchr(cmd, '/')) {
		*file = archive_image_file(img, cmd, layer, work);
		return util_xstrdup(cmd);
	}
	for (i = 0; i < rt->env.n; i++)
		if (strncmp(rt->env.v[i], "PATH=", 5) == 0)
			path = rt->env.v[i] + 5;
	for (p = path; *p; p += *p == ':') {
		size_t n = strcspn(p, ":");
		char *cand = util_xasprintf("%.*s/%s", (int)n, p, cmd);

		if ((*file = archive_image_file(img, cand, layer, work)))
			return cand;
		free(cand);
		p += n;
	}
	return util_xstrdup(cmd);
}

/* read_program() reads the entry program's first bytes (WANT of them) and
 * its ELF headers. 0, or -1 after a message. */
static int read_program(struct archive *ar, const struct archive_image *img,
                        struct program *pg, size_t want)
{
	const char *why;
	int64_t got;

	memset(pg, 0, sizeof *pg);
	pg->path = entry_path(img, &pg->file, &pg->layer, &pg->work);
	pg->shown = util_escape(pg->path ? pg->path : "");
	if (!pg->file)
		return 0;
	if (want > pg->file->size)
		want = (size_t)pg->file->size;
	pg->bytes = util_xmalloc(want + 1);
	got = archive_read_content(ar, pg->layer, pg->file->offset, pg->bytes,
	                           want);
	if (got < 0) {
		/* Said; and a problem, so that the exit status tells. */
		report_problem(&ar->report, pg->path, "the entry program could "
		               "not be read from its layer");
		return -1;
	}
	pg->len = (size_t)got;
	pg->is_elf = elf_header(pg->bytes, pg->len, pg->file->size, &pg->info,
	                        &why) == 0;
	if (pg->is_elf && pg->info.phnum &&
	    pg->info.phoff + (uint64_t)pg->info.phnum * pg->info.phentsize <=
	    pg->len)
		elf_phdrs(pg->bytes + pg->info.phoff, &pg->info);
	else if (pg->is_elf)
		pg->info.phnum = 0; /* headers past what was read */
	return 0;
}

/* free_program() releases what read_program() filled. */
static void free_program(struct program *pg)
{
	free(pg->path);
	free(pg->shown);
	free(pg->bytes);
	if (pg->is_elf)
		elf_free(&pg->info);
}

/* ---- text -------------------------------------------------------------- */

/* list_raw() prints " KEY  VALUE" aligned, VALUE being safe to print. */
static void list_raw(const char *key, const char *value)
{
	printf("  %-12s%s\n", key, value);
}

/* list_line() prints " KEY  VALUE" aligned, when VALUE is set, its
 * control bytes escaped: VALUE comes from the archive, and no byte of it
 * may drive the terminal. */
static void list_line(const char *key, const char *value)
{
	char *shown;

	if (!value)
		return;
	shown = util_escape(value);
	list_raw(key, shown);
	free(shown);
}

/* print_strings() prints a JSON-looking list: ["/hello","--loud"]. */
static void print_strings(const char *key, const struct model_strings *s)
{
	struct json j;
	size_t i;

	if (!s->set)
		return;
	json_init(&j);
	json_array_begin(&j);
	for (i = 0; i < s->n; i++)
		json_string(&j, s->v[i]);
	json_array_end(&j);
	list_raw(key, j.buf); /* JSON escapes every control */
	json_free(&j);
}

/* print_each() prints one line per item, the key on the first. */
static void print_each(const char *key, char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		list_line(i == 0 ? key : "", v[i]);
}

/* print_runtime() prints what docker run does with the config C. */
static void print_runtime(const struct model_config *c)
{
	const struct model_runtime *rt = &c->rt;
	size_t i;

	print_strings("entrypoint", &rt->entrypoint);
	print_strings("cmd", &rt->cmd);
	print_each("env", rt->env.v, rt->env.n);
	list_line("workdir", rt->workdir);
	list_line("user", rt->user);
	for (i = 0; i < rt->labels.n; i++) {
		char *kv = util_xasprintf("%s=%s", rt->labels.v[i].key,
		                          rt->labels.v[i].value);

		list_line(i == 0 ? "labels" : "", kv);
		free(kv);
	}
	print_each("ports", rt->ports.v, rt->ports.n);
	list_line("stop signal", rt->stop_signal);
}

/* print_files() lists the layer M's entries as ls -l does: the first
 * LIST_CUT, or ALL. */
static void print_files(const struct archive_member *m, int all)
{
	size_t i, n = all || m->nfiles <= LIST_CUT ? m->nfiles : LIST_CUT;

	for (i = 0; i < n; i++) {
		const struct archive_file *f = &m->files[i];
		char mode[11], *name = util_escape(f->name);
		char *link = f->link ? util_escape(f->link) : NULL;

		mode_text(f->type, f->mode, mode);
		printf("      %s %llu:%llu %10llu  %s%s%s\n", mode,
		       (unsigned long long)f->uid, (unsigned long long)f->gid,
		       (unsigned long long)f->size, name,
		       link ? (f->type == '1' ? " link to " : " -> ") : "",
		       link ? link : "");
		free(name);
		free(link);
	}
	if (n < m->nfiles)
		printf("      ... and %zu more (--files lists them all)\n",
		       m->nfiles - n);
	if (m->files_dropped)
		printf("      ... and %llu more not kept (over a million "
		       "entries)\n", (unsigned long long)m->files_dropped);
}

/* print_layers() prints each layer of IMG and its files. */
static void print_layers(const struct archive_image *img, int all)
{
	char hex[65], size[32], usize[32];
	size_t i;

	for (i = 0; i < img->nlayers; i++) {
		const struct archive_layer *l = &img->layers[i];
		const struct archive_member *m = l->blob;

		model_digest_hex(&l->desc.digest, hex);
		if (!m) {
			printf("  layer %zu   sha256:%.12s  missing\n", i + 1, hex);
			continue;
		}
		size_text(m->size, size);
		size_text(m->usize, usize);
		printf("  layer %-4zu sha256:%.12s  %s, %s", i + 1, hex,
		       content_name(m->content), size);
		if (m->content == ARCHIVE_GZIP)
			printf(" (%s uncompressed)", usize);
		if (m->content == ARCHIVE_TAR || m->content == ARCHIVE_GZIP)
			printf(", %zu entr%s\n", m->nfiles,
			       m->nfiles == 1 ? "y" : "ies");
		else
			printf("%s\n", m->content == ARCHIVE_ZSTD
			       ? ", contents not read" : "");
		print_files(m, all);
	}
}

/* unread_layers() says whether some layer of IMG was not listed (zstd). */
static int unread_layers(const struct archive_image *img)
{
	size_t i;

	for (i = 0; i < img->nlayers; i++)
		if (img->layers[i].blob &&
		    img->layers[i].blob->content == ARCHIVE_ZSTD)
			return 1;
	return 0;
}

/* dropped_entries() says whether some layer of IMG has entries that were
 * counted but not kept (over the budget). */
static int dropped_entries(const struct archive_image *img)
{
	size_t i;

	for (i = 0; i < img->nlayers; i++)
		if (img->layers[i].blob && img->layers[i].blob->files_dropped)
			return 1;
	return 0;
}

/* print_program() describes IMG's entry program PG: its ELF headers. */
static void print_program(const struct archive_image *img,
                          const struct program *pg)
{
	char desc[128], off[24], vaddr[24];
	int i;

	if (!pg->path)
		return;
	if (!pg->file) {
		printf("  program     %s: %s\n", pg->shown,
		       pg->work > ARCHIVE_LOOKUP_WORK
		       ? "not looked up to the end (its path costs more than "
		         "the lookup's budget)"
		       : unread_layers(img)
		       ? "not in the layers tinyimg could read (zstd layers are "
		         "not read)" : dropped_entries(img)
		       ? "not among the entries kept (past a million, entries "
		         "are counted, not kept)" : "not in the image");
		return;
	}
	if (!pg->is_elf) {
		printf("  program     %s: not an ELF file (%llu B)\n", pg->shown,
		       (unsigned long long)pg->file->size);
		return;
	}
	elfdump_describe(&pg->info, desc, sizeof desc);
	printf("  program     %s: %s, entry 0x%llx, %llu B\n", pg->shown, desc,
	       (unsigned long long)pg->info.entry,
	       (unsigned long long)pg->file->size);
	if (pg->info.phnum)
		printf("              %-13s %-5s %-10s %-12s %10s %10s\n", "type",
		       "flags", "offset", "vaddr", "filesz", "memsz");
	for (i = 0; i < pg->info.phnum; i++) {
		const struct elf_phdr *ph = &pg->info.phdrs[i];
		char flags[4];

		elfdump_flags(ph->flags, flags);
		snprintf(off, sizeof off, "0x%llx", (unsigned long long)ph->offset);
		snprintf(vaddr, sizeof vaddr, "0x%llx",
		         (unsigned long long)ph->vaddr);
		printf("              %-13s %-5s %-10s %-12s %10llu %10llu\n",
		       elfdump_phdr_name(ph->type), flags, off, vaddr,
		       (unsigned long long)ph->filesz,
		       (unsigned long long)ph->memsz);
	}
}

/* print_image() explains one image. */
static void print_image(struct archive *ar, const struct options *o,
                        struct archive_image *img)
{
	char hex[65], plat[128], total[32], *title;
	struct program pg;
	uint64_t bytes = 0;
	size_t i;

	model_digest_hex(&img->config_digest, hex);
	if (img->attestation) {
		printf("\nattestation sha256:%.12s (a build record, not an image: "
		       "%zu layer%s)\n", hex, img->nlayers,
		       img->nlayers == 1 ? "" : "s");
		return;
	}
	title = util_escape(img->ntags ? img->tags[0] : "(untagged)");
	printf("\n%s\n", title);
	free(title);
	for (i = 1; i < img->ntags; i++)
		list_line(i == 1 ? "tags" : "", img->tags[i]);
	for (i = 0; i < img->nnames; i++)
		list_line(i == 0 ? "names" : "", img->names[i]);
	archive_platform_text(img, plat, sizeof plat);
	list_line("platform", plat);
	list_line("created", img->config.created);
	printf("  %-12ssha256:%s\n", "id", hex);
	if (img->has_manifest) {
		model_digest_hex(&img->manifest_digest, hex);
		printf("  %-12ssha256:%s\n", "manifest", hex);
	}
	print_runtime(&img->config);
	for (i = 0; i < img->config.nhistory; i++) {
		const struct model_history *h = &img->config.history[i];
		list_line(i == 0 ? "history" : "", h->created_by ? h->created_by
		          : h->comment ? h->comment : "");
	}
	print_layers(img, o->files);
	for (i = 0; i < img->nlayers; i++)
		bytes += img->layers[i].blob ? img->layers[i].blob->size : 0;
	size_text(bytes, total);
	printf("  %-12s%zu layer%s, %s\n", "total", img->nlayers,
	       img->nlayers == 1 ? "" : "s", total);
	if (read_program(ar, img, &pg, 65536 + 64) == 0)
		print_program(img, &pg);
	free_program(&pg);
}

/* print_report() lists every problem, then every warning. */
static void print_report(const struct report *r, const char *name)
{
	size_t i;

	if (r->problems)
		printf("\n%zu problem%s:\n", r->problems,
		       r->problems == 1 ? "" : "s");
	for (i = 0; i < r->n; i++)
		if (r->v[i].level == REPORT_PROBLEM)
			printf("  %s: %s\n", r->v[i].where, r->v[i].what);
	if (r->warnings)
		printf("\n%zu warning%s:\n", r->warnings,
		       r->warnings == 1 ? "" : "s");
	for (i = 0; i < r->n; i++)
		if (r->v[i].level == REPORT_WARNING)
			printf("  %s: %s\n", r->v[i].where, r->v[i].what);
	if (r->dropped)
		printf("  ... and %zu more not shown\n", r->dropped);
	if (r->problems)
		printf("\n%s: not valid\n", name);
}

/* any_unread() says whether an image of AR has a layer whose contents
 * were not read (zstd). */
static int any_unread(const struct archive *ar)
{
	size_t i;

	for (i = 0; i < ar->nimages; i++)
		if (unread_layers(&ar->images[i]))
			return 1;
	return 0;
}

/* print_text() is the text view: the archive, each image, the verdict. */
static void print_text(struct archive *ar, const struct options *o)
{
	char size[32];
	size_t i;

	if (!o->quiet) {
		size_text(ar->input_size, size);
		printf("%s: %s%s%s%s%s, %zu members, %s\n", ar->name,
		       ar->gzip ? "gzip-compressed, " : "",
		       ar->has_index ? "OCI layout" : "",
		       ar->has_index && ar->has_docker_manifest ? " and " : "",
		       ar->has_docker_manifest ? "docker manifest.json" : "",
		       ar->has_index || ar->has_docker_manifest ? ""
		       : "no image index", ar->n, size);
		for (i = 0; i < ar->nimages; i++)
			if (wanted(o, &ar->images[i]))
				print_image(ar, o, &ar->images[i]);
	}
	if (!o->quiet && o->platform && !wanted_any(ar, o))
		printf("\n%s: no image for %s\n", ar->name, o->platform);
	print_report(&ar->report, ar->name);
	if (!o->quiet && !ar->report.problems)
		printf("\n%s: valid: every digest, size and diff_id checks out"
		       "%s\n", ar->name, any_unread(ar) ? " (but the diff_ids "
		       "of zstd layers, whose contents were not read)" : "");
}

/* ---- --bytes ----------------------------------------------------------- */

static int print_bytes(struct archive *ar, const struct options *o)
{
	size_t i;
	int shown = 0;

	for (i = 0; i < ar->nimages; i++) {
		struct archive_image *img = &ar->images[i];
		struct program pg;
		char *title;

		if (img->attestation || !wanted(o, img))
			continue;
		if (read_program(ar, img, &pg, HEAD_MAX) < 0) {
			free_program(&pg);
			return -1;
		}
		title = util_escape(img->ntags ? img->tags[0] : "(untagged)");
		printf("%s%s: %s\n", shown ? "\n" : "", title,
		       pg.path ? pg.shown : "no entrypoint or cmd");
		free(title);
		if (pg.file)
			elfdump_print(stdout, pg.bytes, pg.len, pg.file->size,
			              CODE_SHOWN);
		else if (pg.path)
			printf("  not in the image\n");
		free_program(&pg);
		shown++;
	}
	if (!shown)
		printf("%s: no image%s%s\n", ar->name,
		       o->platform ? " for " : "", o->platform ? o->platform
		                                              : "");
	return 0;
}

/* ---- JSON -------------------------------------------------------------- */

static void key_strings(struct json *j, const char *key,
                        const struct model_strings *s)
{
	size_t i;

	json_key(j, key);
	if (!s->set) {
		json_null(j);
		return;
	}
	json_array_begin(j);
	for (i = 0; i < s->n; i++)
		json_string(j, s->v[i]);
	json_array_end(j);
}

/* key_opt() writes "KEY": V, or null when V is NULL. */
static void key_opt(struct json *j, const char *key, const char *v)
{
	json_key(j, key);
	if (v)
		json_string(j, v);
	else
		json_null(j);
}

/* key_digest() writes "KEY": "sha256:<hex>". */
static void key_digest(struct json *j, const char *key,
                       const struct model_digest *d)
{
	char s[72];

	model_digest_string(d, s);
	json_key_string(j, key, s);
}

/* json_config() writes IMG's config facts under "config". */
static void json_config(struct json *j, const struct archive_image *img)
{
	const struct model_config *c = &img->config;
	size_t i;

	json_key(j, "config");
	json_object_begin(j);
	key_digest(j, "digest", &img->config_digest);
	json_key_uint(j, "size", img->config_blob ? img->config_blob->size : 0);
	key_opt(j, "created", c->created);
	key_strings(j, "entrypoint", &c->rt.entrypoint);
	key_strings(j, "cmd", &c->rt.cmd);
	key_strings(j, "env", &c->rt.env);
	key_opt(j, "workdir", c->rt.workdir);
	key_opt(j, "user", c->rt.user);
	json_key(j, "labels");
	json_object_begin(j);
	for (i = 0; i < c->rt.labels.n; i++)
		json_key_string(j, c->rt.labels.v[i].key, c->rt.labels.v[i].value);
	json_object_end(j);
	key_strings(j, "ports", &c->rt.ports);
	key_opt(j, "stop_signal", c->rt.stop_signal);
	json_key(j, "history");
	json_array_begin(j);
	for (i = 0; i < c->nhistory; i++) {
		json_object_begin(j);
		key_opt(j, "created", c->history[i].created);
		key_opt(j, "created_by", c->history[i].created_by);
		key_opt(j, "comment", c->history[i].comment);
		json_key(j, "empty_layer");
		json_bool(j, c->history[i].empty_layer);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

/* json_files() writes every entry kept of the layer M under "files". */
static void json_files(struct json *j, const struct archive_member *m)
{
	size_t i;

	json_key(j, "files");
	json_array_begin(j);
	for (i = 0; i < m->nfiles; i++) {
		const struct archive_file *f = &m->files[i];
		char mode[11];

		mode_text(f->type, f->mode, mode);
		json_object_begin(j);
		json_key(j, "name");
		json_string_len(j, f->name, f->name_len);
		json_key_string(j, "mode", mode);
		json_key_uint(j, "uid", f->uid);
		json_key_uint(j, "gid", f->gid);
		json_key_uint(j, "size", f->size);
		key_opt(j, "link", f->link);
		json_object_end(j);
	}
	json_array_end(j);
	json_key_uint(j, "files_not_kept", m->files_dropped);
}

/* json_layers() writes IMG's layers under "layers"; a layer whose blob
 * is in LISTED (one flag per member of AR) has its files listed earlier
 * in the document and gets "files": null, so that a blob many images
 * share is listed once. */
static void json_layers(struct json *j, const struct archive *ar,
                        const struct archive_image *img,
                        unsigned char *listed)
{
	size_t i;

	json_key(j, "layers");
	json_array_begin(j);
	for (i = 0; i < img->nlayers; i++) {
		const struct archive_layer *l = &img->layers[i];
		const struct archive_member *m = l->blob;

		json_object_begin(j);
		key_digest(j, "digest", &l->desc.digest);
		key_opt(j, "media_type", l->desc.media_type);
		json_key_uint(j, "size", l->desc.size);
		key_opt(j, "member", m ? m->name : NULL);
		if (m && (m->content == ARCHIVE_TAR ||
		          m->content == ARCHIVE_GZIP)) {
			key_digest(j, "diff_id", &m->diff);
			json_key_uint(j, "uncompressed_size", m->usize);
			if (!listed[m - ar->m]) {
				json_files(j, m);
				listed[m - ar->m] = 1;
			} else {
				json_key(j, "files");
				json_null(j);
				json_key_uint(j, "files_not_kept",
				              m->files_dropped);
			}
		}
		json_object_end(j);
	}
	json_array_end(j);
}

/* json_program() writes IMG's entry program under "program". */
static void json_program(struct json *j, struct archive *ar,
                         const struct archive_image *img)
{
	struct program pg;
	char hex[24];
	int i;

	json_key(j, "program");
	if (read_program(ar, img, &pg, 65536 + 64) < 0 || !pg.file) {
		json_null(j);
		free_program(&pg);
		return;
	}
	json_object_begin(j);
	json_key_string(j, "path", pg.path);
	json_key_uint(j, "size", pg.file->size);
	json_key(j, "elf");
	if (!pg.is_elf) {
		json_null(j);
	} else {
		json_object_begin(j);
		json_key_uint(j, "class", pg.info.is64 ? 64 : 32);
		json_key_string(j, "byte_order", pg.info.big ? "big" : "little");
		json_key_uint(j, "type", pg.info.type);
		json_key_uint(j, "machine", pg.info.machine);
		json_key_string(j, "machine_name",
		                elfdump_machine(pg.info.machine));
		snprintf(hex, sizeof hex, "0x%llx",
		         (unsigned long long)pg.info.entry);
		json_key_string(j, "entry", hex);
		json_key(j, "segments");
		json_array_begin(j);
		for (i = 0; i < pg.info.phnum; i++) {
			const struct elf_phdr *ph = &pg.info.phdrs[i];
			char flags[4];

			elfdump_flags(ph->flags, flags);
			json_object_begin(j);
			json_key_string(j, "type", elfdump_phdr_name(ph->type));
			json_key_string(j, "flags", flags);
			json_key_uint(j, "offset", ph->offset);
			json_key_uint(j, "vaddr", ph->vaddr);
			json_key_uint(j, "filesz", ph->filesz);
			json_key_uint(j, "memsz", ph->memsz);
			json_object_end(j);
		}
		json_array_end(j);
		json_object_end(j);
	}
	json_object_end(j);
	free_program(&pg);
}

/* json_list() writes "KEY": [the N strings V]. */
static void json_list(struct json *j, const char *key, char **v, size_t n)
{
	size_t i;

	json_key(j, key);
	json_array_begin(j);
	for (i = 0; i < n; i++)
		json_string(j, v[i]);
	json_array_end(j);
}

/* json_image() writes one image's facts as an object. */
static void json_image(struct json *j, struct archive *ar,
                       const struct archive_image *img,
                       unsigned char *listed)
{
	char plat[128];

	json_object_begin(j);
	json_list(j, "tags", img->tags, img->ntags);
	json_list(j, "names", img->names, img->nnames);
	archive_platform_text(img, plat, sizeof plat);
	json_key_string(j, "platform", plat);
	json_key(j, "attestation");
	json_bool(j, img->attestation);
	json_key(j, "manifest");
	if (img->has_manifest) {
		json_object_begin(j);
		key_digest(j, "digest", &img->manifest_digest);
		json_key_uint(j, "size", img->manifest_size);
		json_object_end(j);
	} else {
		json_null(j);
	}
	json_config(j, img);
	json_layers(j, ar, img, listed);
	if (!img->attestation)
		json_program(j, ar, img);
	json_object_end(j);
}

/* json_report() writes the items of LEVEL under KEY as {where, what}. */
static void json_report(struct json *j, const struct report *r,
                        enum report_level level, const char *key)
{
	size_t i;

	json_key(j, key);
	json_array_begin(j);
	for (i = 0; i < r->n; i++) {
		if (r->v[i].level != level)
			continue;
		json_object_begin(j);
		json_key_string(j, "where", r->v[i].where);
		json_key_string(j, "what", r->v[i].what);
		json_object_end(j);
	}
	json_array_end(j);
}

/* print_json() is the --json view: one document with stable keys. */
static void print_json(struct archive *ar, const struct options *o)
{
	struct json j;
	unsigned char *listed;
	size_t i;

	json_init(&j);
	json_object_begin(&j);
	json_key_string(&j, "tarball", ar->name);
	json_key_uint(&j, "size", ar->input_size);
	json_key(&j, "gzip");
	json_bool(&j, ar->gzip);
	json_key_uint(&j, "members", ar->n);
	json_key(&j, "oci_layout");
	json_bool(&j, ar->has_index);
	json_key(&j, "docker_manifest");
	json_bool(&j, ar->has_docker_manifest);
	json_key(&j, "valid");
	json_bool(&j, ar->report.problems == 0);
	json_key(&j, "images");
	json_array_begin(&j);
	listed = util_xmalloc(ar->n + 1);
	memset(listed, 0, ar->n + 1);
	for (i = 0; i < ar->nimages; i++)
		if (wanted(o, &ar->images[i]))
			json_image(&j, ar, &ar->images[i], listed);
	free(listed);
	json_array_end(&j);
	json_report(&j, &ar->report, REPORT_PROBLEM, "problems");
	json_report(&j, &ar->report, REPORT_WARNING, "warnings");
	json_object_end(&j);
	fwrite(j.buf, 1, j.len, stdout);
	fputc('\n', stdout);
	json_free(&j);
}

int inspect_main(int argc, char **argv)
{
	struct options o;
	struct archive ar;
	struct archive_options ao = { 0, 1 };
	int r;

	cleanup_install();
	r = parse_options(argc, argv, &o);
	if (r != 0)
		return r < 0 ? 0 : r;
	ao.progress = !o.quiet;
	r = archive_read(o.input, &ao, &ar);
	if (r == 0 && o.json)
		print_json(&ar, &o);
	else if (r == 0 && o.bytes)
		r = print_bytes(&ar, &o);
	else if (r == 0)
		print_text(&ar, &o);
	if (r == 0 && o.bytes)
		print_report(&ar.report, ar.name);
	r = r < 0 || ar.report.problems ? 1 : 0;
	archive_free(&ar);
	cleanup_run();
	return r;
}
