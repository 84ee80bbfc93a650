/* words: split a command line into words as a POSIX shell would, without
 * running one: quotes and backslashes, no expansion. */
#include "words.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* A word being built: its bytes, and whether it exists yet (a pair of
 * quotes makes an empty word). */
struct word {
	char *buf;
	size_t len;
	int started;
};

static void put(struct word *w, char c)
{
	w->buf[w->len++] = c;
	w->started = 1;
}

/* single_quoted() copies up to the closing quote after P; returns the
 * position after it, or NULL when there is none. */
static const char *single_quoted(const char *p, struct word *w)
{
	const char *end = strchr(p, '\'');

	if (!end)
		return NULL;
	memcpy(w->buf + w->len, p, (size_t)(end - p));
	w->len += (size_t)(end - p);
	w->started = 1;
	return end + 1;
}

/* double_quoted() copies up to the closing quote after P, undoing the
 * escapes a shell undoes there; returns the position after it, or NULL. */
static const char *double_quoted(const char *p, struct word *w)
{
	w->started = 1;
	for (; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1] == '\n') {
			p++;
		} else if (*p == '\\' && p[1] && strchr("\"\\$`", p[1])) {
			put(w, *++p);
		} else {
			put(w, *p);
		}
	}
	return *p ? p + 1 : NULL;
}

int words_split(const char *text, void (*add)(void *, char *), void *ctx,
                const char **why, size_t *at)
{
	struct word w = { util_xmalloc(strlen(text) + 1), 0, 0 };
	const char *p = text, *q;

	while (*p) {
		if (*p == ' ' || *p == '\t' || *p == '\n') {
			if (w.started) {
				w.buf[w.len] = '\0';
				add(ctx, util_xstrdup(w.buf));
				w.len = 0, w.started = 0;
			}
			p++;
		} else if (*p == '\'' || *p == '"') {
			q = *p == '\'' ? single_quoted(p + 1, &w)
			               : double_quoted(p + 1, &w);
			if (!q) {
				*why = *p == '\'' ? "a single quote (') is never "
				                    "closed"
				                  : "a double quote (\") is never "
				                    "closed";
				*at = (size_t)(p - text);
				free(w.buf);
				return -1;
			}
			p = q;
		} else if (*p == '\\' && p[1] == '\n') {
			p += 2;
		} else if (*p == '\\' && p[1]) {
			put(&w, p[1]);
			p += 2;
		} else {
			put(&w, *p++);
		}
	}
	if (w.started) {
		w.buf[w.len] = '\0';
		add(ctx, util_xstrdup(w.buf));
	}
	free(w.buf);
	return 0;
}
