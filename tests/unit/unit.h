/* unit.h: the smallest test vocabulary. Each check prints a line and
 * appends "PASS name" or "FAIL name" to $TINYIMG_RESULTS, which
 * tests/run.sh tallies; main returns unit_done(). */
#ifndef TINYIMG_UNIT_H
#define TINYIMG_UNIT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int unit_failures;

/* unit_check() records check NAME (printf-style) as passed when OK. */
static void unit_check(int ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void unit_check(int ok, const char *fmt, ...)
{
	const char *path = getenv("TINYIMG_RESULTS");
	char name[256];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(name, sizeof name, fmt, ap);
	va_end(ap);
	printf("%s  %s\n", ok ? "ok  " : "FAIL", name);
	if (!ok)
		unit_failures++;
	if (path && (f = fopen(path, "a"))) {
		fprintf(f, "%s %s\n", ok ? "PASS" : "FAIL", name);
		fclose(f);
	}
}

static int unit_done(void)
{
	return unit_failures ? 1 : 0;
}

#endif
