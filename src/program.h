/* program: one INPUT (nasm source, an ELF object or a static executable)
 * made into the checked program a platform's image runs. */
#ifndef TINYIMG_PROGRAM_H
#define TINYIMG_PROGRAM_H

#include <stddef.h>
#include <stdint.h>

/* What an input is, judged by its content. */
enum program_kind { PROGRAM_ASM, PROGRAM_OBJECT, PROGRAM_EXECUTABLE };

/* How programs are made: the options of "tinyimg build" that apply. */
struct program_options {
	const char *arch;       /* --arch, or NULL */
	char *const *includes;  /* -I folders, absolute */
	size_t nincludes;
	int strip, no_rwx, quiet, verbose;
	const char *workdir;    /* the private work folder (absolute) */
};

/* One input and the program made from it. Strings are owned here. */
struct program {
	const char *input;      /* as the user named it (not owned) */
	enum program_kind kind;
	char *stem;             /* its base name less .asm or .o */
	char *path;             /* the file to package */
	uint64_t size;
	const char *arch;       /* OCI architecture: "386", "arm64", ... */
	const char *variant;    /* "v7" for arm, else NULL */
	int index;              /* names its files in the work folder */
};

/* Tell by content what INPUT is, into P (numbered INDEX among the inputs).
 * 0, or -1 after a message. Free P with program_free in both cases. */
int program_classify(struct program *p, const char *input, int index);

/* Make P's program: assemble and link, or take (and with --strip cut) the
 * executable; check it as the kernel will. 0, or -1 after a message. */
int program_make(struct program *p, const struct program_options *o);

void program_free(struct program *p);

#endif
