/* image: the image configs, manifests and indexes, and the one tarball that
 * holds them: the only place that lays out a tarball. */
#ifndef TINYIMG_IMAGE_H
#define TINYIMG_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "layer.h"
#include "model.h"
#include "progress.h"
#include "ref.h"
#include "sink.h"

/* Which views of the blobs the tarball carries. */
enum image_format {
	IMAGE_FORMAT_BOTH, /* oci-layout + index.json and manifest.json */
	IMAGE_FORMAT_DOCKER,
	IMAGE_FORMAT_OCI,
};

/* A list of heap strings, owned by the list; NULL v when empty. */
struct image_list {
	char **v;
	size_t n;
};

/* Append S (a heap string the list takes over). */
void image_list_push(struct image_list *l, char *s);

/* Add ITEM ("K=V", or "K") to L, replacing an item with the same key, as
 * Docker's ENV and LABEL do. Takes over ITEM. */
void image_list_set_keyed(struct image_list *l, char *item);

/* Free every string and the list itself. */
void image_list_free(struct image_list *l);

/* What goes into one platform's config. The caller owns all of it. */
struct image_spec {
	const char *arch, *variant; /* "386"; "v7" or NULL */
	uint64_t created;        /* seconds since the epoch */
	const char *created_by;  /* history: how our layer was made */
	int empty_layer;         /* we added no layer, only config */
	struct image_list entrypoint, cmd, env, ports;
	struct model_kvs labels;
	int has_cmd;             /* Cmd written (possibly empty) */
	const char *workdir, *user, *stop_signal; /* NULL when not set */
	/* A base image's config: its history comes first, and the members of
	 * its "config" that this spec does not set are kept. NULL: none. */
	const struct model_config *base;
};

/* A layer of an image, and where its bytes come from. */
struct image_layer {
	const char *media_type;
	struct model_digest digest, diff_id;
	uint64_t size;
	struct layer *ours;      /* tinyimg's own layer: hashed, then copied */
	int fd;                  /* else SIZE bytes at OFFSET of FD, a blob */
	uint64_t offset;         /* of the base tarball named FROM */
	const char *from;
};

/* One platform's image: its spec and layers; image_write fills the rest. */
struct image_one {
	struct image_spec spec;
	struct image_layer *layers; /* base first, ours last */
	size_t nlayers;
	struct json config, manifest;
	struct model_digest config_digest, manifest_digest;
};

/* Everything that goes into the tarball. With several images the OCI view
 * names a nested index of one manifest per platform under each tag; the
 * docker view (manifest.json) lists the first image only, as Docker 20.10
 * has no store for several platforms under one name. */
struct image_set {
	struct image_one *v;
	size_t n;
	const struct ref *refs;  /* at least one tag */
	size_t nrefs;
	enum image_format format;
	uint64_t mtime;          /* of every tar member */
};

/* What was written, for the summary line. */
struct image_result {
	uint64_t tarball_size;
	struct model_digest index_digest; /* the nested index, when n > 1 */
};

/* Hash L, a layer of ours (the first of its two passes): its size, its
 * digest, which is also its diff_id; PROGRESS (or NULL) is told of each
 * byte. 0, or -1 after a message. */
int image_hash_layer(struct image_layer *l, uint64_t mtime,
                     struct progress *progress);

/* Write SET as one tarball to OUT: configs, manifests and indexes made
 * here, our layers copied (not hashed again), base blobs copied from
 * their tarball. 0, or -1 after a message. Free with image_set_free. */
int image_write(struct image_set *set, struct sink *out,
                struct image_result *res);

/* Free what image_write made (the JSON texts). */
void image_set_free(struct image_set *set);

/* Format SECONDS as RFC 3339 UTC ("1970-01-01T00:00:00Z") into BUF. */
void image_rfc3339(uint64_t seconds, char buf[32]);

#endif
