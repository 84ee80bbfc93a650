/* json: a streaming JSON writer into a growing buffer, and a bounded,
 * linear-time parser of untrusted JSON text into a tree. */
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

/* utf8_seq() is the length of the valid UTF-8 sequence at P, of which at
 * most AVAIL bytes may be read (1 to 4), or 0 when P does not start one.
 * It stops reading at the first byte that is not a continuation. */
static size_t utf8_seq(const unsigned char *p, size_t avail)
{
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
		if (i == avail || (p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp < 0xe000) || cp > 0x10ffff)
		return 0;
	return n;
}

size_t json_utf8_len(const char *s)
{
	/* The NUL ends any sequence before a read past it. */
	return utf8_seq((const unsigned char *)s, 4);
}

int json_utf8_valid(const char *s)
{
	size_t n;

	for (; *s; s += n)
		if ((n = json_utf8_len(s)) == 0)
			return 0;
	return 1;
}

/* put_escaped() writes the LEN bytes at S as a quoted JSON string. */
static void put_escaped(struct json *j, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + len;
	char esc[8];
	size_t n;

	put(j, "\"", 1);
	for (; p < end; p++) {
		switch (*p) {
		case '"': put(j, "\\\"", 2); break;
		case '\\': put(j, "\\\\", 2); break;
		case '\b': put(j, "\\b", 2); break;
		case '\f': put(j, "\\f", 2); break;
		case '\n': put(j, "\\n", 2); break;
		case '\r': put(j, "\\r", 2); break;
		case '\t': put(j, "\\t", 2); break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				snprintf(esc, sizeof esc, "\\u%04x", *p);
				put(j, esc, 6);
			} else if (*p == 0xc2 && p + 1 < end && p[1] >= 0x80 &&
			           p[1] <= 0x9f) {
				/* C1 controls (CSI is U+009B): escaped, so
				 * that no terminal acts on them. */
				snprintf(esc, sizeof esc, "\\u%04x", p[1]);
				put(j, esc, 6);
				p++;
			} else if ((n = utf8_seq(p, (size_t)(end - p))) == 0) {
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
	json_key_len(j, key, strlen(key));
}

void json_key_len(struct json *j, const char *key, size_t len)
{
	before_value(j);
	put_escaped(j, key, len);
	put(j, ":", 1);
	j->after_key = 1;
}

void json_string(struct json *j, const char *s)
{
	json_string_len(j, s, strlen(s));
}

void json_string_len(struct json *j, const char *s, size_t len)
{
	before_value(j);
	put_escaped(j, s, len);
}

void json_uint(struct json *j, uint64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof num, "%llu", (unsigned long long)v);

	before_value(j);
	put(j, num, (size_t)n);
}

void json_number(struct json *j, const char *num)
{
	before_value(j);
	put(j, num, strlen(num));
}

void json_raw(struct json *j, const char *text, size_t len)
{
	before_value(j);
	put(j, text, len);
}

void json_bool(struct json *j, int b)
{
	before_value(j);
	put(j, b ? "true" : "false", b ? 4 : 5);
}

void json_null(struct json *j)
{
	before_value(j);
	put(j, "null", 4);
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


/* --- the parser ---------------------------------------------------------- */

/* Why a text is not JSON (also compared by address below). */
static const char e_value[] = "expected a value";
static const char e_comma_bracket[] = "expected ',' or ']'";
static const char e_comma_brace[] = "expected ',' or '}'";
static const char e_key[] = "expected a string key";
static const char e_colon[] = "expected ':'";
static const char e_after[] = "text after the value";
static const char e_deep[] = "nesting deeper than 64";
static const char e_literal[] = "expected true, false or null";
static const char e_number[] = "invalid number";
static const char e_zero[] = "leading zero in number";
static const char e_unterminated[] = "unterminated string";
static const char e_control[] = "control character in string";
static const char e_utf8[] = "invalid UTF-8 in string";
static const char e_escape[] = "invalid escape in string";
static const char e_uescape[] = "invalid \\u escape in string";
static const char e_surrogate[] = "unpaired surrogate";
static const char e_nul[] = "NUL byte in text";
static const char e_size[] = "text too large";

/* Values are allocated in blocks, each at most twice the last. */
struct json_block {
	struct json_block *next; /* the block allocated before */
	size_t used, cap;
	struct json_value v[];
};

/* An array or object being parsed. */
struct json_level {
	struct json_value *v;
	struct json_value *last; /* its last child so far, or NULL */
};

/* The parser's state: IN[POS] is the next byte to read; OUT (the
 * doc's text) receives decoded strings and numbers at their offsets. */
struct json_parser {
	const unsigned char *in;
	size_t len, pos;
	char *out;
	struct json_doc *doc;
	struct json_error *err;
	const char *key;        /* the key read for the next member */
	size_t keylen;
	size_t depth;           /* open arrays and objects */
	struct json_level stack[JSON_PARSE_DEPTH];
};

/* What the parser does next. */
enum json_step { STEP_FAILED, STEP_VALUE, STEP_OPENED, STEP_ENDED, STEP_DONE };

/* fail() records error WHAT at byte OFFSET (a NUL there is named as such)
 * and returns STEP_FAILED. */
static enum json_step fail(struct json_parser *p, size_t offset,
                           const char *what)
{
	if (offset < p->len && p->in[offset] == '\0')
		what = e_nul;
	p->err->offset = offset;
	p->err->what = what;
	return STEP_FAILED;
}

static void skip_space(struct json_parser *p)
{
	while (p->pos < p->len && (p->in[p->pos] == ' ' ||
	       p->in[p->pos] == '\t' || p->in[p->pos] == '\n' ||
	       p->in[p->pos] == '\r'))
		p->pos++;
}

/* peek() is the byte at POS, or -1 at the end of the text. */
static int peek(const struct json_parser *p)
{
	return p->pos < p->len ? p->in[p->pos] : -1;
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* new_block() adds a block for at least one more value: twice the last
 * one, but no more than the values that can still start after POS (each
 * takes two bytes, but for up to JSON_PARSE_DEPTH opening brackets). */
static struct json_block *new_block(struct json_parser *p)
{
	struct json_block *b, *last = p->doc->blocks;
	size_t cap = last ? last->cap * 2 : 64;
	size_t most = (p->len - p->pos) / 2 + JSON_PARSE_DEPTH + 2;
	size_t fits = (SIZE_MAX - sizeof *b) / sizeof b->v[0];

	if (cap > most)
		cap = most;
	if (cap > fits)
		cap = fits;
	b = util_xmalloc(sizeof *b + cap * sizeof b->v[0]);
	b->next = last;
	b->used = 0;
	b->cap = cap;
	p->doc->blocks = b;
	return b;
}

/* new_value() makes a value of KIND starting at POS, the next child of
 * the innermost open array or object (with the pending key), or the
 * root. */
static struct json_value *new_value(struct json_parser *p,
                                    enum json_kind kind)
{
	struct json_block *b = p->doc->blocks;
	struct json_value *v;
	struct json_level *l;

	if (!b || b->used == b->cap)
		b = new_block(p);
	v = &b->v[b->used++];
	memset(v, 0, sizeof *v);
	v->kind = kind;
	v->offset = p->pos;
	if (p->depth == 0) {
		p->doc->root = v;
		return v;
	}
	l = &p->stack[p->depth - 1];
	if (l->last)
		l->last->next = v;
	else
		l->v->first = v;
	l->last = v;
	l->v->n++;
	if (l->v->kind == JSON_OBJECT) {
		v->key = p->key;
		v->keylen = p->keylen;
	}
	return v;
}

/* hex4() reads the 4 hex digits at IN[AT] into *CP: 0, or -1. */
static int hex4(const struct json_parser *p, size_t at, unsigned *cp)
{
	size_t i;

	if (p->len - at < 4)
		return -1;
	*cp = 0;
	for (i = at; i < at + 4; i++) {
		int c = p->in[i];

		*cp <<= 4;
		if (is_digit(c))
			*cp |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*cp |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*cp |= (unsigned)(c - 'A' + 10);
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

/* unicode_escape() decodes the \uXXXX at IN[AT] (with the low surrogate
 * after a high one) to OUT at *W; *R becomes its end. */
static enum json_step unicode_escape(struct json_parser *p, size_t at,
                                     size_t *r, size_t *w)
{
	unsigned cp, lo;

	if (hex4(p, at + 2, &cp) < 0)
		return fail(p, at, e_uescape);
	*r = at + 6;
	if (cp >= 0xdc00 && cp < 0xe000)
		return fail(p, at, e_surrogate);
	if (cp >= 0xd800 && cp < 0xdc00) {
		if (p->len - *r < 2 || p->in[*r] != '\\' ||
		    p->in[*r + 1] != 'u' || hex4(p, *r + 2, &lo) < 0 ||
		    lo < 0xdc00 || lo >= 0xe000)
			return fail(p, at, e_surrogate);
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		*r += 6;
	}
	put_utf8(p->out, w, cp);
	return STEP_VALUE;
}

/* escape() decodes the escape at IN[*R] (its backslash) to OUT at *W and
 * moves *R past it. A decoded escape is never longer than its text. */
static enum json_step escape(struct json_parser *p, size_t *r, size_t *w)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	size_t at = *r;
	const char *c;

	if (p->len - at < 2)
		return fail(p, at, e_escape);
	if (p->in[at + 1] == 'u')
		return unicode_escape(p, at, r, w);
	if (p->in[at + 1] == '\0' || !(c = strchr(from, p->in[at + 1])))
		return fail(p, at, e_escape);
	p->out[(*w)++] = to[c - from];
	*r = at + 2;
	return STEP_VALUE;
}

/* parse_string() decodes the string at POS (its opening quote) into OUT,
 * NUL-terminated in place of its closing quote or before, and sets *S
 * and *N to it; POS moves past it. */
static enum json_step parse_string(struct json_parser *p, const char **s,
                                   size_t *n)
{
	size_t start = p->pos, r = start + 1, w = r, k;

	for (;;) {
		unsigned char c;

		if (r == p->len)
			return fail(p, start, e_unterminated);
		c = p->in[r];
		if (c == '"')
			break;
		if (c < 0x20)
			return fail(p, r, e_control);
		if (c == '\\') {
			if (escape(p, &r, &w) == STEP_FAILED)
				return STEP_FAILED;
			continue;
		}
		if (c < 0x80) {
			p->out[w++] = (char)c;
			r++;
			continue;
		}
		if ((k = utf8_seq(p->in + r, p->len - r)) == 0)
			return fail(p, r, e_utf8);
		memcpy(p->out + w, p->in + r, k);
		w += k;
		r += k;
	}
	p->out[w] = '\0';
	*s = p->out + start + 1;
	*n = w - start - 1;
	p->pos = r + 1;
	return STEP_ENDED;
}

/* digits() moves past the digits at I, of which there must be one. */
static enum json_step digits(struct json_parser *p, size_t *i)
{
	if (*i == p->len || !is_digit(p->in[*i]))
		return fail(p, *i, e_number);
	while (*i < p->len && is_digit(p->in[*i]))
		(*i)++;
	return STEP_ENDED;
}

/* parse_number() checks the number at POS against RFC 8259's grammar
 * and keeps its text, NUL-terminated, in V; POS moves past it. */
static enum json_step parse_number(struct json_parser *p,
                                   struct json_value *v)
{
	size_t start = p->pos, i = start;

	if (p->in[i] == '-')
		i++;
	if (i + 1 < p->len && p->in[i] == '0' && is_digit(p->in[i + 1]))
		return fail(p, i + 1, e_zero);
	if (digits(p, &i) == STEP_FAILED)
		return STEP_FAILED;
	if (i < p->len && p->in[i] == '.') {
		i++;
		if (digits(p, &i) == STEP_FAILED)
			return STEP_FAILED;
	}
	if (i < p->len && (p->in[i] == 'e' || p->in[i] == 'E')) {
		i++;
		if (i < p->len && (p->in[i] == '+' || p->in[i] == '-'))
			i++;
		if (digits(p, &i) == STEP_FAILED)
			return STEP_FAILED;
	}
	/* OUT[I] is the byte after the number: not part of any string. */
	memcpy(p->out + start, p->in + start, i - start);
	p->out[i] = '\0';
	v->s = p->out + start;
	v->len = i - start;
	p->pos = i;
	return STEP_ENDED;
}

/* parse_word() reads WORD (true, false or null) at POS. */
static enum json_step parse_word(struct json_parser *p, const char *word)
{
	for (; *word; word++, p->pos++)
		if (peek(p) != *word)
			return fail(p, p->pos, e_literal);
	return STEP_ENDED;
}

/* open_value() opens an array or object of KIND at POS. */
static enum json_step open_value(struct json_parser *p, enum json_kind kind)
{
	struct json_level *l;

	if (p->depth == JSON_PARSE_DEPTH)
		return fail(p, p->pos, e_deep);
	l = &p->stack[p->depth];
	l->v = new_value(p, kind);
	l->last = NULL;
	p->depth++;
	p->pos++;
	return STEP_OPENED;
}

/* value() reads the value at POS (after any white space): a scalar
 * (STEP_ENDED) or the opening of an array or object (STEP_OPENED). */
static enum json_step value(struct json_parser *p)
{
	struct json_value *v;
	int c;

	skip_space(p);
	c = peek(p);
	switch (c) {
	case '[':
		return open_value(p, JSON_ARRAY);
	case '{':
		return open_value(p, JSON_OBJECT);
	case '"':
		v = new_value(p, JSON_STRING);
		return parse_string(p, &v->s, &v->len);
	case 't':
	case 'f':
		v = new_value(p, JSON_BOOL);
		v->b = c == 't';
		return parse_word(p, v->b ? "true" : "false");
	case 'n':
		new_value(p, JSON_NULL);
		return parse_word(p, "null");
	}
	if (c == '-' || is_digit(c))
		return parse_number(p, new_value(p, JSON_NUMBER));
	return fail(p, p->pos, e_value);
}

/* member_key() reads an object member's key and its ':' at POS. */
static enum json_step member_key(struct json_parser *p)
{
	skip_space(p);
	if (peek(p) != '"')
		return fail(p, p->pos, e_key);
	if (parse_string(p, &p->key, &p->keylen) == STEP_FAILED)
		return STEP_FAILED;
	skip_space(p);
	if (peek(p) != ':')
		return fail(p, p->pos, e_colon);
	p->pos++;
	return STEP_VALUE;
}

/* close_or_next() follows a value, or an opening bracket when FIRST:
 * the innermost array or object closes, or its next item starts, or the
 * text ends after the root. */
static enum json_step close_or_next(struct json_parser *p, int first)
{
	struct json_level *l;
	int obj;

	skip_space(p);
	if (p->depth == 0)
		return p->pos == p->len ? STEP_DONE : fail(p, p->pos, e_after);
	l = &p->stack[p->depth - 1];
	obj = l->v->kind == JSON_OBJECT;
	if (peek(p) == (obj ? '}' : ']')) {
		p->pos++;
		p->depth--;
		return STEP_ENDED;
	}
	if (!first) {
		if (peek(p) != ',')
			return fail(p, p->pos,
			            obj ? e_comma_brace : e_comma_bracket);
		p->pos++;
	}
	return obj ? member_key(p) : STEP_VALUE;
}

int json_parse(const char *text, size_t len, struct json_doc *doc,
               struct json_error *err)
{
	struct json_parser p;
	enum json_step step = STEP_VALUE;

	memset(doc, 0, sizeof *doc);
	memset(&p, 0, sizeof p);
	p.in = (const unsigned char *)text;
	p.len = len;
	p.doc = doc;
	p.err = err;
	if (len == SIZE_MAX) {
		fail(&p, 0, e_size);
		return -1;
	}
	doc->text = p.out = util_xmalloc(len + 1);
	while (step != STEP_DONE && step != STEP_FAILED) {
		if (step == STEP_VALUE)
			step = value(&p);
		else
			step = close_or_next(&p, step == STEP_OPENED);
	}
	if (step == STEP_FAILED) {
		json_doc_free(doc);
		return -1;
	}
	return 0;
}

void json_doc_free(struct json_doc *doc)
{
	struct json_block *b, *next;

	for (b = doc->blocks; b; b = next) {
		next = b->next;
		free(b);
	}
	free(doc->text);
	memset(doc, 0, sizeof *doc);
}

const struct json_value *json_get(const struct json_value *obj,
                                  const char *key)
{
	const struct json_value *v, *found = NULL;
	size_t n;

	if (!obj || obj->kind != JSON_OBJECT)
		return NULL;
	n = strlen(key);
	for (v = obj->first; v; v = v->next)
		if (v->keylen == n && memcmp(v->key, key, n) == 0)
			found = v;
	return found;
}

int json_as_uint64(const struct json_value *v, uint64_t *out)
{
	uint64_t x = 0;
	size_t i;

	/* 19 digits cannot overflow: 10^19 - 1 < 2^64. */
	if (!v || v->kind != JSON_NUMBER || v->len == 0 || v->len > 19 ||
	    (v->s[0] == '0' && v->len > 1))
		return -1;
	for (i = 0; i < v->len; i++) {
		if (!is_digit(v->s[i]))
			return -1;
		x = x * 10 + (uint64_t)(v->s[i] - '0');
	}
	if (x > INT64_MAX)
		return -1;
	*out = x;
	return 0;
}

const char *json_str(const struct json_value *v)
{
	return v && v->kind == JSON_STRING ? v->s : NULL;
}

/* write_close() closes array or object V. */
static void write_close(struct json *j, const struct json_value *v)
{
	if (v->kind == JSON_OBJECT)
		json_object_end(j);
	else
		json_array_end(j);
}

/* write_open() writes V, or opens it when it is an array or object with
 * children: 1 then, else 0. */
static int write_open(struct json *j, const struct json_value *v)
{
	switch (v->kind) {
	case JSON_NULL: json_null(j); break;
	case JSON_BOOL: json_bool(j, v->b); break;
	case JSON_NUMBER: json_number(j, v->s); break;
	case JSON_STRING: json_string_len(j, v->s, v->len); break;
	case JSON_ARRAY:
	case JSON_OBJECT:
		if (v->kind == JSON_OBJECT)
			json_object_begin(j);
		else
			json_array_begin(j);
		if (v->first)
			return 1;
		write_close(j, v);
		break;
	}
	return 0;
}

void json_write_value(struct json *j, const struct json_value *v)
{
	const struct json_value *stack[JSON_MAX_DEPTH] = { NULL };
	size_t depth = 0;

	for (;;) {
		if (depth > 0 && stack[depth - 1]->kind == JSON_OBJECT)
			json_key_len(j, v->key, v->keylen);
		if (write_open(j, v)) {
			/* The writer aborts before this could overflow. */
			stack[depth++] = v;
			v = v->first;
			continue;
		}
		while (depth > 0 && !v->next) {
			v = stack[--depth];
			write_close(j, v);
		}
		if (depth == 0)
			return;
		v = v->next;
	}
}

/* --- arrays of strings (--entrypoint, --cmd) ----------------------------- */

static const char e_not_strings[] =
	"expected a JSON array of strings, like [\"/app\",\"--flag\"]";
static const char e_bad_string[] =
	"malformed JSON string (bad escape or control character)";

/* array_why() words parse error WHAT for a JSON array of strings. */
static const char *array_why(const char *what)
{
	if (what == e_control || what == e_escape || what == e_uescape ||
	    what == e_nul)
		return e_bad_string;
	if (what == e_unterminated)
		return "malformed JSON string (no closing quote)";
	if (what == e_utf8)
		return "malformed JSON string (invalid UTF-8)";
	if (what == e_surrogate)
		return "malformed JSON string (unpaired surrogate)";
	if (what == e_after)
		return "text after the closing ']'";
	return e_not_strings;
}

int json_parse_string_array(const char *text, void (*add)(void *, char *),
                            void *ctx, const char **why)
{
	struct json_doc doc;
	struct json_error err;
	const struct json_value *v;

	*why = e_not_strings;
	if (text[strspn(text, " \t\n\r")] != '[')
		return -1;
	if (json_parse(text, strlen(text), &doc, &err) < 0) {
		*why = array_why(err.what);
		return -1;
	}
	for (v = doc.root->first; v; v = v->next) {
		if (v->kind != JSON_STRING)
			break;
		if (memchr(v->s, '\0', v->len)) {
			*why = "malformed JSON string (\\u0000 cannot be "
			       "part of an argument)";
			break;
		}
	}
	if (!v)
		for (v = doc.root->first; v; v = v->next)
			add(ctx, util_xstrdup(v->s));
	json_doc_free(&doc);
	return v ? -1 : 0;
}
