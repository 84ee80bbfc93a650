/* elfdump: an ELF program as a lesson. */
#define _POSIX_C_SOURCE 200809L
#include "elfdump.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "spawn.h"
#include "util.h"

/* One header field: where it lies and what it is called. */
struct field {
	uint64_t at;        /* file offset */
	unsigned size;
	const char *name;
	int phdr;           /* -1: the ELF header; else program header N */
	char value[96];     /* its value and meaning, in words */
};

const char *elfdump_machine(unsigned machine)
{
	switch (machine) {
	case 3: return "Intel 80386";
	case 8: return "MIPS";
	case 20: return "PowerPC";
	case 21: return "PowerPC64";
	case 22: return "IBM S/390";
	case 40: return "ARM";
	case 62: return "x86-64";
	case 183: return "AArch64";
	case 243: return "RISC-V";
	default: return "an unknown machine";
	}
}

/* type_name() says what e_type TYPE means. */
static const char *type_name(unsigned type)
{
	switch (type) {
	case 1: return "a relocatable object";
	case 2: return "an executable";
	case 3: return "a position-independent executable or library";
	case 4: return "a core dump";
	default: return "of an unknown type";
	}
}

void elfdump_describe(const struct elf_info *info, char *buf, size_t len)
{
	snprintf(buf, len, "ELF %d-bit %s, %s, %s", info->is64 ? 64 : 32,
	         info->big ? "big-endian" : "little-endian",
	         type_name(info->type), elfdump_machine(info->machine));
}

/* A program header type: its short name and what it means. */
static const struct {
	uint32_t type;
	const char *name, *meaning;
} phdr_types[] = {
	{ 0, "NULL", "unused" },
	{ 1, "LOAD", "map these bytes" },
	{ 2, "DYNAMIC", "dynamic linking" },
	{ 3, "INTERP", "the dynamic loader" },
	{ 4, "NOTE", "notes" },
	{ 6, "PHDR", "the program headers" },
	{ 7, "TLS", "thread-local storage" },
	{ 0x6474e550, "GNU_EH_FRAME", "unwind tables" },
	{ 0x6474e551, "GNU_STACK", "stack permissions" },
	{ 0x6474e552, "GNU_RELRO", "read-only after relocation" },
	{ 0x6474e553, "GNU_PROPERTY", "properties" },
};

/* phdr_index() is TYPE's place in phdr_types, or -1. */
static int phdr_index(uint32_t type)
{
	size_t i;

	for (i = 0; i < sizeof phdr_types / sizeof *phdr_types; i++)
		if (phdr_types[i].type == type)
			return (int)i;
	return -1;
}

const char *elfdump_phdr_name(uint32_t type)
{
	int i = phdr_index(type);

	return i < 0 ? "OTHER" : phdr_types[i].name;
}

void elfdump_flags(uint32_t flags, char out[4])
{
	out[0] = flags & 4 ? 'R' : '-';
	out[1] = flags & 2 ? 'W' : '-';
	out[2] = flags & 1 ? 'X' : '-';
	out[3] = '\0';
}

/* get() reads SIZE bytes at AT of PROG in the file's byte order. */
static uint64_t get(const uint8_t *p, unsigned size, int big)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < size; i++)
		v |= (uint64_t)p[big ? size - 1 - i : i] << (8 * i);
	return v;
}

/* A growing list of fields. */
struct fields {
	struct field *v;
	size_t n;
};

/* add() appends a field to FS and returns it for its value. */
static struct field *add(struct fields *fs, uint64_t at, unsigned size,
                         const char *name, int phdr)
{
	struct field *f;

	fs->v = util_xreallocarray(fs->v, fs->n + 1, sizeof *fs->v);
	f = &fs->v[fs->n++];
	memset(f, 0, sizeof *f);
	f->at = at;
	f->size = size;
	f->name = name;
	f->phdr = phdr;
	return f;
}

/* ehdr_fields() lists the ELF header's fields with their meaning. */
static void ehdr_fields(struct fields *fs, const uint8_t *p,
                        const struct elf_info *info)
{
	unsigned w = info->is64 ? 8 : 4;
	uint64_t o = info->is64 ? 8 : 0; /* 64-bit fields push the rest on */
	int big = info->big;
	struct field *f;

	f = add(fs, 0, 4, "magic", -1);
	snprintf(f->value, sizeof f->value, "\"\\x7fELF\": an ELF file");
	f = add(fs, 4, 1, "EI_CLASS", -1);
	snprintf(f->value, sizeof f->value, "%u: %s", p[4],
	         p[4] == 2 ? "64-bit" : p[4] == 1 ? "32-bit" : "?");
	f = add(fs, 5, 1, "EI_DATA", -1);
	snprintf(f->value, sizeof f->value, "%u: %s", p[5],
	         p[5] == 2 ? "big-endian" : "little-endian");
	f = add(fs, 6, 1, "EI_VERSION", -1);
	snprintf(f->value, sizeof f->value, "%u", p[6]);
	f = add(fs, 7, 1, "EI_OSABI", -1);
	snprintf(f->value, sizeof f->value, "%u%s", p[7],
	         p[7] == 0 ? ": System V" : "");
	f = add(fs, 8, 8, "EI_ABIVERSION, padding", -1);
	snprintf(f->value, sizeof f->value, "%s",
	         get(p + 8, 8, 0) ? "not zero: the standard binfmt_misc "
	         "magic for qemu will not match" : "zero, as binfmt_misc's "
	         "magic for qemu needs");
	f = add(fs, 16, 2, "e_type", -1);
	snprintf(f->value, sizeof f->value, "%u: %s", info->type,
	         type_name(info->type));
	f = add(fs, 18, 2, "e_machine", -1);
	snprintf(f->value, sizeof f->value, "%u: %s", info->machine,
	         elfdump_machine(info->machine));
	f = add(fs, 20, 4, "e_version", -1);
	snprintf(f->value, sizeof f->value, "%llu",
	         (unsigned long long)get(p + 20, 4, big));
	f = add(fs, 24, w, "e_entry", -1);
	snprintf(f->value, sizeof f->value, "0x%llx: the first instruction",
	         (unsigned long long)info->entry);
	f = add(fs, 28 + o / 2, w, "e_phoff", -1);
	snprintf(f->value, sizeof f->value, "%llu: where the program headers "
	         "start", (unsigned long long)info->phoff);
	f = add(fs, 32 + o, w, "e_shoff", -1);
	snprintf(f->value, sizeof f->value, "%llu%s",
	         (unsigned long long)info->shoff,
	         info->shoff ? ": section headers (loaders ignore them)"
	                     : ": no section headers");
	f = add(fs, 36 + o, 4, "e_flags", -1);
	snprintf(f->value, sizeof f->value, "0x%x", info->flags);
	f = add(fs, 40 + o, 2, "e_ehsize", -1);
	snprintf(f->value, sizeof f->value, "%u: bytes in this header",
	         info->ehsize);
	f = add(fs, 42 + o, 2, "e_phentsize", -1);
	snprintf(f->value, sizeof f->value, "%u: bytes per program header",
	         info->phentsize);
	f = add(fs, 44 + o, 2, "e_phnum", -1);
	snprintf(f->value, sizeof f->value, "%u program header%s", info->phnum,
	         info->phnum == 1 ? "" : "s");
	f = add(fs, 46 + o, 2, "e_shentsize", -1);
	snprintf(f->value, sizeof f->value, "%llu",
	         (unsigned long long)get(p + 46 + o, 2, big));
	f = add(fs, 48 + o, 2, "e_shnum", -1);
	snprintf(f->value, sizeof f->value, "%u", info->shnum);
	f = add(fs, 50 + o, 2, "e_shstrndx", -1);
	snprintf(f->value, sizeof f->value, "%u", info->shstrndx);
}

/* phdr_fields() lists the fields of program header I. */
static void phdr_fields(struct fields *fs, const struct elf_info *info,
                        int i, const uint8_t *p)
{
	const struct elf_phdr *ph = &info->phdrs[i];
	uint64_t at = info->phoff + (uint64_t)i * info->phentsize;
	unsigned w = info->is64 ? 8 : 4;
	char flags[4];
	struct field *f;

	elfdump_flags(ph->flags, flags);
	f = add(fs, at, 4, "p_type", i);
	if (phdr_index(ph->type) < 0)
		snprintf(f->value, sizeof f->value, "0x%x: another kind",
		         ph->type);
	else
		snprintf(f->value, sizeof f->value, "%u: PT_%s: %s", ph->type,
		         elfdump_phdr_name(ph->type),
		         phdr_types[phdr_index(ph->type)].meaning);
	f = add(fs, at + (info->is64 ? 4 : 24), 4, "p_flags", i);
	if (ph->flags > 7)
		snprintf(f->value, sizeof f->value, "0x%x: %s (only the low "
		         "bits count)", ph->flags, flags);
	else
		snprintf(f->value, sizeof f->value, "%u: %s%s", ph->flags, flags,
		         ph->flags & 2 && ph->flags & 1 ? ", writable code" : "");
	f = add(fs, at + (info->is64 ? 8 : 4), w, "p_offset", i);
	snprintf(f->value, sizeof f->value, "%llu: from this file offset",
	         (unsigned long long)ph->offset);
	f = add(fs, at + (info->is64 ? 16 : 8), w, "p_vaddr", i);
	snprintf(f->value, sizeof f->value, "0x%llx: to this address",
	         (unsigned long long)ph->vaddr);
	f = add(fs, at + (info->is64 ? 24 : 12), w, "p_paddr", i);
	snprintf(f->value, sizeof f->value, "0x%llx (unused on Linux)",
	         (unsigned long long)get(p + at + (info->is64 ? 24 : 12), w,
	                                 info->big));
	f = add(fs, at + (info->is64 ? 32 : 16), w, "p_filesz", i);
	snprintf(f->value, sizeof f->value, "%llu bytes of the file",
	         (unsigned long long)ph->filesz);
	f = add(fs, at + (info->is64 ? 40 : 20), w, "p_memsz", i);
	snprintf(f->value, sizeof f->value, "%llu bytes of memory%s",
	         (unsigned long long)ph->memsz,
	         ph->memsz > ph->filesz ? " (the rest zeroed: .bss)" : "");
	f = add(fs, at + (info->is64 ? 48 : 28), w, "p_align", i);
	snprintf(f->value, sizeof f->value, "0x%llx%s",
	         (unsigned long long)get(p + at + (info->is64 ? 48 : 28), w,
	                                 info->big),
	         info->type == 2 ? " (unused for an executable)" : "");
}

/* by_offset() orders fields by offset, the ELF header's first. */
static int by_offset(const void *a, const void *b)
{
	const struct field *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->phdr - y->phdr;
}

/* hex() prints LEN bytes of P as "xx xx ...", padded to WIDTH bytes. */
static void hex(FILE *out, const uint8_t *p, size_t len, size_t width)
{
	size_t i;

	for (i = 0; i < width; i++) {
		if (i < len)
			fprintf(out, "%02x ", p[i]);
		else
			fputs("   ", out);
	}
}

/* print_cluster() prints fields V[0..N) (overlapping, sorted), ending at
 * END, as rows: the bytes they cover on the left, 8 to a row, each field
 * on the right; fields of two headers sharing bytes are marked '*'. */
static void print_cluster(FILE *out, const uint8_t *p, size_t len,
                          const struct field *v, size_t n, uint64_t end)
{
	uint64_t at = v[0].at;
	size_t bytes = (size_t)((end < len ? end : len) - at);
	size_t rows = (bytes + 7) / 8 > n ? (bytes + 7) / 8 : n, k;
	int overlap = 0;

	for (k = 1; k < n; k++)
		overlap |= v[k].phdr != v[0].phdr;
	for (k = 0; k < rows; k++) {
		char label[64] = "";

		if (k == 0)
			fprintf(out, "  %06llx  ", (unsigned long long)at);
		else
			fputs("          ", out);
		hex(out, p + at + (8 * k < bytes ? 8 * k : 0),
		    8 * k < bytes ? (bytes - 8 * k < 8 ? bytes - 8 * k : 8) : 0,
		    8);
		if (k < n && v[k].phdr < 0)
			snprintf(label, sizeof label, "%s", v[k].name);
		else if (k < n)
			snprintf(label, sizeof label, "ph%d.%s", v[k].phdr,
			         v[k].name);
		if (k < n)
			fprintf(out, " %s%-17s %s", overlap ? "*" : " ", label,
			        v[k].value);
		fputc('\n', out);
	}
}

/* print_headers() prints every header field, clustering those that share
 * bytes; returns the end of the last header byte shown. */
static uint64_t print_headers(FILE *out, const uint8_t *p, size_t len,
                              struct fields *fs)
{
	size_t i = 0, j;
	uint64_t end = 0;

	qsort(fs->v, fs->n, sizeof *fs->v, by_offset);
	while (i < fs->n) {
		uint64_t cend = fs->v[i].at + fs->v[i].size;

		for (j = i + 1; j < fs->n && fs->v[j].at < cend; j++)
			if (fs->v[j].at + fs->v[j].size > cend)
				cend = fs->v[j].at + fs->v[j].size;
		if (fs->v[i].at < len)
			print_cluster(out, p, len, fs->v + i, j - i, cend);
		if (cend > end)
			end = cend;
		i = j;
	}
	return end;
}

/* ascii() prints LEN bytes of P as text, '.' for what is not printable. */
static void ascii(FILE *out, const uint8_t *p, size_t len)
{
	size_t i;

	fputc('|', out);
	for (i = 0; i < len; i++)
		fputc(p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '.', out);
	fputc('|', out);
}

/* hexdump() prints bytes FROM..TO of P, 16 to a row. */
static void hexdump(FILE *out, const uint8_t *p, uint64_t from, uint64_t to)
{
	uint64_t at;

	for (at = from; at < to; at += 16) {
		size_t n = to - at < 16 ? (size_t)(to - at) : 16;

		fprintf(out, "  %06llx  ", (unsigned long long)at);
		hex(out, p + at, n, 16);
		ascii(out, p + at, n);
		fputc('\n', out);
	}
}

/* objdump_arch() is objdump's -m for MACHINE, or NULL. */
static const char *objdump_arch(unsigned machine)
{
	return machine == 3 ? "i386" : machine == 62 ? "i386:x86-64" : NULL;
}

/* The disassembler for one dump: the program's first bytes in a file
 * under TMPDIR, written once, and objdump run on ranges of it. */
struct dis {
	const struct elf_info *info;
	uint64_t vma;      /* the address of file offset 0 */
	char *bin;         /* the bytes, for objdump -b binary */
	int runs;          /* objdump runs so far */
};

enum { DIS_RUNS_MAX = 16 }; /* code between strings: the rest in hex */

/* dis_open() writes LEN bytes of P for objdump; 0, or -1 (no message:
 * the dump falls back to hex). */
static int dis_open(struct dis *d, const uint8_t *p, size_t len)
{
	int fd;

	d->bin = cleanup_tmp_path();
	fd = cleanup_mktemp(d->bin, 0);
	if (fd < 0)
		return -1;
	if (util_write_all(fd, p, len, d->bin) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* dis_close() removes the disassembler's file. */
static void dis_close(struct dis *d)
{
	if (d->bin) {
		unlink(d->bin);
		cleanup_forget(d->bin);
	}
	free(d->bin);
	d->bin = NULL;
}

/* dis_run() shows bytes FROM..TO as objdump disassembles them; 0, or -1
 * when objdump could not be used (the caller then shows hex). */
static int dis_run(struct dis *d, FILE *out, uint64_t from, uint64_t to)
{
	char adjust[40], start[40], stop[40];
	char *argv[] = { "objdump", "-D", "-b", "binary", "-m",
		         (char *)objdump_arch(d->info->machine), "-M", "intel",
		         adjust, start, stop, d->bin, NULL };
	char *name = cleanup_tmp_path();
	int fd = cleanup_mktemp(name, 0);
	FILE *f = fd >= 0 ? fdopen(fd, "w+") : NULL;
	char *line = NULL;
	size_t cap = 0;
	int r = -1;

	if (fd >= 0) { /* nameless from here on */
		unlink(name);
		cleanup_forget(name);
	}
	free(name);
	if (!f || !d->bin || d->runs++ >= DIS_RUNS_MAX)
		goto out;
	snprintf(adjust, sizeof adjust, "--adjust-vma=0x%llx",
	         (unsigned long long)d->vma);
	snprintf(start, sizeof start, "--start-address=0x%llx",
	         (unsigned long long)(d->vma + from));
	snprintf(stop, sizeof stop, "--stop-address=0x%llx",
	         (unsigned long long)(d->vma + to));
	if (spawn_run_to(argv, fileno(f)) != 0)
		goto out;
	rewind(f);
	while (getline(&line, &cap, f) > 0) {
		unsigned long long addr;
		char *tab, *insn;

		/* "  8048054:\tba 0c 00 00 00       \tmov    edx,0xc" */
		if (sscanf(line, " %llx:", &addr) != 1 ||
		    !(tab = strchr(line, '\t')))
			continue;
		insn = strchr(tab + 1, '\t');
		line[strcspn(line, "\n")] = '\0';
		fprintf(out, "  %06llx  %-24.*s  %s%s\n",
		        (unsigned long long)(addr - d->vma),
		        (int)(insn ? insn - tab - 1 : (long)strlen(tab + 1)),
		        tab + 1, insn ? insn + 1 : "",
		        addr == d->info->entry ? "    <- e_entry" : "");
	}
	r = 0;
out:
	if (f)
		fclose(f);
	else if (fd >= 0)
		close(fd);
	free(line);
	return r;
}

/* texty() says whether byte C is part of text: printable or a newline. */
static int texty(uint8_t c)
{
	return (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t';
}

/* text_run() is the length of the text at P (LEN bytes left) when it is
 * long enough to be a string rather than code, else 0. */
static size_t text_run(const uint8_t *p, size_t len)
{
	size_t n = 0;

	while (n < len && texty(p[n]))
		n++;
	return n >= 8 ? n : 0;
}

/* print_code() shows bytes FROM..TO: strings as text, the rest
 * disassembled when the machine is one objdump here reads, else hex. */
static void print_code(FILE *out, const uint8_t *p,
                       const struct elf_info *info,
                       const struct elf_phdr *code, uint64_t from,
                       uint64_t to)
{
	struct dis d = { info, code ? code->vaddr - code->offset : 0, NULL,
		         0 };
	uint64_t at = from;
	int can = code && objdump_arch(info->machine) &&
	          dis_open(&d, p, (size_t)to) == 0;

	while (at < to) {
		uint64_t run = at, t = 0;

		while (run < to && !(t = text_run(p + run, (size_t)(to - run))))
			run++;
		if (run > at && (!can || dis_run(&d, out, at, run) < 0))
			hexdump(out, p, at, run);
		if (t) {
			fprintf(out, "  %06llx  text \"", (unsigned long long)run);
			for (at = run; at < run + t; at++) {
				if (p[at] == '\n' || p[at] == '\t')
					fprintf(out, "\\%c", p[at] == '\n' ? 'n' : 't');
				else
					fputc(p[at], out);
			}
			fputs("\"\n", out);
		}
		at = run + t;
	}
	dis_close(&d);
}

void elfdump_print(FILE *out, const uint8_t *p, size_t len, uint64_t size,
                   size_t max_code)
{
	struct elf_info info;
	struct fields fs = { NULL, 0 };
	const struct elf_phdr *code = NULL;
	const char *why;
	char desc[128];
	uint64_t end, stop, start, entry = UINT64_MAX;
	int i;

	if (elf_header(p, len, size, &info, &why) < 0) {
		fprintf(out, "  not an ELF program this dump can show: %s\n",
		        why);
		hexdump(out, p, 0, len < 256 ? len : 256);
		return;
	}
	if (info.phnum && info.phoff + (uint64_t)info.phnum * info.phentsize <=
	                  len)
		elf_phdrs(p + info.phoff, &info);
	else
		info.phnum = 0;
	elfdump_describe(&info, desc, sizeof desc);
	fprintf(out, "  %s, %llu bytes\n  (fields marked * share their "
	        "bytes with a field of the other header)\n\n  offset  bytes"
	        "                     field              value\n", desc,
	        (unsigned long long)size);
	ehdr_fields(&fs, p, &info);
	for (i = 0; i < info.phnum; i++)
		phdr_fields(&fs, &info, i, p);
	end = print_headers(out, p, len, &fs);
	free(fs.v);
	for (i = 0; i < info.phnum && entry == UINT64_MAX; i++) {
		const struct elf_phdr *ph = &info.phdrs[i];

		if (ph->type == 1 && info.entry >= ph->vaddr &&
		    info.entry - ph->vaddr < ph->filesz) {
			entry = info.entry - ph->vaddr + ph->offset;
			code = ph;
		}
	}
	start = entry < end ? entry : end;
	stop = len < end + max_code ? len : end + max_code;
	if (start < stop) {
		fprintf(out, "\n  code and data%s\n", entry < end
		        ? " (the code starts inside the header fields above)"
		        : "");
		print_code(out, p, &info, code, start, stop);
	}
	if (stop < size)
		fprintf(out, "  ... %llu more bytes not shown\n",
		        (unsigned long long)(size - stop));
	elf_free(&info);
}
