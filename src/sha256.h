/* sha256: the SHA-256 hash (FIPS 180-4), incremental. */
#ifndef TINYIMG_SHA256_H
#define TINYIMG_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_SIZE 32
#define SHA256_HEX_SIZE 65 /* 64 hex digits and a NUL */

/* Which code compresses the blocks; every choice gives the same digests. */
enum sha256_impl {
	SHA256_AUTO,     /* SHA-NI where the CPU has it, else portable */
	SHA256_PORTABLE, /* the portable C code, on every CPU */
	SHA256_SHANI,    /* the x86 SHA extensions; portable where absent */
};

struct sha256 {
	uint32_t state[8];
	uint64_t length; /* bytes hashed so far */
	uint8_t block[64];
	size_t fill; /* bytes waiting in block */
	enum sha256_impl impl; /* the code in use: never SHA256_AUTO */
};

/* Start a new hash with SHA256_AUTO, unless the environment variable
 * TINYIMG_SHA256 says "portable" (the C code) or "shani" (SHA-NI, which
 * falls back to the C code on a CPU without it); other values are ignored.
 * On x86 it runs CPUID (microseconds in a virtual machine). */
void sha256_init(struct sha256 *s);

/* Start a new hash with the code IMPL (the environment is not read):
 * SHA256_SHANI on a CPU without SHA-NI, or on a non-x86 build, gives
 * SHA256_PORTABLE; s->impl says which was chosen. */
void sha256_init_impl(struct sha256 *s, enum sha256_impl impl);

/* 1 when this CPU runs the SHA-NI code (SHA, SSE4.1, SSSE3), else 0. */
int sha256_have_shani(void);

/* Add LEN bytes to the hash; any split of a message gives the same result. */
void sha256_update(struct sha256 *s, const void *data, size_t len);

/* Finish and write the 32-byte digest; S must be re-initialised to reuse. */
void sha256_final(struct sha256 *s, uint8_t digest[SHA256_SIZE]);

/* Write DIGEST as 64 lowercase hex digits and a NUL. */
void sha256_hex(const uint8_t digest[SHA256_SIZE], char hex[SHA256_HEX_SIZE]);

/* One-shot: hash LEN bytes of DATA into lowercase hex. */
void sha256_hex_of(const void *data, size_t len, char hex[SHA256_HEX_SIZE]);

#endif
