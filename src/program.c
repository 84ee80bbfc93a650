/* program: one INPUT made into the checked program a platform's image
 * runs. */
#define _POSIX_C_SOURCE 200809L
#include "program.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "elf.h"
#include "sink.h"
#include "toolchain.h"
#include "util.h"

/* stem() is BASE without the ending EXT (when it has it), as a heap copy. */
static char *stem(const char *base, const char *ext)
{
	size_t n = strlen(base), e = strlen(ext);
	char *s = util_xstrdup(base);

	if (n > e && strcmp(base + n - e, ext) == 0)
		s[n - e] = '\0';
	return s;
}

/* set_stem() names P after its input: the base name less .asm or .o. */
static int set_stem(struct program *p)
{
	const char *base = util_basename(p->input);

	switch (p->kind) {
	case PROGRAM_ASM: p->stem = stem(base, ".asm"); break;
	case PROGRAM_OBJECT: p->stem = stem(base, ".o"); break;
	default: p->stem = util_xstrdup(base);
	}
	return 0;
}

/* work_path() names P's file NAME in the work folder ("1-program" for the
 * second input) and registers it for cleanup. */
static char *work_path(const struct program *p,
                       const struct program_options *o, const char *name)
{
	char *path = util_xasprintf("%s/%d-%s", o->workdir, p->index, name);

	if (cleanup_add(path) < 0) {
		free(path);
		return NULL;
	}
	return path;
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

int program_classify(struct program *p, const char *input, int index)
{
	const char *in = input;
	unsigned char head[4096];
	struct elf_info info;
	ssize_t n;
	int fd, r;

	memset(p, 0, sizeof *p);
	p->input = input;
	p->index = index;
	n = read_head(in, head, sizeof head);
	if (n < 0)
		return -1;
	if (elf_has_magic(head, (uint64_t)n)) {
		if ((fd = open(in, O_RDONLY | O_CLOEXEC)) < 0)
			return util_error("%s:", in);
		r = elf_read(fd, in, &info);
		close(fd);
		if (r < 0)
			return -1;
		p->kind = info.type == ELF_REL ? PROGRAM_OBJECT
		                               : PROGRAM_EXECUTABLE;
		elf_free(&info);
		return set_stem(p);
	}
	if (n >= 2 && head[0] == '#' && head[1] == '!')
		return util_error("%s: a script (it starts with #!); a FROM-scratch "
		                  "image has no interpreter to run it: give nasm "
		                  "assembly source, an ELF object or a static "
		                  "executable", in);
	if (!looks_like_text(head, (size_t)n))
		return util_error("%s: not nasm assembly source, an ELF object or "
		                  "an ELF executable (it holds binary data)", in);
	p->kind = PROGRAM_ASM;
	return set_stem(p);
}

/* check_program() checks PATH (called NAME in messages) is a program
 * tinyimg can package; with SUPERSTRIP it is cut down in place first.
 * STRICT applies the rules for what tinyimg linked itself. */
static int check_program(struct program *p, const struct program_options *o,
                         const char *path, const char *name, int superstrip,
                         int strict)
{
	struct elf_info info;
	int fd = open(path, (superstrip ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	int r;

	if (fd < 0)
		return util_error("%s:", path);
	/* Checked before it is cut (the ARM variant read from sections the
	 * cut drops), and again after. */
	r = elf_read(fd, name, &info);
	if (r == 0)
		r = elf_check_program(fd, name, &info, strict);
	if (r == 0 && !(p->arch = elf_arch(&info)))
		r = util_error("%s: machine type %u (%d-bit, %s-endian) is not "
		               "one tinyimg knows", name, info.machine,
		               info.is64 ? 64 : 32, info.big ? "big" : "little");
	if (r == 0 && strcmp(p->arch, "arm") == 0)
		r = elf_arm_variant(fd, name, &info, &p->variant);
	if (r == 0 && superstrip)
		r = elf_superstrip(fd, name, &info);
	if (r == 0 && superstrip)
		r = elf_check_program(fd, name, &info, strict);
	if (r == 0 && o->no_rwx)
		r = elf_check_wx(name, &info, o->quiet);
	if (r == 0 && o->arch && strcmp(o->arch, p->arch) != 0)
		r = util_error("%s: is a program for %s but --arch %s was given; "
		               "drop --arch or give --arch %s", name, p->arch,
		               o->arch, p->arch);
	p->size = info.file_size;
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
static int source_arch(const struct program *p,
                       const struct program_options *o, unsigned bits,
                       const struct toolchain_arch **arch)
{
	const char *in = p->input;
	int other;

	if (bits & TOOLCHAIN_BITS16)
		return util_error("%s: says BITS 16; Linux programs are 32-bit "
		                  "(386) or 64-bit (amd64)", in);
	if (!o->arch) {
		if ((bits & TOOLCHAIN_BITS32) && (bits & TOOLCHAIN_BITS64))
			return util_error("%s: says both BITS 32 and BITS 64 "
			                  "(counting the files it includes), so "
			                  "the machine it is for is unclear; give "
			                  "--arch 386 or --arch amd64", in);
		*arch = toolchain_arch(bits & TOOLCHAIN_BITS64 ? "amd64" : "386");
		return 0;
	}
	*arch = toolchain_arch(o->arch);
	other = (*arch)->machine == 62 ? 32 : 64;
	if (bits & (other == 32 ? TOOLCHAIN_BITS32 : TOOLCHAIN_BITS64))
		return util_error("%s: says BITS %d, which is not code for --arch "
		                  "%s; drop --arch or give --arch %s", in, other,
		                  o->arch, other == 64 ? "amd64" : "386");
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
	sink_init_mode(&s, out, dst, SINK_WRITE); /* a copy, no digest */
	r = sink_copy_fd(&s, in, src, (uint64_t)st.st_size);
	close(in);
	if (close(out) < 0 && r == 0)
		r = util_error("%s:", dst);
	return r;
}

/* make_flat_program() assembles source that writes its own ELF headers
 * (it has an ORG line) with nasm -f bin, and checks what came out. */
static int make_flat_program(struct program *p,
                             const struct program_options *o,
                             const struct toolchain_job *job)
{
	const char *in = p->input;
	unsigned char magic[4];
	int fd;

	if (toolchain_assemble(job, "bin", p->path) < 0)
		return -1;
	if ((fd = open(p->path, O_RDONLY | O_CLOEXEC)) < 0)
		return util_error("%s:", p->path);
	if (read(fd, magic, 4) != 4 || !elf_has_magic(magic, 4)) {
		close(fd);
		return util_error("%s: has an ORG line, so nasm made a flat "
		                  "binary, but it does not start with ELF headers; "
		                  "write them in the source (see "
		                  "asm/handmade.asm) or drop ORG", in);
	}
	close(fd);
	return check_program(p, o, p->path, in, 0, 0);
}

/* assemble() turns the assembly source into the object OBJECT, or into
 * the finished program for a source with its own headers (*FLAT set).
 * The machine comes from what nasm preprocesses, includes and all, for
 * the format it will assemble with. */
static int assemble(struct program *p, const struct program_options *o,
                    const char *object,
                    const struct toolchain_arch **arch, int *flat)
{
	struct toolchain_job job = { p->input, o->includes, o->nincludes,
		                     o->verbose };
	struct toolchain_source src;
	const struct toolchain_arch *again;
	const char *format = o->arch ? toolchain_arch(o->arch)->nasm_format
	                             : "elf32";
	char *pre = work_path(p, o, "program.i");
	int r = pre ? toolchain_scan_source(&job, format, pre, &src) : -1;

	*flat = r == 0 && src.flat;
	if (r == 0 && *flat)
		r = make_flat_program(p, o, &job);
	else if (r == 0)
		r = source_arch(p, o, src.bits, arch);
	if (r == 0 && !*flat && strcmp((*arch)->nasm_format, format) != 0) {
		/* Preprocessed again as it will be assembled: the answer must
		 * not change with the output format. */
		r = toolchain_scan_source(&job, (*arch)->nasm_format, pre, &src);
		if (r == 0 && (src.flat || source_arch(p, o, src.bits, &again) < 0 ||
		               again != *arch))
			r = util_error("%s: says different BITS for -f %s and -f "
			               "%s, so the machine it is for is unclear; "
			               "give --arch", p->input, format,
			               (*arch)->nasm_format);
	}
	if (r == 0 && !*flat)
		r = toolchain_assemble(&job, (*arch)->nasm_format, object);
	free(pre);
	return r;
}

int program_make(struct program *p, const struct program_options *o)
{
	const struct toolchain_arch *arch = NULL;
	struct toolchain_layout layout = { 0, 0, 0 };
	char *object = NULL, *script = NULL;
	int r = 0, flat = 0;

	if (p->kind == PROGRAM_EXECUTABLE && !o->strip) {
		p->path = util_xstrdup(p->input);
		return check_program(p, o, p->input, p->input, 0, 0);
	}
	if (!(p->path = work_path(p, o, "program")))
		return -1;
	if (p->kind == PROGRAM_EXECUTABLE) {
		if (copy_file(p->input, p->path) < 0)
			return -1;
		return check_program(p, o, p->path, p->input, 1, 0);
	}
	if (p->kind == PROGRAM_ASM) {
		if (!(object = work_path(p, o, "program.o")))
			return -1;
		r = assemble(p, o, object, &arch, &flat);
		if (r < 0 || flat) {
			free(object);
			return r;
		}
	}
	if (r == 0)
		r = check_object(object ? object : p->input, p->input, &arch,
		                 &layout.has_data);
	if (r == 0 && o->arch && strcmp(arch->name, o->arch) != 0)
		r = util_error("%s: is an object for %s but --arch %s was given; "
		               "drop --arch or give --arch %s", p->input,
		               arch->name, o->arch, arch->name);
	layout.packed = p->kind == PROGRAM_ASM;
	layout.no_rwx = o->no_rwx;
	if (r == 0 && !(script = work_path(p, o, "link.ld")))
		r = -1;
	if (r == 0)
		r = toolchain_link(object ? object : p->input, p->input, arch,
		                   script, p->path, &layout, o->verbose);
	if (r == 0)
		r = check_program(p, o, p->path, p->input, 1, 1);
	free(object);
	free(script);
	return r;
}


void program_free(struct program *p)
{
	free(p->stem);
	free(p->path);
	memset(p, 0, sizeof *p);
}
