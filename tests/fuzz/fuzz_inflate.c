/* fuzz_inflate: any bytes inflate to a clean result, and fed in pieces to
 * the same result as fed at once. The first byte chooses gzip (bit 0) and
 * the piece size (the other bits: 1 to 128 bytes). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inflate.h"

/* What one run produced. */
struct run {
	uint64_t len;
	uint32_t crc;
	int result;
	const char *msg;
	uint64_t off;
};

/* take() is OUT: chunks must be 1 to INFLATE_CHUNK bytes. */
static int take(void *ctx, const void *buf, size_t n)
{
	struct run *r = ctx;

	if (n == 0 || n > INFLATE_CHUNK)
		abort();
	r->crc = inflate_crc32(r->crc, buf, n);
	r->len += n;
	return 0;
}

/* inflate_pieces() inflates DATA fed STEP bytes at a time. */
static void inflate_pieces(int gzip, const uint8_t *data, size_t size,
                           size_t step, struct run *r)
{
	struct inflate *z = inflate_new(gzip);
	size_t at = 0, k;

	memset(r, 0, sizeof *r);
	do {
		k = size - at < step ? size - at : step;
		r->result = inflate_feed(z, data + at, k, take, r);
		at += k;
	} while (at < size && r->result != INFLATE_ERROR);
	if (r->result != INFLATE_ERROR)
		r->result = inflate_finish(z, take, r);
	if (inflate_total_out(z) != r->len)
		abort();
	r->msg = inflate_error(z);
	r->off = inflate_error_offset(z);
	if ((r->result == INFLATE_ERROR) != (r->msg != NULL) ||
	    (r->msg && r->off > size))
		abort();
	inflate_free(z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run whole, pieces;
	int gzip;

	if (size == 0)
		return 0;
	gzip = data[0] & 1;
	inflate_pieces(gzip, data + 1, size - 1, size, &whole);
	inflate_pieces(gzip, data + 1, size - 1, 1 + (data[0] >> 1), &pieces);
	if (whole.len != pieces.len || whole.crc != pieces.crc ||
	    whole.result != pieces.result || whole.off != pieces.off ||
	    (whole.msg && strcmp(whole.msg, pieces.msg) != 0))
		abort();
	return 0;
}
