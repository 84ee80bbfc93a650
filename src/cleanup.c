/* cleanup: temporary files that must vanish on exit and on fatal signals.
 *
 * This is the one module with file-scope state: a signal handler can reach
 * nothing else. The table is fixed-size so the handler never allocates; a
 * slot is marked used only after its path is complete. */
#define _POSIX_C_SOURCE 200809L
#include "cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

enum { SLOTS = 32 };

static char paths[SLOTS][PATH_MAX];
static volatile sig_atomic_t used[SLOTS];
static volatile pid_t child;

/* Signals whose default action ends the process: tinyimg cleans up first,
 * then dies of the same signal. SIGXFSZ is ignored instead, so a write past
 * a file size limit fails with EFBIG and the usual error path runs. */
static const int fatal_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM,
	SIGXCPU, SIGVTALRM, SIGPROF,
};

/* remove_all() is async-signal-safe: unlink, else rmdir, newest first. */
static void remove_all(void)
{
	int i;

	for (i = SLOTS - 1; i >= 0; i--) {
		if (!used[i])
			continue;
		if (unlink(paths[i]) < 0)
			rmdir(paths[i]);
		used[i] = 0;
	}
}

static void on_signal(int sig)
{
	pid_t pid = child;

	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
	remove_all();
	signal(sig, SIG_DFL);
	raise(sig);
}

void cleanup_install(void)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigfillset(&sa.sa_mask);
	for (i = 0; i < sizeof fatal_signals / sizeof *fatal_signals; i++)
		sigaction(fatal_signals[i], &sa, NULL);
	signal(SIGXFSZ, SIG_IGN);
	atexit(cleanup_run); /* also when exit() comes from deep inside */
}

int cleanup_add(const char *path)
{
	size_t len = strlen(path);
	int i;

	if (len >= PATH_MAX)
		return util_error("%s: path too long", path);
	for (i = 0; i < SLOTS; i++) {
		if (used[i])
			continue;
		memcpy(paths[i], path, len + 1);
		used[i] = 1;
		return 0;
	}
	return util_error("too many temporary files");
}

void cleanup_forget(const char *path)
{
	int i;

	for (i = 0; i < SLOTS; i++)
		if (used[i] && strcmp(paths[i], path) == 0)
			used[i] = 0;
}

void cleanup_set_child(pid_t pid)
{
	child = pid;
}

void cleanup_run(void)
{
	sigset_t all, old;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	remove_all();
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* cleanup_mktemp() creates a file (or, with FOLDER, a folder) from TEMPLATE,
 * registered for cleanup with no window for a signal to miss it. Returns
 * the open file (0 for a folder), or -1 after a message. */
int cleanup_mktemp(char *template, int folder)
{
	sigset_t all, old;
	int fd;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	if (folder)
		fd = mkdtemp(template) ? 0 : -1;
	else
		fd = mkstemp(template);
	if (fd >= 0 && cleanup_add(template) < 0) {
		if (folder)
			rmdir(template);
		else
			unlink(template), close(fd);
		fd = -1;
		errno = ENAMETOOLONG;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (fd < 0)
		util_error("cannot create a temporary %s %s:",
		           folder ? "folder" : "file", template);
	else if (!folder)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

char *cleanup_tmp_path(void)
{
	const char *tmp = getenv("TMPDIR");

	return util_xasprintf("%s/tinyimg-XXXXXX", tmp && *tmp ? tmp : "/tmp");
}
