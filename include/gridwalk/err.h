/* err.h - the error convention shared by every module.
 *
 * A function that can fail returns an int: 0 (GW_OK) on success or one of the GW_E* codes,
 * and fills an optional caller-owned `struct err` with that code and a message a person can
 * act on ("cannot open /dev/video0: device busy; close the other camera app"). Passing NULL
 * for the err is always allowed. Header-only so the leaf modules (media/, app/probe/,
 * app/geo/) can use it without linking anything. */
#ifndef GRIDWALK_ERR_H
#define GRIDWALK_ERR_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum gw_code {
    GW_OK = 0,
    GW_EINVAL,   /* bad input from the user or a file */
    GW_ENOTFOUND,
    GW_EEXIST,   /* already there, or a conflicting duplicate */
    GW_EIO,      /* file system or device I/O */
    GW_EDB,      /* the local store refused or is damaged */
    GW_EDEVICE,  /* a device is missing, busy or misbehaving */
    GW_ETIMEOUT,
    GW_ECORRUPT, /* data failed a checksum, hash or format check */
    GW_ENET,     /* the network or the hub is unreachable */
    GW_EAUTH,    /* refused credentials: do not retry blindly */
    GW_ECANCEL,  /* the user cancelled */
    GW_ETOOBIG,  /* over a configured or hard cap */
    GW_ENOMEM,
    GW_EINTERNAL,
};

#define GW_ERR_MSG_MAX 512

struct err {
    int code;
    char msg[GW_ERR_MSG_MAX];
};

/* Records code and a printf-style message in e (if not NULL); returns code so callers can
 * write `return err_set(e, GW_EINVAL, "line %d: ...", n);`. */
static inline int err_set(struct err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static inline int err_set(struct err *e, int code, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        e->code = code;
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* Prefixes the message already in e with more context ("importing x.csv: " + old). */
static inline int err_prefix(struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static inline int err_prefix(struct err *e, const char *fmt, ...)
{
    if (!e)
        return GW_EINTERNAL;
    char head[GW_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    size_t hl = strlen(head), ol = strlen(e->msg);
    if (hl + ol >= sizeof e->msg)
        ol = sizeof e->msg - 1 - hl;
    memmove(e->msg + hl, e->msg, ol);
    memcpy(e->msg, head, hl);
    e->msg[hl + ol] = '\0';
    return e->code;
}

static inline void err_clear(struct err *e)
{
    if (e) {
        e->code = GW_OK;
        e->msg[0] = '\0';
    }
}

#endif
