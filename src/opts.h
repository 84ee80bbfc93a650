/* opts: the options of "tinyimg build", parsed and checked. */
#ifndef TINYIMG_OPTS_H
#define TINYIMG_OPTS_H

#include <stdint.h>
#include <stdio.h>

#include "image.h"

enum {
	OPTS_USAGE = 2,       /* the exit status of a usage error */
	OPTS_HELP_SHOWN = -1, /* --help was given and answered: stop, exit 0 */
};

/* Image times must be below this many seconds since the epoch (year 2242):
 * a ustar mtime field holds 11 octal digits. */
#define OPTS_TIME_LIMIT ((int64_t)1 << 33)

/* What the user asked for. Every string is a heap copy owned here. */
struct opts {
	struct image_list inputs; /* INPUT...: one image per platform */
	char *output;
	char *base;        /* --base TARBALL, or NULL */
	struct image_list tags;
	char *arch;        /* --arch, or NULL */
	struct image_list includes; /* -I folders for nasm, made absolute */
	int strip;         /* --strip: super strip a prebuilt executable */
	int no_rwx;        /* --no-rwx: no segment both writable and
	                      executable (W^X) */
	int quiet, verbose;
	char *path;        /* --path: the program's place in the image */
	struct image_list entrypoint, cmd, env, labels, ports;
	int has_entrypoint, has_cmd;
	struct image_list adds; /* "SRC:DEST" */
	char *workdir, *user, *stop_signal;
	int has_created;   /* --created given: created holds it */
	uint64_t created;
	enum image_format format;
};

/* Parse "build" ARGV into O. Returns 0, OPTS_USAGE after a message, or
 * OPTS_HELP_SHOWN after printing the help. O needs opts_free in every case. */
int opts_parse(int argc, char **argv, struct opts *o);

void opts_free(struct opts *o);

/* Print the help text of "tinyimg build" to F. */
void opts_help(FILE *f);

/* Does the word S name no program: empty, or only blanks and line breaks
 * (the first word of an entrypoint or cmd must name one)? */
int opts_blank_word(const char *s);

/* Print "tinyimg: MESSAGE" and the help hint; returns OPTS_USAGE. */
int opts_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Parse an RFC 3339 time ("2024-05-01T12:00:00Z", "...+02:00", optional
 * fraction) into seconds since the epoch, below OPTS_TIME_LIMIT. 0, or -1
 * when malformed or out of range. */
int opts_parse_rfc3339(const char *s, uint64_t *seconds);

#endif
