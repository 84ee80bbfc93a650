/* toolchain: nasm and ld, run without a shell, to make a program. */
#ifndef TINYIMG_TOOLCHAIN_H
#define TINYIMG_TOOLCHAIN_H

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

/* What a nasm source says of itself. */
struct toolchain_source {
	int bits; /* its first BITS (or USEnn) directive: 16, 32, 64, or 0 */
	int flat; /* it has an ORG directive: a whole program, headers and
	             all, for nasm -f bin rather than an object to link */
};

/* Read SOURCE's directives into *S. 0, or -1 after a message. */
int toolchain_scan_source(const char *source, struct toolchain_source *s);

/* Assemble SOURCE with nasm -f FORMAT ("elf32", "elf64", "bin") into OUT,
 * with SOURCE's folder on the include path. 0, or -1 after a message. */
int toolchain_assemble(const char *source, const char *format,
                       const char *out, int verbose);

/* Link OBJECT (made from INPUT, named in messages) into the executable
 * PROGRAM with tinyimg's one-segment linker script, written into WORKDIR.
 * ld strips symbols itself and the script drops .comment, so no separate
 * strip run is needed. PACKED puts sections byte to byte (nasm input),
 * else each keeps its alignment. 0, or -1 after a message. */
int toolchain_link(const char *object, const char *input,
                   const struct toolchain_arch *arch, const char *workdir,
                   const char *program, int packed, int verbose);

#endif
