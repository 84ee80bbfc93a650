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

size_t json_utf8_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i;
	unsigned cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp < 0xe000) || cp > 0x10ffff)
		return 0;
	return n;
}

int json_utf8_valid(const char *s)
{
	size_t n;

	for (; *s; s += n)
		if ((n = json_utf8_len(s)) == 0)
			return 0;
	return 1;
}

/* put_escaped() writes S as a quoted JSON string. */
static void put_escaped(struct json *j, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char esc[8];
	size_t n;

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
			} else if ((n = json_utf8_len((const char *)p)) == 0) {
				put(j, "\\ufffd", 6);
			} else {
				put(j, (const char *)p, n);
				p += n - 1;
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

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static int hex4(const char *p, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = p[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/* put_utf8() appends code point CP to OUT at *N as UTF-8. */
static void put_utf8(char *out, size_t *n, unsigned cp)
{
	if (cp < 0x80) {
		out[(*n)++] = (char)cp;
	} else if (cp < 0x800) {
		out[(*n)++] = (char)(0xc0 | cp >> 6);
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		out[(*n)++] = (char)(0xe0 | cp >> 12);
		out[(*n)++] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	} else {
		out[(*n)++] = (char)(0xf0 | cp >> 18);
		out[(*n)++] = (char)(0x80 | (cp >> 12 & 0x3f));
		out[(*n)++] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	}
}

/* unicode_escape() decodes \uXXXX (and a following low surrogate) at P,
 * which points after the 'u'; returns the end, or NULL when malformed. */
static const char *unicode_escape(const char *p, char *out, size_t *n)
{
	unsigned cp, lo;

	if (hex4(p, &cp) < 0)
		return NULL;
	p += 4;
	if (cp >= 0xdc00 && cp < 0xe000)
		return NULL;
	if (cp >= 0xd800 && cp < 0xdc00) {
		if (p[0] != '\\' || p[1] != 'u' || hex4(p + 2, &lo) < 0 ||
		    lo < 0xdc00 || lo >= 0xe000)
			return NULL;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		p += 6;
	}
	put_utf8(out, n, cp);
	return p;
}

/* parse_string() decodes the JSON string at P (at its opening quote) into a
 * heap string *OUT; returns the end, or NULL when malformed. */
static const char *parse_string(const char *p, char **out)
{
	char *s = util_xmalloc(strlen(p) * 2 + 1);
	size_t n = 0;

	for (p++; *p != '"'; p++) {
		if (*p == '\0' || (unsigned char)*p < 0x20)
			goto bad;
		if (*p != '\\') {
			s[n++] = *p;
			continue;
		}
		switch (*++p) {
		case '"': s[n++] = '"'; break;
		case '\\': s[n++] = '\\'; break;
		case '/': s[n++] = '/'; break;
		case 'b': s[n++] = '\b'; break;
		case 'f': s[n++] = '\f'; break;
		case 'n': s[n++] = '\n'; break;
		case 'r': s[n++] = '\r'; break;
		case 't': s[n++] = '\t'; break;
		case 'u':
			if (!(p = unicode_escape(p + 1, s, &n)) ||
			    memchr(s, '\0', n))
				goto bad;
			p--;
			break;
		default: goto bad;
		}
	}
	s[n] = '\0';
	*out = s;
	return p + 1;
bad:
	free(s);
	return NULL;
}

int json_parse_string_array(const char *text, void (*add)(void *, char *),
                            void *ctx, const char **why)
{
	const char *p = skip_space(text);
	char *s;

	*why = "expected a JSON array of strings, like [\"/app\",\"--flag\"]";
	if (*p++ != '[')
		return -1;
	p = skip_space(p);
	if (*p == ']')
		return *skip_space(p + 1) ? -1 : 0;
	for (;;) {
		if (*p != '"')
			return -1;
		if (!(p = parse_string(p, &s))) {
			*why = "malformed JSON string (bad escape or control "
			       "character)";
			return -1;
		}
		add(ctx, s);
		p = skip_space(p);
		if (*p == ']')
			break;
		if (*p++ != ',')
			return -1;
		p = skip_space(p);
	}
	if (*skip_space(p + 1) != '\0') {
		*why = "text after the closing ']'";
		return -1;
	}
	return 0;
}
