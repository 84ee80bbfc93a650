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


void image_list_push(struct image_list *l, char *s)
{
	l->v = util_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	l->v[l->n++] = s;
}

void image_list_set_keyed(struct image_list *l, char *item)
{
	size_t key = strcspn(item, "="), i;

	for (i = 0; i < l->n; i++) {
		if (strncmp(l->v[i], item, key) == 0 &&
		    (l->v[i][key] == '=' || l->v[i][key] == '\0')) {
			free(l->v[i]);
			l->v[i] = item;
			return;
		}
	}
	image_list_push(l, item);
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

/* key_list() writes "KEY": [the strings of L]. */
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

/* key_set() writes "KEY":{"item":{},...}, the form of exposed ports. */
static void key_set(struct json *j, const char *key,
                    const struct image_list *l)
{
	size_t i;

	json_key(j, key);
	json_object_begin(j);
	for (i = 0; i < l->n; i++) {
		json_key(j, l->v[i]);
		json_object_begin(j);
		json_object_end(j);
	}
	json_object_end(j);
}

/* key_kvs() writes "KEY":{"k":"v",...}, the form of labels. */
static void key_kvs(struct json *j, const char *key,
                    const struct model_kvs *kv)
{
	size_t i;

	json_key(j, key);
	json_object_begin(j);
	for (i = 0; i < kv->n; i++)
		json_key_string(j, kv->v[i].key, kv->v[i].value);
	json_object_end(j);
}

/* base_extras() writes the members of the base's runtime config that the
 * spec does not set (Volumes, Healthcheck, OnBuild, ...), as they were. */
static void base_extras(struct json *j, const struct model_config *base)
{
	size_t i;

	for (i = 0; base && i < base->runtime_extras.n; i++) {
		const struct model_kv *kv = &base->runtime_extras.v[i];

		/* ONBUILD triggers run when an image is built FROM the base,
		 * and are not passed on; tinyimg runs nothing (build.c
		 * warns). */
		if (strcmp(kv->key, "OnBuild") == 0)
			continue;
		json_key(j, kv->key);
		json_raw(j, kv->value, strlen(kv->value));
	}
}

/* runtime_config() writes the "config" object docker run follows. */
static void runtime_config(struct json *j, const struct image_spec *spec)
{
	json_key(j, "config");
	json_object_begin(j);
	if (spec->user)
		json_key_string(j, "User", spec->user);
	if (spec->ports.n)
		key_set(j, "ExposedPorts", &spec->ports);
	if (spec->env.n)
		key_list(j, "Env", &spec->env);
	if (spec->entrypoint.n)
		key_list(j, "Entrypoint", &spec->entrypoint);
	if (spec->has_cmd)
		key_list(j, "Cmd", &spec->cmd);
	if (spec->workdir)
		json_key_string(j, "WorkingDir", spec->workdir);
	if (spec->labels.n)
		key_kvs(j, "Labels", &spec->labels);
	if (spec->stop_signal)
		json_key_string(j, "StopSignal", spec->stop_signal);
	base_extras(j, spec->base);
	json_object_end(j);
}

/* history() writes the base's history entries, one for each base layer
 * its history leaves out (so that the entries that are not empty_layer
 * match the layers one for one, as Docker and BuildKit count them), then
 * ours. */
static void history(struct json *j, const struct image_spec *spec,
                    const char *created)
{
	size_t i, n = spec->base ? spec->base->nhistory : 0, layers = 0;

	json_key(j, "history");
	json_array_begin(j);
	for (i = 0; i < n; i++) {
		const struct model_history *h = &spec->base->history[i];

		layers += !h->empty_layer;

		json_object_begin(j);
		if (h->created)
			json_key_string(j, "created", h->created);
		if (h->created_by)
			json_key_string(j, "created_by", h->created_by);
		if (h->comment)
			json_key_string(j, "comment", h->comment);
		if (h->empty_layer) {
			json_key(j, "empty_layer");
			json_bool(j, 1);
		}
		json_object_end(j);
	}
	for (; spec->base && layers < spec->base->ndiff_ids; layers++) {
		json_object_begin(j);
		json_key_string(j, "comment", "a layer of the base image that "
		                "its history did not describe");
		json_object_end(j);
	}
	json_object_begin(j);
	json_key_string(j, "created", created);
	json_key_string(j, "created_by", spec->created_by);
	if (spec->empty_layer) {
		json_key(j, "empty_layer");
		json_bool(j, 1);
	}
	json_object_end(j);
	json_array_end(j);
}

/* digest_string() writes "sha256:<hex>" of D as a string value. */
static void digest_string(struct json *j, const struct model_digest *d)
{
	char s[72];

	model_digest_string(d, s);
	json_string(j, s);
}

/* config_json() writes the image config of IMG. */
static void config_json(struct json *j, const struct image_one *img)
{
	const struct image_spec *spec = &img->spec;
	char created[32];
	size_t i;

	image_rfc3339(spec->created, created);
	json_object_begin(j);
	json_key_string(j, "created", created);
	json_key_string(j, "architecture", spec->arch);
	json_key_string(j, "os", "linux");
	if (spec->variant)
		json_key_string(j, "variant", spec->variant);
	runtime_config(j, spec);
	json_key(j, "rootfs");
	json_object_begin(j);
	json_key_string(j, "type", "layers");
	json_key(j, "diff_ids");
	json_array_begin(j);
	for (i = 0; i < img->nlayers; i++)
		digest_string(j, &img->layers[i].diff_id);
	json_array_end(j);
	json_object_end(j);
	history(j, spec, created);
	json_object_end(j);
}

/* descriptor() writes {mediaType, digest, size} and leaves it open. */
static void descriptor(struct json *j, const char *media_type,
                       const struct model_digest *d, uint64_t size)
{
	json_object_begin(j);
	json_key_string(j, "mediaType", media_type);
	json_key(j, "digest");
	digest_string(j, d);
	json_key_uint(j, "size", size);
}

/* platform() writes "platform": {architecture, os[, variant]}. */
static void platform(struct json *j, const struct image_spec *spec)
{
	json_key(j, "platform");
	json_object_begin(j);
	json_key_string(j, "architecture", spec->arch);
	json_key_string(j, "os", "linux");
	if (spec->variant)
		json_key_string(j, "variant", spec->variant);
	json_object_end(j);
}

/* manifest_json() writes the OCI image manifest of IMG. */
static void manifest_json(struct json *j, const struct image_one *img)
{
	size_t i;

	json_object_begin(j);
	json_key_uint(j, "schemaVersion", 2);
	json_key_string(j, "mediaType", MODEL_MT_OCI_MANIFEST);
	json_key(j, "config");
	descriptor(j, MODEL_MT_OCI_CONFIG, &img->config_digest, img->config.len);
	json_object_end(j);
	json_key(j, "layers");
	json_array_begin(j);
	for (i = 0; i < img->nlayers; i++) {
		descriptor(j, img->layers[i].media_type, &img->layers[i].digest,
		           img->layers[i].size);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

/* names() writes the two annotations containerd and OCI tools name an
 * image by. */
static void names(struct json *j, const struct ref *ref)
{
	json_key(j, "annotations");
	json_object_begin(j);
	json_key_string(j, "io.containerd.image.name", ref->full);
	json_key_string(j, "org.opencontainers.image.ref.name", ref->tag);
	json_object_end(j);
}

/* index_begin() opens an image index and its list of manifests. */
static void index_begin(struct json *j)
{
	json_object_begin(j);
	json_key_uint(j, "schemaVersion", 2);
	json_key_string(j, "mediaType", MODEL_MT_OCI_INDEX);
	json_key(j, "manifests");
	json_array_begin(j);
}

/* nested_json() writes the image index of every platform's manifest. */
static void nested_json(struct json *j, const struct image_set *set)
{
	size_t i;

	index_begin(j);
	for (i = 0; i < set->n; i++) {
		descriptor(j, MODEL_MT_OCI_MANIFEST, &set->v[i].manifest_digest,
		           set->v[i].manifest.len);
		platform(j, &set->v[i].spec);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

/* index_json() writes index.json: one entry per tag, naming the one
 * image's manifest (with its platform), or the nested index NESTED of
 * several platforms' manifests. */
static void index_json(struct json *j, const struct image_set *set,
                       const struct json *nested,
                       const struct model_digest *nested_digest)
{
	size_t i;

	index_begin(j);
	for (i = 0; i < set->nrefs; i++) {
		if (set->n == 1) {
			descriptor(j, MODEL_MT_OCI_MANIFEST, &set->v[0].manifest_digest,
			           set->v[0].manifest.len);
			platform(j, &set->v[0].spec);
		} else {
			descriptor(j, MODEL_MT_OCI_INDEX, nested_digest, nested->len);
		}
		names(j, &set->refs[i]);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

/* blob_path() writes "blobs/sha256/<hex>" of D into BUF. */
static void blob_path(const struct model_digest *d, char buf[100])
{
	char hex[65];

	model_digest_hex(d, hex);
	snprintf(buf, 100, "blobs/sha256/%s", hex);
}

/* docker_manifest_json() writes manifest.json, docker save's index, for
 * the first image. */
static void docker_manifest_json(struct json *j, const struct image_set *set)
{
	const struct image_one *img = &set->v[0];
	char path[100];
	size_t i;

	json_array_begin(j);
	json_object_begin(j);
	blob_path(&img->config_digest, path);
	json_key_string(j, "Config", path);
	json_key(j, "RepoTags");
	json_array_begin(j);
	for (i = 0; i < set->nrefs; i++)
		json_string(j, set->refs[i].familiar);
	json_array_end(j);
	json_key(j, "Layers");
	json_array_begin(j);
	for (i = 0; i < img->nlayers; i++) {
		blob_path(&img->layers[i].digest, path);
		json_string(j, path);
	}
	json_array_end(j);
	json_object_end(j);
	json_array_end(j);
}

int image_hash_layer(struct image_layer *l, uint64_t mtime,
                     struct progress *progress)
{
	struct sink hash;
	uint8_t d[SHA256_SIZE];

	sink_init_mode(&hash, -1, "the layer", SINK_HASH);
	hash.progress = progress;
	if (layer_finish(l->ours) < 0 || layer_write(l->ours, &hash, mtime) < 0)
		return -1;
	l->size = hash.bytes;
	sha256_final(&hash.sha, d);
	memcpy(l->digest.b, d, sizeof d);
	l->diff_id = l->digest;
	l->media_type = MODEL_MT_OCI_LAYER;
	return 0;
}

/* One member of the outer tarball: from memory, or a layer. */
struct member {
	char name[100];
	const char *data;
	uint64_t size;
	const struct image_layer *layer;
};

/* A growing list of members. */
struct members {
	struct member *v;
	size_t n;
};

/* add_member() adds a member NAME: bytes in memory, or LAYER. */
static void add_member(struct members *ms, const char *name,
                       const char *data, uint64_t size,
                       const struct image_layer *layer)
{
	struct member *m;

	ms->v = util_xreallocarray(ms->v, ms->n + 1, sizeof *ms->v);
	m = &ms->v[ms->n++];
	snprintf(m->name, sizeof m->name, "%s", name);
	m->data = data;
	m->size = size;
	m->layer = layer;
}

/* add_blob() adds the blob named by the digest D. */
static void add_blob(struct members *ms, const struct model_digest *d,
                     const char *data, uint64_t size,
                     const struct image_layer *layer)
{
	char path[100];

	blob_path(d, path);
	add_member(ms, path, data, size, layer);
}

/* by_member_name() orders members by name, as they are written. */
static int by_member_name(const void *a, const void *b)
{
	return strcmp(((const struct member *)a)->name,
	              ((const struct member *)b)->name);
}

/* write_layer_member() writes the layer L as the member T: ours copied
 * (not hashed again) from its sources, which must come out the size they
 * hashed to; a base blob copied from its tarball. */
static int write_layer_member(struct sink *out, const struct tar_entry *t,
                              const struct image_layer *l)
{
	uint64_t start;

	if (tar_write_header(out, t) < 0)
		return -1;
	start = out->bytes;
	if (l->ours ? layer_write(l->ours, out, t->mtime) < 0
	            : sink_copy_range(out, l->fd, l->offset, l->size,
	                              l->from) < 0)
		return -1;
	if (out->bytes - start != t->size)
		return util_error("the layer came out %llu bytes, not the %llu "
		                  "it hashed to; build again",
		                  (unsigned long long)(out->bytes - start),
		                  (unsigned long long)t->size);
	return tar_write_padding(out, t->size);
}

/* write_members() writes the members sorted by name (a blob named twice
 * once), then the end blocks. */
static int write_members(struct sink *out, struct members *ms,
                         uint64_t mtime)
{
	size_t i;

	qsort(ms->v, ms->n, sizeof *ms->v, by_member_name);
	for (i = 0; i < ms->n; i++) {
		const struct member *m = &ms->v[i];
		struct tar_entry t = { m->name, TAR_FILE, 0644, m->size, mtime,
			               NULL };
		int r;

		if (i > 0 && strcmp(ms->v[i - 1].name, m->name) == 0)
			continue;
		r = m->layer ? write_layer_member(out, &t, m->layer)
		             : tar_write_file(out, m->name, 0644, mtime, m->data,
		                              m->size);
		if (r < 0)
			return -1;
	}
	return tar_write_end(out);
}

/* json_digest() is the digest of the JSON text J. */
static void json_digest(const struct json *j, struct model_digest *d)
{
	struct sha256 s;
	uint8_t out[SHA256_SIZE];

	sha256_init(&s);
	sha256_update(&s, j->buf, j->len);
	sha256_final(&s, out);
	memcpy(d->b, out, sizeof out);
}

int image_write(struct image_set *set, struct sink *out,
                struct image_result *res)
{
	static const char oci_layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
	struct json nested, index, docker;
	struct members ms = { NULL, 0 };
	int oci = set->format != IMAGE_FORMAT_DOCKER;
	size_t i, k;
	int r;

	json_init(&nested);
	json_init(&index);
	json_init(&docker);
	for (i = 0; i < set->n; i++) {
		struct image_one *img = &set->v[i];

		json_init(&img->config);
		json_init(&img->manifest);
		config_json(&img->config, img);
		json_digest(&img->config, &img->config_digest);
		manifest_json(&img->manifest, img);
		json_digest(&img->manifest, &img->manifest_digest);
		/* The docker view names the first image only. */
		if (!oci && i > 0)
			continue;
		add_blob(&ms, &img->config_digest, img->config.buf,
		         img->config.len, NULL);
		for (k = 0; k < img->nlayers; k++)
			add_blob(&ms, &img->layers[k].digest, NULL,
			         img->layers[k].size, &img->layers[k]);
		if (oci)
			add_blob(&ms, &img->manifest_digest, img->manifest.buf,
			         img->manifest.len, NULL);
	}
	if (set->n > 1) {
		nested_json(&nested, set);
		json_digest(&nested, &res->index_digest);
		if (oci)
			add_blob(&ms, &res->index_digest, nested.buf, nested.len,
			         NULL);
	}
	if (oci) {
		index_json(&index, set, &nested, &res->index_digest);
		add_member(&ms, "index.json", index.buf, index.len, NULL);
		add_member(&ms, "oci-layout", oci_layout, sizeof oci_layout - 1,
		           NULL);
	}
	if (set->format != IMAGE_FORMAT_OCI) {
		docker_manifest_json(&docker, set);
		add_member(&ms, "manifest.json", docker.buf, docker.len, NULL);
	}
	r = write_members(out, &ms, set->mtime);
	res->tarball_size = out->bytes;
	free(ms.v);
	json_free(&nested);
	json_free(&index);
	json_free(&docker);
	return r;
}

void image_set_free(struct image_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		json_free(&set->v[i].config);
		json_free(&set->v[i].manifest);
	}
}
