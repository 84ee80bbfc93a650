/* test_tar: numeric fields, overflow refusal, and a sample archive that
 * tests/t_unit.sh lists with GNU tar and bsdtar.
 * Usage: test_tar [SAMPLE.tar] */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "tar.h"
#include "unit.h"

static void octal_fields(void)
{
	char f[12];

	memset(f, 'x', sizeof f);
	unit_check(tar_octal(f, 12, 077777777777ULL) == 0 &&
	           memcmp(f, "77777777777", 12) == 0,
	           "tar size field holds 8 GiB - 1 (11 octal digits)");
	memset(f, 'x', sizeof f);
	unit_check(tar_octal(f, 12, 1ULL << 33) < 0 && f[0] == 'x',
	           "tar size field refuses 8 GiB and leaves the field as it was");
	unit_check(tar_octal(f, 8, 0755) == 0 && strcmp(f, "0000755") == 0,
	           "tar mode field: 0755 is \"0000755\"");
}

static void headers(void)
{
	unsigned char b[TAR_BLOCK];
	struct tar_entry e = { "hello", TAR_FILE, 0755, 1ULL << 33, 0, NULL };
	const char *why = NULL;
	unsigned sum = 0, stored;
	int i;

	int refused = tar_header(&e, b, &why) < 0 && why && strstr(why, "size");

	unit_check(refused, "tar header refuses a size that overflows: %s",
	           refused ? why : "accepted");
	e.size = 130;
	unit_check(tar_header(&e, b, &why) == 0, "tar header for a small file");
	for (i = 0; i < TAR_BLOCK; i++)
		sum += (i >= 148 && i < 156) ? ' ' : b[i];
	sscanf((char *)b + 148, "%o", &stored);
	unit_check(sum == stored, "tar header checksum %o matches %o", stored,
	           sum);
	unit_check(memcmp(b + 257, "ustar\0" "00", 8) == 0,
	           "tar header has ustar magic and version 00");
}

static const char long_dir[] =
	"a-folder-whose-name-is-long/another-folder-whose-name-is-long/"
	"and-a-third-one-that-makes-it-over-100/";

/* sample() writes an archive with a file, a folder, a symlink, a name
 * split into prefix and name, and a name only pax can hold. */
static int sample(const char *path)
{
	char longer[400];
	struct sink s;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	struct tar_entry dir = { "etc/", TAR_DIR, 0755, 0, 0, NULL };
	struct tar_entry link = { "etc/link", TAR_SYMLINK, 0777, 0, 0, "../hello" };
	struct tar_entry deep = { long_dir, TAR_DIR, 0700, 0, 86400, NULL };
	int r;

	if (fd < 0)
		return -1;
	memset(longer, 'n', sizeof longer);
	longer[sizeof longer - 1] = '\0';
	sink_init(&s, fd, path);
	r = tar_write_file(&s, "hello", 0755, 0, "hi\n", 3);
	r |= tar_write_header(&s, &dir);
	r |= tar_write_header(&s, &link);
	r |= tar_write_header(&s, &deep);
	r |= tar_write_file(&s, longer, 0600, 1, "", 0);
	r |= tar_write_end(&s);
	close(fd);
	unit_check(r == 0 && s.bytes % 512 == 0, "tar sample archive written "
	           "(%llu bytes, whole blocks)", (unsigned long long)s.bytes);
	return r;
}

int main(int argc, char **argv)
{
	octal_fields();
	headers();
	if (argc > 1)
		sample(argv[1]);
	return unit_done();
}
