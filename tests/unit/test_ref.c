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
