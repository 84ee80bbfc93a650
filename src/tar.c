/* tar: a POSIX ustar writer (pax records only for long names). */
#define _POSIX_C_SOURCE 200809L
#include "tar.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* Offsets and widths of the ustar header fields (POSIX.1-1988). */
enum {
	NAME = 0, NAME_W = 100, MODE = 100, UID = 108, GID = 116, SIZE = 124,
	MTIME = 136, CHKSUM = 148, TYPE = 156, LINK = 157, LINK_W = 100,
	MAGIC = 257, VERSION = 263, PREFIX = 345, PREFIX_W = 155,
};

int tar_octal(char *field, int width, uint64_t value)
{
	char tmp[32];
	int digits = width - 1;
	int i;

	for (i = digits - 1; i >= 0; i--) {
		tmp[i] = (char)('0' + (value & 7));
		value >>= 3;
	}
	if (value != 0)
		return -1;
	memcpy(field, tmp, (size_t)digits);
	field[digits] = '\0';
	return 0;
}

/* split_name() places NAME in the name field, or splits it at a '/' into
 * prefix and name; returns -1 when neither fits. */
static int split_name(const char *name, unsigned char *b)
{
	size_t len = strlen(name);
	size_t i;

	if (len <= NAME_W) {
		memcpy(b + NAME, name, len);
		return 0;
	}
	/* The prefix takes the longest leading part that fits. */
	for (i = len - 1; i > 0; i--) {
		if (name[i] != '/' || i > PREFIX_W)
			continue;
		if (len - i - 1 > NAME_W || len - i - 1 == 0)
			return -1;
		memcpy(b + PREFIX, name, i);
		memcpy(b + NAME, name + i + 1, len - i - 1);
		return 0;
	}
	return -1;
}

static void checksum(unsigned char *b)
{
	unsigned sum = 0;
	int i;

	memset(b + CHKSUM, ' ', 8);
	for (i = 0; i < TAR_BLOCK; i++)
		sum += b[i];
	snprintf((char *)b + CHKSUM, 8, "%06o", sum);
	b[CHKSUM + 7] = ' ';
}

int tar_header(const struct tar_entry *e, unsigned char b[TAR_BLOCK],
               const char **why)
{
	char *f = (char *)b;
	size_t linklen = e->linkname ? strlen(e->linkname) : 0;

	memset(b, 0, TAR_BLOCK);
	if (split_name(e->name, b) < 0) {
		*why = "name too long for a ustar header";
		return -1;
	}
	if (linklen > LINK_W) {
		*why = "link target too long for a ustar header";
		return -1;
	}
	memcpy(b + LINK, e->linkname ? e->linkname : "", linklen);
	if (tar_octal(f + SIZE, 12, e->size) < 0) {
		*why = "size too large for a ustar header (8 GiB or more)";
		return -1;
	}
	if (tar_octal(f + MTIME, 12, e->mtime) < 0) {
		*why = "modification time too large for a ustar header";
		return -1;
	}
	tar_octal(f + MODE, 8, e->mode & 07777);
	tar_octal(f + UID, 8, 0);
	tar_octal(f + GID, 8, 0);
	b[TYPE] = (unsigned char)e->type;
	memcpy(b + MAGIC, "ustar", 6);
	memcpy(b + VERSION, "00", 2);
	checksum(b);
	return 0;
}

/* pax_record() appends "LEN KEY=VALUE\n" to BUF (of CAP bytes) at *LEN,
 * where LEN counts its own digits. Returns -1 when BUF is too small. */
static int pax_record(char *buf, size_t cap, size_t *len, const char *key,
                      const char *value)
{
	size_t body = strlen(key) + strlen(value) + 3; /* ' ', '=', '\n' */
	size_t total = body + 1;
	char digits[24];

	while (total != body + (size_t)snprintf(digits, sizeof digits, "%zu", total))
		total = body + strlen(digits);
	if (*len + total + 1 > cap)
		return -1;
	*len += (size_t)snprintf(buf + *len, cap - *len, "%zu %s=%s\n", total,
	                         key, value);
	return 0;
}

/* write_pax() writes a pax extended header carrying E's long name and link
 * target, so that the ustar header that follows may hold shortened ones. */
static int write_pax(struct sink *s, const struct tar_entry *e)
{
	char data[8192];
	size_t len = 0;
	unsigned char b[TAR_BLOCK];
	const char *why = NULL;
	struct tar_entry x = { "PaxHeader", TAR_PAX, 0644, 0, e->mtime, NULL };

	if (pax_record(data, sizeof data, &len, "path", e->name) < 0 ||
	    (e->linkname && pax_record(data, sizeof data, &len, "linkpath",
	                               e->linkname) < 0))
		return util_error("%s: name too long for the layer", e->name);
	x.size = len;
	if (tar_header(&x, b, &why) < 0 || sink_write(s, b, TAR_BLOCK) < 0 ||
	    sink_write(s, data, len) < 0)
		return -1;
	return tar_write_padding(s, len);
}

/* short_name() is the last 99 bytes of NAME (at most), for a ustar field
 * whose real value travels in a pax record. */
static const char *short_name(const char *name)
{
	size_t len = strlen(name);

	return len > 99 ? name + len - 99 : name;
}

int tar_write_header(struct sink *s, const struct tar_entry *e)
{
	unsigned char b[TAR_BLOCK];
	const char *why = NULL;

	if (tar_header(e, b, &why) == 0)
		return sink_write(s, b, TAR_BLOCK);
	if (e->size >= (uint64_t)1 << 33 || e->mtime >= (uint64_t)1 << 33)
		return util_error("%s: %s", e->name, why);
	/* Only the name or link target was too long: say it in pax. */
	{
		struct tar_entry shortened = *e;

		shortened.name = short_name(e->name);
		if (e->linkname)
			shortened.linkname = short_name(e->linkname);
		if (write_pax(s, e) < 0 || tar_header(&shortened, b, &why) < 0)
			return util_error("%s: %s", e->name, why ? why : "bad entry");
		return sink_write(s, b, TAR_BLOCK);
	}
}

int tar_write_padding(struct sink *s, uint64_t size)
{
	static const unsigned char zero[TAR_BLOCK];
	size_t rest = (size_t)(size % TAR_BLOCK);

	return rest ? sink_write(s, zero, TAR_BLOCK - rest) : 0;
}

int tar_write_file(struct sink *s, const char *name, unsigned mode,
                   uint64_t mtime, const void *data, uint64_t size)
{
	struct tar_entry e = { name, TAR_FILE, mode, size, mtime, NULL };

	if (tar_write_header(s, &e) < 0 || sink_write(s, data, (size_t)size) < 0)
		return -1;
	return tar_write_padding(s, size);
}

int tar_write_end(struct sink *s)
{
	static const unsigned char zero[2 * TAR_BLOCK];

	return sink_write(s, zero, sizeof zero);
}
