/* layer: the root file system of an image, as an uncompressed tar. */
#define _POSIX_C_SOURCE 200809L
#include "layer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

void layer_init(struct layer *l)
{
	memset(l, 0, sizeof *l);
}

/* free_entry() releases the strings of E. */
static void free_entry(struct layer_entry *e)
{
	free(e->name);
	free(e->source);
	free(e->link);
	free(e->needed_by);
}

void layer_free(struct layer *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free_entry(&l->v[i]);
	for (i = 0; i < l->norigins; i++)
		free(l->origins[i]);
	free(l->v);
	free(l->origins);
	free(l->skip);
	layer_init(l);
}

size_t layer_origin(struct layer *l, const char *what)
{
	l->origins = util_xreallocarray(l->origins, l->norigins + 1,
	                                sizeof *l->origins);
	l->origins[l->norigins] = util_xstrdup(what);
	return l->norigins++;
}

/* skip() keeps the file ST out of every walk. */
static void skip(struct layer *l, const struct stat *st)
{
	l->skip = util_xreallocarray(l->skip, l->nskip + 1, sizeof *l->skip);
	l->skip[l->nskip].dev = st->st_dev;
	l->skip[l->nskip].ino = st->st_ino;
	l->nskip++;
}

void layer_skip_fd(struct layer *l, int fd)
{
	struct stat st;

	if (fstat(fd, &st) == 0)
		skip(l, &st);
}

void layer_skip_path(struct layer *l, const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0)
		skip(l, &st);
}

/* skipped() says whether ST is one of the paths no walk may take in. */
static int skipped(const struct layer *l, const struct stat *st)
{
	size_t i;

	for (i = 0; i < l->nskip; i++)
		if (l->skip[i].dev == st->st_dev && l->skip[i].ino == st->st_ino)
			return 1;
	return 0;
}

uint64_t layer_bytes(const struct layer *l)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < l->n; i++)
		n += l->v[i].type == TAR_FILE ? l->v[i].size : 0;
	return n;
}

int layer_path_ok(const char *path)
{
	const char *p;

	if (path[0] != '/' || path[1] == '\0')
		return 0;
	for (p = path + 1;;) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (p[n] == '\0')
			return 1;
		p += n + 1;
	}
}

/* push() appends E, taking ownership of its strings. */
static void push(struct layer *l, struct layer_entry e)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->v = util_xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	l->v[l->n++] = e;
}

void layer_set_below(struct layer *l, const struct layer_below *below)
{
	l->below = below;
}

enum { LINK_HOPS = 40 }; /* links followed in a row, as the kernel */

/* below_at() is what the image below has at the first LEN bytes of PATH
 * (absolute, clean), without the leading '/'; NONE when there is none. */
static enum layer_below_kind below_at(const struct layer *l,
                                      const char *path, size_t len,
                                      const char **target)
{
	char *name;
	enum layer_below_kind k;

	if (!l->below || len <= 1)
		return l->below && len <= 1 ? LAYER_BELOW_DIR : LAYER_BELOW_NONE;
	name = util_xasprintf("%.*s", (int)(len - 1), path + 1);
	k = l->below->at(l->below->ctx, name, target);
	free(name);
	return k;
}

/* follow() is PATH with the link at its first LEN bytes replaced by the
 * link's TARGET (relative to the link's folder unless absolute), folded
 * inside the image's root: a heap string, absolute ("/" at the least). */
static char *follow(const char *path, size_t len, const char *target)
{
	size_t dir = len;
	char *joined, *folded, *out;

	while (dir > 0 && path[dir - 1] != '/')
		dir--;
	joined = util_xasprintf("%.*s/%s%s", target[0] == '/' ? 0 : (int)dir,
	                        path, target, path + len);
	folded = util_path_fold(joined, 1);
	out = util_xasprintf("/%s", folded);
	free(joined);
	free(folded);
	return out;
}

/* place() is where PATH (absolute, clean) lands on the image below: every
 * folder above it (and PATH itself when WHOLE) followed through the
 * image's links, until a part the image does not have as a folder or a
 * link. A heap string, or NULL after a message about a loop. */
static char *place(const struct layer *l, const char *path, int whole)
{
	char *cur = util_xstrdup(path);
	size_t end = 1;
	int hops = 0;

	while (l->below && cur[end - 1] != '\0') {
		const char *target = NULL;
		size_t len = end + strcspn(cur + end, "/");
		enum layer_below_kind k;
		char *next;

		if (cur[len] == '\0' && !whole)
			break;
		k = below_at(l, cur, len, &target);
		if (k == LAYER_BELOW_DIR) {
			end = len + 1;
			continue;
		}
		if (k != LAYER_BELOW_LINK || !target)
			break;
		if (++hops > LINK_HOPS) {
			free(cur);
			util_error("%s: more than %d symbolic links in a row in "
			           "the base image on the way", path, LINK_HOPS);
			return NULL;
		}
		next = follow(cur, len, target);
		free(cur);
		cur = next;
		end = 1;
	}
	return cur;
}

/* below_dir() says whether the image below has a folder at PATH. */
static int below_dir(const struct layer *l, const char *path)
{
	const char *target;

	return l->below && below_at(l, path, strlen(path), &target) ==
	                   LAYER_BELOW_DIR;
}

/* add_parents() adds an implicit folder entry for each parent of PATH that
 * the image below does not have, saying that PATH (from ORIGIN) needs it. */
static void add_parents(struct layer *l, size_t origin, const char *path)
{
	const char *p, *target;

	for (p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		struct layer_entry e = { 0 };

		if (l->below && below_at(l, path, (size_t)(p - path), &target) ==
		                LAYER_BELOW_DIR)
			continue;

		e.name = util_xmalloc((size_t)(p - path) + 1);
		memcpy(e.name, path + 1, (size_t)(p - path));
		e.name[p - path] = '\0'; /* "usr/" for "/usr/bin/x" */
		e.type = TAR_DIR;
		e.mode = 0755;
		e.origin = origin;
		e.needed_by = util_xstrdup(path);
		push(l, e);
	}
}

/* add() checks PATH and adds E (from ORIGIN) under it. */
static int add(struct layer *l, size_t origin, const char *path,
               struct layer_entry e)
{
	if (!layer_path_ok(path)) {
		free_entry(&e);
		return util_error("%s: not a clean absolute path in the image "
		                  "(no '.', '..' or empty parts)", path);
	}
	e.name = util_xasprintf("%s%s", path + 1, e.type == TAR_DIR ? "/" : "");
	e.origin = origin;
	push(l, e);
	return 0;
}

int layer_add_file(struct layer *l, size_t origin, const char *path,
                   const char *source, unsigned mode, uint64_t size)
{
	struct layer_entry e = { 0 };
	char *placed;
	int r;

	if (!layer_path_ok(path))
		return util_error("%s: not a clean absolute path in the image "
		                  "(no '.', '..' or empty parts)", path);
	if (!(placed = place(l, path, 0)))
		return -1;
	add_parents(l, origin, placed);
	e.type = TAR_FILE;
	e.mode = mode;
	e.size = size;
	e.source = util_xstrdup(source);
	r = add(l, origin, placed, e);
	free(placed);
	return r;
}

/* add_node() adds the host path SRC, described by ST, at DEST: a regular
 * file, a symlink, or a folder and everything below it. */
static int add_node(struct layer *l, size_t origin, const char *src,
                    const struct stat *st, const char *dest);

/* add_children() adds every entry of the folder SRC below DEST, leaving
 * out the paths to skip. */
static int add_children(struct layer *l, size_t origin, const char *src,
                        const char *dest)
{
	DIR *d = opendir(src);
	struct dirent *de;
	int r = 0;

	if (!d)
		return util_error("%s:", src);
	errno = 0;
	while (r == 0 && (de = readdir(d))) {
		struct stat st;
		char *s, *t;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		s = util_xasprintf("%s/%s", src, de->d_name);
		t = util_xasprintf("%s/%s", strcmp(dest, "/") ? dest : "",
		                   de->d_name);
		if (lstat(s, &st) < 0)
			r = util_error("%s:", s);
		else if (!skipped(l, &st))
			r = add_node(l, origin, s, &st, t);
		free(s);
		free(t);
		errno = 0;
	}
	if (r == 0 && errno)
		r = util_error("%s: cannot list:", src);
	closedir(d);
	return r;
}

static int add_node(struct layer *l, size_t origin, const char *src,
                    const struct stat *st, const char *dest)
{
	struct layer_entry e = { 0 };
	char target[4096];
	ssize_t n;

	e.mode = st->st_mode & 07777;
	if (S_ISREG(st->st_mode)) {
		e.type = TAR_FILE;
		e.size = (uint64_t)st->st_size;
		e.source = util_xstrdup(src);
		return add(l, origin, dest, e);
	}
	if (S_ISLNK(st->st_mode)) {
		n = readlink(src, target, sizeof target);
		if (n < 0)
			return util_error("%s:", src);
		if ((size_t)n == sizeof target)
			return util_error("%s: link target longer than %zu bytes",
			                  src, sizeof target - 1);
		target[n] = '\0';
		e.type = TAR_SYMLINK;
		e.mode = 0777;
		e.link = util_xstrdup(target);
		return add(l, origin, dest, e);
	}
	if (!S_ISDIR(st->st_mode))
		return util_error("%s: is a device file, socket or FIFO; only "
		                  "regular files, folders and symlinks go into "
		                  "an image", src);
	e.type = TAR_DIR;
	if (strcmp(dest, "/") != 0 && add(l, origin, dest, e) < 0)
		return -1;
	return add_children(l, origin, src, dest);
}

int layer_add_tree(struct layer *l, size_t origin, const char *src,
                   const char *dest)
{
	struct stat st;
	char *placed;
	int r;

	if (lstat(src, &st) < 0)
		return util_error("%s:", src);
	if (skipped(l, &st))
		return 0;
	if (strcmp(dest, "/") == 0 && !S_ISDIR(st.st_mode))
		return util_error("%s: %s is not a folder, and only a folder "
		                  "can be the image's root: name the path it "
		                  "takes (%s:/%s)", l->origins[origin], src, src,
		                  util_basename(src));
	if (strcmp(dest, "/") == 0 || !layer_path_ok(dest))
		return add_node(l, origin, src, &st, dest);
	if (!(placed = place(l, dest, 0)))
		return -1;
	if (S_ISDIR(st.st_mode) && !below_dir(l, placed)) {
		/* A folder where the base has a link to a folder: into it. */
		char *into = place(l, placed, 1);

		if (!into) {
			free(placed);
			return -1; /* a loop of links, said */
		}
		if (below_dir(l, into)) {
			free(placed);
			placed = into;
		} else {
			free(into);
		}
	}
	if (!S_ISDIR(st.st_mode) && l->below) {
		/* A file added where the base has a folder (or a link to
		 * one) goes into it, as COPY's destination does. */
		char *into = place(l, placed, 1);

		if (!into) {
			free(placed);
			return -1;
		}
		if (below_dir(l, into)) {
			free(placed);
			placed = util_xasprintf("%s%s%s", into,
			                        strcmp(into, "/") ? "/" : "",
			                        util_basename(src));
		}
		free(into);
	}
	add_parents(l, origin, placed);
	if (S_ISDIR(st.st_mode) && below_dir(l, placed))
		r = add_children(l, origin, src, placed);
	else
		r = add_node(l, origin, src, &st, placed);
	free(placed);
	return r;
}

/* key_len() is the length of NAME without a folder's trailing '/'. */
static size_t key_len(const char *name)
{
	size_t n = strlen(name);

	return n && name[n - 1] == '/' ? n - 1 : n;
}

/* path_order() compares two names as paths, a folder's trailing '/' left
 * out: the end of a name sorts first, then '/', then every other byte, so
 * "usr" (file or folder), "usr/x" and "usr.d" come in that order and one
 * path always sorts as one key. */
static int path_order(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;
	size_t la = key_len(a), lb = key_len(b), i;

	for (i = 0; i < la && i < lb && x[i] == y[i]; i++)
		;
	if (i == la || i == lb)
		return (i < la) - (i < lb);
	return (x[i] == '/' ? 0 : x[i] + 1) - (y[i] == '/' ? 0 : y[i] + 1);
}

/* by_name() orders entries by path; among equal paths, the entries
 * given by name come first and win. */
static int by_name(const void *a, const void *b)
{
	const struct layer_entry *x = a, *y = b;
	int c = path_order(x->name, y->name);

	return c ? c : (x->needed_by != NULL) - (y->needed_by != NULL);
}

/* kind() names what entry E is, for messages. */
static const char *kind(const struct layer_entry *e)
{
	switch (e->type) {
	case TAR_DIR: return "a folder";
	case TAR_SYMLINK: return "a symbolic link";
	default: return "a file";
	}
}

/* clash() reports that KEPT and E (sorted after it) claim one path. */
static int clash(const struct layer *l, const struct layer_entry *kept,
                 const struct layer_entry *e)
{
	int n = (int)key_len(e->name);

	if (!e->needed_by)
		return util_error("/%.*s: given twice in the image: as %s by %s "
		                  "and as %s by %s", n, e->name, kind(kept),
		                  l->origins[kept->origin], kind(e),
		                  l->origins[e->origin]);
	return util_error("/%.*s: is %s (from %s) but must be a folder for "
	                  "%s (from %s)", n, e->name, kind(kept),
	                  l->origins[kept->origin], e->needed_by,
	                  l->origins[e->origin]);
}

/* dedupe() drops implicit folders already present and refuses a path that
 * was asked for twice or a non-folder where a folder is needed (sorted
 * input). Every entry stays owned exactly once, also after a refusal. */
static int dedupe(struct layer *l)
{
	size_t i, out = 0;
	int r = 0;

	for (i = 0; i < l->n; i++) {
		struct layer_entry *e = &l->v[i];

		if (out > 0 && path_order(l->v[out - 1].name, e->name) == 0) {
			const struct layer_entry *kept = &l->v[out - 1];

			if (!e->needed_by || kept->type != TAR_DIR) {
				r = clash(l, kept, e);
				break;
			}
			free_entry(e);
			continue;
		}
		l->v[out++] = *e;
	}
	/* After a refusal, keep the entries not yet looked at. */
	for (; i < l->n; i++)
		l->v[out++] = l->v[i];
	l->n = out;
	return r;
}

int layer_finish(struct layer *l)
{
	if (l->n)
		qsort(l->v, l->n, sizeof *l->v, by_name);
	return dedupe(l);
}

/* ns() is a time stamp in nanoseconds. */
static int64_t ns(struct timespec t)
{
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* same_source() checks that the open source FD of E is the file, at the
 * size and times, an earlier pass read; the first pass records them. */
static int same_source(struct layer_entry *e, int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return util_error("%s:", e->source);
	if (!e->read_once) {
		e->read_once = 1;
		e->dev = st.st_dev;
		e->ino = st.st_ino;
		e->mtime_ns = ns(st.st_mtim);
		e->ctime_ns = ns(st.st_ctim);
		return 0;
	}
	if (e->dev != st.st_dev || e->ino != st.st_ino ||
	    e->mtime_ns != ns(st.st_mtim) || e->ctime_ns != ns(st.st_ctim) ||
	    (uint64_t)st.st_size != e->size)
		return util_error("%s: changed while tinyimg was reading it; "
		                  "build again", e->source);
	return 0;
}

/* write_file() writes the member E, a regular file, from its source. */
static int write_file(struct sink *s, struct layer_entry *e,
                      const struct tar_entry *t)
{
	int fd = open(e->source, O_RDONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return util_error("%s:", e->source);
	r = same_source(e, fd);
	if (r == 0)
		r = tar_write_header(s, t);
	if (r == 0)
		r = sink_copy_fd(s, fd, e->source, e->size);
	if (r == 0)
		r = tar_write_padding(s, e->size);
	close(fd);
	return r;
}

int layer_write(struct layer *l, struct sink *s, uint64_t mtime)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		struct layer_entry *e = &l->v[i];
		struct tar_entry t = { e->name, e->type, e->mode, e->size, mtime,
			               e->link };

		if (e->type == TAR_FILE ? write_file(s, e, &t) < 0
		                        : tar_write_header(s, &t) < 0)
			return -1;
	}
	return tar_write_end(s);
}
