/* spawn: run an external program from an argv array, never a shell. */
#define _POSIX_C_SOURCE 200809L
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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

/* start() spawns ARGV with stdin from /dev/null and stdout joined to
 * stderr. Signals stay blocked in the parent until the child is known to
 * cleanup, so a signal never leaves a child running unseen; the child
 * starts with the mask OLD. Returns 0 or an errno value. */
static int start(char *const argv[], pid_t *pid, const sigset_t *old)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int err;

	if (posix_spawn_file_actions_init(&fa) != 0)
		return ENOMEM;
	if (posix_spawnattr_init(&attr) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return ENOMEM;
	}
	err = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (!err)
		err = posix_spawn_file_actions_adddup2(&fa, 2, 1);
	if (!err)
		err = posix_spawnattr_setsigmask(&attr, old);
	if (!err)
		err = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	if (!err)
		err = posix_spawnp(pid, argv[0], &fa, &attr, argv, environ);
	if (!err)
		cleanup_set_child(*pid);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	return err;
}

int spawn_run(char *const argv[], int verbose)
{
	sigset_t all, old;
	pid_t pid;
	int err, status;

	if (verbose)
		spawn_print(argv);
	fflush(stderr);
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	err = start(argv, &pid, &old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (err == ENOENT)
		return SPAWN_NOT_FOUND;
	if (err != 0) {
		errno = err;
		util_error("cannot run %s:", argv[0]);
		return SPAWN_FAILED;
	}
	status = wait_child(pid, argv[0]);
	cleanup_set_child(0);
	return status;
}
