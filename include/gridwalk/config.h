/* config.h - feature macros and build-wide constants, included first in every .c file.
 *
 * It exists so that every translation unit sees the same libc surface: POSIX.1-2008 plus the
 * few GNU/BSD calls we rely on (e.g. memmem, strcasestr, pipe2, mkostemp). Nothing here
 * allocates or does I/O. */
#ifndef GRIDWALK_CONFIG_H
#define GRIDWALK_CONFIG_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#ifndef GRIDWALK_VERSION
#define GRIDWALK_VERSION "0.1.0"
#endif

#define GRIDWALK_PACKAGE "gridwalk"

#endif
