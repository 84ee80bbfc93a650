/* layer: the root file system of an image, as an uncompressed tar. */
#ifndef TINYIMG_LAYER_H
#define TINYIMG_LAYER_H

#include <stddef.h>
#include <stdint.h>

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
	int implicit;   /* a parent folder nobody asked for by name */
};

struct layer {
	struct layer_entry *v;
	size_t n, cap;
};

void layer_init(struct layer *l);
void layer_free(struct layer *l);

/* Add the regular file SOURCE (SIZE bytes) as PATH (absolute, e.g.
 * "/usr/bin/x"), with folder entries (0755) for each parent. 0, or -1 after
 * a message when PATH is not a clean absolute path. */
int layer_add_file(struct layer *l, const char *path, const char *source,
                   unsigned mode, uint64_t size);

/* Add a folder PATH with its parents. */
int layer_add_dir(struct layer *l, const char *path, unsigned mode);

/* Add a symbolic link PATH pointing at TARGET, with its parents. */
int layer_add_symlink(struct layer *l, const char *path, const char *target);

/* Add SRC at DEST: a regular file, a symlink (kept as a link), or a folder
 * with everything below it. Modes are kept, owner becomes 0:0. Device
 * files, sockets and FIFOs are refused. 0, or -1 after a message. */
int layer_add_tree(struct layer *l, const char *src, const char *dest);

/* Is PATH absolute, free of "." and ".." parts and of empty parts? */
int layer_path_ok(const char *path);

/* Sort the entries, refuse a path given twice, and write the tar to S with
 * every member's mtime MTIME. 0, or -1 after a message. */
int layer_write(struct layer *l, struct sink *s, uint64_t mtime);

#endif
