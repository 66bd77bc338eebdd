/* readings.c - meter readings and their outbox rows. */
#include "gridwalk/config.h"

#include "data/readings.h"
#include "data/sql.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* base64 (RFC 4648) of the transcript for the outbox payload; SQLite 3.40 has no base64(). */
static char *b64(const unsigned char *p, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc(4 * ((n + 2) / 3) + 1), *o = out;
    if (!out)
        abort();
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        *o++ = tab[(v >> 18) & 63];
        *o++ = tab[(v >> 12) & 63];
        *o++ = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        *o++ = i + 2 < n ? tab[v & 63] : '=';
    }
    *o = '\0';
    return out;
}

int readings_customer(struct db *db, const char *account, int64_t *id, char meter[64],
                      struct err *e)
{
    int rc = GW_OK;
    sqlite3_stmt *st = db_prepare(db, e, "SELECT id, meter FROM customers WHERE account=:a");
    if (!st)
        return GW_EDB;
    db_bind_text(st, ":a", account);
    int s = db_step(db, st, e);
    if (s == SQLITE_ROW) {
        if (id)
            *id = sqlite3_column_int64(st, 0);
        if (meter)
            db_col_copy(st, 1, meter, 64);
    } else if (s == SQLITE_DONE) {
        rc = err_set(e, GW_ENOTFOUND, "no customer with account '%s' in the store", account);
    } else {
        rc = GW_EDB;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Builds the registers' JSON array with SQLite's own JSON functions (no hand escaping). */
static int registers_json(struct db *db, const struct reading_new *r, char **out, struct err *e)
{
    char *arr = strdup("[]");
    sqlite3_stmt *st =
        db_prepare(db, e,
                   "SELECT json_insert(:arr, '$[#]', json_object('id', :id, 'value', :v, "
                   "'unit', :u))");
    if (!st || !arr) {
        free(arr);
        sqlite3_finalize(st);
        return GW_EDB;
    }
    for (size_t i = 0; i < r->nregs; i++) {
        sqlite3_reset(st);
        db_bind_text(st, ":arr", arr);
        db_bind_text(st, ":id", r->regs[i].id);
        if (r->regs[i].value)
            db_bind_text(st, ":v", r->regs[i].value);
        else
            db_bind_null(st, ":v");
        db_bind_text(st, ":u", r->regs[i].unit ? r->regs[i].unit : "");
        if (db_step(db, st, e) != SQLITE_ROW) {
            free(arr);
            sqlite3_finalize(st);
            return GW_EDB;
        }
        char *next = strdup(db_col_text(st, 0));
        free(arr);
        arr = next;
        if (!arr)
            abort();
    }
    sqlite3_finalize(st);
    *out = arr;
    return GW_OK;
}

int readings_insert(struct db *db, const struct reading_new *r, char *uuid_out, struct err *e)
{
    int rc = GW_OK;
    int64_t cid = 0, tid = 0, rowid = 0;
    char uuid[DB_UUID_LEN], now[DB_TIME_LEN];
    char *regs = NULL, *tb64 = NULL;
    sqlite3_stmt *st = NULL;
    struct db_change c;
    int in_change = 0;

    if (!r->method || (strcmp(r->method, "probe") != 0 && strcmp(r->method, "manual") != 0))
        return err_set(e, GW_EINVAL, "a reading's method is 'probe' or 'manual'");
    if ((rc = readings_customer(db, r->account, &cid, NULL, e)))
        return rc;
    if ((rc = registers_json(db, r, &regs, e)))
        goto out;
    if ((rc = db_change_begin(db, &c, e)))
        goto out;
    in_change = 1;
    if (r->task_uuid) {
        st = db_prepare(db, e, "SELECT id FROM tasks WHERE uuid=:u");
        if (!st) {
            rc = GW_EDB;
            goto out;
        }
        db_bind_text(st, ":u", r->task_uuid);
        int s = db_step(db, st, e);
        if (s != SQLITE_ROW) {
            rc = s == SQLITE_DONE ? err_set(e, GW_ENOTFOUND, "no task '%s'", r->task_uuid) : GW_EDB;
            goto out;
        }
        tid = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        st = NULL;
    }
    db_uuid(uuid);
    db_now(now);
    st = db_prepare(db, e,
                    "INSERT INTO readings(uuid, customer_id, task_id, method, protocol, "
                    "meter_reported, registers, transcript, validation, reason_code, read_at, "
                    "lat, lon, accuracy_m, created_at) VALUES(:uuid, :cid, :tid, :method, "
                    ":protocol, :meter, :regs, :tr, :validation, :reason, :read_at, :lat, "
                    ":lon, :acc, :now)");
    if (!st) {
        rc = GW_EDB;
        goto out;
    }
    db_bind_text(st, ":uuid", uuid);
    db_bind_int64(st, ":cid", cid);
    if (tid)
        db_bind_int64(st, ":tid", tid);
    else
        db_bind_null(st, ":tid");
    db_bind_text(st, ":method", r->method);
    if (r->protocol)
        db_bind_text(st, ":protocol", r->protocol);
    else
        db_bind_null(st, ":protocol");
    if (r->meter_reported && r->meter_reported[0])
        db_bind_text(st, ":meter", r->meter_reported);
    else
        db_bind_null(st, ":meter");
    db_bind_text(st, ":regs", regs);
    if (r->transcript)
        db_bind_blob(st, ":tr", r->transcript, r->transcript_len);
    else
        db_bind_null(st, ":tr");
    db_bind_text(st, ":validation", r->validation ? r->validation : "");
    if (r->reason_code)
        db_bind_text(st, ":reason", r->reason_code);
    else
        db_bind_null(st, ":reason");
    db_bind_text(st, ":read_at", r->read_at ? r->read_at : now);
    db_bind_double(st, ":lat", r->lat);
    db_bind_double(st, ":lon", r->lon);
    db_bind_double(st, ":acc", r->accuracy_m);
    db_bind_text(st, ":now", now);
    if (db_step(db, st, e) != SQLITE_DONE) {
        rc = e ? e->code : GW_EDB;
        goto out;
    }
    rowid = sqlite3_last_insert_rowid(db_sqlite(db));
    sqlite3_finalize(st);
    st = db_prepare(
        db, e,
        "SELECT json_object('uuid', r.uuid, 'customer_account', c.account, 'task_uuid', "
        "t.uuid, 'method', r.method, 'protocol', r.protocol, 'meter_reported', "
        "r.meter_reported, 'registers', json(r.registers), 'validation', r.validation, "
        "'reason_code', r.reason_code, 'read_at', r.read_at, 'lat', r.lat, 'lon', r.lon, "
        "'accuracy_m', r.accuracy_m, 'transcript_b64', :b64) FROM readings r JOIN customers c "
        "ON c.id = r.customer_id LEFT JOIN tasks t ON t.id = r.task_id WHERE r.id = :id");
    if (!st) {
        rc = GW_EDB;
        goto out;
    }
    if (r->transcript) {
        tb64 = b64(r->transcript, r->transcript_len);
        db_bind_text(st, ":b64", tb64);
    } else {
        db_bind_null(st, ":b64");
    }
    db_bind_int64(st, ":id", rowid);
    if (db_step(db, st, e) != SQLITE_ROW) {
        rc = GW_EDB;
        goto out;
    }
    if ((rc = db_change_outbox(&c, "reading", uuid, db_col_text(st, 0), NULL, e)))
        goto out;
    sqlite3_finalize(st);
    st = NULL;
    in_change = 0;
    if ((rc = db_change_commit(&c, e)))
        goto out;
    if (uuid_out)
        memcpy(uuid_out, uuid, DB_UUID_LEN);
out:
    sqlite3_finalize(st);
    if (in_change)
        db_change_abort(&c);
    free(regs);
    free(tb64);
    return rc;
}

int readings_history(struct db *db, const char *account, const char *reg_id,
                     struct reading_hist *out, size_t cap, size_t *n, struct err *e)
{
    *n = 0;
    sqlite3_stmt *st =
        db_prepare(db, e,
                   "SELECT r.read_at, json_extract(j.value, '$.value') FROM readings r "
                   "JOIN customers c ON c.id = r.customer_id, json_each(r.registers) j "
                   "WHERE c.account = :a AND json_extract(j.value, '$.id') = :reg "
                   "ORDER BY r.read_at DESC, r.id DESC");
    if (!st)
        return GW_EDB;
    db_bind_text(st, ":a", account);
    db_bind_text(st, ":reg", reg_id);
    int s = SQLITE_DONE;
    while (*n < cap && (s = db_step(db, st, e)) == SQLITE_ROW) {
        const char *v = db_col_text(st, 1);
        char *end = NULL;
        double d = strtod(v, &end);
        if (!v[0] || !end || *end || isnan(d))
            continue;
        out[*n].value = d;
        db_col_copy(st, 0, out[*n].read_at, sizeof out[*n].read_at);
        (*n)++;
    }
    sqlite3_finalize(st);
    return *n < cap && s != SQLITE_DONE ? GW_EDB : GW_OK;
}

int64_t readings_count(struct db *db, const char *account)
{
    sqlite3_stmt *st = db_prepare(db, NULL,
                                  "SELECT count(*) FROM readings r JOIN customers c ON "
                                  "c.id = r.customer_id WHERE c.account = :a");
    int64_t n = -1;
    if (!st)
        return -1;
    db_bind_text(st, ":a", account);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}
