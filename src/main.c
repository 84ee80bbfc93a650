/* main: tinyimg's command line, one function per verb. */
#define _POSIX_C_SOURCE 200809L /* pread */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build.h"
#include "cleanup.h"
#include "inspect.h"
#include "spawn.h"
#include "util.h"

#define TINYIMG_VERSION "0.1.0"

static void usage(FILE *f)
{
	fputs("usage: tinyimg build [options] INPUT... -o OUTPUT.tar\n"
	      "       tinyimg inspect [options] TARBALL\n"
	      "       tinyimg help [build|inspect]\n"
	      "       tinyimg -V|--version\n"
	      "       tinyimg -h|--help\n"
	      "\n"
	      "Turns assembly source, an ELF object or a static Linux executable\n"
	      "into a container image tarball that docker, podman, containerd,\n"
	      "skopeo and umoci load. No daemon, no Dockerfile, no base image\n"
	      "(unless --base puts the program on one); several inputs make\n"
	      "one image for every platform.\n"
	      "\n"
	      "  tinyimg build asm/hello.asm -o hello.tar\n"
	      "  docker load < hello.tar && docker run --rm hello\n"
	      "\n"
	      "  tinyimg inspect hello.tar          # what is inside, checked\n"
	      "\n"
	      "Run 'tinyimg help build' or 'tinyimg help inspect' for the\n"
	      "options.\n",
	      f);
}

/* extra() refuses ARGV[0], an operand after a complete command; returns
 * the usage exit status. */
static int extra(const char *arg)
{
	fprintf(stderr, "tinyimg: unexpected argument '%s'\n"
	                "tinyimg: try 'tinyimg --help'\n", arg);
	return 2;
}

/* help() prints the help of the verb in ARGV[1], or the general help. */
static int help(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "help";

	if (argc > 2)
		return extra(argv[2]);
	if (strcmp(verb, "build") == 0) {
		build_help(stdout);
		return 0;
	}
	if (strcmp(verb, "inspect") == 0) {
		inspect_help(stdout);
		return 0;
	}
	if (strcmp(verb, "help") == 0 || strcmp(verb, "--help") == 0 ||
	    strcmp(verb, "-h") == 0) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "tinyimg: no help for '%s': the commands are build "
	                "and inspect\n"
	                "tinyimg: try 'tinyimg --help'\n", verb);
	return 2;
}

/* finish() turns a failed write of what went to stdout (help, version)
 * into exit status 1. */
static int finish(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "tinyimg: standard output: write failed\n");
		return 1;
	}
	return status;
}

/* An external program tinyimg runs, for --version: its name, the option
 * that makes it print its version, and the Debian package that has it. */
struct tool {
	const char *name, *flag, *package;
};

/* first_line() runs ARGV with its standard output in the file FD (emptied
 * first; -1 when there is none) and copies the first line of that output
 * into LINE, LEN bytes at most with the NUL. Returns ARGV[0]'s exit status,
 * or a negative value (SPAWN_*, or -1 without FD). */
static int first_line(char *const argv[], int fd, char *line, size_t len)
{
	ssize_t n = 0;
	int status = -1;

	if (fd >= 0 && ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0) {
		status = spawn_run_to(argv, fd);
		n = pread(fd, line, len - 1, 0);
	}
	line[n > 0 ? (size_t)n : 0] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	return status;
}

/* tool_version() prints where T is found through PATH, as tinyimg finds it
 * to run it, and T's own version line, captured in the file FD (or -1);
 * or that T is missing and which package has it. */
static void tool_version(const struct tool *t, int fd)
{
	char *argv[] = { (char *)t->name, (char *)t->flag, NULL };
	char *path = spawn_find(t->name), *where;
	char line[256];
	int status;

	if (!path) {
		printf("%s: not found in PATH (install the %s package)\n",
		       t->name, t->package);
		return;
	}
	status = first_line(argv, fd, line, sizeof line);
	where = util_escape(path);
	if (status == 0 && line[0]) {
		char *v = util_escape(line);

		printf("%s: %s (%s)\n", t->name, where, v);
		free(v);
	} else if (status > 0) {
		printf("%s: %s (version unknown: '%s %s' exited with status "
		       "%d)\n", t->name, where, t->name, t->flag, status);
	} else {
		printf("%s: %s (version unknown)\n", t->name, where);
	}
	free(where);
	free(path);
}

/* version() prints tinyimg's version, then the tools it would run, their
 * version lines captured in one temporary file under TMPDIR. */
static int version(void)
{
	static const struct tool tools[] = {
		{ "nasm", "-v", "nasm" },
		{ "ld", "--version", "binutils" },
		{ "objdump", "--version", "binutils" },
	};
	char *name = cleanup_tmp_path();
	size_t i;
	int fd;

	cleanup_install();
	printf("tinyimg %s\n", TINYIMG_VERSION);
	fd = cleanup_mktemp(name, 0);
	for (i = 0; i < sizeof tools / sizeof *tools; i++)
		tool_version(&tools[i], fd);
	if (fd >= 0) {
		close(fd);
		unlink(name);
		cleanup_forget(name);
	}
	free(name);
	return 0;
}

/* run() dispatches ARGV to the verb's function; returns the exit status. */
static int run(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : NULL;

	if (!verb) {
		fputs("tinyimg: no command given; try 'tinyimg --help'\n", stderr);
		return 2;
	}
	if (strcmp(verb, "build") == 0)
		return build_main(argc - 1, argv + 1);
	if (strcmp(verb, "inspect") == 0)
		return inspect_main(argc - 1, argv + 1);
	if (strcmp(verb, "help") == 0)
		return help(argc - 1, argv + 1);
	if (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0) {
		if (argc > 2)
			return extra(argv[2]);
		usage(stdout);
		return 0;
	}
	if (strcmp(verb, "--version") == 0 || strcmp(verb, "-V") == 0)
		return argc > 2 ? extra(argv[2]) : version();
	fprintf(stderr, "tinyimg: unknown command '%s'\n"
	                "tinyimg: try 'tinyimg --help'\n", verb);
	return 2;
}

int main(int argc, char **argv)
{
	util_open_std_fds();
	return finish(run(argc, argv));
}
