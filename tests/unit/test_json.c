/* test_json: escaping and comma placement of the streaming writer; the
 * parser's accepted and refused texts with exact error offsets, lookups,
 * round trips through the writer, depth and size bounds. With --canon,
 * parses stdin and prints it re-encoded (tests/t_json.sh uses that). */
#include <stdint.h>
#include <string.h>

#include "json.h"
#include "unit.h"
#include "util.h"

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

/* canon() parses the LEN bytes at TEXT and re-encodes them with the
 * writer into J (initialised here): 0, or -1 with ERR filled. */
static int canon(const char *text, size_t len, struct json *j,
                 struct json_error *err)
{
	struct json_doc doc;

	json_init(j);
	if (json_parse(text, len, &doc, err) < 0)
		return -1;
	json_write_value(j, doc.root);
	json_doc_free(&doc);
	return 0;
}

/* accepts() checks that the LEN bytes at TEXT parse, and re-encode as
 * WANT. */
static void accepts_len(const char *name, const char *text, size_t len,
                        const char *want)
{
	struct json j;
	struct json_error err = { 0, NULL };
	int ok = canon(text, len, &j, &err) == 0;

	unit_check(ok && j.buf && strcmp(j.buf, want) == 0,
	           "json accepts %s (%s%s)", name, ok ? "as " : err.what,
	           ok && j.buf ? j.buf : "");
	json_free(&j);
}

static void accepts(const char *name, const char *text, const char *want)
{
	accepts_len(name, text, strlen(text), want);
}

/* refuses() checks that the LEN bytes at TEXT fail at OFFSET for WHAT. */
static void refuses_len(const char *name, const char *text, size_t len,
                        size_t offset, const char *what)
{
	struct json_doc doc;
	struct json_error err = { 0, NULL };
	int rc = json_parse(text, len, &doc, &err);

	unit_check(rc == -1 && err.offset == offset && err.what &&
	           strcmp(err.what, what) == 0 && doc.root == NULL,
	           "json refuses %s at %zu: %s (got %d, %zu: %s)", name,
	           offset, what, rc, err.offset, err.what ? err.what : "-");
	json_doc_free(&doc);
}

static void refuses(const char *name, const char *text, size_t offset,
                    const char *what)
{
	refuses_len(name, text, strlen(text), offset, what);
}

/* JSONTestSuite-like y_ cases: NAME, TEXT, and TEXT re-encoded. */
static const struct acceptance {
	const char *name, *text, *want;
} acceptances[] = {
	{ "empty array", "[]", "[]" },
	{ "empty object", "{}", "{}" },
	{ "white space all around", " \t\r\n[ 1 ,\n{ \"a\" : [ ] } ]\r\n",
	  "[1,{\"a\":[]}]" },
	{ "a lone string", "\"x\"", "\"x\"" },
	{ "a lone number", "0", "0" },
	{ "literals", "[true,false,null]", "[true,false,null]" },
	{ "minus zero and exponents kept as written",
	  "[-0,-0.0e+1,1E-2,0.5,10e0]", "[-0,-0.0e+1,1E-2,0.5,10e0]" },
	{ "a huge exponent, as text", "[1e999999999999,-1E-9999]",
	  "[1e999999999999,-1E-9999]" },
	{ "a 40-digit integer, as text",
	  "1234567890123456789012345678901234567890",
	  "1234567890123456789012345678901234567890" },
	{ "every short escape", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
	  "\"\\\"\\\\/\\b\\f\\n\\r\\t\"" },
	{ "\\u escapes to UTF-8", "\"\\u0041\\u00e9\\u20AC\\uFFFF\"",
	  "\"A\xc3\xa9\xe2\x82\xac\xef\xbf\xbf\"" },
	{ "a surrogate pair", "\"\\ud83d\\ude00\\uDBFF\\uDFFF\"",
	  "\"\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\"" },
	{ "\\u0000 inside a string", "[\"a\\u0000b\"]", "[\"a\\u0000b\"]" },
	{ "raw UTF-8 at every length and edge",
	  "\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80"
	  "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"",
	  /* written back with the C1 control U+0080 escaped */
	  "\"\\u0080\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80"
	  "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"" },
	{ "an unescaped DEL (written back escaped)", "\"\x7f\"",
	  "\"\\u007f\"" },
	{ "C1 controls (written back escaped, CSI among them)",
	  "\"\xc2\x9b\xc2\x9f\xc2\xa0\"", "\"\\u009b\\u009f\xc2\xa0\"" },
	{ "U+2028 and U+2029 raw", "\"\xe2\x80\xa8\xe2\x80\xa9\"",
	  "\"\xe2\x80\xa8\xe2\x80\xa9\"" },
	{ "duplicate keys, all kept in order",
	  "{\"a\":1,\"b\":2,\"a\":3}", "{\"a\":1,\"b\":2,\"a\":3}" },
	{ "an empty key", "{\"\":0}", "{\"\":0}" },
	{ "a key with escapes", "{\"k\\u0000\\n\":0}", "{\"k\\u0000\\n\":0}" },
};

static void accepted(void)
{
	const struct acceptance *a;

	for (a = acceptances; a < acceptances + sizeof acceptances / sizeof *a;
	     a++)
		accepts(a->name, a->text, a->want);
}

/* JSONTestSuite-like n_ cases: NAME, TEXT of LEN bytes (0: up to its
 * NUL), refused at OFFSET for WHAT. */
static const struct refusal {
	const char *name, *text;
	size_t len, offset;
	const char *what;
} refusals[] = {
	{ "empty input", "", 0, 0, "expected a value" },
	{ "only white space", " \n ", 0, 3, "expected a value" },
	{ "a trailing comma in an array", "[1,]", 0, 3, "expected a value" },
	{ "a trailing comma in an object",
	  "{\"a\":1,}", 0, 7, "expected a string key" },
	{ "two commas", "[1,,2]", 0, 3, "expected a value" },
	{ "a leading comma", "[,1]", 0, 1, "expected a value" },
	{ "a missing comma", "[1 2]", 0, 3, "expected ',' or ']'" },
	{ "a missing colon", "{\"a\" 1}", 0, 5, "expected ':'" },
	{ "a missing comma in an object",
	  "{\"a\":1 \"b\":2}", 0, 7, "expected ',' or '}'" },
	{ "a number as key", "{1:2}", 0, 1, "expected a string key" },
	{ "a single-quoted key", "{'a':1}", 0, 1, "expected a string key" },
	{ "an unclosed array", "[1", 0, 2, "expected ',' or ']'" },
	{ "an unclosed object", "{\"a\":1", 0, 6, "expected ',' or '}'" },
	{ "an open bracket alone", "[", 0, 1, "expected a value" },
	{ "an open brace alone", "{", 0, 1, "expected a string key" },
	{ "a key without a value", "{\"a\":", 0, 5, "expected a value" },
	{ "a mismatched close", "[1}", 0, 2, "expected ',' or ']'" },
	{ "a leading zero", "[01]", 0, 2, "leading zero in number" },
	{ "a negative leading zero", "-01", 0, 2, "leading zero in number" },
	{ "two zeros", "00", 0, 1, "leading zero in number" },
	{ "a bare minus", "-", 0, 1, "invalid number" },
	{ "a minus and a space", "- 1", 0, 1, "invalid number" },
	{ "a plus sign", "+1", 0, 0, "expected a value" },
	{ "a leading dot", ".5", 0, 0, "expected a value" },
	{ "a trailing dot", "1.", 0, 2, "invalid number" },
	{ "a dot before the exponent", "1.e3", 0, 2, "invalid number" },
	{ "an empty exponent", "1e", 0, 2, "invalid number" },
	{ "an exponent with only a sign", "1e+", 0, 3, "invalid number" },
	{ "hexadecimal", "0x1", 0, 1, "text after the value" },
	{ "NaN", "NaN", 0, 0, "expected a value" },
	{ "Infinity", "[Infinity]", 0, 1, "expected a value" },
	{ "-Infinity", "-Infinity", 0, 1, "invalid number" },
	{ "a cut literal", "tru", 0, 3, "expected true, false or null" },
	{ "a misspelt literal",
	  "[nul1]", 0, 4, "expected true, false or null" },
	{ "a capital literal", "True", 0, 0, "expected a value" },
	{ "a literal too long", "nulll", 0, 4, "text after the value" },
	{ "a second value", "[1] [2]", 0, 4, "text after the value" },
	{ "an extra bracket", "[1]]", 0, 3, "text after the value" },
	{ "a UTF-8 byte order mark",
	  "\xef\xbb\xbf[]", 0, 0, "expected a value" },
	{ "an unterminated string", "[\"abc", 0, 1, "unterminated string" },
	{ "a raw tab in a string",
	  "[\"a\tb\"]", 0, 3, "control character in string" },
	{ "a raw newline in a string",
	  "\"a\nb\"", 0, 2, "control character in string" },
	{ "a raw 0x1f in a string",
	  "\"\x1f\"", 0, 1, "control character in string" },
	{ "an unknown escape", "[\"\\q\"]", 0, 2, "invalid escape in string" },
	{ "an escaped apostrophe",
	  "\"\\'\"", 0, 1, "invalid escape in string" },
	{ "a backslash at the end", "\"\\", 0, 1, "invalid escape in string" },
	{ "a short \\u escape",
	  "\"\\u12\"", 0, 1, "invalid \\u escape in string" },
	{ "a \\u escape with a non-hex digit",
	  "\"ab\\u12G4\"", 0, 3, "invalid \\u escape in string" },
	{ "a \\u escape cut by the end",
	  "\"\\u00", 0, 1, "invalid \\u escape in string" },
	{ "a lone high surrogate", "\"\\ud800\"", 0, 1, "unpaired surrogate" },
	{ "a lone low surrogate", "\"x\\uDC00\"", 0, 2, "unpaired surrogate" },
	{ "a high surrogate then a letter",
	  "\"\\ud800\\u0041\"", 0, 1, "unpaired surrogate" },
	{ "two high surrogates",
	  "\"ab\\ud800\\ud800\"", 0, 3, "unpaired surrogate" },
	{ "a high surrogate then U+E000",
	  "\"\\uD800\\uE000\"", 0, 1, "unpaired surrogate" },
	{ "a high surrogate then \\n",
	  "\"\\ud800\\n\"", 0, 1, "unpaired surrogate" },
	{ "a high surrogate at the end",
	  "\"\\ud800\\u", 0, 1, "unpaired surrogate" },
	{ "overlong '/' in 2 bytes",
	  "\"\xc0\xaf\"", 0, 1, "invalid UTF-8 in string" },
	{ "overlong '/' in 3 bytes",
	  "[\"\xe0\x80\xaf\"]", 0, 2, "invalid UTF-8 in string" },
	{ "overlong U+FFFF in 4 bytes",
	  "\"\xf0\x8f\xbf\xbf\"", 0, 1, "invalid UTF-8 in string" },
	{ "a surrogate encoded in UTF-8",
	  "\"a\xed\xa0\x80\"", 0, 2, "invalid UTF-8 in string" },
	{ "U+110000", "\"\xf4\x90\x80\x80\"", 0, 1, "invalid UTF-8 in string" },
	{ "a 0xf5 lead byte",
	  "\"\xf5\x80\x80\x80\"", 0, 1, "invalid UTF-8 in string" },
	{ "a sequence cut by the quote",
	  "\"\xe2\x82\"", 0, 1, "invalid UTF-8 in string" },
	{ "a sequence cut by the end",
	  "\"\xe2\x82", 0, 1, "invalid UTF-8 in string" },
	{ "a lone continuation byte",
	  "\"\x80\"", 0, 1, "invalid UTF-8 in string" },
	{ "0xff", "{\"\xff\":1}", 0, 2, "invalid UTF-8 in string" },
	{ "raw bytes outside strings", "[\xc3\xa9]", 0, 1, "expected a value" },
	{ "a NUL in a string", "\"a\0b\"", 5, 2, "NUL byte in text" },
	{ "a NUL between values", "[1,\0]", 5, 3, "NUL byte in text" },
	{ "a NUL after the value", "[1]\0", 4, 3, "NUL byte in text" },
	{ "a NUL as the text", "\0", 1, 0, "NUL byte in text" },
	{ "a text cut before its NUL", "[1]\0", 2, 2, "expected ',' or ']'" },
};

static void refused(void)
{
	const struct refusal *r;

	for (r = refusals; r < refusals + sizeof refusals / sizeof *r; r++)
		refuses_len(r->name, r->text, r->len ? r->len : strlen(r->text),
		            r->offset, r->what);
}

/* nest() is OPEN N times, INNER, then CLOSE N times. */
static char *nest(const char *open, const char *inner, const char *close,
                  size_t n)
{
	size_t lo = strlen(open), li = strlen(inner), lc = strlen(close);
	char *s = util_xmalloc(n * (lo + lc) + li + 1), *p = s;
	size_t i;

	for (i = 0; i < n; i++, p += lo)
		memcpy(p, open, lo);
	memcpy(p, inner, li);
	p += li;
	for (i = 0; i < n; i++, p += lc)
		memcpy(p, close, lc);
	*p = '\0';
	return s;
}

/* depth() checks that 64 levels parse and a 65th is refused at itself,
 * also far past it, and that the writer re-encodes the deepest. */
static void depth(void)
{
	char *s = nest("[", "", "]", 64);
	struct json_doc doc;
	struct json_error err;
	const struct json_value *v;
	size_t levels = 0;

	accepts("arrays nested 64 deep", s, s);
	if (json_parse(s, strlen(s), &doc, &err) == 0) {
		for (v = doc.root; v; v = v->first)
			levels++;
		json_doc_free(&doc);
	}
	unit_check(levels == 64, "json 64 levels are 64 values (%zu)", levels);
	free(s);
	s = nest("[", "", "]", 65);
	refuses("arrays nested 65 deep", s, 64, "nesting deeper than 64");
	free(s);
	s = nest("{\"a\":[", "1", "]}", 32);
	accepts("objects and arrays nested 64 deep", s, s);
	free(s);
	s = nest("{\"a\":[", "{}", "]}", 32);
	refuses("objects and arrays nested 65 deep", s, 32 * 6,
	        "nesting deeper than 64");
	free(s);
	s = util_xmalloc(200000);
	memset(s, '[', 200000);
	refuses_len("200,000 '[' (refused at the 65th)", s, 200000, 64,
	            "nesting deeper than 64");
	free(s);
}

/* tree() checks the values, offsets and keys of a parsed document. */
static void tree(void)
{
	const char *text = "{\"a\":[1,\"x\\n\",{}] , \"b\":true,\"a\":null,"
	                   "\"s\\u00e9\":\"\\u0000\"}";
	const struct json_value *a, *v;
	struct json_doc doc;
	struct json_error err;

	if (json_parse(text, strlen(text), &doc, &err) < 0) {
		unit_check(0, "json parses a sample document: %s", err.what);
		return;
	}
	v = doc.root;
	unit_check(v->kind == JSON_OBJECT && v->n == 4 && v->offset == 0 &&
	           v->key == NULL, "json the root is an object of 4");
	a = v->first;
	unit_check(a->kind == JSON_ARRAY && a->n == 3 && a->offset == 5 &&
	           a->keylen == 1 && strcmp(a->key, "a") == 0,
	           "json the first member is array \"a\" at 5");
	v = a->first;
	unit_check(v->kind == JSON_NUMBER && strcmp(v->s, "1") == 0 &&
	           v->len == 1 && v->offset == 6 && v->key == NULL,
	           "json its first item is the number 1 at 6");
	v = v->next;
	unit_check(v->kind == JSON_STRING && strcmp(v->s, "x\n") == 0 &&
	           v->len == 2 && v->offset == 8 && json_str(v) == v->s,
	           "json its second item is the string \"x\\n\" at 8");
	v = v->next;
	unit_check(v->kind == JSON_OBJECT && v->n == 0 && v->first == NULL &&
	           v->next == NULL && v->offset == 14,
	           "json its last item is an empty object at 14");
	v = json_get(doc.root, "b");
	unit_check(v && v->kind == JSON_BOOL && v->b == 1 && v->offset == 24,
	           "json_get \"b\" is true at 24");
	v = json_get(doc.root, "a");
	unit_check(v && v->kind == JSON_NULL && v->offset == 33,
	           "json_get a repeated key gives the last (null at 33)");
	v = json_get(doc.root, "s\xc3\xa9");
	unit_check(v && v->len == 1 && v->s[0] == '\0' && v->s[1] == '\0',
	           "json_get a key with an escape; \\u0000 is one byte");
	unit_check(!json_get(doc.root, "c") && !json_get(doc.root, "") &&
	           !json_get(NULL, "a") && !json_get(a, "a") &&
	           !json_get(a->first, "a"),
	           "json_get is NULL for missing keys and non-objects");
	unit_check(!json_str(NULL) && !json_str(a) && !json_str(a->first),
	           "json_str is NULL for NULL and non-strings");
	json_doc_free(&doc);
	json_doc_free(&doc);
	unit_check(doc.root == NULL && doc.text == NULL && doc.blocks == NULL,
	           "json_doc_free empties the doc and may be repeated");
}

/* as_uint() checks json_as_uint64 on the number (or value) TEXT. */
static void as_uint(const char *text, int ok, uint64_t want)
{
	struct json_doc doc;
	struct json_error err;
	uint64_t got = 7;
	int rc = -2;

	if (json_parse(text, strlen(text), &doc, &err) == 0) {
		rc = json_as_uint64(doc.root, &got);
		json_doc_free(&doc);
	}
	unit_check(ok ? rc == 0 && got == want : rc == -1 && got == 7,
	           "json_as_uint64 %s %s", ok ? "reads" : "refuses", text);
}

static void uints(void)
{
	uint64_t got = 7;

	as_uint("0", 1, 0);
	as_uint("42", 1, 42);
	as_uint("9223372036854775807", 1, INT64_MAX);
	as_uint("9223372036854775808", 0, 0);
	as_uint("18446744073709551615", 0, 0);
	as_uint("99999999999999999999", 0, 0);
	as_uint("-1", 0, 0);
	as_uint("-0", 0, 0);
	as_uint("1.0", 0, 0);
	as_uint("1e3", 0, 0);
	as_uint("\"1\"", 0, 0);
	as_uint("true", 0, 0);
	as_uint("[1]", 0, 0);
	unit_check(json_as_uint64(NULL, &got) == -1 && got == 7,
	           "json_as_uint64 refuses NULL");
	refuses("01 (not a number to read)", "01", 1, "leading zero in number");
}

/* round_trip() writes a document with the writer, parses it back and
 * checks the values and the re-encoding. */
static void round_trip(void)
{
	char all[128];
	struct json j, again;
	struct json_doc doc;
	struct json_error err;
	const struct json_value *v;
	uint64_t u = 0;
	int i, ok;

	for (i = 1; i < 128; i++)
		all[i - 1] = (char)i;
	all[127] = '\0';
	json_init(&j);
	json_object_begin(&j);
	json_key_string(&j, "ascii", all);
	json_key_string(&j, "utf8", "gr\xc3\xbc\xc3\x9f \xf0\x9f\x98\x80");
	json_key_uint(&j, "max", UINT64_MAX);
	json_key_uint(&j, "big", INT64_MAX);
	json_key(&j, "k\"\\\x01");
	json_array_begin(&j);
	json_string_len(&j, "\0x\0", 3);
	json_bool(&j, 0);
	json_null(&j);
	json_number(&j, "-1.5e-7");
	json_object_begin(&j);
	json_object_end(&j);
	json_array_end(&j);
	json_object_end(&j);
	ok = json_parse(j.buf, j.len, &doc, &err) == 0;
	unit_check(ok, "json parses what the writer wrote (%s)",
	           ok ? "ok" : err.what);
	if (!ok) {
		json_free(&j);
		return;
	}
	v = json_get(doc.root, "ascii");
	unit_check(v && v->len == 127 && memcmp(v->s, all, 128) == 0,
	           "json round trip: bytes 1 to 127");
	unit_check(strcmp(json_str(json_get(doc.root, "utf8")),
	                  "gr\xc3\xbc\xc3\x9f \xf0\x9f\x98\x80") == 0,
	           "json round trip: UTF-8");
	v = json_get(doc.root, "max");
	unit_check(v && strcmp(v->s, "18446744073709551615") == 0 &&
	           json_as_uint64(v, &u) == -1,
	           "json round trip: 2^64-1 as text, too big to read");
	unit_check(json_as_uint64(json_get(doc.root, "big"), &u) == 0 &&
	           u == INT64_MAX, "json round trip: 2^63-1");
	v = json_get(doc.root, "k\"\\\x01");
	unit_check(v && v->kind == JSON_ARRAY && v->n == 5 &&
	           v->first->len == 3 && memcmp(v->first->s, "\0x\0", 4) == 0 &&
	           v->first->next->kind == JSON_BOOL && !v->first->next->b,
	           "json round trip: an escaped key, NUL bytes, false");
	json_init(&again);
	json_write_value(&again, doc.root);
	unit_check(again.len == j.len && memcmp(again.buf, j.buf, j.len) == 0,
	           "json round trip: re-encoding gives the same bytes");
	json_free(&again);
	json_doc_free(&doc);
	json_free(&j);
}

/* replaced() checks that what the writer wrote for invalid UTF-8 parses
 * back as U+FFFD. */
static void replaced(void)
{
	const char *want = "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd";
	struct json_doc doc;
	struct json_error err;
	struct json j;
	int ok;

	json_init(&j);
	json_string(&j, "a\xff" "b\xc0\xaf");
	ok = json_parse(j.buf, j.len, &doc, &err) == 0;
	unit_check(ok && strcmp(doc.root->s, want) == 0,
	           "json round trip: invalid UTF-8 written as U+FFFD");
	if (ok)
		json_doc_free(&doc);
	json_free(&j);
}

/* collect() is an ADD callback counting strings and checking them. */
struct collected {
	size_t n, bad;
	char *first, *last;
};

static void collect(void *ctx, char *s)
{
	struct collected *c = ctx;

	if (c->n++ == 0)
		c->first = s;
	else if (c->last != c->first)
		free(c->last);
	c->last = s;
}

/* string_array() runs json_parse_string_array on TEXT: its return value,
 * with the strings in C (freed by the caller with collected_free). */
static int string_array(const char *text, struct collected *c,
                        const char **why)
{
	memset(c, 0, sizeof *c);
	*why = NULL;
	return json_parse_string_array(text, collect, c, why);
}

static void collected_free(struct collected *c)
{
	if (c->last != c->first)
		free(c->last);
	free(c->first);
}

static void array_refuses(const char *name, const char *text,
                          const char *want)
{
	struct collected c;
	const char *why;
	int rc = string_array(text, &c, &why);

	unit_check(rc == -1 && c.n == 0 && why && strcmp(why, want) == 0,
	           "json string array refuses %s: %s", name, why ? why : "-");
	collected_free(&c);
}

static void string_arrays(void)
{
	const char *not_strings = "expected a JSON array of strings, like "
	                          "[\"/app\",\"--flag\"]";
	const char *bad_string = "malformed JSON string (bad escape or "
	                         "control character)";
	char *nested = nest("[", "\"a\"", "]", 65);
	struct collected c;
	const char *why;
	int rc;

	rc = string_array(" [\"/hello\", \"a \\\"b\\\"\" ,\"\\u00e9\"] ", &c,
	                  &why);
	unit_check(rc == 0 && c.n == 3 && strcmp(c.first, "/hello") == 0 &&
	           strcmp(c.last, "\xc3\xa9") == 0,
	           "json string array: three decoded strings");
	collected_free(&c);
	rc = string_array("[]", &c, &why);
	unit_check(rc == 0 && c.n == 0, "json string array: empty");
	collected_free(&c);
	array_refuses("a missing item", "[\"/hello\",", not_strings);
	array_refuses("a number", "[1]", not_strings);
	array_refuses("a nested array", "[\"a\",[\"b\"]]", not_strings);
	array_refuses("an object", "{\"a\":1}", not_strings);
	array_refuses("a string", "\"a\"", not_strings);
	array_refuses("nothing", "", not_strings);
	array_refuses("65 levels", nested, not_strings);
	array_refuses("a bad escape", "[\"\\q\"]", bad_string);
	array_refuses("a raw tab", "[\"a\tb\"]", bad_string);
	array_refuses("a 0x01 byte", "[\"a\x01\"]", bad_string);
	array_refuses("an unterminated string", "[\"a",
	              "malformed JSON string (no closing quote)");
	array_refuses("0xff", "[\"\xff\"]",
	              "malformed JSON string (invalid UTF-8)");
	array_refuses("a lone low surrogate", "[\"\\udc00\"]",
	              "malformed JSON string (unpaired surrogate)");
	array_refuses("\\u0000", "[\"a\\u0000b\"]",
	              "malformed JSON string (\\u0000 cannot be part of an "
	              "argument)");
	array_refuses("text after it", "[\"a\"] x",
	              "text after the closing ']'");
	free(nested);
}

/* many_strings() feeds json_parse_string_array 640,000 strings: with a
 * quadratic parser this takes minutes, linear well under a second. */
static void many_strings(void)
{
	const size_t n = 640000;
	char *text = util_xmalloc(n * 9 + 16), *p = text;
	struct collected c;
	const char *why;
	size_t i;
	int rc;

	*p++ = '[';
	for (i = 0; i < n; i++)
		p += sprintf(p, "%s\"%06zu\"", i ? "," : "", i);
	*p++ = ']';
	*p = '\0';
	rc = string_array(text, &c, &why);
	unit_check(rc == 0 && c.n == n && strcmp(c.first, "000000") == 0 &&
	           strcmp(c.last, "639999") == 0,
	           "json string array of 640,000 strings (%zu read)", c.n);
	collected_free(&c);
	free(text);
}

/* canon_stdin() prints stdin re-encoded by the writer: 0, or 1 after
 * "OFFSET: WHAT" on stderr when it is not JSON. */
static int canon_stdin(void)
{
	size_t len = 0, cap = 1 << 16, got;
	char *text = util_xmalloc(cap);
	struct json j;
	struct json_error err;

	while ((got = fread(text + len, 1, cap - len, stdin)) > 0) {
		len += got;
		if (len == cap)
			text = util_xrealloc(text, cap *= 2);
	}
	if (canon(text, len, &j, &err) < 0) {
		fprintf(stderr, "%zu: %s\n", err.offset, err.what);
		free(text);
		return 1;
	}
	fwrite(j.buf, 1, j.len, stdout);
	json_free(&j);
	free(text);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--canon") == 0)
		return canon_stdin();
	escapes("quotes", "say \"hi\"", "\"say \\\"hi\\\"\"");
	escapes("backslashes", "a\\b", "\"a\\\\b\"");
	escapes("newline and tab", "a\nb\tc", "\"a\\nb\\tc\"");
	escapes("control bytes, DEL too", "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
	escapes("utf-8 passes through", "gr\xc3\xbc\xc3\x9f", "\"gr\xc3\xbc\xc3\x9f\"");
	escapes("keys too", "", "\"\"");
	document();
	accepted();
	refused();
	depth();
	tree();
	uints();
	round_trip();
	replaced();
	string_arrays();
	many_strings();
	return unit_done();
}
