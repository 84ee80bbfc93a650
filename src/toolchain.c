/* toolchain: nasm and ld, run without a shell, to make a program. */
#define _POSIX_C_SOURCE 200809L
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

/* scan_line() notes a BITS/USEnn or ORG directive on LINE in *S. */
static void scan_line(const char *line, struct toolchain_source *s)
{
	char word[8];
	int bits = 0;

	while (isspace((unsigned char)*line) || *line == '[')
		line++;
	if (sscanf(line, "%7[A-Za-z0-9]", word) != 1)
		return;
	if (strcasecmp(word, "org") == 0 && isspace((unsigned char)line[3]))
		s->flat = 1;
	if (s->bits)
		return;
	if (strcasecmp(word, "bits") == 0 && sscanf(line + 4, "%d", &bits) == 1)
		s->bits = bits;
	else if (strcasecmp(word, "use16") == 0)
		s->bits = 16;
	else if (strcasecmp(word, "use32") == 0)
		s->bits = 32;
	else if (strcasecmp(word, "use64") == 0)
		s->bits = 64;
}

int toolchain_scan_source(const char *source, struct toolchain_source *s)
{
	char line[4096];
	FILE *f = fopen(source, "r");

	memset(s, 0, sizeof *s);
	if (!f)
		return util_error("%s:", source);
	while (fgets(line, sizeof line, f))
		scan_line(line, s);
	fclose(f);
	return 0;
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

/* run_tool() runs ARGV and turns any failure into a message that names the
 * tool, the input it worked on and, when it is missing, its package. */
static int run_tool(char *const argv[], const char *input, const char *package,
                    int verbose)
{
	int status = spawn_run(argv, verbose);

	if (status == SPAWN_NOT_FOUND)
		return util_error("%s not found in PATH (install the %s package)",
		                  argv[0], package);
	if (status == SPAWN_FAILED)
		return -1;
	if (status > 128)
		return util_error("%s was killed by signal %d while working on %s",
		                  argv[0], status - 128, input);
	if (status != 0)
		return util_error("%s failed on %s (exit status %d)", argv[0],
		                  input, status);
	return 0;
}

/* safe_arg() makes PATH safe to pass as a program argument: nasm and ld
 * read a name starting with '-' as an option and one starting with '@' as
 * a file of options, so every relative path gets "./" in front. */
static char *safe_arg(const char *path)
{
	return util_xasprintf("%s%s", path[0] == '/' ? "" : "./", path);
}

int toolchain_assemble(const char *source, const char *format,
                       const char *out, int verbose)
{
	char *dir = util_dirname(source);
	char *include = util_xasprintf("-I%s/", dir);
	char *src = safe_arg(source);
	char *argv[] = { "nasm", "-f", (char *)format, include, "-o", (char *)out,
		         src, NULL };
	int r;

	r = run_tool(argv, source, "nasm", verbose);
	free(dir);
	free(include);
	free(src);
	return r;
}

/* write_script() writes the linker script for ARCH to PATH. */
static int write_script(const char *path, const struct toolchain_arch *arch,
                        int packed)
{
	char *pack = util_xasprintf("%s + SIZEOF_HEADERS : SUBALIGN(1)",
	                            arch->base);
	char *text = util_xasprintf(script_format, arch->base,
	                            packed ? pack : ":");
	int fd, r;

	if (cleanup_add(path) < 0)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		free(text);
		free(pack);
		return util_error("%s:", path);
	}
	r = util_write_all(fd, text, strlen(text), path);
	if (close(fd) < 0 && r == 0)
		r = util_error("%s:", path);
	free(text);
	free(pack);
	return r;
}

int toolchain_link(const char *object, const char *input,
                   const struct toolchain_arch *arch, const char *workdir,
                   const char *program, int packed, int verbose)
{
	char *script = util_xasprintf("%s/link.ld", workdir);
	char *obj = safe_arg(object);
	char *ld[] = { "ld", "-m", (char *)arch->ld_emulation, "-static",
		       "-nostdlib", "--build-id=none", "--no-warn-rwx-segments",
		       "--strip-all", "-T", script, "-o", (char *)program, obj,
		       NULL };
	int r;

	r = write_script(script, arch, packed);
	if (r == 0)
		r = run_tool(ld, input, "binutils", verbose);
	free(script);
	free(obj);
	return r;
}
