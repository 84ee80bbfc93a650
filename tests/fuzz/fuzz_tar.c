/* fuzz_tar: the streaming tar reader on any bytes, fed in two pieces split
 * where the first byte says; it must stop with a verdict, never crash. */
#include <stdint.h>
#include <string.h>

#include "tarread.h"

static int on_member(void *ctx, const struct tarread_member *m)
{
	size_t *n = ctx;

	*n += m->name_len + m->link_len + strlen(m->name);
	return 0;
}

static int on_data(void *ctx, const void *buf, size_t len)
{
	size_t *n = ctx;

	*n += len + (len ? ((const uint8_t *)buf)[len - 1] : 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct tarread_ops ops = { on_member, on_data, NULL };
	struct tarread t;
	size_t seen = 0, split;
	int r;

	if (size == 0)
		return 0;
	split = data[0] * size / 256;
	tarread_init(&t, &ops, &seen);
	r = tarread_feed(&t, data + 1, split ? split - 1 : 0);
	if (r == 0)
		r = tarread_feed(&t, data + split + (split == 0),
		                 size - split - (split == 0));
	if (r == 0)
		tarread_finish(&t);
	tarread_free(&t);
	return 0;
}
