/* sha256: the SHA-256 hash (FIPS 180-4), incremental. */
#ifndef TINYIMG_SHA256_H
#define TINYIMG_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_SIZE 32
#define SHA256_HEX_SIZE 65 /* 64 hex digits and a NUL */

struct sha256 {
	uint32_t state[8];
	uint64_t length; /* bytes hashed so far */
	uint8_t block[64];
	size_t fill; /* bytes waiting in block */
};

/* Start a new hash. */
void sha256_init(struct sha256 *s);

/* Add LEN bytes to the hash; any split of a message gives the same result. */
void sha256_update(struct sha256 *s, const void *data, size_t len);

/* Finish and write the 32-byte digest; S must be re-initialised to reuse. */
void sha256_final(struct sha256 *s, uint8_t digest[SHA256_SIZE]);

/* Write DIGEST as 64 lowercase hex digits and a NUL. */
void sha256_hex(const uint8_t digest[SHA256_SIZE], char hex[SHA256_HEX_SIZE]);

/* One-shot: hash LEN bytes of DATA into lowercase hex. */
void sha256_hex_of(const void *data, size_t len, char hex[SHA256_HEX_SIZE]);

#endif
