/* stops.c - reading route stops (customers, open tasks) from the store. */
#include "gridwalk/config.h"

#include "data/sql.h"
#include "data/stops.h"

#include <stdlib.h>
#include <string.h>

static int list_grow(struct stop_list *l, int *cap, struct err *e)
{
    if (l->n < *cap)
        return GW_OK;
    int nc = *cap ? *cap * 2 : 32;
    struct stop *v = realloc(l->v, (size_t)nc * sizeof *v);
    if (!v)
        return err_set(e, GW_ENOMEM, "out of memory loading route stops");
    l->v = v;
    *cap = nc;
    return GW_OK;
}

static void fill(struct stop *s, sqlite3_stmt *st)
{
    memset(s, 0, sizeof *s);
    db_col_copy(st, 0, s->account, sizeof s->account);
    db_col_copy(st, 1, s->name, sizeof s->name);
    s->lat = db_col_double(st, 2);
    s->lon = db_col_double(st, 3);
    s->coord_accuracy_m = db_col_double(st, 4);
    db_col_copy(st, 5, s->task_uuid, sizeof s->task_uuid);
    db_col_copy(st, 6, s->task_state, sizeof s->task_state);
    s->route_pos = sqlite3_column_type(st, 7) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 7);
    s->task_id = sqlite3_column_int64(st, 8);
}

int stops_for_accounts(struct db *db, const char *const *accounts, int n, struct stop_list *l,
                       struct err *e)
{
    memset(l, 0, sizeof *l);
    int rc = GW_OK, cap = 0;
    sqlite3_stmt *st =
        db_prepare(db, e,
                   "SELECT account, name, lat, lon, coord_accuracy_m, '', '', NULL, 0 "
                   "FROM customers WHERE account = :account");
    if (!st)
        return e ? e->code : GW_EDB;
    l->unknown = calloc((size_t)n + 1, sizeof *l->unknown);
    if (!l->unknown) {
        rc = err_set(e, GW_ENOMEM, "out of memory loading route stops");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        int dup = 0;
        for (int j = 0; j < i; j++)
            dup |= strcmp(accounts[i], accounts[j]) == 0;
        if (dup)
            continue;
        sqlite3_reset(st);
        db_bind_text(st, ":account", accounts[i]);
        int s = db_step(db, st, e);
        if (s < 0) {
            rc = e ? e->code : GW_EDB;
            goto out;
        }
        if (s == SQLITE_DONE) {
            if (!(l->unknown[l->n_unknown++] = strdup(accounts[i]))) {
                rc = err_set(e, GW_ENOMEM, "out of memory");
                goto out;
            }
            continue;
        }
        if ((rc = list_grow(l, &cap, e)))
            goto out;
        fill(&l->v[l->n++], st);
    }
out:
    sqlite3_finalize(st);
    if (rc)
        stops_free(l);
    return rc;
}

int stops_open_tasks(struct db *db, struct stop_list *l, struct err *e)
{
    memset(l, 0, sizeof *l);
    int rc = GW_OK, cap = 0, s;
    sqlite3_stmt *st =
        db_prepare(db, e,
                   "SELECT c.account, c.name, c.lat, c.lon, c.coord_accuracy_m, t.uuid, t.state, "
                   "t.route_pos, t.id FROM tasks t JOIN customers c ON c.id = t.customer_id "
                   "WHERE t.state IN ('assigned','in-progress') "
                   "ORDER BY t.route_pos IS NULL, t.route_pos, t.priority DESC, t.id");
    if (!st)
        return e ? e->code : GW_EDB;
    while ((s = db_step(db, st, e)) == SQLITE_ROW) {
        if ((rc = list_grow(l, &cap, e)))
            goto out;
        fill(&l->v[l->n++], st);
    }
    if (s < 0)
        rc = e ? e->code : GW_EDB;
out:
    sqlite3_finalize(st);
    if (rc)
        stops_free(l);
    return rc;
}

int stops_in_box(struct db *db, double lat0, double lon0, double lat1, double lon1, int max,
                 struct stop_list *l, struct err *e)
{
    memset(l, 0, sizeof *l);
    int rc = GW_OK, cap = 0, s;
    sqlite3_stmt *st = db_prepare(
        db, e,
        "SELECT account, name, lat, lon, coord_accuracy_m, '', '', NULL, 0 FROM customers "
        "WHERE lat BETWEEN :lat0 AND :lat1 AND lon BETWEEN :lon0 AND :lon1 LIMIT :max");
    if (!st)
        return e ? e->code : GW_EDB;
    db_bind_double(st, ":lat0", lat0);
    db_bind_double(st, ":lat1", lat1);
    db_bind_double(st, ":lon0", lon0);
    db_bind_double(st, ":lon1", lon1);
    db_bind_int64(st, ":max", max > 0 ? max : 0);
    while ((s = db_step(db, st, e)) == SQLITE_ROW) {
        if ((rc = list_grow(l, &cap, e)))
            goto out;
        fill(&l->v[l->n++], st);
    }
    if (s < 0)
        rc = e ? e->code : GW_EDB;
out:
    sqlite3_finalize(st);
    if (rc)
        stops_free(l);
    return rc;
}

void stops_free(struct stop_list *l)
{
    free(l->v);
    for (int i = 0; i < l->n_unknown; i++)
        free(l->unknown[i]);
    free(l->unknown);
    memset(l, 0, sizeof *l);
}
