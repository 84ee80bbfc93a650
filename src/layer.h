/* layer: the root file system of an image, as an uncompressed tar. */
#ifndef TINYIMG_LAYER_H
#define TINYIMG_LAYER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sink.h"
#include "tar.h"

/* One member of the layer. Strings are owned by the layer. */
struct layer_entry {
	char *name;   /* relative, no leading '/'; folders end in '/' */
	enum tar_type type;
	unsigned mode;
	uint64_t size;  /* regular files: bytes read from source */
	char *source;   /* regular files: the file to copy in */
	char *link;     /* symlinks: the target */
	size_t origin;  /* index in layer.origins: who asked for it */
	char *needed_by; /* implicit parent folders: the path that needs it */
	/* Regular files: the source as first read, so that a later pass that
	 * finds it changed fails instead of writing other bytes. */
	int read_once;
	dev_t dev;
	ino_t ino;
	int64_t mtime_ns, ctime_ns;
};

/* A file or folder of the host that no --add walk may take in. */
struct layer_skip {
	dev_t dev;
	ino_t ino;
};

/* What an image below (a base) has at a path. */
enum layer_below_kind {
	LAYER_BELOW_NONE,  /* nothing */
	LAYER_BELOW_DIR,   /* a folder */
	LAYER_BELOW_LINK,  /* a symbolic link */
	LAYER_BELOW_OTHER, /* anything else */
};

/* The image a layer goes on: AT says what is at PATH (clean, relative:
 * "usr/bin"), links not followed, and for a link sets *TARGET to its
 * target (owned by CTX). */
struct layer_below {
	enum layer_below_kind (*at)(void *ctx, const char *path,
	                            const char **target);
	void *ctx;
};

struct layer {
	struct layer_entry *v;
	size_t n, cap;
	char **origins;  /* "the program", "--add SRC:DEST", for messages */
	size_t norigins;
	struct layer_skip *skip;
	size_t nskip;
	const struct layer_below *below; /* or NULL: FROM scratch */
};

void layer_init(struct layer *l);
void layer_free(struct layer *l);

/* Register WHAT ("--add ./etc:/etc") as a source of entries; returns the
 * index the add functions take as ORIGIN. */
size_t layer_origin(struct layer *l, const char *what);

/* Keep the host file or folder PATH (when it exists) out of every tree
 * that layer_add_tree walks: tinyimg's own work folder and output. */
void layer_skip_path(struct layer *l, const char *path);

/* The same for the file open as FD (standard output, when the tarball is
 * written there). */
void layer_skip_fd(struct layer *l, int fd);

/* Place what is added from now on on the image BELOW, as Docker's COPY
 * does: the folders above a destination are followed through BELOW's
 * symbolic links (inside its root, at most 40), a folder BELOW has gets no
 * entry of ours (its mode and owner stay), a folder added where BELOW
 * has a folder (or a link to one) adds only what it holds, and a file
 * added there goes into it. */
void layer_set_below(struct layer *l, const struct layer_below *below);

/* Add the regular file SOURCE (SIZE bytes) as PATH (absolute, e.g.
 * "/usr/bin/x"), with folder entries (0755) for each parent. 0, or -1 after
 * a message when PATH is not a clean absolute path. */
int layer_add_file(struct layer *l, size_t origin, const char *path,
                   const char *source, unsigned mode, uint64_t size);

/* Add SRC at DEST: a regular file, a symlink (kept as a link), or a folder
 * with everything below it, and a folder entry (0755) for each parent of
 * DEST. Modes are kept, owner becomes 0:0. Device files, sockets and FIFOs
 * are refused; skipped paths are left out. 0, or -1 after a message. */
int layer_add_tree(struct layer *l, size_t origin, const char *src,
                   const char *dest);

/* The bytes of the regular files in L (what writing it mostly reads). */
uint64_t layer_bytes(const struct layer *l);

/* Is PATH absolute, free of "." and ".." parts and of empty parts? */
int layer_path_ok(const char *path);

/* Sort the entries, and refuse a path given twice or a file or symlink
 * where a folder is needed (naming both sources). 0, or -1 after a
 * message. Call once, before layer_write. */
int layer_finish(struct layer *l);

/* Write the tar of a finished layer to S, every member's mtime MTIME. It
 * may be written more than once (hashed, then copied): the same bytes,
 * or a failure when a source file changed in between. 0, or -1 after a
 * message. */
int layer_write(struct layer *l, struct sink *s, uint64_t mtime);

#endif
