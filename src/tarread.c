/* tarread: a tar reader fed bytes in any split (a stream, never seeked). */
#define _POSIX_C_SOURCE 200809L /* strnlen */
#include "tarread.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Offsets and widths of the header fields (POSIX ustar, GNU). */
enum {
	NAME = 0, NAME_W = 100, MODE = 100, UID = 108, GID = 116, SIZE = 124,
	MTIME = 136, CHKSUM = 148, TYPE = 156, LINK = 157, LINK_W = 100,
	MAGIC = 257, PREFIX = 345, PREFIX_W = 155, BLOCK = 512,
};

#define INT63_MAX ((uint64_t)1 << 63)

void tarread_init(struct tarread *t, const struct tarread_ops *ops,
                  void *ctx)
{
	memset(t, 0, sizeof *t);
	t->ops = *ops;
	t->ctx = ctx;
}

/* clear_overrides() forgets the pax and long-name values of one member. */
static void clear_overrides(struct tarread *t)
{
	free(t->path);
	free(t->linkpath);
	t->path = t->linkpath = NULL;
	t->path_len = t->linkpath_len = 0;
	t->has_size = t->has_uid = t->has_gid = t->has_mtime = 0;
	t->have_meta = 0;
}

void tarread_free(struct tarread *t)
{
	clear_overrides(t);
	free(t->meta);
	t->meta = NULL;
}

/* fail() records why reading stopped at stream offset AT. */
static int fail(struct tarread *t, uint64_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* fail() records why reading stopped at stream offset AT. */
static int fail(struct tarread *t, uint64_t at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->error, sizeof t->error, fmt, ap);
	va_end(ap);
	t->error_offset = at;
	return TARREAD_ERROR;
}

int tarread_number(const unsigned char *f, size_t width, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (f[0] & 0x80) { /* base-256, big-endian; 0xff starts a negative */
		if (f[0] != 0x80)
			return -1;
		for (i = 1; i < width; i++) {
			if (v >> 55)
				return -1;
			v = v << 8 | f[i];
		}
		if (v >= INT63_MAX)
			return -1;
		*out = v;
		return 0;
	}
	while (i < width && (f[i] == ' ' || f[i] == '\0'))
		i++;
	if (i == width) { /* an empty field reads as 0, as GNU tar does */
		*out = 0;
		return 0;
	}
	for (; i < width && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return -1;
		v = v << 3 | (uint64_t)(f[i] - '0');
	}
	for (; i < width; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	*out = v;
	return 0;
}

/* checksum_ok() checks the header block B's checksum against the sum of
 * its bytes, unsigned (POSIX) or signed (old tars); sets *SIGNED. */
static int checksum_ok(const unsigned char *b, int *is_signed)
{
	uint64_t stored;
	unsigned long usum = 0;
	long ssum = 0;
	int i;

	if (tarread_number(b + CHKSUM, 8, &stored) < 0)
		return 0;
	for (i = 0; i < BLOCK; i++) {
		unsigned char c = i >= CHKSUM && i < CHKSUM + 8 ? ' ' : b[i];

		usum += c;
		ssum += (signed char)c;
	}
	*is_signed = (long)stored == ssum && stored != usum;
	return stored == usum || (long)stored == ssum;
}

/* field_len() is the length of a NUL-terminated field of at most WIDTH
 * bytes. */
static size_t field_len(const unsigned char *f, size_t width)
{
	const unsigned char *z = memchr(f, '\0', width);

	return z ? (size_t)(z - f) : width;
}

/* set_text() keeps LEN bytes of P as *DST (a heap copy, NUL added). */
static void set_text(char **dst, size_t *dst_len, const char *p, size_t len)
{
	free(*dst);
	*dst = util_xmalloc(len + 1);
	memcpy(*dst, p, len);
	(*dst)[len] = '\0';
	*dst_len = len;
}

/* pax_number() reads the decimal VALUE (LEN bytes) of a pax record; a
 * fraction (mtime) is dropped. 0, or -1 when malformed or too large. */
static int pax_number(const char *v, size_t len, uint64_t *out)
{
	uint64_t n = 0;
	size_t i;

	if (len == 0)
		return -1;
	for (i = 0; i < len && v[i] >= '0' && v[i] <= '9'; i++) {
		if (n > (INT63_MAX - 1) / 10)
			return -1;
		n = n * 10 + (uint64_t)(v[i] - '0');
	}
	if (i == 0 || (i < len && v[i] != '.'))
		return -1;
	*out = n;
	return 0;
}

/* pax_record() applies one "KEY=VALUE" record of a local pax header. */
static int pax_record(struct tarread *t, const char *kv, size_t len)
{
	const char *eq = memchr(kv, '=', len);
	size_t klen, vlen;
	const char *v;

	if (!eq)
		return fail(t, t->meta_start, "pax record without '='");
	klen = (size_t)(eq - kv);
	v = eq + 1;
	vlen = len - klen - 1;
	if (klen > 11 && memcmp(kv, "GNU.sparse.", 11) == 0)
		return fail(t, t->meta_start, "a sparse member (GNU tar "
		            "--sparse), which tinyimg does not read: make the "
		            "archive without --sparse");
	if (klen == 4 && memcmp(kv, "path", 4) == 0)
		set_text(&t->path, &t->path_len, v, vlen);
	else if (klen == 8 && memcmp(kv, "linkpath", 8) == 0)
		set_text(&t->linkpath, &t->linkpath_len, v, vlen);
	else if (klen == 4 && memcmp(kv, "size", 4) == 0)
		t->has_size = pax_number(v, vlen, &t->size) == 0 ? 1 : -1;
	else if (klen == 3 && memcmp(kv, "uid", 3) == 0)
		t->has_uid = pax_number(v, vlen, &t->uid) == 0 ? 1 : -1;
	else if (klen == 3 && memcmp(kv, "gid", 3) == 0)
		t->has_gid = pax_number(v, vlen, &t->gid) == 0 ? 1 : -1;
	else if (klen == 5 && memcmp(kv, "mtime", 5) == 0)
		t->has_mtime = pax_number(v, vlen, &t->mtime) == 0 ? 1 : -1;
	if (t->has_size < 0 || t->has_uid < 0 || t->has_gid < 0)
		return fail(t, t->meta_start, "pax record %.*s has a value that "
		            "is not a number", (int)klen, kv);
	if (t->has_mtime < 0)
		t->has_mtime = 0; /* a strange mtime is not worth a refusal */
	return 0;
}

/* pax_records() parses a pax header's "LEN KEY=VALUE\n" records. */
static int pax_records(struct tarread *t)
{
	const char *p = t->meta, *end = t->meta + t->meta_len;

	while (p < end && *p != '\0') {
		size_t len = 0, digits = 0;

		while (p + digits < end && p[digits] >= '0' && p[digits] <= '9' &&
		       len <= TARREAD_META_MAX)
			len = len * 10 + (size_t)(p[digits++] - '0');
		if (digits == 0 || p + digits >= end || p[digits] != ' ' ||
		    len <= digits + 1 || len > (size_t)(end - p) ||
		    p[len - 1] != '\n')
			return fail(t, t->meta_start, "malformed pax record");
		if (t->meta_type == 'x' &&
		    pax_record(t, p + digits + 1, len - digits - 2) < 0)
			return TARREAD_ERROR;
		p += len;
	}
	return 0;
}

/* meta_done() applies a gathered pax header or GNU long name. */
static int meta_done(struct tarread *t)
{
	switch (t->meta_type) {
	case 'x':
		return pax_records(t);
	case 'g':
		t->globals++;
		return pax_records(t); /* checked, not applied */
	case 'L':
		set_text(&t->path, &t->path_len, t->meta,
		         strnlen(t->meta, t->meta_len));
		return 0;
	case 'K':
		set_text(&t->linkpath, &t->linkpath_len, t->meta,
		         strnlen(t->meta, t->meta_len));
		return 0;
	}
	return 0;
}

/* header_only() says whether members of TYPE carry no data whatever their
 * size field says (as Go's archive/tar, which docker uses, reads them). */
static int header_only(char type)
{
	return type == '1' || type == '2' || type == '3' || type == '4' ||
	       type == '5' || type == '6';
}

/* ustar_name() builds the name of header B: prefix "/" name for POSIX
 * ustar, the name field alone for GNU and v7 headers. */
static void ustar_name(struct tarread *t, const unsigned char *b, char **name,
                       size_t *len)
{
	size_t n = field_len(b + NAME, NAME_W);
	size_t pn = field_len(b + PREFIX, PREFIX_W);
	int posix = memcmp(b + MAGIC, "ustar\0", 6) == 0;

	(void)t;
	if (!posix || pn == 0) {
		*name = util_xmalloc(n + 1);
		memcpy(*name, b + NAME, n);
		(*name)[n] = '\0';
		*len = n;
		return;
	}
	*name = util_xmalloc(pn + n + 2);
	memcpy(*name, b + PREFIX, pn);
	(*name)[pn] = '/';
	memcpy(*name + pn + 1, b + NAME, n);
	(*name)[pn + 1 + n] = '\0';
	*len = pn + 1 + n;
}

/* start_member() decodes the header block and announces the member. */
static int start_member(struct tarread *t, uint64_t at)
{
	const unsigned char *b = t->block;
	struct tarread_member m;
	uint64_t mode;
	char *name = NULL, *link = NULL;
	size_t link_len;
	int r;

	memset(&m, 0, sizeof m);
	m.type = b[TYPE] == '\0' || b[TYPE] == '7' ? '0' : (char)b[TYPE];
	if (tarread_number(b + MODE, 8, &mode) < 0 ||
	    tarread_number(b + UID, 8, &m.uid) < 0 ||
	    tarread_number(b + GID, 8, &m.gid) < 0 ||
	    tarread_number(b + SIZE, 12, &m.size) < 0 ||
	    tarread_number(b + MTIME, 12, &m.mtime) < 0)
		return fail(t, at, "a numeric header field is malformed or "
		            "negative");
	m.mode = (unsigned)(mode & 07777);
	if (t->has_size)
		m.size = t->size;
	if (t->has_uid)
		m.uid = t->uid;
	if (t->has_gid)
		m.gid = t->gid;
	if (t->has_mtime)
		m.mtime = t->mtime;
	if (t->path) {
		name = t->path, m.name_len = t->path_len;
		t->path = NULL;
	} else {
		ustar_name(t, b, &name, &m.name_len);
	}
	if (t->linkpath) {
		link = t->linkpath, link_len = t->linkpath_len;
		t->linkpath = NULL;
	} else {
		link_len = field_len(b + LINK, LINK_W);
		link = util_xmalloc(link_len + 1);
		memcpy(link, b + LINK, link_len);
		link[link_len] = '\0';
	}
	m.name = name;
	m.link = link;
	m.link_len = link_len;
	m.offset = t->have_meta ? t->meta_start : at;
	m.data_offset = at + BLOCK;
	checksum_ok(b, &m.checksum_signed);
	clear_overrides(t);
	t->members++;
	t->left = header_only(m.type) ? 0 : m.size;
	t->pad = (BLOCK - t->left % BLOCK) % BLOCK;
	t->in_data = 1;
	r = t->ops.member ? t->ops.member(t->ctx, &m) : 0;
	free(name);
	free(link);
	return r;
}

/* header() handles one whole header block gathered at stream offset AT. */
static int header(struct tarread *t, uint64_t at)
{
	const unsigned char *b = t->block;
	static const unsigned char zero[BLOCK];
	uint64_t size;
	int is_signed;
	char type;

	if (memcmp(b, zero, BLOCK) == 0) {
		if (t->have_meta)
			return fail(t, at, "a zero block follows a pax or "
			            "long-name header");
		if (++t->zeros == 2)
			t->ended = 1;
		return 0;
	}
	if (t->zeros)
		return fail(t, at - BLOCK, "a single zero block inside the "
		            "archive");
	if (!checksum_ok(b, &is_signed))
		return fail(t, at, "bad header checksum (not a tar header)");
	type = (char)b[TYPE];
	if (type != 'x' && type != 'g' && type != 'L' && type != 'K')
		return start_member(t, at);
	if (tarread_number(b + SIZE, 12, &size) < 0)
		return fail(t, at, "a numeric header field is malformed or "
		            "negative");
	if (size > TARREAD_META_MAX)
		return fail(t, at, "a %s header of %llu bytes (more than %u)",
		            type == 'x' || type == 'g' ? "pax" : "long-name",
		            (unsigned long long)size, TARREAD_META_MAX);
	if (!t->have_meta)
		t->meta_start = at;
	t->have_meta = 1;
	t->meta_type = type;
	t->meta_need = (size_t)size;
	t->meta_len = 0;
	free(t->meta);
	t->meta = util_xmalloc(t->meta_need + 1);
	t->pad = (BLOCK - size % BLOCK) % BLOCK;
	return 0;
}

/* take_meta() gathers record bytes; returns how many of LEN it used. */
static size_t take_meta(struct tarread *t, const unsigned char *p, size_t len)
{
	size_t n = t->meta_need - t->meta_len < len ? t->meta_need - t->meta_len
	                                            : len;

	memcpy(t->meta + t->meta_len, p, n);
	t->meta_len += n;
	return n;
}

/* take_data() passes member bytes on; returns how many of LEN it used,
 * with *R set to a callback's stop value. */
static size_t take_data(struct tarread *t, const unsigned char *p, size_t len,
                        int *r)
{
	size_t n = t->left < len ? (size_t)t->left : len;

	if (n && t->ops.data)
		*r = t->ops.data(t->ctx, p, n);
	t->left -= n;
	return n;
}

/* settle() finishes what the bytes so far complete: a gathered pax or
 * long-name header, or a member whose data and padding have passed. */
static int settle(struct tarread *t)
{
	if (t->meta_type && t->meta_len == t->meta_need && t->pad == 0) {
		int r;

		t->meta[t->meta_len] = '\0';
		r = meta_done(t);
		t->meta_type = 0;
		return r;
	}
	if (t->in_data && t->left == 0 && t->pad == 0) {
		t->in_data = 0;
		return t->ops.end ? t->ops.end(t->ctx) : 0;
	}
	return 0;
}

int tarread_feed(struct tarread *t, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	int r = 0;

	while (len > 0 && r == 0) {
		size_t n;

		if (t->ended) { /* after the end blocks: only count */
			for (n = 0; n < len; n++)
				t->after_end_nonzero += p[n] != 0;
			t->after_end += len;
			t->pos += len;
			return 0;
		}
		if (t->meta_type && t->meta_len < t->meta_need) {
			n = take_meta(t, p, len);
		} else if (t->in_data && t->left > 0) {
			n = take_data(t, p, len, &r);
		} else if (t->pad > 0) {
			n = t->pad < len ? (size_t)t->pad : len;
			t->pad -= n;
		} else {
			n = BLOCK - t->fill < len ? BLOCK - t->fill : len;
			memcpy(t->block + t->fill, p, n);
			t->fill += n;
		}
		p += n, len -= n, t->pos += n;
		if (r == 0 && t->fill == BLOCK) {
			t->fill = 0;
			r = header(t, t->pos - BLOCK);
		}
		if (r == 0)
			r = settle(t);
	}
	return r;
}

int tarread_finish(struct tarread *t)
{
	if (t->ended)
		return 0;
	if (t->in_data && (t->left > 0 || t->pad > 0))
		return fail(t, t->pos, "truncated: a member's data stops %llu "
		            "bytes short", (unsigned long long)(t->left + t->pad));
	if (t->meta_type || t->have_meta)
		return fail(t, t->pos, "truncated inside a pax or long-name "
		            "header");
	if (t->fill > 0)
		return fail(t, t->pos, "truncated inside a header block");
	return 0;
}
