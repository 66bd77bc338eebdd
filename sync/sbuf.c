/* sbuf.c - growing text buffer (see sbuf.h). */
#include "gridwalk/config.h"

#include "sync/sbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void grow(struct sbuf *b, size_t more)
{
    if (b->n + more + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + more + 1)
        cap *= 2;
    char *np = realloc(b->p, cap);
    if (!np)
        abort();
    b->p = np;
    b->cap = cap;
}

void sbuf_put(struct sbuf *b, const char *s, size_t n)
{
    grow(b, n);
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (need < 0)
        return;
    grow(b, (size_t)need);
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)need + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)need;
}

void sbuf_xml(struct sbuf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': sbuf_put(b, "&amp;", 5); break;
        case '<': sbuf_put(b, "&lt;", 4); break;
        case '>': sbuf_put(b, "&gt;", 4); break;
        case '"': sbuf_put(b, "&quot;", 6); break;
        case '\'': sbuf_put(b, "&#39;", 5); break;
        default: sbuf_put(b, s, 1);
        }
    }
}

void sbuf_url(struct sbuf *b, const char *s, int keep_slash)
{
    static const char hexd[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/'))
            sbuf_put(b, (const char *)p, 1);
        else {
            char esc[3] = {'%', hexd[c >> 4], hexd[c & 15]};
            sbuf_put(b, esc, 3);
        }
    }
}

char *sbuf_take(struct sbuf *b, size_t *len)
{
    grow(b, 0);
    char *p = b->p;
    if (len)
        *len = b->n;
    b->p = NULL;
    b->n = b->cap = 0;
    return p;
}

void sbuf_done(struct sbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
}
