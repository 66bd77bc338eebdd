/* reading_check.h - plausibility rules for a meter reading, the way reading handhelds do it.
 *
 * Pure functions, no I/O: the reading against the previous ones (below previous, a register
 * rollover, above a high limit derived from the customer's history, zero consumption), the
 * double entry of a typed reading, and the reason codes a reader picks (why typed, why
 * skipped, what trouble was seen). The caller fetches the history (data/readings.h) and
 * decides what to do with the flags (app/readflow.c). */
#ifndef GRIDWALK_READING_CHECK_H
#define GRIDWALK_READING_CHECK_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"

#include <stddef.h>

enum reading_flag {
    RC_BELOW_PREVIOUS = 1 << 0, /* lower than the last reading and no plausible rollover */
    RC_ROLLOVER = 1 << 1,       /* the register wrapped past 999999 to 0 */
    RC_HIGH = 1 << 2,           /* consumption above the limit from history */
    RC_ZERO = 1 << 3,           /* same as the last reading */
    RC_NO_HISTORY = 1 << 4,     /* nothing to compare with (information, not a warning) */
};

/* The flags a reader must confirm (or re-read) before the reading is stored. */
#define RC_NEEDS_CONFIRM (RC_BELOW_PREVIOUS | RC_ROLLOVER | RC_HIGH | RC_ZERO)

/* One earlier reading: its value and when it was taken (seconds since the epoch). */
struct reading_prev {
    double value;
    double at;
};

struct reading_check_cfg {
    int integer_digits; /* register width for rollover; 0: 6 (XXXXXX.XX) */
    double high_factor; /* limit = daily rate x days x factor; 0: 3 */
    double high_floor;  /* the limit is never below this (kWh); 0: 50 */
};

struct reading_verdict {
    unsigned flags;
    double consumption; /* since the previous reading; NaN without history */
    double high_limit;  /* NaN when the history is too short to derive one */
};

/* Checks value taken at time `at` against hist (newest first, n may be 0). cfg may be NULL.
 * Never fails; a NaN value gives no flags and NaN consumption. */
void reading_check(double value, double at, const struct reading_prev *hist, size_t n,
                   const struct reading_check_cfg *cfg, struct reading_verdict *out);

/* The flags as text for the record: "ok" or a comma list ("high,zero"). */
void reading_flags_text(unsigned flags, char *buf, size_t n);

/* Compares the two typings of a manual reading. Both must be decimal numbers (up to 9
 * integer and 4 fraction digits) with the same value; the normalized text goes to out.
 * GW_EINVAL with a message for the reader otherwise. */
int reading_manual_match(const char *first, const char *second, char *out, size_t n, struct err *e);

enum reading_reason_kind {
    REASON_MANUAL,  /* why the reading was typed instead of read by the probe */
    REASON_SKIP,    /* why no reading could be taken */
    REASON_TROUBLE, /* something wrong seen at the meter */
};

struct reading_reason {
    const char *code;
    enum reading_reason_kind kind;
    const char *label;
};

/* The reason codes, terminated by an entry with code NULL. */
extern const struct reading_reason reading_reasons[];
/* The reason with that code, or NULL. */
const struct reading_reason *reading_reason_find(const char *code);

#endif
