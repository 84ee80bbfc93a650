/* spawn: run an external program from an argv array, never a shell. */
#ifndef TINYIMG_SPAWN_H
#define TINYIMG_SPAWN_H

enum {
	SPAWN_NOT_FOUND = -2, /* ARGV[0] is not in PATH */
	SPAWN_FAILED = -1,    /* could not start or wait (message printed) */
};

/* Run ARGV[0], searched in PATH, and wait for it. Its standard output goes
 * to our standard error (ours may be the image), its standard input is
 * /dev/null. With VERBOSE, the command is printed first, quoted for a shell.
 * Returns the exit status, 128+N when killed by signal N, or SPAWN_*. */
int spawn_run(char *const argv[], int verbose);

/* Print ARGV on stderr after "tinyimg: run: ", each word quoted for a
 * POSIX shell when it needs it. */
void spawn_print(char *const argv[]);

#endif
