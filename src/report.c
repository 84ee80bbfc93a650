/* report: the problems found in an image, all of them, each naming where
 * it was found and what was expected. */
#include "report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void report_init(struct report *r)
{
	memset(r, 0, sizeof *r);
	r->limit = 10000;
}

void report_free(struct report *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].where);
		free(r->v[i].what);
	}
	free(r->v);
	report_init(r);
}

/* add() keeps one item, or only counts it past the limit. */
static void add(struct report *r, enum report_level level, const char *where,
                const char *fmt, va_list ap)
{
	char *raw;
	va_list copy;
	int n;

	if (level == REPORT_PROBLEM)
		r->problems++;
	else
		r->warnings++;
	if (r->n >= r->limit) {
		r->dropped++;
		return;
	}
	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	raw = util_xmalloc(n > 0 ? (size_t)n + 1 : 1);
	vsnprintf(raw, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
	r->v = util_xreallocarray(r->v, r->n + 1, sizeof *r->v);
	r->v[r->n].level = level;
	r->v[r->n].where = util_escape(where ? where : "");
	r->v[r->n].what = util_escape(raw);
	r->n++;
	free(raw);
}

void report_problem(struct report *r, const char *where, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add(r, REPORT_PROBLEM, where, fmt, ap);
	va_end(ap);
}

void report_warning(struct report *r, const char *where, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add(r, REPORT_WARNING, where, fmt, ap);
	va_end(ap);
}
