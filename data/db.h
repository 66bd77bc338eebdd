/* db.h - the local store: one SQLite file, opened, migrated and closed here.
 *
 * The store is a single SQLite database in WAL mode with foreign keys on, a busy timeout
 * (the sync agent and the app share it) and its schema version in `PRAGMA user_version`.
 * `struct db` is opaque: callers outside data/ never see SQLite; they call the typed
 * functions of the data/ modules (customers.h, tree.h, outbox.h, ...). SQL lives in data/
 * only, behind sql.h. A `struct db` is used by one thread at a time. */
#ifndef GRIDWALK_DB_H
#define GRIDWALK_DB_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"

#include <stddef.h>
#include <stdint.h>

struct db;

/* Length of a timestamp buffer: "2026-11-22T14:03:07.123Z" plus NUL, with room to spare. */
#define DB_TIME_LEN 32
/* Length of a UUID text buffer: 36 characters plus NUL. */
#define DB_UUID_LEN 37

/* Opens (creating if needed, with its parent folders) the store at path and migrates it to
 * the newest schema. path ":memory:" gives a private in-memory store (tests). Fails with
 * GW_EDB and a message naming the file when it is not a gridwalk store, is damaged, or is
 * newer than this program. *out is owned by the caller: release it with db_close(). */
int db_open(struct db **out, const char *path, struct err *e);

/* Like db_open but migrates only up to schema version `version` (tests of migrations). */
int db_open_at_version(struct db **out, const char *path, int version, struct err *e);

/* Closes the store, finalizing every statement; NULL is allowed. */
void db_close(struct db *db);

/* The file this store was opened from. */
const char *db_path(const struct db *db);

/* The store's schema version, and the newest one this program knows. */
int db_schema_version(struct db *db);
int db_schema_latest(void);

/* Runs PRAGMA integrity_check and foreign_key_check; GW_ECORRUPT with the first problem. */
int db_check_integrity(struct db *db, struct err *e);

/* The default store path: $XDG_DATA_HOME/gridwalk/gridwalk.db, else
 * ~/.local/share/gridwalk/gridwalk.db. GW_EINVAL when neither HOME nor XDG_DATA_HOME is set. */
int db_default_path(char *buf, size_t n, struct err *e);

/* The current UTC time as ISO-8601 with milliseconds: "2026-11-22T14:03:07.123Z". */
void db_now(char out[DB_TIME_LEN]);

/* A fresh random (version 4) UUID in lower-case text form. */
void db_uuid(char out[DB_UUID_LEN]);

/* This device's identity (a UUID made on first use and kept in the settings table). */
int db_device_id(struct db *db, char out[DB_UUID_LEN], struct err *e);

#endif
