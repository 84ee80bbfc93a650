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

/* The code size the nasm SOURCE asks for with its first BITS (or USE16,
 * USE32, USE64) directive: 16, 32 or 64; 0 when it says none, -1 after a
 * message when it cannot be read. */
int toolchain_source_bits(const char *source);

/* Assemble SOURCE with nasm into the object OBJECT, with SOURCE's folder on
 * the include path. 0, or -1 after a message. */
int toolchain_assemble(const char *source, const struct toolchain_arch *arch,
                       const char *object, int verbose);

/* Link OBJECT (made from INPUT, named in messages) into the executable
 * PROGRAM with tinyimg's one-segment linker script, written into WORKDIR.
 * ld strips symbols itself and the script drops .comment, so no separate
 * strip run is needed. PACKED puts sections byte to byte (nasm input),
 * else each keeps its alignment. 0, or -1 after a message. */
int toolchain_link(const char *object, const char *input,
                   const struct toolchain_arch *arch, const char *workdir,
                   const char *program, int packed, int verbose);

#endif
