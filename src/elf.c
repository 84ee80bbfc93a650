/* elf: read, check and cut down ELF executables (32- and 64-bit, either
 * byte order). */
#define _POSIX_C_SOURCE 200809L
#include "elf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

enum { EH32 = 52, EH64 = 64, PH32 = 32, PH64 = 56 };
enum { ELF_PAGE = 4096, ELF_MIN_ADDR = 65536 };

/* Loads and stores in the file's byte order (BIG: big-endian, as s390x). */
static uint16_t load16(const uint8_t *p, int big)
{
	return big ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t load32(const uint8_t *p, int big)
{
	uint32_t a = load16(p, big), b = load16(p + 2, big);

	return big ? a << 16 | b : a | b << 16;
}

static uint64_t load64(const uint8_t *p, int big)
{
	uint64_t a = load32(p, big), b = load32(p + 4, big);

	return big ? a << 32 | b : a | b << 32;
}

static void store16(uint8_t *p, uint16_t v, int big)
{
	p[big ? 1 : 0] = (uint8_t)v;
	p[big ? 0 : 1] = (uint8_t)(v >> 8);
}

static void store32(uint8_t *p, uint32_t v, int big)
{
	store16(p + (big ? 2 : 0), (uint16_t)v, big);
	store16(p + (big ? 0 : 2), (uint16_t)(v >> 16), big);
}

static void store64(uint8_t *p, uint64_t v, int big)
{
	store32(p + (big ? 4 : 0), (uint32_t)v, big);
	store32(p + (big ? 0 : 4), (uint32_t)(v >> 32), big);
}

int elf_has_magic(const void *buf, uint64_t len)
{
	return len >= 4 && memcmp(buf, "\177ELF", 4) == 0;
}

/* parse_ehdr() fills INFO from the raw ELF header H. */
static void parse_ehdr(const uint8_t *h, struct elf_info *info)
{
	int big = info->big;

	info->type = load16(h + 16, big);
	info->machine = load16(h + 18, big);
	if (info->is64) {
		info->entry = load64(h + 24, big);
		info->phoff = load64(h + 32, big);
		info->shoff = load64(h + 40, big);
		info->flags = load32(h + 48, big);
		info->ehsize = load16(h + 52, big);
		info->phentsize = load16(h + 54, big);
		info->phnum = load16(h + 56, big);
		info->shnum = load16(h + 60, big);
		info->shstrndx = load16(h + 62, big);
	} else {
		info->entry = load32(h + 24, big);
		info->phoff = load32(h + 28, big);
		info->shoff = load32(h + 32, big);
		info->flags = load32(h + 36, big);
		info->ehsize = load16(h + 40, big);
		info->phentsize = load16(h + 42, big);
		info->phnum = load16(h + 44, big);
		info->shnum = load16(h + 48, big);
		info->shstrndx = load16(h + 50, big);
	}
}

/* parse_phdr() decodes one raw program header P. */
static void parse_phdr(const uint8_t *p, int is64, int big, struct elf_phdr *ph)
{
	ph->type = load32(p, big);
	if (is64) {
		ph->flags = load32(p + 4, big);
		ph->offset = load64(p + 8, big);
		ph->vaddr = load64(p + 16, big);
		ph->filesz = load64(p + 32, big);
		ph->memsz = load64(p + 40, big);
	} else {
		ph->offset = load32(p + 4, big);
		ph->vaddr = load32(p + 8, big);
		ph->filesz = load32(p + 16, big);
		ph->memsz = load32(p + 20, big);
		ph->flags = load32(p + 24, big);
	}
}

int elf_header(const uint8_t *h, size_t len, uint64_t file_size,
               struct elf_info *info, const char **why)
{
	memset(info, 0, sizeof *info);
	info->file_size = file_size;
	if (len < EH32 || file_size < EH32)
		return *why = "too short to be an ELF file", -1;
	if (!elf_has_magic(h, EH32))
		return *why = "not an ELF file", -1;
	if (h[4] != 1 && h[4] != 2)
		return *why = "unknown ELF class (byte 4 is not 1 or 2)", -1;
	info->is64 = h[4] == 2;
	if (info->is64 && (len < EH64 || file_size < EH64))
		return *why = "too short to be an ELF file", -1;
	if (h[5] != 1 && h[5] != 2)
		return *why = "unknown ELF byte order (byte 5 is not 1 or 2)",
		       -1;
	info->big = h[5] == 2;
	if (h[6] != 1)
		return *why = "unknown ELF version (byte 6 is not 1)", -1;
	parse_ehdr(h, info);
	if (info->ehsize != (info->is64 ? EH64 : EH32))
		return *why = "e_ehsize is not the size of an ELF header", -1;
	if (info->phnum == 0)
		return 0;
	if (info->phentsize != (info->is64 ? PH64 : PH32))
		return *why = "e_phentsize is not the size of a program header",
		       -1;
	if (info->phoff > file_size ||
	    (uint64_t)info->phnum * info->phentsize > file_size - info->phoff)
		return *why = "program headers lie outside the file", -1;
	return 0;
}

void elf_phdrs(const uint8_t *raw, struct elf_info *info)
{
	int i;

	free(info->phdrs);
	info->phdrs = util_xreallocarray(NULL, info->phnum + 1u,
	                                 sizeof *info->phdrs);
	for (i = 0; i < info->phnum; i++)
		parse_phdr(raw + (size_t)i * info->phentsize, info->is64,
		           info->big, &info->phdrs[i]);
}

int elf_read(int fd, const char *name, struct elf_info *info)
{
	uint8_t h[EH64];
	struct stat st;
	const char *why = NULL;
	size_t bytes;
	uint8_t *raw;

	memset(info, 0, sizeof *info);
	if (fstat(fd, &st) < 0)
		return util_error("%s:", name);
	if ((uint64_t)st.st_size < EH32)
		return util_error("%s: too short to be an ELF file", name);
	if (util_pread_full(fd, h, (uint64_t)st.st_size < EH64 ? EH32 : EH64,
	                    0, name) < 0)
		return -1;
	if (elf_header(h, (uint64_t)st.st_size < EH64 ? EH32 : EH64,
	               (uint64_t)st.st_size, info, &why) < 0) {
		if (info->phentsize && strstr(why, "e_phentsize"))
			return util_error("%s: e_phentsize is %u, not %d: not a "
			                  "valid ELF executable", name,
			                  info->phentsize, info->is64 ? PH64 : PH32);
		return util_error("%s: %s", name, why);
	}
	bytes = (size_t)info->phnum * info->phentsize;
	raw = util_xmalloc(bytes);
	if (util_pread_full(fd, raw, bytes, info->phoff, name) < 0) {
		free(raw);
		return -1;
	}
	elf_phdrs(raw, info);
	free(raw);
	return 0;
}

void elf_free(struct elf_info *info)
{
	free(info->phdrs);
	info->phdrs = NULL;
}

const char *elf_arch(const struct elf_info *info)
{
	switch (info->machine) {
	case 3: return !info->is64 && !info->big ? "386" : NULL;
	case 62: return info->is64 && !info->big ? "amd64" : NULL;
	case 183: return info->is64 && !info->big ? "arm64" : NULL;
	case 40: return !info->is64 && !info->big ? "arm" : NULL;
	case 243: return info->is64 && !info->big ? "riscv64" : NULL;
	case 21: return info->is64 && !info->big ? "ppc64le" : NULL;
	case 22: return info->is64 && info->big ? "s390x" : NULL;
	default: return NULL;
	}
}

/* refuse_interp() explains why a dynamically linked program cannot run. */
static int refuse_interp(int fd, const char *name, const struct elf_phdr *ph)
{
	char interp[256] = "";
	size_t n = ph->filesz < sizeof interp - 1 ? (size_t)ph->filesz
	                                          : sizeof interp - 1;
	ssize_t got = pread(fd, interp, n, (off_t)ph->offset);
	char *shown;
	int r;

	interp[got > 0 ? (size_t)got : 0] = '\0';
	shown = util_escape(interp);
	r = util_error("%s: dynamically linked (it needs the loader %s): a "
	               "FROM-scratch image has no dynamic loader or shared "
	               "libraries; link it statically (e.g. gcc -static)",
	               name, shown[0] ? shown : "named in PT_INTERP");
	free(shown);
	return r;
}

/* needs_libraries() says whether the dynamic segment PH lists a shared
 * library (DT_NEEDED): 1 or 0, or -1 after a message. A static-pie
 * program has a dynamic segment but needs no library. */
static int needs_libraries(int fd, const char *name,
                           const struct elf_info *info,
                           const struct elf_phdr *ph)
{
	size_t size = info->is64 ? 16 : 8;
	uint64_t i, count = ph->filesz / size;
	uint8_t d[16];

	if (count > 65536)
		count = 65536;
	for (i = 0; i < count; i++) {
		uint64_t tag;

		if (util_pread_full(fd, d, size, ph->offset + i * size, name) < 0)
			return -1;
		tag = info->is64 ? load64(d, info->big) : load32(d, info->big);
		if (tag == 0) /* DT_NULL ends the list */
			return 0;
		if (tag == 1) /* DT_NEEDED */
			return 1;
	}
	return 0;
}

/* entry_is_mapped() says whether the entry point lies in the file bytes of
 * an executable PT_LOAD. */
static int entry_is_mapped(const struct elf_info *info)
{
	int i;

	for (i = 0; i < info->phnum; i++) {
		const struct elf_phdr *ph = &info->phdrs[i];

		if (ph->type == ELF_PT_LOAD && (ph->flags & ELF_PF_X) &&
		    info->entry >= ph->vaddr &&
		    info->entry - ph->vaddr < ph->filesz)
			return 1;
	}
	return 0;
}

/* user_limit() is the end of the user address space that the kernel
 * gives a program of INFO's machine (TASK_SIZE; the smallest in use, so
 * the program loads on every kernel of that machine). */
static uint64_t user_limit(const struct elf_info *info)
{
	switch (info->machine) {
	case 3: return 0xc0000000;                     /* 386: 3 GiB split */
	case 40: return 0xbf000000;                    /* arm */
	case 62: return 0x7ffffffff000;                /* amd64: 47 bits */
	case 183: return (uint64_t)1 << 48;            /* arm64: 48 bits */
	case 243: return (uint64_t)1 << 38;            /* riscv64: Sv39 */
	case 22: return (uint64_t)1 << 53;             /* s390x */
	default: return info->is64 ? (uint64_t)1 << 47 : 0xc0000000;
	}
}

/* check_load() applies the kernel's rules for one PT_LOAD (number I) of
 * INFO (fs/binfmt_elf.c, load_elf_binary and elf_map). */
static int check_load(const char *name, const struct elf_info *info, int i)
{
	const struct elf_phdr *ph = &info->phdrs[i];
	uint64_t limit = user_limit(info);

	if (ph->offset > info->file_size ||
	    ph->filesz > info->file_size - ph->offset)
		return util_error("%s: segment %d (PT_LOAD) lies past the end of "
		                  "the file", name, i);
	if (ph->filesz > ph->memsz)
		return util_error("%s: segment %d (PT_LOAD): p_filesz 0x%llx is "
		                  "larger than p_memsz 0x%llx, which the kernel "
		                  "refuses", name, i,
		                  (unsigned long long)ph->filesz,
		                  (unsigned long long)ph->memsz);
	if ((ph->vaddr - ph->offset) % ELF_PAGE != 0)
		return util_error("%s: segment %d (PT_LOAD): p_vaddr 0x%llx and "
		                  "p_offset 0x%llx differ modulo the page size "
		                  "(%d), so the kernel cannot map it", name, i,
		                  (unsigned long long)ph->vaddr,
		                  (unsigned long long)ph->offset, ELF_PAGE);
	if (ph->vaddr >= limit || ph->memsz > limit - ph->vaddr)
		return util_error("%s: segment %d (PT_LOAD) at 0x%llx, 0x%llx "
		                  "bytes, reaches past 0x%llx, the end of the "
		                  "user address space: the kernel refuses it",
		                  name, i, (unsigned long long)ph->vaddr,
		                  (unsigned long long)ph->memsz,
		                  (unsigned long long)limit);
	if (info->type == ELF_EXEC && ph->memsz > 0 &&
	    ph->vaddr < ELF_MIN_ADDR)
		return util_error("%s: segment %d (PT_LOAD) maps address 0x%llx, "
		                  "below 64 KiB (vm.mmap_min_addr): the kernel "
		                  "refuses that in a container", name, i,
		                  (unsigned long long)ph->vaddr);
	return 0;
}

/* check_dynamic() refuses a dynamic segment PH that names shared
 * libraries (a static-pie program has one that names none). */
static int check_dynamic(int fd, const char *name,
                         const struct elf_info *info,
                         const struct elf_phdr *ph)
{
	int r = ph->offset <= info->file_size &&
	        ph->filesz <= info->file_size - ph->offset
	        ? needs_libraries(fd, name, info, ph)
	        : util_error("%s: the dynamic segment lies past the end of "
	                     "the file", name);

	if (r > 0)
		return util_error("%s: needs shared libraries (DT_NEEDED) and a "
		                  "FROM-scratch image has none; link it "
		                  "statically (e.g. gcc -static)", name);
	return r;
}

int elf_check_program(int fd, const char *name, const struct elf_info *info,
                      int strict)
{
	int i, loads = 0;

	if (info->type == ELF_REL)
		return util_error("%s: an object file, not an executable", name);
	if (info->type != ELF_EXEC && (strict || info->type != ELF_DYN))
		return util_error("%s: ELF type %u is not an executable", name,
		                  info->type);
	if (info->phnum == 0)
		return util_error("%s: no program headers (e_phnum is 0): the "
		                  "kernel needs at least one", name);
	if ((uint64_t)info->phnum * info->phentsize > 65536)
		return util_error("%s: the program header table is %llu bytes; "
		                  "the kernel reads at most 65536", name,
		                  (unsigned long long)info->phnum *
		                  info->phentsize);
	for (i = 0; i < info->phnum; i++) {
		const struct elf_phdr *ph = &info->phdrs[i];

		if (ph->type == ELF_PT_INTERP)
			return refuse_interp(fd, name, ph);
		if (ph->type == ELF_PT_DYNAMIC && strict)
			return util_error("%s: has a PT_DYNAMIC segment; a static "
			                  "program has none", name);
		if (ph->type == ELF_PT_DYNAMIC &&
		    check_dynamic(fd, name, info, ph) < 0)
			return -1;
		if (ph->type == ELF_PT_LOAD) {
			loads++;
			if (check_load(name, info, i) < 0)
				return -1;
		}
	}
	if (loads == 0)
		return util_error("%s: no PT_LOAD segment: nothing to run", name);
	if (!entry_is_mapped(info))
		return util_error("%s: entry point 0x%llx is not inside an "
		                  "executable PT_LOAD segment", name,
		                  (unsigned long long)info->entry);
	return 0;
}

/* loaded_end() is the file offset just past the last byte a PT_LOAD maps,
 * and never less than the end of the headers. */
static uint64_t loaded_end(const struct elf_info *info)
{
	uint64_t end = info->phoff + (uint64_t)info->phnum * info->phentsize;
	int i;

	if (end < info->ehsize)
		end = info->ehsize;
	for (i = 0; i < info->phnum; i++) {
		const struct elf_phdr *ph = &info->phdrs[i];

		if (ph->type == ELF_PT_LOAD && ph->offset + ph->filesz > end)
			end = ph->offset + ph->filesz;
	}
	return end;
}

/* drop_stray_phdrs() turns into PT_NULL every note whose bytes would lie
 * past CUT, so no header points outside the cut file. Any other segment
 * there (PT_TLS, PT_GNU_PROPERTY, ...) may be needed at run time: the
 * file is refused before anything is changed. */
static int drop_stray_phdrs(int fd, const char *name, struct elf_info *info,
                            uint64_t cut)
{
	uint8_t type[4];
	int i;

	for (i = 0; i < info->phnum; i++) {
		const struct elf_phdr *ph = &info->phdrs[i];

		if (ph->type != ELF_PT_LOAD && ph->type != ELF_PT_NOTE &&
		    ph->type != 0 && ph->filesz > 0 &&
		    (ph->offset > cut || ph->filesz > cut - ph->offset))
			return util_error("%s: segment %d (type 0x%x) lies outside "
			                  "the bytes the kernel maps, and --strip "
			                  "would cut it off; package the program "
			                  "without --strip", name, i, ph->type);
	}
	store32(type, 0, info->big);
	for (i = 0; i < info->phnum; i++) {
		struct elf_phdr *ph = &info->phdrs[i];
		uint64_t at = info->phoff + (uint64_t)i * info->phentsize;

		if (ph->type != ELF_PT_NOTE || ph->filesz == 0 ||
		    (ph->offset <= cut && ph->filesz <= cut - ph->offset))
			continue;
		if (pwrite(fd, type, 4, (off_t)at) != 4)
			return util_error("%s: write failed:", name);
		ph->type = 0;
	}
	return 0;
}

int elf_superstrip(int fd, const char *name, struct elf_info *info)
{
	uint8_t h[EH64];
	size_t hsize = info->is64 ? EH64 : EH32;
	uint64_t cut = loaded_end(info);

	if (cut > info->file_size)
		cut = info->file_size;
	if (util_pread_full(fd, h, hsize, 0, name) < 0)
		return -1;
	if (info->is64) {
		store64(h + 40, 0, info->big);
		store16(h + 60, 0, info->big);
		store16(h + 62, 0, info->big);
	} else {
		store32(h + 32, 0, info->big);
		store16(h + 48, 0, info->big);
		store16(h + 50, 0, info->big);
	}
	if (drop_stray_phdrs(fd, name, info, cut) < 0)
		return -1;
	if (pwrite(fd, h, hsize, 0) != (ssize_t)hsize ||
	    ftruncate(fd, (off_t)cut) < 0)
		return util_error("%s: cannot rewrite:", name);
	info->shoff = 0;
	info->shnum = 0;
	info->shstrndx = 0;
	info->file_size = cut;
	return 0;
}

struct elf_shdr {
	uint32_t type, link;
	uint64_t flags, offset, size, entsize;
};

/* read_shdr() loads section header INDEX of FD. */
static int read_shdr(int fd, const char *name, const struct elf_info *info,
                     unsigned index, struct elf_shdr *sh)
{
	uint8_t raw[64];
	size_t size = info->is64 ? 64 : 40;

	if (util_pread_full(fd, raw, size, info->shoff + (uint64_t)index * size,
	                    name) < 0)
		return -1;
	int big = info->big;

	sh->type = load32(raw + 4, big);
	if (info->is64) {
		sh->flags = load64(raw + 8, big);
		sh->offset = load64(raw + 24, big);
		sh->size = load64(raw + 32, big);
		sh->link = load32(raw + 40, big);
		sh->entsize = load64(raw + 56, big);
	} else {
		sh->flags = load32(raw + 8, big);
		sh->offset = load32(raw + 16, big);
		sh->size = load32(raw + 20, big);
		sh->link = load32(raw + 24, big);
		sh->entsize = load32(raw + 36, big);
	}
	if (sh->type != 8 /* SHT_NOBITS takes no file bytes */ &&
	    (sh->offset > info->file_size ||
	     sh->size > info->file_size - sh->offset))
		return util_error("%s: a section lies past the end of the file",
		                  name);
	return 0;
}

/* symtab_defines() scans symbol table SYMTAB (with string table STRTAB) for
 * a global or weak symbol SYM defined in some section. */
static int symtab_defines(int fd, const char *name, const struct elf_info *info,
                          const struct elf_shdr *symtab,
                          const struct elf_shdr *strtab, const char *sym)
{
	size_t entsize = info->is64 ? 24 : 16, len = strlen(sym);
	uint64_t i, count = symtab->size / entsize;
	uint8_t raw[24];
	char found[64];

	for (i = 0; i < count; i++) {
		uint32_t nameoff;
		uint16_t shndx;
		uint8_t bind;

		if (util_pread_full(fd, raw, entsize, symtab->offset + i * entsize,
		                    name) < 0)
			return -1;
		nameoff = load32(raw, info->big);
		bind = raw[info->is64 ? 4 : 12] >> 4;
		shndx = load16(raw + (info->is64 ? 6 : 14), info->big);
		if (shndx == 0 || (bind != 1 && bind != 2) ||
		    nameoff + len + 1 > strtab->size)
			continue;
		if (util_pread_full(fd, found, len + 1, strtab->offset + nameoff,
		                    name) < 0)
			return -1;
		if (memcmp(found, sym, len + 1) == 0)
			return 1;
	}
	return 0;
}

int elf_object_defines(int fd, const char *name, const struct elf_info *info,
                       const char *sym)
{
	struct elf_shdr sh, strtab;
	unsigned i;

	if (strlen(sym) >= 64)
		return 0;
	for (i = 0; i < info->shnum; i++) {
		if (read_shdr(fd, name, info, i, &sh) < 0)
			return -1;
		if (sh.type != 2) /* SHT_SYMTAB */
			continue;
		if (sh.link >= info->shnum ||
		    read_shdr(fd, name, info, sh.link, &strtab) < 0)
			return util_error("%s: broken symbol table", name);
		/* ELF allows one SHT_SYMTAB: the first is the one. */
		return symtab_defines(fd, name, info, &sh, &strtab, sym);
	}
	return 0;
}

int elf_object_writable(int fd, const char *name, const struct elf_info *info)
{
	struct elf_shdr sh;
	unsigned i;

	for (i = 0; i < info->shnum; i++) {
		if (read_shdr(fd, name, info, i, &sh) < 0)
			return -1;
		/* SHF_WRITE | SHF_ALLOC, with bytes (.data, .bss, ...) */
		if ((sh.flags & 3) == 3 && sh.size > 0)
			return 1;
	}
	return 0;
}

int elf_check_wx(const char *name, const struct elf_info *info, int quiet)
{
	int i, stack = 0;

	for (i = 0; i < info->phnum; i++) {
		const struct elf_phdr *ph = &info->phdrs[i];

		if (ph->type == ELF_PT_LOAD && (ph->flags & 3) == 3)
			return util_error("%s: segment %d is both writable and "
			                  "executable, which --no-rwx refuses; "
			                  "build the program with code and data "
			                  "in separate segments", name, i);
		if (ph->type == ELF_PT_GNU_STACK)
			stack = ph->flags & 1 ? -1 : 1;
	}
	if (stack < 0)
		return util_error("%s: its PT_GNU_STACK asks for an executable "
		                  "stack, which --no-rwx refuses", name);
	if (stack == 0 && !quiet)
		fprintf(stderr, "tinyimg: warning: %s has no PT_GNU_STACK; the "
		        "kernel may give it an executable stack (and a 32-bit "
		        "program READ_IMPLIES_EXEC: every readable page "
		        "executable)\n", name);
	return 0;
}

/* uleb() reads an unsigned LEB128 number at *P (before END); moves *P. */
static int uleb(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	int shift = 0;

	*v = 0;
	while (*p < end && shift < 64) {
		uint8_t b = *(*p)++;

		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return 0;
		shift += 7;
	}
	return -1;
}

/* cpu_arch() finds Tag_CPU_arch (6) in the "aeabi" attributes A (LEN
 * bytes after the 'A' version byte). -1 when absent or malformed. */
static int64_t cpu_arch(const uint8_t *a, size_t len, int big)
{
	const uint8_t *p = a, *end = a + len;

	while (end - p >= 4) {
		uint32_t sub = load32(p, big);
		const uint8_t *next, *q, *vendor_end;

		if (sub < 4 || sub > (size_t)(end - p))
			return -1;
		next = p + sub;
		q = p + 4;
		vendor_end = memchr(q, '\0', (size_t)(next - q));
		if (!vendor_end)
			return -1;
		if (strcmp((const char *)q, "aeabi") == 0) {
			q = vendor_end + 1;
			/* Tag_File (1), its size, then tag/value pairs. */
			if (next - q < 5 || q[0] != 1)
				return -1;
			q += 5;
			while (q < next) {
				uint64_t tag, v;

				if (uleb(&q, next, &tag) < 0)
					return -1;
				if (tag == 4 || tag == 5 || tag == 67 ||
				    (tag > 32 && tag % 2)) {
					const uint8_t *z = memchr(q, '\0',
					                          (size_t)(next - q));
					if (!z)
						return -1;
					q = z + 1;
					continue;
				}
				if (uleb(&q, next, &v) < 0)
					return -1;
				if (tag == 6)
					return (int64_t)v;
				if (tag == 32) { /* compatibility: flag, name */
					const uint8_t *z = memchr(q, '\0',
					                          (size_t)(next - q));
					if (!z)
						return -1;
					q = z + 1;
				}
			}
		}
		p = next;
	}
	return -1;
}

int elf_arm_variant(int fd, const char *name, const struct elf_info *info,
                    const char **variant)
{
	struct elf_shdr sh;
	uint8_t *a;
	int64_t arch = -1;
	unsigned i;
	int found = 0;

	*variant = NULL;
	for (i = 0; i < info->shnum && arch < 0; i++) {
		if (read_shdr(fd, name, info, i, &sh) < 0)
			return -1;
		if (sh.type != 0x70000003 || sh.size < 2 || sh.size > 65536)
			continue; /* SHT_ARM_ATTRIBUTES */
		found = 1;
		a = util_xmalloc((size_t)sh.size);
		if (util_pread_full(fd, a, (size_t)sh.size, sh.offset, name) < 0) {
			free(a);
			return -1;
		}
		if (a[0] == 'A')
			arch = cpu_arch(a + 1, (size_t)sh.size - 1, info->big);
		free(a);
	}
	if (arch >= 3 && arch <= 5)
		*variant = "v5";
	else if (arch >= 6 && arch <= 9)
		*variant = "v6";
	else if (arch == 10)
		*variant = "v7";
	else if (arch == 14)
		*variant = "v8";
	if (*variant)
		return 0;
	if (arch < 0)
		return util_error("%s: a 32-bit ARM program whose ARM version "
		                  "(v6, v7) cannot be told: %s", name,
		                  info->shnum == 0
		                  ? "it has no section headers, so no "
		                    ".ARM.attributes (build it again and keep "
		                    "them: no strip --strip-section-headers, no "
		                    "super strip)"
		                  : !found
		                  ? "it has no .ARM.attributes section (keep it "
		                    "when stripping: no -R .ARM.attributes)"
		                  : "its .ARM.attributes has no Tag_CPU_arch "
		                    "(assemble it with .arch armv7-a, or compile "
		                    "with -march=armv7-a)");
	return util_error("%s: built for ARM architecture %lld (Tag_CPU_arch), "
	                  "which no Linux container platform (arm/v5, v6, v7, "
	                  "v8) names", name, (long long)arch);
}
