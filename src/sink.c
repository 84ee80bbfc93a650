/* sink: where bytes go, counted, and hashed or written or both. */
#define _GNU_SOURCE /* copy_file_range */
#include "sink.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include "util.h"

enum { BUF = 1 << 18 }; /* bytes read at a time: fewer system calls */

void sink_init_mode(struct sink *s, int fd, const char *name, int mode)
{
	s->fd = fd;
	s->name = name;
	s->mode = mode;
	s->bytes = 0;
	s->progress = NULL;
	s->no_copy_range = 0;
	if (mode & SINK_HASH)
		sha256_init(&s->sha);
}

void sink_init(struct sink *s, int fd, const char *name)
{
	sink_init_mode(s, fd, name, SINK_HASH | SINK_WRITE);
}

int sink_write(struct sink *s, const void *buf, size_t len)
{
	if ((s->mode & SINK_WRITE) &&
	    util_write_all(s->fd, buf, len, s->name) < 0)
		return -1;
	if (s->mode & SINK_HASH)
		sha256_update(&s->sha, buf, len);
	s->bytes += len;
	if (s->progress)
		progress_add(s->progress, len);
	return 0;
}

/* kernel_copy() copies up to LEFT bytes from IN (at *OFF, advanced; NULL:
 * where it stands) to the sink's file inside the kernel. Returns the count
 * copied (0 at the end of IN), or -1 with errno set. */
static ssize_t kernel_copy(struct sink *s, int in, off_t *off, uint64_t left)
{
	size_t n = left < (32u << 20) ? (size_t)left : 32u << 20;
	ssize_t r = s->no_copy_range ? -1
	            : copy_file_range(in, off, s->fd, NULL, n, 0);

	/* Start writing what was copied to disk now, so the final fsync
	 * finds most of it done. */
	if (r > 0)
		sync_file_range(s->fd, (off64_t)(s->bytes), r,
		                SYNC_FILE_RANGE_WRITE);
	if (r >= 0 || (!s->no_copy_range && errno != EXDEV &&
	               errno != EINVAL && errno != ENOSYS &&
	               errno != EOPNOTSUPP && errno != EBADF))
		return r;
	s->no_copy_range = 1; /* a pipe, another file system: sendfile */
	return sendfile(s->fd, in, off, n);
}

/* copy_by_kernel() copies SIZE bytes of IN (from *OFF, or where it
 * stands) when the sink only writes; returns the bytes still to copy by
 * hand (all of them when the kernel cannot), or -1 after a message. */
static int64_t copy_by_kernel(struct sink *s, int in, off_t *off,
                              const char *from, uint64_t size)
{
	uint64_t left = size;

	while (left > 0) {
		ssize_t n = kernel_copy(s, in, off, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && left == size)
			return (int64_t)size; /* not for these files */
		if (n < 0)
			return util_error("%s: copy failed:", s->name);
		if (n == 0)
			return util_error("%s: file shrank while being read", from);
		left -= (uint64_t)n;
		s->bytes += (uint64_t)n;
		if (s->progress)
			progress_add(s->progress, (uint64_t)n);
	}
	return 0;
}

/* copy() passes SIZE bytes of FD, from *OFF (advanced) or, when OFF is
 * NULL, from where it stands, reading them by hand when the kernel cannot
 * copy them or they must be hashed. */
static int copy(struct sink *s, int fd, off_t *off, const char *from,
                uint64_t size)
{
	char *buf;
	uint64_t left = size;
	int64_t rest;
	ssize_t n;

	if (s->mode == SINK_WRITE) {
		if ((rest = copy_by_kernel(s, fd, off, from, size)) < 0)
			return -1;
		left = (uint64_t)rest;
	}
	buf = util_xmalloc(BUF);
	while (left > 0) {
		size_t want = left < BUF ? (size_t)left : BUF;

		n = off ? pread(fd, buf, want, *off) : read(fd, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			return n < 0 ? util_error("%s: read failed:", from)
			             : util_error("%s: file shrank while being "
			                          "read", from);
		}
		if (off)
			*off += n;
		if (sink_write(s, buf, (size_t)n) < 0) {
			free(buf);
			return -1;
		}
		left -= (uint64_t)n;
	}
	free(buf);
	return 0;
}

int sink_copy_fd(struct sink *s, int fd, const char *from, uint64_t size)
{
	ssize_t n;
	char one;

	if (copy(s, fd, NULL, from, size) < 0)
		return -1;
	while ((n = read(fd, &one, 1)) < 0 && errno == EINTR)
		;
	if (n > 0)
		return util_error("%s: file grew while being read", from);
	return 0;
}

int sink_copy_range(struct sink *s, int fd, uint64_t offset, uint64_t size,
                    const char *from)
{
	off_t off = (off_t)offset;

	return copy(s, fd, &off, from, size);
}

void sink_hex(struct sink *s, char hex[SHA256_HEX_SIZE])
{
	uint8_t d[SHA256_SIZE];

	sha256_final(&s->sha, d);
	sha256_hex(d, hex);
}
