/* test_elf: the kernel's rules for program headers, one mutated header per
 * rule, each refused with a message that names the rule; and --strip's
 * "check before you change". */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf.h"
#include "unit.h"

enum { BASE = 0x08048000, SIZE = 66100 };

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

/* One 386 program: ELF header, two program headers (a PT_LOAD of the whole
 * file, and a second header that each test may turn into something), code
 * at 84 + 32. Fields are patched by the tests through these offsets. */
struct image {
	uint8_t b[SIZE];
};
enum { PH0 = 52, PH1 = 84 };
enum { P_TYPE = 0, P_OFFSET = 4, P_VADDR = 8, P_FILESZ = 16, P_MEMSZ = 20,
       P_FLAGS = 24 };

static void make(struct image *im)
{
	uint8_t *b = im->b;

	memset(b, 0, sizeof im->b);
	memcpy(b, "\177ELF\1\1\1", 7);
	put16(b + 16, 2);                /* ET_EXEC */
	put16(b + 18, 3);                /* EM_386 */
	put32(b + 20, 1);
	put32(b + 24, BASE + 116);       /* entry: the code */
	put32(b + 28, PH0);              /* e_phoff */
	put16(b + 40, 52);
	put16(b + 42, 32);
	put16(b + 44, 2);                /* e_phnum */
	put32(b + PH0 + P_TYPE, 1);      /* PT_LOAD of everything */
	put32(b + PH0 + P_OFFSET, 0);
	put32(b + PH0 + P_VADDR, BASE);
	put32(b + PH0 + P_FILESZ, SIZE);
	put32(b + PH0 + P_MEMSZ, SIZE);
	put32(b + PH0 + P_FLAGS, 5);
	put32(b + PH1 + P_TYPE, 0x6474e551); /* PT_GNU_STACK, harmless */
	put32(b + PH1 + P_FLAGS, 6);
	b[116] = 0xcc;
}

/* check() writes IM to a file, reads and checks it (super stripping it
 * first when STRIP), and returns the result; *MSG gets what was printed. */
static int check(const struct image *im, int strip, char *msg, size_t cap)
{
	char path[] = "/tmp/test_elf.XXXXXX";
	char errpath[] = "/tmp/test_elf_err.XXXXXX";
	int fd = mkstemp(path), errfd = mkstemp(errpath);
	int saved = dup(2), r;
	struct elf_info info;
	ssize_t n;

	if (fd < 0 || errfd < 0 || write(fd, im->b, sizeof im->b) != SIZE)
		return 99;
	fflush(stderr);
	dup2(errfd, 2);
	r = elf_read(fd, "prog", &info);
	if (r == 0)
		r = elf_check_program(fd, "prog", &info, 0);
	if (r == 0 && strip)
		r = elf_superstrip(fd, "prog", &info);
	if (r == 0 && strip)
		r = elf_check_program(fd, "prog", &info, 0);
	elf_free(&info);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(errfd, msg, cap - 1, 0);
	msg[n > 0 ? n : 0] = '\0';
	close(fd);
	close(errfd);
	unlink(path);
	unlink(errpath);
	return r;
}

/* refused() checks that IM is refused with a message holding RULE. */
static void refused(const struct image *im, int strip, const char *what,
                    const char *rule)
{
	char msg[1024];
	int r = check(im, strip, msg, sizeof msg);

	unit_check(r < 0 && strstr(msg, rule) != NULL,
	           "elf: %s is refused (%s)", what, r < 0 ? rule : "accepted");
}

static void accepted(const struct image *im, int strip, const char *what)
{
	char msg[1024];
	int r = check(im, strip, msg, sizeof msg);

	unit_check(r == 0, "elf: %s is accepted%s%s", what, r ? ": " : "",
	           r ? msg : "");
}

int main(void)
{
	struct image im;

	make(&im);
	accepted(&im, 0, "the plain program");
	accepted(&im, 1, "the plain program with --strip");

	make(&im);
	put32(im.b + PH0 + P_FILESZ, SIZE);
	put32(im.b + PH0 + P_MEMSZ, SIZE - 1);
	refused(&im, 0, "p_filesz > p_memsz", "larger than p_memsz");

	make(&im);
	put32(im.b + PH0 + P_VADDR, BASE + 16);
	put32(im.b + 24, BASE + 16 + 116);
	refused(&im, 0, "p_vaddr and p_offset apart modulo 4096",
	        "differ modulo the page size");

	make(&im);
	put32(im.b + PH0 + P_VADDR, 0xc0000000);
	put32(im.b + 24, 0xc0000000 + 116);
	refused(&im, 0, "a segment in the kernel's half",
	        "end of the user address space");
	make(&im);
	put32(im.b + PH0 + P_VADDR, 0xbffff000);
	put32(im.b + PH0 + P_MEMSZ, 0x20000);
	put32(im.b + 24, 0xbffff000 + 116);
	refused(&im, 0, "a segment reaching into the kernel's half",
	        "end of the user address space");

	make(&im);
	put32(im.b + PH0 + P_VADDR, 0x1000);
	put32(im.b + 24, 0x1000 + 116);
	refused(&im, 0, "a segment below vm.mmap_min_addr", "below 64 KiB");

	make(&im);
	put16(im.b + 44, 0);
	refused(&im, 0, "no program headers", "e_phnum is 0");

	make(&im);
	put16(im.b + 42, 40);
	refused(&im, 0, "e_phentsize that is not 32", "e_phentsize is 40");

	make(&im);
	put16(im.b + 44, 2049); /* 2049 * 32 bytes: just over 64 KiB */
	refused(&im, 0, "a program header table over 64 KiB",
	        "the kernel reads at most 65536");

	make(&im);
	put32(im.b + 28, SIZE - 40);
	refused(&im, 0, "a program header table past the end",
	        "program headers lie outside the file");

	make(&im);
	put32(im.b + PH0 + P_FILESZ, SIZE + 1);
	put32(im.b + PH0 + P_MEMSZ, SIZE + 1);
	refused(&im, 0, "a PT_LOAD past the end of the file",
	        "lies past the end of the file");

	make(&im);
	put32(im.b + PH0 + P_FLAGS, 6);
	refused(&im, 0, "an entry point in a segment that is not executable",
	        "not inside an executable PT_LOAD");

	make(&im);
	put16(im.b + 16, 1);
	refused(&im, 0, "an object file", "an object file");

	/* PT_INTERP: refused before --strip could drop it, its text escaped. */
	make(&im);
	put32(im.b + PH0 + P_FILESZ, 200);
	put32(im.b + PH0 + P_MEMSZ, 200);
	put32(im.b + PH1 + P_TYPE, 3);
	put32(im.b + PH1 + P_OFFSET, 4096);
	put32(im.b + PH1 + P_FILESZ, 12);
	memcpy(im.b + 4096, "/lib/\033[31mx\n", 12);
	refused(&im, 0, "a PT_INTERP past the mapped bytes",
	        "needs the loader /lib/\\x1b[31mx\\x0a)");
	refused(&im, 1, "...also with --strip", "dynamically linked");

	/* A PT_TLS outside the mapped bytes: --strip must not blank it. */
	make(&im);
	put32(im.b + PH0 + P_FILESZ, 200);
	put32(im.b + PH0 + P_MEMSZ, 200);
	put32(im.b + PH1 + P_TYPE, 7);
	put32(im.b + PH1 + P_OFFSET, 4096);
	put32(im.b + PH1 + P_VADDR, BASE + 100);
	put32(im.b + PH1 + P_FILESZ, 8);
	put32(im.b + PH1 + P_MEMSZ, 8);
	accepted(&im, 0, "a PT_TLS outside the mapped bytes, not stripped");
	refused(&im, 1, "a PT_TLS outside the mapped bytes, with --strip",
	        "--strip would cut it off");

	/* A note there is dropped: nothing reads it at run time. */
	put32(im.b + PH1 + P_TYPE, 4);
	accepted(&im, 1, "a PT_NOTE outside the mapped bytes, with --strip");
	return unit_done();
}
