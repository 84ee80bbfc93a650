/* toolchain: nasm and ld, run without a shell, to make a program. */
#define _GNU_SOURCE /* strsignal, getline */
#include "toolchain.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cleanup.h"
#include "spawn.h"
#include "util.h"

static const struct toolchain_arch arches[] = {
	{ "386", "elf32", "elf_i386", "0x08048000", 3 },
	{ "amd64", "elf64", "elf_x86_64", "0x400000", 62 },
};

const struct toolchain_arch *toolchain_arch(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof arches / sizeof *arches; i++)
		if (strcmp(arches[i].name, name) == 0)
			return &arches[i];
	return NULL;
}

const struct toolchain_arch *toolchain_arch_of_machine(unsigned machine)
{
	size_t i;

	for (i = 0; i < sizeof arches / sizeof *arches; i++)
		if (arches[i].machine == machine)
			return &arches[i];
	return NULL;
}

/* word_is() says whether the word at P (ending at a blank, ']' or the
 * end) is W, ignoring case; moves *P past it when it is. */
static int word_is(const char **p, const char *w)
{
	size_t n = strlen(w);

	if (strncasecmp(*p, w, n) != 0 ||
	    ((*p)[n] && !isspace((unsigned char)(*p)[n]) && (*p)[n] != ']'))
		return 0;
	*p += n;
	return 1;
}

/* nasm_number() reads the value of a BITS directive at P as nasm does:
 * with atoi(), so leading blanks, a sign and the leading digits count
 * ("064", "64d", "64h" and "64abc" are all 64); -1 when there are no
 * digits or the value is over 1000. */
static long nasm_number(const char *p)
{
	long v = 0;
	int sign = 1;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++)
		if ((v = v * 10 + (*p - '0')) > 1000)
			return -1;
	return sign * v;
}

/* scan_line() notes a BITS/USEnn or ORG directive on the preprocessed
 * LINE in *S: "[bits 64]", "[org 0x100]", or the plain word forms. */
static void scan_line(const char *p, struct toolchain_source *s)
{
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '[')
		for (p++; isspace((unsigned char)*p); p++)
			;
	if (word_is(&p, "org")) {
		s->flat = 1;
	} else if (word_is(&p, "bits")) {
		while (isspace((unsigned char)*p))
			p++;
		switch (nasm_number(p)) {
		case 16: s->bits |= TOOLCHAIN_BITS16; break;
		case 32: s->bits |= TOOLCHAIN_BITS32; break;
		case 64: s->bits |= TOOLCHAIN_BITS64; break;
		default: break; /* nasm refuses it */
		}
	} else if (word_is(&p, "use16")) {
		s->bits |= TOOLCHAIN_BITS16;
	} else if (word_is(&p, "use32")) {
		s->bits |= TOOLCHAIN_BITS32;
	} else if (word_is(&p, "use64")) {
		s->bits |= TOOLCHAIN_BITS64;
	}
}

/* scan_file() reads the preprocessed source PATH into *S. */
static int scan_file(const char *path, struct toolchain_source *s)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int r = 0;

	memset(s, 0, sizeof *s);
	if (!f)
		return util_error("%s:", path);
	while (getline(&line, &cap, f) >= 0)
		if (line[0] != '%') /* %line markers */
			scan_line(line, s);
	if (ferror(f))
		r = util_error("%s: read failed:", path);
	free(line);
	fclose(f);
	return r;
}

/* The linker script: one PT_LOAD (read, write, execute) that maps the ELF
 * header, the program header and every section, starting at the base
 * address. The first "%s" is the base; the second is, when packing, the
 * output address of .text and SUBALIGN(1), which put code and data right
 * after the headers with no alignment padding at all. */
static const char script_format[] =
	"ENTRY(_start)\n"
	"PHDRS { image PT_LOAD FILEHDR PHDRS FLAGS(7); }\n"
	"SECTIONS {\n"
	"  . = %s + SIZEOF_HEADERS;\n"
	"  .text %s {\n"
	"    *(.text .text.*) *(.rodata .rodata.*) *(.data .data.*)\n"
	"  } :image\n"
	"  .bss : { *(.bss .bss.*) *(COMMON) } :image\n"
	"  /DISCARD/ : { *(.note .note.*) *(.comment) *(.eh_frame*) }\n"
	"}\n";

/* The W^X script (--no-rwx): code and read-only data in a read-execute
 * PT_LOAD with the headers; writable data, when there is any, in a
 * read-write PT_LOAD that starts on the next page in memory but right
 * after the code in the file (the page offset is kept, so no padding);
 * and a PT_GNU_STACK without execute, or the kernel would make every
 * readable page of a 32-bit program executable (READ_IMPLIES_EXEC). The
 * "%s" are: the data PT_LOAD (or nothing), the base, .text's address and
 * packing, and the data sections (or nothing). */
static const char wx_format[] =
	"ENTRY(_start)\n"
	"PHDRS { code PT_LOAD FILEHDR PHDRS FLAGS(5); %s"
	"stack PT_GNU_STACK FLAGS(6); }\n"
	"SECTIONS {\n"
	"  . = %s + SIZEOF_HEADERS;\n"
	"  .text %s {\n"
	"    *(.text .text.*) *(.rodata .rodata.*)\n"
	"  } :code\n"
	"%s"
	"  /DISCARD/ : { *(.note .note.*) *(.comment) *(.eh_frame*) }\n"
	"}\n";

static const char wx_data[] =
	"  . = ALIGN(0x1000) + (. & 0xfff);\n"
	"  .data %s { *(.data .data.*) *(.got .got.*) } :data\n"
	"  .bss : { *(.bss .bss.*) *(COMMON) } :data\n";

/* run_tool() runs ARGV in CWD (or ours) and turns any failure into a
 * message that names the tool, the input it worked on and, when it is
 * missing, its package. */
static int run_tool(char *const argv[], const char *cwd, const char *input,
                    const char *package, int verbose)
{
	int status = spawn_run(argv, cwd, verbose);

	if (status == SPAWN_NOT_FOUND)
		return util_error("%s not found in PATH (install the %s package)",
		                  argv[0], package);
	if (status == SPAWN_FAILED)
		return -1;
	if (status > 128)
		return util_error("%s was killed by signal %d (%s) while working "
		                  "on %s", argv[0], status - 128,
		                  strsignal(status - 128), input);
	if (status != 0)
		return util_error("%s failed on %s (exit status %d)", argv[0],
		                  input, status);
	return 0;
}

/* safe_arg() makes PATH safe to pass as a program argument: nasm and ld
 * read a name starting with '-' as an option and one starting with '@' as
 * a file of options, so such a relative path gets "./" in front. */
static char *safe_arg(const char *path)
{
	return util_xasprintf("%s%s", path[0] == '-' || path[0] == '@' ? "./" : "",
	                      path);
}

/* run_nasm() runs nasm on JOB's source in the source's folder with the
 * options OPTS (NULL-terminated), the include folders and "-o OUT". */
static int run_nasm(const struct toolchain_job *job, const char *const *opts,
                    const char *out)
{
	char *dir = util_dirname(job->source);
	char *src = safe_arg(util_basename(job->source));
	size_t nopts = 0, n = 0, i;
	int r;
	char **argv, **inc;

	while (opts[nopts])
		nopts++;
	argv = util_xreallocarray(NULL, nopts + job->nincludes + 5,
	                          sizeof *argv);
	inc = util_xreallocarray(NULL, job->nincludes + 1, sizeof *inc);
	argv[n++] = "nasm";
	for (i = 0; i < nopts; i++)
		argv[n++] = (char *)opts[i];
	for (i = 0; i < job->nincludes; i++)
		argv[n++] = inc[i] = util_xasprintf("-I%s/", job->includes[i]);
	argv[n++] = "-o";
	argv[n++] = (char *)out;
	argv[n++] = src;
	argv[n] = NULL;
	r = run_tool(argv, dir, job->source, "nasm", job->verbose);
	for (i = 0; i < job->nincludes; i++)
		free(inc[i]);
	free(inc);
	free(argv);
	free(dir);
	free(src);
	return r;
}

int toolchain_scan_source(const struct toolchain_job *job, const char *format,
                          const char *out, struct toolchain_source *s)
{
	const char *opts[] = { "-E", "-f", format, NULL };

	if (run_nasm(job, opts, out) < 0)
		return -1;
	return scan_file(out, s);
}

int toolchain_assemble(const struct toolchain_job *job, const char *format,
                       const char *out)
{
	const char *opts[] = { "-f", format, NULL };

	return run_nasm(job, opts, out);
}

/* script_text() is the linker script for ARCH and the layout L. */
static char *script_text(const struct toolchain_arch *arch,
                         const struct toolchain_layout *l)
{
	char *pack = util_xasprintf("%s + SIZEOF_HEADERS : SUBALIGN(1)",
	                            arch->base);
	char *data, *text;

	if (!l->no_rwx) {
		text = util_xasprintf(script_format, arch->base,
		                      l->packed ? pack : ":");
		free(pack);
		return text;
	}
	data = util_xasprintf(wx_data, l->packed ? ". : SUBALIGN(1)" : ":");
	text = util_xasprintf(wx_format,
	                      l->has_data ? "data PT_LOAD FLAGS(6); " : "",
	                      arch->base, l->packed ? pack : ":",
	                      l->has_data ? data : "");
	free(data);
	free(pack);
	return text;
}

/* write_script() writes the linker script for ARCH and L to PATH. */
static int write_script(const char *path, const struct toolchain_arch *arch,
                        const struct toolchain_layout *l)
{
	char *text = script_text(arch, l);
	int fd, r;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		free(text);
		return util_error("%s:", path);
	}
	r = util_write_all(fd, text, strlen(text), path);
	if (close(fd) < 0 && r == 0)
		r = util_error("%s:", path);
	free(text);
	return r;
}

int toolchain_link(const char *object, const char *input,
                   const struct toolchain_arch *arch, const char *script,
                   const char *program, const struct toolchain_layout *l,
                   int verbose)
{
	char *obj = safe_arg(object);
	char *ld[] = { "ld", "-m", (char *)arch->ld_emulation, "-static",
		       "-nostdlib", "--build-id=none", "--no-warn-rwx-segments",
		       "--strip-all", "-T", (char *)script, "-o", (char *)program,
		       obj,
		       NULL };
	int r;

	r = write_script(script, arch, l);
	if (r == 0)
		r = run_tool(ld, NULL, input, "binutils", verbose);
	free(obj);
	return r;
}
