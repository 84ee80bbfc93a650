/* sink: an output file descriptor that counts and hashes what passes. */
#define _POSIX_C_SOURCE 200809L
#include "sink.h"

#include <errno.h>
#include <unistd.h>

#include "util.h"

void sink_init(struct sink *s, int fd, const char *name)
{
	s->fd = fd;
	s->name = name;
	s->bytes = 0;
	sha256_init(&s->sha);
}

int sink_write(struct sink *s, const void *buf, size_t len)
{
	if (util_write_all(s->fd, buf, len, s->name) < 0)
		return -1;
	sha256_update(&s->sha, buf, len);
	s->bytes += len;
	return 0;
}

int sink_copy_fd(struct sink *s, int fd, const char *from, uint64_t size)
{
	char buf[65536];
	uint64_t left = size;
	ssize_t n;

	while (left > 0) {
		n = read(fd, buf, left < sizeof buf ? (size_t)left : sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return util_error("%s: read failed:", from);
		if (n == 0)
			return util_error("%s: file shrank while being read", from);
		if (sink_write(s, buf, (size_t)n) < 0)
			return -1;
		left -= (uint64_t)n;
	}
	while ((n = read(fd, buf, 1)) < 0 && errno == EINTR)
		;
	if (n > 0)
		return util_error("%s: file grew while being read", from);
	return 0;
}

void sink_hex(struct sink *s, char hex[SHA256_HEX_SIZE])
{
	uint8_t d[SHA256_SIZE];

	sha256_final(&s->sha, d);
	sha256_hex(d, hex);
}
