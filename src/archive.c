/* archive: read any image tarball into the image model, verifying every
 * byte once. */
#define _POSIX_C_SOURCE 200809L
#include "archive.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "inflate.h"
#include "progress.h"
#include "ref.h"
#include "sha256.h"
#include "tarread.h"
#include "util.h"

enum {
	CHUNK = 1 << 20,               /* bytes read at a time */
	DOC_MAX = 4 << 20,             /* the largest JSON document read */
	FILES_MAX = 1000000,           /* layer entries kept in all */
	MEMBERS_MAX = 100000,          /* members an archive may hold */
	NAME_MAX_KEPT = 4096,          /* bytes of a name or link kept */
	LINK_HOPS = 40,                /* links followed in a row, as the
	                                  kernel follows them */
	IMAGE_LINK_HOPS = LINK_HOPS,   /* ...inside an image too */
	IMAGE_PATH_MAX = 4096,         /* bytes of a path the kernel takes */
	INDEX_DEPTH = 8,               /* image indexes nested in a row */
	JSON_TOTAL_MAX = 64 << 20,     /* JSON bytes parsed in all */
	VISITS_MAX = 100000,           /* descriptors followed in all */
	TAGS_MAX = 1000,               /* tags kept per image */
	NAMES_BYTES_MAX = 64 << 20,    /* bytes of layer names kept in all */
};

/* ---- the reading pass -------------------------------------------------- */

/* What the pass knows of the member whose data is flowing. */
struct flow {
	struct archive_member *m;
	struct sha256 sha;
	unsigned char head[512];       /* the start, to tell what it is */
	size_t head_len;
	int decided;
	struct inflate *z;             /* gzip content */
	struct sha256 diff;            /* of the inflated bytes */
	struct tarread inner;          /* a layer's own tar */
	int inner_on, inner_failed;
};

/* The state of the pass. */
struct pass {
	struct archive *ar;
	const struct archive_options *opt;
	struct tarread outer;
	struct inflate *gz;            /* the outer gzip, or NULL */
	int spool_fd;                  /* -1 when not spooling */
	struct flow f;
	uint64_t files_kept;
	uint64_t names_kept;           /* bytes of their names and links */
	struct progress prog;
	int failed;                    /* a write to the spool failed */
	int stopped;                   /* too many members: reading stopped */
};

/* normalize() gives a member or file name as Go's filepath.Clean, which
 * Docker's loaders use, reads it: no empty or "." parts ("./x", "a//b",
 * "a/./b"), no '/' behind (a folder entry names the folder); a leading
 * '/' and ".." parts stay, for the checks that refuse them. */
static char *normalize(const char *name, size_t len, size_t *out_len)
{
	char *s;
	size_t i = 0, n = 0;

	if (len > NAME_MAX_KEPT)
		len = NAME_MAX_KEPT; /* reported by the caller */
	s = util_xmalloc(len + 1);
	if (len && name[0] == '/')
		s[n++] = '/';
	while (i < len) {
		size_t k = 0;

		while (i + k < len && name[i + k] != '/')
			k++;
		if (k > 0 && !(k == 1 && name[i] == '.')) {
			if (n && s[n - 1] != '/')
				s[n++] = '/';
			memcpy(s + n, name + i, k);
			n += k;
		}
		i += k + 1;
	}
	s[n] = '\0';
	*out_len = n;
	return s;
}

/* normalize_link() keeps a link target (at most NAME_MAX_KEPT bytes). */
static char *normalize_link(const char *link, size_t len)
{
	char *s;

	if (len > NAME_MAX_KEPT)
		len = NAME_MAX_KEPT;
	s = util_xmalloc(len + 1);
	memcpy(s, link, len);
	s[len] = '\0';
	return s;
}

/* name_problem() says what is wrong with a member or layer entry name of
 * LEN bytes, or NULL when it is fine: absolute, "..", NUL, not UTF-8. */
static const char *name_problem(const char *name, size_t len)
{
	const char *p;
	size_t i, n;

	if (len == 0)
		return "an empty name";
	if (memchr(name, '\0', len))
		return "a NUL byte in the name";
	if (name[0] == '/')
		return "an absolute name";
	for (p = name;;) {
		const char *slash = memchr(p, '/', len - (size_t)(p - name));
		size_t part = slash ? (size_t)(slash - p)
		                    : len - (size_t)(p - name);

		if (part == 2 && p[0] == '.' && p[1] == '.')
			return "a '..' part in the name";
		if (!slash)
			break;
		p = slash + 1;
	}
	for (i = 0; i < len; i += n)
		if ((n = json_utf8_len(name + i)) == 0)
			return "a name that is not UTF-8";
	return NULL;
}

/* entry_problem() says what is wrong with the name or link of the tar
 * entry E, or NULL. */
static const char *entry_problem(const struct tarread_member *e)
{
	if (e->name_len > NAME_MAX_KEPT || e->link_len > NAME_MAX_KEPT)
		return "a name or link longer than 4096 bytes";
	return name_problem(e->name, e->name_len);
}

/* shown_name() is E's name for a message (a heap string; the report
 * escapes it). */
static char *shown_name(const struct tarread_member *e)
{
	return util_xstrdup(e->name_len > 200 ? "(a long name)" : e->name);
}

/* inner_member() keeps one entry of a layer and checks its name. */
static int inner_member(void *ctx, const struct tarread_member *e)
{
	struct pass *p = ctx;
	struct archive_member *m = p->f.m;
	struct archive_file *f;
	const char *why = entry_problem(e);

	if (why) {
		char *shown = shown_name(e);

		report_problem(&p->ar->report, m->name, "layer entry \"%s\": %s",
		               shown, why);
		free(shown);
	}
	if (!p->opt->keep_files)
		return 0;
	if (p->files_kept >= FILES_MAX ||
	    p->names_kept + e->name_len + e->link_len > NAMES_BYTES_MAX) {
		m->files_dropped++;
		return 0;
	}
	p->names_kept += e->name_len + e->link_len;
	if (m->nfiles % 64 == 0)
		m->files = util_xreallocarray(m->files, m->nfiles + 64,
		                              sizeof *m->files);
	f = &m->files[m->nfiles++];
	p->files_kept++;
	f->name = normalize(e->name, e->name_len, &f->name_len);
	f->link = e->type == '1' || e->type == '2'
	          ? normalize_link(e->link, e->link_len) : NULL;
	f->type = e->type;
	f->mode = e->mode;
	f->uid = e->uid;
	f->gid = e->gid;
	f->size = e->size;
	f->offset = e->data_offset;
	return 0;
}

static const struct tarread_ops inner_ops = { inner_member, NULL, NULL };

/* layer_bytes() passes uncompressed layer bytes to the inner tar. */
static void layer_bytes(struct pass *p, const void *buf, size_t len)
{
	struct flow *f = &p->f;

	f->m->usize += len;
	if (!f->inner_on || f->inner_failed)
		return;
	if (tarread_feed(&f->inner, buf, len) != 0) {
		f->inner_failed = 1;
		if (!f->m->error)
			f->m->error = util_xasprintf(
				"not a readable tar at byte %llu of its content: %s",
				(unsigned long long)f->inner.error_offset,
				f->inner.error);
	}
}

/* inflated() receives a gzip member's inflated bytes. */
static int inflated(void *ctx, const void *buf, size_t len)
{
	struct pass *p = ctx;

	sha256_update(&p->f.diff, buf, len);
	layer_bytes(p, buf, len);
	return 0;
}

/* content() feeds member bytes to what the member turned out to be. */
static void content(struct pass *p, const void *buf, size_t len)
{
	struct flow *f = &p->f;
	int r;

	if (f->m->content == ARCHIVE_TAR) {
		layer_bytes(p, buf, len);
	} else if (f->m->content == ARCHIVE_GZIP && f->z && !f->m->error) {
		r = inflate_feed(f->z, buf, len, inflated, p);
		if (r == INFLATE_ERROR && !f->m->error)
			f->m->error = util_xasprintf("gzip: %s at byte %llu",
			                             inflate_error(f->z),
			                             (unsigned long long)
			                             inflate_error_offset(f->z));
	}
}

/* decide() tells what the member is from its first bytes. */
static void decide(struct pass *p)
{
	struct flow *f = &p->f;
	static const unsigned char zero[512];
	const unsigned char *h = f->head;

	f->decided = 1;
	if (f->head_len >= 2 && h[0] == 0x1f && h[1] == 0x8b) {
		f->m->content = ARCHIVE_GZIP;
		f->z = inflate_new(1);
		sha256_init(&f->diff);
	} else if (f->head_len >= 4 && h[0] == 0x28 && h[1] == 0xb5 &&
	           h[2] == 0x2f && h[3] == 0xfd) {
		f->m->content = ARCHIVE_ZSTD;
	} else if (f->head_len == 512 && (memcmp(h + 257, "ustar", 5) == 0 ||
	                                  memcmp(h, zero, 512) == 0)) {
		f->m->content = ARCHIVE_TAR;
	}
	if (f->m->content == ARCHIVE_TAR || f->m->content == ARCHIVE_GZIP) {
		tarread_init(&f->inner, &inner_ops, p);
		f->inner_on = 1;
	}
	content(p, f->head, f->head_len);
}

/* outer_member() starts a member of the archive. */
static int outer_member(void *ctx, const struct tarread_member *e)
{
	struct pass *p = ctx;
	struct archive *ar = p->ar;
	struct archive_member *m;
	const char *why = entry_problem(e);

	if (why) {
		char *shown = shown_name(e);

		report_problem(&ar->report, shown, "%s", why);
		free(shown);
	}
	if (ar->n >= MEMBERS_MAX) {
		report_problem(&ar->report, ar->name, "more than %d members: "
		               "not an image tarball; not read further",
		               MEMBERS_MAX);
		p->f.m = NULL;
		p->stopped = 1;
		return 1;
	}
	if (ar->n % 64 == 0)
		ar->m = util_xreallocarray(ar->m, ar->n + 64, sizeof *ar->m);
	m = &ar->m[ar->n++];
	memset(m, 0, sizeof *m);
	m->name = normalize(e->name, e->name_len, &m->name_len);
	m->link = e->type == '1' || e->type == '2'
	          ? normalize_link(e->link, e->link_len) : NULL;
	m->type = e->type;
	m->mode = e->mode;
	m->size = e->type == '0' ? e->size : 0;
	m->offset = e->data_offset;
	memset(&p->f, 0, sizeof p->f);
	p->f.m = m;
	sha256_init(&p->f.sha);
	return 0;
}

/* outer_data() takes a member's bytes: hashed, and fed to what the
 * member turned out to be once its first 512 bytes tell. */
static int outer_data(void *ctx, const void *buf, size_t len)
{
	struct pass *p = ctx;
	struct flow *f = &p->f;
	const unsigned char *b = buf;

	sha256_update(&f->sha, buf, len);
	if (!f->decided) {
		size_t n = sizeof f->head - f->head_len < len
		           ? sizeof f->head - f->head_len : len;

		memcpy(f->head + f->head_len, b, n);
		f->head_len += n, b += n, len -= n;
		if (f->head_len < sizeof f->head)
			return 0;
		decide(p);
	}
	content(p, b, len);
	return 0;
}

static void check_hard_links(struct archive *ar, struct archive_member *m);

/* finish_layer() ends the inflater and inner tar of a layer member. */
static void finish_layer(struct pass *p)
{
	struct flow *f = &p->f;
	struct archive_member *m = f->m;
	uint8_t d[SHA256_SIZE];

	if (m->content == ARCHIVE_GZIP) {
		if (!m->error && inflate_finish(f->z, inflated, p) != INFLATE_END)
			m->error = util_xasprintf("gzip: %s",
			                          inflate_error(f->z));
		inflate_free(f->z);
		sha256_final(&f->diff, d);
		memcpy(m->diff.b, d, sizeof d);
	} else {
		m->diff = m->sha; /* the same bytes */
	}
	if (f->inner_on && !f->inner_failed && !m->error &&
	    tarread_finish(&f->inner) != 0)
		m->error = util_xasprintf("not a whole tar: %s",
		                          f->inner.error);
	if (f->inner_on)
		tarread_free(&f->inner);
	m->read_ok = !m->error;
	if (m->read_ok && !m->files_dropped && p->opt->keep_files)
		check_hard_links(p->ar, m);
}

/* outer_end() ends a member: its digest, and a layer's inflater and
 * listing. */
static int outer_end(void *ctx)
{
	struct pass *p = ctx;
	struct flow *f = &p->f;
	uint8_t d[SHA256_SIZE];

	if (!f->decided)
		decide(p);
	sha256_final(&f->sha, d);
	memcpy(f->m->sha.b, d, sizeof d);
	if (f->m->content == ARCHIVE_TAR || f->m->content == ARCHIVE_GZIP)
		finish_layer(p);
	return 0;
}

static const struct tarread_ops outer_ops = { outer_member, outer_data,
	                                      outer_end };

/* tar_bytes() passes bytes of the plain tar on: to the spool, then the
 * reader. 0, or -1 when reading must stop. */
static int tar_bytes(struct pass *p, const void *buf, size_t len)
{
	if (p->spool_fd >= 0 &&
	    util_write_all(p->spool_fd, buf, len, p->ar->spool) < 0) {
		p->failed = 1;
		return -1;
	}
	p->ar->tar_size += len;
	return tarread_feed(&p->outer, buf, len) == 0 ? 0 : -1;
}

/* gunzipped() passes the inflated bytes of a gzip archive on as tar. */
static int gunzipped(void *ctx, const void *buf, size_t len)
{
	return tar_bytes(ctx, buf, len) < 0 ? 1 : 0;
}

/* open_input() opens PATH, or takes standard input for "-". */
static int open_input(const char *path, struct archive *ar, uint64_t *size)
{
	struct stat st;

	ar->name = strcmp(path, "-") == 0 ? "stdin" : path;
	ar->fd = strcmp(path, "-") == 0 ? STDIN_FILENO
	                                : open(path, O_RDONLY | O_CLOEXEC);
	if (ar->fd < 0)
		return util_error("%s:", path);
	ar->own_fd = ar->fd != STDIN_FILENO;
	if (fstat(ar->fd, &st) < 0)
		return util_error("%s:", ar->name);
	if (S_ISDIR(st.st_mode))
		return util_error("%s: is a folder; give an image tarball (an "
		                  "OCI layout folder can be packed with tar -cf)",
		                  ar->name);
	*size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	ar->st = st;
	ar->have_st = S_ISREG(st.st_mode);
	return S_ISREG(st.st_mode) && ar->own_fd ? 1 : 0;
}

/* start_spool() opens the temporary file the plain tar is copied to. */
static int start_spool(struct pass *p)
{
	char *name = cleanup_tmp_path();

	p->spool_fd = cleanup_mktemp(name, 0);
	if (p->spool_fd < 0) {
		free(name);
		return -1;
	}
	p->ar->spool = name;
	return 0;
}

/* other_compression() names the compressor whose magic starts BUF (N
 * bytes) when it is one tinyimg does not inflate, or NULL. */
static const char *other_compression(const unsigned char *buf, size_t n)
{
	if (n >= 6 && memcmp(buf, "\xfd" "7zXZ\0", 6) == 0)
		return "xz";
	if (n >= 4 && memcmp(buf, "\x28\xb5\x2f\xfd", 4) == 0)
		return "zstd";
	if (n >= 3 && memcmp(buf, "BZh", 3) == 0)
		return "bzip2";
	return NULL;
}

/* read_stream() reads the whole input through the pass. */
static int read_stream(struct pass *p, int seekable)
{
	struct archive *ar = p->ar;
	unsigned char *buf = util_xmalloc(CHUNK);
	ssize_t n;
	int r = 0, first = 1;

	for (;;) {
		n = read(ar->fd, buf, CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = util_error("%s: read failed:", ar->name);
			break;
		}
		/* The gzip magic takes two bytes: a pipe may give one. */
		while (first && n == 1) {
			ssize_t more = read(ar->fd, buf + 1, CHUNK - 1);

			if (more < 0 && errno == EINTR)
				continue;
			if (more <= 0)
				break;
			n += more;
		}
		if (n == 0)
			break;
		ar->input_size += (uint64_t)n;
		progress_add(&p->prog, (uint64_t)n);
		if (first && n >= 2 && buf[0] == 0x1f && buf[1] == 0x8b) {
			ar->gzip = 1;
			p->gz = inflate_new(1);
		} else if (first && other_compression(buf, (size_t)n)) {
			report_problem(&ar->report, ar->name, "%s-compressed, "
			               "which tinyimg does not read: decompress it "
			               "first (%s -dc)",
			               other_compression(buf, (size_t)n),
			               other_compression(buf, (size_t)n));
			break;
		}
		if (first && (ar->gzip || !seekable) && start_spool(p) < 0) {
			r = -1;
			break;
		}
		first = 0;
		if (p->gz) {
			int z = inflate_feed(p->gz, buf, (size_t)n, gunzipped, p);

			if (z == INFLATE_ERROR) {
				report_problem(&ar->report, ar->name, "gzip: %s at "
				               "byte %llu", inflate_error(p->gz),
				               (unsigned long long)
				               inflate_error_offset(p->gz));
				break;
			}
			if (z == INFLATE_STOPPED)
				break;
		} else if (tar_bytes(p, buf, (size_t)n) < 0) {
			break;
		}
	}
	if (r == 0 && p->gz && !p->outer.error[0] && !p->failed &&
	    inflate_finish(p->gz, gunzipped, p) == INFLATE_ERROR)
		report_problem(&ar->report, ar->name, "gzip: %s",
		               inflate_error(p->gz));
	free(buf);
	return p->failed ? -1 : r;
}

/* ---- lookups ----------------------------------------------------------- */

/* by_name() orders members by name for the lookup table. */
static int by_name(const void *a, const void *b)
{
	const struct archive_member *x = *(struct archive_member *const *)a;
	const struct archive_member *y = *(struct archive_member *const *)b;
	int c = strcmp(x->name, y->name);

	/* Among equal names the later member sorts first: it is the one an
	 * extraction leaves behind. */
	return c ? c : (x < y) - (x > y);
}

/* index_members() sorts the members by name and reports duplicates. */
static void index_members(struct archive *ar)
{
	size_t i;

	ar->sorted = util_xreallocarray(NULL, ar->n + 1, sizeof *ar->sorted);
	for (i = 0; i < ar->n; i++)
		ar->sorted[i] = &ar->m[i];
	qsort(ar->sorted, ar->n, sizeof *ar->sorted, by_name);
	for (i = 1; i < ar->n; i++) {
		const char *name = ar->sorted[i]->name;

		if (strcmp(ar->sorted[i - 1]->name, name) != 0)
			continue;
		report_problem(&ar->report, name, "the archive holds this name "
		               "more than once; loaders would see only the last");
		while (i + 1 < ar->n && strcmp(ar->sorted[i + 1]->name, name) == 0)
			i++; /* once per name */
	}
}

struct archive_member *archive_find(const struct archive *ar,
                                    const char *name)
{
	size_t lo = 0, hi = ar->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(ar->sorted[mid]->name, name);

		if (c == 0)
			return ar->sorted[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* join() resolves the relative path REL against the folder of FROM (a
 * member name), folding "." and ".."; NULL when it climbs above the root
 * or is absolute. */
static char *join(const char *from, const char *rel)
{
	const char *slash = strrchr(from, '/');
	char *path, *out;

	if (rel[0] == '/')
		return NULL;
	path = util_xasprintf("%.*s%s%s", slash ? (int)(slash - from) : 0,
	                      from, slash ? "/" : "", rel);
	out = util_path_fold(path, 0);
	free(path);
	return out;
}

/* through_folder_link() is NAME with the first part on its way that is a
 * symbolic link member replaced by the link's target (as a loader that
 * unpacks the archive to disk follows it), or NULL when no part on the
 * way is one, or the link leads out of the archive. */
static char *through_folder_link(struct archive *ar, const char *name)
{
	const char *slash;

	for (slash = strchr(name, '/'); slash; slash = strchr(slash + 1, '/')) {
		char *prefix = util_xasprintf("%.*s", (int)(slash - name), name);
		struct archive_member *m = archive_find(ar, prefix);
		char *to, *joined, *out = NULL;

		if (m && m->type == '2' && m->link &&
		    (to = join(prefix, m->link)) != NULL) {
			joined = util_xasprintf("%s%s", to, slash);
			out = util_path_fold(joined, 0);
			free(joined);
			free(to);
		}
		free(prefix);
		if (m && m->type != '5')
			return out; /* the first non-folder on the way decides */
	}
	return NULL;
}

/* resolve() finds the regular member a manifest names as NAME, following
 * links inside the archive; a problem (missing, outside, loop) goes to the
 * report naming WHAT. */
static struct archive_member *resolve(struct archive *ar, const char *name,
                                      const char *what)
{
	size_t len;
	char *cur = normalize(name, strlen(name), &len);
	struct archive_member *m = NULL;
	int hops;

	for (hops = 0; hops <= LINK_HOPS; hops++) {
		char *next;

		m = archive_find(ar, cur);
		if (!m && (next = through_folder_link(ar, cur)) != NULL) {
			free(cur); /* a folder on the way is a link: followed */
			cur = next;
			continue;
		}
		if (!m) {
			report_problem(&ar->report, cur, "%s names this member, "
			               "which the archive does not hold", what);
			break;
		}
		if (m->type == '0') {
			m->referenced = 1;
			free(cur);
			return m;
		}
		if (m->type != '1' && m->type != '2') {
			report_problem(&ar->report, cur, "%s names this member, "
			               "which is not a file", what);
			break;
		}
		/* A hard link names a member from the archive's root ("/x"
		 * too, as GNU tar strips the '/'). */
		next = m->type == '1' ? util_path_fold(m->link, 1) : join(cur, m->link);
		if (!next) {
			report_problem(&ar->report, cur, "a link to %s, outside "
			               "the archive", m->link);
			break;
		}
		free(cur);
		cur = next;
	}
	if (hops > LINK_HOPS)
		report_problem(&ar->report, name, "links loop (or run longer "
		               "than %d)", LINK_HOPS);
	free(cur);
	return NULL;
}

/* top_doc() is the member NAME (index.json, manifest.json, oci-layout)
 * whose bytes are the document: the member itself, or the file a link of
 * that name leads to (GNU tar stores a second copy as a hard link). NULL
 * when there is none, or the link leads nowhere (said). */
static struct archive_member *top_doc(struct archive *ar, const char *name)
{
	struct archive_member *m = archive_find(ar, name);

	if (m && (m->type == '1' || m->type == '2'))
		m = resolve(ar, name, name);
	return m;
}

/* blob() finds blobs/sha256/<hex> for descriptor D, checking that its
 * size and bytes are what D says; problems name WHERE. */
static struct archive_member *blob(struct archive *ar,
                                   const struct model_descriptor *d,
                                   const char *where)
{
	char hex[65], name[80];
	struct archive_member *m;

	if (!d->valid)
		return NULL;
	model_digest_hex(&d->digest, hex);
	snprintf(name, sizeof name, "blobs/sha256/%s", hex);
	m = resolve(ar, name, where);
	if (!m)
		return NULL;
	if (m->size != d->size)
		report_problem(&ar->report, name, "%s says %llu bytes, the blob "
		               "has %llu", where, (unsigned long long)d->size,
		               (unsigned long long)m->size);
	if (!model_digest_equal(&m->sha, &d->digest))
		report_problem(&ar->report, name, "the blob's bytes do not "
		               "hash to its name (sha256 of the bytes is %s)",
		               (model_digest_hex(&m->sha, hex), hex));
	return m;
}

/* ---- documents --------------------------------------------------------- */

/* read_doc() reads and parses the JSON member M into DOC, which the
 * caller frees (json_doc_free) once it has taken what it needs. -1
 * (reported) when it is too large, over the archive's JSON budget, or not
 * JSON. */
static int read_doc(struct archive *ar, const struct archive_member *m,
                    struct json_doc *doc)
{
	struct json_error err;
	char *text;
	int r;

	memset(doc, 0, sizeof *doc);
	if (m->size > DOC_MAX) {
		report_problem(&ar->report, m->name, "a JSON document of %llu "
		               "bytes; tinyimg reads at most %d MiB",
		               (unsigned long long)m->size, DOC_MAX >> 20);
		return -1;
	}
	if (ar->json_bytes + m->size > JSON_TOTAL_MAX) {
		report_problem(&ar->report, m->name, "more JSON than tinyimg "
		               "reads from one archive (%d MiB in all)",
		               JSON_TOTAL_MAX >> 20);
		return -1;
	}
	ar->json_bytes += m->size;
	text = util_xmalloc((size_t)m->size + 1);
	if (util_pread_full(ar->fd, text, (size_t)m->size, m->offset,
	                    ar->name) < 0) {
		free(text);
		return -1;
	}
	r = json_parse(text, (size_t)m->size, doc, &err);
	if (r < 0)
		report_problem(&ar->report, m->name, "byte %zu: %s", err.offset,
		               err.what);
	free(text);
	return r;
}

/* seen_slot() is the slot of digest D in the table of manifests and
 * indexes already followed: the one holding D, or the empty one where it
 * goes. The table grows before it is half full. */
static struct archive_seen *seen_slot(struct archive *ar,
                                      const struct model_digest *d)
{
	size_t mask, i;

	if (2 * (ar->nseen + 1) > ar->seen_cap) {
		struct archive_seen *old = ar->seen;
		size_t cap = ar->seen_cap, k;

		ar->seen_cap = cap ? 2 * cap : 64;
		ar->seen = util_xreallocarray(NULL, ar->seen_cap,
		                              sizeof *ar->seen);
		memset(ar->seen, 0, ar->seen_cap * sizeof *ar->seen);
		ar->nseen = 0;
		for (k = 0; k < cap; k++)
			if (old[k].used) {
				*seen_slot(ar, &old[k].digest) = old[k];
				ar->nseen++;
			}
		free(old);
	}
	mask = ar->seen_cap - 1;
	for (i = ((size_t)d->b[0] | (size_t)d->b[1] << 8 |
	          (size_t)d->b[2] << 16 | (size_t)d->b[3] << 24) & mask;
	     ar->seen[i].used && !model_digest_equal(&ar->seen[i].digest, d);
	     i = (i + 1) & mask)
		;
	return &ar->seen[i];
}

/* visit() counts one more descriptor followed; 0 while under the budget,
 * -1 (reported once) past it. */
static int visit(struct archive *ar)
{
	if (++ar->visits == VISITS_MAX + 1)
		report_problem(&ar->report, ar->name, "more than %d manifests "
		               "and indexes named: not read further", VISITS_MAX);
	return ar->visits > VISITS_MAX ? -1 : 0;
}

/* push_string() adds a copy of S to the list V of N strings, once. */
static void push_string(char ***v, size_t *n, const char *s)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i], s) == 0)
			return;
	*v = util_xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = util_xstrdup(s);
}

/* image_for() is the image whose config has digest D, made when new. */
static struct archive_image *image_for(struct archive *ar,
                                       const struct model_digest *d)
{
	size_t i;
	struct archive_image *img;

	for (i = 0; i < ar->nimages; i++)
		if (model_digest_equal(&ar->images[i].config_digest, d) &&
		    !ar->images[i].attestation)
			return &ar->images[i];
	ar->images = util_xreallocarray(ar->images, ar->nimages + 1,
	                                sizeof *ar->images);
	img = &ar->images[ar->nimages++];
	memset(img, 0, sizeof *img);
	img->config_digest = *d;
	return img;
}

/* load_config() parses IMAGE's config from member M once. */
static void load_config(struct archive *ar, struct archive_image *img,
                        struct archive_member *m)
{
	struct json_doc doc;

	img->config_blob = m;
	if (img->has_config || !m)
		return;
	if (read_doc(ar, m, &doc) == 0) {
		model_config_parse(doc.root, &img->config, &ar->report, m->name);
		img->has_config = 1;
	}
	json_doc_free(&doc);
}

/* same_layers() checks that the layers of IMG, listed by both views, are
 * the same blobs; a problem otherwise. */
static void same_layers(struct archive *ar, struct archive_image *img,
                        struct archive_layer *other, size_t n,
                        const char *where)
{
	size_t i;

	if (n != img->nlayers) {
		report_problem(&ar->report, where, "lists %zu layers for the "
		               "image whose config the OCI index gives %zu", n,
		               img->nlayers);
		return;
	}
	for (i = 0; i < n; i++)
		if (other[i].blob && img->layers[i].blob &&
		    !model_digest_equal(&other[i].blob->sha,
		                        &img->layers[i].blob->sha))
			report_problem(&ar->report, where, "layer %zu is not the "
			               "blob index.json's manifest names", i + 1);
}

/* add_tag() adds the tag TEXT to IMG in both forms; a problem when it is
 * not a valid reference, or past the number of tags kept. */
static void add_tag(struct archive *ar, struct archive_image *img,
                    const char *text, const char *where)
{
	struct ref ref;
	const char *why;

	if (img->ntags >= TAGS_MAX) {
		if (img->tags_dropped++ == 0)
			report_problem(&ar->report, where, "more than %d tags "
			               "for one image: the rest are not read",
			               TAGS_MAX);
		return;
	}

	if (ref_parse(text, &ref, &why) < 0) {
		report_problem(&ar->report, where, "tag \"%s\": %s", text, why);
		return;
	}
	push_string(&img->tags, &img->ntags, ref.familiar);
	push_string(&img->names, &img->nnames, ref.full);
	ref_free(&ref);
}

/* docker_layers() reads the "Layers" of the manifest.json entry E (called
 * WHERE): each layer member, resolved, as a descriptor. Sets *N. */
static struct archive_layer *docker_layers(struct archive *ar,
                                           const struct json_value *e,
                                           const char *where, size_t *n)
{
	const struct json_value *layers = json_get(e, "Layers"), *l;
	struct archive_layer *list;

	*n = 0;
	if (!layers || layers->kind != JSON_ARRAY) {
		report_problem(&ar->report, where, "\"Layers\" is %s",
		               layers ? "not an array" : "missing");
		return NULL;
	}
	list = util_xreallocarray(NULL, layers->n + 1, sizeof *list);
	for (l = layers->first; l; l = l->next) {
		struct archive_layer *al = &list[(*n)++];

		memset(al, 0, sizeof *al);
		if (!json_str(l)) {
			report_problem(&ar->report, where, "a layer path is not "
			               "a string");
			continue;
		}
		al->blob = resolve(ar, json_str(l), where);
		if (al->blob) {
			al->desc.digest = al->blob->sha;
			al->desc.size = al->blob->size;
			al->desc.valid = 1;
			al->desc.media_type = util_xstrdup(
				al->blob->content == ARCHIVE_GZIP
				? MODEL_MT_OCI_LAYER_GZIP
				: al->blob->content == ARCHIVE_ZSTD
				? MODEL_MT_OCI_LAYER_ZSTD : MODEL_MT_OCI_LAYER);
		}
	}
	return list;
}

/* free_layers() frees a list docker_layers() made. */
static void free_layers(struct archive_layer *list, size_t n)
{
	while (n)
		model_descriptor_free(&list[--n].desc);
	free(list);
}

/* docker_tags() checks the "RepoTags" of the manifest.json entry E and
 * gives them to IMG (NULL: its config could not be read; checked only). */
static void docker_tags(struct archive *ar, struct archive_image *img,
                        const struct json_value *e, const char *where)
{
	const struct json_value *tags = json_get(e, "RepoTags"), *t;

	if (tags && tags->kind == JSON_ARRAY) {
		for (t = tags->first; t; t = t->next) {
			if (!json_str(t))
				report_problem(&ar->report, where, "a RepoTag is "
				               "not a string");
			else if (!strchr(strrchr(json_str(t), '/')
			                 ? strrchr(json_str(t), '/')
			                 : json_str(t), ':'))
				report_problem(&ar->report, where, "RepoTag \"%s\" "
				               "has no tag; docker load refuses it",
				               json_str(t));
			else if (img)
				add_tag(ar, img, json_str(t), where);
		}
	} else if (tags && tags->kind != JSON_NULL) {
		report_problem(&ar->report, where, "\"RepoTags\" is not an "
		               "array");
	}
}

/* docker_entry() reads one entry of manifest.json. */
static void docker_entry(struct archive *ar, const struct json_value *e,
                         size_t i)
{
	char where[64];
	const struct json_value *cfg;
	struct archive_member *cm = NULL;
	struct archive_image *img;
	struct archive_layer *list;
	size_t n;

	snprintf(where, sizeof where, "manifest.json[%zu]", i);
	if (e->kind != JSON_OBJECT) {
		report_problem(&ar->report, where, "not an object");
		return;
	}
	cfg = json_get(e, "Config");
	if (!json_str(cfg))
		report_problem(&ar->report, where, "\"Config\" is %s",
		               cfg ? "not a string" : "missing");
	else
		cm = resolve(ar, json_str(cfg), where);
	if (!cm) { /* every other problem of the entry is still listed */
		list = docker_layers(ar, e, where, &n);
		free_layers(list, n);
		docker_tags(ar, NULL, e, where);
		return;
	}
	img = image_for(ar, &cm->sha);
	load_config(ar, img, cm);
	list = docker_layers(ar, e, where, &n);
	if (!img->in_oci && !img->in_docker) {
		img->layers = list; /* the image's layers are these */
		img->nlayers = n;
	} else {
		if (img->in_oci && list)
			same_layers(ar, img, list, n, where);
		free_layers(list, n);
	}
	img->in_docker = 1;
	docker_tags(ar, img, e, where);
}

/* docker_view() reads manifest.json, docker save's index. */
static void docker_view(struct archive *ar, struct archive_member *m)
{
	const struct json_value *e;
	struct json_doc doc;
	size_t i = 0;

	m->referenced = 1;
	if (read_doc(ar, m, &doc) == 0 && doc.root->kind != JSON_ARRAY)
		report_problem(&ar->report, m->name, "not a JSON array");
	else if (doc.root)
		for (e = doc.root->first; e; e = e->next)
			docker_entry(ar, e, i++);
	json_doc_free(&doc);
}

/* name_image() names IMG after TOP, the index.json entry that led to it:
 * its full name, else its tag alone. */
static void name_image(struct archive *ar, struct archive_image *img,
                       const struct model_descriptor *top, const char *where)
{
	const char *name = model_kvs_get(&top->annotations,
	                                 "io.containerd.image.name");

	if (name)
		add_tag(ar, img, name, where);
	else if ((name = model_kvs_get(&top->annotations,
	                               "org.opencontainers.image.ref.name")) &&
	         img->ntags < TAGS_MAX)
		push_string(&img->tags, &img->ntags, name);
}

/* manifest_image() is the image the manifest MAN (from member MM, named
 * by descriptor D) makes: a new one for an attestation, else the image of
 * its config. */
static struct archive_image *manifest_image(struct archive *ar,
                                            const struct model_descriptor *d,
                                            const struct model_manifest *man,
                                            struct archive_member *mm)
{
	const char *ref_type = model_kvs_get(&d->annotations,
	                                     "vnd.docker.reference.type");
	struct archive_member *cm = blob(ar, &man->config, mm->name);
	struct archive_image *img;

	if (ref_type && strcmp(ref_type, "attestation-manifest") == 0) {
		ar->images = util_xreallocarray(ar->images, ar->nimages + 1,
		                                sizeof *ar->images);
		img = &ar->images[ar->nimages++];
		memset(img, 0, sizeof *img);
		img->attestation = 1;
		img->config_digest = man->config.digest;
		img->config_blob = cm;
		return img;
	}
	img = image_for(ar, &man->config.digest);
	load_config(ar, img, cm);
	return img;
}

/* manifest_layers() gives IMG the layers of MAN (taking them over), and
 * checks them against the docker view's when it listed the image first. */
static void manifest_layers(struct archive *ar, struct archive_image *img,
                            struct model_manifest *man,
                            const struct archive_member *mm)
{
	struct archive_layer *list =
		util_xreallocarray(NULL, man->nlayers + 1, sizeof *list);
	struct archive_layer *docker = img->layers;
	size_t i, nd = img->nlayers;

	for (i = 0; i < man->nlayers; i++) {
		list[i].desc = man->layers[i];
		memset(&man->layers[i], 0, sizeof man->layers[i]);
		list[i].blob = blob(ar, &list[i].desc, mm->name);
	}
	img->layers = list;
	img->nlayers = man->nlayers;
	if (!img->in_docker)
		return;
	same_layers(ar, img, docker, nd, "manifest.json");
	while (nd)
		model_descriptor_free(&docker[--nd].desc);
	free(docker);
}

/* oci_manifest() reads the image manifest D names (from WHERE), once:
 * named again, it only names its image again. */
static void oci_manifest(struct archive *ar, const struct model_descriptor *d,
                         const struct model_descriptor *top,
                         const char *where)
{
	struct archive_member *mm;
	struct archive_seen *seen;
	struct model_manifest man;
	struct archive_image *img;
	struct json_doc doc;

	if (!d->valid)
		return;
	seen = seen_slot(ar, &d->digest);
	if (seen->used) {
		if (seen->manifest)
			name_image(ar, &ar->images[seen->image], top, where);
		else
			report_problem(&ar->report, where, "names an image index "
			               "as a manifest");
		return;
	}
	if (!(mm = blob(ar, d, where)))
		return;
	if (read_doc(ar, mm, &doc) < 0) {
		json_doc_free(&doc);
		return;
	}
	model_manifest_parse(doc.root, &man, &ar->report, mm->name);
	json_doc_free(&doc);
	if (man.media_type && strcmp(man.media_type, MODEL_MT_OCI_MANIFEST) &&
	    strcmp(man.media_type, MODEL_MT_DOCKER_MANIFEST))
		report_problem(&ar->report, mm->name, "mediaType %s is not an "
		               "image manifest", man.media_type);
	if (!man.config.valid) {
		model_manifest_free(&man);
		return;
	}
	img = manifest_image(ar, d, &man, mm);
	if (img->in_oci)
		report_problem(&ar->report, where, "two manifests share one "
		               "config");
	img->has_manifest = 1;
	img->manifest_digest = d->digest;
	img->manifest_size = d->size;
	if (d->has_platform && !img->platform.os) {
		img->platform.os = d->platform.os
		                   ? util_xstrdup(d->platform.os) : NULL;
		img->platform.architecture = d->platform.architecture
		        ? util_xstrdup(d->platform.architecture) : NULL;
		img->platform.variant = d->platform.variant
		        ? util_xstrdup(d->platform.variant) : NULL;
	}
	if (!img->in_oci)
		manifest_layers(ar, img, &man, mm);
	img->in_oci = 1;
	seen = seen_slot(ar, &d->digest);
	seen->used = 1;
	seen->digest = d->digest;
	seen->manifest = 1;
	seen->image = (size_t)(img - ar->images);
	ar->nseen++;
	name_image(ar, img, top, where);
	model_manifest_free(&man);
}

/* nested_index() is the parsed index D names (from WHERE), read once and
 * kept; NULL (reported) when it cannot be read. */
static struct model_index *nested_index(struct archive *ar,
                                        const struct model_descriptor *d,
                                        const char *where)
{
	struct archive_seen *seen;
	struct archive_member *im;
	struct model_index *x;
	struct json_doc doc;

	if (!d->valid)
		return NULL;
	seen = seen_slot(ar, &d->digest);
	if (seen->used && seen->manifest)
		report_problem(&ar->report, where, "names an image manifest as "
		               "an index");
	if (seen->used)
		return seen->index;
	if (!(im = blob(ar, d, where)))
		return NULL;
	if (read_doc(ar, im, &doc) < 0) {
		json_doc_free(&doc);
		return NULL;
	}
	x = util_xmalloc(sizeof *x);
	model_index_parse(doc.root, x, &ar->report, im->name);
	json_doc_free(&doc);
	seen = seen_slot(ar, &d->digest);
	seen->used = 1;
	seen->digest = d->digest;
	seen->index = x;
	ar->nseen++;
	return x;
}

/* oci_index() follows the manifests and indexes X lists, DEPTH deep. TOP
 * is the index.json entry that led here (its names name the images). */
static void oci_index(struct archive *ar, const struct model_index *x,
                      const char *where, const struct model_descriptor *top,
                      int depth)
{
	size_t i;

	for (i = 0; i < x->nmanifests && visit(ar) == 0; i++) {
		const struct model_descriptor *d = &x->manifests[i];
		const char *mt = d->media_type ? d->media_type : "";
		const struct model_descriptor *names = top ? top : d;
		const struct model_index *sub;
		char at[80];

		if (!strcmp(mt, MODEL_MT_OCI_MANIFEST) ||
		    !strcmp(mt, MODEL_MT_DOCKER_MANIFEST)) {
			oci_manifest(ar, d, names, where);
		} else if (!strcmp(mt, MODEL_MT_OCI_INDEX) ||
		           !strcmp(mt, MODEL_MT_DOCKER_LIST)) {
			if (depth >= INDEX_DEPTH) {
				if (!ar->too_deep++)
					report_problem(&ar->report, where, "indexes "
					               "nest deeper than %d (or "
					               "name each other in a loop)",
					               INDEX_DEPTH);
				continue;
			}
			if (!(sub = nested_index(ar, d, where)))
				continue;
			model_digest_hex(&d->digest, at + 13);
			memcpy(at, "blobs/sha256/", 13);
			oci_index(ar, sub, at, names, depth + 1);
		} else {
			report_problem(&ar->report, where, "manifests[%zu] has "
			               "mediaType \"%s\", not a manifest or index",
			               i, mt);
		}
	}
}

/* oci_view() reads oci-layout and index.json. */
static void oci_view(struct archive *ar, struct archive_member *idx)
{
	struct archive_member *layout = top_doc(ar, "oci-layout");
	const struct json_value *ver;
	struct model_index x;
	struct json_doc doc;

	idx->referenced = 1;
	if (!layout && archive_find(ar, "oci-layout")) {
		; /* a link to nothing, said */
	} else if (!layout) {
		report_problem(&ar->report, "oci-layout", "index.json is there "
		               "but oci-layout is not");
	} else if (read_doc(ar, layout, &doc) == 0) {
		layout->referenced = 1;
		ver = json_get(doc.root, "imageLayoutVersion");
		if (!json_str(ver) || strcmp(json_str(ver), "1.0.0") != 0)
			report_problem(&ar->report, "oci-layout",
			               "imageLayoutVersion is not \"1.0.0\"");
	}
	if (layout)
		json_doc_free(&doc);
	if (read_doc(ar, idx, &doc) == 0) {
		model_index_parse(doc.root, &x, &ar->report, "index.json");
		json_doc_free(&doc);
		oci_index(ar, &x, "index.json", NULL, 0);
		model_index_free(&x);
	} else {
		json_doc_free(&doc);
	}
}

/* ---- verification ------------------------------------------------------ */

/* check_image() checks an image's config against its layers. */
static void check_image(struct archive *ar, struct archive_image *img)
{
	const char *where = img->config_blob ? img->config_blob->name
	                                     : "the image config";
	char want[72], got[72];
	size_t i;

	if (img->attestation || !img->has_config)
		return;
	if (img->config.ndiff_ids != img->nlayers)
		report_problem(&ar->report, where, "rootfs.diff_ids lists %zu "
		               "layer%s, the manifest %zu", img->config.ndiff_ids,
		               img->config.ndiff_ids == 1 ? "" : "s",
		               img->nlayers);
	if (img->nlayers == 0)
		report_problem(&ar->report, where, "an image without layers "
		               "(docker save and docker load refuse one)");
	if (img->platform.architecture && img->config.architecture &&
	    strcmp(img->platform.architecture, img->config.architecture))
		report_problem(&ar->report, where, "architecture %s, but the "
		               "index says %s", img->config.architecture,
		               img->platform.architecture);
	for (i = 0; i < img->nlayers; i++) {
		struct archive_layer *l = &img->layers[i];
		int kind = model_layer_compression(l->desc.media_type);

		if (!l->blob)
			continue;
		if (l->desc.media_type && !kind)
			report_problem(&ar->report, l->blob->name, "layer %zu has "
			               "mediaType %s, not a layer", i + 1,
			               l->desc.media_type);
		if ((kind == 2 && l->blob->content != ARCHIVE_GZIP) ||
		    (kind == 1 && l->blob->content != ARCHIVE_TAR) ||
		    (kind == 3 && l->blob->content != ARCHIVE_ZSTD))
			report_problem(&ar->report, l->blob->name, "layer %zu: the "
			               "bytes are not what mediaType %s says", i + 1,
			               l->desc.media_type);
		if (l->blob->content == ARCHIVE_ZSTD) {
			report_warning(&ar->report, l->blob->name, "a zstd layer: "
			               "its digest is checked, its contents were "
			               "not read (tinyimg has no zstd decoder)");
			continue;
		}
		if (l->blob->error)
			report_problem(&ar->report, l->blob->name, "layer %zu: %s",
			               i + 1, l->blob->error);
		if (i < img->config.ndiff_ids && l->blob->read_ok &&
		    !model_digest_equal(&l->blob->diff,
		                        &img->config.diff_ids[i])) {
			model_digest_string(&img->config.diff_ids[i], want);
			model_digest_string(&l->blob->diff, got);
			report_problem(&ar->report, l->blob->name, "layer %zu: "
			               "uncompressed it is %s, but the config's "
			               "diff_id is %s", i + 1, got, want);
		}
	}
}

/* any_image() says whether AR holds an image (attestations are not). */
static int any_image(const struct archive *ar)
{
	size_t i;

	for (i = 0; i < ar->nimages; i++)
		if (!ar->images[i].attestation)
			return 1;
	return 0;
}

/* unreferenced() warns of blobs nothing names. */
static void unreferenced(struct archive *ar)
{
	size_t i;

	for (i = 0; i < ar->n; i++)
		if (!ar->m[i].referenced && ar->m[i].type == '0' &&
		    strncmp(ar->m[i].name, "blobs/", 6) == 0)
			report_warning(&ar->report, ar->m[i].name, "a blob no "
			               "manifest names");
}

int archive_read(const char *path, const struct archive_options *opt,
                 struct archive *ar)
{
	struct pass p;
	uint64_t size = 0;
	int seekable, r;
	struct archive_member *idx, *dm;
	size_t i;

	memset(ar, 0, sizeof *ar);
	report_init(&ar->report);
	ar->fd = -1;
	if ((seekable = open_input(path, ar, &size)) < 0)
		return -1;
	memset(&p, 0, sizeof p);
	p.ar = ar;
	p.opt = opt;
	p.spool_fd = -1;
	progress_init(&p.prog, "reading", size, opt->progress);
	tarread_init(&p.outer, &outer_ops, &p);
	r = read_stream(&p, seekable);
	progress_end(&p.prog);
	if (r == 0 && p.stopped)
		; /* reported where it stopped */
	else if (r == 0 && p.outer.error[0])
		report_problem(&ar->report, ar->name, "byte %llu: %s",
		               (unsigned long long)p.outer.error_offset,
		               p.outer.error);
	else if (r == 0 && tarread_finish(&p.outer) != 0)
		report_problem(&ar->report, ar->name, "%s", p.outer.error);
	else if (r == 0 && !p.outer.ended && ar->n)
		report_warning(&ar->report, ar->name, "the tar has no end "
		               "blocks (two zero blocks)");
	if (p.f.m && p.outer.in_data) /* a member cut short */
		outer_end(&p);
	ar->ended = p.outer.ended;
	tarread_free(&p.outer);
	if (p.gz)
		inflate_free(p.gz);
	if (p.spool_fd >= 0) {
		ar->have_st = 0; /* the spool is ours: it cannot change */
		if (ar->own_fd)
			close(ar->fd);
		ar->fd = p.spool_fd;
		ar->own_fd = 1;
	}
	if (r < 0)
		return -1;
	if (ar->input_size == 0) {
		report_problem(&ar->report, ar->name, "empty: not an image "
		               "tarball");
		return 0;
	}
	index_members(ar);
	idx = top_doc(ar, "index.json");
	dm = top_doc(ar, "manifest.json");
	ar->has_index = archive_find(ar, "index.json") != NULL;
	ar->has_docker_manifest = archive_find(ar, "manifest.json") != NULL;
	if (idx)
		oci_view(ar, idx);
	if (dm)
		docker_view(ar, dm);
	if (!ar->has_index && !ar->has_docker_manifest &&
	    (ar->n > 0 || ar->report.problems == 0))
		report_problem(&ar->report, ar->name, "neither index.json nor "
		               "manifest.json: not an image tarball");
	for (i = 0; i < ar->nimages; i++)
		check_image(ar, &ar->images[i]);
	if ((ar->has_index || ar->has_docker_manifest) && !any_image(ar) &&
	    ar->report.problems == 0)
		report_problem(&ar->report, ar->name, "no image: %s none",
		               !ar->has_index ? "manifest.json lists"
		               : !ar->has_docker_manifest ? "index.json lists"
		               : "index.json and manifest.json list");
	unreferenced(ar);
	return 0;
}

int archive_unchanged(const struct archive *ar)
{
	struct stat st;

	if (!ar->have_st)
		return 0;
	if (fstat(ar->fd, &st) < 0)
		return util_error("%s:", ar->name);
	if (st.st_dev != ar->st.st_dev || st.st_ino != ar->st.st_ino ||
	    st.st_size != ar->st.st_size ||
	    st.st_mtim.tv_sec != ar->st.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != ar->st.st_mtim.tv_nsec ||
	    st.st_ctim.tv_sec != ar->st.st_ctim.tv_sec ||
	    st.st_ctim.tv_nsec != ar->st.st_ctim.tv_nsec)
		return util_error("%s: changed while tinyimg was reading it; "
		                  "build again", ar->name);
	return 0;
}

struct model_platform archive_image_platform(const struct archive_image *img)
{
	struct model_platform p;

	p.os = img->config.os ? img->config.os : img->platform.os;
	p.architecture = img->config.architecture ? img->config.architecture
	                                          : img->platform.architecture;
	p.variant = img->config.variant ? img->config.variant
	                                : img->platform.variant;
	return p;
}

void archive_platform_text(const struct archive_image *img, char *buf,
                           size_t len)
{
	struct model_platform p = archive_image_platform(img);

	snprintf(buf, len, "%s/%s%s%s", p.os ? p.os : "?",
	         p.architecture ? p.architecture : "?", p.variant ? "/" : "",
	         p.variant ? p.variant : "");
}

/* ---- reading contents and files --------------------------------------- */

/* A window of a gzip member's inflated bytes, being copied out. */
struct window {
	uint64_t at, offset;   /* inflated so far; where the window starts */
	unsigned char *buf;
	size_t len, got;
};

/* into_window() copies the part of inflated bytes that falls in the
 * window, and stops the inflater once the window is full. */
static int into_window(void *ctx, const void *data, size_t n)
{
	struct window *w = ctx;
	const unsigned char *p = data;
	uint64_t end = w->at + n;

	if (end > w->offset && w->at < w->offset + w->len) {
		uint64_t from = w->offset > w->at ? w->offset : w->at;
		uint64_t to = end < w->offset + w->len ? end
		                                       : w->offset + w->len;

		memcpy(w->buf + (from - w->offset), p + (from - w->at),
		       (size_t)(to - from));
		w->got = (size_t)(to - w->offset);
	}
	w->at = end;
	return w->at >= w->offset + w->len; /* stop once it is full */
}

int64_t archive_read_content(struct archive *ar,
                             const struct archive_member *m, uint64_t offset,
                             void *buf, size_t len)
{
	struct window w = { 0, offset, buf, len, 0 };
	unsigned char *chunk;
	uint64_t pos = 0;
	struct inflate *z;
	int r = INFLATE_MORE;

	if (m->content != ARCHIVE_GZIP) {
		if (offset >= m->size)
			return 0;
		if (len > m->size - offset)
			len = (size_t)(m->size - offset);
		return util_pread_full(ar->fd, buf, len, m->offset + offset,
		                       ar->name) < 0 ? -1 : (int64_t)len;
	}
	if (ar->last && ar->last_m == m && ar->last_offset == offset &&
	    ar->last_len == len) {
		memcpy(buf, ar->last, (size_t)ar->last_got);
		return ar->last_got;
	}
	z = inflate_new(1);
	chunk = util_xmalloc(CHUNK);
	while (pos < m->size && r == INFLATE_MORE) {
		size_t n = m->size - pos < CHUNK ? (size_t)(m->size - pos) : CHUNK;

		if (util_pread_full(ar->fd, chunk, n, m->offset + pos,
		                    ar->name) < 0) {
			inflate_free(z);
			free(chunk);
			return -1; /* said */
		}
		pos += n;
		r = inflate_feed(z, chunk, n, into_window, &w);
	}
	inflate_free(z);
	free(chunk);
	if (r == INFLATE_ERROR && w.got < len)
		return util_error("%s: %s: cannot inflate", ar->name, m->name);
	free(ar->last);
	ar->last = util_xmalloc(w.got + 1);
	memcpy(ar->last, buf, w.got);
	ar->last_m = m;
	ar->last_offset = offset;
	ar->last_len = len;
	ar->last_got = (int64_t)w.got;
	return (int64_t)w.got;
}

/* The layer whose files the sort below orders (qsort has no context). */
struct by_name_sort {
	const struct archive_file *files;
	size_t i;
};

static int by_name_cmp(const void *a, const void *b)
{
	const struct by_name_sort *x = a, *y = b;
	int c = strcmp(x->files[x->i].name, y->files[y->i].name);

	return c ? c : x->i < y->i ? -1 : x->i > y->i;
}

/* index_files() sorts M's files by name (then by their order) into
 * M->by_name, once. */
static void index_files(struct archive_member *m)
{
	struct by_name_sort *v;
	size_t i;

	if (m->by_name || m->nfiles == 0)
		return;
	v = util_xreallocarray(NULL, m->nfiles, sizeof *v);
	for (i = 0; i < m->nfiles; i++) {
		v[i].files = m->files;
		v[i].i = i;
	}
	qsort(v, m->nfiles, sizeof *v, by_name_cmp);
	m->by_name = util_xreallocarray(NULL, m->nfiles, sizeof *m->by_name);
	for (i = 0; i < m->nfiles; i++)
		m->by_name[i] = v[i].i;
	free(v);
}

/* name_cmp() compares the entry name F with NAME's LEN bytes as strcmp
 * would compare F with a string of those bytes. */
static int name_cmp(const char *f, const char *name, size_t len)
{
	int c = strncmp(f, name, len);

	return c ? c : f[len] != '\0';
}

/* last_before() is the last entry of M named NAME (LEN bytes) among its
 * first END entries (what NAME is when entry END is unpacked), or NULL:
 * a binary search of M's index, sorted by name, then position. */
static const struct archive_file *last_before(struct archive_member *m,
                                              const char *name, size_t len,
                                              size_t end)
{
	size_t lo = 0, hi, mid, at;

	index_files(m);
	hi = m->nfiles;
	while (lo < hi) { /* the first entry not before (NAME, END) */
		int c;

		mid = lo + (hi - lo) / 2;
		c = name_cmp(m->files[m->by_name[mid]].name, name, len);
		if (c < 0 || (c == 0 && m->by_name[mid] < end))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	at = m->by_name[lo - 1];
	return name_cmp(m->files[at].name, name, len) == 0 ? &m->files[at]
	                                                   : NULL;
}

/* find_file() is the last entry of M named NAME (LEN bytes), or NULL. */
static const struct archive_file *find_file(struct archive_member *m,
                                            const char *name, size_t len)
{
	return last_before(m, name, len, m->nfiles);
}



/* check_hard_links() reports each hard link of the layer M (all of whose
 * entries are kept) that cannot be made when the layer is unpacked, on
 * its own and in order, as docker and umoci unpack it: its target must be
 * what an earlier entry left there, not a folder, and not the link's own
 * name (which is removed before the link is made). */
static void check_hard_links(struct archive *ar, struct archive_member *m)
{
	size_t i;

	for (i = 0; i < m->nfiles; i++) {
		const struct archive_file *f = &m->files[i], *t;
		const char *why = NULL;
		char *target;

		if (f->type != '1' || !f->link)
			continue;
		/* Resolved inside the layer's root, as Docker joins it. */
		target = util_path_fold(f->link, 1);
		t = last_before(m, target, strlen(target), i);
		if (strcmp(target, f->name) == 0)
			why = "its own name, removed before the link is made";
		else if (!t)
			why = "which no earlier entry of the layer holds";
		else if (t->type == '5' || !*target)
			why = "a folder, which cannot be hard linked";
		if (why)
			report_problem(&ar->report, m->name, "layer entry \"%s\": "
			               "a hard link to \"%s\", %s (docker and "
			               "umoci refuse it)", f->name, f->link, why);
		free(target);
	}
}

/* hidden() says whether the layer M hides the first LEN bytes of NAME in
 * the layers below: a whiteout ".wh.X" beside it or beside one of its
 * folders, an opaque marker ".wh..wh..opq" in one of its folders, or an
 * entry that is not a folder where one of its folders would be (a file
 * or a link put over a folder). Adds the bytes it looked at to *WORK. */
static int hidden(struct archive_member *m, const char *name, size_t len,
                  uint64_t *work)
{
	size_t dir = 0, end;
	const struct archive_file *f;
	char *w;
	int found;

	for (;;) {
		end = dir + strcspn(name + dir, "/");
		if (end > len)
			end = len;
		w = util_xasprintf("%.*s.wh.%.*s", (int)dir, name,
		                   (int)(end - dir), name + dir);
		*work += end + 16;
		found = find_file(m, w, strlen(w)) != NULL;
		free(w);
		if (found)
			return 1;
		if (end == len)
			return 0;
		f = find_file(m, name, end); /* a folder on the way */
		if (f && f->type != '5')
			return 1;
		dir = end + 1; /* NAME goes on below this folder */
		w = util_xasprintf("%.*s.wh..wh..opq", (int)dir, name);
		*work += dir + 16;
		found = find_file(m, w, strlen(w)) != NULL;
		free(w);
		if (found)
			return 1;
	}
}

/* layer_lookup() finds the entry named by the first LEN bytes of NAME
 * (clean, relative) as IMG's layers show it: the last entry of that name
 * in the topmost layer holding one, unless a layer above hides it (a
 * marker ".wh..wh..opq" at the root hides everything below). Sets *LAYER
 * to its layer; adds the bytes it looked at to *WORK. */
static const struct archive_file *layer_lookup(
	const struct archive_image *img, const char *name, size_t len,
	const struct archive_member **layer, uint64_t *work)
{
	size_t i;

	for (i = img->nlayers; i > 0; i--) {
		struct archive_member *l = img->layers[i - 1].blob;
		const struct archive_file *found;

		if (!l)
			continue;
		*work += len;
		if ((found = find_file(l, name, len)) != NULL) {
			*layer = l;
			return found;
		}
		if (hidden(l, name, len, work) ||
		    find_file(l, ".wh..wh..opq", 12))
			return NULL;
	}
	return NULL;
}

const struct archive_file *archive_image_entry(
	const struct archive_image *img, const char *name)
{
	const struct archive_member *layer;
	uint64_t work = 0;

	return layer_lookup(img, name, strlen(name), &layer, &work);
}

/* link_target() is the path a link F found at the first END bytes of CUR
 * leads to, with the rest of CUR (REST) after it: a symbolic link is
 * relative to its folder unless absolute; a hard link names a path from
 * the root. A heap string, cleaned. */
static char *link_target(const char *cur, size_t end,
                         const struct archive_file *f, const char *rest)
{
	size_t dir = end;
	char *joined, *clean;

	while (dir > 0 && cur[dir - 1] != '/')
		dir--;
	if (f->type == '1' || f->link[0] == '/')
		joined = util_xasprintf("/%s%s", f->link, rest);
	else
		joined = util_xasprintf("%.*s%s%s", (int)dir, cur, f->link, rest);
	clean = util_path_fold(joined, 1);
	free(joined);
	return clean;
}

const struct archive_file *archive_image_file(
	const struct archive_image *img, const char *path,
	const struct archive_member **layer, uint64_t *work)
{
	char *cur;
	const struct archive_file *f = NULL;
	size_t end = 0;
	int hops = 0;

	if (strlen(path) >= IMAGE_PATH_MAX || *work > ARCHIVE_LOOKUP_WORK)
		return NULL; /* the kernel says ENAMETOOLONG; or spent */
	cur = util_path_fold(path, 1);

	/* Component by component: a link met on the way is followed, with
	 * the rest of the path after its target. */
	while (cur[end]) {
		const char *rest;

		end += strcspn(cur + end, "/");
		f = layer_lookup(img, cur, end, layer, work);
		if (*work > ARCHIVE_LOOKUP_WORK) {
			f = NULL;
			break;
		}
		rest = cur + end;
		if (f && f->link && (f->type == '2' ||
		                     (f->type == '1' && !*rest))) {
			char *next;

			if (++hops > IMAGE_LINK_HOPS) {
				f = NULL;
				break;
			}
			next = link_target(cur, end, f, rest);
			free(cur);
			cur = next;
			if (strlen(cur) >= IMAGE_PATH_MAX) {
				f = NULL; /* ENAMETOOLONG */
				break;
			}
			end = 0;
			f = NULL;
			continue;
		}
		if (*rest)
			end++; /* past the '/' */
	}
	free(cur);
	return f && f->type == '0' ? f : NULL;
}

/* ---- freeing ------------------------------------------------------------ */

static void free_image(struct archive_image *img)
{
	size_t i;

	for (i = 0; i < img->ntags; i++)
		free(img->tags[i]);
	for (i = 0; i < img->nnames; i++)
		free(img->names[i]);
	free(img->tags);
	free(img->names);
	free(img->platform.os);
	free(img->platform.architecture);
	free(img->platform.variant);
	model_config_free(&img->config);
	for (i = 0; i < img->nlayers; i++)
		model_descriptor_free(&img->layers[i].desc);
	free(img->layers);
}

void archive_free(struct archive *ar)
{
	size_t i, j;

	for (i = 0; i < ar->n; i++) {
		struct archive_member *m = &ar->m[i];

		for (j = 0; j < m->nfiles; j++) {
			free(m->files[j].name);
			free(m->files[j].link);
		}
		free(m->files);
		free(m->by_name);
		free(m->name);
		free(m->link);
		free(m->error);
	}
	free(ar->m);
	free(ar->sorted);
	for (i = 0; i < ar->nimages; i++)
		free_image(&ar->images[i]);
	free(ar->images);
	for (i = 0; i < ar->seen_cap; i++)
		if (ar->seen[i].used && ar->seen[i].index) {
			model_index_free(ar->seen[i].index);
			free(ar->seen[i].index);
		}
	free(ar->seen);
	free(ar->last);
	if (ar->own_fd && ar->fd >= 0)
		close(ar->fd);
	if (ar->spool) {
		unlink(ar->spool);
		cleanup_forget(ar->spool);
		free(ar->spool);
	}
	report_free(&ar->report);
	memset(ar, 0, sizeof *ar);
	ar->fd = -1;
}
