/* fuzz_elf: the ELF code on any bytes: the header decoder, the kernel's
 * rules, the ARM attributes, the object symbol and section readers, super
 * strip (on a copy), and the --bytes dump (its header part). A verdict,
 * never a crash. */
#define _GNU_SOURCE /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "elf.h"
#include "elfdump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_info info;
	const char *why, *variant;
	int fd = memfd_create("fuzz", 0);
	FILE *null = fopen("/dev/null", "w");

	if (fd < 0 || !null || write(fd, data, size) != (ssize_t)size)
		goto out;
	/* The teaching dump, without the code (no objdump run). */
	elfdump_print(null, data, size, size, 0);
	if (elf_header(data, size, size, &info, &why) == 0)
		elf_free(&info);
	if (elf_read(fd, "fuzz", &info) != 0)
		goto out;
	if (info.type == ELF_REL) {
		elf_object_defines(fd, "fuzz", &info, "_start");
		elf_object_writable(fd, "fuzz", &info);
	} else if (elf_check_program(fd, "fuzz", &info, 0) == 0) {
		elf_check_wx("fuzz", &info, 1);
		if (info.machine == 40)
			elf_arm_variant(fd, "fuzz", &info, &variant);
		if (elf_superstrip(fd, "fuzz", &info) == 0)
			elf_check_program(fd, "fuzz", &info, 0);
	}
	elf_free(&info);
out:
	if (null)
		fclose(null);
	if (fd >= 0)
		close(fd);
	return 0;
}
