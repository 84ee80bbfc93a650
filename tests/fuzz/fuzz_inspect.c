/* fuzz_inspect: the whole reading path of tinyimg inspect (tar, gzip, JSON,
 * the image model, links, layer files) on any bytes: a verdict, never a
 * crash, a hang or unbounded memory. */
#define _GNU_SOURCE /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "archive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct archive_options opt = { 0, 1 };
	struct archive ar;
	char path[64];
	int fd = memfd_create("fuzz", 0);
	size_t i;

	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	if (archive_read(path, &opt, &ar) == 0) {
		for (i = 0; i < ar.nimages; i++) {
			const struct archive_member *layer;
			const struct model_strings *e =
				&ar.images[i].config.rt.entrypoint;
			uint64_t work = 0;
			const struct archive_file *f = e->n
				? archive_image_file(&ar.images[i], e->v[0], &layer,
				                     &work)
				: NULL;
			uint8_t head[64];

			if (f)
				archive_read_content(&ar, layer, f->offset, head,
				                     sizeof head);
		}
	}
	archive_free(&ar);
	close(fd);
	return 0;
}
