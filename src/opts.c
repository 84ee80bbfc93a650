/* opts: the options of "tinyimg build", parsed and checked. */
#define _GNU_SOURCE /* getopt_long */
#include "opts.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "layer.h"
#include "util.h"
#include "words.h"

void opts_help(FILE *f)
{
	fputs(
"usage: tinyimg build [options] INPUT... -o OUTPUT.tar\n"
"       tinyimg build [options] --base TARBALL -o OUTPUT.tar\n"
"\n"
"INPUT is nasm assembly source, an ELF relocatable object (.o) or a static\n"
"ELF executable; tinyimg tells them apart by content. Several INPUTs, one\n"
"per platform, make one multi-platform image.\n"
"\n"
"Output:\n"
"  -o, --output FILE      write the image tarball to FILE (required);\n"
"                         '-' writes it to standard output\n"
"  -t, --tag NAME[:TAG]   name the image; repeat for more tags (default:\n"
"                         INPUT's base name, lower-cased, tag latest)\n"
"      --format FORMAT    both (default): OCI layout and docker save views;\n"
"                         docker: manifest.json only; oci: index.json only\n"
"  -q, --quiet            print nothing but errors\n"
"  -v, --verbose          print each external command as it runs\n"
"\n"
"Program:\n"
"  -a, --arch ARCH        386 or amd64: what assembly is built for (default:\n"
"                         386, or amd64 for source that says BITS 64); for\n"
"                         ELF input it must match the file\n"
"      --base TARBALL     put the program on this image (any tarball inspect\n"
"                         reads); with no INPUT, add --add files to its\n"
"                         images, keeping their entrypoint and cmd\n"
"  -I, --include DIR      where nasm also looks for %include and incbin\n"
"                         files, after the source's own folder (repeat)\n"
"      --strip            super strip a prebuilt executable too\n"
"      --no-rwx           W^X: code read-execute, data read-write, no\n"
"                         writable code (assembly and objects are laid\n"
"                         out so; other programs are checked)\n"
"      --path PATH        where the program lives in the image (default:\n"
"                         /NAME, NAME being INPUT's base name)\n"
"      --add SRC:DEST     put the file or folder tree SRC at DEST (repeat)\n"
"\n"
"Image config (what docker run does with it):\n"
"      --entrypoint CMD   a JSON array '[\"/hello\",\"--loud\"]', or words\n"
"                         split as a shell splits them ('...', \"...\", \\)\n"
"                         but with no $, *, ~ expansion and no # ; | &\n"
"                         < > (plain characters; default: the program's\n"
"                         path)\n"
"      --cmd CMD          default arguments, as for --entrypoint\n"
"  -e, --env KEY=VALUE    an environment variable (repeat)\n"
"  -l, --label KEY=VALUE  a label (repeat)\n"
"      --expose PORT[/PROTO]  a port the program listens on (tcp, udp, sctp)\n"
"  -w, --workdir DIR      the working directory (absolute)\n"
"  -u, --user UID[:GID]   run as this numeric user and group\n"
"      --stop-signal SIG  the signal docker stop sends (e.g. SIGINT)\n"
"      --created TIME     'now' or an RFC 3339 time (default:\n"
"                         SOURCE_DATE_EPOCH, else 1970-01-01T00:00:00Z)\n"
"\n"
"  -h, --help             show this help\n"
"\n"
"Exit status: 0 success, 1 failure, 2 usage error.\n", f);
}

int opts_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("tinyimg: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\ntinyimg: try 'tinyimg help build'\n", stderr);
	return OPTS_USAGE;
}

void opts_free(struct opts *o)
{
	image_list_free(&o->inputs);
	free(o->base);
	free(o->output);
	free(o->arch);
	free(o->path);
	free(o->workdir);
	free(o->user);
	free(o->stop_signal);
	image_list_free(&o->tags);
	image_list_free(&o->entrypoint);
	image_list_free(&o->cmd);
	image_list_free(&o->env);
	image_list_free(&o->labels);
	image_list_free(&o->ports);
	image_list_free(&o->adds);
	image_list_free(&o->includes);
}

/* replace() sets *S to a heap copy of V. */
static int replace(char **s, const char *v)
{
	free(*s);
	*s = util_xstrdup(v);
	return 0;
}

static void push_cb(void *list, char *s)
{
	image_list_push(list, s);
}

/* parse_command() reads --entrypoint/--cmd TEXT: a JSON array when it
 * starts with '[' (after blanks), else words split as a shell splits them. */
static int parse_command(const char *opt, const char *text,
                         struct image_list *l)
{
	const char *why;
	size_t at;

	image_list_free(l);
	if (text[strspn(text, " \t\n")] == '[') {
		if (json_parse_string_array(text, push_cb, l, &why) < 0)
			return opts_usage_error("%s '%s': %s", opt, text, why);
		return 0;
	}
	if (words_split(text, push_cb, l, &why, &at) < 0)
		return opts_usage_error("%s: %s (the one at character %zu of "
		                        "the value); close it, or write the "
		                        "words as a JSON array", opt, why, at + 1);
	return 0;
}

/* parse_pair() checks KEY=VALUE for --env and --label. */
static int parse_pair(const char *opt, const char *text, struct image_list *l)
{
	const char *eq = strchr(text, '=');

	if (!eq || eq == text)
		return opts_usage_error("%s '%s': expected KEY=VALUE with a "
		                        "non-empty KEY", opt, text);
	image_list_set_keyed(l, util_xstrdup(text));
	return 0;
}

/* parse_port() checks PORT[/tcp|/udp|/sctp] and stores "PORT/PROTO". */
static int parse_port(const char *text, struct image_list *l)
{
	char *end;
	const char *proto;
	unsigned long port;

	errno = 0;
	port = strtoul(text, &end, 10);
	if (!isdigit((unsigned char)text[0]) || errno || port < 1 ||
	    port > 65535 || (*end && *end != '/'))
		return opts_usage_error("--expose '%s': expected a port from 1 "
		                        "to 65535, optionally /tcp or /udp", text);
	proto = *end ? end + 1 : "tcp";
	if (strcmp(proto, "tcp") && strcmp(proto, "udp") && strcmp(proto, "sctp"))
		return opts_usage_error("--expose '%s': the protocol must be tcp, "
		                        "udp or sctp", text);
	image_list_set_keyed(l, util_xasprintf("%lu/%s", port, proto));
	return 0;
}

/* parse_user() checks UID[:GID], both numbers (a FROM-scratch image has no
 * /etc/passwd to look names up in). */
static int parse_user(const char *text, char **out)
{
	const char *p = text;
	int parts = 0;

	for (;;) {
		size_t n = strspn(p, "0123456789");

		if (n == 0 || n > 10 || (n == 10 && strncmp(p, "4294967295", 10) >= 0))
			break;
		parts++;
		p += n;
		if (*p == '\0')
			return replace(out, text);
		if (*p != ':' || parts == 2)
			break;
		p++;
	}
	return opts_usage_error("--user '%s': expected UID or UID:GID as numbers "
	                        "(a FROM-scratch image has no /etc/passwd)", text);
}

/* rt_signal() checks NAME against RTMIN, RTMIN+1..15, RTMAX-14..-1 and
 * RTMAX, the real-time signals Docker knows by name. */
static int rt_signal(const char *name)
{
	char *end;
	unsigned long n;

	if (strncasecmp(name, "RTMIN", 5) && strncasecmp(name, "RTMAX", 5))
		return 0;
	if (name[5] == '\0')
		return 1;
	if (name[5] != (toupper((unsigned char)name[4]) == 'N' ? '+' : '-') ||
	    !isdigit((unsigned char)name[6]))
		return 0;
	n = strtoul(name + 6, &end, 10);
	return *end == '\0' && n >= 1 && n <= (name[5] == '+' ? 15u : 14u);
}

/* parse_signal() checks a signal name (TERM, SIGTERM, SIGRTMIN+3) or
 * number and stores it as docker shows it ("SIGTERM", "15"). */
static int parse_signal(const char *text, char **out)
{
	static const char *const names[] = {
		"HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "IOT", "BUS", "FPE",
		"KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT",
		"CHLD", "CLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG",
		"XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "POLL", "PWR",
		"SYS",
	};
	const char *name = strncasecmp(text, "SIG", 3) == 0 ? text + 3 : text;
	char *end, *p;
	unsigned long n;
	size_t i;
	int known = rt_signal(name);

	if (isdigit((unsigned char)text[0])) {
		n = strtoul(text, &end, 10);
		if (*end == '\0' && n >= 1 && n <= 64)
			return replace(out, text);
	}
	for (i = 0; !known && i < sizeof names / sizeof *names; i++)
		known = strcasecmp(name, names[i]) == 0;
	if (!known)
		return opts_usage_error("--stop-signal '%s': not a signal name "
		                        "(like SIGTERM or INT) or number from 1 "
		                        "to 64", text);
	free(*out);
	*out = util_xasprintf("SIG%s", name);
	for (p = *out; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return 0;
}

/* parse_add() checks SRC:DEST; DEST must be a clean absolute path. */
static int parse_add(const char *text, struct image_list *l)
{
	const char *colon = strrchr(text, ':');

	if (!colon || colon == text || colon[1] == '\0')
		return opts_usage_error("--add '%s': expected SRC:DEST, like "
		                        "./etc:/etc", text);
	if (!layer_path_ok(colon + 1) && strcmp(colon + 1, "/") != 0)
		return opts_usage_error("--add '%s': DEST must be an absolute path "
		                        "inside the image, without '.', '..' or "
		                        "empty parts%s", text,
		                        colon[strlen(colon) - 1] == '/'
		                        ? " and with no '/' at the end (DEST "
		                          "names the file or folder itself)"
		                        : "");
	image_list_push(l, util_xstrdup(text));
	return 0;
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* days_from_civil() counts days from 1970-01-01 to Y-M-D (proleptic
 * Gregorian), after Howard Hinnant's algorithm. */
static int64_t days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* digits() reads exactly N ASCII digits at *P into *V and moves *P on. */
static int digits(const char **p, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return 0;
}

/* expect() checks that *P is one of the characters in SET and moves on. */
static int expect(const char **p, const char *set)
{
	if (**p == '\0' || !strchr(set, **p))
		return -1;
	(*p)++;
	return 0;
}

int opts_parse_rfc3339(const char *s, uint64_t *seconds)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	int64_t t;

	if (digits(&s, 4, &y) || expect(&s, "-") || digits(&s, 2, &mo) ||
	    expect(&s, "-") || digits(&s, 2, &d) || expect(&s, "Tt") ||
	    digits(&s, 2, &h) || expect(&s, ":") || digits(&s, 2, &mi) ||
	    expect(&s, ":") || digits(&s, 2, &sec))
		return -1;
	if (*s == '.') { /* a fraction of a second: dropped */
		if (!isdigit((unsigned char)*++s))
			return -1;
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (*s == '+' || *s == '-') {
		sign = *s++ == '+' ? 1 : -1;
		if (digits(&s, 2, &oh) || expect(&s, ":") || digits(&s, 2, &om) ||
		    oh > 23 || om > 59)
			return -1;
	} else if (expect(&s, "Zz")) {
		return -1;
	}
	if (*s || y < 1970 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] + (mo == 2 && leap(y)) || h > 23 || mi > 59 ||
	    sec > 60)
		return -1;
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	    sign * (oh * 3600 + om * 60);
	if (t < 0 || t >= OPTS_TIME_LIMIT)
		return -1;
	*seconds = (uint64_t)t;
	return 0;
}

/* parse_created() reads --created: "now" or an RFC 3339 time. */
static int parse_created(const char *text, struct opts *o)
{
	o->has_created = 1;
	if (strcmp(text, "now") == 0) {
		o->created = (uint64_t)time(NULL);
		return 0;
	}
	if (opts_parse_rfc3339(text, &o->created) < 0)
		return opts_usage_error("--created '%s': expected 'now' or an RFC "
		                        "3339 time like 2024-05-01T12:00:00Z, from "
		                        "1970 to 2242 (the tar format's limit)",
		                        text);
	return 0;
}

static int parse_format(const char *text, enum image_format *f)
{
	if (strcmp(text, "both") == 0)
		*f = IMAGE_FORMAT_BOTH;
	else if (strcmp(text, "docker") == 0)
		*f = IMAGE_FORMAT_DOCKER;
	else if (strcmp(text, "oci") == 0)
		*f = IMAGE_FORMAT_OCI;
	else
		return opts_usage_error("--format '%s': expected both, docker or "
		                        "oci", text);
	return 0;
}

/* parse_arch() accepts the architectures tinyimg knows and common
 * aliases; assembly is built for 386 and amd64 only. */
static int parse_arch(const char *text, char **out)
{
	static const char *const names[][2] = {
		{ "386", "386" }, { "i386", "386" }, { "x86", "386" },
		{ "amd64", "amd64" }, { "x86_64", "amd64" }, { "x86-64", "amd64" },
		{ "arm64", "arm64" }, { "aarch64", "arm64" }, { "arm", "arm" },
		{ "ppc64le", "ppc64le" }, { "riscv64", "riscv64" },
		{ "s390x", "s390x" },
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof *names; i++)
		if (strcmp(text, names[i][0]) == 0)
			return replace(out, names[i][1]);
	return opts_usage_error("--arch '%s': expected 386 or amd64 (for "
	                        "assembly), or arm64, arm, ppc64le, riscv64, "
	                        "s390x (to check an ELF input)", text);
}

/* parse_include() checks that DIR is a folder and keeps it as an absolute
 * path, as nasm runs in the source's folder. */
static int parse_include(const char *dir, struct image_list *l)
{
	struct stat st;
	char *here;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return opts_usage_error("-I '%s': not a folder", dir);
	if (dir[0] == '/') {
		image_list_push(l, util_xstrdup(dir));
		return 0;
	}
	if (!(here = getcwd(NULL, 0)))
		return opts_usage_error("-I '%s': cannot find the current folder",
		                        dir);
	image_list_push(l, util_xasprintf("%s/%s", here, dir));
	free(here);
	return 0;
}

enum {
	OPT_STRIP = 256, OPT_NO_RWX, OPT_BASE, OPT_PATH, OPT_ENTRYPOINT,
	OPT_CMD, OPT_EXPOSE,
	OPT_STOP_SIGNAL, OPT_ADD, OPT_CREATED, OPT_FORMAT,
};

/* one_option() applies option C with value ARG to O. */
static int one_option(int c, const char *arg, struct opts *o)
{
	int json_text = c == 'e' || c == 'l' || c == 'w' || c == OPT_PATH ||
	                c == OPT_ENTRYPOINT || c == OPT_CMD;

	if (json_text && !json_utf8_valid(arg))
		return opts_usage_error("'%s' is not valid UTF-8; the image "
		                        "config is JSON text", arg);
	switch (c) {
	case 'o': return replace(&o->output, arg);
	case 't': image_list_push(&o->tags, util_xstrdup(arg)); return 0;
	case 'a': return parse_arch(arg, &o->arch);
	case 'I': return parse_include(arg, &o->includes);
	case OPT_STRIP: o->strip = 1; return 0;
	case OPT_NO_RWX: o->no_rwx = 1; return 0;
	case OPT_BASE:
		if (!*arg)
			return opts_usage_error("--base '': name an image "
			                        "tarball");
		return replace(&o->base, arg);
	case 'q': o->quiet = 1; return 0;
	case 'v': o->verbose = 1; return 0;
	case OPT_PATH:
		if (!layer_path_ok(arg))
			return opts_usage_error("--path '%s': expected an absolute "
			                        "path like /usr/bin/hello, without "
			                        "'.' or '..' parts", arg);
		return replace(&o->path, arg);
	case OPT_ENTRYPOINT:
		o->has_entrypoint = 1;
		return parse_command("--entrypoint", arg, &o->entrypoint);
	case OPT_CMD:
		o->has_cmd = 1;
		return parse_command("--cmd", arg, &o->cmd);
	case 'e': return parse_pair("--env", arg, &o->env);
	case 'l': return parse_pair("--label", arg, &o->labels);
	case OPT_EXPOSE: return parse_port(arg, &o->ports);
	case 'w':
		if (arg[0] != '/')
			return opts_usage_error("--workdir '%s': expected an absolute "
			                        "path", arg);
		return replace(&o->workdir, arg);
	case 'u': return parse_user(arg, &o->user);
	case OPT_STOP_SIGNAL: return parse_signal(arg, &o->stop_signal);
	case OPT_ADD: return parse_add(arg, &o->adds);
	case OPT_CREATED: return parse_created(arg, o);
	case OPT_FORMAT: return parse_format(arg, &o->format);
	}
	return OPTS_USAGE;
}

int opts_blank_word(const char *s)
{
	return s[strspn(s, " \t\n\r\v\f")] == '\0';
}

/* check_command() refuses an --entrypoint or --cmd whose first word, the
 * program docker would run, is blank. */
static int check_command(const struct opts *o)
{
	const struct image_list *l = o->has_entrypoint && o->entrypoint.n
	                             ? &o->entrypoint
	                             : o->has_entrypoint ? &o->cmd : NULL;

	if (l && l->n && opts_blank_word(l->v[0]))
		return opts_usage_error("%s: its first word, the program to "
		                        "run, is blank", l == &o->cmd
		                        ? "--cmd (with an empty --entrypoint)"
		                        : "--entrypoint");
	return 0;
}

/* check_positionals() takes the input files: one image per platform; none
 * with --base adds files to the base's images. */
static int check_positionals(int argc, char **argv, struct opts *o)
{
	int i;

	if (optind >= argc && !o->base)
		return opts_usage_error("no input file given");
	for (i = optind; i < argc; i++)
		image_list_push(&o->inputs, util_xstrdup(argv[i]));
	if (!o->output)
		return opts_usage_error("no output given: add -o OUTPUT.tar");
	if (!*o->output)
		return opts_usage_error("-o '': name an output file, or '-' for "
		                        "standard output");
	if (o->has_entrypoint && o->entrypoint.n == 0 && o->cmd.n == 0)
		return opts_usage_error("--entrypoint is empty and no --cmd "
		                        "gives a command: the image would have "
		                        "nothing to run");
	if (check_command(o) != 0)
		return OPTS_USAGE;
	if (o->quiet && o->verbose)
		return opts_usage_error("--quiet and --verbose contradict each "
		                        "other");
	if (o->inputs.n > 1 && o->format == IMAGE_FORMAT_DOCKER)
		return opts_usage_error("--format docker holds one image (Docker "
		                        "20.10 has no store for several "
		                        "platforms); give one INPUT, or --format "
		                        "both or oci");
	return 0;
}

int opts_parse(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "tag", required_argument, NULL, 't' },
		{ "arch", required_argument, NULL, 'a' },
		{ "include", required_argument, NULL, 'I' },
		{ "strip", no_argument, NULL, OPT_STRIP },
		{ "no-rwx", no_argument, NULL, OPT_NO_RWX },
		{ "base", required_argument, NULL, OPT_BASE },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "path", required_argument, NULL, OPT_PATH },
		{ "entrypoint", required_argument, NULL, OPT_ENTRYPOINT },
		{ "cmd", required_argument, NULL, OPT_CMD },
		{ "env", required_argument, NULL, 'e' },
		{ "label", required_argument, NULL, 'l' },
		{ "expose", required_argument, NULL, OPT_EXPOSE },
		{ "workdir", required_argument, NULL, 'w' },
		{ "user", required_argument, NULL, 'u' },
		{ "stop-signal", required_argument, NULL, OPT_STOP_SIGNAL },
		{ "add", required_argument, NULL, OPT_ADD },
		{ "created", required_argument, NULL, OPT_CREATED },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ NULL, 0, NULL, 0 },
	};
	int c, r;

	memset(o, 0, sizeof *o);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:t:a:I:qvhe:l:w:u:", longopts,
	                        NULL)) != -1) {
		if (c == 'h') {
			opts_help(stdout);
			return OPTS_HELP_SHOWN;
		}
		if (c == ':')
			return opts_usage_error("option '%s' needs a value",
			                        argv[optind - 1]);
		if (c == '?') {
			char *why = util_option_refused(argv[optind - 1],
			                                optopt, longopts);

			r = opts_usage_error("%s", why);
			free(why);
			return r;
		}
		if ((r = one_option(c, optarg, o)) != 0)
			return r;
	}
	return check_positionals(argc, argv, o);
}
