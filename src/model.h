/* model: the image model the reader fills and the writer (image.c) takes
 * from: digests, platforms, descriptors, the image config, manifests and
 * indexes, each read from a parsed JSON document with every problem
 * reported. */
#ifndef TINYIMG_MODEL_H
#define TINYIMG_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "report.h"

#define MODEL_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MODEL_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MODEL_MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MODEL_MT_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"
#define MODEL_MT_OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define MODEL_MT_OCI_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"
#define MODEL_MT_DOCKER_LIST \
	"application/vnd.docker.distribution.manifest.list.v2+json"
#define MODEL_MT_DOCKER_MANIFEST \
	"application/vnd.docker.distribution.manifest.v2+json"
#define MODEL_MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define MODEL_MT_DOCKER_LAYER "application/vnd.docker.image.rootfs.diff.tar"
#define MODEL_MT_DOCKER_LAYER_GZIP \
	"application/vnd.docker.image.rootfs.diff.tar.gzip"
#define MODEL_MT_DOCKER_LAYER_FOREIGN \
	"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
#define MODEL_MT_OCI_LAYER_NONDIST \
	"application/vnd.oci.image.layer.nondistributable.v1.tar"
#define MODEL_MT_OCI_LAYER_NONDIST_GZIP \
	"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
#define MODEL_MT_OCI_LAYER_NONDIST_ZSTD \
	"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"

/* A SHA-256 digest. */
struct model_digest {
	uint8_t b[32];
};

/* Parse "sha256:<64 lowercase hex>" (exactly; LEN bytes of S): 0, or -1. */
int model_digest_parse(const char *s, size_t len, struct model_digest *d);

/* Write D as "sha256:<hex>" (71 bytes and a NUL) into BUF. */
void model_digest_string(const struct model_digest *d, char buf[72]);

/* Write D as 64 hex digits and a NUL. */
void model_digest_hex(const struct model_digest *d, char hex[65]);

int model_digest_equal(const struct model_digest *a,
                       const struct model_digest *b);

/* KEY=VALUE pairs in document order (labels, annotations). */
struct model_kv {
	char *key, *value;
};
struct model_kvs {
	struct model_kv *v;
	size_t n;
};

/* A list of strings (Entrypoint, Cmd, Env, exposed ports). */
struct model_strings {
	char **v;
	size_t n;
	int set; /* present in the document (an empty list is set) */
};

struct model_platform {
	char *os, *architecture, *variant; /* NULL when absent */
};

/* What a descriptor says of a blob. */
struct model_descriptor {
	char *media_type;
	struct model_digest digest;
	uint64_t size;
	int valid;        /* digest and size were readable */
	int has_platform;
	struct model_platform platform;
	struct model_kvs annotations;
};

/* The runtime part of a config ("config": what docker run does). */
struct model_runtime {
	struct model_strings entrypoint, cmd, env, ports;
	struct model_kvs labels;
	char *workdir, *user, *stop_signal;
};

struct model_history {
	char *created, *created_by, *comment;
	int empty_layer;
};

struct model_config {
	char *architecture, *os, *variant, *created, *author;
	struct model_runtime rt;
	struct model_digest *diff_ids;
	size_t ndiff_ids;
	struct model_history *history;
	size_t nhistory;
	/* The members of "config" this model does not know (Volumes,
	 * Healthcheck, ...), each value as JSON text, in document order: kept
	 * as they are when an image is built on this one. */
	struct model_kvs runtime_extras;
};

struct model_manifest {
	char *media_type;
	struct model_descriptor config;
	struct model_descriptor *layers;
	size_t nlayers;
	struct model_kvs annotations;
};

struct model_index {
	char *media_type;
	struct model_descriptor *manifests;
	size_t nmanifests;
	struct model_kvs annotations;
};

/* Fill C, M or X from the parsed document V. Every problem (a missing or
 * mistyped member, a malformed digest) goes to R naming WHERE; what could
 * be read is kept. 0 when V was an object, -1 when it was not (reported).
 * Free with the matching _free in every case. */
int model_config_parse(const struct json_value *v, struct model_config *c,
                       struct report *r, const char *where);
int model_manifest_parse(const struct json_value *v, struct model_manifest *m,
                         struct report *r, const char *where);
int model_index_parse(const struct json_value *v, struct model_index *x,
                      struct report *r, const char *where);

void model_config_free(struct model_config *c);
void model_manifest_free(struct model_manifest *m);
void model_index_free(struct model_index *x);
void model_descriptor_free(struct model_descriptor *d);

/* Is MT a layer media type tinyimg knows, and how is it compressed?
 * Returns 0 (not a layer type), 1 (plain tar), 2 (gzip) or 3 (zstd). */
int model_layer_compression(const char *mt);

/* The OCI media type of the layer media type MT: Docker's own layer types
 * become their OCI names (the bytes and digests are the same), anything
 * else is MT itself. */
const char *model_layer_oci_type(const char *mt);

/* The value of annotation KEY in KV, or NULL. */
const char *model_kvs_get(const struct model_kvs *kv, const char *key);

/* Set KEY to VALUE in KV (copies of both): the pair with that key is
 * replaced where it stands, else one is added at the end. */
void model_kvs_set(struct model_kvs *kv, const char *key, const char *value);

void model_kvs_free(struct model_kvs *kv);

#endif
