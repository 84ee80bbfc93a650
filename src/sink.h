/* sink: where bytes go, counted, and hashed or written or both. */
#ifndef TINYIMG_SINK_H
#define TINYIMG_SINK_H

#include <stdint.h>

#include "progress.h"
#include "sha256.h"

enum {
	SINK_HASH = 1,  /* hash what passes */
	SINK_WRITE = 2, /* write it to the file descriptor */
};

/* The caller owns FD (opens and closes it); NAME is used only in messages. */
struct sink {
	int fd;
	const char *name;
	int mode;       /* SINK_HASH and/or SINK_WRITE */
	uint64_t bytes; /* passed so far */
	struct sha256 sha;
	struct progress *progress; /* told of every byte, or NULL */
	int no_copy_range; /* copy_file_range refused this output once */
};

/* Start a sink that writes to FD and hashes. */
void sink_init(struct sink *s, int fd, const char *name);

/* Start a sink with MODE: SINK_HASH alone counts and hashes, writing
 * nothing (FD unused); SINK_WRITE alone writes without hashing. */
void sink_init_mode(struct sink *s, int fd, const char *name, int mode);

/* Pass LEN bytes. 0, or -1 after a message. */
int sink_write(struct sink *s, const void *buf, size_t len);

/* Pass exactly SIZE bytes from FD (read from where it stands), failing
 * with a message naming FROM when the file is shorter or longer than that.
 * A sink that only writes copies inside the kernel (copy_file_range,
 * sendfile) where it can. */
int sink_copy_fd(struct sink *s, int fd, const char *from, uint64_t size);

/* Pass SIZE bytes of FD starting at OFFSET (a blob inside a tarball),
 * leaving FD's position alone. 0, or -1 after a message naming FROM. */
int sink_copy_range(struct sink *s, int fd, uint64_t offset, uint64_t size,
                    const char *from);

/* The digest of everything passed, as lowercase hex; ends the hash. */
void sink_hex(struct sink *s, char hex[SHA256_HEX_SIZE]);

#endif
