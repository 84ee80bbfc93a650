/* build: the "tinyimg build" command: input in, image tarball out. */
#define _POSIX_C_SOURCE 200809L
#include "build.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "elf.h"
#include "image.h"
#include "json.h"
#include "layer.h"
#include "opts.h"
#include "output.h"
#include "ref.h"
#include "sink.h"
#include "toolchain.h"
#include "util.h"

/* What the input file is, judged by its content. */
enum input_kind { INPUT_ASM, INPUT_OBJECT, INPUT_EXECUTABLE };

/* The state of one build; everything here is freed by build_free. */
struct build {
	const struct opts *o;
	enum input_kind kind;
	char *workdir;     /* private temporary folder */
	char *program;     /* the file that becomes the program in the image */
	uint64_t program_size;
	const char *arch;  /* OCI architecture of the program */
	char *image_path;  /* where the program lives in the image */
	struct ref *refs;
	size_t nrefs;
	uint64_t created;
	char *created_by;
};

void build_help(FILE *f)
{
	opts_help(f);
}

/* stem() is BASE without the ending EXT (when it has it), as a heap copy. */
static char *stem(const char *base, const char *ext)
{
	size_t n = strlen(base), e = strlen(ext);
	char *s = util_xstrdup(base);

	if (n > e && strcmp(base + n - e, ext) == 0)
		s[n - e] = '\0';
	return s;
}

/* input_stem() is the input's base name less a .asm or .o ending. */
static char *input_stem(const struct build *b)
{
	const char *base = util_basename(b->o->input);

	switch (b->kind) {
	case INPUT_ASM: return stem(base, ".asm");
	case INPUT_OBJECT: return stem(base, ".o");
	default: return util_xstrdup(base);
	}
}

/* parse_tags() reads the -t values, or makes the default from the input. */
static int parse_tags(struct build *b)
{
	const struct image_list *tags = &b->o->tags;
	const char *why = NULL;
	size_t i;

	b->nrefs = tags->n ? tags->n : 1;
	b->refs = util_xmalloc(b->nrefs * sizeof *b->refs);
	memset(b->refs, 0, b->nrefs * sizeof *b->refs);
	if (tags->n == 0) {
		char *name = input_stem(b), *p;
		int r;

		for (p = name; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		r = ref_parse(name, &b->refs[0], &why);
		if (r < 0)
			opts_usage_error("cannot name the image after %s: '%s' is "
			                 "not a valid image name (%s); name it with "
			                 "-t NAME[:TAG]", b->o->input, name, why);
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

/* looks_like_text() says whether the LEN bytes of BUF could be source. */
static int looks_like_text(const unsigned char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] == 0 || (buf[i] < 0x20 && !isspace(buf[i]) &&
		                    buf[i] != 0x1a && buf[i] != 0x1b))
			return 0;
	return 1;
}

/* read_head() opens the input, checks it is a regular non-empty file and
 * reads up to SIZE bytes of its start into HEAD; returns the count. */
static ssize_t read_head(const char *in, unsigned char *head, size_t size)
{
	struct stat st;
	ssize_t n;
	/* O_NONBLOCK: a FIFO must not hang the open; it is refused below. */
	int fd = open(in, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return util_error("%s:", in);
	if (fstat(fd, &st) < 0) {
		close(fd);
		return util_error("%s:", in);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return S_ISDIR(st.st_mode)
		       ? util_error("%s: is a folder; expected nasm assembly "
		                    "source, an ELF object or a static executable",
		                    in)
		       : util_error("%s: not a regular file", in);
	}
	while ((n = read(fd, head, size)) < 0 && errno == EINTR)
		;
	close(fd);
	if (n < 0)
		return util_error("%s: read failed:", in);
	if (n == 0)
		return util_error("%s: file is empty; expected nasm assembly "
		                  "source, an ELF object or a static executable",
		                  in);
	return n;
}

/* classify_input() decides by content what the input is. */
static int classify_input(struct build *b)
{
	const char *in = b->o->input;
	unsigned char head[4096];
	struct elf_info info;
	ssize_t n = read_head(in, head, sizeof head);
	int fd, r;

	if (n < 0)
		return -1;
	if (elf_has_magic(head, (uint64_t)n)) {
		if ((fd = open(in, O_RDONLY | O_CLOEXEC)) < 0)
			return util_error("%s:", in);
		r = elf_read(fd, in, &info);
		close(fd);
		if (r < 0)
			return -1;
		b->kind = info.type == ELF_REL ? INPUT_OBJECT : INPUT_EXECUTABLE;
		elf_free(&info);
		return 0;
	}
	if (n >= 2 && head[0] == '#' && head[1] == '!')
		return util_error("%s: a script (it starts with #!); a FROM-scratch "
		                  "image has no interpreter to run it: give nasm "
		                  "assembly source, an ELF object or a static "
		                  "executable", in);
	if (!looks_like_text(head, (size_t)n))
		return util_error("%s: not nasm assembly source, an ELF object or "
		                  "an ELF executable (it holds binary data)", in);
	b->kind = INPUT_ASM;
	return 0;
}

/* same_file() says whether paths A and B name one existing file. */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* check_output() refuses an output that is the input, a folder, or a
 * terminal. Returns 0 or the usage exit status. */
static int check_output(const struct opts *o)
{
	struct stat st;

	if (strcmp(o->output, "-") == 0) {
		if (isatty(STDOUT_FILENO))
			return opts_usage_error("refusing to write an image to a "
			                        "terminal; redirect -o - or name a "
			                        "file");
		return 0;
	}
	if (same_file(o->input, o->output) || strcmp(o->input, o->output) == 0)
		return opts_usage_error("-o %s names the input itself; choose "
		                        "another output file", o->output);
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
	const char *tmp = getenv("TMPDIR");
	char *here = NULL;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	/* Absolute, as nasm runs in the source's folder. */
	if (tmp[0] != '/' && !(here = getcwd(NULL, 0)))
		return util_error("cannot find the current folder:");
	b->workdir = util_xasprintf("%s%s%s/tinyimg-XXXXXX", here ? here : "",
	                            here ? "/" : "", tmp);
	free(here);
	return cleanup_mktemp(b->workdir, 1) < 0 ? -1 : 0;
}

/* work_path() names NAME in the work folder and registers it for cleanup. */
static char *work_path(struct build *b, const char *name)
{
	char *p = util_xasprintf("%s/%s", b->workdir, name);

	if (cleanup_add(p) < 0) {
		free(p);
		return NULL;
	}
	return p;
}

/* check_program() checks PATH (called NAME in messages) is a program
 * tinyimg can package; with SUPERSTRIP it is cut down in place first.
 * STRICT applies the rules for what tinyimg linked itself. */
static int check_program(struct build *b, const char *path, const char *name,
                         int superstrip, int strict)
{
	struct elf_info info;
	int fd = open(path, (superstrip ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	int r;

	if (fd < 0)
		return util_error("%s:", path);
	/* Checked before it is cut, and again after. */
	r = elf_read(fd, name, &info);
	if (r == 0)
		r = elf_check_program(fd, name, &info, strict);
	if (r == 0 && superstrip)
		r = elf_superstrip(fd, name, &info);
	if (r == 0 && superstrip)
		r = elf_check_program(fd, name, &info, strict);
	if (r == 0 && b->o->no_rwx)
		r = elf_check_wx(name, &info, b->o->quiet);
	if (r == 0 && !(b->arch = elf_arch(&info)))
		r = util_error("%s: machine type %u is not one tinyimg knows",
		               name, info.machine);
	if (r == 0 && b->o->arch && strcmp(b->o->arch, b->arch) != 0)
		r = util_error("%s: is a program for %s but --arch %s was given; "
		               "drop --arch or give --arch %s", name, b->arch,
		               b->o->arch, b->arch);
	b->program_size = info.file_size;
	elf_free(&info);
	close(fd);
	return r;
}

/* check_object() reads the object OBJECT (made from INPUT): its
 * architecture, whether it defines _start, and whether it has writable
 * data (*HAS_DATA). */
static int check_object(const char *object, const char *input,
                        const struct toolchain_arch **arch, int *has_data)
{
	struct elf_info info;
	int fd = open(object, O_RDONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return util_error("%s:", object);
	r = elf_read(fd, input, &info);
	if (r == 0 && !(*arch = toolchain_arch_of_machine(info.machine)))
		r = util_error("%s: an object for machine type %u; tinyimg links "
		               "386 and amd64 objects", input, info.machine);
	if (r == 0) {
		r = elf_object_defines(fd, input, &info, "_start");
		if (r == 0)
			r = util_error("%s: defines no global _start label; a program "
			               "starts at one: add 'global _start' and a "
			               "'_start:' label to the code", input);
		else if (r == 1)
			r = 0;
	}
	if (r == 0 && (*has_data = elf_object_writable(fd, input, &info)) < 0)
		r = -1;
	elf_free(&info);
	close(fd);
	return r;
}

/* source_arch() picks the architecture for assembly whose preprocessed
 * text uses the BITS in the mask BITS: --arch, else what BITS says; they
 * must agree, and a source must not say both 32 and 64. */
static int source_arch(const struct build *b, unsigned bits,
                       const struct toolchain_arch **arch)
{
	const char *in = b->o->input;
	int other;

	if (bits & TOOLCHAIN_BITS16)
		return util_error("%s: says BITS 16; Linux programs are 32-bit "
		                  "(386) or 64-bit (amd64)", in);
	if (!b->o->arch) {
		if ((bits & TOOLCHAIN_BITS32) && (bits & TOOLCHAIN_BITS64))
			return util_error("%s: says both BITS 32 and BITS 64 "
			                  "(counting the files it includes), so "
			                  "the machine it is for is unclear; give "
			                  "--arch 386 or --arch amd64", in);
		*arch = toolchain_arch(bits & TOOLCHAIN_BITS64 ? "amd64" : "386");
		return 0;
	}
	*arch = toolchain_arch(b->o->arch);
	other = (*arch)->machine == 62 ? 32 : 64;
	if (bits & (other == 32 ? TOOLCHAIN_BITS32 : TOOLCHAIN_BITS64))
		return util_error("%s: says BITS %d, which is not code for --arch "
		                  "%s; drop --arch or give --arch %s", in, other,
		                  b->o->arch, other == 64 ? "amd64" : "386");
	return 0;
}

/* copy_file() copies the regular file SRC to the new file DST. */
static int copy_file(const char *src, const char *dst)
{
	struct stat st;
	struct sink s;
	int in = open(src, O_RDONLY | O_CLOEXEC), out, r;

	if (in < 0 || fstat(in, &st) < 0) {
		if (in >= 0)
			close(in);
		return util_error("%s:", src);
	}
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
	if (out < 0) {
		close(in);
		return util_error("%s:", dst);
	}
	sink_init(&s, out, dst);
	r = sink_copy_fd(&s, in, src, (uint64_t)st.st_size);
	close(in);
	if (close(out) < 0 && r == 0)
		r = util_error("%s:", dst);
	return r;
}

/* make_flat_program() assembles source that writes its own ELF headers
 * (it has an ORG line) with nasm -f bin, and checks what came out. */
static int make_flat_program(struct build *b, const struct toolchain_job *job)
{
	const char *in = b->o->input;
	unsigned char magic[4];
	int fd;

	if (toolchain_assemble(job, "bin", b->program) < 0)
		return -1;
	if ((fd = open(b->program, O_RDONLY | O_CLOEXEC)) < 0)
		return util_error("%s:", b->program);
	if (read(fd, magic, 4) != 4 || !elf_has_magic(magic, 4)) {
		close(fd);
		return util_error("%s: has an ORG line, so nasm made a flat "
		                  "binary, but it does not start with ELF headers; "
		                  "write them in the source (see "
		                  "asm/handmade.asm) or drop ORG", in);
	}
	close(fd);
	return check_program(b, b->program, in, 0, 0);
}

/* assemble() turns the assembly source into the object OBJECT, or into
 * the finished program for a source with its own headers (*FLAT set).
 * The machine comes from what nasm preprocesses, includes and all, for
 * the format it will assemble with. */
static int assemble(struct build *b, const char *object,
                    const struct toolchain_arch **arch, int *flat)
{
	const struct opts *o = b->o;
	struct toolchain_job job = { o->input, o->includes.v, o->includes.n,
		                     o->verbose };
	struct toolchain_source src;
	const struct toolchain_arch *again;
	const char *format = o->arch ? toolchain_arch(o->arch)->nasm_format
	                             : "elf32";
	char *pre = work_path(b, "program.i");
	int r = pre ? toolchain_scan_source(&job, format, pre, &src) : -1;

	*flat = r == 0 && src.flat;
	if (r == 0 && *flat)
		r = make_flat_program(b, &job);
	else if (r == 0)
		r = source_arch(b, src.bits, arch);
	if (r == 0 && !*flat && strcmp((*arch)->nasm_format, format) != 0) {
		/* Preprocessed again as it will be assembled: the answer must
		 * not change with the output format. */
		r = toolchain_scan_source(&job, (*arch)->nasm_format, pre, &src);
		if (r == 0 && (src.flat || source_arch(b, src.bits, &again) < 0 ||
		               again != *arch))
			r = util_error("%s: says different BITS for -f %s and -f "
			               "%s, so the machine it is for is unclear; "
			               "give --arch", o->input, format,
			               (*arch)->nasm_format);
	}
	if (r == 0 && !*flat)
		r = toolchain_assemble(&job, (*arch)->nasm_format, object);
	free(pre);
	return r;
}

/* make_program() turns the input into the program file to package. */
static int make_program(struct build *b)
{
	const struct opts *o = b->o;
	const struct toolchain_arch *arch = NULL;
	struct toolchain_layout layout = { 0, 0, 0 };
	char *object = NULL;
	int r = 0, flat = 0;

	if (b->kind == INPUT_EXECUTABLE && !o->strip) {
		b->program = util_xstrdup(o->input);
		return check_program(b, o->input, o->input, 0, 0);
	}
	if (!(b->program = work_path(b, "program")))
		return -1;
	if (b->kind == INPUT_EXECUTABLE) {
		if (copy_file(o->input, b->program) < 0)
			return -1;
		return check_program(b, b->program, o->input, 1, 0);
	}
	if (b->kind == INPUT_ASM) {
		if (!(object = work_path(b, "program.o")))
			return -1;
		r = assemble(b, object, &arch, &flat);
		if (r < 0 || flat) {
			free(object);
			return r;
		}
	}
	if (r == 0)
		r = check_object(object ? object : o->input, o->input, &arch,
		                 &layout.has_data);
	if (r == 0 && o->arch && strcmp(arch->name, o->arch) != 0)
		r = util_error("%s: is an object for %s but --arch %s was given; "
		               "drop --arch or give --arch %s", o->input,
		               arch->name, o->arch, arch->name);
	layout.packed = b->kind == INPUT_ASM;
	layout.no_rwx = o->no_rwx;
	if (r == 0)
		r = toolchain_link(object ? object : o->input, o->input, arch,
		                   b->workdir, b->program, &layout, o->verbose);
	if (r == 0)
		r = check_program(b, b->program, o->input, 1, 1);
	free(object);
	return r;
}

/* fill_layer() puts the program and every --add into LAYER, leaving
 * tinyimg's own work folder and output out of every tree. */
static int fill_layer(const struct build *b, struct layer *layer)
{
	size_t i;

	layer_skip_path(layer, b->workdir);
	if (strcmp(b->o->output, "-") != 0)
		layer_skip_path(layer, b->o->output);
	if (layer_add_file(layer, layer_origin(layer, "the program"),
	                   b->image_path, b->program, 0755,
	                   b->program_size) < 0)
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

/* image_spec() describes the image from the options and the build. */
static void image_spec(const struct build *b, struct image_spec *spec)
{
	const struct opts *o = b->o;

	memset(spec, 0, sizeof *spec);
	spec->arch = b->arch;
	spec->refs = b->refs;
	spec->nrefs = b->nrefs;
	spec->created = b->created;
	spec->created_by = b->created_by;
	spec->format = o->format;
	spec->entrypoint = o->entrypoint;
	spec->cmd = o->cmd;
	spec->has_cmd = o->has_cmd;
	spec->env = o->env;
	spec->labels = o->labels;
	spec->ports = o->ports;
	spec->workdir = o->workdir;
	spec->user = o->user;
	spec->stop_signal = o->stop_signal;
}

/* write_image() writes the image tarball to the output. */
static int write_image(struct build *b, struct image_result *res)
{
	struct image_spec spec;
	struct image_list entrypoint = { NULL, 0 };
	struct layer layer;
	struct output out;
	struct sink sink;
	int r = -1;

	image_spec(b, &spec);
	if (!b->o->has_entrypoint) {
		image_list_push(&entrypoint, util_xstrdup(b->image_path));
		spec.entrypoint = entrypoint;
	}
	layer_init(&layer);
	output_init(&out);
	if (fill_layer(b, &layer) == 0 &&
	    output_open(&out, b->o->output) == 0) {
		sink_init_mode(&sink, out.fd, out.name, SINK_WRITE);
		r = image_write(&spec, &layer, &sink, res);
		if (r == 0)
			r = output_commit(&out);
	}
	output_close(&out);
	layer_free(&layer);
	image_list_free(&entrypoint);
	return r;
}

/* summary() prints the one line that says what was built. */
static void summary(const struct build *b, const struct image_result *res)
{
	fprintf(stderr, "%s: %s linux/%s, program %llu B, layer %llu B, "
	        "tarball %llu B, sha256:%.12s\n",
	        strcmp(b->o->output, "-") ? b->o->output : "stdout",
	        b->refs[0].familiar, b->arch,
	        (unsigned long long)b->program_size,
	        (unsigned long long)res->layer_size,
	        (unsigned long long)res->tarball_size, res->config_hex);
}

static void build_free(struct build *b)
{
	size_t i;

	for (i = 0; i < b->nrefs; i++)
		ref_free(&b->refs[i]);
	free(b->refs);
	free(b->workdir);
	free(b->program);
	free(b->image_path);
	free(b->created_by);
}

/* prepare() checks the output and input and works out names and times.
 * Returns 0, 1 or the usage exit status. */
static int prepare(struct build *b)
{
	const struct opts *o = b->o;
	char *name;
	int r = check_output(o);

	if (r == 0 && (classify_input(b) < 0 || creation_time(b) < 0))
		r = 1;
	if (r == 0)
		r = parse_tags(b);
	if (r != 0)
		return r;
	name = input_stem(b);
	if (!o->path && !json_utf8_valid(name)) {
		free(name);
		return opts_usage_error("%s: the name is not valid UTF-8, so it "
		                        "cannot name the program in the image "
		                        "config; give --path /NAME", o->input);
	}
	b->image_path = o->path ? util_xstrdup(o->path)
	                        : util_xasprintf("/%s", *name ? name : "program");
	b->created_by = util_xasprintf("tinyimg build %s",
	                               util_basename(o->input));
	free(name);
	return 0;
}

/* run() does the build described by O; returns the exit status. */
static int run(const struct opts *o)
{
	struct build b;
	struct image_result res;
	int r;

	memset(&b, 0, sizeof b);
	b.o = o;
	r = prepare(&b);
	if (r == 0 && (make_workdir(&b) < 0 || make_program(&b) < 0 ||
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
