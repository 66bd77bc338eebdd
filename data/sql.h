/* sql.h - the SQLite wrapper that data/ modules use; nothing outside data/ includes it.
 *
 * In the spirit of Fossil's db.c: statements are prepared with a message on failure, binds
 * are by name and a wrong name is a programming error that aborts loudly, transactions nest
 * (only the outermost one talks to SQLite) and remember where they were opened, and the
 * transactional-outbox helper makes it impossible to commit a user-visible change without
 * its outbox row. */
#ifndef GRIDWALK_SQL_H
#define GRIDWALK_SQL_H

#include "data/db.h"

#include <sqlite3.h>

/* The underlying handle, for the data/ modules only. */
sqlite3 *db_sqlite(struct db *db);

/* Runs one or more statements that return no rows. GW_EDB with SQLite's message. */
int db_exec(struct db *db, struct err *e, const char *sql);

/* Prepares sql; NULL with GW_EDB in e on failure. The caller finalizes the statement with
 * sqlite3_finalize(). */
sqlite3_stmt *db_prepare(struct db *db, struct err *e, const char *sql);

/* Named binds (":name"). An unknown name aborts: it is a bug in data/, not a user error. */
void db_bind_text(sqlite3_stmt *st, const char *name, const char *value);
void db_bind_int64(sqlite3_stmt *st, const char *name, int64_t value);
void db_bind_double(sqlite3_stmt *st, const char *name, double value); /* NaN binds NULL */
void db_bind_null(sqlite3_stmt *st, const char *name);
void db_bind_blob(sqlite3_stmt *st, const char *name, const void *p, size_t n);

/* Steps st: returns SQLITE_ROW or SQLITE_DONE, or -1 with GW_EDB (or GW_EEXIST for a
 * constraint violation) in e. */
int db_step(struct db *db, sqlite3_stmt *st, struct err *e);

/* Column text that is never NULL ("" for SQL NULL). */
const char *db_col_text(sqlite3_stmt *st, int col);
/* Column as double, NaN for SQL NULL ("unknown" is a value, never 0). */
double db_col_double(sqlite3_stmt *st, int col);

/* Copies column text into a fixed buffer (truncating at a UTF-8 boundary). */
void db_col_copy(sqlite3_stmt *st, int col, char *buf, size_t n);

/* Nested transactions. Each db_begin is ended by exactly one db_commit or db_rollback. The
 * outermost db_begin issues BEGIN IMMEDIATE; the matching db_commit commits, unless an inner
 * db_rollback doomed it: then everything is rolled back
 * and db_commit returns GW_EDB naming where the failed transaction was opened. */
#define db_begin(db, e) db_begin_at((db), (e), __FILE__, __LINE__)
int db_begin_at(struct db *db, struct err *e, const char *file, int line);
int db_commit(struct db *db, struct err *e);
void db_rollback(struct db *db);
int db_in_transaction(const struct db *db);

/* A user-visible change and its outbox row(s), in one transaction.
 *
 *   struct db_change c;
 *   if (db_change_begin(db, &c, e)) return e->code;
 *   ... write the rows ...
 *   if (db_change_outbox(&c, "entry", uuid, payload_json, e)) goto fail;
 *   return db_change_commit(&c, e);
 *   fail: db_change_abort(&c);
 *
 * db_change_commit refuses (rolls back, GW_EINTERNAL) a change that pushed no outbox row. */
struct db_change {
    struct db *db;
    int outbox_rows;
    int64_t last_seq; /* outbox seq of the last row pushed */
};
int db_change_begin(struct db *db, struct db_change *c, struct err *e);
/* Appends an outbox row: kind ("folder", "entry", "photo", "reading", "task", "customer",
 * "tombstone"), the entity's UUID and the record as JSON text (checked with json_valid).
 * blobs is a NULL-terminated list of SHA-256 hex digests the record needs on the hub first
 * (may be NULL). */
int db_change_outbox(struct db_change *c, const char *kind, const char *entity_uuid,
                     const char *payload_json, const char *const *blobs, struct err *e);
int db_change_commit(struct db_change *c, struct err *e);
void db_change_abort(struct db_change *c);

/* Registers the store's SQL extensions (search tokenizers, functions) on a new connection.
 * Defined in data/extensions.c; called by db_open before migrations run. */
int db_register_extensions(sqlite3 *h, struct err *e);

#endif
