/* image: the image config, manifests and the tarball that holds them. */
#define _POSIX_C_SOURCE 200809L
#include "image.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "tar.h"
#include "util.h"

#define MT_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_LAYER "application/vnd.oci.image.layer.v1.tar"

void image_list_push(struct image_list *l, char *s)
{
	l->v = util_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	l->v[l->n++] = s;
}

void image_list_free(struct image_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void image_rfc3339(uint64_t seconds, char buf[32])
{
	time_t t = (time_t)seconds;
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strcpy(buf, "1970-01-01T00:00:00Z");
}

static void key_list(struct json *j, const char *key,
                     const struct image_list *l)
{
	size_t i;

	json_key(j, key);
	json_array_begin(j);
	for (i = 0; i < l->n; i++)
		json_string(j, l->v[i]);
	json_array_end(j);
}

/* key_map() writes "KEY":{...} from "K=V" items (labels) or, with no '=',
 * "K":{} items (exposed ports). */
static void key_map(struct json *j, const char *key,
                    const struct image_list *l)
{
	size_t i;

	json_key(j, key);
	json_object_begin(j);
	for (i = 0; i < l->n; i++) {
		char *item = util_xstrdup(l->v[i]);
		char *eq = strchr(item, '=');

		if (eq) {
			*eq = '\0';
			json_key_string(j, item, eq + 1);
		} else {
			json_key(j, item);
			json_object_begin(j);
			json_object_end(j);
		}
		free(item);
	}
	json_object_end(j);
}

/* runtime_config() writes the "config" object docker run follows. */
static void runtime_config(struct json *j, const struct image_spec *spec)
{
	json_key(j, "config");
	json_object_begin(j);
	if (spec->user)
		json_key_string(j, "User", spec->user);
	if (spec->ports.n)
		key_map(j, "ExposedPorts", &spec->ports);
	if (spec->env.n)
		key_list(j, "Env", &spec->env);
	if (spec->entrypoint.n)
		key_list(j, "Entrypoint", &spec->entrypoint);
	if (spec->has_cmd)
		key_list(j, "Cmd", &spec->cmd);
	if (spec->workdir)
		json_key_string(j, "WorkingDir", spec->workdir);
	if (spec->labels.n)
		key_map(j, "Labels", &spec->labels);
	if (spec->stop_signal)
		json_key_string(j, "StopSignal", spec->stop_signal);
	json_object_end(j);
}

/* config_json() writes the image config for a layer whose digest is
 * LAYER_HEX. */
static void config_json(struct json *j, const struct image_spec *spec,
                        const char *layer_hex)
{
	char created[32], diff_id[80];

	image_rfc3339(spec->created, created);
	snprintf(diff_id, sizeof diff_id, "sha256:%s", layer_hex);
	json_object_begin(j);
	json_key_string(j, "created", created);
	json_key_string(j, "architecture", spec->arch);
	json_key_string(j, "os", "linux");
	runtime_config(j, spec);
	json_key(j, "rootfs");
	json_object_begin(j);
	json_key_string(j, "type", "layers");
	json_key(j, "diff_ids");
	json_array_begin(j);
	json_string(j, diff_id);
	json_array_end(j);
	json_object_end(j);
	json_key(j, "history");
	json_array_begin(j);
	json_object_begin(j);
	json_key_string(j, "created", created);
	json_key_string(j, "created_by", spec->created_by);
	json_object_end(j);
	json_array_end(j);
	json_object_end(j);
}

/* descriptor() writes {mediaType, digest, size} and leaves it open. */
static void descriptor(struct json *j, const char *media_type,
                       const char *hex, uint64_t size)
{
	char digest[80];

	snprintf(digest, sizeof digest, "sha256:%s", hex);
	json_object_begin(j);
	json_key_string(j, "mediaType", media_type);
	json_key_string(j, "digest", digest);
	json_key_uint(j, "size", size);
}

/* manifest_json() writes the OCI image manifest. */
static void manifest_json(struct json *j, const struct json *config,
                          const struct image_result *res)
{
	json_object_begin(j);
	json_key_uint(j, "schemaVersion", 2);
	json_key_string(j, "mediaType", MT_MANIFEST);
	json_key(j, "config");
	descriptor(j, MT_CONFIG, res->config_hex, config->len);
	json_object_end(j);
	json_key(j, "layers");
	json_array_begin(j);
	descriptor(j, MT_LAYER, res->layer_hex, res->layer_size);
	json_object_end(j);
	json_array_end(j);
	json_object_end(j);
}

/* index_json() writes index.json: one manifest descriptor per tag, with
 * the platform and the names containerd and OCI tools look for. */
static void index_json(struct json *j, const struct image_spec *spec,
                       const struct json *manifest,
                       const struct image_result *res)
{
	size_t i;

	json_object_begin(j);
	json_key_uint(j, "schemaVersion", 2);
	json_key_string(j, "mediaType", MT_INDEX);
	json_key(j, "manifests");
	json_array_begin(j);
	for (i = 0; i < spec->nrefs; i++) {
		descriptor(j, MT_MANIFEST, res->manifest_hex, manifest->len);
		json_key(j, "platform");
		json_object_begin(j);
		json_key_string(j, "architecture", spec->arch);
		json_key_string(j, "os", "linux");
		json_object_end(j);
		json_key(j, "annotations");
		json_object_begin(j);
		json_key_string(j, "io.containerd.image.name",
		                spec->refs[i].full);
		json_key_string(j, "org.opencontainers.image.ref.name",
		                spec->refs[i].tag);
		json_object_end(j);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

/* docker_manifest_json() writes manifest.json, the docker save index. */
static void docker_manifest_json(struct json *j, const struct image_spec *spec,
                                 const struct image_result *res)
{
	char path[100];
	size_t i;

	json_array_begin(j);
	json_object_begin(j);
	snprintf(path, sizeof path, "blobs/sha256/%s", res->config_hex);
	json_key_string(j, "Config", path);
	json_key(j, "RepoTags");
	json_array_begin(j);
	for (i = 0; i < spec->nrefs; i++)
		json_string(j, spec->refs[i].familiar);
	json_array_end(j);
	json_key(j, "Layers");
	json_array_begin(j);
	snprintf(path, sizeof path, "blobs/sha256/%s", res->layer_hex);
	json_string(j, path);
	json_array_end(j);
	json_object_end(j);
	json_array_end(j);
}

/* One member of the outer tarball: from memory, or (data NULL) the layer. */
struct member {
	char name[100];
	const char *data;
	uint64_t size;
};

static int by_member_name(const void *a, const void *b)
{
	return strcmp(((const struct member *)a)->name,
	              ((const struct member *)b)->name);
}

/* write_layer_member() writes the layer as the member T, copied (not
 * hashed again) from its sources; it must come out the size it hashed. */
static int write_layer_member(struct sink *out, const struct tar_entry *t,
                              struct layer *layer)
{
	uint64_t start;

	if (tar_write_header(out, t) < 0)
		return -1;
	start = out->bytes;
	if (layer_write(layer, out, t->mtime) < 0)
		return -1;
	if (out->bytes - start != t->size)
		return util_error("the layer came out %llu bytes, not the %llu "
		                  "it hashed to; build again",
		                  (unsigned long long)(out->bytes - start),
		                  (unsigned long long)t->size);
	return tar_write_padding(out, t->size);
}

/* write_members() writes the members sorted by name, then the end blocks. */
static int write_members(struct sink *out, struct member *m, size_t n,
                         struct layer *layer, uint64_t mtime)
{
	size_t i;

	qsort(m, n, sizeof *m, by_member_name);
	for (i = 0; i < n; i++) {
		struct tar_entry t = { m[i].name, TAR_FILE, 0644, m[i].size,
			               mtime, NULL };
		int r = m[i].data
		        ? tar_write_file(out, m[i].name, 0644, mtime, m[i].data,
		                         m[i].size)
		        : write_layer_member(out, &t, layer);

		if (r < 0)
			return -1;
	}
	return tar_write_end(out);
}

static void blob(struct member *m, const char *hex, const char *data,
                 uint64_t size)
{
	snprintf(m->name, sizeof m->name, "blobs/sha256/%s", hex);
	m->data = data;
	m->size = size;
}

static void file(struct member *m, const char *name, const char *data,
                 uint64_t size)
{
	snprintf(m->name, sizeof m->name, "%s", name);
	m->data = data;
	m->size = size;
}

int image_write(const struct image_spec *spec, struct layer *layer,
                struct sink *out, struct image_result *res)
{
	struct sink hash;
	static const char oci_layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
	struct json config, manifest, index, docker;
	struct member m[6];
	size_t n = 0;
	int oci = spec->format != IMAGE_FORMAT_DOCKER;
	int r;

	/* The layer is hashed once here, then copied into place below: its
	 * digest names its member, which sorts among the others. */
	sink_init_mode(&hash, -1, "the layer", SINK_HASH);
	if (layer_finish(layer) < 0 ||
	    layer_write(layer, &hash, spec->created) < 0)
		return -1;
	res->layer_size = hash.bytes;
	sink_hex(&hash, res->layer_hex);
	json_init(&config);
	json_init(&manifest);
	json_init(&index);
	json_init(&docker);
	config_json(&config, spec, res->layer_hex);
	sha256_hex_of(config.buf, config.len, res->config_hex);
	manifest_json(&manifest, &config, res);
	sha256_hex_of(manifest.buf, manifest.len, res->manifest_hex);
	index_json(&index, spec, &manifest, res);
	docker_manifest_json(&docker, spec, res);

	blob(&m[n++], res->config_hex, config.buf, config.len);
	blob(&m[n++], res->layer_hex, NULL, res->layer_size);
	if (oci) {
		blob(&m[n++], res->manifest_hex, manifest.buf, manifest.len);
		file(&m[n++], "index.json", index.buf, index.len);
		file(&m[n++], "oci-layout", oci_layout, sizeof oci_layout - 1);
	}
	if (spec->format != IMAGE_FORMAT_OCI)
		file(&m[n++], "manifest.json", docker.buf, docker.len);
	r = write_members(out, m, n, layer, spec->created);
	res->tarball_size = out->bytes;
	json_free(&config);
	json_free(&manifest);
	json_free(&index);
	json_free(&docker);
	return r;
}
