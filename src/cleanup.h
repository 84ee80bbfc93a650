/* cleanup: temporary files that must vanish on exit and on fatal signals. */
#ifndef TINYIMG_CLEANUP_H
#define TINYIMG_CLEANUP_H

#include <sys/types.h>

/* Catch SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGUSR1, SIGUSR2,
 * SIGALRM, SIGXCPU, SIGVTALRM and SIGPROF: remove every registered path,
 * stop the running child, then die of the same signal. Ignore SIGXFSZ, so
 * a write past the file size limit fails (EFBIG) like any other. Registered
 * paths are also removed at exit(). */
void cleanup_install(void);

/* Register PATH (a file, or a folder emptied of registered files first)
 * for removal. Register before creating it. 0, or -1 when the table is full
 * or PATH too long (a message is printed). */
int cleanup_add(const char *path);

/* Create a file (or, with FOLDER, a folder) from TEMPLATE as mkstemp or
 * mkdtemp do, registered for removal with no window for a signal to miss
 * it. Returns the open file (close-on-exec; 0 for a folder), or -1 after a
 * message. */
int cleanup_mktemp(char *template, int folder);

/* A template for cleanup_mktemp under TMPDIR (/tmp when unset or empty):
 * "TMPDIR/tinyimg-XXXXXX", a heap string. */
char *cleanup_tmp_path(void);

/* Stop tracking PATH (after it was renamed into place). */
void cleanup_forget(const char *path);

/* The child process to stop on a signal, or 0 for none. */
void cleanup_set_child(pid_t pid);

/* Remove every registered path, newest first, and forget them. */
void cleanup_run(void);

#endif
