/* photos.c - the photos table and its outbox records. The payload is built by SQLite's
 * json_object() from the row just written, so what syncs is exactly what was stored. */
#include "gridwalk/config.h"

#include "data/photos.h"
#include "data/sql.h"

#include <stdlib.h>
#include <string.h>

int photos_find_entry(struct db *db, const char *ref, struct photo_entry *out, struct err *e)
{
    int rc = GW_OK;
    char *end = NULL;
    long long id = strtoll(ref, &end, 10);
    int by_id = *ref && end && *end == '\0';
    sqlite3_stmt *st = db_prepare(
        db, e,
        "SELECT e.id, e.uuid, e.name, c.account, c.name FROM entries e "
        "JOIN folders f ON f.id = e.folder_id JOIN customers c ON c.id = f.customer_id "
        "WHERE (e.uuid = :uuid OR e.id = :id) AND e.deleted_at IS NULL AND f.deleted_at IS NULL");
    if (!st)
        return GW_EDB;
    db_bind_text(st, ":uuid", ref);
    db_bind_int64(st, ":id", by_id ? id : -1);
    int step = db_step(db, st, e);
    if (step == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        out->id = sqlite3_column_int64(st, 0);
        db_col_copy(st, 1, out->uuid, sizeof out->uuid);
        db_col_copy(st, 2, out->name, sizeof out->name);
        db_col_copy(st, 3, out->account, sizeof out->account);
        db_col_copy(st, 4, out->customer_name, sizeof out->customer_name);
    } else if (step == SQLITE_DONE) {
        rc = err_set(e, GW_ENOTFOUND, "no entry '%s' (give an entry UUID or number)", ref);
    } else {
        rc = GW_EDB;
    }
    sqlite3_finalize(st);
    return rc;
}

int photos_add(struct db *db, const struct photo_row *p, char uuid[DB_UUID_LEN], struct err *e)
{
    int rc = GW_OK, committed = 0;
    struct db_change c;
    sqlite3_stmt *st = NULL;
    char now[DB_TIME_LEN];
    char *payload = NULL;
    const char *orig = p->original_sha256 && *p->original_sha256 ? p->original_sha256 : NULL;
    if (strcmp(p->folder, "appearance") != 0 && strcmp(p->folder, "nameplate") != 0)
        return err_set(e, GW_EINVAL, "unknown photo folder '%s' (appearance or nameplate)",
                       p->folder);
    if (strcmp(p->source, "camera") != 0 && strcmp(p->source, "file") != 0 &&
        strcmp(p->source, "scan") != 0)
        return err_set(e, GW_EINVAL, "unknown photo source '%s'", p->source);
    db_uuid(uuid);
    db_now(now);
    if ((rc = db_change_begin(db, &c, e)))
        return rc;
    st = db_prepare(db, e,
                    "INSERT INTO photos(uuid, entry_id, folder, sha256, bytes, width, height, "
                    "source, original_sha256, taken_at, created_at, lat, lon, accuracy_m) "
                    "VALUES(:uuid, :entry, :folder, :sha, :bytes, :w, :h, :source, :orig, "
                    ":taken, :now, :lat, :lon, :acc)");
    if (!st) {
        rc = GW_EDB;
        goto out;
    }
    db_bind_text(st, ":uuid", uuid);
    db_bind_int64(st, ":entry", p->entry_id);
    db_bind_text(st, ":folder", p->folder);
    db_bind_text(st, ":sha", p->sha256);
    db_bind_int64(st, ":bytes", p->bytes);
    if (p->width > 0)
        db_bind_int64(st, ":w", p->width);
    else
        db_bind_null(st, ":w");
    if (p->height > 0)
        db_bind_int64(st, ":h", p->height);
    else
        db_bind_null(st, ":h");
    db_bind_text(st, ":source", p->source);
    db_bind_text(st, ":orig", orig);
    db_bind_text(st, ":taken", p->taken_at);
    db_bind_text(st, ":now", now);
    db_bind_double(st, ":lat", p->lat);
    db_bind_double(st, ":lon", p->lon);
    db_bind_double(st, ":acc", p->accuracy_m);
    if (db_step(db, st, e) != SQLITE_DONE) {
        rc = GW_EDB;
        goto out;
    }
    sqlite3_finalize(st);
    st = db_prepare(db, e,
                    "SELECT json_object('uuid', p.uuid, 'entry_uuid', e.uuid, 'folder', p.folder, "
                    "'sha256', p.sha256, 'bytes', p.bytes, 'width', p.width, 'height', p.height, "
                    "'source', p.source, 'taken_at', p.taken_at, "
                    "'original_sha256', p.original_sha256) "
                    "FROM photos p JOIN entries e ON e.id = p.entry_id WHERE p.uuid = :uuid");
    if (!st) {
        rc = GW_EDB;
        goto out;
    }
    db_bind_text(st, ":uuid", uuid);
    if (db_step(db, st, e) != SQLITE_ROW) {
        rc = err_set(e, GW_EDB, "the photo row just written cannot be read back");
        goto out;
    }
    payload = strdup(db_col_text(st, 0));
    if (!payload)
        abort();
    sqlite3_finalize(st);
    st = NULL;
    const char *blobs[3] = {p->sha256, orig, NULL};
    if ((rc = db_change_outbox(&c, "photo", uuid, payload, blobs, e)))
        goto out;
    rc = db_change_commit(&c, e);
    committed = 1;
out:
    sqlite3_finalize(st);
    free(payload);
    if (!committed)
        db_change_abort(&c);
    return rc;
}

int64_t photos_count(struct db *db, int64_t entry_id, const char *folder, struct err *e)
{
    int64_t n = -1;
    sqlite3_stmt *st = db_prepare(db, e,
                                  "SELECT count(*) FROM photos WHERE entry_id = :entry AND "
                                  "deleted_at IS NULL AND (:folder IS NULL OR folder = :folder)");
    if (!st)
        return -1;
    db_bind_int64(st, ":entry", entry_id);
    db_bind_text(st, ":folder", folder);
    if (db_step(db, st, e) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

int photos_setting(struct db *db, const char *key, char *buf, size_t n, struct err *e)
{
    int rc = GW_OK;
    sqlite3_stmt *st = db_prepare(db, e, "SELECT value FROM settings WHERE key = :key");
    if (!st)
        return GW_EDB;
    db_bind_text(st, ":key", key);
    int step = db_step(db, st, e);
    if (step == SQLITE_ROW)
        db_col_copy(st, 0, buf, n);
    else
        rc = step == SQLITE_DONE ? GW_ENOTFOUND : GW_EDB;
    sqlite3_finalize(st);
    return rc;
}
