/* tree.c - folders, entries and photos of the customer directory tree.
 *
 * Each write is one db_change: the row, then its outbox payload read back with json_object()
 * from the row just written (so the record that syncs is exactly what the store holds),
 * then the commit. The sync state of an item is the state of its newest outbox row, found
 * through the outbox_entity index (migration 2). */
#include "gridwalk/config.h"

#include "data/outbox.h"
#include "data/sql.h"
#include "data/tree.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SYNC_OF(alias)                                                                             \
    "(SELECT state FROM outbox o WHERE o.entity_uuid = " alias ".uuid ORDER BY o.seq DESC "        \
    "LIMIT 1)"

static enum tree_sync sync_of(const char *s)
{
    if (strcmp(s, "queued") == 0)
        return TREE_SYNC_QUEUED;
    if (strcmp(s, "sent") == 0)
        return TREE_SYNC_SENT;
    if (strcmp(s, "failed") == 0)
        return TREE_SYNC_FAILED;
    return TREE_SYNC_NONE;
}

const char *tree_sync_name(enum tree_sync s)
{
    switch (s) {
    case TREE_SYNC_QUEUED:
        return "queued";
    case TREE_SYNC_SENT:
        return "sent";
    case TREE_SYNC_FAILED:
        return "failed";
    case TREE_SYNC_NONE:
        break;
    }
    return "";
}

/* A growable array of fixed-size records, capped so a damaged store cannot exhaust memory. */
struct vec {
    void *p;
    size_t n, cap, size;
};

#define VEC_CAP_MAX 1000000

static void *vec_push(struct vec *v)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        void *np = realloc(v->p, cap * v->size);
        if (!np)
            abort();
        v->p = np;
        v->cap = cap;
    }
    void *slot = (char *)v->p + v->n * v->size;
    memset(slot, 0, v->size);
    v->n++;
    return slot;
}

static const char FOLDER_COLS[] =
    "SELECT f.id, f.uuid, f.customer_id, f.category, f.name, f.created_at, f.updated_at,"
    " (SELECT count(*) FROM entries e WHERE e.folder_id = f.id AND e.deleted_at IS NULL),"
    " (SELECT count(*) FROM photos p JOIN entries e ON e.id = p.entry_id"
    "   WHERE e.folder_id = f.id AND e.deleted_at IS NULL AND p.deleted_at IS NULL),"
    " " SYNC_OF("f") " FROM folders f ";

static void folder_row(sqlite3_stmt *st, struct tree_folder *f)
{
    f->id = sqlite3_column_int64(st, 0);
    db_col_copy(st, 1, f->uuid, sizeof f->uuid);
    f->customer_id = sqlite3_column_int64(st, 2);
    f->category = sqlite3_column_int(st, 3);
    db_col_copy(st, 4, f->name, sizeof f->name);
    db_col_copy(st, 5, f->created_at, sizeof f->created_at);
    db_col_copy(st, 6, f->updated_at, sizeof f->updated_at);
    f->entries = sqlite3_column_int(st, 7);
    f->photos = sqlite3_column_int(st, 8);
    f->sync = sync_of(db_col_text(st, 9));
}

static const char ENTRY_COLS[] =
    "SELECT e.id, e.uuid, e.folder_id, e.name, e.appearance_remark, e.nameplate_remark,"
    " e.created_at, e.updated_at, e.version, e.lat, e.lon, e.accuracy_m,"
    " (SELECT count(*) FROM photos p WHERE p.entry_id = e.id AND p.folder = 'appearance'"
    "   AND p.deleted_at IS NULL),"
    " (SELECT count(*) FROM photos p WHERE p.entry_id = e.id AND p.folder = 'nameplate'"
    "   AND p.deleted_at IS NULL),"
    " " SYNC_OF("e") " FROM entries e ";

static void entry_row(sqlite3_stmt *st, struct tree_entry *en)
{
    en->id = sqlite3_column_int64(st, 0);
    db_col_copy(st, 1, en->uuid, sizeof en->uuid);
    en->folder_id = sqlite3_column_int64(st, 2);
    db_col_copy(st, 3, en->name, sizeof en->name);
    db_col_copy(st, 4, en->appearance_remark, sizeof en->appearance_remark);
    db_col_copy(st, 5, en->nameplate_remark, sizeof en->nameplate_remark);
    db_col_copy(st, 6, en->created_at, sizeof en->created_at);
    db_col_copy(st, 7, en->updated_at, sizeof en->updated_at);
    en->version = sqlite3_column_int(st, 8);
    en->lat = db_col_double(st, 9);
    en->lon = db_col_double(st, 10);
    en->accuracy_m = db_col_double(st, 11);
    en->appearance_photos = sqlite3_column_int(st, 12);
    en->nameplate_photos = sqlite3_column_int(st, 13);
    en->sync = sync_of(db_col_text(st, 14));
}

static const char PHOTO_COLS[] =
    "SELECT p.id, p.uuid, p.entry_id, p.folder, p.sha256, p.bytes, p.width, p.height,"
    " p.source, p.taken_at, " SYNC_OF("p") ", p.lat, p.lon, p.accuracy_m FROM photos p ";

static void photo_row(sqlite3_stmt *st, struct tree_photo *p)
{
    p->id = sqlite3_column_int64(st, 0);
    db_col_copy(st, 1, p->uuid, sizeof p->uuid);
    p->entry_id = sqlite3_column_int64(st, 2);
    db_col_copy(st, 3, p->folder, sizeof p->folder);
    db_col_copy(st, 4, p->sha256, sizeof p->sha256);
    p->bytes = sqlite3_column_int64(st, 5);
    p->width = sqlite3_column_type(st, 6) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 6);
    p->height = sqlite3_column_type(st, 7) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 7);
    db_col_copy(st, 8, p->source, sizeof p->source);
    db_col_copy(st, 9, p->taken_at, sizeof p->taken_at);
    p->sync = sync_of(db_col_text(st, 10));
    p->lat = sqlite3_column_type(st, 11) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 11);
    p->lon = sqlite3_column_type(st, 12) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 12);
    p->accuracy_m =
        sqlite3_column_type(st, 13) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 13);
}

/* Steps a prepared listing statement into a vec of records filled by fill(). */
static int collect(struct db *db, sqlite3_stmt *st, size_t size,
                   void (*fill)(sqlite3_stmt *, void *), void **out, size_t *n, struct err *e)
{
    struct vec v = {.size = size};
    int step, rc = GW_OK;
    while ((step = db_step(db, st, e)) == SQLITE_ROW) {
        if (v.n >= VEC_CAP_MAX) {
            rc = err_set(e, GW_ETOOBIG, "more than %d items in one folder", VEC_CAP_MAX);
            goto out;
        }
        fill(st, vec_push(&v));
    }
    if (step < 0)
        rc = GW_EDB;
out:
    sqlite3_finalize(st);
    if (rc) {
        free(v.p);
        v.p = NULL;
        v.n = 0;
    }
    *out = v.p;
    *n = v.n;
    return rc;
}

static void fill_folder(sqlite3_stmt *st, void *p)
{
    folder_row(st, p);
}
static void fill_entry(sqlite3_stmt *st, void *p)
{
    entry_row(st, p);
}
static void fill_photo(sqlite3_stmt *st, void *p)
{
    photo_row(st, p);
}

int tree_list_folders(struct db *db, int64_t customer_id, int category, struct tree_folder **out,
                      size_t *n, struct err *e)
{
    char sql[2048];
    snprintf(sql, sizeof sql,
             "%s WHERE f.customer_id = :c AND f.category = :cat"
             " AND f.deleted_at IS NULL ORDER BY f.created_at, f.id",
             FOLDER_COLS);
    sqlite3_stmt *st = db_prepare(db, e, sql);
    *out = NULL;
    *n = 0;
    if (!st)
        return GW_EDB;
    db_bind_int64(st, ":c", customer_id);
    db_bind_int64(st, ":cat", category);
    return collect(db, st, sizeof **out, fill_folder, (void **)out, n, e);
}

int tree_list_entries(struct db *db, int64_t folder_id, struct tree_entry **out, size_t *n,
                      struct err *e)
{
    char sql[2048];
    snprintf(sql, sizeof sql,
             "%s WHERE e.folder_id = :f AND e.deleted_at IS NULL"
             " ORDER BY e.created_at, e.id",
             ENTRY_COLS);
    sqlite3_stmt *st = db_prepare(db, e, sql);
    *out = NULL;
    *n = 0;
    if (!st)
        return GW_EDB;
    db_bind_int64(st, ":f", folder_id);
    return collect(db, st, sizeof **out, fill_entry, (void **)out, n, e);
}

int tree_list_photos(struct db *db, int64_t entry_id, const char *folder, struct tree_photo **out,
                     size_t *n, struct err *e)
{
    char sql[2048];
    snprintf(sql, sizeof sql,
             "%s WHERE p.entry_id = :e AND p.folder = :folder"
             " AND p.deleted_at IS NULL ORDER BY p.taken_at, p.id",
             PHOTO_COLS);
    sqlite3_stmt *st = db_prepare(db, e, sql);
    *out = NULL;
    *n = 0;
    if (!st)
        return GW_EDB;
    db_bind_int64(st, ":e", entry_id);
    db_bind_text(st, ":folder", folder);
    return collect(db, st, sizeof **out, fill_photo, (void **)out, n, e);
}

int tree_category_counts(struct db *db, int64_t customer_id, int category, int *folders,
                         int *entries, int *photos, struct err *e)
{
    int rc = GW_OK;
    sqlite3_stmt *st =
        db_prepare(db, e,
                   "SELECT count(DISTINCT f.id), count(DISTINCT en.id), count(DISTINCT p.id)"
                   " FROM folders f"
                   " LEFT JOIN entries en ON en.folder_id = f.id AND en.deleted_at IS NULL"
                   " LEFT JOIN photos p ON p.entry_id = en.id AND p.deleted_at IS NULL"
                   " WHERE f.customer_id = :c AND f.category = :cat AND f.deleted_at IS NULL");
    if (!st)
        return GW_EDB;
    db_bind_int64(st, ":c", customer_id);
    db_bind_int64(st, ":cat", category);
    if (db_step(db, st, e) != SQLITE_ROW) {
        rc = GW_EDB;
        goto out;
    }
    *folders = sqlite3_column_int(st, 0);
    *entries = sqlite3_column_int(st, 1);
    *photos = sqlite3_column_int(st, 2);
out:
    sqlite3_finalize(st);
    return rc;
}

/* Loads one live row with cols + "WHERE alias.id = :id AND deleted_at IS NULL". */
static int get_one(struct db *db, const char *cols, const char *alias, const char *what, int64_t id,
                   void (*fill)(sqlite3_stmt *, void *), void *out, struct err *e)
{
    char sql[2048];
    int rc = GW_OK;
    snprintf(sql, sizeof sql, "%s WHERE %s.id = :id AND %s.deleted_at IS NULL", cols, alias, alias);
    sqlite3_stmt *st = db_prepare(db, e, sql);
    if (!st)
        return GW_EDB;
    db_bind_int64(st, ":id", id);
    int step = db_step(db, st, e);
    if (step == SQLITE_ROW)
        fill(st, out);
    else if (step == SQLITE_DONE)
        rc =
            err_set(e, GW_ENOTFOUND, "no %s with ID %lld (or it was removed)", what, (long long)id);
    else
        rc = GW_EDB;
    sqlite3_finalize(st);
    return rc;
}

int tree_folder_get(struct db *db, int64_t id, struct tree_folder *out, struct err *e)
{
    return get_one(db, FOLDER_COLS, "f", "folder", id, fill_folder, out, e);
}

int tree_entry_get(struct db *db, int64_t id, struct tree_entry *out, struct err *e)
{
    return get_one(db, ENTRY_COLS, "e", "entry", id, fill_entry, out, e);
}

int tree_photo_get(struct db *db, int64_t id, struct tree_photo *out, struct err *e)
{
    return get_one(db, PHOTO_COLS, "p", "photo", id, fill_photo, out, e);
}

/* Runs a write statement with the given binds already applied; GW_ENOTFOUND when it
 * changed no row. */
static int run_write(struct db *db, sqlite3_stmt *st, const char *what, int64_t id, struct err *e)
{
    int rc = GW_OK;
    if (db_step(db, st, e) != SQLITE_DONE)
        rc = e && e->code ? e->code : GW_EDB;
    else if (sqlite3_changes(db_sqlite(db)) == 0)
        rc =
            err_set(e, GW_ENOTFOUND, "no %s with ID %lld (or it was removed)", what, (long long)id);
    sqlite3_finalize(st);
    return rc;
}

/* Reads the JSON payload for row id with sql (one :id bind) and queues it as kind. */
static int queue_payload(struct db_change *c, const char *kind, const char *sql, int64_t id,
                         struct err *e)
{
    int rc = GW_OK;
    sqlite3_stmt *st = db_prepare(c->db, e, sql);
    if (!st)
        return GW_EDB;
    db_bind_int64(st, ":id", id);
    if (db_step(c->db, st, e) != SQLITE_ROW) {
        rc = err_set(e, GW_EDB, "store %s: the %s just written cannot be read back", db_path(c->db),
                     kind);
        goto out;
    }
    char *uuid = strdup(db_col_text(st, 0));
    char *json = strdup(db_col_text(st, 1));
    if (!uuid || !json)
        abort();
    rc = db_change_outbox(c, kind, uuid, json, NULL, e);
    free(uuid);
    free(json);
out:
    sqlite3_finalize(st);
    return rc;
}

static const char FOLDER_PAYLOAD[] =
    "SELECT f.uuid, json_object('uuid', f.uuid, 'customer_account', c.account,"
    " 'category', f.category, 'name', f.name, 'created_at', f.created_at,"
    " 'updated_at', f.updated_at)"
    " FROM folders f JOIN customers c ON c.id = f.customer_id WHERE f.id = :id";

static const char ENTRY_PAYLOAD[] =
    "SELECT e.uuid, json_object('uuid', e.uuid, 'folder_uuid', f.uuid,"
    " 'customer_account', c.account, 'name', e.name,"
    " 'appearance_remark', e.appearance_remark, 'nameplate_remark', e.nameplate_remark,"
    " 'created_at', e.created_at, 'updated_at', e.updated_at, 'version', e.version,"
    " 'lat', e.lat, 'lon', e.lon, 'accuracy_m', e.accuracy_m)"
    " FROM entries e JOIN folders f ON f.id = e.folder_id"
    " JOIN customers c ON c.id = f.customer_id WHERE e.id = :id";

static int check_text(const char *what, const char *s, size_t max, int required, struct err *e)
{
    if (required && (!s || !*s))
        return err_set(e, GW_EINVAL, "the %s must not be empty", what);
    if (s && strlen(s) >= max)
        return err_set(e, GW_ETOOBIG, "the %s is longer than %zu bytes", what, max - 1);
    return GW_OK;
}

int tree_folder_create(struct db *db, int64_t customer_id, int category, const char *name,
                       int64_t *id, struct err *e)
{
    struct db_change c;
    char uuid[DB_UUID_LEN], now[DB_TIME_LEN];
    int rc;
    if (category < 1 || category > TREE_CATEGORIES)
        return err_set(e, GW_EINVAL, "category must be 1, 2 or 3 (got %d)", category);
    if ((rc = check_text("folder name", name, TREE_NAME_MAX, 1, e)))
        return rc;
    if ((rc = db_change_begin(db, &c, e)))
        return rc;
    sqlite3_stmt *st = db_prepare(db, e, "SELECT 1 FROM customers WHERE id = :c");
    if (!st) {
        rc = GW_EDB;
        goto fail;
    }
    db_bind_int64(st, ":c", customer_id);
    int step = db_step(db, st, e);
    sqlite3_finalize(st);
    if (step != SQLITE_ROW) {
        rc = step < 0
                 ? GW_EDB
                 : err_set(e, GW_ENOTFOUND, "no customer with ID %lld", (long long)customer_id);
        goto fail;
    }
    db_uuid(uuid);
    db_now(now);
    st = db_prepare(db, e,
                    "INSERT INTO folders(uuid, customer_id, category, name, created_at, updated_at)"
                    " VALUES(:uuid, :c, :cat, :name, :now, :now)");
    if (!st) {
        rc = GW_EDB;
        goto fail;
    }
    db_bind_text(st, ":uuid", uuid);
    db_bind_int64(st, ":c", customer_id);
    db_bind_int64(st, ":cat", category);
    db_bind_text(st, ":name", name);
    db_bind_text(st, ":now", now);
    if ((rc = run_write(db, st, "folder", 0, e)))
        goto fail;
    int64_t fid = sqlite3_last_insert_rowid(db_sqlite(db));
    if ((rc = queue_payload(&c, "folder", FOLDER_PAYLOAD, fid, e)))
        goto fail;
    if ((rc = db_change_commit(&c, e)))
        return rc;
    if (id)
        *id = fid;
    return GW_OK;
fail:
    db_change_abort(&c);
    return rc;
}

int tree_folder_rename(struct db *db, int64_t id, const char *name, struct err *e)
{
    struct db_change c;
    char now[DB_TIME_LEN];
    int rc;
    if ((rc = check_text("folder name", name, TREE_NAME_MAX, 1, e)))
        return rc;
    if ((rc = db_change_begin(db, &c, e)))
        return rc;
    db_now(now);
    sqlite3_stmt *st = db_prepare(db, e,
                                  "UPDATE folders SET name = :name, updated_at = :now"
                                  " WHERE id = :id AND deleted_at IS NULL");
    if (!st) {
        rc = GW_EDB;
        goto fail;
    }
    db_bind_text(st, ":name", name);
    db_bind_text(st, ":now", now);
    db_bind_int64(st, ":id", id);
    if ((rc = run_write(db, st, "folder", id, e)) ||
        (rc = queue_payload(&c, "folder", FOLDER_PAYLOAD, id, e)))
        goto fail;
    return db_change_commit(&c, e);
fail:
    db_change_abort(&c);
    return rc;
}

int tree_entry_create(struct db *db, int64_t folder_id, const char *name, const char *appearance,
                      const char *nameplate, double lat, double lon, double accuracy_m, int64_t *id,
                      struct err *e)
{
    struct db_change c;
    char uuid[DB_UUID_LEN], now[DB_TIME_LEN];
    int rc;
    if ((rc = check_text("entry name", name, TREE_NAME_MAX, 1, e)) ||
        (rc = check_text("appearance remark", appearance, TREE_REMARK_MAX, 0, e)) ||
        (rc = check_text("nameplate remark", nameplate, TREE_REMARK_MAX, 0, e)))
        return rc;
    if ((rc = db_change_begin(db, &c, e)))
        return rc;
    db_uuid(uuid);
    db_now(now);
    sqlite3_stmt *st =
        db_prepare(db, e,
                   "INSERT INTO entries(uuid, folder_id, name, appearance_remark, nameplate_remark,"
                   " created_at, updated_at, version, lat, lon, accuracy_m)"
                   " SELECT :uuid, id, :name, :app, :plate, :now, :now, 1, :lat, :lon, :acc"
                   " FROM folders WHERE id = :f AND deleted_at IS NULL");
    if (!st) {
        rc = GW_EDB;
        goto fail;
    }
    db_bind_text(st, ":uuid", uuid);
    db_bind_text(st, ":name", name);
    db_bind_text(st, ":app", appearance ? appearance : "");
    db_bind_text(st, ":plate", nameplate ? nameplate : "");
    db_bind_text(st, ":now", now);
    db_bind_double(st, ":lat", lat);
    db_bind_double(st, ":lon", lon);
    db_bind_double(st, ":acc", accuracy_m);
    db_bind_int64(st, ":f", folder_id);
    if ((rc = run_write(db, st, "folder", folder_id, e)))
        goto fail;
    int64_t eid = sqlite3_last_insert_rowid(db_sqlite(db));
    if ((rc = queue_payload(&c, "entry", ENTRY_PAYLOAD, eid, e)))
        goto fail;
    if ((rc = db_change_commit(&c, e)))
        return rc;
    if (id)
        *id = eid;
    return GW_OK;
fail:
    db_change_abort(&c);
    return rc;
}

int tree_entry_edit(struct db *db, int64_t id, const char *name, const char *appearance,
                    const char *nameplate, struct err *e)
{
    struct db_change c;
    char now[DB_TIME_LEN];
    int rc;
    if ((name && (rc = check_text("entry name", name, TREE_NAME_MAX, 1, e))) ||
        (rc = check_text("appearance remark", appearance, TREE_REMARK_MAX, 0, e)) ||
        (rc = check_text("nameplate remark", nameplate, TREE_REMARK_MAX, 0, e)))
        return rc;
    if ((rc = db_change_begin(db, &c, e)))
        return rc;
    db_now(now);
    sqlite3_stmt *st = db_prepare(db, e,
                                  "UPDATE entries SET name = coalesce(:name, name),"
                                  " appearance_remark = coalesce(:app, appearance_remark),"
                                  " nameplate_remark = coalesce(:plate, nameplate_remark),"
                                  " updated_at = :now, version = version + 1"
                                  " WHERE id = :id AND deleted_at IS NULL");
    if (!st) {
        rc = GW_EDB;
        goto fail;
    }
    db_bind_text(st, ":name", name);
    db_bind_text(st, ":app", appearance);
    db_bind_text(st, ":plate", nameplate);
    db_bind_text(st, ":now", now);
    db_bind_int64(st, ":id", id);
    if ((rc = run_write(db, st, "entry", id, e)) ||
        (rc = queue_payload(&c, "entry", ENTRY_PAYLOAD, id, e)))
        goto fail;
    return db_change_commit(&c, e);
fail:
    db_change_abort(&c);
    return rc;
}

/* Tombstones one row of table (folders, entries, photos) as kind. */
static int tombstone(struct db *db, const char *table, const char *kind, int64_t id,
                     const char *reason, struct err *e)
{
    struct db_change c;
    char now[DB_TIME_LEN], sql[512];
    int rc;
    if (!reason || !reason[strspn(reason, " \t")])
        return err_set(e, GW_EINVAL, "give a reason for removing the %s", kind);
    if ((rc = check_text("reason", reason, TREE_REASON_MAX, 1, e)))
        return rc;
    if ((rc = db_change_begin(db, &c, e)))
        return rc;
    db_now(now);
    snprintf(sql, sizeof sql,
             "UPDATE %s SET deleted_at = :now, delete_reason = :reason"
             " WHERE id = :id AND deleted_at IS NULL",
             table);
    sqlite3_stmt *st = db_prepare(db, e, sql);
    if (!st) {
        rc = GW_EDB;
        goto fail;
    }
    db_bind_text(st, ":now", now);
    db_bind_text(st, ":reason", reason);
    db_bind_int64(st, ":id", id);
    if ((rc = run_write(db, st, kind, id, e)))
        goto fail;
    snprintf(sql, sizeof sql,
             "SELECT uuid, json_object('kind', '%s', 'uuid', uuid, 'reason', delete_reason,"
             " 'deleted_at', deleted_at) FROM %s WHERE id = :id",
             kind, table);
    if ((rc = queue_payload(&c, "tombstone", sql, id, e)))
        goto fail;
    return db_change_commit(&c, e);
fail:
    db_change_abort(&c);
    return rc;
}

int tree_folder_remove(struct db *db, int64_t id, const char *reason, struct err *e)
{
    return tombstone(db, "folders", "folder", id, reason, e);
}

int tree_entry_remove(struct db *db, int64_t id, const char *reason, struct err *e)
{
    return tombstone(db, "entries", "entry", id, reason, e);
}

int tree_photo_remove(struct db *db, int64_t id, const char *reason, struct err *e)
{
    return tombstone(db, "photos", "photo", id, reason, e);
}

int tree_sync_status(struct db *db, struct sync_status *out, struct err *e)
{
    int rc = GW_OK;
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = db_prepare(db, e,
                                  "SELECT (SELECT count(*) FROM outbox WHERE state = 'queued'),"
                                  " (SELECT count(*) FROM outbox WHERE state = 'failed'),"
                                  " (SELECT value FROM settings WHERE key = :last),"
        " (SELECT value FROM settings WHERE key = :status),"
        " (SELECT value FROM settings WHERE key = :auth),"
        " (SELECT value FROM settings WHERE key = :reach) = 'offline'");
    if (!st)
        return GW_EDB;
    db_bind_text(st, ":last", OUTBOX_KEY_LAST_SUCCESS);
    db_bind_text(st, ":status", OUTBOX_KEY_STATUS);
    db_bind_text(st, ":auth", OUTBOX_KEY_AUTH);
    db_bind_text(st, ":reach", OUTBOX_KEY_REACH);
    if (db_step(db, st, e) != SQLITE_ROW) {
        rc = GW_EDB;
        goto out;
    }
    out->queued = sqlite3_column_int64(st, 0);
    out->failed = sqlite3_column_int64(st, 1);
    db_col_copy(st, 2, out->last_success, sizeof out->last_success);
    db_col_copy(st, 3, out->agent_status, sizeof out->agent_status);
    db_col_copy(st, 4, out->auth_error, sizeof out->auth_error);
    out->offline = sqlite3_column_int(st, 5) == 1;
out:
    sqlite3_finalize(st);
    return rc;
}
