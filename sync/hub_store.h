/* hub_store.h - the hub's own SQLite store and its content-addressed blob store on disk.
 *
 * Owns: DATA/hub.db (devices, users, customers, tasks, the change log devices pull, the
 * records received and the evidence tables rebuilt from them) and DATA/blobs/ (complete
 * blobs at blobs/<2 hex>/<sha256>, interrupted uploads at blobs/partial/<sha256>). All the
 * hub's SQL lives in hub_store.c. It knows nothing of HTTP; it never trusts a client's hash
 * (a blob becomes complete only after its bytes were hashed here) and never half-stores a
 * record (each record is all-or-nothing inside a savepoint). One struct hub_store is used by
 * one thread at a time; several processes (the server and admin commands) may share DATA. */
#ifndef GRIDWALK_HUB_STORE_H
#define GRIDWALK_HUB_STORE_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

struct hub_store;

#define HUB_TOKEN_LEN 69 /* "gw1_" + 64 hex + NUL */

struct hub_user {
    int64_t id;
    char name[64];
    char role[16];    /* "supervisor" or "admin" */
    char region[64];  /* "" = every region */
};

/* Opens (creating) DATA/hub.db and DATA/blobs/. *out is the caller's: hub_store_close. */
int hub_store_open(struct hub_store **out, const char *data_dir, struct err *e);
void hub_store_close(struct hub_store *hs);
const char *hub_store_dir(const struct hub_store *hs);

/* Enrols a device and writes its new bearer token (shown once; only its hash is kept).
 * GW_EEXIST when the name is taken. */
int hub_device_add(struct hub_store *hs, const char *name, char token[HUB_TOKEN_LEN],
                   struct err *e);
/* The id of the enrolled, not revoked device called name; GW_ENOTFOUND otherwise. */
int hub_device_id(struct hub_store *hs, const char *name, int64_t *device_id, struct err *e);

/* Finds the device a token belongs to; GW_EAUTH for an unknown or revoked token. */
int hub_device_auth(struct hub_store *hs, const char *token, int64_t *device_id, char *name,
                    size_t n, struct err *e);

/* Adds (or with the same name replaces) a user with a PBKDF2-HMAC-SHA256 password hash. */
int hub_user_add(struct hub_store *hs, const char *name, const char *role, const char *region,
                 const char *password, struct err *e);
/* Checks a password (slow by design); GW_EAUTH when the name or password is wrong. */
int hub_user_check(struct hub_store *hs, const char *name, const char *password,
                   struct hub_user *out, struct err *e);

/* Imports customers from the app's CSV (header row with the field keys account, name, meter,
 * capacity, address, line, voltage or their Chinese labels; optional lat, lon, region).
 * region_default applies where the file has none. Each changed customer becomes a change
 * every device pulls. *count gets the number of rows taken in. */
int hub_import_customers(struct hub_store *hs, FILE *csv, const char *region_default,
                         int64_t *count, struct err *e);

/* Assigns a task ("inspection" or "meter-reading") for a customer to a device; writes the
 * task's UUID. GW_ENOTFOUND for an unknown device or customer. */
int hub_task_add(struct hub_store *hs, const char *device, const char *kind, const char *account,
                 const char *due_date, const char *instructions, char uuid[37], struct err *e);

/* Takes in tasks from a CSV with the header kind,account,due,assignee,instructions[,priority]
 * (assignee = device name, due = YYYY-MM-DD or empty). All or nothing: the first bad row
 * fails the import with its line number and nothing is kept. *count gets the rows taken in. */
int hub_task_import(struct hub_store *hs, FILE *csv, int64_t *count, struct err *e);

/* Cancel withdraws the task from its device; reassign moves it to another device (the old one
 * is told it is withdrawn, the new one gets it afresh). A device that already started work
 * keeps the task and reports it back; when such a report reaches the hub after a reassignment,
 * the task is withdrawn from the new device unless it reported work too (hub_ingest_record).
 * GW_ENOTFOUND for an unknown task or device, GW_EINVAL for a task already finished. */
int hub_task_cancel(struct hub_store *hs, const char *uuid, struct err *e);
int hub_task_reassign(struct hub_store *hs, const char *uuid, const char *device,
                      struct err *e);

/* What the office's task list shows; NULL / 0 fields mean "any". */
struct hub_task_query {
    const char *state;  /* one state */
    const char *device; /* one device */
    int late;           /* due date passed and not finished */
    int attention;      /* late or failed: what a supervisor looks at */
    const char *today;  /* YYYY-MM-DD to judge lateness by; NULL = today (UTC) */
};
/* Prints the tasks with state, result, reason code, the newest report's times, position and
 * device, each device's work and evidence (photos, readings): a table, or (as_json) a JSON
 * array of objects with the readings, photo hashes, "work", "worked_by" and "note" (in words,
 * who worked a task that was reassigned after work started; null when nothing is unusual). */
int hub_task_list(struct hub_store *hs, const struct hub_task_query *q, int as_json, FILE *out,
                  struct err *e);

/* Up to limit changes after `since` for a device: *page gets a new JSON array of
 * {"rev","kind","data"}, *next the cursor to ask with next time, *more 1 if more wait. */
int hub_changes(struct hub_store *hs, int64_t device_id, int64_t since, int limit, json_t **page,
                int64_t *next, int *more, struct err *e);

/* --- blobs --- */
enum hub_blob_state { HUB_BLOB_NONE, HUB_BLOB_PARTIAL, HUB_BLOB_COMPLETE };
/* What the hub holds of a blob; *size is the complete size or the bytes of the partial. */
enum hub_blob_state hub_blob_state(struct hub_store *hs, const char *sha, int64_t *size);
/* The path of a complete blob (for serving); GW_ETOOBIG if buf is too small. */
int hub_blob_path(const struct hub_store *hs, const char *sha, char *buf, size_t n);
/* Opens the partial file of sha to receive bytes from offset `start` (0 = start over).
 * GW_EINVAL (with the offset held) when start is beyond what the hub has. *fd is the caller's. */
int hub_blob_begin(struct hub_store *hs, const char *sha, int64_t start, int *fd, struct err *e);
/* Called when a whole body has arrived: when the partial holds `total` bytes, hashes it; a
 * match becomes the complete blob (fsync, rename, fsync dir), a mismatch is deleted
 * (GW_ECORRUPT). Fewer bytes than total: kept for a resume, GW_EINVAL. */
int hub_blob_finish(struct hub_store *hs, const char *sha, int64_t total, struct err *e);

/* Deletes partial uploads untouched for max_age seconds (abandoned by their device) and
 * returns how many; the device re-sends from the start if it ever comes back. */
int hub_blob_sweep(struct hub_store *hs, int64_t max_age);

/* --- records --- */
enum hub_ingest {
    HUB_IN_STORED,
    HUB_IN_DUPLICATE,
    HUB_IN_CONFLICT,      /* same id (or same entry version) with other content: 409 */
    HUB_IN_MISSING_BLOBS, /* a blob it names is not complete here: 422, retry later */
    HUB_IN_INVALID,       /* refused by validation: 400 */
    HUB_IN_ERROR          /* the store failed: 503 */
};
const char *hub_ingest_name(enum hub_ingest s);
int hub_ingest_http(enum hub_ingest s);

/* Batch framing around hub_ingest_record (one transaction for speed; each record in its own
 * savepoint so a refused record leaves nothing behind). */
int hub_batch_begin(struct hub_store *hs, struct err *e);
int hub_batch_commit(struct hub_store *hs, struct err *e);
/* Takes in one record from a device (device_id 0 = a bundle import); msg gets the reason. */
enum hub_ingest hub_ingest_record(struct hub_store *hs, int64_t device_id, json_t *rec,
                                  char *msg, size_t n);

/* --- the evidence tree, level by level (hub_tree.c builds names and paths on these) ---
 * Each query calls row(ctx, cols) per row; column meanings are given per function. */
typedef void (*hub_row_fn)(void *ctx, const char *const *cols);
/* Customers with live evidence (folders or readings) a user may see: account, name, newest
 * update. */
int hub_q_customers(struct hub_store *hs, const struct hub_user *u, const char *account,
                    hub_row_fn row, void *ctx, struct err *e);
/* Live folders of a customer's category: uuid, name, updated_at. */
int hub_q_folders(struct hub_store *hs, const char *account, int category, hub_row_fn row,
                  void *ctx, struct err *e);
/* Live entries (newest version) of a folder changed since `since` ("" = all): uuid, name,
 * updated_at, appearance_remark, nameplate_remark, version, created_at, lat, lon, accuracy_m
 * (unknown numbers are ""). */
int hub_q_entries(struct hub_store *hs, const char *folder_uuid, const char *since,
                  hub_row_fn row, void *ctx, struct err *e);
/* The newest version of one entry, same columns as hub_q_entries; no row if unknown. */
int hub_q_entry(struct hub_store *hs, const char *uuid, hub_row_fn row, void *ctx,
                struct err *e);
/* A customer's meter readings (uuid NULL = all, else that one) read since `since` ("" or
 * NULL = all), oldest first: uuid, read_at, payload (the device's JSON, whole). */
int hub_q_readings(struct hub_store *hs, const char *account, const char *uuid,
                   const char *since, hub_row_fn row, void *ctx, struct err *e);
/* Live photos of an entry's sub-folder: uuid, sha256, bytes, taken_at. */
int hub_q_photos(struct hub_store *hs, const char *entry_uuid, const char *sub, hub_row_fn row,
                 void *ctx, struct err *e);
/* Category names (from DATA/hub.ini "categories = a,b,c", else the defaults). */
const char *hub_category_name(const struct hub_store *hs, int category);

/* Prints what arrived (newest first, at most limit records) for `gridwalk-hub list`. */
int hub_list_records(struct hub_store *hs, FILE *out, int limit, struct err *e);
/* Counts for tests and the bench: records and complete blobs. */
int hub_stats(struct hub_store *hs, int64_t *records, int64_t *blobs, struct err *e);

#endif
