/* customers.c - reading customers and the bulk upsert that imports them.
 *
 * The upsert is one INSERT ... ON CONFLICT(account) DO UPDATE on the customers table and
 * nothing else, so whatever the schema maintains by triggers on that table (the search
 * index) stays in step without this file knowing about it. Speed for a million rows comes
 * from one transaction, one statement prepared once and reused, and a larger page cache
 * while the upsert runs; the DO UPDATE's WHERE skips rows that would not change, so a
 * re-import of the same file writes (and re-indexes) nothing. */
#include "gridwalk/config.h"

#include "data/customer_row.h"
#include "data/customers.h"
#include "data/search.h"
#include "data/sql.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const field_keys[CF_COUNT] = {
    "account", "name", "meter", "capacity", "address", "line", "voltage",
};

const char *customer_field_key(enum customer_field f)
{
    return (unsigned)f < CF_COUNT ? field_keys[f] : "";
}

const char *customer_field_text(const struct customer *c, enum customer_field f)
{
    switch (f) {
    case CF_ACCOUNT:
        return c->account;
    case CF_NAME:
        return c->name;
    case CF_METER:
        return c->meter;
    case CF_CAPACITY:
        return c->capacity;
    case CF_ADDRESS:
        return c->address;
    case CF_LINE:
        return c->line;
    case CF_VOLTAGE:
        return c->voltage;
    case CF_COUNT:
        break;
    }
    return "";
}

void customer_from_row(sqlite3_stmt *st, struct customer *c)
{
    memset(c, 0, sizeof *c);
    c->id = sqlite3_column_int64(st, 0);
    db_col_copy(st, 1, c->account, sizeof c->account);
    db_col_copy(st, 2, c->name, sizeof c->name);
    db_col_copy(st, 3, c->meter, sizeof c->meter);
    db_col_copy(st, 4, c->capacity, sizeof c->capacity);
    db_col_copy(st, 5, c->address, sizeof c->address);
    db_col_copy(st, 6, c->line, sizeof c->line);
    db_col_copy(st, 7, c->voltage, sizeof c->voltage);
    c->lat = db_col_double(st, 8);
    c->lon = db_col_double(st, 9);
    c->coord_accuracy_m = db_col_double(st, 10);
    db_col_copy(st, 11, c->coord_source, sizeof c->coord_source);
    db_col_copy(st, 12, c->updated_at, sizeof c->updated_at);
}

static int get_one(struct db *db, sqlite3_stmt *st, const char *what, struct customer *out,
                   struct err *e)
{
    int rc = GW_OK;
    int step = db_step(db, st, e);
    if (step == SQLITE_ROW)
        customer_from_row(st, out);
    else if (step == SQLITE_DONE)
        rc = err_set(e, GW_ENOTFOUND, "no customer %s in the store", what);
    else
        rc = GW_EDB;
    sqlite3_finalize(st);
    return rc;
}

int customers_get_by_account(struct db *db, const char *account, struct customer *out,
                             struct err *e)
{
    sqlite3_stmt *st =
        db_prepare(db, e, "SELECT " CUSTOMER_ROW_COLUMNS " FROM customers c WHERE account = :a");
    if (!st)
        return GW_EDB;
    db_bind_text(st, ":a", account);
    return get_one(db, st, account, out, e);
}

int customers_get(struct db *db, int64_t id, struct customer *out, struct err *e)
{
    char what[32];
    snprintf(what, sizeof what, "with id %lld", (long long)id);
    sqlite3_stmt *st =
        db_prepare(db, e, "SELECT " CUSTOMER_ROW_COLUMNS " FROM customers c WHERE id = :id");
    if (!st)
        return GW_EDB;
    db_bind_int64(st, ":id", id);
    return get_one(db, st, what, out, e);
}

int64_t customers_count(struct db *db)
{
    int64_t n = -1;
    sqlite3_stmt *st = db_prepare(db, NULL, "SELECT count(*) FROM customers");
    if (st && db_step(db, st, NULL) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* The ids this upsert has written, to tell a repeated account in the same file from an
 * update of a customer the store already had. Open addressing, ids are never 0. */
struct id_set {
    int64_t *slots;
    size_t cap, n;
};

static size_t id_hash(int64_t id, size_t cap)
{
    uint64_t x = (uint64_t)id * 0x9E3779B97F4A7C15ull;
    return (size_t)(x >> 17) & (cap - 1);
}

static void id_set_grow(struct id_set *s)
{
    size_t cap = s->cap ? s->cap * 2 : 4096;
    int64_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        abort();
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->slots[i])
            continue;
        size_t j = id_hash(s->slots[i], cap);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = s->slots[i];
    }
    free(s->slots);
    s->slots = slots;
    s->cap = cap;
}

/* Adds id; returns 1 if it was there already. */
static int id_set_add(struct id_set *s, int64_t id)
{
    if ((s->n + 1) * 2 > s->cap)
        id_set_grow(s);
    size_t j = id_hash(id, s->cap);
    while (s->slots[j]) {
        if (s->slots[j] == id)
            return 1;
        j = (j + 1) & (s->cap - 1);
    }
    s->slots[j] = id;
    s->n++;
    return 0;
}

struct customers_upsert {
    struct db *db;
    sqlite3_stmt *upsert;
    sqlite3_stmt *lookup;
    int64_t max_id_before;
    int64_t cache_size_before;
    struct id_set written;
};

/* An import row replaces the text fields; it replaces coordinates only when it has them and
 * the stored ones were not pinned on site (an inspector's pin beats the marketing system's
 * geocoding). The WHERE makes an identical row a no-op that RETURNING reports as no row. */
#define REPLACE_COORDS "(excluded.lat IS NOT NULL AND customers.coord_source IS NOT 'pinned')"
static const char upsert_sql[] =
    "INSERT INTO customers(account, name, meter, capacity, address, line, voltage, lat, lon,"
    " coord_source, updated_at)"
    " VALUES(:account, :name, :meter, :capacity, :address, :line, :voltage, :lat, :lon,"
    " CASE WHEN :lat IS NULL THEN NULL ELSE 'import' END, :now)"
    " ON CONFLICT(account) DO UPDATE SET"
    "  name = excluded.name, meter = excluded.meter, capacity = excluded.capacity,"
    "  address = excluded.address, line = excluded.line, voltage = excluded.voltage,"
    "  lat = iif(" REPLACE_COORDS ", excluded.lat, customers.lat),"
    "  lon = iif(" REPLACE_COORDS ", excluded.lon, customers.lon),"
    "  coord_accuracy_m = iif(" REPLACE_COORDS ", NULL, customers.coord_accuracy_m),"
    "  coord_source = iif(" REPLACE_COORDS ", 'import', customers.coord_source),"
    "  updated_at = excluded.updated_at"
    " WHERE customers.name IS NOT excluded.name OR customers.meter IS NOT excluded.meter"
    "  OR customers.capacity IS NOT excluded.capacity"
    "  OR customers.address IS NOT excluded.address OR customers.line IS NOT excluded.line"
    "  OR customers.voltage IS NOT excluded.voltage"
    "  OR (" REPLACE_COORDS " AND (customers.lat IS NOT excluded.lat"
    "      OR customers.lon IS NOT excluded.lon OR customers.coord_source IS NOT 'import'))"
    " RETURNING id";

static int64_t query_int(struct db *db, const char *sql, struct err *e, int *rc)
{
    int64_t v = 0;
    sqlite3_stmt *st = db_prepare(db, e, sql);
    if (!st || db_step(db, st, e) != SQLITE_ROW)
        *rc = GW_EDB;
    else
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* 64 MiB of page cache while the upsert runs: the indexes of a million-row table stay in
 * memory instead of being re-read for every random-order account. */
#define UPSERT_CACHE_KIB 65536

int customers_upsert_begin(struct db *db, struct customers_upsert **out, struct err *e)
{
    int rc = GW_OK;
    char pragma[64];
    struct customers_upsert *u = calloc(1, sizeof *u);
    if (!u)
        abort();
    *out = NULL;
    u->db = db;
    u->cache_size_before = query_int(db, "PRAGMA cache_size", e, &rc);
    if (rc)
        goto fail_free;
    snprintf(pragma, sizeof pragma, "PRAGMA cache_size=-%d", UPSERT_CACHE_KIB);
    if ((rc = db_exec(db, e, pragma)))
        goto fail_free;
    if ((rc = db_begin(db, e)))
        goto fail_restore;
    u->max_id_before = query_int(db, "SELECT coalesce(max(id), 0) FROM customers", e, &rc);
    if (rc)
        goto fail_rollback;
    u->upsert = db_prepare(db, e, upsert_sql);
    u->lookup = db_prepare(db, e, "SELECT id FROM customers WHERE account = :account");
    if (!u->upsert || !u->lookup) {
        rc = GW_EDB;
        goto fail_rollback;
    }
    *out = u;
    return GW_OK;
fail_rollback:
    sqlite3_finalize(u->upsert);
    sqlite3_finalize(u->lookup);
    db_rollback(db);
fail_restore:
    snprintf(pragma, sizeof pragma, "PRAGMA cache_size=%lld", (long long)u->cache_size_before);
    db_exec(db, NULL, pragma);
fail_free:
    free(u);
    return rc;
}

static int coords_ok(double lat, double lon)
{
    if (isnan(lat) && isnan(lon))
        return 1;
    return isfinite(lat) && isfinite(lon) && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180;
}

int customers_upsert_row(struct customers_upsert *u, const struct customer *c,
                         enum customers_upsert_result *result, struct err *e)
{
    char now[DB_TIME_LEN];
    int64_t id = 0;
    int step;
    if (!c->account[0] || !c->name[0])
        return err_set(e, GW_EINVAL, "customer %s has no %s", c->account[0] ? c->account : "",
                       c->account[0] ? "name" : "account number");
    if (!coords_ok(c->lat, c->lon))
        return err_set(e, GW_EINVAL, "customer %s: coordinates out of range", c->account);
    db_now(now);
    sqlite3_stmt *st = u->upsert;
    sqlite3_reset(st);
    db_bind_text(st, ":account", c->account);
    db_bind_text(st, ":name", c->name);
    db_bind_text(st, ":meter", c->meter);
    db_bind_text(st, ":capacity", c->capacity);
    db_bind_text(st, ":address", c->address);
    db_bind_text(st, ":line", c->line);
    db_bind_text(st, ":voltage", c->voltage);
    db_bind_double(st, ":lat", c->lat);
    db_bind_double(st, ":lon", c->lon);
    db_bind_text(st, ":now", now);
    step = db_step(u->db, st, e);
    if (step == SQLITE_ROW) {
        id = sqlite3_column_int64(st, 0);
        /* RETURNING rows are only final once the statement has run to its end. */
        step = db_step(u->db, st, e);
    }
    sqlite3_reset(st);
    if (step != SQLITE_DONE)
        return err_prefix(e, "customer %s: ", c->account);
    enum customers_upsert_result r;
    if (id == 0) {
        sqlite3_reset(u->lookup);
        db_bind_text(u->lookup, ":account", c->account);
        step = db_step(u->db, u->lookup, e);
        if (step == SQLITE_ROW)
            id = sqlite3_column_int64(u->lookup, 0);
        sqlite3_reset(u->lookup);
        if (step != SQLITE_ROW)
            return err_set(e, GW_EDB, "customer %s vanished during the import", c->account);
        r = CUSTOMERS_UNCHANGED;
    } else {
        r = id > u->max_id_before ? CUSTOMERS_INSERTED : CUSTOMERS_UPDATED;
    }
    if (id_set_add(&u->written, id))
        r = CUSTOMERS_REPEATED;
    if (result)
        *result = r;
    return GW_OK;
}

static void upsert_free(struct customers_upsert *u)
{
    char pragma[64];
    sqlite3_finalize(u->upsert);
    sqlite3_finalize(u->lookup);
    snprintf(pragma, sizeof pragma, "PRAGMA cache_size=%lld", (long long)u->cache_size_before);
    db_exec(u->db, NULL, pragma);
    free(u->written.slots);
    free(u);
}

int customers_upsert_commit(struct customers_upsert *u, struct err *e)
{
    sqlite3_finalize(u->upsert);
    sqlite3_finalize(u->lookup);
    u->upsert = u->lookup = NULL;
    int rc = db_commit(u->db, e);
    /* Bring the search index up to date now, in one statement (search.h). If that fails
     * the rows are kept all the same and the next search catches up. */
    if (rc == GW_OK && !db_in_transaction(u->db))
        search_index_flush(u->db, NULL);
    /* A big import leaves a WAL as large as the rows it wrote; fold it back into the store
     * now rather than leaving the file twice its size until the next checkpoint. Failing
     * here (a reader holds the WAL) is harmless: SQLite checkpoints later. */
    if (rc == GW_OK && !db_in_transaction(u->db))
        db_exec(u->db, NULL, "PRAGMA wal_checkpoint(TRUNCATE)");
    upsert_free(u);
    return rc;
}

void customers_upsert_abort(struct customers_upsert *u)
{
    if (!u)
        return;
    sqlite3_finalize(u->upsert);
    sqlite3_finalize(u->lookup);
    u->upsert = u->lookup = NULL;
    db_rollback(u->db);
    upsert_free(u);
}
