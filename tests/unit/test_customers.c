/* test_customers.c - the customers module: reading customers and the bulk upsert, against
 * a real SQLite store in memory. */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "data/customers.h"
#include "data/sql.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static struct db *db;

static int setup(void **state)
{
    (void)state;
    return db_open(&db, ":memory:", NULL);
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    db = NULL;
    return 0;
}

static int64_t count(const char *sql)
{
    sqlite3_stmt *st = db_prepare(db, NULL, sql);
    assert_non_null(st);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static struct customer make(const char *account, const char *name, double lat, double lon)
{
    struct customer c;
    memset(&c, 0, sizeof c);
    snprintf(c.account, sizeof c.account, "%s", account);
    snprintf(c.name, sizeof c.name, "%s", name);
    snprintf(c.meter, sizeof c.meter, "3310011235324055102088");
    snprintf(c.capacity, sizeof c.capacity, "8");
    snprintf(c.address, sizeof c.address, "杭州市西湖区文三路478号");
    snprintf(c.line, sizeof c.line, "0.4kV华星台区");
    snprintf(c.voltage, sizeof c.voltage, "220V");
    c.lat = lat;
    c.lon = lon;
    c.coord_accuracy_m = NAN;
    return c;
}

/* Upserts rows in one transaction; returns the results in r. */
static void upsert(const struct customer *rows, int n, enum customers_upsert_result *r)
{
    struct customers_upsert *u = NULL;
    struct err e = {0};
    assert_int_equal(customers_upsert_begin(db, &u, &e), GW_OK);
    for (int i = 0; i < n; i++)
        assert_int_equal(customers_upsert_row(u, &rows[i], &r[i], &e), GW_OK);
    assert_int_equal(customers_upsert_commit(u, &e), GW_OK);
}

static void test_field_keys_and_text(void **state)
{
    (void)state;
    struct customer c = make("3300000001", "王伟", NAN, NAN);
    assert_string_equal(customer_field_key(CF_ACCOUNT), "account");
    assert_string_equal(customer_field_key(CF_VOLTAGE), "voltage");
    assert_string_equal(customer_field_text(&c, CF_NAME), "王伟");
    assert_string_equal(customer_field_text(&c, CF_LINE), "0.4kV华星台区");
}

static void test_insert_then_get(void **state)
{
    (void)state;
    struct customer rows[2] = {make("3300000001", "王伟", 30.28, 120.11),
                               make("3300000002", "李娜", NAN, NAN)};
    enum customers_upsert_result r[2];
    struct customer got;
    struct err e = {0};
    upsert(rows, 2, r);
    assert_int_equal(r[0], CUSTOMERS_INSERTED);
    assert_int_equal(r[1], CUSTOMERS_INSERTED);
    assert_int_equal(customers_count(db), 2);

    assert_int_equal(customers_get_by_account(db, "3300000001", &got, &e), GW_OK);
    assert_string_equal(got.name, "王伟");
    assert_string_equal(got.address, "杭州市西湖区文三路478号");
    assert_true(fabs(got.lat - 30.28) < 1e-9 && fabs(got.lon - 120.11) < 1e-9);
    assert_string_equal(got.coord_source, "import");
    assert_true(isnan(got.coord_accuracy_m));
    assert_int_equal((int)strlen(got.updated_at), 24);

    struct customer by_id;
    assert_int_equal(customers_get(db, got.id, &by_id, &e), GW_OK);
    assert_string_equal(by_id.account, "3300000001");

    /* Unknown coordinates are NULL in the store and NaN here, never 0. */
    assert_int_equal(customers_get_by_account(db, "3300000002", &got, &e), GW_OK);
    assert_true(isnan(got.lat) && isnan(got.lon));
    assert_string_equal(got.coord_source, "");
    assert_int_equal(count("SELECT count(*) FROM customers WHERE lat IS NULL"), 1);

    assert_int_equal(customers_get_by_account(db, "nope", &got, &e), GW_ENOTFOUND);
    assert_non_null(strstr(e.msg, "nope"));
    assert_int_equal(customers_get(db, 999, &got, &e), GW_ENOTFOUND);
}

static void test_update_unchanged_repeated(void **state)
{
    (void)state;
    struct customer first[2] = {make("A1", "甲", 30.1, 120.1), make("A2", "乙", NAN, NAN)};
    enum customers_upsert_result r[4];
    upsert(first, 2, r);
    struct customer got;
    assert_int_equal(customers_get_by_account(db, "A1", &got, NULL), GW_OK);
    char stamp[DB_TIME_LEN];
    snprintf(stamp, sizeof stamp, "%s", got.updated_at);
    int64_t id = got.id;

    /* A1 equal to the store, A2 renamed, A3 new, then A3 again: the last row wins. */
    struct customer second[4] = {make("A1", "甲", 30.1, 120.1), make("A2", "乙二", NAN, NAN),
                                 make("A3", "丙", NAN, NAN), make("A3", "丙二", NAN, NAN)};
    upsert(second, 4, r);
    assert_int_equal(r[0], CUSTOMERS_UNCHANGED);
    assert_int_equal(r[1], CUSTOMERS_UPDATED);
    assert_int_equal(r[2], CUSTOMERS_INSERTED);
    assert_int_equal(r[3], CUSTOMERS_REPEATED);
    assert_int_equal(customers_count(db), 3);
    assert_int_equal(customers_get_by_account(db, "A1", &got, NULL), GW_OK);
    assert_int_equal(got.id, id);
    assert_string_equal(got.updated_at, stamp); /* untouched, not rewritten */
    assert_int_equal(customers_get_by_account(db, "A2", &got, NULL), GW_OK);
    assert_string_equal(got.name, "乙二");
    assert_int_equal(customers_get_by_account(db, "A3", &got, NULL), GW_OK);
    assert_string_equal(got.name, "丙二");
}

static void test_coordinates_rules(void **state)
{
    (void)state;
    struct customer rows[3] = {make("P1", "甲", 30.1, 120.1), make("P2", "乙", 30.2, 120.2),
                               make("P3", "丙", NAN, NAN)};
    enum customers_upsert_result r[3];
    upsert(rows, 3, r);
    /* P1 was pinned on site by an inspector. */
    assert_int_equal(db_exec(db, NULL,
                             "UPDATE customers SET lat=30.15, lon=120.15, "
                             "coord_source='pinned', coord_accuracy_m=3 "
                             "WHERE account='P1'"),
                     GW_OK);
    struct customer again[3] = {make("P1", "甲", 30.9, 120.9), make("P2", "乙", NAN, NAN),
                                make("P3", "丙", 30.3, 120.3)};
    upsert(again, 3, r);
    struct customer got;
    assert_int_equal(customers_get_by_account(db, "P1", &got, NULL), GW_OK);
    assert_true(fabs(got.lat - 30.15) < 1e-9); /* the pin beats the import */
    assert_string_equal(got.coord_source, "pinned");
    assert_true(fabs(got.coord_accuracy_m - 3) < 1e-9);
    assert_int_equal(r[0], CUSTOMERS_UNCHANGED);
    assert_int_equal(customers_get_by_account(db, "P2", &got, NULL), GW_OK);
    assert_true(fabs(got.lat - 30.2) < 1e-9); /* unknown in the file keeps what we know */
    assert_int_equal(r[1], CUSTOMERS_UNCHANGED);
    assert_int_equal(customers_get_by_account(db, "P3", &got, NULL), GW_OK);
    assert_true(fabs(got.lat - 30.3) < 1e-9);
    assert_string_equal(got.coord_source, "import");
    assert_int_equal(r[2], CUSTOMERS_UPDATED);
}

static void test_bad_row_keeps_upsert_usable(void **state)
{
    (void)state;
    struct customers_upsert *u = NULL;
    struct err e = {0};
    enum customers_upsert_result r;
    struct customer no_name = make("B1", "", NAN, NAN);
    struct customer no_account = make("", "无户号", NAN, NAN);
    struct customer far = make("B2", "远", 95, 120);
    struct customer half = make("B3", "半", 30, NAN);
    struct customer good = make("B4", "好", NAN, NAN);
    assert_int_equal(customers_upsert_begin(db, &u, &e), GW_OK);
    assert_int_equal(customers_upsert_row(u, &no_name, &r, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "name"));
    assert_int_equal(customers_upsert_row(u, &no_account, &r, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "account"));
    assert_int_equal(customers_upsert_row(u, &far, &r, &e), GW_EINVAL);
    assert_int_equal(customers_upsert_row(u, &half, &r, &e), GW_EINVAL);
    assert_int_equal(customers_upsert_row(u, &good, &r, &e), GW_OK);
    assert_int_equal(customers_upsert_commit(u, &e), GW_OK);
    assert_int_equal(customers_count(db), 1);
}

static void test_abort_leaves_store_as_it_was(void **state)
{
    (void)state;
    struct customer rows[1] = {make("C1", "甲", NAN, NAN)};
    enum customers_upsert_result r[1];
    upsert(rows, 1, r);
    struct customers_upsert *u = NULL;
    struct customer changed = make("C1", "改名", NAN, NAN), added = make("C2", "新", NAN, NAN);
    assert_int_equal(customers_upsert_begin(db, &u, NULL), GW_OK);
    assert_int_equal(customers_upsert_row(u, &changed, r, NULL), GW_OK);
    assert_int_equal(customers_upsert_row(u, &added, r, NULL), GW_OK);
    customers_upsert_abort(u);
    customers_upsert_abort(NULL);
    assert_false(db_in_transaction(db));
    assert_int_equal(customers_count(db), 1);
    struct customer got;
    assert_int_equal(customers_get_by_account(db, "C1", &got, NULL), GW_OK);
    assert_string_equal(got.name, "甲");
    /* The page cache size is restored after the upsert. */
    assert_int_equal(count("PRAGMA cache_size"), -2000);
}

static void test_import_writes_no_outbox_rows(void **state)
{
    (void)state;
    struct customer rows[2] = {make("D1", "甲", 30, 120), make("D2", "乙", NAN, NAN)};
    enum customers_upsert_result r[2];
    upsert(rows, 2, r);
    assert_int_equal(count("SELECT count(*) FROM outbox"), 0);
}

static void test_upsert_nests_in_an_outer_transaction(void **state)
{
    (void)state;
    struct customers_upsert *u = NULL;
    struct err e = {0};
    assert_int_equal(db_begin(db, &e), GW_OK);
    /* Nested inside another transaction is allowed and commits with it. */
    assert_int_equal(customers_upsert_begin(db, &u, &e), GW_OK);
    struct customer c = make("E1", "甲", NAN, NAN);
    assert_int_equal(customers_upsert_row(u, &c, NULL, &e), GW_OK);
    assert_int_equal(customers_upsert_commit(u, &e), GW_OK);
    db_rollback(db);
    assert_int_equal(customers_count(db), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_field_keys_and_text),
        cmocka_unit_test_setup_teardown(test_insert_then_get, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_unchanged_repeated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_coordinates_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_row_keeps_upsert_usable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort_leaves_store_as_it_was, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_writes_no_outbox_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upsert_nests_in_an_outer_transaction, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
