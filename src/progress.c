/* progress: one self-overwriting line on standard error for long work. */
#define _POSIX_C_SOURCE 200809L
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_init(struct progress *p, const char *what, uint64_t total,
                   int want)
{
	const char *after = getenv("TINYIMG_PROGRESS_AFTER");

	memset(p, 0, sizeof *p);
	p->enabled = want && isatty(STDERR_FILENO);
	p->after = after && *after ? strtod(after, NULL) : 1.0;
	p->what = what;
	p->total = total;
	if (p->enabled)
		p->start = p->last = now();
}

/* mib() is N bytes in MiB. */
static double mib(uint64_t n)
{
	return (double)n / (1024.0 * 1024.0);
}

void progress_add(struct progress *p, uint64_t n)
{
	double t, rate;

	p->done += n;
	if (!p->enabled)
		return;
	t = now();
	if (t - p->start < p->after || (p->shown && t - p->last < 0.1))
		return;
	p->last = t;
	rate = t > p->start ? mib(p->done) / (t - p->start) : 0;
	if (p->total)
		fprintf(stderr, "\rtinyimg: %s: %.0f of %.0f MiB (%.0f%%), "
		        "%.0f MiB/s\033[K", p->what, mib(p->done), mib(p->total),
		        100.0 * (double)p->done / (double)p->total, rate);
	else
		fprintf(stderr, "\rtinyimg: %s: %.0f MiB, %.0f MiB/s\033[K",
		        p->what, mib(p->done), rate);
	fflush(stderr);
	p->shown = 1;
}

void progress_end(struct progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = 0;
}
