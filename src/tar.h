/* tar: a POSIX ustar writer (pax records only for long names). */
#ifndef TINYIMG_TAR_H
#define TINYIMG_TAR_H

#include <stdint.h>

#include "sink.h"

#define TAR_BLOCK 512

enum tar_type {
	TAR_FILE = '0', TAR_SYMLINK = '2', TAR_DIR = '5', TAR_PAX = 'x'
};

/* One member. Owner is always 0:0. NAME has no leading "/"; directories
 * end in "/". SIZE is 0 for anything but a regular file. */
struct tar_entry {
	const char *name;
	enum tar_type type;
	unsigned mode;        /* permission bits, e.g. 0755 */
	uint64_t size;        /* data bytes that follow the header */
	uint64_t mtime;       /* seconds since the epoch */
	const char *linkname; /* symlink target, or NULL */
};

/* Write VALUE as a NUL-terminated octal number filling WIDTH bytes of FIELD.
 * Returns 0, or -1 (FIELD untouched) when VALUE needs more digits. */
int tar_octal(char *field, int width, uint64_t value);

/* Fill one ustar header block for E. Returns 0, or -1 with *WHY saying
 * which field cannot hold its value (too long a name, too large a size). */
int tar_header(const struct tar_entry *e, unsigned char block[TAR_BLOCK],
               const char **why);

/* Write E's header (preceded by a pax record when the name or link target
 * is too long for ustar). 0, or -1 after a message naming E. */
int tar_write_header(struct sink *s, const struct tar_entry *e);

/* Write the zero bytes that round SIZE data bytes up to a whole block. */
int tar_write_padding(struct sink *s, uint64_t size);

/* Write a whole regular file member from memory. */
int tar_write_file(struct sink *s, const char *name, unsigned mode,
                   uint64_t mtime, const void *data, uint64_t size);

/* Write the two zero blocks that end an archive. */
int tar_write_end(struct sink *s);

#endif
