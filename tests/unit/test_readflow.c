/* test_readflow.c - the reading flow against a real SQLite store: meter-number check,
 * validation from stored history, storing with the outbox payload, manual and skip codes. */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/readflow.h"
#include "data/readings.h"
#include "data/sql.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int setup(void **state)
{
    struct db *db = NULL;
    if (db_open(&db, ":memory:", NULL))
        return -1;
    if (db_exec(db, NULL,
                "INSERT INTO customers(account, name, meter, updated_at) VALUES"
                "('0101', 'Zhang San', '3301000100000330100012345', '2026-01-01T00:00:00.000Z'),"
                "('0202', 'Li Si', '', '2026-01-01T00:00:00.000Z');"
                "INSERT INTO tasks(uuid, kind, customer_id, updated_at) VALUES"
                "('11111111-2222-3333-4444-555555555555', 'meter-reading', 1, "
                "'2026-01-01T00:00:00.000Z')"))
        return -1;
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    db_close(*state);
    return 0;
}

static char *one_text(struct db *db, const char *sql)
{
    sqlite3_stmt *st = db_prepare(db, NULL, sql);
    assert_non_null(st);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    char *s = strdup(db_col_text(st, 0));
    sqlite3_finalize(st);
    return s;
}

static void fake_result(struct probe_result *r, const char *meter, const char *total)
{
    memset(r, 0, sizeof *r);
    snprintf(r->protocol, sizeof r->protocol, "dlt645-2007");
    snprintf(r->meter_reported, sizeof r->meter_reported, "%s", meter);
    struct probe_reg *g = &r->regs[r->nregs++];
    snprintf(g->id, sizeof g->id, "energy_fwd_total");
    snprintf(g->value, sizeof g->value, "%s", total);
    snprintf(g->unit, sizeof g->unit, "kWh");
    g->status = PROBE_REG_OK;
    g = &r->regs[r->nregs++];
    snprintf(g->id, sizeof g->id, "balance");
    g->status = PROBE_REG_ABSENT;
    r->transcript = strdup("+0000.000 TX FE\n");
    r->transcript_len = strlen(r->transcript);
}

static void test_meter_number_match_rules(void **state)
{
    (void)state;
    assert_true(readflow_meter_matches("000012345678", "12345678"));
    assert_true(readflow_meter_matches("3301000100000330100012345", "330100012345"));
    assert_false(readflow_meter_matches("330100012345", "330100012346"));
    assert_false(readflow_meter_matches("", "330100012345"));
    assert_false(readflow_meter_matches("99912345", "345")); /* too short to be a suffix */
}

static void test_probe_reading_stored_with_outbox(void **state)
{
    struct db *db = *state;
    struct probe_result r;
    struct readflow_outcome o;
    struct err e = {0};
    struct readflow_position pos = {30.25, 120.15, 8};
    fake_result(&r, "330100012345", "12345.67");
    struct readflow_probe_read pr = {.account = "0101",
                                     .task_uuid = "11111111-2222-3333-4444-555555555555",
                                     .result = &r,
                                     .pos = &pos};
    assert_int_equal(readflow_store_probe(db, &pr, &o, &e), GW_OK);
    assert_true(o.meter_match);
    assert_string_equal(o.validation, "no-history");
    assert_int_equal(strlen(o.stored_uuid), 36);
    char *p = one_text(db, "SELECT payload FROM outbox WHERE kind='reading'");
    assert_non_null(strstr(p, "\"customer_account\":\"0101\""));
    assert_non_null(strstr(p, "\"task_uuid\":\"11111111-2222-3333-4444-555555555555\""));
    assert_non_null(strstr(p, "\"registers\":[{\"id\":\"energy_fwd_total\",\"value\":"
                              "\"12345.67\",\"unit\":\"kWh\"}]"));
    /* base64 of "+0000.000 TX FE\n" */
    assert_non_null(strstr(p, "\"transcript_b64\":\"KzAwMDAuMDAwIFRYIEZFCg==\""));
    assert_non_null(strstr(p, "\"lat\":30.25"));
    assert_non_null(strstr(p, "\"reason_code\":null"));
    free(p);
    probe_result_done(&r);
}

static void test_wrong_meter_never_stored(void **state)
{
    struct db *db = *state;
    struct probe_result r;
    struct readflow_outcome o;
    struct err e = {0};
    fake_result(&r, "330100099999", "12345.67");
    struct readflow_probe_read pr = {.account = "0101", .result = &r};
    assert_int_equal(readflow_store_probe(db, &pr, &o, &e), GW_EINVAL);
    assert_false(o.meter_match);
    assert_non_null(strstr(e.msg, "NOT stored"));
    assert_int_equal(readings_count(db, "0101"), 0);
    /* Confirming does not override a wrong meter. */
    pr.confirmed = 1;
    assert_int_equal(readflow_store_probe(db, &pr, &o, &e), GW_EINVAL);
    /* A customer without a recorded meter number cannot be checked either. */
    pr.account = "0202";
    assert_int_equal(readflow_store_probe(db, &pr, &o, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "no meter number on record"));
    assert_int_equal(readings_count(db, "0202"), 0);
    probe_result_done(&r);
}

static void test_validation_against_stored_history(void **state)
{
    struct db *db = *state;
    struct readflow_outcome o;
    struct err e = {0};
    /* History: 1000 kWh 60 days ago, 1300 kWh 30 days ago (10 kWh a day). */
    const struct reading_register r1 = {"energy_fwd_total", "1000.00", "kWh"};
    const struct reading_register r2 = {"energy_fwd_total", "1300.00", "kWh"};
    char t1[DB_TIME_LEN], t2[DB_TIME_LEN];
    time_t now = time(NULL);
    struct tm tm;
    time_t a = now - 60 * 86400, b = now - 30 * 86400;
    strftime(t1, sizeof t1, "%Y-%m-%dT%H:%M:%S.000Z", gmtime_r(&a, &tm));
    strftime(t2, sizeof t2, "%Y-%m-%dT%H:%M:%S.000Z", gmtime_r(&b, &tm));
    struct reading_new n = {.account = "0101",
                            .method = "manual",
                            .regs = &r1,
                            .nregs = 1,
                            .validation = "ok",
                            .reason_code = "NO_PROBE",
                            .read_at = t1,
                            .lat = NAN,
                            .lon = NAN,
                            .accuracy_m = NAN};
    assert_int_equal(readings_insert(db, &n, NULL, &e), GW_OK);
    n.regs = &r2;
    n.read_at = t2;
    assert_int_equal(readings_insert(db, &n, NULL, &e), GW_OK);

    struct readings_hist_probe {
        const char *value;
        int rc;
        const char *validation;
    } cases[] = {
        {"1600.00", GW_OK, "ok"},
        {"1600.00", GW_EINVAL, "zero"},
        {"2600.00", GW_EINVAL, "high"},
        {"1500.00", GW_EINVAL, "below-previous"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct probe_result r;
        fake_result(&r, "330100012345", cases[i].value);
        struct readflow_probe_read pr = {.account = "0101", .result = &r};
        int rc = readflow_store_probe(db, &pr, &o, &e);
        assert_int_equal(rc, cases[i].rc);
        assert_string_equal(o.validation, cases[i].validation);
        if (rc) {
            /* The reader confirms: stored, with the warning kept. */
            pr.confirmed = 1;
            assert_int_equal(readflow_store_probe(db, &pr, &o, &e), GW_OK);
            assert_non_null(strstr(o.validation, ",confirmed"));
        }
        probe_result_done(&r);
    }
    struct reading_hist h[8];
    size_t count = 0;
    assert_int_equal(readings_history(db, "0101", "energy_fwd_total", h, 8, &count, &e), GW_OK);
    assert_int_equal(count, 6);
    assert_true(h[0].value == 1500.0);
    assert_true(h[5].value == 1000.0);
}

static void test_manual_and_skip(void **state)
{
    struct db *db = *state;
    struct readflow_outcome o;
    struct err e = {0};
    struct readflow_manual m = {
        .account = "0101", .value = "777.7", .value_again = "777.70", .reason_code = "DOG"};
    assert_int_equal(readflow_store_manual(db, &m, &o, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "not a reason for typing"));
    m.reason_code = "PORT_DIRTY";
    m.value_again = "771.7";
    assert_int_equal(readflow_store_manual(db, &m, &o, &e), GW_EINVAL);
    m.value_again = "0777.70";
    assert_int_equal(readflow_store_manual(db, &m, &o, &e), GW_OK);
    char *v = one_text(db, "SELECT method||' '||reason_code||' '||registers FROM readings");
    assert_string_equal(v, "manual PORT_DIRTY [{\"id\":\"energy_fwd_total\",\"value\":\"777.7\","
                           "\"unit\":\"kWh\"}]");
    free(v);
    assert_int_equal(readflow_store_skip(db, "0101", NULL, "PROBE_FAILED", NULL, &o, &e),
                     GW_EINVAL);
    assert_int_equal(readflow_store_skip(db, "0101", NULL, "LOCKED", NULL, &o, &e), GW_OK);
    assert_string_equal(o.validation, "skipped");
    assert_int_equal(readings_count(db, "0101"), 2);
    assert_int_equal(readflow_store_skip(db, "9999", NULL, "LOCKED", NULL, &o, &e), GW_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_meter_number_match_rules),
        cmocka_unit_test_setup_teardown(test_probe_reading_stored_with_outbox, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_meter_never_stored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validation_against_stored_history, setup, teardown),
        cmocka_unit_test_setup_teardown(test_manual_and_skip, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
