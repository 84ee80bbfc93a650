/* test_sha256: FIPS 180 vectors, and every split of a message. */
#include <string.h>

#include "sha256.h"
#include "unit.h"

static void vector(const char *name, const void *msg, size_t len,
                   const char *want)
{
	char hex[SHA256_HEX_SIZE];

	sha256_hex_of(msg, len, hex);
	unit_check(strcmp(hex, want) == 0, "sha256 FIPS 180 vector: %s", name);
}

static void million_a(void)
{
	static char chunk[1000];
	struct sha256 s;
	uint8_t d[SHA256_SIZE];
	char hex[SHA256_HEX_SIZE];
	int i;

	memset(chunk, 'a', sizeof chunk);
	sha256_init(&s);
	for (i = 0; i < 1000; i++)
		sha256_update(&s, chunk, sizeof chunk);
	sha256_final(&s, d);
	sha256_hex(d, hex);
	unit_check(strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a4"
	                       "97200e046d39ccc7112cd0") == 0,
	           "sha256 FIPS 180 vector: one million 'a'");
}

/* every_split() hashes a 300-byte message in two pieces at each split
 * point and compares with the one-shot digest. */
static void every_split(void)
{
	unsigned char msg[300];
	char whole[SHA256_HEX_SIZE], hex[SHA256_HEX_SIZE];
	uint8_t d[SHA256_SIZE];
	struct sha256 s;
	size_t i, bad = 0;

	for (i = 0; i < sizeof msg; i++)
		msg[i] = (unsigned char)(i * 7 + 3);
	sha256_hex_of(msg, sizeof msg, whole);
	for (i = 0; i <= sizeof msg; i++) {
		sha256_init(&s);
		sha256_update(&s, msg, i);
		sha256_update(&s, msg + i, sizeof msg - i);
		sha256_final(&s, d);
		sha256_hex(d, hex);
		if (strcmp(hex, whole) != 0)
			bad++;
	}
	unit_check(bad == 0, "sha256 two pieces equal one shot at all %zu "
	           "split points (%zu differ)", sizeof msg + 1, bad);
}

int main(void)
{
	vector("empty", "", 0,
	       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	vector("abc", "abc", 3,
	       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	vector("448-bit message",
	       "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	vector("896-bit message",
	       "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
	       "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", 112,
	       "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
	million_a();
	every_split();
	return unit_done();
}
