/* toolchain: nasm and ld, run without a shell, to make a program. */
#ifndef TINYIMG_TOOLCHAIN_H
#define TINYIMG_TOOLCHAIN_H

#include <stddef.h>

/* An architecture tinyimg can assemble and link for. */
struct toolchain_arch {
	const char *name;         /* OCI name: "386", "amd64" */
	const char *nasm_format;  /* "elf32", "elf64" */
	const char *ld_emulation; /* "elf_i386", "elf_x86_64" */
	const char *base;         /* load address of the single segment */
	unsigned machine;         /* e_machine */
};

/* The architecture called NAME, or NULL when tinyimg cannot build for it. */
const struct toolchain_arch *toolchain_arch(const char *name);

/* The architecture whose e_machine is MACHINE, or NULL. */
const struct toolchain_arch *toolchain_arch_of_machine(unsigned machine);

/* What a nasm source says of itself, read from nasm's preprocessed
 * output (so included files count and comments do not). */
struct toolchain_source {
	unsigned bits; /* every BITS (or USEnn) it uses: TOOLCHAIN_BITS* */
	int flat;      /* it has an ORG directive: a whole program, headers and
	                  all, for nasm -f bin rather than an object to link */
};
enum { TOOLCHAIN_BITS16 = 1, TOOLCHAIN_BITS32 = 2, TOOLCHAIN_BITS64 = 4 };

/* One nasm source and where nasm may look for what it includes. nasm runs
 * in the source's own folder, so %include and incbin find files beside
 * the source, then in INCLUDES (absolute folders the user named), and
 * never in the folder tinyimg was started from. */
struct toolchain_job {
	const char *source;    /* as the user named it */
	char *const *includes; /* absolute folders, in order */
	size_t nincludes;
	int verbose;
};

/* Preprocess JOB's source with nasm -E -f FORMAT into the file OUT (an
 * absolute path the caller registered for cleanup) and read its
 * directives into *S. 0, or -1 after a message. */
int toolchain_scan_source(const struct toolchain_job *job, const char *format,
                          const char *out, struct toolchain_source *s);

/* Assemble JOB's source with nasm -f FORMAT ("elf32", "elf64", "bin") into
 * OUT (an absolute path). 0, or -1 after a message. */
int toolchain_assemble(const struct toolchain_job *job, const char *format,
                       const char *out);

/* How a program is laid out by the linker script. */
struct toolchain_layout {
	int packed;   /* sections byte to byte (nasm input), else each keeps
	                 its alignment */
	int no_rwx;   /* W^X: code read-execute, data read-write, a
	                 non-executable stack; else one RWX segment */
	int has_data; /* the object has writable data (.data, .bss) */
};

/* Link OBJECT (made from INPUT, named in messages) into the executable
 * PROGRAM with tinyimg's linker script for L, written to the new file
 * SCRIPT (registered for cleanup by the caller). ld
 * strips symbols itself and the script drops .comment, so no separate
 * strip run is needed. 0, or -1 after a message. */
int toolchain_link(const char *object, const char *input,
                   const struct toolchain_arch *arch, const char *script,
                   const char *program, const struct toolchain_layout *l,
                   int verbose);

#endif
