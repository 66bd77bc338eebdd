/* sbuf.h - a growing text buffer for building HTTP bodies (HTML, XML, JSON) in sync/.
 *
 * Owns its memory (sbuf_done frees it; sbuf_take hands it over). Out of memory aborts: the
 * hub's pages are small and bounded by the listing they show. Escapes for HTML/XML text and
 * for URL paths live here so no caller hand-rolls them. */
#ifndef GRIDWALK_SYNC_SBUF_H
#define GRIDWALK_SYNC_SBUF_H

#include "gridwalk/config.h"

#include <stddef.h>

struct sbuf {
    char *p;
    size_t n, cap;
};

void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_put(struct sbuf *b, const char *s, size_t n);
/* Appends s with & < > " ' escaped (HTML text and attributes, XML text). */
void sbuf_xml(struct sbuf *b, const char *s);
/* Appends s percent-encoded for a URL path; '/' is kept when keep_slash is set. */
void sbuf_url(struct sbuf *b, const char *s, int keep_slash);
/* Hands the NUL-terminated text to the caller (free()) and empties b. */
char *sbuf_take(struct sbuf *b, size_t *len);
void sbuf_done(struct sbuf *b);

#endif
