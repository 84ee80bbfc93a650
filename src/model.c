/* model: the image model shared by the reader and the writer. */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int model_digest_parse(const char *s, size_t len, struct model_digest *d)
{
	size_t i;

	if (len != 71 || memcmp(s, "sha256:", 7) != 0)
		return -1;
	for (i = 0; i < 64; i++) {
		char c = s[7 + i];
		int v = c >= '0' && c <= '9' ? c - '0'
		        : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

		if (v < 0)
			return -1;
		if (i % 2 == 0)
			d->b[i / 2] = (uint8_t)(v << 4);
		else
			d->b[i / 2] |= (uint8_t)v;
	}
	return 0;
}

void model_digest_hex(const struct model_digest *d, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 32; i++) {
		hex[2 * i] = digits[d->b[i] >> 4];
		hex[2 * i + 1] = digits[d->b[i] & 15];
	}
	hex[64] = '\0';
}

void model_digest_string(const struct model_digest *d, char buf[72])
{
	memcpy(buf, "sha256:", 7);
	model_digest_hex(d, buf + 7);
}

int model_digest_equal(const struct model_digest *a,
                       const struct model_digest *b)
{
	return memcmp(a->b, b->b, sizeof a->b) == 0;
}

/* dup_text() is a heap copy of string value V (its LEN bytes). */
static char *dup_text(const struct json_value *v)
{
	char *s = util_xmalloc(v->len + 1);

	memcpy(s, v->s, v->len);
	s[v->len] = '\0';
	return s;
}

/* opt_string() reads member KEY of OBJ, a string when present: a heap copy
 * in *OUT (NULL when absent or null). A value of another type is a
 * problem. */
static void opt_string(const struct json_value *obj, const char *key,
                       char **out, struct report *r, const char *where)
{
	const struct json_value *v = json_get(obj, key);

	*out = NULL;
	if (!v || v->kind == JSON_NULL)
		return;
	if (v->kind != JSON_STRING) {
		report_problem(r, where, "\"%s\" is not a string", key);
		return;
	}
	*out = dup_text(v);
}

/* need_string() is opt_string for a member the format requires. */
static void need_string(const struct json_value *obj, const char *key,
                        char **out, struct report *r, const char *where)
{
	if (!json_get(obj, key))
		report_problem(r, where, "\"%s\" is missing", key);
	opt_string(obj, key, out, r, where);
}

/* strings() reads member KEY of OBJ, an array of strings or null. */
static void strings(const struct json_value *obj, const char *key,
                    struct model_strings *out, struct report *r,
                    const char *where)
{
	const struct json_value *v = json_get(obj, key), *e;
	size_t i = 0;

	memset(out, 0, sizeof *out);
	if (!v || v->kind == JSON_NULL)
		return;
	if (v->kind != JSON_ARRAY) {
		report_problem(r, where, "\"%s\" is not an array of strings",
		               key);
		return;
	}
	out->set = 1;
	out->v = util_xreallocarray(NULL, v->n + 1, sizeof *out->v);
	for (e = v->first; e; e = e->next) {
		if (e->kind != JSON_STRING) {
			report_problem(r, where, "\"%s\"[%zu] is not a string",
			               key, i);
			i++;
			continue;
		}
		out->v[out->n++] = dup_text(e);
		i++;
	}
}

/* kvs() reads member KEY of OBJ, an object of strings (labels,
 * annotations); with KEYS_ONLY the values are ignored (exposed ports). */
static void kvs(const struct json_value *obj, const char *key,
                struct model_kvs *out, int keys_only, struct report *r,
                const char *where)
{
	const struct json_value *v = json_get(obj, key), *e;

	memset(out, 0, sizeof *out);
	if (!v || v->kind == JSON_NULL)
		return;
	if (v->kind != JSON_OBJECT) {
		report_problem(r, where, "\"%s\" is not an object", key);
		return;
	}
	out->v = util_xreallocarray(NULL, v->n + 1, sizeof *out->v);
	for (e = v->first; e; e = e->next) {
		struct model_kv *kv = &out->v[out->n];

		if (!keys_only && e->kind != JSON_STRING) {
			report_problem(r, where, "\"%s\".\"%s\" is not a string",
			               key, e->key);
			continue;
		}
		kv->key = util_xmalloc(e->keylen + 1);
		memcpy(kv->key, e->key, e->keylen);
		kv->key[e->keylen] = '\0';
		kv->value = keys_only ? NULL : dup_text(e);
		out->n++;
	}
}

void model_kvs_free(struct model_kvs *kv)
{
	size_t i;

	for (i = 0; i < kv->n; i++) {
		free(kv->v[i].key);
		free(kv->v[i].value);
	}
	free(kv->v);
	memset(kv, 0, sizeof *kv);
}

/* strings_free() releases the list S. */
static void strings_free(struct model_strings *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}

void model_kvs_set(struct model_kvs *kv, const char *key, const char *value)
{
	size_t i;

	for (i = 0; i < kv->n; i++)
		if (strcmp(kv->v[i].key, key) == 0) {
			free(kv->v[i].value);
			kv->v[i].value = util_xstrdup(value);
			return;
		}
	kv->v = util_xreallocarray(kv->v, kv->n + 1, sizeof *kv->v);
	kv->v[kv->n].key = util_xstrdup(key);
	kv->v[kv->n].value = util_xstrdup(value);
	kv->n++;
}

const char *model_kvs_get(const struct model_kvs *kv, const char *key)
{
	size_t i;

	for (i = kv->n; i > 0; i--)
		if (strcmp(kv->v[i - 1].key, key) == 0)
			return kv->v[i - 1].value;
	return NULL;
}

/* digest_value() reads V as a digest; a problem names WHAT. */
static int digest_value(const struct json_value *v, struct model_digest *d,
                        struct report *r, const char *where,
                        const char *what)
{
	if (!v) {
		report_problem(r, where, "%s is missing", what);
		return -1;
	}
	if (v->kind != JSON_STRING) {
		report_problem(r, where, "%s is not a string", what);
		return -1;
	}
	if (model_digest_parse(v->s, v->len, d) < 0) {
		if (v->len > 7 && memcmp(v->s, "sha256:", 7) != 0 &&
		    memchr(v->s, ':', v->len))
			report_problem(r, where, "%s %.*s: tinyimg checks only "
			               "sha256 digests", what,
			               (int)(v->len < 80 ? v->len : 80), v->s);
		else
			report_problem(r, where, "%s \"%.*s\" is not sha256: and "
			               "64 lowercase hex digits", what,
			               (int)(v->len < 80 ? v->len : 80), v->s);
		return -1;
	}
	return 0;
}

/* descriptor() reads the descriptor V (named WHAT in problems). */
static void descriptor(const struct json_value *v, struct model_descriptor *d,
                       struct report *r, const char *where, const char *what)
{
	const struct json_value *size, *plat;
	int ok;

	memset(d, 0, sizeof *d);
	if (!v || v->kind != JSON_OBJECT) {
		report_problem(r, where, "%s is %s", what,
		               v ? "not an object" : "missing");
		return;
	}
	if (!json_get(v, "mediaType"))
		report_problem(r, where, "%s has no mediaType", what);
	opt_string(v, "mediaType", &d->media_type, r, where);
	ok = digest_value(json_get(v, "digest"), &d->digest, r, where,
	                  "its digest") == 0;
	size = json_get(v, "size");
	if (!size)
		report_problem(r, where, "%s has no size", what), ok = 0;
	else if (json_as_uint64(size, &d->size) < 0)
		report_problem(r, where, "%s: size is not a byte count", what),
			ok = 0;
	d->valid = ok;
	plat = json_get(v, "platform");
	if (plat && plat->kind == JSON_OBJECT) {
		d->has_platform = 1;
		opt_string(plat, "os", &d->platform.os, r, where);
		opt_string(plat, "architecture", &d->platform.architecture, r,
		           where);
		opt_string(plat, "variant", &d->platform.variant, r, where);
	} else if (plat && plat->kind != JSON_NULL) {
		report_problem(r, where, "%s: platform is not an object", what);
	}
	kvs(v, "annotations", &d->annotations, 0, r, where);
}

void model_descriptor_free(struct model_descriptor *d)
{
	free(d->media_type);
	free(d->platform.os);
	free(d->platform.architecture);
	free(d->platform.variant);
	model_kvs_free(&d->annotations);
	memset(d, 0, sizeof *d);
}

/* runtime_key() says whether KEY of a runtime config is one this model
 * reads (the rest are kept as they are). */
static int runtime_key(const char *key)
{
	static const char *const keys[] = {
		"User", "ExposedPorts", "Env", "Entrypoint", "Cmd", "WorkingDir",
		"Labels", "StopSignal",
	};
	size_t i;

	for (i = 0; i < sizeof keys / sizeof *keys; i++)
		if (strcmp(key, keys[i]) == 0)
			return 1;
	return 0;
}

/* runtime_extras() keeps the members of the runtime config V this model
 * does not read, each value rendered as JSON text. */
static void runtime_extras(const struct json_value *v, struct model_kvs *out)
{
	const struct json_value *m;

	memset(out, 0, sizeof *out);
	out->v = util_xreallocarray(NULL, v->n + 1, sizeof *out->v);
	for (m = v->first; m; m = m->next) {
		struct json text;

		if (memchr(m->key, '\0', m->keylen) || runtime_key(m->key))
			continue;
		json_init(&text);
		json_write_value(&text, m);
		out->v[out->n].key = util_xstrdup(m->key);
		out->v[out->n].value = util_xstrdup(text.buf ? text.buf : "null");
		out->n++;
		json_free(&text);
	}
}

/* runtime() reads the "config" object of an image config. */
static void runtime(const struct json_value *v, struct model_runtime *rt,
                    struct report *r, const char *where)
{
	struct model_kvs ports;
	size_t i;

	strings(v, "Entrypoint", &rt->entrypoint, r, where);
	strings(v, "Cmd", &rt->cmd, r, where);
	strings(v, "Env", &rt->env, r, where);
	kvs(v, "Labels", &rt->labels, 0, r, where);
	kvs(v, "ExposedPorts", &ports, 1, r, where);
	rt->ports.v = util_xreallocarray(NULL, ports.n + 1, sizeof *rt->ports.v);
	for (i = 0; i < ports.n; i++)
		rt->ports.v[i] = ports.v[i].key;
	rt->ports.n = ports.n;
	rt->ports.set = ports.n > 0;
	free(ports.v);
	opt_string(v, "WorkingDir", &rt->workdir, r, where);
	opt_string(v, "User", &rt->user, r, where);
	opt_string(v, "StopSignal", &rt->stop_signal, r, where);
}

/* rootfs() reads rootfs.diff_ids. */
static void rootfs(const struct json_value *v, struct model_config *c,
                   struct report *r, const char *where)
{
	const struct json_value *type, *ids, *e;
	size_t i = 0;

	if (!v || v->kind != JSON_OBJECT) {
		report_problem(r, where, "\"rootfs\" is %s (Docker refuses an "
		               "image without one)", v ? "not an object"
		                                       : "missing");
		return;
	}
	type = json_get(v, "type");
	if (!type || type->kind != JSON_STRING || type->len != 6 ||
	    memcmp(type->s, "layers", 6) != 0)
		report_problem(r, where, "rootfs.type is not \"layers\"");
	ids = json_get(v, "diff_ids");
	if (!ids || ids->kind != JSON_ARRAY) {
		report_problem(r, where, "rootfs.diff_ids is %s",
		               ids ? "not an array" : "missing");
		return;
	}
	c->diff_ids = util_xreallocarray(NULL, ids->n + 1, sizeof *c->diff_ids);
	for (e = ids->first; e; e = e->next, i++) {
		char what[48];

		snprintf(what, sizeof what, "rootfs.diff_ids[%zu]", i);
		if (digest_value(e, &c->diff_ids[c->ndiff_ids], r, where,
		                 what) == 0)
			c->ndiff_ids++;
	}
}

/* history() reads the history entries. */
static void history(const struct json_value *v, struct model_config *c,
                    struct report *r, const char *where)
{
	const struct json_value *e, *empty;

	if (!v || v->kind == JSON_NULL)
		return;
	if (v->kind != JSON_ARRAY) {
		report_problem(r, where, "\"history\" is not an array");
		return;
	}
	c->history = util_xreallocarray(NULL, v->n + 1, sizeof *c->history);
	for (e = v->first; e; e = e->next) {
		struct model_history *h = &c->history[c->nhistory];

		if (e->kind != JSON_OBJECT) {
			report_problem(r, where, "a history entry is not an "
			               "object");
			continue;
		}
		memset(h, 0, sizeof *h);
		opt_string(e, "created", &h->created, r, where);
		opt_string(e, "created_by", &h->created_by, r, where);
		opt_string(e, "comment", &h->comment, r, where);
		empty = json_get(e, "empty_layer");
		h->empty_layer = empty && empty->kind == JSON_BOOL && empty->b;
		c->nhistory++;
	}
}

int model_config_parse(const struct json_value *v, struct model_config *c,
                       struct report *r, const char *where)
{
	const struct json_value *rt;

	memset(c, 0, sizeof *c);
	if (!v || v->kind != JSON_OBJECT) {
		report_problem(r, where, "the image config is not a JSON object");
		return -1;
	}
	need_string(v, "architecture", &c->architecture, r, where);
	need_string(v, "os", &c->os, r, where);
	opt_string(v, "variant", &c->variant, r, where);
	opt_string(v, "created", &c->created, r, where);
	opt_string(v, "author", &c->author, r, where);
	rt = json_get(v, "config");
	if (rt && rt->kind == JSON_OBJECT) {
		runtime(rt, &c->rt, r, where);
		runtime_extras(rt, &c->runtime_extras);
	} else if (rt && rt->kind != JSON_NULL) {
		report_problem(r, where, "\"config\" is not an object");
	}
	rootfs(json_get(v, "rootfs"), c, r, where);
	history(json_get(v, "history"), c, r, where);
	return 0;
}

void model_config_free(struct model_config *c)
{
	size_t i;

	free(c->architecture);
	free(c->os);
	free(c->variant);
	free(c->created);
	free(c->author);
	strings_free(&c->rt.entrypoint);
	strings_free(&c->rt.cmd);
	strings_free(&c->rt.env);
	strings_free(&c->rt.ports);
	model_kvs_free(&c->rt.labels);
	free(c->rt.workdir);
	free(c->rt.user);
	free(c->rt.stop_signal);
	free(c->diff_ids);
	model_kvs_free(&c->runtime_extras);
	for (i = 0; i < c->nhistory; i++) {
		free(c->history[i].created);
		free(c->history[i].created_by);
		free(c->history[i].comment);
	}
	free(c->history);
	memset(c, 0, sizeof *c);
}

/* schema_version() checks "schemaVersion": 2. */
static void schema_version(const struct json_value *v, struct report *r,
                           const char *where)
{
	const struct json_value *sv = json_get(v, "schemaVersion");
	uint64_t n;

	if (!sv || json_as_uint64(sv, &n) < 0 || n != 2)
		report_problem(r, where, "schemaVersion is not 2");
}

int model_manifest_parse(const struct json_value *v, struct model_manifest *m,
                         struct report *r, const char *where)
{
	const struct json_value *layers, *e;
	size_t i = 0;

	memset(m, 0, sizeof *m);
	if (!v || v->kind != JSON_OBJECT) {
		report_problem(r, where, "the manifest is not a JSON object");
		return -1;
	}
	schema_version(v, r, where);
	opt_string(v, "mediaType", &m->media_type, r, where);
	descriptor(json_get(v, "config"), &m->config, r, where,
	           "the config descriptor");
	layers = json_get(v, "layers");
	if (!layers || layers->kind != JSON_ARRAY) {
		report_problem(r, where, "\"layers\" is %s",
		               layers ? "not an array" : "missing");
	} else {
		m->layers = util_xreallocarray(NULL, layers->n + 1,
		                               sizeof *m->layers);
		for (e = layers->first; e; e = e->next, i++) {
			char what[48];

			snprintf(what, sizeof what, "layer %zu", i + 1);
			descriptor(e, &m->layers[m->nlayers++], r, where, what);
		}
	}
	kvs(v, "annotations", &m->annotations, 0, r, where);
	return 0;
}

void model_manifest_free(struct model_manifest *m)
{
	size_t i;

	free(m->media_type);
	model_descriptor_free(&m->config);
	for (i = 0; i < m->nlayers; i++)
		model_descriptor_free(&m->layers[i]);
	free(m->layers);
	model_kvs_free(&m->annotations);
	memset(m, 0, sizeof *m);
}

int model_index_parse(const struct json_value *v, struct model_index *x,
                      struct report *r, const char *where)
{
	const struct json_value *list, *e;
	size_t i = 0;

	memset(x, 0, sizeof *x);
	if (!v || v->kind != JSON_OBJECT) {
		report_problem(r, where, "the index is not a JSON object");
		return -1;
	}
	schema_version(v, r, where);
	opt_string(v, "mediaType", &x->media_type, r, where);
	list = json_get(v, "manifests");
	if (!list || list->kind != JSON_ARRAY) {
		report_problem(r, where, "\"manifests\" is %s",
		               list ? "not an array" : "missing");
	} else {
		x->manifests = util_xreallocarray(NULL, list->n + 1,
		                                  sizeof *x->manifests);
		for (e = list->first; e; e = e->next, i++) {
			char what[48];

			snprintf(what, sizeof what, "manifests[%zu]", i);
			descriptor(e, &x->manifests[x->nmanifests++], r, where,
			           what);
		}
	}
	kvs(v, "annotations", &x->annotations, 0, r, where);
	return 0;
}

void model_index_free(struct model_index *x)
{
	size_t i;

	free(x->media_type);
	for (i = 0; i < x->nmanifests; i++)
		model_descriptor_free(&x->manifests[i]);
	free(x->manifests);
	model_kvs_free(&x->annotations);
	memset(x, 0, sizeof *x);
}

const char *model_layer_oci_type(const char *mt)
{
	static const char *const map[][2] = {
		{ MODEL_MT_DOCKER_LAYER, MODEL_MT_OCI_LAYER },
		{ MODEL_MT_DOCKER_LAYER_GZIP, MODEL_MT_OCI_LAYER_GZIP },
		{ MODEL_MT_DOCKER_LAYER_FOREIGN,
		  MODEL_MT_OCI_LAYER_NONDIST_GZIP },
	};
	size_t i;

	for (i = 0; mt && i < sizeof map / sizeof *map; i++)
		if (strcmp(mt, map[i][0]) == 0)
			return map[i][1];
	return mt;
}

int model_layer_compression(const char *mt)
{
	static const struct {
		const char *type;
		int kind;
	} known[] = {
		{ MODEL_MT_OCI_LAYER, 1 },
		{ MODEL_MT_OCI_LAYER_GZIP, 2 },
		{ MODEL_MT_OCI_LAYER_ZSTD, 3 },
		{ MODEL_MT_DOCKER_LAYER, 1 },
		{ MODEL_MT_DOCKER_LAYER_GZIP, 2 },
		{ MODEL_MT_DOCKER_LAYER_FOREIGN, 2 },
		{ MODEL_MT_OCI_LAYER_NONDIST, 1 },
		{ MODEL_MT_OCI_LAYER_NONDIST_GZIP, 2 },
		{ MODEL_MT_OCI_LAYER_NONDIST_ZSTD, 3 },
	};
	size_t i;

	for (i = 0; mt && i < sizeof known / sizeof *known; i++)
		if (strcmp(mt, known[i].type) == 0)
			return known[i].kind;
	return 0;
}
