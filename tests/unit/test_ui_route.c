/* test_ui_route.c - the route and map screens in the real UI, headless (tig style).
 *
 * Four tasks in the fixture's store (one customer without coordinates), gpsd pointed at a
 * port where nothing listens: the route screen opens from the search screen's Route button,
 * orders the stops, says plainly that there is no fix, skips with a reason, pins an order by
 * hand and takes the next stop when a task is finished. Golden screens at 80x24 and 120x40 in
 * Chinese for the route and the map screen, and taps on the map. */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/ui_fixture.h"
#include "ui/geo.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define F(state) ((struct ui_fixture *)*(state))

static const char TASKS[] =
    "UPDATE customers SET lat = 30.274500, lon = 120.155400 WHERE account = '3301000003';"
    "UPDATE customers SET lat = 30.275300, lon = 120.156300 WHERE account = '3301000001';"
    "UPDATE customers SET lat = 30.273200, lon = 120.154100 WHERE account = '3302000004';"
    "INSERT INTO tasks(uuid, kind, customer_id, state, updated_at) "
    " SELECT 'task-' || account, 'meter-reading', id, 'assigned', '2026-11-22T00:00:00.000Z'"
    " FROM customers WHERE account IN ('3301000001','3301000002','3301000003','3302000006');"
    "INSERT INTO tasks(uuid, kind, customer_id, state, updated_at) "
    " SELECT 'task-' || account, 'meter-reading', id, 'done', '2026-11-22T00:00:00.000Z'"
    " FROM customers WHERE account = '3302000004';";

static int setup_lang(void **state, const char *lang)
{
    setenv("GRIDWALK_GPSD_PORT", "1", 1);
    setenv("GRIDWALK_GPSD_HOST", "127.0.0.1", 1);
    if (lang)
        setenv("GW_TEST_LANG", lang, 1);
    int rc = fixture_setup(state);
    unsetenv("GW_TEST_LANG");
    if (rc == 0) {
        ui_geo_install(&F(state)->cfg);
        sqlite3_exec_for_tests(F(state), TASKS);
    }
    return rc;
}

static int setup(void **state)
{
    return setup_lang(state, NULL);
}

static int setup_zh(void **state)
{
    return setup_lang(state, "zh_CN");
}

static int teardown(void **state)
{
    ui_geo_uninstall();
    return fixture_teardown(state);
}

static void test_route_opens_and_walks(void **state)
{
    struct ui_fixture *f = F(state);
    fx_keys(f, "F4");
    assert_string_equal(fx_value(f, "route.stops"), "5");
    /* Three stops with coordinates and not done are on the route; the one without is counted. */
    const char *order = fx_value(f, "route.order");
    assert_int_equal(strlen(order), 3 * 10 + 2);
    char *s = fx_screen();
    fx_has(s, "distance and bearing n/a: no GPS fix");
    fx_has(s, "3 to go, 1 done, 0 skipped, 1 without coordinates");
    fx_has(s, "GPS: n/a");
    free(s);
    /* The order is saved to the store. */
    assert_int_equal(fx_count(f, "SELECT count(*) FROM tasks WHERE route_pos IS NOT NULL"), 3);

    /* Pin: the second stop moves first and stays there. */
    char second[16], first[16];
    snprintf(second, sizeof second, "%.10s", order + 11);
    fx_keys(f, "Down o");
    assert_string_equal(fx_value(f, "route.next"), second);
    assert_string_equal(fx_value(f, "route.pinned"), "1");
    assert_string_equal(fx_value(f, "route.selected"), "0");
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT route_pos FROM tasks t JOIN customers c ON c.id = t.customer_id "
             "WHERE c.account = '%s'",
             second);
    assert_int_equal(fx_count(f, sql), 0);

    /* Skip needs a reason; then the route is planned again without that stop. */
    fx_keys(f, "x Enter");
    assert_int_equal(fx_count(f, "SELECT count(*) FROM tasks WHERE state = 'skipped'"), 0);
    s = fx_screen();
    fx_has(s, "Give a reason for skipping.");
    free(s);
    fx_keys(f, "type:locked_gate Tab Enter");
    /* Without a fix the new plan starts from a remaining stop, never from an invented place. */
    snprintf(first, sizeof first, "%s", fx_value(f, "route.next"));
    assert_int_equal(strlen(first), 10);
    assert_string_not_equal(first, second);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM tasks t JOIN customers c ON c.id = t.customer_id "
             "WHERE c.account = '%s' AND t.state = 'skipped' AND t.reason_code = 'locked gate'",
             second);
    assert_int_equal(fx_count(f, sql), 1);
    s = fx_screen();
    fx_has(s, "2 to go, 1 done, 1 skipped, 1 without coordinates");
    free(s);

    /* Next opens the stop's customer page and starts its task. */
    fx_keys(f, "N");
    char *m = fx_model(f);
    char want[64];
    snprintf(want, sizeof want, "customer.account=%s\n", first);
    fx_has(m, want);
    free(m);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM tasks t JOIN customers c ON c.id = t.customer_id "
             "WHERE c.account = '%s' AND t.state = 'in-progress'",
             first);
    assert_int_equal(fx_count(f, sql), 1);
    /* Finished on the customer's pages (the reading part completes it): back on the route
     * screen the next stop is taken. */
    snprintf(sql, sizeof sql,
             "UPDATE tasks SET state = 'done' WHERE customer_id = "
             "(SELECT id FROM customers WHERE account = '%s')",
             first);
    sqlite3_exec_for_tests(f, sql);
    fx_keys(f, "Esc");
    const char *next = fx_value(f, "route.next");
    assert_true(strlen(next) == 10 && strcmp(next, first) != 0 && strcmp(next, second) != 0);
    s = fx_screen();
    fx_has(s, "1 to go, 2 done, 1 skipped, 1 without coordinates");
    free(s);
    /* Re-plan forgets the pins. */
    fx_keys(f, "R");
    assert_string_equal(fx_value(f, "route.pinned"), "0");
}

/* The row of the screen showing text, or -1. */
static int row_of(const char *text)
{
    char *s = fx_screen();
    int row = 0, found = -1;
    for (const char *l = s; *l; row++) {
        size_t n = strcspn(l, "\n");
        const char *hit = strstr(l, text);
        if (hit && hit < l + n) {
            found = row;
            break;
        }
        l += n + (l[n] == '\n');
    }
    free(s);
    return found;
}

/* Customers marked on the search screen, without tasks: the route walks through them, asks
 * after each visit, skips without a reason, and never touches the store's tasks. */
static void test_route_of_marked_customers(void **state)
{
    struct ui_fixture *f = F(state);
    char step[64];
    fx_keys(f, "F2 type:33010000");
    assert_string_equal(fx_value(f, "search.hits"), "3");
    fx_keys(f, "F5 Down Ins");
    assert_string_equal(fx_value(f, "search.marked"), "2");
    char *s = fx_screen();
    fx_has(s, "2 marked: Route walks through them.");
    free(s);
    /* The check column takes taps: unmark the first, mark the third, mark the first again. */
    char acc[16];
    snprintf(acc, sizeof acc, "%.10s", fx_value(f, "search.hit.0"));
    int y = row_of(acc);
    assert_true(y > 0);
    snprintf(step, sizeof step, "tap:%d,0", y);
    fx_keys(f, step);
    assert_string_equal(fx_value(f, "search.marked"), "1");
    snprintf(step, sizeof step, "tap:%d,0 tap:%d,0", y + 2, y);
    fx_keys(f, step);
    assert_string_equal(fx_value(f, "search.marked"), "3");

    fx_keys(f, "F4");
    assert_string_equal(fx_value(f, "route.mode"), "customers");
    assert_string_equal(fx_value(f, "route.stops"), "3");
    s = fx_screen();
    fx_has(s, "Route of 3 customers");
    fx_has(s, "3 to go, 0 done, 0 skipped, 0 without coordinates");
    fx_has(s, "distance and bearing n/a: no GPS fix");
    free(s);

    /* A visit: the customer's page opens; back on the route, Done moves on. */
    char first[16];
    snprintf(first, sizeof first, "%s", fx_value(f, "route.next"));
    fx_keys(f, "N");
    char *m = fx_model(f);
    char want[64];
    snprintf(want, sizeof want, "customer.account=%s\n", first);
    fx_has(m, want);
    free(m);
    fx_keys(f, "Esc");
    s = fx_screen();
    fx_has(s, "Done with ");
    free(s);
    fx_keys(f, "Enter");
    assert_string_not_equal(fx_value(f, "route.next"), first);
    s = fx_screen();
    fx_has(s, "2 to go, 1 done, 0 skipped");
    free(s);

    /* Not yet keeps the stop; Skip takes it off without asking for a reason. */
    char second[16];
    snprintf(second, sizeof second, "%s", fx_value(f, "route.next"));
    fx_keys(f, "N Esc Esc");
    assert_string_equal(fx_value(f, "route.next"), second);
    fx_keys(f, "x");
    s = fx_screen();
    fx_has(s, "1 to go, 1 done, 1 skipped");
    free(s);
    /* Nothing of this touched the day's tasks. */
    assert_int_equal(fx_count(f, "SELECT count(*) FROM tasks WHERE state IN "
                                 "('in-progress','skipped') OR route_pos IS NOT NULL"),
                     0);
    /* Back on the search, the marks are still there for the next walk. */
    fx_keys(f, "F2");
    assert_string_equal(fx_value(f, "search.marked"), "3");
}

static void test_route_goldens_zh(void **state)
{
    struct ui_fixture *f = F(state);
    fx_keys(f, "F4");
    fx_golden(f, "route-zh-80x24", 0);
    fx_keys(f, "resize:120x40");
    fx_golden(f, "route-zh-120x40", 0);
}

static void test_map_goldens_zh(void **state)
{
    struct ui_fixture *f = F(state);
    fx_keys(f, "type:3301000002 Enter l");
    fx_golden(f, "map-zh-80x24", 0);
    fx_keys(f, "resize:120x40");
    fx_golden(f, "map-zh-120x40", 0);
}

/* The screen cell holding the marker "o" drawn just left of a label starting with c0. */
static int find_marker(int *y, int *x)
{
    for (int r = 1; r < LINES - 1; r++)
        for (int c = 0; c + 2 < COLS; c++)
            if ((mvinch(r, c) & A_CHARTEXT) == 'o' && (mvinch(r, c + 1) & A_CHARTEXT) == ' ' &&
                (mvinch(r, c + 2) & A_CHARTEXT) > 0x7f) {
                *y = r;
                *x = c;
                return 1;
            }
    return 0;
}

static void test_map_taps(void **state)
{
    struct ui_fixture *f = F(state);
    char step[64];
    int y = 0, x = 0;
    fx_keys(f, "type:3301000002 Enter l");
    assert_string_equal(fx_value(f, "map.selected"), "3301000002");
    /* The Zoom - button under the map. */
    double before = atof(fx_value(f, "map.m_per_dot"));
    snprintf(step, sizeof step, "tap:%d,%d", LINES - 3, 12);
    fx_keys(f, step);
    assert_true(atof(fx_value(f, "map.m_per_dot")) > before);
    fx_keys(f, "l");
    /* A tap on the other customer selects it; a second tap opens its page. */
    assert_true(find_marker(&y, &x));
    snprintf(step, sizeof step, "tap:%d,%d", y, x);
    fx_keys(f, step);
    assert_string_equal(fx_value(f, "map.selected"), "3301000003");
    assert_string_equal(fx_value(f, "map.account"), "3301000002");
    char *s = fx_screen();
    fx_has(s, "王五电器商行");
    free(s);
    int y2 = 0, x2 = 0;
    for (y2 = 1; y2 < LINES; y2++)
        for (x2 = 0; x2 < COLS; x2++)
            if ((mvinch(y2, x2) & A_CHARTEXT) == 'O' && (mvinch(y2, x2) & A_REVERSE))
                goto found;
    fail_msg("the selected marker is not drawn");
found:
    snprintf(step, sizeof step, "tap:%d,%d", y2, x2);
    fx_keys(f, step);
    char *m = fx_model(f);
    fx_has(m, "customer.account=3301000003\n");
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_route_opens_and_walks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_route_of_marked_customers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_route_goldens_zh, setup_zh, teardown),
        cmocka_unit_test_setup_teardown(test_map_goldens_zh, setup_zh, teardown),
        cmocka_unit_test_setup_teardown(test_map_taps, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
