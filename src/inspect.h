/* inspect: the "tinyimg inspect" command: read, verify and explain any
 * image tarball. */
#ifndef TINYIMG_INSPECT_H
#define TINYIMG_INSPECT_H

#include <stdio.h>

/* Run "tinyimg inspect" with ARGV (ARGV[0] is "inspect"). Returns the exit
 * status: 0 when the image is valid, 1 when it has problems or cannot be
 * read, 2 on a usage error. */
int inspect_main(int argc, char **argv);

/* Print the help text of "tinyimg inspect" to F. */
void inspect_help(FILE *f);

#endif
