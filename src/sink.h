/* sink: an output file descriptor that counts and hashes what passes. */
#ifndef TINYIMG_SINK_H
#define TINYIMG_SINK_H

#include <stdint.h>

#include "sha256.h"

/* The caller owns FD (opens and closes it); NAME is used only in messages. */
struct sink {
	int fd;
	const char *name;
	uint64_t bytes; /* written so far */
	struct sha256 sha;
};

void sink_init(struct sink *s, int fd, const char *name);

/* Write LEN bytes, hashing and counting them. 0, or -1 after a message. */
int sink_write(struct sink *s, const void *buf, size_t len);

/* Copy exactly SIZE bytes from FD (read from where it stands), failing with
 * a message naming FROM when the file is shorter or longer than that. */
int sink_copy_fd(struct sink *s, int fd, const char *from, uint64_t size);

/* The digest of everything written, as lowercase hex; ends the hash. */
void sink_hex(struct sink *s, char hex[SHA256_HEX_SIZE]);

#endif
