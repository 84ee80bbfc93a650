/* json: a streaming JSON writer into a growing buffer (no tree). */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void json_init(struct json *j)
{
	memset(j, 0, sizeof *j);
}

void json_free(struct json *j)
{
	free(j->buf);
	json_init(j);
}

static void put(struct json *j, const char *s, size_t n)
{
	if (j->len + n + 1 > j->cap) {
		j->cap = (j->len + n + 1) * 2;
		j->buf = util_xrealloc(j->buf, j->cap);
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

/* before_value() writes the comma that separates this item from the last. */
static void before_value(struct json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth > 0 && !j->first[j->depth])
		put(j, ",", 1);
	j->first[j->depth] = 0;
}

static void open_level(struct json *j, const char *c)
{
	before_value(j);
	put(j, c, 1);
	if (j->depth + 1 >= JSON_MAX_DEPTH)
		abort(); /* a programming error: our documents are shallow */
	j->first[++j->depth] = 1;
}

static void close_level(struct json *j, const char *c)
{
	j->depth--;
	put(j, c, 1);
}

void json_object_begin(struct json *j) { open_level(j, "{"); }
void json_object_end(struct json *j) { close_level(j, "}"); }
void json_array_begin(struct json *j) { open_level(j, "["); }
void json_array_end(struct json *j) { close_level(j, "]"); }

/* put_escaped() writes S as a quoted JSON string. */
static void put_escaped(struct json *j, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char esc[8];

	put(j, "\"", 1);
	for (; *p; p++) {
		switch (*p) {
		case '"': put(j, "\\\"", 2); break;
		case '\\': put(j, "\\\\", 2); break;
		case '\b': put(j, "\\b", 2); break;
		case '\f': put(j, "\\f", 2); break;
		case '\n': put(j, "\\n", 2); break;
		case '\r': put(j, "\\r", 2); break;
		case '\t': put(j, "\\t", 2); break;
		default:
			if (*p < 0x20) {
				snprintf(esc, sizeof esc, "\\u%04x", *p);
				put(j, esc, 6);
			} else {
				put(j, (const char *)p, 1);
			}
		}
	}
	put(j, "\"", 1);
}

void json_key(struct json *j, const char *key)
{
	before_value(j);
	put_escaped(j, key);
	put(j, ":", 1);
	j->after_key = 1;
}

void json_string(struct json *j, const char *s)
{
	before_value(j);
	put_escaped(j, s);
}

void json_uint(struct json *j, uint64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof num, "%llu", (unsigned long long)v);

	before_value(j);
	put(j, num, (size_t)n);
}

void json_key_string(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_string(j, s);
}

void json_key_uint(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_uint(j, v);
}
