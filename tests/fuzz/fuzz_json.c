/* fuzz_json: json_parse on any bytes returns 0 or -1 with an error inside
 * the text; an accepted tree is consistent with the text (kinds, offsets,
 * counts, strings valid UTF-8 and NUL-terminated), re-encodes to a text
 * that parses back to the same encoding, and json_parse_string_array
 * agrees with it. Any violation aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define need(cond) do { if (!(cond)) abort(); } while (0)

/* utf8_ok() is whether the LEN bytes at S are UTF-8 (NUL bytes allowed). */
static int utf8_ok(const char *s, size_t len)
{
	size_t i, n;

	for (i = 0; i < len; i += n) {
		n = s[i] ? json_utf8_len(s + i) : 1;
		if (n == 0 || n > len - i)
			return 0;
	}
	return s[len] == '\0';
}

/* first_byte() is what the text of a value of KIND may start with. */
static int first_byte(enum json_kind kind, int c)
{
	switch (kind) {
	case JSON_NULL: return c == 'n';
	case JSON_BOOL: return c == 't' || c == 'f';
	case JSON_NUMBER: return c == '-' || (c >= '0' && c <= '9');
	case JSON_STRING: return c == '"';
	case JSON_ARRAY: return c == '[';
	case JSON_OBJECT: return c == '{';
	}
	return 0;
}

/* check() checks V and what it holds against TEXT; DEPTH counts the
 * arrays and objects around V (the parser keeps it at most 64). */
static void check(const struct json_value *v, const uint8_t *text,
                  size_t size, int depth)
{
	const struct json_value *c;
	size_t n = 0;
	uint64_t u;

	need(v->offset < size && first_byte(v->kind, text[v->offset]));
	if (v->kind == JSON_STRING)
		need(utf8_ok(v->s, v->len) && json_str(v) == v->s);
	if (v->kind == JSON_NUMBER)
		need(v->len > 0 && v->s[v->len] == '\0' &&
		     memcmp(v->s, text + v->offset, v->len) == 0);
	if (json_as_uint64(v, &u) == 0)
		need(u <= INT64_MAX && strtoull(v->s, NULL, 10) == u);
	if (v->kind != JSON_ARRAY && v->kind != JSON_OBJECT) {
		need(v->n == 0 && v->first == NULL);
		return;
	}
	need(depth < JSON_PARSE_DEPTH);
	for (c = v->first; c; c = c->next, n++) {
		need(c->offset > v->offset);
		if (v->kind == JSON_OBJECT)
			need(c->key && utf8_ok(c->key, c->keylen));
		else
			need(c->key == NULL);
		check(c, text, size, depth + 1);
	}
	need(n == v->n);
	if (v->kind == JSON_OBJECT && v->first && !memchr(v->first->key, 0,
	                                                  v->first->keylen))
		need(json_get(v, v->first->key) != NULL);
}

/* reencoded() parses the writer's output of ROOT and re-encodes that:
 * the same bytes. */
static void reencoded(const struct json_value *root)
{
	struct json once, twice;
	struct json_doc doc;
	struct json_error err;

	json_init(&once);
	json_init(&twice);
	json_write_value(&once, root);
	need(json_parse(once.buf, once.len, &doc, &err) == 0);
	json_write_value(&twice, doc.root);
	need(once.len == twice.len &&
	     memcmp(once.buf, twice.buf, once.len) == 0);
	json_doc_free(&doc);
	json_free(&once);
	json_free(&twice);
}

static void count(void *ctx, char *s)
{
	++*(size_t *)ctx;
	free(s);
}

/* string_array() checks json_parse_string_array against the tree (or
 * refusal) of the same text, when it starts with '['. */
static void string_array(const uint8_t *data, size_t size,
                         const struct json_value *root)
{
	char *text;
	const char *why;
	const struct json_value *v;
	size_t n = 0;
	int want = root && root->kind == JSON_ARRAY;

	if (size == 0 || data[0] != '[' || memchr(data, '\0', size))
		return;
	for (v = root ? root->first : NULL; want && v; v = v->next)
		want = v->kind == JSON_STRING && !memchr(v->s, '\0', v->len);
	text = malloc(size + 1);
	need(text);
	memcpy(text, data, size);
	text[size] = '\0';
	if (json_parse_string_array(text, count, &n, &why) == 0)
		need(want && n == root->n);
	else
		need(!want && n == 0 && why);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_doc doc;
	struct json_error err = { 0, NULL };
	int rc = json_parse((const char *)data, size, &doc, &err);

	need(rc == 0 || rc == -1);
	if (rc < 0) {
		need(err.what && err.offset <= size && doc.root == NULL);
		string_array(data, size, NULL);
		return 0;
	}
	need(doc.root && doc.root->key == NULL);
	check(doc.root, data, size, 0);
	reencoded(doc.root);
	string_array(data, size, doc.root);
	json_doc_free(&doc);
	return 0;
}
