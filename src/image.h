/* image: the image config, manifests and the tarball that holds them. */
#ifndef TINYIMG_IMAGE_H
#define TINYIMG_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "layer.h"
#include "ref.h"
#include "sha256.h"
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

/* Free every string and the list itself. */
void image_list_free(struct image_list *l);

/* Everything that goes into the image. The caller owns all of it. */
struct image_spec {
	const char *arch;        /* "386", "amd64" */
	const struct ref *refs;  /* at least one tag */
	size_t nrefs;
	uint64_t created;        /* seconds since the epoch */
	const char *created_by;  /* history: how the layer was made */
	enum image_format format;
	struct image_list entrypoint, cmd, env, labels, ports;
	int has_cmd;             /* Cmd given (possibly empty) */
	const char *workdir, *user, *stop_signal; /* NULL when not set */
};

/* What was written, for the summary line. */
struct image_result {
	uint64_t layer_size, tarball_size;
	char layer_hex[SHA256_HEX_SIZE];
	char config_hex[SHA256_HEX_SIZE];
	char manifest_hex[SHA256_HEX_SIZE];
};

/* Write the image of LAYER to OUT: the layer is read twice, hashed once
 * (its digest names its member) and then copied, so no temporary layer
 * file is needed. 0, or -1 after a message. */
int image_write(const struct image_spec *spec, struct layer *layer,
                struct sink *out, struct image_result *res);

/* Format SECONDS as RFC 3339 UTC ("1970-01-01T00:00:00Z") into BUF. */
void image_rfc3339(uint64_t seconds, char buf[32]);

#endif
