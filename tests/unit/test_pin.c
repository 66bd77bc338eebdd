/* test_pin.c - pinning a customer's coordinates from a fix, against a real SQLite store:
 * the row, its outbox record, and the refusals that protect good coordinates. */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "data/db.h"
#include "data/pin.h"
#include "data/sql.h"
#include "data/stops.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int setup(void **state)
{
    struct db *db = NULL;
    if (db_open(&db, ":memory:", NULL))
        return -1;
    if (db_exec(db, NULL,
                "INSERT INTO customers(account, name, lat, lon, coord_source, updated_at) VALUES"
                "('3300001', '王小明', NULL, NULL, NULL, '2026-11-01T00:00:00.000Z'),"
                "('3300002', '李华', 30.2684, 120.1642, 'import', '2026-11-01T00:00:00.000Z'),"
                "('3300003', '陈记面馆', 30.2660, 120.1670, 'import', '2026-11-01T00:00:00.000Z')"))
        return -1;
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    db_close(*state);
    return 0;
}

static int64_t count(struct db *db, const char *sql)
{
    sqlite3_stmt *st = db_prepare(db, NULL, sql);
    assert_non_null(st);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void test_pin_sets_coordinates_and_queues_record(void **state)
{
    struct db *db = *state;
    struct err e = {0};
    assert_int_equal(pin_customer(db, "3300001", 30.26712, 120.16183, 4.5, 25, &e), GW_OK);
    sqlite3_stmt *st =
        db_prepare(db, NULL,
                   "SELECT lat, lon, coord_accuracy_m, coord_source, updated_at > '2026-11-01' "
                   "FROM customers WHERE account = '3300001'");
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_true(sqlite3_column_double(st, 0) == 30.26712);
    assert_true(sqlite3_column_double(st, 1) == 120.16183);
    assert_true(sqlite3_column_double(st, 2) == 4.5);
    assert_string_equal(db_col_text(st, 3), "pinned");
    assert_int_equal(sqlite3_column_int(st, 4), 1);
    sqlite3_finalize(st);
    /* One outbox row with the contract's payload. */
    assert_int_equal(count(db, "SELECT count(*) FROM outbox"), 1);
    st = db_prepare(db, NULL,
                    "SELECT kind, entity_uuid, payload->>'account', payload->>'lat', "
                    "payload->>'lon', payload->>'coord_accuracy_m', payload->>'coord_source', "
                    "payload->>'updated_at' LIKE '____-__-__T__:__:__.___Z' FROM outbox");
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal(db_col_text(st, 0), "customer");
    assert_string_equal(db_col_text(st, 1), "3300001");
    assert_string_equal(db_col_text(st, 2), "3300001");
    assert_true(sqlite3_column_double(st, 3) == 30.26712);
    assert_true(sqlite3_column_double(st, 4) == 120.16183);
    assert_true(sqlite3_column_double(st, 5) == 4.5);
    assert_string_equal(db_col_text(st, 6), "pinned");
    assert_int_equal(sqlite3_column_int(st, 7), 1);
    sqlite3_finalize(st);
}

static void test_poor_or_unknown_accuracy_is_refused(void **state)
{
    struct db *db = *state;
    struct err e = {0};
    assert_int_equal(pin_customer(db, "3300002", 30.3, 120.2, 40, 25, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "40 m"));
    assert_non_null(strstr(e.msg, "25 m limit"));
    assert_int_equal(pin_customer(db, "3300002", 30.3, 120.2, NAN, 25, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "unknown"));
    /* The imported coordinates are untouched and nothing was queued. */
    assert_int_equal(count(db, "SELECT count(*) FROM customers WHERE account='3300002' AND "
                               "lat = 30.2684 AND coord_source = 'import'"),
                     1);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox"), 0);
}

static void test_bad_position_and_unknown_account(void **state)
{
    struct db *db = *state;
    struct err e = {0};
    assert_int_equal(pin_customer(db, "3300002", 95, 120.2, 3, 25, &e), GW_EINVAL);
    assert_int_equal(pin_customer(db, "3300002", 0, 0, 3, 25, &e), GW_EINVAL);
    assert_int_equal(pin_customer(db, "9999999", 30.3, 120.2, 3, 25, &e), GW_ENOTFOUND);
    assert_non_null(strstr(e.msg, "9999999"));
    assert_int_equal(count(db, "SELECT count(*) FROM outbox"), 0);
}

/* The limit is the caller's (config.ini's [gps] min_pin_accuracy_m): a setting left in the
 * store from older builds changes nothing. */
static void test_limit_is_the_callers(void **state)
{
    struct db *db = *state;
    struct err e = {0};
    assert_int_equal(
        db_exec(db, NULL, "INSERT INTO settings(key, value) VALUES('geo.pin_max_accuracy_m', '50')"),
        0);
    assert_int_equal(pin_customer(db, "3300003", 30.2661, 120.1671, 9, 8, &e), GW_EINVAL);
    assert_int_equal(pin_customer(db, "3300003", 30.2661, 120.1671, 7, 8, &e), GW_OK);
}

static void test_stops_list_missing_coordinates_apart(void **state)
{
    struct db *db = *state;
    struct err e = {0};
    assert_int_equal(db_exec(db, NULL,
                             "INSERT INTO tasks(uuid, kind, customer_id, state, updated_at) "
                             "SELECT 'task-' || account, 'meter-reading', id, 'assigned', "
                             "'2026-11-22T00:00:00.000Z' FROM customers;"
                             "UPDATE tasks SET state = 'done' WHERE uuid = 'task-3300003'"),
                     0);
    struct stop_list l;
    assert_int_equal(stops_open_tasks(db, &l, &e), GW_OK);
    assert_int_equal(l.n, 2);
    int missing = 0;
    for (int i = 0; i < l.n; i++) {
        assert_string_equal(l.v[i].task_state, "assigned");
        missing += isnan(l.v[i].lat);
    }
    assert_int_equal(missing, 1); /* 3300001 has no coordinates: listed, not dropped */
    stops_free(&l);
    const char *acc[] = {"3300002", "nope", "3300002"};
    assert_int_equal(stops_for_accounts(db, acc, 3, &l, &e), GW_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.n_unknown, 1);
    assert_string_equal(l.unknown[0], "nope");
    assert_true(fabs(l.v[0].lat - 30.2684) < 1e-9);
    stops_free(&l);
}

static void test_customers_in_a_box(void **state)
{
    struct db *db = *state;
    struct stop_list l;
    struct err e = {0};
    /* 3300002 and 3300003 are within a few hundred metres; 3300001 has no coordinates. */
    assert_int_equal(stops_in_box(db, 30.265, 120.160, 30.270, 120.170, 100, &l, &e), GW_OK);
    assert_int_equal(l.n, 2);
    stops_free(&l);
    assert_int_equal(stops_in_box(db, 30.268, 120.160, 30.270, 120.165, 100, &l, &e), GW_OK);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0].account, "3300002");
    stops_free(&l);
    assert_int_equal(stops_in_box(db, 30.265, 120.160, 30.270, 120.170, 1, &l, &e), GW_OK);
    assert_int_equal(l.n, 1);
    stops_free(&l);
    /* The query is answered from the position index, not a scan of every customer. */
    sqlite3_stmt *st = db_prepare(db, NULL,
                                  "EXPLAIN QUERY PLAN SELECT account FROM customers WHERE lat "
                                  "BETWEEN 30.2 AND 30.3 AND lon BETWEEN 120.1 AND 120.2");
    int uses_index = 0;
    while (sqlite3_step(st) == SQLITE_ROW)
        uses_index |= strstr(db_col_text(st, 3), "customers_geo") != NULL;
    sqlite3_finalize(st);
    assert_true(uses_index);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pin_sets_coordinates_and_queues_record, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_poor_or_unknown_accuracy_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_position_and_unknown_account, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limit_is_the_callers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stops_list_missing_coordinates_apart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_customers_in_a_box, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
