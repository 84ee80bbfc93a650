/* ref: image references (NAME[:TAG]) checked by Docker's grammar. */
#include "ref.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static int is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_word(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z') || c == '_';
}

/* valid_component() checks one path component:
 * [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)* */
static int valid_component(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t start = i, seps;

		while (i < n && is_lower_alnum(s[i]))
			i++;
		if (i == start)
			return 0;
		if (i == n)
			return 1;
		seps = i;
		if (s[i] == '.')
			i++;
		else if (s[i] == '_')
			i += (i + 1 < n && s[i + 1] == '_') ? 2 : 1;
		else
			while (i < n && s[i] == '-')
				i++;
		if (i == seps || i == n)
			return 0;
	}
	return 0;
}

/* valid_domain() checks a registry host[:port]: dot-separated labels of
 * letters, digits and inner hyphens, then an optional numeric port. */
static int valid_domain(const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	size_t host = colon ? (size_t)(colon - s) : n;
	size_t i, label = 0;

	if (host == 0)
		return 0;
	for (i = 0; i < host; i++) {
		char c = s[i];

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return 0;
			label = 0;
		} else if (is_word(c) && c != '_') {
			label++;
		} else if (c == '-' && label > 0) {
			label++;
		} else {
			return 0;
		}
	}
	if (label == 0 || s[host - 1] == '-')
		return 0;
	if (!colon)
		return 1;
	if (host + 1 == n)
		return 0;
	for (i = host + 1; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* valid_tag() checks [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}. */
static int valid_tag(const char *t)
{
	size_t i, n = strlen(t);

	if (n == 0 || n > 128 || !is_word(t[0]))
		return 0;
	for (i = 1; i < n; i++)
		if (!is_word(t[i]) && t[i] != '.' && t[i] != '-')
			return 0;
	return 1;
}

/* has_domain() says whether the first component of NAME names a registry. */
static int has_domain(const char *name, size_t first)
{
	return memchr(name, '/', strlen(name)) &&
	       (memchr(name, '.', first) || memchr(name, ':', first) ||
	        (first == 9 && memcmp(name, "localhost", 9) == 0));
}

/* valid_path() checks the '/'-separated components of PATH. */
static int valid_path(const char *path)
{
	const char *p = path;

	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (!valid_component(p, n))
			return 0;
		if (!slash)
			return 1;
		p = slash + 1;
	}
}

/* is_hub() says whether the registry host NAME (N bytes) is Docker Hub. */
static int is_hub(const char *name, size_t n)
{
	return (n == 9 && memcmp(name, "docker.io", 9) == 0) ||
	       (n == 15 && memcmp(name, "index.docker.io", 15) == 0);
}

/* is_hex64() says whether S is 64 lowercase hex digits: Docker reads such a
 * name as an image ID. */
static int is_hex64(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* normalize() fills R's full and familiar names from NAME (whose first
 * FIRST bytes are a registry host when DOMAIN) and PATH, its repository
 * part. */
static void normalize(struct ref *r, const char *name, size_t first,
                      int domain, const char *path)
{
	if (domain && !is_hub(name, first)) {
		r->full = util_xasprintf("%s:%s", name, r->tag);
		r->familiar = util_xstrdup(r->full);
	} else {
		/* Docker Hub: "library/" for official images, and shown bare. */
		int official = !strchr(path, '/');
		int bare = official || (strncmp(path, "library/", 8) == 0 &&
		                        !strchr(path + 8, '/'));

		r->full = util_xasprintf("docker.io/%s%s:%s",
		                         official ? "library/" : "", path, r->tag);
		r->familiar = util_xasprintf("%s:%s",
		                             bare && !official ? path + 8 : path,
		                             r->tag);
	}
}

/* familiar_problem() is why Docker refuses R's familiar name (the name as
 * it shows it, "library/" and "docker.io/" dropped), or NULL: 64 hex
 * digits read as an image ID, and "sha256" as a digest algorithm. */
static const char *familiar_problem(const struct ref *r)
{
	size_t n = strlen(r->familiar) - strlen(r->tag) - 1;
	char *name = util_xasprintf("%.*s", (int)n, r->familiar);
	const char *why = NULL;

	if (is_hex64(name))
		why = "a name of 64 hex digits reads as an image ID to Docker "
		      "(also with library/ or docker.io/ in front)";
	else if (strcmp(name, "sha256") == 0)
		why = "Docker refuses the name sha256 (also with library/ or "
		      "docker.io/ in front): it reads as a digest algorithm";
	free(name);
	return why;
}

int ref_parse(const char *text, struct ref *r, const char **why)
{
	const char *slash = strrchr(text, '/');
	const char *colon = strrchr(slash ? slash : text, ':');
	size_t namelen = colon ? (size_t)(colon - text) : strlen(text);
	char *name, *path;
	size_t first;
	int domain;

	memset(r, 0, sizeof *r);
	if (strchr(text, '@')) {
		*why = "digests (@sha256:...) cannot name a new image";
		return -1;
	}
	if (colon && !valid_tag(colon + 1)) {
		*why = "the tag must be 1-128 of A-Z a-z 0-9 _ . -, not "
		       "starting with . or -";
		return -1;
	}
	if (namelen == 0 || namelen > 255) {
		*why = "the name must be 1 to 255 characters";
		return -1;
	}
	name = util_xmalloc(namelen + 1);
	memcpy(name, text, namelen);
	name[namelen] = '\0';
	first = strcspn(name, "/");
	domain = has_domain(name, first);
	path = domain ? name + first + 1 : name;
	if ((domain && !valid_domain(name, first)) || !valid_path(path)) {
		free(name);
		*why = "names are lowercase letters, digits and separators "
		       "(. _ __ -) in '/'-separated parts, after an optional "
		       "registry host[:port]/";
		return -1;
	}
	r->tag = util_xstrdup(colon ? colon + 1 : "latest");
	normalize(r, name, first, domain, path);
	free(name);
	if ((*why = familiar_problem(r)) != NULL) {
		ref_free(r);
		memset(r, 0, sizeof *r);
		return -1;
	}
	/* Docker limits the name written in full, registry and all. */
	if (strlen(r->full) - strlen(r->tag) - 1 > 255) {
		ref_free(r);
		memset(r, 0, sizeof *r);
		*why = "the name is longer than 255 characters when written in "
		       "full as Docker does (docker.io/library/NAME for a bare "
		       "NAME)";
		return -1;
	}
	return 0;
}

void ref_free(struct ref *r)
{
	free(r->familiar);
	free(r->full);
	free(r->tag);
}
