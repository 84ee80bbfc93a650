/* json: a streaming JSON writer into a growing buffer (no tree). */
#ifndef TINYIMG_JSON_H
#define TINYIMG_JSON_H

#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 16

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

/* Write a string value, escaping '"', '\\' and every byte below 0x20;
 * bytes that are not UTF-8 become U+FFFD, so the output is always valid. */
void json_string(struct json *j, const char *s);

/* Write an unsigned integer value. */
void json_uint(struct json *j, uint64_t v);

/* Shorthands for "key": value. */
void json_key_string(struct json *j, const char *key, const char *s);
void json_key_uint(struct json *j, const char *key, uint64_t v);


/* The length of the valid UTF-8 sequence at S (1 to 4), or 0 when S does
 * not start one (stray continuation byte, overlong form, surrogate, past
 * U+10FFFF, cut short). S must not point at its terminating NUL. */
size_t json_utf8_len(const char *s);

/* Is S, up to its NUL, entirely valid UTF-8? */
int json_utf8_valid(const char *s);

/* Parse TEXT, a JSON array of strings ('["/hello","--loud"]'), calling
 * ADD(ctx, s) with each decoded string (a heap string ADD takes over).
 * 0, or -1 with *WHY saying what is malformed. */
int json_parse_string_array(const char *text, void (*add)(void *, char *),
                            void *ctx, const char **why);
#endif
