/* test_ref: image names by Docker's grammar, and their normal forms. */
#include <string.h>

#include "ref.h"
#include "unit.h"

static void good(const char *in, const char *familiar, const char *full,
                 const char *tag)
{
	struct ref r;
	const char *why = NULL;
	int ok = ref_parse(in, &r, &why) == 0 &&
	         strcmp(r.familiar, familiar) == 0 && strcmp(r.full, full) == 0 &&
	         strcmp(r.tag, tag) == 0;

	unit_check(ok, "ref '%s' is %s = %s", in, familiar, full);
	if (why == NULL)
		ref_free(&r);
}

static void bad(const char *in)
{
	struct ref r;
	const char *why = NULL;

	int refused = ref_parse(in, &r, &why) < 0 && why;

	unit_check(refused, "ref '%s' refused: %s", in, refused ? why : "no");
	if (!refused)
		ref_free(&r);
}

/* fits() checks that NAME parses and its full name is LEN long. */
static void fits(const char *name, size_t len)
{
	struct ref r;
	const char *why = NULL;
	int ok = ref_parse(name, &r, &why) == 0;

	unit_check(ok && strlen(r.full) == len + strlen(":latest"),
	           "a %zu-character name in full is accepted", len);
	if (ok)
		ref_free(&r);
}

/* long_names() checks Docker's 255-character limit on the name written
 * in full: docker.io/library/NAME for a bare NAME. */
static void long_names(void)
{
	char n[300];

	memset(n, 'a', sizeof n);
	n[237] = '\0'; /* 18 + 237 = 255 */
	fits(n, 255);
	n[237] = 'a', n[238] = '\0';
	bad(n);
	memset(n, 'a', sizeof n);
	memcpy(n, "me/", 3);
	n[245] = '\0'; /* docker.io/me/...: 10 + 245 = 255 */
	fits(n, 255);
	n[245] = 'a', n[246] = '\0';
	bad(n);
}

int main(void)
{
	good("hello", "hello:latest", "docker.io/library/hello:latest", "latest");
	good("hello:1.0", "hello:1.0", "docker.io/library/hello:1.0", "1.0");
	good("me/app:v2", "me/app:v2", "docker.io/me/app:v2", "v2");
	good("docker.io/library/x", "x:latest", "docker.io/library/x:latest",
	     "latest");
	good("docker.io/x", "x:latest", "docker.io/library/x:latest", "latest");
	good("localhost:5000/a/b:t", "localhost:5000/a/b:t",
	     "localhost:5000/a/b:t", "t");
	good("127.0.0.1:5000/hello", "127.0.0.1:5000/hello:latest",
	     "127.0.0.1:5000/hello:latest", "latest");
	good("a__b-c--d.e", "a__b-c--d.e:latest",
	     "docker.io/library/a__b-c--d.e:latest", "latest");
	good("index.docker.io/me/x:1", "me/x:1", "docker.io/me/x:1", "1");
	long_names();
	bad("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	bad("Hello");
	bad("hello world");
	bad("hello:");
	bad(":tag");
	bad("hello:-x");
	bad("a//b");
	bad("-a");
	bad("a.");
	bad("a___b");
	bad("hello@sha256:abc");
	bad("$(rm -rf x)");
	return unit_done();
}
