/* spawn: run an external program from an argv array, never a shell. */
#ifndef TINYIMG_SPAWN_H
#define TINYIMG_SPAWN_H

enum {
	SPAWN_NOT_FOUND = -2, /* ARGV[0] is not in PATH */
	SPAWN_FAILED = -1,    /* could not start or wait (message printed) */
};

/* Run ARGV[0], searched in PATH from our own working folder, and wait for
 * it. It runs in the folder CWD (NULL: ours). Its standard output goes to
 * our standard error (ours may be the image), its standard input is
 * /dev/null, and it starts with the default action for every signal.
 * With VERBOSE, the command is printed first, quoted for a shell.
 * Returns the exit status, 128+N when killed by signal N, or SPAWN_*. */
int spawn_run(char *const argv[], const char *cwd, int verbose);

/* As spawn_run, with the child's standard output going to the open file
 * OUT_FD (its standard error stays ours) and nothing printed. */
int spawn_run_to(char *const argv[], int out_fd);

/* Print ARGV (run in CWD, or NULL) on stderr after "tinyimg: run: ", each
 * word quoted for a POSIX shell when it needs it. */
void spawn_print(char *const argv[], const char *cwd);

/* The program NAME as execvp would find it through PATH, as an absolute
 * path in a heap string, or NULL when no executable file is found. */
char *spawn_find(const char *name);

#endif
