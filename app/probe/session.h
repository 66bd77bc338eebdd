/* session.h - one meter read over the optical probe: connect, identify, read registers.
 *
 * A session drives a probe_serial (borrowed, not owned) through DL/T 645-2007, DL/T
 * 645-1997 or IEC 62056-21 ("auto" tries them in that order, moving on only when the meter
 * stays silent) and collects the registers asked for, the meter number the meter reports,
 * the byte transcript and the time the bytes needed on the wire. It runs step by step: each
 * probe_session_step() does one exchange with the meter and returns, bounded by the
 * protocol's timeouts, so the UI can run it on a worker thread, show progress between steps
 * and cancel it from another thread. probe_read_meter() is the blocking whole for the CLI.
 * It knows nothing of customers, validation or storage (that is app/readflow.c). */
#ifndef GRIDWALK_PROBE_SESSION_H
#define GRIDWALK_PROBE_SESSION_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"

#include "app/probe/serial.h"

#include <stddef.h>
#include <stdint.h>

enum probe_protocol { PROBE_AUTO, PROBE_DLT645, PROBE_IEC62056 };

#define PROBE_MAX_REGS 32

struct probe_options {
    enum probe_protocol protocol;
    unsigned dlt_baud;            /* 0: 2400 for 2007, 1200 for 1997 */
    unsigned iec_max_baud;        /* 0: as fast as the meter offers (up to 19200) */
    const char *iec_address;      /* device address for the sign-on, NULL for none */
    const char *const *registers; /* canonical ids, NULL-terminated; NULL: the core set */
    int attempts;                 /* per exchange; 0: 3 for DL/T 645, 2 for IEC */
    int no_power_lines;           /* leave DTR/RTS alone */
};

/* The core registers (the list), NULL-terminated. */
extern const char *const probe_core_registers[];

enum probe_reg_status { PROBE_REG_OK, PROBE_REG_ABSENT, PROBE_REG_FAILED };

struct probe_reg {
    char id[32];    /* canonical id ("energy_fwd_total") */
    char code[24];  /* the protocol's own code ("00010000", "9010", "1.8.0") */
    char value[40]; /* decimal text, dates "YYYY-MM-DD", times "hh:mm:ss" */
    char unit[12];
    enum probe_reg_status status;
    char note[128]; /* why absent or failed */
};

struct probe_result {
    char protocol[16];       /* "dlt645-2007", "dlt645-1997", "iec62056-21" */
    char meter_reported[40]; /* meter number as the meter reports it */
    char address[16];        /* DL/T 645 communication address, "" for IEC */
    char ident[64];          /* IEC identification ("GWS5 GWSIM-IEC1"), "" for DL/T 645 */
    struct probe_reg regs[PROBE_MAX_REGS];
    size_t nregs;
    char *transcript; /* owned: probe_result_done() frees it */
    size_t transcript_len;
    uint64_t wire_us;     /* time the bytes needed on the wire */
    uint64_t mandated_ms; /* delays the protocol requires of the meter (IEC: 200 ms/answer) */
    int64_t elapsed_ms;
    size_t echo_bytes; /* bytes the head echoed back (and were dropped) */
};

/* Frees what a result owns and clears it; safe on a zeroed result. */
void probe_result_done(struct probe_result *r);
/* The register with that id, or NULL. */
const struct probe_reg *probe_result_reg(const struct probe_result *r, const char *id);

struct probe_session;

/* Starts a session on an open serial line (borrowed: it must outlive the session). Copies
 * what it needs from o (may be NULL for defaults). *out: probe_session_free(). */
int probe_session_new(struct probe_session **out, struct probe_serial *s,
                      const struct probe_options *o, struct err *e);
void probe_session_free(struct probe_session *ss);

/* Does the next exchange. *finished is set to 1 when the read is complete. Fails with
 * GW_ETIMEOUT (silence after the retries), GW_ECORRUPT (checksums keep failing), GW_EDEVICE
 * (unplugged, or the meter refused), GW_ECANCEL; the session is over after a failure. */
int probe_session_step(struct probe_session *ss, int *finished, struct err *e);

/* Progress for a screen: exchanges done, exchanges expected, and what runs now. */
void probe_session_progress(const struct probe_session *ss, int *done, int *total,
                            const char **what);

/* Asks a running step to stop soon (from any thread). */
void probe_session_cancel(struct probe_session *ss);

/* Moves the result (registers so far and the transcript) into *out. */
void probe_session_result(struct probe_session *ss, struct probe_result *out);

/* The blocking whole: opens port, powers the probe, reads, closes. On failure *out still
 * holds the transcript so far (the audit trail of a failed read). */
int probe_read_meter(const char *port, const struct probe_options *o, struct probe_result *out,
                     struct err *e);

#endif
