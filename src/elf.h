/* elf: read, check and cut down ELF executables (32- and 64-bit, either
 * byte order). */
#ifndef TINYIMG_ELF_H
#define TINYIMG_ELF_H

#include <stddef.h>
#include <stdint.h>

enum { ELF_REL = 1, ELF_EXEC = 2, ELF_DYN = 3 };
enum { ELF_PT_LOAD = 1, ELF_PT_DYNAMIC = 2, ELF_PT_INTERP = 3, ELF_PT_NOTE = 4,
       ELF_PT_GNU_STACK = 0x6474e551 };
enum { ELF_PF_X = 1 };

struct elf_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz;
};

/* What tinyimg needs to know of an ELF file. Free with elf_free. */
struct elf_info {
	int is64;
	int big;         /* big-endian (s390x) */
	uint32_t flags;  /* e_flags */
	uint16_t type, machine;
	uint64_t entry;
	uint64_t phoff, shoff;
	uint16_t ehsize, phentsize, phnum, shnum, shstrndx;
	uint64_t file_size;
	struct elf_phdr *phdrs; /* phnum entries */
};

/* Does BUF (LEN bytes from a file's start) begin with the ELF magic? */
int elf_has_magic(const void *buf, uint64_t len);

/* Check and decode the ELF header at the start of H (LEN bytes of a file
 * of FILE_SIZE bytes) into INFO: magic, class, byte order, version, header
 * size, and a program header table of the right entry size inside the
 * file. INFO->phdrs stays NULL (see elf_phdrs). 0, or -1 with *WHY. */
int elf_header(const uint8_t *h, size_t len, uint64_t file_size,
               struct elf_info *info, const char **why);

/* Decode INFO->phnum program headers from RAW, the phnum * phentsize bytes
 * at e_phoff, into INFO->phdrs (freed by elf_free). */
void elf_phdrs(const uint8_t *raw, struct elf_info *info);

/* Read and sanity-check the ELF header and program headers of FD.
 * 0, or -1 after a message naming NAME. */
int elf_read(int fd, const char *name, struct elf_info *info);

void elf_free(struct elf_info *info);

/* The OCI architecture name of INFO's machine ("386", "amd64", "arm64"...),
 * or NULL when tinyimg does not know it. */
const char *elf_arch(const struct elf_info *info);

/* Check that INFO describes a static program the kernel can start from a
 * FROM-scratch image: executable type, the kernel's own rules for program
 * headers and PT_LOAD segments (fs/binfmt_elf.c: table size, p_filesz <=
 * p_memsz, p_vaddr = p_offset modulo the page size, below the end of the
 * user address space, at or above vm.mmap_min_addr for ET_EXEC), entry
 * point in an executable PT_LOAD, no PT_INTERP, no shared libraries.
 * STRICT also demands ET_EXEC and no PT_DYNAMIC (the rules for what
 * tinyimg links itself). 0, or -1 after a message naming NAME and the
 * rule that failed. */
int elf_check_program(int fd, const char *name, const struct elf_info *info,
                      int strict);

/* Super strip FD in place: drop the section header table and every byte past
 * the last one a PT_LOAD maps; clear e_shoff, e_shnum, e_shstrndx; notes
 * past the cut become PT_NULL. A segment of another kind past the cut is
 * refused before anything changes. Call it on a program elf_check_program
 * accepted. Updates INFO. 0, or -1 after a message naming NAME. */
int elf_superstrip(int fd, const char *name, struct elf_info *info);



/* Does the relocatable object FD define the global symbol SYM? Returns 1 or
 * 0, or -1 after a message naming NAME when the object cannot be read. */
int elf_object_defines(int fd, const char *name, const struct elf_info *info,
                       const char *sym);

/* Does the relocatable object FD have writable data that takes memory
 * (.data, .bss)? 1 or 0, or -1 after a message naming NAME. */
int elf_object_writable(int fd, const char *name, const struct elf_info *info);

/* The platform variant of the 32-bit ARM program FD ("v5", "v6", "v7",
 * "v8"), from Tag_CPU_arch in its .ARM.attributes section. 0, or -1 after
 * a message naming NAME when it cannot be told. */
int elf_arm_variant(int fd, const char *name, const struct elf_info *info,
                    const char **variant);

/* Refuse a PT_LOAD segment that is both writable and executable (W^X), or
 * a PT_GNU_STACK that asks for an executable stack; without QUIET, warn
 * when there is no PT_GNU_STACK (the kernel then decides). 0, or -1 after
 * a message naming NAME. */
int elf_check_wx(const char *name, const struct elf_info *info, int quiet);
#endif
