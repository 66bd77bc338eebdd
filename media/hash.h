/* hash.h - SHA-256 evidence hashes, computed with OpenSSL's libcrypto (EVP).
 *
 * The media pipeline records the SHA-256 of every stored file at capture time; the media store
 * names files by it. This module only hashes bytes and files: it knows nothing of the store,
 * of SQL or of screens, and keeps no state between calls. */
#ifndef GRIDWALK_MEDIA_HASH_H
#define GRIDWALK_MEDIA_HASH_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"

#include <stddef.h>

/* A SHA-256 digest as 64 lower-case hex digits plus NUL. */
#define MEDIA_SHA256_HEX 65

/* Hashes n bytes at p into hex. Aborts only if libcrypto cannot make a digest context
 * (out of memory, which is fatal in the tablet programs). */
void media_sha256(const void *p, size_t n, char hex[MEDIA_SHA256_HEX]);

/* Hashes the file at path. GW_EIO with the file's name when it cannot be read. */
int media_sha256_file(const char *path, char hex[MEDIA_SHA256_HEX], struct err *e);

/* 1 when s is exactly 64 lower-case hex digits. */
int media_sha256_valid(const char *s);

#endif
