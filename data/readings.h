/* readings.h - the readings table: meter readings (probe or typed) with their audit trail.
 *
 * A reading row keeps the registers as read (JSON text, values as exact decimal text), the
 * protocol, the meter number the meter reported, the raw byte transcript of the probe
 * session, the validation verdict and reason code, time and position. Inserting one also
 * appends its outbox row (kind "reading", payload per the brief) in the same transaction.
 * Readings are evidence: this module never updates or deletes one. It does not judge
 * plausibility (app/reading_check.h) or talk to the probe. */
#ifndef GRIDWALK_READINGS_H
#define GRIDWALK_READINGS_H

#include "data/db.h"

#include <stddef.h>
#include <stdint.h>

struct reading_register {
    const char *id;    /* canonical id ("energy_fwd_total") */
    const char *value; /* decimal text as read */
    const char *unit;
};

struct reading_new {
    const char *account;
    const char *task_uuid;      /* NULL when not read for a task */
    const char *method;         /* "probe" or "manual" */
    const char *protocol;       /* NULL for manual */
    const char *meter_reported; /* NULL when unknown */
    const struct reading_register *regs;
    size_t nregs;
    const void *transcript; /* raw session transcript, may be NULL */
    size_t transcript_len;
    const char *validation;      /* "ok", "high,confirmed", ... */
    const char *reason_code;     /* NULL or a code of app/reading_check.h */
    const char *read_at;         /* NULL: now */
    double lat, lon, accuracy_m; /* NaN when unknown */
};

/* Stores a reading and its outbox row in one transaction; the new reading's UUID goes to
 * uuid_out (may be NULL). GW_ENOTFOUND for an unknown account or task, GW_EINVAL for a bad
 * method, GW_EDB when the store refuses. */
int readings_insert(struct db *db, const struct reading_new *r, char *uuid_out, struct err *e);

/* The customer's id and recorded meter number (表计局号). GW_ENOTFOUND for no such account. */
int readings_customer(struct db *db, const char *account, int64_t *id, char meter[64],
                      struct err *e);

struct reading_hist {
    double value;
    char read_at[DB_TIME_LEN];
};

/* The customer's earlier readings of register reg_id, newest first, at most cap of them,
 * skipping rows where that register is missing or not a number. *n gets the count. */
int readings_history(struct db *db, const char *account, const char *reg_id,
                     struct reading_hist *out, size_t cap, size_t *n, struct err *e);

/* Number of readings stored for an account (-1 on error). */
int64_t readings_count(struct db *db, const char *account);

#endif
