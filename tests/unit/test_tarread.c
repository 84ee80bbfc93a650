/* test_tarread: the streaming tar reader on archives from tinyimg's own
 * writer, fed in every split, and on broken ones.
 * Usage: test_tarread            the unit tests
 *        test_tarread --list     list the tar on stdin, one member a line:
 *                                "TYPE MODE UID GID SIZE SHA256 NAME[ -> LINK]"
 *                                (t_tarread.sh compares with Python) */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sha256.h"
#include "tar.h"
#include "tarread.h"
#include "unit.h"

/* What a reading saw, as text: one line per member with its data. */
struct seen {
	char *text;
	size_t len, cap;
	struct sha256 sha;
	char head[64];   /* "TYPE MODE UID GID SIZE" of the member */
	char *name;      /* "NAME[ -> LINK]" */
};

static void add(struct seen *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(struct seen *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (s->len + (size_t)n + 1 > s->cap) {
		s->cap = (s->len + (size_t)n + 1) * 2;
		s->text = realloc(s->text, s->cap);
	}
	va_start(ap, fmt);
	vsnprintf(s->text + s->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	s->len += (size_t)n;
}

static int on_member(void *ctx, const struct tarread_member *m)
{
	struct seen *s = ctx;
	size_t n = m->name_len + m->link_len + 5;

	snprintf(s->head, sizeof s->head, "%c %04o %llu %llu %llu", m->type,
	         m->mode, (unsigned long long)m->uid,
	         (unsigned long long)m->gid, (unsigned long long)m->size);
	free(s->name);
	s->name = malloc(n);
	snprintf(s->name, n, "%s%s%s", m->name, m->link_len ? " -> " : "",
	         m->link);
	sha256_init(&s->sha);
	return 0;
}

static int on_data(void *ctx, const void *buf, size_t len)
{
	struct seen *s = ctx;

	sha256_update(&s->sha, buf, len);
	return 0;
}

/* on_end() adds "TYPE MODE UID GID SIZE SHA256 NAME[ -> LINK]". */
static int on_end(void *ctx)
{
	struct seen *s = ctx;
	uint8_t d[SHA256_SIZE];
	char hex[SHA256_HEX_SIZE];

	sha256_final(&s->sha, d);
	sha256_hex(d, hex);
	add(s, "%s %s %s\n", s->head, hex, s->name);
	free(s->name);
	s->name = NULL;
	return 0;
}

static const struct tarread_ops ops = { on_member, on_data, on_end };

/* read_all() reads LEN bytes of BUF in pieces of STEP; returns the result
 * of the last feed or finish, with what was seen in *S. */
static int read_all(const void *buf, size_t len, size_t step,
                    struct seen *s, struct tarread *t)
{
	const unsigned char *p = buf;
	size_t off;
	int r = 0;

	memset(s, 0, sizeof *s);
	tarread_init(t, &ops, s);
	for (off = 0; off < len && r == 0; off += step)
		r = tarread_feed(t, p + off, len - off < step ? len - off : step);
	if (r == 0)
		r = tarread_finish(t);
	return r;
}

/* A memory sink for the writer, through a pipe-less temporary file. */
static unsigned char *sample(size_t *len)
{
	char path[] = "/tmp/test_tarread.XXXXXX";
	int fd = mkstemp(path);
	struct sink s;
	unsigned char *buf;
	char longname[400];
	static const char data[] = "hello, tar\n";
	struct tar_entry dir = { "dir/", TAR_DIR, 0755, 0, 0, NULL };
	struct tar_entry link = { "dir/link", TAR_SYMLINK, 0777, 0, 0,
		                  "../target" };

	memset(longname, 'n', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	sink_init(&s, fd, path);
	tar_write_header(&s, &dir);
	tar_write_file(&s, "dir/file", 0644, 5, data, sizeof data - 1);
	tar_write_header(&s, &link);
	tar_write_file(&s, longname, 0600, 5, data, 3);
	tar_write_file(&s, "empty", 0644, 5, "", 0);
	tar_write_end(&s);
	*len = (size_t)s.bytes;
	buf = malloc(*len);
	if (pread(fd, buf, *len, 0) != (ssize_t)*len)
		*len = 0;
	close(fd);
	unlink(path);
	return buf;
}

static void every_split(void)
{
	size_t len, step, bad = 0;
	unsigned char *buf = sample(&len);
	struct seen whole, part;
	struct tarread t;
	int r = read_all(buf, len, len, &whole, &t);

	unit_check(r == 0 && t.ended && t.members == 5,
	           "tarread: reads tinyimg's tar (5 members, end blocks)");
	tarread_free(&t);
	unit_check(whole.text && strstr(whole.text, "2 0777 0 0 0 e3b0c44298fc"
	                                "1c149afbf4c8996fb92427ae41e4649b934ca4"
	                                "95991b7852b855 dir/link -> ../target\n"),
	           "tarread: a symlink and its target");
	{
		char want[600], hex[SHA256_HEX_SIZE];

		sha256_hex_of("hel", 3, hex);
		snprintf(want, sizeof want, "0 0600 0 0 3 %s %0399d\n", hex, 0);
		memset(want + 13 + 65, 'n', 399);
		unit_check(whole.text && strstr(whole.text, want) != NULL,
		           "tarread: a 399-byte name from a pax record");
	}
	for (step = 1; step <= 1100; step++) {
		r = read_all(buf, len, step, &part, &t);
		if (r != 0 || !part.text || strcmp(part.text, whole.text) != 0)
			bad++;
		tarread_free(&t);
		free(part.text);
		free(part.name);
	}
	unit_check(bad == 0, "tarread: every feed size from 1 to 1100 reads "
	           "the same (%zu differ)", bad);
	/* Every cut short of the end blocks is truncated, or a clean end. */
	for (step = 0, bad = 0; step < len - 1024; step++) {
		r = read_all(buf, step, 4096, &part, &t);
		if (r == 0 && step % 512 != 0)
			bad++;
		tarread_free(&t);
		free(part.text);
		free(part.name);
	}
	unit_check(bad == 0, "tarread: a stream cut inside a block or member "
	           "is an error (%zu were not)", bad);
	free(whole.text);
	free(whole.name);
	free(buf);
}

/* refused() checks that BUF is refused with a message holding WHY. */
static void refused(const unsigned char *buf, size_t len, const char *what,
                    const char *why)
{
	struct seen s;
	struct tarread t;
	int r = read_all(buf, len, len, &s, &t);

	unit_check(r == TARREAD_ERROR && strstr(t.error, why) != NULL,
	           "tarread: %s is refused (%s)", what,
	           r ? t.error : "accepted");
	tarread_free(&t);
	free(s.text);
	free(s.name);
}

/* checksum() recomputes a header's checksum after a test changed it. */
static void checksum(unsigned char *b)
{
	unsigned sum = 0;
	int i;

	memset(b + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += b[i];
	snprintf((char *)b + 148, 8, "%06o", sum);
}

static void broken(void)
{
	size_t len;
	unsigned char *buf = sample(&len), *b = malloc(len);

	memcpy(b, buf, len);
	b[0] ^= 1;
	refused(b, len, "a header with a bad checksum", "bad header checksum");
	memcpy(b, buf, len);
	memcpy(b + 512 + 124, "77777777777", 11); /* dir/file: 8 GiB */
	checksum(b + 512);
	refused(b, len, "a size larger than the stream", "truncated");
	memcpy(b, buf, len);
	b[512 + 124] = 0xff; /* base-256 negative */
	checksum(b + 512);
	refused(b, len, "a negative base-256 size", "malformed or negative");
	memcpy(b, buf, len);
	memset(b + 512, 0, 512); /* one zero block, then more members */
	refused(b, len, "a lone zero block inside", "single zero block");
	memcpy(b, buf, len);
	memcpy(b + 512 + 124, "12x", 3);
	checksum(b + 512);
	refused(b, len, "a size that is not octal", "malformed");
	free(b);
	free(buf);
}

static void pax_limits(void)
{
	unsigned char b[1536];

	memset(b, 0, sizeof b);
	memcpy(b, "PaxHeader", 9);
	memcpy(b + 100, "0000644", 7);
	snprintf((char *)b + 124, 12, "%011o", 1u << 30);
	b[156] = 'x';
	memcpy(b + 257, "ustar\0" "00", 8);
	checksum(b);
	refused(b, sizeof b, "a pax header claiming 1 GiB",
	        "more than 1048576");
	snprintf((char *)b + 124, 12, "%011o", 20u);
	b[156] = 'x';
	checksum(b);
	memcpy(b + 512, "99 path=x\n", 10);
	refused(b, sizeof b, "a pax record longer than its header",
	        "malformed pax record");
}

static void base256(void)
{
	unsigned char f[12] = { 0x80, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0 };
	uint64_t v = 0;

	unit_check(tarread_number(f, 12, &v) == 0 && v == (uint64_t)2 << 24,
	           "tarread: base-256 numbers (GNU tar for sizes >= 8 GiB)");
	unit_check(tarread_number((const unsigned char *)"0000644 ", 8, &v) == 0
	           && v == 0644, "tarread: octal with a trailing space");
	unit_check(tarread_number((const unsigned char *)"  \0\0\0\0\0\0", 8,
	                          &v) == 0 && v == 0,
	           "tarread: an empty field is 0");
}

/* list() prints the tar on stdin as t_tarread.sh expects. */
static int list(void)
{
	static unsigned char buf[65536];
	struct seen s;
	struct tarread t;
	ssize_t n;
	int r = 0;

	memset(&s, 0, sizeof s);
	tarread_init(&t, &ops, &s);
	while (r == 0 && (n = read(0, buf, sizeof buf)) > 0)
		r = tarread_feed(&t, buf, (size_t)n);
	if (r == 0)
		r = tarread_finish(&t);
	if (s.text)
		fputs(s.text, stdout);
	if (r)
		fprintf(stderr, "error at %llu: %s\n",
		        (unsigned long long)t.error_offset, t.error);
	tarread_free(&t);
	free(s.text);
	free(s.name);
	return r ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--list") == 0)
		return list();
	every_split();
	broken();
	pax_limits();
	base256();
	return unit_done();
}
