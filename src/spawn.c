/* spawn: run an external program from an argv array, never a shell. */
#define _GNU_SOURCE /* posix_spawn_file_actions_addchdir_np */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

void spawn_print(char *const argv[], const char *cwd)
{
	int i;

	fputs("tinyimg: run:", stderr);
	for (i = 0; argv[i]; i++) {
		fputc(' ', stderr);
		put_quoted(argv[i]);
	}
	if (cwd) {
		fputs(" (in ", stderr);
		put_quoted(cwd);
		fputc(')', stderr);
	}
	fputc('\n', stderr);
}

/* absolute() makes PATH absolute against our working folder. */
static char *absolute(const char *path)
{
	char *here;
	char *abs;

	if (path[0] == '/' || !(here = getcwd(NULL, 0)))
		return util_xstrdup(path);
	abs = util_xasprintf("%s/%s", here, path);
	free(here);
	return abs;
}

/* executable() says whether PATH is a regular file we may execute. */
static int executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       access(path, X_OK) == 0;
}

char *spawn_find(const char *name)
{
	const char *path = getenv("PATH"), *p;

	if (strchr(name, '/'))
		return executable(name) ? absolute(name) : NULL;
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p++) {
		size_t n = strcspn(p, ":");
		char *cand = util_xasprintf("%.*s%s%s", (int)n, p, n ? "/" : "",
		                            name);

		if (executable(cand)) {
			char *abs = absolute(cand);

			free(cand);
			return abs;
		}
		free(cand);
		p += n;
		if (*p == '\0')
			return NULL;
	}
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

/* start() spawns the program PROG with ARGV in CWD (or ours), stdin from
 * /dev/null and stdout to OUT_FD (-1: joined to stderr). Signals stay
 * blocked in the parent until the child is known to cleanup, so a signal
 * never leaves a child running unseen; the child starts with the mask OLD
 * and every signal at its default action. Returns 0 or an errno value. */
static int start(const char *prog, char *const argv[], const char *cwd,
                 int out_fd, pid_t *pid, const sigset_t *old)
{
	sigset_t all;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int err;

	if (posix_spawn_file_actions_init(&fa) != 0)
		return ENOMEM;
	if (posix_spawnattr_init(&attr) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return ENOMEM;
	}
	sigfillset(&all);
	err = cwd ? posix_spawn_file_actions_addchdir_np(&fa, cwd) : 0;
	if (!err)
		err = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null",
		                                       O_RDONLY, 0);
	if (!err)
		err = posix_spawn_file_actions_adddup2(&fa, out_fd >= 0 ? out_fd
		                                                         : 2, 1);
	if (!err)
		err = posix_spawnattr_setsigmask(&attr, old);
	if (!err)
		err = posix_spawnattr_setsigdefault(&attr, &all);
	if (!err)
		err = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
		                                      POSIX_SPAWN_SETSIGDEF);
	if (!err)
		err = posix_spawn(pid, prog, &fa, &attr, argv, environ);
	if (!err)
		cleanup_set_child(*pid);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	return err;
}

/* run() runs ARGV in CWD with its stdout to OUT_FD (-1: our stderr). */
static int run(char *const argv[], const char *cwd, int out_fd, int verbose)
{
	sigset_t all, old;
	pid_t pid;
	int err, status;
	/* Found here, so a program lying in CWD is never run by mistake. */
	char *prog = spawn_find(argv[0]);

	if (!prog)
		return SPAWN_NOT_FOUND;
	if (verbose)
		spawn_print(argv, cwd);
	fflush(stderr);
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	err = start(prog, argv, cwd, out_fd, &pid, &old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(prog);
	if (err != 0) {
		errno = err;
		util_error("cannot run %s:", argv[0]);
		return SPAWN_FAILED;
	}
	status = wait_child(pid, argv[0]);
	cleanup_set_child(0);
	return status;
}

int spawn_run(char *const argv[], const char *cwd, int verbose)
{
	return run(argv, cwd, -1, verbose);
}

int spawn_run_to(char *const argv[], int out_fd)
{
	return run(argv, NULL, out_fd, 0);
}
