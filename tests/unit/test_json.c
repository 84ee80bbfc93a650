/* test_json: escaping and comma placement of the streaming writer. */
#include <string.h>

#include "json.h"
#include "unit.h"

static void escapes(const char *name, const char *in, const char *want)
{
	struct json j;

	json_init(&j);
	json_string(&j, in);
	unit_check(strcmp(j.buf, want) == 0, "json escapes %s: %s", name, j.buf);
	json_free(&j);
}

static void document(void)
{
	struct json j;
	const char *want = "{\"a\":[1,\"x\",{}],\"b\":{\"c\":[]},\"d\":0}";

	json_init(&j);
	json_object_begin(&j);
	json_key(&j, "a");
	json_array_begin(&j);
	json_uint(&j, 1);
	json_string(&j, "x");
	json_object_begin(&j);
	json_object_end(&j);
	json_array_end(&j);
	json_key(&j, "b");
	json_object_begin(&j);
	json_key(&j, "c");
	json_array_begin(&j);
	json_array_end(&j);
	json_object_end(&j);
	json_key_uint(&j, "d", 0);
	json_object_end(&j);
	unit_check(strcmp(j.buf, want) == 0, "json nesting and commas: %s",
	           j.buf);
	json_free(&j);
}

int main(void)
{
	escapes("quotes", "say \"hi\"", "\"say \\\"hi\\\"\"");
	escapes("backslashes", "a\\b", "\"a\\\\b\"");
	escapes("newline and tab", "a\nb\tc", "\"a\\nb\\tc\"");
	escapes("control bytes", "\x01\x1f\x7f", "\"\\u0001\\u001f\x7f\"");
	escapes("utf-8 passes through", "gr\xc3\xbc\xc3\x9f", "\"gr\xc3\xbc\xc3\x9f\"");
	escapes("keys too", "", "\"\"");
	document();
	return unit_done();
}
