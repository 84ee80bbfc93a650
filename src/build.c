/* build: the "tinyimg build" command. */
#define _GNU_SOURCE /* getopt_long */
#include "build.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "elf.h"
#include "image.h"
#include "layer.h"
#include "ref.h"
#include "sink.h"
#include "toolchain.h"
#include "util.h"

enum { EXIT_USAGE = 2 };

/* What the user asked for. Strings point into argv or the environment. */
struct options {
	const char *input, *output;
	struct image_list tags;
	const char *arch; /* --arch, or NULL */
	int strip;        /* --strip: super strip a prebuilt executable */
	int quiet, verbose;
};

/* What the input file is, judged by its content. */
enum input_kind { INPUT_ASM, INPUT_OBJECT, INPUT_EXECUTABLE };

/* The state of one build; everything here is freed by build_free. */
struct build {
	const struct options *o;
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
	char *tmp_output;  /* temporary file beside the output, or NULL */
};

void build_help(FILE *f)
{
	fputs("usage: tinyimg build [options] INPUT -o OUTPUT.tar\n"
	      "\n"
	      "INPUT is nasm assembly source (.asm), an ELF relocatable object or\n"
	      "a static ELF executable; tinyimg tells them apart by content.\n"
	      "\n"
	      "  -o, --output FILE   write the image tarball to FILE (required)\n"
	      "  -t, --tag NAME[:TAG]\n"
	      "                      name the image (default: INPUT's base name,\n"
	      "                      lower-cased, tag latest)\n"
	      "  -a, --arch ARCH     386 (default for assembly) or amd64\n"
	      "      --strip         super strip a prebuilt executable too\n"
	      "  -q, --quiet         print nothing but errors\n"
	      "  -v, --verbose       print each external command as it runs\n"
	      "  -h, --help          show this help\n"
	      "\n"
	      "SOURCE_DATE_EPOCH sets the image's creation time (default: 0).\n"
	      "Exit status: 0 success, 1 failure, 2 usage error.\n",
	      f);
}

/* usage_error() prints a usage message and returns the usage exit status. */
static int usage_error(const char *fmt, const char *arg)
{
	fputs("tinyimg: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'tinyimg help build'.\n", stderr);
	return EXIT_USAGE;
}

static void list_push(struct image_list *l, const char *s)
{
	l->v = util_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	l->v[l->n++] = (char *)s;
}

/* parse_options() fills O from ARGV; 0, or the usage exit status. */
static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "tag", required_argument, NULL, 't' },
		{ "arch", required_argument, NULL, 'a' },
		{ "strip", no_argument, NULL, 'S' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof *o);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:t:a:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o->output = optarg; break;
		case 't': list_push(&o->tags, optarg); break;
		case 'a': o->arch = optarg; break;
		case 'S': o->strip = 1; break;
		case 'q': o->quiet = 1; break;
		case 'v': o->verbose = 1; break;
		case 'h': build_help(stdout); exit(0);
		case ':': return usage_error("option '%s' needs a value",
		                             argv[optind - 1]);
		default: return usage_error("unknown option '%s'",
		                            argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error("%s", "no input file given");
	if (optind + 1 < argc)
		return usage_error("one input file at a time; '%s' is one too "
		                   "many", argv[optind + 1]);
	o->input = argv[optind];
	if (!o->output)
		return usage_error("%s", "no output given: add -o OUTPUT.tar");
	if (o->arch && !toolchain_arch(o->arch))
		return usage_error("unknown architecture '%s': use 386 or amd64",
		                   o->arch);
	if (o->quiet && o->verbose)
		return usage_error("%s", "--quiet and --verbose contradict each "
		                   "other");
	return 0;
}

/* stem() is BASE without its extension EXT (when it ends in it), or a heap
 * copy of BASE. */
static char *stem(const char *base, const char *ext)
{
	size_t n = strlen(base), e = strlen(ext);
	char *s = util_xstrdup(base);

	if (e && n > e && strcmp(base + n - e, ext) == 0)
		s[n - e] = '\0';
	return s;
}

/* input_stem() is the input's base name less a .asm, .s or .o ending. */
static char *input_stem(const struct build *b)
{
	const char *base = util_basename(b->o->input);

	switch (b->kind) {
	case INPUT_ASM: return stem(base, ".asm");
	case INPUT_OBJECT: return stem(base, ".o");
	default: return util_xstrdup(base);
	}
}

/* parse_tags() reads the -t values, or makes the default from INPUT. */
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
			util_error("cannot name the image after %s: '%s' is not a "
			           "valid image name (%s); name it with -t "
			           "NAME[:TAG]", b->o->input, name, why);
		free(name);
		return r < 0 ? EXIT_USAGE : 0;
	}
	for (i = 0; i < tags->n; i++)
		if (ref_parse(tags->v[i], &b->refs[i], &why) < 0)
			return usage_error("invalid tag '%s'", tags->v[i]),
			       fprintf(stderr, "tinyimg: %s\n", why), EXIT_USAGE;
	return 0;
}

/* source_date() reads SOURCE_DATE_EPOCH into *T (0 when unset). */
static int source_date(uint64_t *t)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	unsigned long long v;

	*t = 0;
	if (!s || !*s)
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || !isdigit((unsigned char)s[0]) || v > 253402300799ULL)
		return util_error("SOURCE_DATE_EPOCH='%s' is not a number of "
		                  "seconds since 1970 (up to year 9999)", s);
	*t = v;
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

/* classify_input() opens the input and decides what it is by content. */
static int classify_input(struct build *b)
{
	const char *in = b->o->input;
	unsigned char head[4096];
	struct elf_info info;
	struct stat st;
	ssize_t n;
	int fd = open(in, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return util_error("%s:", in);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return S_ISDIR(st.st_mode)
		       ? util_error("%s: is a folder; expected an .asm file, an "
		                    "ELF object or a static executable", in)
		       : util_error("%s: not a regular file", in);
	}
	while ((n = read(fd, head, sizeof head)) < 0 && errno == EINTR)
		;
	if (n < 0) {
		close(fd);
		return util_error("%s: read failed:", in);
	}
	if (n == 0) {
		close(fd);
		return util_error("%s: file is empty; expected nasm assembly "
		                  "source, an ELF object or a static executable",
		                  in);
	}
	if (elf_has_magic(head, (uint64_t)n)) {
		int r = elf_read(fd, in, &info);

		close(fd);
		if (r < 0)
			return -1;
		b->kind = info.type == ELF_REL ? INPUT_OBJECT : INPUT_EXECUTABLE;
		elf_free(&info);
		return 0;
	}
	close(fd);
	if (!looks_like_text(head, (size_t)n))
		return util_error("%s: not assembly source, an ELF object or an "
		                  "ELF executable (it holds binary data)", in);
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

/* check_output() refuses an output that is the input or a folder. */
static int check_output(const struct options *o)
{
	struct stat st;

	if (strcmp(o->output, "-") == 0) {
		if (isatty(STDOUT_FILENO))
			return usage_error("%s", "refusing to write an image to a "
			                   "terminal; redirect -o - or name a file");
		return 0;
	}
	if (same_file(o->input, o->output) || strcmp(o->input, o->output) == 0)
		return usage_error("-o %s names the input itself; choose another "
		                   "output file", o->output);
	if (stat(o->output, &st) == 0 && S_ISDIR(st.st_mode))
		return usage_error("-o %s is a folder; name a file", o->output);
	return 0;
}

/* make_temp() creates a file (DIR_ELSE 0) or folder from TEMPLATE,
 * registered for cleanup with no window for a signal to miss it. Returns the
 * open file (or 0 for a folder), or -1 after a message. */
static int make_temp(char *template, int folder)
{
	sigset_t all, old;
	int fd;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	if (folder)
		fd = mkdtemp(template) ? 0 : -1;
	else
		fd = mkostemp(template, O_CLOEXEC);
	if (fd >= 0 && cleanup_add(template) < 0) {
		if (folder)
			rmdir(template);
		else
			unlink(template), close(fd);
		fd = -1;
		errno = ENAMETOOLONG;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (fd < 0)
		util_error("cannot create a temporary %s %s:",
		           folder ? "folder" : "file", template);
	return fd;
}

/* make_workdir() creates the private folder under TMPDIR. */
static int make_workdir(struct build *b)
{
	const char *tmp = getenv("TMPDIR");

	if (!tmp || !*tmp)
		tmp = "/tmp";
	b->workdir = util_xasprintf("%s/tinyimg-XXXXXX", tmp);
	return make_temp(b->workdir, 1) < 0 ? -1 : 0;
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

/* check_program() opens PATH and checks it is a program tinyimg can
 * package; with SUPERSTRIP it is cut down in place first. */
static int check_program(struct build *b, const char *path, const char *name,
                         int superstrip, int strict)
{
	struct elf_info info;
	int fd = open(path, (superstrip ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	int r;

	if (fd < 0)
		return util_error("%s:", path);
	r = elf_read(fd, name, &info);
	if (r == 0 && superstrip)
		r = elf_superstrip(fd, name, &info);
	if (r == 0)
		r = elf_check_program(fd, name, &info, strict);
	if (r == 0 && !(b->arch = elf_arch(&info)))
		r = util_error("%s: unknown machine type %u", name, info.machine);
	if (r == 0 && b->o->arch && strcmp(b->o->arch, b->arch) != 0)
		r = util_error("%s: is a %s program but --arch %s was given",
		               name, b->arch, b->o->arch);
	b->program_size = info.file_size;
	elf_free(&info);
	close(fd);
	return r;
}

/* object_arch() reads the object OBJECT: its architecture, and whether it
 * defines _start (an error naming INPUT when it does not). */
static int check_object(const char *object, const char *input,
                        const struct toolchain_arch **arch)
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
	elf_free(&info);
	close(fd);
	return r;
}

/* make_program() turns the input into the program file to package. */
static int make_program(struct build *b)
{
	const struct options *o = b->o;
	const struct toolchain_arch *arch =
		toolchain_arch(o->arch ? o->arch : "386");
	char *object = NULL;
	int r = 0;

	if (b->kind == INPUT_EXECUTABLE && !o->strip) {
		b->program = util_xstrdup(o->input);
		return check_program(b, o->input, o->input, 0, 0);
	}
	if (!(b->program = work_path(b, "program")))
		return -1;
	if (b->kind == INPUT_EXECUTABLE) {
		/* copy, then cut the copy */
		return util_error("%s: --strip of executables is not done yet",
		                  o->input);
	}
	if (b->kind == INPUT_ASM) {
		if (!(object = work_path(b, "program.o")))
			return -1;
		r = toolchain_assemble(o->input, arch, object, o->verbose);
	}
	if (r == 0)
		r = check_object(object ? object : o->input, o->input, &arch);
	if (r == 0 && o->arch && strcmp(arch->name, o->arch) != 0)
		r = util_error("%s: is a %s object but --arch %s was given",
		               o->input, arch->name, o->arch);
	if (r == 0)
		r = toolchain_link(object ? object : o->input, o->input, arch,
		                   b->workdir, b->program, b->kind == INPUT_ASM,
		                   o->verbose);
	if (r == 0)
		r = check_program(b, b->program, o->input, 1, 1);
	free(object);
	return r;
}

/* open_output() opens a temporary file beside the output, or stdout. */
static int open_output(struct build *b)
{
	char *dir;
	int fd;

	if (strcmp(b->o->output, "-") == 0)
		return STDOUT_FILENO;
	dir = util_dirname(b->o->output);
	b->tmp_output = util_xasprintf("%s/.%s.tinyimg-XXXXXX", dir,
	                               util_basename(b->o->output));
	free(dir);
	fd = make_temp(b->tmp_output, 0);
	if (fd < 0) {
		free(b->tmp_output);
		b->tmp_output = NULL;
	}
	return fd;
}

/* finish_output() gives the temporary output its final mode and name. */
static int finish_output(struct build *b, int fd)
{
	mode_t mask = umask(0);

	umask(mask);
	if (fchmod(fd, 0666 & ~mask) < 0 || fsync(fd) < 0)
		return util_error("%s:", b->tmp_output);
	if (rename(b->tmp_output, b->o->output) < 0)
		return util_error("cannot write %s:", b->o->output);
	cleanup_forget(b->tmp_output);
	return 0;
}

/* write_image() writes the image tarball to the output. */
static int write_image(struct build *b, struct image_result *res)
{
	struct image_spec spec;
	struct layer layer;
	struct sink out;
	char *layer_path = work_path(b, "layer.tar");
	const char *name = strcmp(b->o->output, "-") ? b->o->output : "stdout";
	int fd, r = -1;

	memset(&spec, 0, sizeof spec);
	spec.arch = b->arch;
	spec.refs = b->refs;
	spec.nrefs = b->nrefs;
	spec.created = b->created;
	spec.created_by = b->created_by;
	spec.format = IMAGE_FORMAT_BOTH;
	list_push(&spec.entrypoint, b->image_path);
	layer_init(&layer);
	if (!layer_path ||
	    layer_add_file(&layer, b->image_path, b->program, 0755,
	                   b->program_size) < 0 ||
	    (fd = open_output(b)) < 0)
		goto out;
	sink_init(&out, fd, name);
	r = image_write(&spec, &layer, layer_path, &out, res);
	if (r == 0 && b->tmp_output)
		r = finish_output(b, fd);
	if (fd != STDOUT_FILENO && close(fd) < 0 && r == 0)
		r = util_error("%s:", name);
out:
	layer_free(&layer);
	free(spec.entrypoint.v);
	free(layer_path);
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
	free(b->tmp_output);
}

/* run() does the build described by O; returns the exit status. */
static int run(const struct options *o)
{
	struct build b;
	struct image_result res;
	char *name;
	int r;

	memset(&b, 0, sizeof b);
	b.o = o;
	r = check_output(o);
	if (r == 0 && (classify_input(&b) < 0 || source_date(&b.created) < 0))
		r = 1;
	if (r == 0)
		r = parse_tags(&b);
	if (r == 0) {
		name = input_stem(&b);
		b.image_path = util_xasprintf("/%s", *name ? name : "program");
		b.created_by = util_xasprintf("tinyimg build %s",
		                              util_basename(o->input));
		free(name);
		if (make_workdir(&b) < 0 || make_program(&b) < 0 ||
		    write_image(&b, &res) < 0)
			r = 1;
	}
	if (r == 0 && !o->quiet)
		summary(&b, &res);
	cleanup_run();
	build_free(&b);
	return r;
}

int build_main(int argc, char **argv)
{
	struct options o;
	int r;

	cleanup_install();
	r = parse_options(argc, argv, &o);
	if (r == 0)
		r = run(&o);
	free(o.tags.v);
	return r;
}
