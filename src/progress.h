/* progress: one self-overwriting line on standard error for long work:
 * bytes done, the total when known, and the rate. Shown only on a terminal,
 * only once the work has run a second (TINYIMG_PROGRESS_AFTER seconds, for
 * tests), at most ten times a second. */
#ifndef TINYIMG_PROGRESS_H
#define TINYIMG_PROGRESS_H

#include <stdint.h>

struct progress {
	int enabled;      /* standard error is a terminal and not --quiet */
	const char *what; /* "reading base.tar" */
	uint64_t total;   /* 0 when unknown */
	uint64_t done;
	double start, last, after;
	int shown;        /* a line is on the screen */
};

/* Start measuring WHAT (TOTAL bytes, 0 when unknown); WANT is 0 for -q. */
void progress_init(struct progress *p, const char *what, uint64_t total,
                   int want);

/* N more bytes are done. */
void progress_add(struct progress *p, uint64_t n);

/* The work is over: erase the line, if one was shown. */
void progress_end(struct progress *p);

#endif
