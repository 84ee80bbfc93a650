/* words: split a command line into words as a POSIX shell would, without
 * running one: quotes and backslashes, no expansion. */
#ifndef TINYIMG_WORDS_H
#define TINYIMG_WORDS_H

#include <stddef.h>

/* Split TEXT into words: blanks (space, tab) and newlines separate them;
 * 'single quotes' keep everything; "double quotes" keep everything but
 * \" \\ \$ \` and backslash-newline; outside quotes a backslash keeps the
 * next character (backslash-newline joins lines). Nothing is expanded:
 * $, *, ? and ~ are plain characters. Calls ADD(CTX, word) with each word
 * (a heap string ADD takes over). 0, or -1 with *WHY naming the quote that
 * is never closed (then *AT is the byte offset of that quote); words
 * already added stay added. */
int words_split(const char *text, void (*add)(void *, char *), void *ctx,
                const char **why, size_t *at);

#endif
