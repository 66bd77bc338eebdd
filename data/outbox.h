/* outbox.h - the sync agent's and the status screens' view of the transactional outbox.
 *
 * The app parts append outbox rows with db_change_outbox (sql.h); this module is how they
 * leave: gridwalk-syncd takes the next due rows in seq order, marks them sent or failed (with
 * the error a person can read and the time of the next try), and keeps its status in the
 * settings table (sync.last_success, sync.status, sync.progress). The app shows the counts,
 * the per-item errors and the status from here, and nudges the agent when it queued something.
 * It never talks to the network and never deletes an outbox row: a sent row stays as the
 * record of what left the device. */
#ifndef GRIDWALK_OUTBOX_H
#define GRIDWALK_OUTBOX_H

#include "data/db.h"

#include <stdint.h>

/* Settings keys the sync agent writes and the app reads. */
#define OUTBOX_KEY_LAST_SUCCESS "sync.last_success" /* time of the last complete pass */
#define OUTBOX_KEY_STATUS "sync.status"             /* one line: "idle", "uploading 3 of 40" ... */
#define OUTBOX_KEY_PROGRESS "sync.progress"         /* the item in flight, as text */
#define OUTBOX_KEY_AUTH "sync.auth_error"           /* set while the hub refuses our token */
#define OUTBOX_KEY_REACH "sync.reach" /* "online" or "offline": did the last pass reach the hub */

struct outbox_item {
    int64_t seq;
    char uuid[DB_UUID_LEN];    /* this row's id: one version of one change */
    char kind[16];
    char entity_uuid[80];
    char state[8];             /* "queued", "sent", "failed" */
    int attempts;
    char created_at[DB_TIME_LEN];
    char next_try_at[DB_TIME_LEN]; /* "" when failed and held until the user retries */
    char last_error[512];
    char *payload;             /* JSON text, owned (NULL in outbox_failed listings) */
    char **blobs;              /* NULL-terminated SHA-256 list, owned (NULL in listings) */
};

struct outbox_counts {
    int64_t queued;  /* waiting for their first try */
    int64_t retrying; /* failed, another try is scheduled */
    int64_t held;    /* failed for a reason a retry will not fix (conflict, refused); shown */
    int64_t sent;
};

/* Takes up to `limit` rows after seq `after` that are due at `now` (queued, or failed with
 * next_try_at <= now), in seq order. all=1 takes every row not yet sent, due or not
 * (export-bundle). *items is owned by the caller: release with outbox_items_free. */
int outbox_take(struct db *db, const char *now, int64_t after, int limit, int all,
                struct outbox_item **items, int *n, struct err *e);
void outbox_items_free(struct outbox_item *items, int n);

/* Marks rows sent (with sent_at = now) in one transaction. */
int outbox_mark_sent(struct db *db, const int64_t *seqs, int n, struct err *e);

/* Records a failed try: attempts+1, the error text, and next_try_at (NULL holds the row until
 * outbox_retry_held: for a conflict or a refusal a retry cannot fix). */
int outbox_mark_failed(struct db *db, int64_t seq, const char *error, const char *next_try_at,
                       struct err *e);

/* Makes every failed row due now (the user's "retry now"); returns the count or -1. */
int64_t outbox_retry_held(struct db *db, struct err *e);

/* The earliest next_try_at of a row waiting to retry, copied to out ("" when none). */
int outbox_next_try(struct db *db, char out[DB_TIME_LEN], struct err *e);

/* Counts by state, for the status line. */
int outbox_counts(struct db *db, struct outbox_counts *out, struct err *e);

/* The failed rows (payload and blobs NULL), newest problem first, at most `limit`. */
int outbox_failed(struct db *db, int limit, struct outbox_item **items, int *n, struct err *e);

/* What an outbox row is about, in the user's words: the customer's name and the path to the
 * folder, entry or photo ("张三 › 表计 › 2026-11-22 09:30 › nameplate"), the reading's time,
 * the task's kind. "" when the thing is no longer in the store. Never fails: a store error
 * gives "" too (the screen still shows the row's kind and error). */
void outbox_item_label(struct db *db, const char *kind, const char *entity_uuid, char *buf,
                       size_t n);

/* Reads and writes the sync settings above (and any "sync.*" key). get copies "" when unset. */
int outbox_setting_get(struct db *db, const char *key, char *buf, size_t n, struct err *e);
int outbox_setting_set(struct db *db, const char *key, const char *value, struct err *e);
/* Removes a setting (e.g. the auth error once the hub accepts the token again). */
int outbox_setting_clear(struct db *db, const char *key, struct err *e);

/* The wake-up channel of gridwalk-syncd: a FIFO beside the store, "<dir of db>/syncd.wake". */
int outbox_wake_path(const char *db_path, char *buf, size_t n);
/* Tells a running gridwalk-syncd that something was queued. GW_ENOTFOUND when no agent is
 * listening (harmless: its timer will find the row). Never blocks. */
int outbox_nudge(const char *db_path, struct err *e);

#endif
