/* inflate: gzip (RFC 1952) around deflate (RFC 1951), streaming, bounded
 * memory (about 300 KiB per inflater, whatever the input says). */
#ifndef TINYIMG_INFLATE_H
#define TINYIMG_INFLATE_H

#include <stddef.h>
#include <stdint.h>

/* What inflate_feed and inflate_finish return. */
enum {
	INFLATE_ERROR = -1,  /* malformed or truncated input; see inflate_error */
	INFLATE_MORE = 0,    /* all input used, the stream goes on */
	INFLATE_END = 1,     /* the stream may end here (see inflate_feed) */
	INFLATE_STOPPED = 2, /* OUT returned nonzero */
};

/* The largest chunk handed to OUT. */
#define INFLATE_CHUNK 65536

struct inflate;

/* A new inflater for a gzip stream (GZIP=1: the RFC 1952 wrapper with
 * FEXTRA/FNAME/FCOMMENT/FHCRC, CRC-32 and ISIZE checked, concatenated members
 * accepted as gzip -dc does; anything after a member that is not another
 * member is an error) or a raw deflate stream (GZIP=0). Exits when memory is
 * out (util_xmalloc). The caller frees it with inflate_free. */
struct inflate *inflate_new(int gzip);

/* Release Z (NULL is allowed). */
void inflate_free(struct inflate *z);

/* Feed LEN bytes of compressed input; any split of a stream gives the same
 * output. Decompressed bytes go to OUT(CTX, buf, n) as they are produced, in
 * chunks of 1 to INFLATE_CHUNK bytes (BUF is only valid during the call);
 * everything this input yields (before an error: up to the error) has been
 * handed over when inflate_feed returns. Returns
 *   INFLATE_MORE     all input used, the stream is not finished;
 *   INFLATE_END      all input used, and the stream is complete here: a gzip
 *                    member ended exactly at the end of IN (more members
 *                    may still follow in later input), or the raw deflate
 *                    stream's last block ended (raw input after that is not
 *                    used: see inflate_total_in);
 *   INFLATE_ERROR    with inflate_error and inflate_error_offset set;
 *   INFLATE_STOPPED  OUT returned nonzero.
 * After INFLATE_ERROR or INFLATE_STOPPED every later call returns the same. */
int inflate_feed(struct inflate *z, const void *in, size_t len,
                 int (*out)(void *ctx, const void *buf, size_t n), void *ctx);

/* Call after the last input. Returns INFLATE_END, or INFLATE_ERROR
 * ("truncated ...") when the stream or the gzip trailer is incomplete (an
 * empty gzip input included), or what an earlier call failed with. OUT is
 * handed any output still pending (there is none after inflate_feed). */
int inflate_finish(struct inflate *z, int (*out)(void *, const void *, size_t),
                   void *ctx);

/* Why the inflater failed ("invalid distance too far back"), or NULL. */
const char *inflate_error(const struct inflate *z);

/* The offset in the compressed input of the byte where the error was found
 * (for a truncated stream: the input's length). */
uint64_t inflate_error_offset(const struct inflate *z);

/* Decompressed bytes handed to OUT so far. */
uint64_t inflate_total_out(const struct inflate *z);

/* Compressed bytes used so far (a raw stream's unused tail is not counted). */
uint64_t inflate_total_in(const struct inflate *z);

/* CRC-32 (IEEE 802.3, as gzip) of LEN bytes, continuing from CRC (start
 * with 0). */
uint32_t inflate_crc32(uint32_t crc, const void *buf, size_t len);

#endif
