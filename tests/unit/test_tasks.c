/* test_tasks.c - task states, completion rules and hub changes, on a real in-memory store. */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "data/sql.h"
#include "data/tasks.h"

#include <math.h>
#include <string.h>

static struct db *db;

static void sql(const char *s)
{
    struct err e = {0};
    if (db_exec(db, &e, s))
        fail_msg("%s", e.msg);
}

static int64_t scalar(const char *s)
{
    sqlite3_stmt *st = db_prepare(db, NULL, s);
    assert_non_null(st);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int setup(void **state)
{
    (void)state;
    struct err e = {0};
    if (db_open(&db, ":memory:", &e))
        return -1;
    sql("INSERT INTO customers(account, name, meter, address, lat, lon, updated_at) VALUES"
        "('3301000001', '王建国', '3330001000100000000001', '杭州市西湖区文三路1号', 30.27,"
        " 120.13, '2026-01-01T00:00:00.000Z'),"
        "('3301000002', '李秀英', '3330001000100000000002', '杭州市上城区解放路2号', NULL,"
        " NULL, '2026-01-01T00:00:00.000Z')");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

static int64_t add_task(const char *uuid, const char *kind, const char *account)
{
    struct err e = {0};
    struct task_from_hub h = {.uuid = uuid, .kind = kind, .account = account,
                              .due_date = "2026-11-22", .instructions = "检查计量箱铅封",
                              .priority = 1, .hub_rev = 1};
    assert_int_equal(tasks_apply_from_hub(db, &h, NULL, &e), GW_OK);
    char q[128];
    snprintf(q, sizeof q, "SELECT id FROM tasks WHERE uuid = '%s'", uuid);
    return scalar(q);
}

static void test_hub_tasks_land_and_list_in_route_order(void **state)
{
    (void)state;
    struct err e = {0};
    int64_t a = add_task("t-a", "inspection", "3301000001");
    int64_t b = add_task("t-b", "meter-reading", "3301000002");
    struct task_from_hub bad = {.uuid = "t-x", .kind = "inspection", .account = "999"};
    assert_int_equal(tasks_apply_from_hub(db, &bad, NULL, &e), GW_ENOTFOUND);
    assert_non_null(strstr(e.msg, "999"));
    bad.kind = "dance";
    assert_int_equal(tasks_apply_from_hub(db, &bad, NULL, &e), GW_EINVAL);

    int64_t order[] = {b, a};
    assert_int_equal(tasks_set_route(db, order, 2, &e), GW_OK);
    struct task t[4];
    int n = 0;
    struct task_filter any = {-1, -1};
    assert_int_equal(tasks_list(db, &any, t, 4, &n, &e), GW_OK);
    assert_int_equal(n, 2);
    assert_string_equal(t[0].uuid, "t-b");
    assert_string_equal(t[0].customer_name, "李秀英");
    assert_true(isnan(t[0].lat));
    assert_int_equal(t[1].route_pos, 1);
    assert_string_equal(t[1].instructions, "检查计量箱铅封");
    struct task_filter insp = {TASK_INSPECTION, -1};
    assert_int_equal(tasks_list(db, &insp, t, 4, &n, &e), GW_OK);
    assert_int_equal(n, 1);
    assert_int_equal(t[0].kind, TASK_INSPECTION);
    /* Nothing the hub sent is a local change: no outbox rows. */
    assert_int_equal(scalar("SELECT count(*) FROM outbox"), 0);
    sql("DELETE FROM tasks");
}

static void test_inspection_needs_a_photo(void **state)
{
    (void)state;
    struct err e = {0};
    int64_t id = add_task("t-i", "inspection", "3301000001");
    assert_int_equal(tasks_start(db, id, &e), GW_OK);
    assert_int_equal(scalar("SELECT count(*) FROM outbox WHERE kind='task'"), 1);
    assert_int_equal(tasks_complete(db, id, "ok", NAN, NAN, NAN, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "photo"));
    sql("INSERT INTO folders(uuid, customer_id, category, name, created_at, updated_at) "
        "VALUES('f1', 1, 1, '计量箱', '2099-01-01T00:00:00.000Z', '2099-01-01T00:00:00.000Z');"
        "INSERT INTO entries(uuid, folder_id, name, created_at, updated_at) VALUES('e1', 1, "
        "'2099-01-01 08:00', '2099-01-01T00:00:00.000Z', '2099-01-01T00:00:00.000Z');");
    /* An entry without a photo is not yet evidence. */
    assert_int_equal(tasks_complete(db, id, "ok", NAN, NAN, NAN, &e), GW_EINVAL);
    sql("INSERT INTO photos(uuid, entry_id, folder, sha256, bytes, source, taken_at, "
        "created_at) VALUES('p1', 1, 'appearance', printf('%064d', 1), 1000, 'camera', "
        "'2099-01-01T00:00:00.000Z', '2099-01-01T00:00:00.000Z')");
    assert_int_equal(tasks_complete(db, id, "铅封完好", 30.27, 120.13, 4.0, &e), GW_OK);
    struct task t;
    assert_int_equal(tasks_get(db, id, &t, &e), GW_OK);
    assert_int_equal(t.state, TASK_DONE);
    assert_string_equal(t.result, "铅封完好");
    assert_int_equal(scalar("SELECT count(*) FROM outbox WHERE kind='task' AND "
                            "json_extract(payload, '$.state') = 'done' AND "
                            "json_extract(payload, '$.lat') = 30.27"),
                     1);
    /* Done is final. */
    assert_int_equal(tasks_skip(db, id, "NO-ACCESS", &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "done"));
}

static void test_meter_reading_needs_a_reading_or_a_code(void **state)
{
    (void)state;
    struct err e = {0};
    int64_t id = add_task("t-m", "meter-reading", "3301000002");
    assert_int_equal(tasks_complete(db, id, NULL, NAN, NAN, NAN, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "reading"));
    /* A manual reading without its reason code does not count. */
    sql("INSERT INTO readings(uuid, customer_id, method, read_at, created_at) VALUES('r1', 2, "
        "'manual', '2099-01-01T00:00:00.000Z', '2099-01-01T00:00:00.000Z')");
    assert_int_equal(tasks_complete(db, id, NULL, NAN, NAN, NAN, &e), GW_EINVAL);
    sql("UPDATE readings SET reason_code = 'PROBE-FAIL' WHERE uuid = 'r1'");
    assert_int_equal(tasks_complete(db, id, NULL, NAN, NAN, NAN, &e), GW_OK);

    int64_t id2 = add_task("t-m2", "meter-reading", "3301000002");
    sql("DELETE FROM readings");
    assert_int_equal(tasks_skip(db, id2, "", &e), GW_EINVAL);
    assert_int_equal(tasks_fail(db, id2, "METER-DAMAGED", &e), GW_OK);
    struct task t;
    assert_int_equal(tasks_get(db, id2, &t, &e), GW_OK);
    assert_int_equal(t.state, TASK_FAILED);
    assert_string_equal(t.reason_code, "METER-DAMAGED");
    int counts[TASK_STATE_COUNT];
    assert_int_equal(tasks_count_states(db, counts, &e), GW_OK);
    assert_int_equal(counts[TASK_DONE], 2);
    assert_int_equal(counts[TASK_FAILED], 1);
}

static void test_withdrawn_tasks(void **state)
{
    (void)state;
    struct err e = {0};
    int kept = -1;
    add_task("t-w1", "inspection", "3301000002");
    int64_t w2 = add_task("t-w2", "inspection", "3301000002");
    assert_int_equal(tasks_start(db, w2, &e), GW_OK);
    int64_t before = scalar("SELECT count(*) FROM outbox");
    struct task_from_hub w = {.uuid = "t-w1", .kind = "inspection", .withdrawn = 1};
    assert_int_equal(tasks_apply_from_hub(db, &w, &kept, &e), GW_OK);
    assert_int_equal(kept, 0);
    assert_int_equal(scalar("SELECT count(*) FROM tasks WHERE uuid='t-w1'"), 0);
    w.uuid = "t-w2";
    assert_int_equal(tasks_apply_from_hub(db, &w, &kept, &e), GW_OK);
    assert_int_equal(kept, 1);
    assert_int_equal(scalar("SELECT state = 'in-progress' FROM tasks WHERE uuid='t-w2'"), 1);
    assert_int_equal(scalar("SELECT count(*) FROM outbox"), before + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hub_tasks_land_and_list_in_route_order),
        cmocka_unit_test(test_inspection_needs_a_photo),
        cmocka_unit_test(test_meter_reading_needs_a_reading_or_a_code),
        cmocka_unit_test(test_withdrawn_tasks),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
