/* main: tinyimg's command line, one function per verb. */
#include <stdio.h>
#include <string.h>

#include "build.h"
#include "inspect.h"
#include "util.h"

#define TINYIMG_VERSION "0.1.0"

static void usage(FILE *f)
{
	fputs("usage: tinyimg build [options] INPUT -o OUTPUT.tar\n"
	      "       tinyimg inspect [options] TARBALL\n"
	      "       tinyimg help [build|inspect]\n"
	      "       tinyimg --version\n"
	      "\n"
	      "Turns assembly source, an ELF object or a static Linux executable\n"
	      "into a container image tarball that docker, podman, containerd,\n"
	      "skopeo and umoci load. No daemon, no Dockerfile, no base image.\n"
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

/* help() prints the help of the verb in ARGV[1], or the general help. */
static int help(int argc, char **argv)
{
	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "build") == 0) {
		build_help(stdout);
		return 0;
	}
	if (strcmp(argv[1], "inspect") == 0) {
		inspect_help(stdout);
		return 0;
	}
	fprintf(stderr, "tinyimg: no help for '%s': the commands are build, "
	                "inspect and help\n", argv[1]);
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
		usage(stdout);
		return 0;
	}
	if (strcmp(verb, "--version") == 0 || strcmp(verb, "-V") == 0) {
		printf("tinyimg %s\n", TINYIMG_VERSION);
		return 0;
	}
	fprintf(stderr, "tinyimg: unknown command '%s'\n"
	                "tinyimg: try 'tinyimg --help'\n", verb);
	return 2;
}

int main(int argc, char **argv)
{
	util_open_std_fds();
	return finish(run(argc, argv));
}
