/* output: where the tarball goes, never left half-written. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "output.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "util.h"

void output_init(struct output *out)
{
	memset(out, 0, sizeof *out);
	out->fd = -1;
}

/* target() is the regular file PATH stands for: PATH itself, or what it
 * links to when it is a symbolic link (so the link stays). NULL after a
 * message for a link to nothing. */
static char *target(const char *path)
{
	struct stat st;
	char *real;

	if (lstat(path, &st) < 0 || !S_ISLNK(st.st_mode))
		return util_xstrdup(path);
	if (!(real = realpath(path, NULL)))
		util_error("-o %s: a symbolic link to nothing:", path);
	return real;
}

/* closed_stdout() says whether PATH, a link opened as FD, leads to what
 * standard output stands for while it cannot be written: it was closed at
 * start and /dev/null opened read-only in its place (util_open_std_fds),
 * so that -o /dev/stdout fails as -o - does (while -o /dev/null, no link,
 * still works). */
static int closed_stdout(const char *path, int fd)
{
	struct stat a, b;
	int flags = fcntl(STDOUT_FILENO, F_GETFL);

	return flags >= 0 && (flags & O_ACCMODE) == O_RDONLY &&
	       lstat(path, &a) == 0 && S_ISLNK(a.st_mode) &&
	       fstat(fd, &a) == 0 && fstat(STDOUT_FILENO, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino &&
	       a.st_rdev == b.st_rdev;
}

int output_open(struct output *out, const char *path)
{
	struct stat st;
	char *dir;

	out->name = path;
	if (strcmp(path, "-") == 0) {
		out->name = "stdout";
		out->fd = STDOUT_FILENO;
		return 0;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		out->fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (out->fd < 0)
			return util_error("%s:", path);
		return closed_stdout(path, out->fd)
		       ? util_error("-o %s: names standard output, which was "
		                    "closed", path)
		       : 0;
	}
	if (!(out->target = target(path)))
		return -1;
	dir = util_dirname(out->target);
	out->tmp = util_xasprintf("%s/.tinyimg-XXXXXX", dir);
	free(dir);
	out->fd = cleanup_mktemp(out->tmp, 0);
	return out->fd < 0 ? -1 : 0;
}

int output_commit(struct output *out)
{
	int fd = out->fd;
	mode_t mask;

	if (fd == STDOUT_FILENO)
		return 0;
	if (out->tmp) {
		mask = umask(0);
		umask(mask);
		if (fchmod(fd, 0666 & ~mask) < 0 || fsync(fd) < 0)
			return util_error("%s:", out->tmp);
	}
	out->fd = -1;
	if (close(fd) < 0)
		return util_error("%s:", out->tmp ? out->tmp : out->name);
	if (!out->tmp)
		return 0;
	if (rename(out->tmp, out->target) < 0)
		return util_error("cannot write %s:", out->name);
	cleanup_forget(out->tmp);
	return 0;
}

void output_close(struct output *out)
{
	if (out->fd >= 0 && out->fd != STDOUT_FILENO)
		close(out->fd);
	free(out->tmp);
	free(out->target);
	output_init(out);
}
