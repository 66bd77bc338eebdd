/* outbox.c - taking, marking and counting outbox rows for the sync agent (see outbox.h).
 *
 * Why "held" is a failed row with no next_try_at: a 409 conflict or a refused record will
 * fail the same way forever, so the agent must not spin on it, but the app must keep showing
 * it until a person decides. Transient failures get a next_try_at from the agent's backoff. */
#include "gridwalk/config.h"

#include "data/outbox.h"
#include "data/sql.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        abort(); /* out of memory is fatal on the tablet (STYLE.md 10) */
    return p;
}

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        abort();
    return p;
}

static void fill_item(sqlite3_stmt *st, struct outbox_item *it)
{
    it->seq = sqlite3_column_int64(st, 0);
    db_col_copy(st, 1, it->uuid, sizeof it->uuid);
    db_col_copy(st, 2, it->kind, sizeof it->kind);
    db_col_copy(st, 3, it->entity_uuid, sizeof it->entity_uuid);
    db_col_copy(st, 4, it->state, sizeof it->state);
    it->attempts = sqlite3_column_int(st, 5);
    db_col_copy(st, 6, it->created_at, sizeof it->created_at);
    db_col_copy(st, 7, it->next_try_at, sizeof it->next_try_at);
    db_col_copy(st, 8, it->last_error, sizeof it->last_error);
}

#define ITEM_COLS "seq, uuid, kind, entity_uuid, state, attempts, created_at, next_try_at, last_error"

static int load_blobs(struct db *db, struct outbox_item *it, struct err *e)
{
    sqlite3_stmt *st = db_prepare(db, e, "SELECT sha256 FROM outbox_blobs WHERE seq = :seq "
                                         "ORDER BY sha256");
    if (!st)
        return GW_EDB;
    int rc = GW_OK, cap = 4, n = 0, step;
    it->blobs = xcalloc((size_t)cap + 1, sizeof *it->blobs);
    db_bind_int64(st, ":seq", it->seq);
    while ((step = db_step(db, st, e)) == SQLITE_ROW) {
        if (n == cap) {
            cap *= 2;
            char **nb = realloc(it->blobs, ((size_t)cap + 1) * sizeof *nb);
            if (!nb)
                abort();
            it->blobs = nb;
        }
        it->blobs[n++] = xstrdup(db_col_text(st, 0));
        it->blobs[n] = NULL;
    }
    if (step < 0)
        rc = GW_EDB;
    sqlite3_finalize(st);
    return rc;
}

int outbox_take(struct db *db, const char *now, int64_t after, int limit, int all,
                struct outbox_item **items, int *n, struct err *e)
{
    int rc = GW_OK, step, got = 0;
    struct outbox_item *arr = NULL;
    *items = NULL;
    *n = 0;
    if (limit <= 0)
        return GW_OK;
    sqlite3_stmt *st = db_prepare(
        db, e,
        all ? "SELECT " ITEM_COLS ", payload FROM outbox WHERE seq > :after AND state <> 'sent' "
              "ORDER BY seq LIMIT :lim"
            : "SELECT " ITEM_COLS ", payload FROM outbox WHERE seq > :after AND (state = 'queued' "
              "   OR (state = 'failed' AND next_try_at IS NOT NULL AND next_try_at <= :now)) "
              "ORDER BY seq LIMIT :lim");
    if (!st)
        return GW_EDB;
    if (!all)
        db_bind_text(st, ":now", now);
    db_bind_int64(st, ":lim", limit);
    db_bind_int64(st, ":after", after);
    arr = xcalloc((size_t)limit, sizeof *arr);
    while ((step = db_step(db, st, e)) == SQLITE_ROW) {
        fill_item(st, &arr[got]);
        arr[got].payload = xstrdup(db_col_text(st, 9));
        got++;
    }
    sqlite3_finalize(st);
    if (step < 0) {
        rc = GW_EDB;
        goto out;
    }
    for (int i = 0; i < got && rc == GW_OK; i++)
        rc = load_blobs(db, &arr[i], e);
out:
    if (rc) {
        outbox_items_free(arr, got);
        return rc;
    }
    *items = arr;
    *n = got;
    return GW_OK;
}

void outbox_items_free(struct outbox_item *items, int n)
{
    if (!items)
        return;
    for (int i = 0; i < n; i++) {
        free(items[i].payload);
        for (size_t j = 0; items[i].blobs && items[i].blobs[j]; j++)
            free(items[i].blobs[j]);
        free(items[i].blobs);
    }
    free(items);
}

int outbox_mark_sent(struct db *db, const int64_t *seqs, int n, struct err *e)
{
    char now[DB_TIME_LEN];
    int rc = GW_OK;
    if (n <= 0)
        return GW_OK;
    db_now(now);
    if ((rc = db_begin(db, e)))
        return rc;
    sqlite3_stmt *st = db_prepare(db, e,
                                  "UPDATE outbox SET state = 'sent', sent_at = :now, "
                                  "next_try_at = NULL, last_error = NULL WHERE seq = :seq");
    if (!st) {
        db_rollback(db);
        return GW_EDB;
    }
    for (int i = 0; i < n && rc == GW_OK; i++) {
        sqlite3_reset(st);
        db_bind_text(st, ":now", now);
        db_bind_int64(st, ":seq", seqs[i]);
        if (db_step(db, st, e) < 0)
            rc = GW_EDB;
    }
    sqlite3_finalize(st);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    return db_commit(db, e);
}

int outbox_mark_failed(struct db *db, int64_t seq, const char *error, const char *next_try_at,
                       struct err *e)
{
    int rc = GW_OK;
    sqlite3_stmt *st = db_prepare(db, e,
                                  "UPDATE outbox SET state = 'failed', attempts = attempts + 1, "
                                  "last_error = :err, next_try_at = :next "
                                  "WHERE seq = :seq AND state <> 'sent'");
    if (!st)
        return GW_EDB;
    db_bind_text(st, ":err", error ? error : "unknown error");
    db_bind_text(st, ":next", next_try_at);
    db_bind_int64(st, ":seq", seq);
    if (db_step(db, st, e) < 0)
        rc = GW_EDB;
    sqlite3_finalize(st);
    return rc;
}

int64_t outbox_retry_held(struct db *db, struct err *e)
{
    char now[DB_TIME_LEN];
    db_now(now);
    sqlite3_stmt *st = db_prepare(db, e, "UPDATE outbox SET next_try_at = :now "
                                         "WHERE state = 'failed'");
    if (!st)
        return -1;
    db_bind_text(st, ":now", now);
    int64_t changed = db_step(db, st, e) < 0 ? -1 : sqlite3_changes(db_sqlite(db));
    sqlite3_finalize(st);
    return changed;
}

int outbox_next_try(struct db *db, char out[DB_TIME_LEN], struct err *e)
{
    out[0] = '\0';
    sqlite3_stmt *st = db_prepare(db, e, "SELECT min(next_try_at) FROM outbox "
                                         "WHERE state = 'failed' AND next_try_at IS NOT NULL");
    if (!st)
        return GW_EDB;
    int step = db_step(db, st, e);
    if (step == SQLITE_ROW)
        db_col_copy(st, 0, out, DB_TIME_LEN);
    sqlite3_finalize(st);
    return step < 0 ? GW_EDB : GW_OK;
}

int outbox_counts(struct db *db, struct outbox_counts *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = db_prepare(
        db, e,
        "SELECT coalesce(sum(state = 'queued'), 0),"
        "       coalesce(sum(state = 'failed' AND next_try_at IS NOT NULL), 0),"
        "       coalesce(sum(state = 'failed' AND next_try_at IS NULL), 0),"
        "       coalesce(sum(state = 'sent'), 0) FROM outbox");
    if (!st)
        return GW_EDB;
    int rc = GW_OK;
    if (db_step(db, st, e) == SQLITE_ROW) {
        out->queued = sqlite3_column_int64(st, 0);
        out->retrying = sqlite3_column_int64(st, 1);
        out->held = sqlite3_column_int64(st, 2);
        out->sent = sqlite3_column_int64(st, 3);
    } else
        rc = GW_EDB;
    sqlite3_finalize(st);
    return rc;
}

int outbox_failed(struct db *db, int limit, struct outbox_item **items, int *n, struct err *e)
{
    int step, got = 0;
    *items = NULL;
    *n = 0;
    if (limit <= 0)
        return GW_OK;
    sqlite3_stmt *st = db_prepare(db, e,
                                  "SELECT " ITEM_COLS " FROM outbox WHERE state = 'failed' "
                                  "ORDER BY seq DESC LIMIT :lim");
    if (!st)
        return GW_EDB;
    db_bind_int64(st, ":lim", limit);
    struct outbox_item *arr = xcalloc((size_t)limit, sizeof *arr);
    while ((step = db_step(db, st, e)) == SQLITE_ROW)
        fill_item(st, &arr[got++]);
    sqlite3_finalize(st);
    if (step < 0) {
        outbox_items_free(arr, got);
        return GW_EDB;
    }
    *items = arr;
    *n = got;
    return GW_OK;
}

/* One query for every kind, each branch an indexed lookup by uuid (the sync screen asks for
 * every failed row once a second). A tombstone's entity is the uuid of what was removed: a
 * folder, an entry or a photo (removed things stay in the store as evidence). */
#define LABEL_FOLDER(u)                                                                             \
    "(SELECT c.name || ' › ' || f.name FROM folders f JOIN customers c ON c.id = f.customer_id"  \
    " WHERE f.uuid = " u ")"
#define LABEL_ENTRY(u)                                                                              \
    "(SELECT c.name || ' › ' || f.name || ' › ' || e.name FROM entries e"                        \
    " JOIN folders f ON f.id = e.folder_id JOIN customers c ON c.id = f.customer_id"              \
    " WHERE e.uuid = " u ")"
#define LABEL_PHOTO(u)                                                                              \
    "(SELECT c.name || ' › ' || f.name || ' › ' || e.name || ' › ' || p.folder FROM photos p"    \
    " JOIN entries e ON e.id = p.entry_id JOIN folders f ON f.id = e.folder_id"                   \
    " JOIN customers c ON c.id = f.customer_id WHERE p.uuid = " u ")"

void outbox_item_label(struct db *db, const char *kind, const char *entity_uuid, char *buf,
                       size_t n)
{
    if (n)
        buf[0] = '\0';
    sqlite3_stmt *st = db_prepare(
        db, NULL,
        "SELECT CASE :k"
        " WHEN 'folder' THEN " LABEL_FOLDER(":u") " WHEN 'entry' THEN " LABEL_ENTRY(":u")
        " WHEN 'photo' THEN " LABEL_PHOTO(":u")
        " WHEN 'tombstone' THEN coalesce(" LABEL_PHOTO(":u") ", " LABEL_ENTRY(":u") ", "
        LABEL_FOLDER(":u") ")"
        " WHEN 'reading' THEN (SELECT c.name || ' › ' || r.read_at FROM readings r"
        "   JOIN customers c ON c.id = r.customer_id WHERE r.uuid = :u)"
        " WHEN 'task' THEN (SELECT c.name || ' › ' || t.kind FROM tasks t"
        "   JOIN customers c ON c.id = t.customer_id WHERE t.uuid = :u)"
        " WHEN 'customer' THEN (SELECT name || ' (' || account || ')' FROM customers"
        "   WHERE account = :u)"
        " END");
    if (!st)
        return;
    db_bind_text(st, ":k", kind);
    db_bind_text(st, ":u", entity_uuid);
    if (db_step(db, st, NULL) == SQLITE_ROW)
        db_col_copy(st, 0, buf, n);
    sqlite3_finalize(st);
}

int outbox_setting_get(struct db *db, const char *key, char *buf, size_t n, struct err *e)
{
    if (n)
        buf[0] = '\0';
    sqlite3_stmt *st = db_prepare(db, e, "SELECT value FROM settings WHERE key = :k");
    if (!st)
        return GW_EDB;
    db_bind_text(st, ":k", key);
    int step = db_step(db, st, e);
    if (step == SQLITE_ROW)
        db_col_copy(st, 0, buf, n);
    sqlite3_finalize(st);
    return step < 0 ? GW_EDB : GW_OK;
}

int outbox_setting_set(struct db *db, const char *key, const char *value, struct err *e)
{
    sqlite3_stmt *st = db_prepare(db, e,
                                  "INSERT INTO settings(key, value) VALUES(:k, :v) "
                                  "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!st)
        return GW_EDB;
    db_bind_text(st, ":k", key);
    db_bind_text(st, ":v", value ? value : "");
    int rc = db_step(db, st, e) < 0 ? GW_EDB : GW_OK;
    sqlite3_finalize(st);
    return rc;
}

int outbox_setting_clear(struct db *db, const char *key, struct err *e)
{
    sqlite3_stmt *st = db_prepare(db, e, "DELETE FROM settings WHERE key = :k");
    if (!st)
        return GW_EDB;
    db_bind_text(st, ":k", key);
    int rc = db_step(db, st, e) < 0 ? GW_EDB : GW_OK;
    sqlite3_finalize(st);
    return rc;
}

int outbox_wake_path(const char *db_path, char *buf, size_t n)
{
    const char *slash = strrchr(db_path, '/');
    int len = slash ? snprintf(buf, n, "%.*s/syncd.wake", (int)(slash - db_path), db_path)
                    : snprintf(buf, n, "./syncd.wake");
    return (len < 0 || (size_t)len >= n) ? GW_ETOOBIG : GW_OK;
}

int outbox_nudge(const char *db_path, struct err *e)
{
    char path[4096];
    if (outbox_wake_path(db_path, path, sizeof path))
        return err_set(e, GW_EINVAL, "store path too long");
    /* O_NONBLOCK: opening a FIFO for writing with no reader fails at once with ENXIO instead
     * of waiting, and a full FIFO (many nudges, agent busy) drops the byte, which is fine. */
    int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return err_set(e, GW_ENOTFOUND, "the sync agent is not running (%s)", strerror(errno));
    ssize_t w = write(fd, "!", 1);
    (void)w;
    close(fd);
    return GW_OK;
}
