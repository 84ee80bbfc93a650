/* spawn: run an external program from an argv array, never a shell. */
#define _POSIX_C_SOURCE 200809L
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "util.h"

extern char **environ;

/* put_quoted() writes WORD to stderr, single-quoted unless it is plain. */
static void put_quoted(const char *word)
{
	const char *p;

	if (*word && strspn(word, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
	                          "QRSTUVWXYZ0123456789-_./=:,+@%") ==
	                 strlen(word)) {
		fputs(word, stderr);
		return;
	}
	fputc('\'', stderr);
	for (p = word; *p; p++) {
		if (*p == '\'')
			fputs("'\\''", stderr);
		else
			fputc(*p, stderr);
	}
	fputc('\'', stderr);
}

void spawn_print(char *const argv[])
{
	int i;

	fputs("tinyimg: run:", stderr);
	for (i = 0; argv[i]; i++) {
		fputc(' ', stderr);
		put_quoted(argv[i]);
	}
	fputc('\n', stderr);
}

/* wait_child() waits for PID, retrying on EINTR, and decodes its status. */
static int wait_child(pid_t pid, const char *name)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			util_error("%s: wait failed:", name);
			return SPAWN_FAILED;
		}
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int spawn_run(char *const argv[], int verbose)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int err, status;

	if (verbose)
		spawn_print(argv);
	fflush(stderr);
	if (posix_spawn_file_actions_init(&fa) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) ||
	    posix_spawn_file_actions_adddup2(&fa, 2, 1)) {
		util_error("cannot prepare to run %s", argv[0]);
		return SPAWN_FAILED;
	}
	err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err == ENOENT)
		return SPAWN_NOT_FOUND;
	if (err != 0) {
		errno = err;
		util_error("cannot run %s:", argv[0]);
		return SPAWN_FAILED;
	}
	cleanup_set_child(pid);
	status = wait_child(pid, argv[0]);
	cleanup_set_child(0);
	return status;
}
