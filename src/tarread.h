/* tarread: a tar reader fed bytes in any split (a stream, never seeked):
 * ustar, pax records (path, linkpath, size, uid, gid, mtime), GNU long
 * names and base-256 numbers. It holds one header block and at most
 * TARREAD_META_MAX bytes of pax or long-name records, whatever sizes the
 * input claims; member data is handed on as it arrives. */
#ifndef TINYIMG_TARREAD_H
#define TINYIMG_TARREAD_H

#include <stddef.h>
#include <stdint.h>

#define TARREAD_META_MAX (1u << 20)

/* One member, valid during the member callback. */
struct tarread_member {
	const char *name;     /* NUL-terminated; name_len counts every byte */
	size_t name_len;      /* (a pax path may hold a NUL: name_len tells) */
	const char *link;     /* link target, "" when none */
	size_t link_len;
	char type;            /* typeflag: '0' file ('\0' and '7' become '0'),
	                         '1' hard link, '2' symlink, '5' folder, ... */
	unsigned mode;        /* permission and set-id bits (07777) */
	uint64_t uid, gid, size, mtime;
	uint64_t offset;      /* stream offset of its first block (pax and
	                         long-name blocks included) */
	uint64_t data_offset; /* stream offset of its data */
	int checksum_signed;  /* the header checksum was the old signed sum */
};

/* What the reader calls. Each returns 0 to go on, nonzero to stop (the
 * value is then returned by tarread_feed). Any may be NULL. */
struct tarread_ops {
	int (*member)(void *ctx, const struct tarread_member *m);
	int (*data)(void *ctx, const void *buf, size_t len);
	int (*end)(void *ctx); /* the member's data is complete */
};

enum { TARREAD_ERROR = -1 };

struct tarread {
	struct tarread_ops ops;
	void *ctx;
	uint64_t pos;             /* bytes consumed so far */
	unsigned char block[512]; /* a header block being gathered */
	size_t fill;
	uint64_t left;            /* data bytes left in the current member */
	uint64_t pad;             /* padding bytes left after them */
	int in_data;              /* a member's data (or padding) is flowing */
	char meta_type;           /* 'x', 'g', 'L', 'K' while gathering one */
	char *meta;               /* its bytes */
	size_t meta_len, meta_need;
	uint64_t meta_start;      /* offset of the first block of this member */
	int have_meta;            /* pax or long-name records precede */
	char *path, *linkpath;    /* overrides from pax or GNU records */
	size_t path_len, linkpath_len;
	int has_size, has_uid, has_gid, has_mtime;
	uint64_t size, uid, gid, mtime;
	int zeros;                /* zero blocks in a row */
	int ended;                /* the two zero blocks were seen */
	uint64_t after_end;       /* bytes after them, and how many not zero */
	uint64_t after_end_nonzero;
	uint64_t members;
	uint64_t globals;         /* pax global headers seen (ignored) */
	char error[200];          /* why it stopped, when it returned -1 */
	uint64_t error_offset;
};

/* Start reading a stream; OPS' functions get CTX. */
void tarread_init(struct tarread *t, const struct tarread_ops *ops,
                  void *ctx);

void tarread_free(struct tarread *t);

/* Feed LEN bytes. 0, TARREAD_ERROR with t->error and t->error_offset set,
 * or a callback's nonzero result. */
int tarread_feed(struct tarread *t, const void *buf, size_t len);

/* The stream has ended. 0 when it ended between members (t->ended says
 * whether the end blocks were there), TARREAD_ERROR when it stopped inside
 * a header, record or member ("truncated"). */
int tarread_finish(struct tarread *t);

/* Parse a numeric header field of WIDTH bytes: octal (with spaces or NULs
 * around) or base-256 (first byte 0x80). 0, or -1 for anything else,
 * negative numbers and values over 2^63 - 1. */
int tarread_number(const unsigned char *field, size_t width, uint64_t *out);

#endif
