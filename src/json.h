/* json: a streaming JSON writer into a growing buffer, and a bounded,
 * linear-time parser of untrusted JSON text into a tree. */
#ifndef TINYIMG_JSON_H
#define TINYIMG_JSON_H

#include <stddef.h>
#include <stdint.h>

/* Arrays and objects nested deeper than this are refused by the parser. */
#define JSON_PARSE_DEPTH 64

/* The writer takes every document the parser accepts (one more slot for
 * the top level). */
#define JSON_MAX_DEPTH (JSON_PARSE_DEPTH + 1)

/* Commas and colons are placed by the writer: callers only say what comes
 * next. The buffer is owned by the struct; json_free releases it. */
struct json {
	char *buf;
	size_t len, cap;
	int depth;
	unsigned char first[JSON_MAX_DEPTH]; /* nothing written yet at level */
	int after_key;                       /* a key waits for its value */
};

void json_init(struct json *j);
void json_free(struct json *j);

void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);

/* Write an object key; the next call writes its value. */
void json_key(struct json *j, const char *key);

/* Write a key of LEN bytes that may hold NUL bytes. */
void json_key_len(struct json *j, const char *key, size_t len);

/* Write a string value, escaping '"', '\\' and every byte below 0x20;
 * bytes that are not UTF-8 become U+FFFD, so the output is always valid. */
void json_string(struct json *j, const char *s);

/* Write a string value of LEN bytes that may hold NUL bytes (\u0000). */
void json_string_len(struct json *j, const char *s, size_t len);

/* Write an unsigned integer value. */
void json_uint(struct json *j, uint64_t v);

/* Write a number given as its JSON literal (NUM must be one, such as a
 * parsed NUMBER's text: it is written as it is). */
void json_number(struct json *j, const char *num);

/* Write true or false (B nonzero or zero), or null. */
void json_bool(struct json *j, int b);

/* Write LEN bytes of TEXT, a whole JSON value already encoded (by this
 * writer: json_write_value), as the next value. */
void json_raw(struct json *j, const char *text, size_t len);
void json_null(struct json *j);

/* Shorthands for "key": value. */
void json_key_string(struct json *j, const char *key, const char *s);
void json_key_uint(struct json *j, const char *key, uint64_t v);


/* The length of the valid UTF-8 sequence at S (1 to 4), or 0 when S does
 * not start one (stray continuation byte, overlong form, surrogate, past
 * U+10FFFF, cut short). S must not point at its terminating NUL. */
size_t json_utf8_len(const char *s);

/* Is S, up to its NUL, entirely valid UTF-8? */
int json_utf8_valid(const char *s);

/* --- the parser -------------------------------------------------------- */

/* The parser takes any size: callers bound what they read. JSON_PARSE_MAX
 * is the bound suggested for image metadata (a manifest, an index, a
 * config): 4 MiB, the manifest size registries commonly accept. Parsing
 * LEN bytes allocates a copy of them (LEN + 1 bytes) and blocks of values
 * (each block at most twice the last); a value takes two bytes of text
 * (but a lone scalar or up to JSON_PARSE_DEPTH opening brackets), so the
 * whole stays under (sizeof(struct json_value) / 2 + 1) * LEN + 16 KiB:
 * 37 * LEN on 64-bit systems, 155 MB for 4 MiB of "[0,0,0,...]", some
 * 3 * LEN for real metadata (long strings). */
#define JSON_PARSE_MAX ((size_t)4 << 20)

enum json_kind { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY,
                 JSON_OBJECT };

/* One parsed value; all of it lives in (and dies with) its json_doc. */
struct json_value {
	enum json_kind kind;
	int b;            /* BOOL: 0 or 1 */
	size_t offset;    /* the byte offset in the text where it starts */
	const char *s;    /* STRING: decoded UTF-8, NUL-terminated (may hold
	                     U+0000: use len); NUMBER: the literal as written */
	size_t len;       /* bytes in s */
	const char *key;  /* an object member: its decoded key; else NULL */
	size_t keylen;
	size_t n;         /* ARRAY/OBJECT: number of children */
	struct json_value *first; /* ARRAY/OBJECT: children in document order */
	struct json_value *next;  /* the next sibling, or NULL */
};

struct json_block;

/* A parsed document: ROOT and the memory behind every value. */
struct json_doc {
	struct json_value *root;
	char *text;                /* strings and numbers, decoded in place */
	struct json_block *blocks; /* the values, in a few big blocks */
};

/* Where and why a text is not JSON; WHAT is a static string. */
struct json_error {
	size_t offset;
	const char *what;
};

/* Parse exactly LEN bytes of TEXT (no NUL needed; a NUL byte is an error)
 * as one JSON value (RFC 8259: whitespace around it allowed, nothing else
 * after it). Strings must be valid UTF-8, escapes valid (\u surrogates
 * paired), control bytes in strings are refused; numbers are kept as
 * text, whatever their size; duplicate keys are all kept. Arrays and
 * objects nest at most JSON_PARSE_DEPTH deep (no recursion). Time and
 * memory are linear in LEN (see JSON_PARSE_MAX). Returns 0 with DOC
 * filled, or -1 with DOC empty, ERR->what ("expected ',' or ']'",
 * "nesting deeper than 64", "invalid UTF-8 in string", ...) and
 * ERR->offset: the first byte that cannot be JSON there, or the start of
 * what is wrong (the '[' or '{' too deep, the opening quote of a string
 * never closed, the backslash of a bad escape, the first byte of a bad
 * UTF-8 sequence). json_doc_free(DOC) releases everything, and may be
 * called in both cases. */
int json_parse(const char *text, size_t len, struct json_doc *doc,
               struct json_error *err);
void json_doc_free(struct json_doc *doc);

/* The member KEY of object OBJ (the last one when a key repeats, as Go's
 * encoding/json decodes it), or NULL (also when OBJ is NULL or not an
 * object). KEY holds no NUL: a key with U+0000 never matches. */
const struct json_value *json_get(const struct json_value *obj,
                                  const char *key);

/* Store in *OUT the value V when it is a NUMBER written as a plain
 * non-negative integer (no sign, fraction, exponent or leading zero) of
 * at most 2^63-1: 0, else -1 (*OUT untouched). */
int json_as_uint64(const struct json_value *v, uint64_t *out);

/* The text of STRING value V, or NULL when V is NULL or not a string. */
const char *json_str(const struct json_value *v);

/* Write parsed value V, and all it holds, with writer J (keys, strings
 * and number literals as parsed, object members in document order). */
void json_write_value(struct json *j, const struct json_value *v);

/* Parse TEXT, a JSON array of strings ('["/hello","--loud"]'), calling
 * ADD(ctx, s) with each decoded string (a heap string ADD takes over),
 * only once the whole array is known good. 0, or -1 with *WHY (a static
 * string) saying what is malformed. Time is linear in the text. */
int json_parse_string_array(const char *text, void (*add)(void *, char *),
                            void *ctx, const char **why);
#endif
