/* util: messages, allocation that cannot fail, and whole-buffer I/O. */
#define _POSIX_C_SOURCE 200809L
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"

int util_error(const char *fmt, ...)
{
	int saved = errno;
	size_t n = strlen(fmt);
	va_list ap;

	fputs("tinyimg: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (n > 0 && fmt[n - 1] == ':')
		fprintf(stderr, " %s", strerror(saved));
	fputc('\n', stderr);
	errno = saved;
	return -1;
}

static void out_of_memory(size_t size)
{
	util_error("out of memory (wanted %zu bytes)", size);
	exit(1);
}

void *util_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		out_of_memory(size);
	return p;
}

void *util_xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	if (!q)
		out_of_memory(size);
	return q;
}

void *util_xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		out_of_memory(SIZE_MAX);
	return util_xrealloc(p, n * size);
}

char *util_escape(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out = util_xmalloc(4 * strlen(s) + 1), *o = out;
	size_t n;

	while (*p) {
		if (*p >= 0x20 && *p != 0x7f && *p != '\\' &&
		    !(*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) &&
		    (n = json_utf8_len((const char *)p)) > 0) {
			memcpy(o, p, n);
			o += n, p += n;
		} else if (*p == '\\') {
			*o++ = '\\', *o++ = '\\';
			p++;
		} else {
			o += sprintf(o, "\\x%02x", *p++);
		}
	}
	*o = '\0';
	return out;
}

char *util_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(util_xmalloc(n), s, n);
}

char *util_xasprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		out_of_memory(0);
	s = util_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

int util_write_all(int fd, const void *buf, size_t len, const char *name)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return util_error("%s: write failed:", name);
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int util_pread_full(int fd, void *buf, size_t len, uint64_t offset,
                    const char *name)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = pread(fd, p, len, (off_t)offset);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return util_error("%s: read failed:", name);
		}
		if (n == 0)
			return util_error("%s: file is truncated", name);
		p += n;
		len -= (size_t)n;
		offset += (uint64_t)n;
	}
	return 0;
}

void util_open_std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* open() returns the lowest free descriptor: this one. */
		if (open("/dev/null", fd == 2 ? O_WRONLY : O_RDONLY) != fd)
			_exit(1);
	}
}

char *util_option_refused(const char *arg, int optopt,
                          const struct option *longopts)
{
	const char *eq = strchr(arg, '=');
	const struct option *o;

	/* "--quiet=1" (or "--qui=1"): ARG names a flag of OPTOPT's. */
	for (o = longopts; eq && optopt != 0 && o->name; o++)
		if (o->val == optopt && o->has_arg == no_argument &&
		    strncmp(arg, "--", 2) == 0 &&
		    strncmp(o->name, arg + 2, (size_t)(eq - arg - 2)) == 0)
			return util_xasprintf("option '--%s' takes no value",
			                      o->name);
	/* A short option: ARG may be the word before its bundle, as glibc
	 * moves on only at a bundle's end. */
	if (optopt > 0 && optopt < 128)
		return util_xasprintf("unknown option '-%c'", optopt);
	return util_xasprintf("unknown option '%s'", arg);
}

char *util_path_fold(const char *path, int clamp)
{
	char *tmp = util_xstrdup(path), *out = util_xmalloc(strlen(path) + 1);
	char *part, *save = NULL;
	size_t n = 0;

	out[0] = '\0';
	for (part = strtok_r(tmp, "/", &save); part;
	     part = strtok_r(NULL, "/", &save)) {
		if (strcmp(part, ".") == 0)
			continue;
		if (strcmp(part, "..") == 0) {
			char *up = strrchr(out, '/');

			if (n == 0 && !clamp) {
				free(out), free(tmp);
				return NULL;
			}
			n = up ? (size_t)(up - out) : 0;
			out[n] = '\0';
			continue;
		}
		n += (size_t)sprintf(out + n, "%s%s", n ? "/" : "", part);
	}
	free(tmp);
	return out;
}

const char *util_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

char *util_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *d;

	if (!slash)
		return util_xstrdup(".");
	if (slash == path)
		return util_xstrdup("/");
	d = util_xmalloc((size_t)(slash - path) + 1);
	memcpy(d, path, (size_t)(slash - path));
	d[slash - path] = '\0';
	return d;
}
