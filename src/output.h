/* output: where the tarball goes, never left half-written. */
#ifndef TINYIMG_OUTPUT_H
#define TINYIMG_OUTPUT_H

/* An open output. A regular file is written as a temporary file beside it
 * and renamed into place by output_commit; standard output ("-"), devices
 * and FIFOs are written directly. */
struct output {
	const char *name; /* for messages: the path, or "stdout" */
	int fd;           /* -1 when closed */
	char *tmp;        /* the temporary file, or NULL */
	char *target;     /* the file tmp replaces (a symlink's target) */
};

void output_init(struct output *out);

/* Open PATH for the tarball. 0, or -1 after a message. */
int output_open(struct output *out, const char *path);

/* Make what was written final: mode 0666 less the umask, synced, closed
 * and renamed over the target. 0, or -1 after a message (the target is
 * then untouched). */
int output_commit(struct output *out);

/* Close (if output_commit did not) and free. A temporary file that was
 * not committed stays registered with cleanup, which removes it. */
void output_close(struct output *out);

#endif
