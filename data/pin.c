/* pin.c - setting a customer's coordinates from a fix, with its outbox record. */
#include "gridwalk/config.h"

#include "data/pin.h"
#include "data/sql.h"

#include <math.h>
#include <stdlib.h>

int pin_customer(struct db *db, const char *account, double lat, double lon, double accuracy_m,
                 double limit_m, struct err *e)
{
    int rc = GW_OK;
    sqlite3_stmt *st = NULL;
    struct db_change c;
    char now[DB_TIME_LEN];
    if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) || (lat == 0 && lon == 0))
        return err_set(e, GW_EINVAL, "the position %.6f,%.6f is not a place on earth", lat, lon);
    if (isnan(accuracy_m) || accuracy_m < 0)
        return err_set(e, GW_EINVAL,
                       "the fix's accuracy is unknown; wait for a fix that reports one");
    if (!(accuracy_m <= limit_m))
        return err_set(e, GW_EINVAL,
                       "the fix is accurate to %.0f m, worse than the %.0f m limit for pinning; "
                       "wait in the open for a better fix",
                       accuracy_m, limit_m);
    if ((rc = db_change_begin(db, &c, e)))
        return rc;
    db_now(now);
    st = db_prepare(db, e,
                    "UPDATE customers SET lat = :lat, lon = :lon, coord_accuracy_m = :acc, "
                    "coord_source = 'pinned', updated_at = :now WHERE account = :account");
    if (!st)
        goto fail;
    db_bind_double(st, ":lat", lat);
    db_bind_double(st, ":lon", lon);
    db_bind_double(st, ":acc", accuracy_m);
    db_bind_text(st, ":now", now);
    db_bind_text(st, ":account", account);
    if (db_step(db, st, e) < 0)
        goto fail;
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_changes(db_sqlite(db)) == 0) {
        rc = err_set(e, GW_ENOTFOUND, "no customer with account %s", account);
        db_change_abort(&c);
        return rc;
    }
    st = db_prepare(db, e,
                    "SELECT json_object('account', account, 'lat', lat, 'lon', lon, "
                    "'coord_accuracy_m', coord_accuracy_m, 'coord_source', coord_source, "
                    "'updated_at', updated_at) FROM customers WHERE account = :account");
    if (!st)
        goto fail;
    db_bind_text(st, ":account", account);
    if (db_step(db, st, e) != SQLITE_ROW)
        goto fail;
    if (db_change_outbox(&c, "customer", account, db_col_text(st, 0), NULL, e))
        goto fail;
    sqlite3_finalize(st);
    return db_change_commit(&c, e);
fail:
    sqlite3_finalize(st);
    db_change_abort(&c);
    return e && e->code ? e->code : GW_EDB;
}
