/* report: the problems found in an image, all of them, each naming where
 * it was found and what was expected. */
#ifndef TINYIMG_REPORT_H
#define TINYIMG_REPORT_H

#include <stddef.h>

enum report_level { REPORT_PROBLEM, REPORT_WARNING };

struct report_item {
	enum report_level level;
	char *where; /* a member of the archive, "layer 2: etc/x", ... */
	char *what;  /* the problem, in words */
};

struct report {
	struct report_item *v;
	size_t n;
	size_t problems, warnings;
	size_t limit;   /* items kept; past it only counted (0: 10000) */
	size_t dropped;
};

void report_init(struct report *r);
void report_free(struct report *r);

/* Add a problem (the image is not valid) or a warning (it is, but
 * something was not checked or looks odd). WHERE and the message are
 * escaped for printing (control bytes and invalid UTF-8 become \xNN). */
void report_problem(struct report *r, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void report_warning(struct report *r, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
