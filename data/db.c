/* db.c - opening the store and the small SQLite wrapper of sql.h.
 *
 * Why the pragmas: WAL lets the sync agent read while the app writes; busy_timeout turns
 * the rare writer-writer collision into a short wait instead of an error; foreign_keys is
 * per-connection in SQLite and off by default, so it is set on every open;
 * synchronous=NORMAL in WAL mode is durable across application crashes (a power cut may
 * lose the last transactions but never corrupts the file). */
#include "gridwalk/config.h"

#include "data/db.h"
#include "data/schema.h"
#include "data/sql.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <uuid/uuid.h>

struct db {
    sqlite3 *h;
    char *path;
    int depth;          /* transaction nesting */
    int doomed;         /* an inner level rolled back */
    const char *file;   /* where the outermost transaction was opened */
    int line;
};

static int mkdir_parents(const char *path, struct err *e)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return err_set(e, GW_EINVAL, "path too long: %s", path);
    char *slash = strrchr(buf, '/');
    if (!slash || slash == buf)
        return GW_OK;
    *slash = '\0';
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0700) != 0 && errno != EEXIST)
            return err_set(e, GW_EIO, "cannot create folder %s: %s", buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0700) != 0 && errno != EEXIST)
        return err_set(e, GW_EIO, "cannot create folder %s: %s", buf, strerror(errno));
    return GW_OK;
}

int db_open_at_version(struct db **out, const char *path, int version, struct err *e)
{
    int rc = GW_OK;
    struct db *db = NULL;
    *out = NULL;
    if (strcmp(path, ":memory:") != 0 && (rc = mkdir_parents(path, e)))
        return rc;
    db = calloc(1, sizeof *db);
    if (!db)
        abort();
    db->path = strdup(path);
    if (!db->path)
        abort();
    if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        rc = err_set(e, GW_EDB, "cannot open store %s: %s", path,
                     db->h ? sqlite3_errmsg(db->h) : "out of memory");
        goto fail;
    }
    sqlite3_extended_result_codes(db->h, 1);
    sqlite3_busy_timeout(db->h, 5000);
    /* Reading user_version is the first real access: a file that is not SQLite fails here. */
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        rc = err_set(e, GW_EDB, "%s is not a gridwalk store (%s)", path, sqlite3_errmsg(db->h));
        sqlite3_finalize(st);
        goto fail;
    }
    sqlite3_finalize(st);
    if ((rc = db_exec(db, e, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                             "PRAGMA foreign_keys=ON;")))
        goto fail;
    if ((rc = db_register_extensions(db->h, e)))
        goto fail;
    if ((rc = schema_migrate(db, version, e)))
        goto fail;
    *out = db;
    return GW_OK;
fail:
    db_close(db);
    return rc;
}

int db_open(struct db **out, const char *path, struct err *e)
{
    return db_open_at_version(out, path, schema_count(), e);
}

void db_close(struct db *db)
{
    if (!db)
        return;
    /* Close first: that disconnects virtual tables (the FTS5 search index), which finalize
     * their own statements. Only statements a caller leaked remain after that; finalizing
     * everything up front would free FTS5's statements under it. */
    if (db->h && sqlite3_close(db->h) == SQLITE_BUSY) {
        sqlite3_stmt *st;
        while ((st = sqlite3_next_stmt(db->h, NULL)) != NULL)
            sqlite3_finalize(st);
        sqlite3_close(db->h);
    }
    free(db->path);
    free(db);
}

const char *db_path(const struct db *db)
{
    return db->path;
}

sqlite3 *db_sqlite(struct db *db)
{
    return db->h;
}

int db_schema_version(struct db *db)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

int db_schema_latest(void)
{
    return schema_count();
}

int db_exec(struct db *db, struct err *e, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int code = sqlite3_extended_errcode(db->h) == SQLITE_CONSTRAINT_UNIQUE ? GW_EEXIST
                                                                                : GW_EDB;
        err_set(e, code, "store %s: %s", db->path, msg ? msg : "unknown error");
        sqlite3_free(msg);
        return code;
    }
    return GW_OK;
}

sqlite3_stmt *db_prepare(struct db *db, struct err *e, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK) {
        err_set(e, GW_EDB, "store %s: %s", db->path, sqlite3_errmsg(db->h));
        return NULL;
    }
    return st;
}

static int param_index(sqlite3_stmt *st, const char *name)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i == 0) {
        fprintf(stderr, "gridwalk: internal error: no parameter %s in SQL: %s\n", name,
                sqlite3_sql(st));
        abort();
    }
    return i;
}

void db_bind_text(sqlite3_stmt *st, const char *name, const char *value)
{
    int i = param_index(st, name);
    if (value)
        sqlite3_bind_text(st, i, value, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

void db_bind_int64(sqlite3_stmt *st, const char *name, int64_t value)
{
    sqlite3_bind_int64(st, param_index(st, name), value);
}

void db_bind_double(sqlite3_stmt *st, const char *name, double value)
{
    int i = param_index(st, name);
    if (isnan(value))
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_double(st, i, value);
}

void db_bind_null(sqlite3_stmt *st, const char *name)
{
    sqlite3_bind_null(st, param_index(st, name));
}

void db_bind_blob(sqlite3_stmt *st, const char *name, const void *p, size_t n)
{
    sqlite3_bind_blob64(st, param_index(st, name), p, n, SQLITE_TRANSIENT);
}

int db_step(struct db *db, sqlite3_stmt *st, struct err *e)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return rc;
    int ext = sqlite3_extended_errcode(db->h);
    int code = (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
                   ? GW_EEXIST
                   : GW_EDB;
    err_set(e, code, "store %s: %s", db->path, sqlite3_errmsg(db->h));
    return -1;
}

const char *db_col_text(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? (const char *)t : "";
}

double db_col_double(sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return NAN;
    return sqlite3_column_double(st, col);
}

void db_col_copy(sqlite3_stmt *st, int col, char *buf, size_t n)
{
    const char *t = db_col_text(st, col);
    size_t len = strlen(t);
    if (n == 0)
        return;
    if (len >= n) {
        len = n - 1;
        /* Never cut a UTF-8 sequence in half: back up to a lead byte. */
        while (len > 0 && ((unsigned char)t[len] & 0xC0) == 0x80)
            len--;
    }
    memcpy(buf, t, len);
    buf[len] = '\0';
}

int db_begin_at(struct db *db, struct err *e, const char *file, int line)
{
    if (db->depth == 0) {
        int rc = db_exec(db, e, "BEGIN IMMEDIATE");
        if (rc)
            return rc;
        db->doomed = 0;
        db->file = file;
        db->line = line;
    }
    db->depth++;
    return GW_OK;
}

int db_commit(struct db *db, struct err *e)
{
    if (db->depth <= 0) {
        fprintf(stderr, "gridwalk: internal error: db_commit without db_begin\n");
        abort();
    }
    if (--db->depth > 0)
        return db->doomed ? GW_EDB : GW_OK;
    if (db->doomed) {
        db_exec(db, NULL, "ROLLBACK");
        return err_set(e, e && e->code ? e->code : GW_EDB,
                       "%s%schanges rolled back (transaction opened at %s:%d)",
                       e && e->code ? e->msg : "", e && e->code ? "; " : "", db->file,
                       db->line);
    }
    int rc = db_exec(db, e, "COMMIT");
    if (rc)
        db_exec(db, NULL, "ROLLBACK");
    return rc;
}

void db_rollback(struct db *db)
{
    if (db->depth <= 0) {
        fprintf(stderr, "gridwalk: internal error: db_rollback without db_begin\n");
        abort();
    }
    db->doomed = 1;
    if (--db->depth == 0)
        db_exec(db, NULL, "ROLLBACK");
}

int db_in_transaction(const struct db *db)
{
    return db->depth > 0;
}

int db_check_integrity(struct db *db, struct err *e)
{
    int rc = GW_OK;
    sqlite3_stmt *st = db_prepare(db, e, "PRAGMA integrity_check");
    if (!st)
        return GW_EDB;
    if (db_step(db, st, e) != SQLITE_ROW)
        rc = GW_EDB;
    else if (strcmp(db_col_text(st, 0), "ok") != 0)
        rc = err_set(e, GW_ECORRUPT, "store %s is damaged: %s", db->path, db_col_text(st, 0));
    sqlite3_finalize(st);
    if (rc)
        return rc;
    st = db_prepare(db, e, "PRAGMA foreign_key_check");
    if (!st)
        return GW_EDB;
    int step = db_step(db, st, e);
    if (step == SQLITE_ROW)
        rc = err_set(e, GW_ECORRUPT, "store %s: a row of %s points at a missing %s row",
                     db->path, db_col_text(st, 0), db_col_text(st, 2));
    else if (step < 0)
        rc = GW_EDB;
    sqlite3_finalize(st);
    return rc;
}

int db_default_path(char *buf, size_t n, struct err *e)
{
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    int len;
    if (xdg && *xdg)
        len = snprintf(buf, n, "%s/gridwalk/gridwalk.db", xdg);
    else if (home && *home)
        len = snprintf(buf, n, "%s/.local/share/gridwalk/gridwalk.db", home);
    else
        return err_set(e, GW_EINVAL, "neither XDG_DATA_HOME nor HOME is set; give --db PATH");
    if (len < 0 || (size_t)len >= n)
        return err_set(e, GW_EINVAL, "store path too long");
    return GW_OK;
}

void db_now(char out[DB_TIME_LEN])
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, DB_TIME_LEN, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, DB_TIME_LEN - n, ".%03dZ", (int)(ts.tv_nsec / 1000000) % 1000);
}

void db_uuid(char out[DB_UUID_LEN])
{
    uuid_t u;
    uuid_generate_random(u);
    uuid_unparse_lower(u, out);
}

int db_device_id(struct db *db, char out[DB_UUID_LEN], struct err *e)
{
    int rc = GW_OK;
    sqlite3_stmt *st = db_prepare(db, e, "SELECT value FROM settings WHERE key='device.id'");
    if (!st)
        return GW_EDB;
    int step = db_step(db, st, e);
    if (step == SQLITE_ROW) {
        db_col_copy(st, 0, out, DB_UUID_LEN);
        sqlite3_finalize(st);
        return GW_OK;
    }
    sqlite3_finalize(st);
    if (step < 0)
        return GW_EDB;
    db_uuid(out);
    st = db_prepare(db, e, "INSERT OR IGNORE INTO settings(key, value) VALUES('device.id', :v)");
    if (!st)
        return GW_EDB;
    db_bind_text(st, ":v", out);
    if (db_step(db, st, e) < 0)
        rc = GW_EDB;
    sqlite3_finalize(st);
    return rc;
}

int db_change_begin(struct db *db, struct db_change *c, struct err *e)
{
    c->db = db;
    c->outbox_rows = 0;
    c->last_seq = 0;
    return db_begin(db, e);
}

int db_change_outbox(struct db_change *c, const char *kind, const char *entity_uuid,
                     const char *payload_json, const char *const *blobs, struct err *e)
{
    char id[DB_UUID_LEN], now[DB_TIME_LEN];
    int rc = GW_OK;
    db_uuid(id);
    db_now(now);
    sqlite3_stmt *st = db_prepare(c->db, e,
                                  "INSERT INTO outbox(uuid, kind, entity_uuid, payload, created_at)"
                                  " VALUES(:uuid, :kind, :entity, :payload, :now)");
    if (!st)
        return GW_EDB;
    db_bind_text(st, ":uuid", id);
    db_bind_text(st, ":kind", kind);
    db_bind_text(st, ":entity", entity_uuid);
    db_bind_text(st, ":payload", payload_json);
    db_bind_text(st, ":now", now);
    if (db_step(c->db, st, e) < 0)
        rc = GW_EDB;
    sqlite3_finalize(st);
    if (rc)
        return rc;
    c->last_seq = sqlite3_last_insert_rowid(c->db->h);
    for (size_t i = 0; blobs && blobs[i]; i++) {
        st = db_prepare(c->db, e, "INSERT OR IGNORE INTO outbox_blobs(seq, sha256) "
                                  "VALUES(:seq, :sha)");
        if (!st)
            return GW_EDB;
        db_bind_int64(st, ":seq", c->last_seq);
        db_bind_text(st, ":sha", blobs[i]);
        if (db_step(c->db, st, e) < 0)
            rc = GW_EDB;
        sqlite3_finalize(st);
        if (rc)
            return rc;
    }
    c->outbox_rows++;
    return GW_OK;
}

int db_change_commit(struct db_change *c, struct err *e)
{
    if (c->outbox_rows == 0) {
        db_rollback(c->db);
        return err_set(e, GW_EINTERNAL,
                       "internal error: a change was committed without its outbox row; "
                       "nothing was saved");
    }
    return db_commit(c->db, e);
}

void db_change_abort(struct db_change *c)
{
    db_rollback(c->db);
}
