/* test_today.c - the Today screen, headless (tig style) on the UI fixture: the first screen
 * when tasks exist, route order, filters, counts, the next stop's distance and bearing, the
 * jump from a task into its work and back, and finishing (complete, skip, fail) with the
 * store checked after each step. */
#include "gridwalk/config.h"

#include "tests/unit/ui_fixture.h"
#include "ui/hooks.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define F(state) ((struct ui_fixture *)*(state))

/* Four tasks; the route planner put 3301000003 first, then 3301000002, 3302000004; the
 * inspection of 3302000006 is not planned. A cancelled one never shows. */
static const char TASKS[] =
    "INSERT INTO tasks(uuid, kind, customer_id, due_date, priority, assigned_at, updated_at,"
    " route_pos, state)"
    " SELECT 't-' || account, CASE WHEN account IN ('3302000006','3301000002') THEN"
    "  'inspection' ELSE 'meter-reading' END, id, '2026-11-22', 0, '2026-11-22T00:00:00.000Z',"
    "  '2026-11-22T00:00:00.000Z',"
    "  CASE account WHEN '3301000003' THEN 0 WHEN '3301000002' THEN 1 WHEN '3302000004' THEN 2"
    "  ELSE NULL END, CASE account WHEN '3302000005' THEN 'cancelled' ELSE 'assigned' END"
    " FROM customers WHERE account <> '3301000001';";

/* Restarts the app on the seeded store, as the tablet does in the morning. */
static void restart(struct ui_fixture *f)
{
    ui_free(f->ui);
    f->ui = ui_new(f->db, &f->cfg);
    ui_set_clock(f->ui, pinned_at);
    ui_draw(f->ui);
}

static int today_setup(void **state)
{
    int rc = fixture_setup(state);
    sqlite3_exec_for_tests(F(state), TASKS);
    restart(F(state));
    return rc;
}

static void near_fix(void *ctx, struct ui_gps_fix *out)
{
    (void)ctx;
    /* About 1.1 km south of 3301000002's coordinates. */
    out->state = UI_GPS_FIX;
    out->lat = 30.264085;
    out->lon = 120.155070;
    out->accuracy_m = 5;
    out->at = pinned_at() - 2;
}

static void test_first_screen_and_order(void **state)
{
    struct ui_fixture *f = F(state);
    fx_model_has(f, "stack.1=today\n");
    fx_model_has(f, "today.shown=4\n");
    fx_model_has(f, "today.task.0=3301000003 meter-reading assigned\n");
    fx_model_has(f, "today.task.1=3301000002 inspection assigned\n");
    fx_model_has(f, "today.task.2=3302000004 meter-reading assigned\n");
    fx_model_has(f, "today.task.3=3302000006 inspection assigned\n");
    fx_model_has(f, "today.next=3301000003\n");
    fx_model_has(f, "today.sel=0\n");
    fx_golden(f, "today", 1);
    /* Without tasks (or with only cancelled ones) the app opens on the search. */
    sqlite3_exec_for_tests(f, "UPDATE tasks SET state = 'cancelled'");
    restart(f);
    fx_model_has(f, "stack.0=search\n");
    char *m = fx_model(f);
    assert_null(strstr(m, "stack.1="));
    free(m);
}

static void test_filters(void **state)
{
    struct ui_fixture *f = F(state);
    fx_keys(f, "K");
    fx_model_has(f, "today.kind=inspection\n");
    fx_model_has(f, "today.shown=2\n");
    fx_model_has(f, "today.task.0=3301000002 inspection assigned\n");
    fx_keys(f, "K");
    fx_model_has(f, "today.kind=meter-reading\n");
    fx_model_has(f, "today.shown=2\n");
    fx_keys(f, "K");
    fx_model_has(f, "today.kind=all\n");
    /* State: open, all, then one state at a time. */
    sqlite3_exec_for_tests(f, "UPDATE tasks SET state = 'skipped', reason_code = 'NOACCESS'"
                              " WHERE uuid = 't-3302000004'");
    fx_keys(f, "Ctrl-l");
    restart(f);
    fx_model_has(f, "today.shown=3\n");
    fx_keys(f, "S");
    fx_model_has(f, "today.state=all\n");
    fx_model_has(f, "today.shown=4\n");
    fx_keys(f, "S S S S");
    fx_model_has(f, "today.state=skipped\n");
    fx_model_has(f, "today.shown=1\n");
    fx_model_has(f, "today.task.0=3302000004 meter-reading skipped NOACCESS\n");
    fx_golden(f, "today-skipped", 0);
}

static void test_next_stop_distance(void **state)
{
    struct ui_fixture *f = F(state);
    /* The next stop has no coordinates: said so, with or without a fix. */
    fx_golden(f, "today-no-fix", 0);
    /* 3301000002 (with coordinates) becomes the next stop once the first is skipped. */
    sqlite3_exec_for_tests(f, "UPDATE tasks SET state = 'skipped', reason_code = 'LOCKED'"
                              " WHERE uuid = 't-3301000003'");
    ui_hooks.gps_fix = near_fix;
    restart(f);
    fx_model_has(f, "today.next=3301000002\n");
    fx_golden(f, "today-with-fix", 0);
    ui_hooks.gps_fix = NULL;
}

static int read_hook(const struct ui_hook_target *t, void *ctx, struct err *e)
{
    struct ui_fixture *f = ctx;
    (void)e;
    char sql[512];
    /* The hook learns which task the work is for. */
    assert_non_null(ui_hook_task_uuid(t->ui));
    assert_string_equal(ui_hook_task_uuid(t->ui), "t-3301000003");
    /* What the probe part's reading screen stores for a good probe reading. */
    snprintf(sql, sizeof sql,
             "INSERT INTO readings(uuid, customer_id, method, registers, validation, read_at,"
             " created_at) VALUES('r-1', %lld, 'probe', '[{\"id\":\"1.8.0\",\"value\":\"1234.5\","
             "\"unit\":\"kWh\"}]', 'ok', strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ','now'),"
             " strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ','now'))",
             (long long)t->customer_id);
    sqlite3_exec_for_tests(f, sql);
    ui_hook_message(t->ui, 0, "reading of %s stored", t->account);
    return GW_OK;
}

static void test_meter_reading_jump_and_back(void **state)
{
    struct ui_fixture *f = F(state);
    /* No probe in this build: the customer page opens, and says so; completing is refused
     * with what is missing, and skipping needs a code. */
    fx_keys(f, "Enter");
    fx_model_has(f, "stack.2=customer\n");
    fx_model_has(f, "customer.account=3301000003\n");
    assert_int_equal(fx_count(f, "SELECT count(*) FROM tasks WHERE uuid = 't-3301000003' AND"
                                 " state = 'in-progress'"), 1);
    fx_keys(f, "Esc");
    fx_model_has(f, "stack.2=dialog\n");
    fx_golden(f, "today-finish", 0);
    fx_keys(f, "Tab Enter");
    fx_model_has(f, "stack.2=dialog\n");
    fx_golden(f, "today-finish-missing", 0);
    fx_keys(f, "Tab Enter");
    fx_model_has(f, "stack.2=dialog\n"); /* skip without a code */
    fx_keys(f, "Esc");
    fx_model_has(f, "stack.1=today\n");
    /* With the probe's hook: the reading is stored, back offers to complete, done. */
    ui_hooks.read_meter = read_hook;
    ui_hooks.ctx = f;
    fx_keys(f, "Enter");
    fx_model_has(f, "message=reading of 3301000003 stored\n");
    fx_keys(f, "Esc Tab Enter");
    ui_hooks.read_meter = NULL;
    ui_hooks.ctx = NULL;
    fx_model_has(f, "stack.1=today\n");
    assert_int_equal(fx_count(f, "SELECT count(*) FROM tasks WHERE uuid = 't-3301000003' AND"
                                 " state = 'done'"), 1);
    assert_int_equal(fx_count(f, "SELECT count(*) FROM outbox WHERE kind = 'task' AND"
                                 " json_extract(payload, '$.state') = 'done'"), 1);
    /* The highlight moved on to the next stop. */
    fx_model_has(f, "today.next=3301000002\n");
    fx_model_has(f, "today.sel=0\n");
    fx_model_has(f, "today.task.0=3301000002 inspection assigned\n");
    /* Back on Today, no task's work is open any more. */
    assert_null(ui_hook_task_uuid(f->ui));
}

static void test_inspection_jump_skip_fail(void **state)
{
    struct ui_fixture *f = F(state);
    /* The inspection opens the customer's Inspection category, ready for a folder. */
    fx_keys(f, "Down Enter");
    fx_model_has(f, "stack.2=customer\n");
    fx_model_has(f, "stack.3=category\n");
    fx_model_has(f, "category=1\n");
    fx_golden(f, "today-inspection-jump", 0);
    /* Back twice: the finish dialog; skip with a reason code. */
    fx_keys(f, "Esc Esc type:NOACCESS Tab Tab Enter");
    fx_model_has(f, "stack.1=today\n");
    assert_string_equal(fx_text(f, "SELECT state || ' ' || reason_code FROM tasks"
                                    " WHERE uuid = 't-3301000002'"),
                        "skipped NOACCESS");
    /* Fail a meter reading with a trouble code straight from the list (F4 = Finish). */
    fx_keys(f, "Home F4 type:METER-BROKEN Tab Tab Tab Enter");
    assert_string_equal(fx_text(f, "SELECT state || ' ' || reason_code FROM tasks"
                                    " WHERE uuid = 't-3301000003'"),
                        "failed METER-BROKEN");
    fx_model_has(f, "today.next=3302000004\n");
    /* A finished task cannot be opened again. */
    fx_keys(f, "S Home Enter");
    fx_model_has(f, "message=This task is failed already.\n");
    fx_golden(f, "today-after", 0);
}

/* With a topic folder already there, the inspection opens it, one key from a new entry; the
 * entry and a photo complete the task. */
static void test_inspection_into_folder(void **state)
{
    struct ui_fixture *f = F(state);
    sqlite3_exec_for_tests(f, "INSERT INTO folders(uuid, customer_id, category, name, created_at,"
                              " updated_at) SELECT 'f-1', id, 1, '1号变压器', '2026-11-01T00:00:00.000Z',"
                              " '2026-11-01T00:00:00.000Z' FROM customers WHERE account = '3301000002'");
    fx_keys(f, "Down Enter");
    fx_model_has(f, "stack.4=folder\n");
    fx_model_has(f, "folder=1号变压器\n");
    fx_keys(f, "F3 Enter");
    fx_model_has(f, "stack.5=entry\n");
    /* No photo yet: completing says so. */
    fx_keys(f, "Esc Esc Esc Esc Tab Enter");
    fx_model_has(f, "stack.2=dialog\n");
    assert_string_equal(fx_text(f, "SELECT state FROM tasks WHERE uuid = 't-3301000002'"),
                        "in-progress");
    fx_keys(f, "Esc");
    /* A photo (what the media part's pipeline stores), then complete from the list. */
    sqlite3_exec_for_tests(f, "INSERT INTO photos(uuid, entry_id, folder, sha256, bytes, width,"
                              " height, source, taken_at, created_at) SELECT 'p-1', id, 'appearance',"
                              " printf('%064d', 1), 1000, 640, 480, 'file', '2026-11-22T14:03:00.000Z',"
                              " '2026-11-22T14:03:00.000Z' FROM entries");
    fx_keys(f, "F4 Tab Enter");
    assert_string_equal(fx_text(f, "SELECT state FROM tasks WHERE uuid = 't-3301000002'"), "done");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_first_screen_and_order, today_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_filters, today_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_next_stop_distance, today_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_meter_reading_jump_and_back, today_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_inspection_jump_skip_fail, today_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_inspection_into_folder, today_setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
