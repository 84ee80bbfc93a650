/* build: the "tinyimg build" command. */
#ifndef TINYIMG_BUILD_H
#define TINYIMG_BUILD_H

#include <stdio.h>

/* Run "tinyimg build" with ARGV (ARGV[0] is "build"). Returns the exit
 * status: 0 on success, 1 on failure, 2 on a usage error. */
int build_main(int argc, char **argv);

/* Print the help text of "tinyimg build" to F. */
void build_help(FILE *f);

#endif
