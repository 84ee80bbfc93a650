/* elfdump: an ELF program as a lesson: every ELF header and program header
 * field named with its value and what it means, fields that share bytes
 * shown together, and the code disassembled by binutils' objdump. */
#ifndef TINYIMG_ELFDUMP_H
#define TINYIMG_ELFDUMP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "elf.h"

/* A short description of INFO: "ELF 32-bit LSB executable, Intel 80386". */
void elfdump_describe(const struct elf_info *info, char *buf, size_t len);

/* The short name of a program header type ("LOAD", "GNU_STACK", "OTHER"). */
const char *elfdump_phdr_name(uint32_t type);

/* FLAGS (p_flags) spelled "RWX", "R-X", ... into OUT. */
void elfdump_flags(uint32_t flags, char out[4]);

/* The machine's name ("Intel 80386", "x86-64", "AArch64"). */
const char *elfdump_machine(unsigned machine);

/* Print the program's LEN bytes (PROG, the whole file or its first LEN
 * bytes of SIZE) to OUT as an annotated dump. Code is disassembled with
 * objdump run on a temporary file under TMPDIR; without objdump, for a
 * machine it cannot read, or past a few runs, code is shown in hex; a file
 * that is no ELF program is shown in hex. At most MAX_CODE bytes of code
 * and data are shown. */
void elfdump_print(FILE *out, const uint8_t *prog, size_t len, uint64_t size,
                   size_t max_code);

#endif
