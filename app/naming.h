/* naming.h - the rules for names in the customer directory tree, shared by the app and the
 * hub's exporter.
 *
 * Names the user types (folders, entries) are checked with naming_check before they are
 * stored; when the tree leaves the device as real folders (export, WebDAV), every name
 * passes through naming_safe so it is valid on every common file system (ext4, FAT/exFAT,
 * NTFS, the hub's). The entry's automatic name is the local creation time. Pure functions:
 * no I/O, no allocation; only the error messages (gettext) and naming_auto_entry's local
 * time depend on the locale. */
#ifndef GRIDWALK_NAMING_H
#define GRIDWALK_NAMING_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"

#include <stddef.h>
#include <time.h>

/* Caps on a stored name: characters and UTF-8 bytes (file systems allow 255 bytes). */
#define NAMING_MAX_CHARS 80
#define NAMING_MAX_BYTES 240
/* Room for an automatic entry name "YYYY-MM-DD HH:MM". */
#define NAMING_AUTO_LEN 32

/* Checks a user-typed name: valid UTF-8, not empty or blank, no control characters, no
 * '/' or '\', not "." or "..", no leading or trailing space, at most NAMING_MAX_CHARS
 * characters and NAMING_MAX_BYTES bytes. GW_EINVAL (or GW_ETOOBIG) with a message saying
 * what to change. */
int naming_check(const char *name, struct err *e);

/* Writes into out (n bytes) a file-system-safe form of name: control characters and
 * / \ * ? " < > | become '_' and ':' becomes '-' ("14:03" stays a readable time), invalid
 * UTF-8 bytes become '_', leading dots become '_' (no hidden files), leading/trailing spaces
 * and trailing dots are dropped, an empty name becomes "_", Windows device names (CON, NUL,
 * COM1...) get a '_' appended, and the result is cut at a character boundary to
 * NAMING_MAX_BYTES (or n-1). Returns the length written. */
size_t naming_safe(const char *name, char *out, size_t n);

/* The automatic entry name for time t in local time: "YYYY-MM-DD HH:MM". */
void naming_auto_entry(time_t t, char out[NAMING_AUTO_LEN]);

/* Length in bytes of the UTF-8 sequence at s (1..4), or 0 if it is not valid UTF-8;
 * *cp gets the code point. */
int naming_utf8_decode(const char *s, unsigned *cp);

#endif
