/* util: messages, allocation that cannot fail, and whole-buffer I/O. */
#ifndef TINYIMG_UTIL_H
#define TINYIMG_UTIL_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

/* Print "tinyimg: MESSAGE" on stderr; a format ending in ':' gets
 * " strerror(errno)" appended. Always returns -1, so callers can
 * `return util_error(...)`. */
int util_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* malloc/realloc/strdup that print a message and exit(1) when memory is out. */
void *util_xmalloc(size_t size);
void *util_xrealloc(void *p, size_t size);
char *util_xstrdup(const char *s);

/* realloc for an array of N items of SIZE bytes; exits when N * SIZE
 * overflows or memory is out. */
void *util_xreallocarray(void *p, size_t n, size_t size);

/* A heap copy of S fit to print in a message: control bytes (C0, DEL and
 * the C1 controls U+0080-U+009F) and bytes that are not UTF-8 become
 * \xNN, a backslash becomes \\. */
char *util_escape(const char *s);

/* Format into a fresh heap string (exits when memory is out). */
char *util_xasprintf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Write all LEN bytes to FD, retrying short writes and EINTR.
 * On failure reports "NAME: write failed: ..." and returns -1. */
int util_write_all(int fd, const void *buf, size_t len, const char *name);

/* Read exactly LEN bytes from FD at OFFSET. Returns 0, or -1 after a message
 * naming NAME (a short file is reported as truncated). */
int util_pread_full(int fd, void *buf, size_t len, uint64_t offset,
                    const char *name);

/* Open /dev/null on each of file descriptors 0, 1 and 2 that is closed, so
 * no file tinyimg opens takes their place. A closed standard output is
 * reopened read-only: writing to it fails as writing to a closed one
 * would. */
void util_open_std_fds(void);

/* What is wrong with the option ARG that getopt_long() refused with '?',
 * OPTOPT being its optopt and LONGOPTS its table: a value given to an
 * option that takes none (named in full), an unknown short option in a
 * bundle, or an unknown long option. A heap string. */
char *util_option_refused(const char *arg, int optopt,
                          const struct option *longopts);

/* PATH with "." and ".." folded out and no leading '/' ("/a/./b/../c" is
 * "a/c"): a path inside an image. A ".." at the root stays there when
 * CLAMP (as a container's root file system keeps it), else the result is
 * NULL. A heap string. */
char *util_path_fold(const char *path, int clamp);

/* The last path component of PATH (a pointer into PATH). */
const char *util_basename(const char *path);

/* A heap copy of PATH's folder ("." when it has none). */
char *util_dirname(const char *path);

#endif
