/* test_words: command lines split as a POSIX shell splits them. */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "words.h"
#include "unit.h"

struct got {
	char buf[512];
	size_t n;
};

/* collect() joins the words with '|' around each, so "a b" is "|a|b|". */
static void collect(void *ctx, char *w)
{
	struct got *g = ctx;
	size_t len = strlen(w);

	if (g->n + len + 2 < sizeof g->buf) {
		memcpy(g->buf + g->n, w, len);
		g->n += len;
		g->buf[g->n++] = '|';
		g->buf[g->n] = '\0';
	}
	free(w);
}

static void split(const char *in, const char *want)
{
	struct got g = { "|", 1 };
	const char *why = NULL;
	size_t at = 0;
	int r = words_split(in, collect, &g, &why, &at);
	char *shown = util_escape(in), *w = util_escape(want);
	char *gs = util_escape(g.buf);

	unit_check(r == 0 && strcmp(g.buf, want) == 0,
	           "words: [%s] splits into %s (got %s)", shown, w, gs);
	free(shown);
	free(w);
	free(gs);
}

static void refused(const char *in, const char *quote, size_t want_at)
{
	struct got g = { "|", 1 };
	const char *why = NULL;
	size_t at = 0;
	int r = words_split(in, collect, &g, &why, &at);
	char *shown = util_escape(in);

	unit_check(r < 0 && why && strstr(why, quote) && at == want_at,
	           "words: [%s] is refused: %s at %zu", shown,
	           why ? why : "accepted", at);
	free(shown);
}

int main(void)
{
	split("", "|");
	split("  \t\n ", "|");
	split("a b\tc\nd", "|a|b|c|d|");
	split("  lead trail  ", "|lead|trail|");
	split("sh -c \"echo hi; ls /\"", "|sh|-c|echo hi; ls /|");
	split("'it''s' x", "|its|x|");
	split("'a \"b\" \\n'", "|a \"b\" \\n|");
	split("\"a \\\"q\\\" \\\\ \\$x \\` \\n\"", "|a \"q\" \\ $x ` \\n|");
	split("a\\ b c\\\\d \\'e", "|a b|c\\d|'e|");
	split("'' \"\" x''", "|||x|");
	split("$HOME * ~ ?", "|$HOME|*|~|?|");
	split("a\\\nb \"c\\\nd\"", "|ab|cd|");
	split("a\rb\vc\fd", "|a\rb\vc\fd|");
	split("\rx", "|\rx|");
	split("end\\", "|end\\|");
	refused("sh -c 'echo", "single quote", 6);
	refused("a \"b", "double quote", 2);
	refused("'ok' \"x\\\"", "double quote", 5);
	return unit_done();
}
