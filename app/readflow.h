/* readflow.h - the meter-reading flow: probe result or typed value -> checks -> store.
 *
 * Ties the probe session (app/probe), the plausibility rules (reading_check.h) and the
 * readings table (data/readings.h) together for one customer: the meter number the meter
 * reports must match the customer's recorded meter (a different meter is refused loudly,
 * never stored against the wrong customer), the total energy is checked against the
 * customer's history, warnings need the reader's confirmation, and the reading is stored
 * with its transcript and outbox row. Used by the CLI and the reading screen; no I/O to the
 * screen or the probe here. */
#ifndef GRIDWALK_READFLOW_H
#define GRIDWALK_READFLOW_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"

#include "app/probe/session.h"
#include "app/reading_check.h"
#include "data/db.h"

struct readflow_position {
    double lat, lon, accuracy_m;
};

struct readflow_outcome {
    int meter_match;         /* 1 when the meter is the customer's (or nothing to compare) */
    char customer_meter[64]; /* the recorded meter number */
    struct reading_verdict verdict;
    char validation[96];           /* as stored: "ok", "high,confirmed", "zero" ... */
    char stored_uuid[DB_UUID_LEN]; /* "" when nothing was stored */
};

/* Whether the meter number a meter reports is the recorded one. Digits only are compared;
 * leading zeros do not count; a State Grid asset number (22 digits) matches the 12-digit
 * communication number it ends with. An empty recorded number matches nothing. */
int readflow_meter_matches(const char *recorded, const char *reported);

/* Checks value (the total forward energy) against the account's history, as of now. */
int readflow_check(struct db *db, const char *account, double value, struct reading_verdict *out,
                   struct err *e);

struct readflow_probe_read {
    const char *account;
    const char *task_uuid; /* NULL when not for a task */
    const struct probe_result *result;
    int confirmed; /* the reader saw the warnings and confirmed the value on the display */
    const struct readflow_position *pos; /* NULL: no fix */
};

/* Compares the meter number, validates and stores a probe reading. Fails (nothing stored,
 * *out still filled) with GW_EINVAL when the meter is another customer's (meter_match 0),
 * or when warnings need confirmation and confirmed is 0; GW_ENOTFOUND for no such account. */
int readflow_store_probe(struct db *db, const struct readflow_probe_read *r,
                         struct readflow_outcome *out, struct err *e);

struct readflow_manual {
    const char *account;
    const char *task_uuid;
    const char *value, *value_again; /* typed twice */
    const char *reason_code;         /* a REASON_MANUAL code: why the probe was not used */
    int confirmed;
    const struct readflow_position *pos;
};

/* Stores a typed reading: both typings must match, the reason must be a manual-entry code,
 * warnings need confirmation. GW_EINVAL with a message for the reader otherwise. */
int readflow_store_manual(struct db *db, const struct readflow_manual *m,
                          struct readflow_outcome *out, struct err *e);

/* Records that no reading was taken (a skip code) or trouble seen at the meter (a trouble
 * code), with no registers. GW_EINVAL for a code of another kind. */
int readflow_store_skip(struct db *db, const char *account, const char *task_uuid,
                        const char *reason_code, const struct readflow_position *pos,
                        struct readflow_outcome *out, struct err *e);

#endif
