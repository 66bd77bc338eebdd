/* readfile.h - a whole regular file into memory, for the decoders that take a buffer.
 *
 * The photo pipeline, the scan PDF writer and the app's photo viewer all read a picture whole
 * before decoding it. One reader keeps their refusals the same: not there, not a regular file,
 * empty, over the caller's limit, or short. Owns nothing. */
#ifndef GRIDWALK_MEDIA_READFILE_H
#define GRIDWALK_MEDIA_READFILE_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"

#include <stddef.h>

/* Reads path into *buf (malloc'd, the caller frees; NULL on failure) and its length into *n.
 * GW_ENOTFOUND when there is no such file, GW_EINVAL when it is not a regular file or is
 * empty, GW_ETOOBIG over max bytes, GW_EIO when it cannot be opened or read; e names the
 * path. */
int media_read_file(const char *path, size_t max, unsigned char **buf, size_t *n, struct err *e);

#endif
