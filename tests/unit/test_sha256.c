/* test_sha256: FIPS 180 vectors, every split of a message, and random
 * messages, for the portable code and for SHA-NI (when the CPU has it). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <string.h>

#include "sha256.h"
#include "unit.h"

static const char *impl_name(enum sha256_impl impl)
{
	return impl == SHA256_SHANI ? "shani" : "portable";
}

/* hex_with() hashes LEN bytes of MSG with IMPL into lowercase hex. */
static void hex_with(enum sha256_impl impl, const void *msg, size_t len,
                     char hex[SHA256_HEX_SIZE])
{
	struct sha256 s;
	uint8_t d[SHA256_SIZE];

	sha256_init_impl(&s, impl);
	sha256_update(&s, msg, len);
	sha256_final(&s, d);
	sha256_hex(d, hex);
}

static void vector(enum sha256_impl impl, const char *name, const void *msg,
                   size_t len, const char *want)
{
	char hex[SHA256_HEX_SIZE];

	hex_with(impl, msg, len, hex);
	unit_check(strcmp(hex, want) == 0, "sha256 %s FIPS 180 vector: %s",
	           impl_name(impl), name);
}

static void vectors(enum sha256_impl impl)
{
	vector(impl, "empty", "", 0,
	       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	vector(impl, "abc", "abc", 3,
	       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	vector(impl, "448-bit message",
	       "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	vector(impl, "896-bit message",
	       "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
	       "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", 112,
	       "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void million_a(enum sha256_impl impl)
{
	static char chunk[1000];
	struct sha256 s;
	uint8_t d[SHA256_SIZE];
	char hex[SHA256_HEX_SIZE];
	int i;

	memset(chunk, 'a', sizeof chunk);
	sha256_init_impl(&s, impl);
	for (i = 0; i < 1000; i++)
		sha256_update(&s, chunk, sizeof chunk);
	sha256_final(&s, d);
	sha256_hex(d, hex);
	unit_check(strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a4"
	                       "97200e046d39ccc7112cd0") == 0,
	           "sha256 %s FIPS 180 vector: one million 'a'",
	           impl_name(impl));
}

/* every_split() hashes a 300-byte message in two pieces at each split
 * point and compares with the one-shot digest. */
static void every_split(enum sha256_impl impl)
{
	unsigned char msg[300];
	char whole[SHA256_HEX_SIZE], hex[SHA256_HEX_SIZE];
	uint8_t d[SHA256_SIZE];
	struct sha256 s;
	size_t i, bad = 0;

	for (i = 0; i < sizeof msg; i++)
		msg[i] = (unsigned char)(i * 7 + 3);
	hex_with(impl, msg, sizeof msg, whole);
	for (i = 0; i <= sizeof msg; i++) {
		sha256_init_impl(&s, impl);
		sha256_update(&s, msg, i);
		sha256_update(&s, msg + i, sizeof msg - i);
		sha256_final(&s, d);
		sha256_hex(d, hex);
		if (strcmp(hex, whole) != 0)
			bad++;
	}
	unit_check(bad == 0, "sha256 %s two pieces equal one shot at all %zu "
	           "split points (%zu differ)", impl_name(impl),
	           sizeof msg + 1, bad);
}

/* next_random() is xorshift64: a fixed sequence, so failures repeat. */
static uint64_t next_random(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* cross_check() hashes random messages of 0..10000 bytes with the portable
 * code in one piece and with SHA-NI in random pieces; all must agree. */
static void cross_check(void)
{
	static unsigned char msg[10000];
	char want[SHA256_HEX_SIZE], hex[SHA256_HEX_SIZE];
	uint8_t d[SHA256_SIZE];
	uint64_t x = 0x9e3779b97f4a7c15;
	struct sha256 s;
	size_t i, len, at, piece, trials = 3000, bad = 0;

	for (i = 0; i < trials; i++) {
		len = next_random(&x) % (sizeof msg + 1);
		for (at = 0; at < len; at++)
			msg[at] = (unsigned char)next_random(&x);
		hex_with(SHA256_PORTABLE, msg, len, want);
		sha256_init_impl(&s, SHA256_SHANI);
		for (at = 0; at < len; at += piece) {
			piece = next_random(&x) % 1500 + 1;
			if (piece > len - at)
				piece = len - at;
			sha256_update(&s, msg + at, piece);
		}
		sha256_final(&s, d);
		sha256_hex(d, hex);
		if (strcmp(hex, want) != 0)
			bad++;
	}
	unit_check(bad == 0, "sha256 shani equals portable on %zu random "
	           "messages of 0..%zu bytes (%zu differ)", trials,
	           sizeof msg, bad);
}

/* chosen() is the code sha256_init() picks with TINYIMG_SHA256=VALUE
 * (unset when VALUE is NULL). */
static enum sha256_impl chosen(const char *value)
{
	struct sha256 s;

	if (value)
		setenv("TINYIMG_SHA256", value, 1);
	else
		unsetenv("TINYIMG_SHA256");
	sha256_init(&s);
	return s.impl;
}

/* choice() checks which code each way of starting a hash picks. */
static void choice(int have)
{
	enum sha256_impl best = have ? SHA256_SHANI : SHA256_PORTABLE;
	struct sha256 s;

	sha256_init_impl(&s, SHA256_PORTABLE);
	unit_check(s.impl == SHA256_PORTABLE, "sha256 PORTABLE gives portable");
	sha256_init_impl(&s, SHA256_SHANI);
	unit_check(s.impl == best, "sha256 SHANI gives %s", impl_name(best));
	sha256_init_impl(&s, SHA256_AUTO);
	unit_check(s.impl == best, "sha256 AUTO gives %s", impl_name(best));
	unit_check(chosen("portable") == SHA256_PORTABLE,
	           "sha256 TINYIMG_SHA256=portable gives portable");
	unit_check(chosen("shani") == best,
	           "sha256 TINYIMG_SHA256=shani gives %s", impl_name(best));
	unit_check(chosen("other") == best,
	           "sha256 TINYIMG_SHA256=other is ignored");
	unit_check(chosen(NULL) == best,
	           "sha256 without TINYIMG_SHA256 gives %s", impl_name(best));
}

/* no_shani() records, loudly, that the SHA-NI checks could not run. */
static void no_shani(void)
{
	const char *path = getenv("TINYIMG_RESULTS");
	const char *name = "sha256 shani checks (this CPU has no SHA-NI)";
	FILE *f;

	printf("SKIPPED %s: only the portable code was tested\n", name);
	if (path && (f = fopen(path, "a"))) {
		fprintf(f, "SKIP %s\n", name);
		fclose(f);
	}
}

int main(void)
{
	char hex[SHA256_HEX_SIZE];
	int have = sha256_have_shani();

	printf("sha256: this CPU %s SHA-NI\n", have ? "has" : "lacks");
	vectors(SHA256_PORTABLE);
	million_a(SHA256_PORTABLE);
	every_split(SHA256_PORTABLE);
	if (have) {
		vectors(SHA256_SHANI);
		million_a(SHA256_SHANI);
		every_split(SHA256_SHANI);
		cross_check();
	} else {
		no_shani();
	}
	choice(have);
	sha256_hex_of("abc", 3, hex);
	unit_check(strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a"
	                       "9cb410ff61f20015ad") == 0,
	           "sha256_hex_of: abc");
	return unit_done();
}
