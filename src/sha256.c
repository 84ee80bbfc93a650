/* sha256: the SHA-256 hash (FIPS 180-4), incremental. */
#include "sha256.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define SHA256_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t load32_be(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void store32_be(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t ror(uint32_t x, int n)
{
	return x >> n | x << (32 - n);
}

/* compress_block() mixes one 64-byte block into the state. */
static void compress_block(uint32_t state[8], const uint8_t block[64])
{
	uint32_t w[64], a, b, c, d, e, f, g, h;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = load32_be(block + 4 * i);
	for (i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ w[i - 15] >> 3;
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ w[i - 2] >> 10;
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = state[0], b = state[1], c = state[2], d = state[3];
	e = state[4], f = state[5], g = state[6], h = state[7];
	for (i = 0; i < 64; i++) {
		uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) +
		              ((e & f) ^ (~e & g)) + K[i] + w[i];
		uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) +
		              ((a & b) ^ (a & c) ^ (b & c));
		h = g, g = f, f = e, e = d + t1;
		d = c, c = b, b = a, a = t1 + t2;
	}
	state[0] += a, state[1] += b, state[2] += c, state[3] += d;
	state[4] += e, state[5] += f, state[6] += g, state[7] += h;
}

/* compress_portable() mixes N consecutive 64-byte blocks into the state. */
static void compress_portable(uint32_t state[8], const uint8_t *p, size_t n)
{
	for (; n > 0; n--, p += 64)
		compress_block(state, p);
}

#ifdef SHA256_X86
#define SHANI __attribute__((target("sha,sse4.1")))

/* load_words() reads four big-endian words at P; BSWAP is the byte order. */
static inline SHANI __m128i load_words(const uint8_t *p, __m128i bswap)
{
	return _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)p), bswap);
}

/* next_words() is the message schedule on vectors: from W[t-16..t-13],
 * W[t-12..t-9], W[t-8..t-5] and W[t-4..t-1] it makes W[t..t+3]. */
static inline SHANI __m128i next_words(__m128i w16, __m128i w12, __m128i w8,
                                       __m128i w4)
{
	__m128i x = _mm_sha256msg1_epu32(w16, w12);

	x = _mm_add_epi32(x, _mm_alignr_epi8(w4, w8, 4)); /* + W[t-7..t-4] */
	return _mm_sha256msg2_epu32(x, w4);
}

/* rounds4() runs rounds 4*I to 4*I+3 with the message words W on the
 * state held as ABEF and CDGH (the order sha256rnds2 wants). */
static inline SHANI void rounds4(__m128i *abef, __m128i *cdgh, __m128i w,
                                 int i)
{
	__m128i k = _mm_loadu_si128((const __m128i *)(K + 4 * i));
	__m128i wk = _mm_add_epi32(w, k);

	*cdgh = _mm_sha256rnds2_epu32(*cdgh, *abef, wk);
	*abef = _mm_sha256rnds2_epu32(*abef, *cdgh,
	                              _mm_shuffle_epi32(wk, 0x0e));
}

/* compress_shani() is compress_portable() with the x86 SHA extensions; only
 * to be called when sha256_have_shani() says so. */
static SHANI void compress_shani(uint32_t state[8], const uint8_t *p,
                                 size_t n)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL,
	                                     0x0405060700010203LL);
	__m128i abef, cdgh, abef0, cdgh0, m0, m1, m2, m3, t;
	int i;

	/* state[] holds A..H; sha256rnds2 wants ABEF and CDGH */
	t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)state), 0xb1);
	cdgh = _mm_shuffle_epi32(
		_mm_loadu_si128((const __m128i *)(state + 4)), 0x1b);
	abef = _mm_alignr_epi8(t, cdgh, 8);
	cdgh = _mm_blend_epi16(cdgh, t, 0xf0);
	for (; n > 0; n--, p += 64) {
		abef0 = abef, cdgh0 = cdgh;
		m0 = load_words(p, bswap);
		m1 = load_words(p + 16, bswap);
		m2 = load_words(p + 32, bswap);
		m3 = load_words(p + 48, bswap);
		rounds4(&abef, &cdgh, m0, 0);
		rounds4(&abef, &cdgh, m1, 1);
		rounds4(&abef, &cdgh, m2, 2);
		rounds4(&abef, &cdgh, m3, 3);
		for (i = 4; i < 16; i += 4) {
			m0 = next_words(m0, m1, m2, m3);
			rounds4(&abef, &cdgh, m0, i);
			m1 = next_words(m1, m2, m3, m0);
			rounds4(&abef, &cdgh, m1, i + 1);
			m2 = next_words(m2, m3, m0, m1);
			rounds4(&abef, &cdgh, m2, i + 2);
			m3 = next_words(m3, m0, m1, m2);
			rounds4(&abef, &cdgh, m3, i + 3);
		}
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}
	/* and back to A..H */
	t = _mm_shuffle_epi32(abef, 0x1b);
	cdgh = _mm_shuffle_epi32(cdgh, 0xb1);
	_mm_storeu_si128((__m128i *)state, _mm_blend_epi16(t, cdgh, 0xf0));
	_mm_storeu_si128((__m128i *)(state + 4), _mm_alignr_epi8(cdgh, t, 8));
}
#endif

/* compress() mixes N consecutive 64-byte blocks with S's chosen code. */
static void compress(struct sha256 *s, const uint8_t *p, size_t n)
{
#ifdef SHA256_X86
	if (s->impl == SHA256_SHANI) {
		compress_shani(s->state, p, n);
		return;
	}
#endif
	compress_portable(s->state, p, n);
}

int sha256_have_shani(void)
{
#ifdef SHA256_X86
	unsigned int a, b, c, d;

	if (__get_cpuid_max(0, NULL) < 7)
		return 0;
	__cpuid(1, a, b, c, d);
	if (!(c & bit_SSSE3) || !(c & bit_SSE4_1))
		return 0;
	__cpuid_count(7, 0, a, b, c, d);
	return (b & bit_SHA) != 0;
#else
	return 0;
#endif
}

void sha256_init_impl(struct sha256 *s, enum sha256_impl impl)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(s->state, iv, sizeof iv);
	s->length = 0;
	s->fill = 0;
	s->impl = impl != SHA256_PORTABLE && sha256_have_shani() ?
	          SHA256_SHANI : SHA256_PORTABLE;
}

void sha256_init(struct sha256 *s)
{
	const char *force = getenv("TINYIMG_SHA256");

	if (force && strcmp(force, "portable") == 0)
		sha256_init_impl(s, SHA256_PORTABLE);
	else if (force && strcmp(force, "shani") == 0)
		sha256_init_impl(s, SHA256_SHANI);
	else
		sha256_init_impl(s, SHA256_AUTO);
}

void sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const uint8_t *p = data;

	s->length += len;
	if (s->fill > 0) {
		size_t take = 64 - s->fill < len ? 64 - s->fill : len;

		memcpy(s->block + s->fill, p, take);
		s->fill += take, p += take, len -= take;
		if (s->fill < 64)
			return;
		compress(s, s->block, 1);
		s->fill = 0;
	}
	if (len >= 64) {
		size_t n = len / 64;

		compress(s, p, n);
		p += n * 64, len -= n * 64;
	}
	memcpy(s->block, p, len);
	s->fill = len;
}

void sha256_final(struct sha256 *s, uint8_t digest[SHA256_SIZE])
{
	uint64_t bits = s->length * 8;
	int i;

	s->block[s->fill++] = 0x80;
	if (s->fill > 56) {
		memset(s->block + s->fill, 0, 64 - s->fill);
		compress(s, s->block, 1);
		s->fill = 0;
	}
	memset(s->block + s->fill, 0, 56 - s->fill);
	store32_be(s->block + 56, (uint32_t)(bits >> 32));
	store32_be(s->block + 60, (uint32_t)bits);
	compress(s, s->block, 1);
	for (i = 0; i < 8; i++)
		store32_be(digest + 4 * i, s->state[i]);
}

void sha256_hex(const uint8_t digest[SHA256_SIZE], char hex[SHA256_HEX_SIZE])
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < SHA256_SIZE; i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 15];
	}
	hex[64] = '\0';
}

void sha256_hex_of(const void *data, size_t len, char hex[SHA256_HEX_SIZE])
{
	struct sha256 s;
	uint8_t d[SHA256_SIZE];

	sha256_init(&s);
	sha256_update(&s, data, len);
	sha256_final(&s, d);
	sha256_hex(d, hex);
}
