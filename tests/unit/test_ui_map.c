/* test_ui_map.c - the map screen in the real UI, headless (tig style): the customer page's
 * Locate opens the map centred on the customer with the customers around, the status line
 * and the map say plainly that there is no position, and the keys pan and zoom. gpsd is
 * pointed at a port where nothing listens, so the test is hermetic. */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/ui_fixture.h"
#include "ui/geo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define F(state) ((struct ui_fixture *)*(state))

static int setup(void **state)
{
    setenv("GRIDWALK_GPSD_PORT", "1", 1);
    setenv("GRIDWALK_GPSD_HOST", "127.0.0.1", 1);
    int rc = fixture_setup(state);
    if (rc == 0)
        ui_geo_install(&F(state)->cfg);
    return rc;
}

static int teardown(void **state)
{
    ui_geo_uninstall();
    return fixture_teardown(state);
}

static void test_locate_opens_the_map(void **state)
{
    struct ui_fixture *f = F(state);
    /* A second customer 60 m away, to be shown around the first. */
    sqlite3_exec_for_tests(f, "UPDATE customers SET lat = 30.274500, lon = 120.155400 "
                              "WHERE account = '3301000003'");
    fx_keys(f, "type:3301000002 Enter");
    char *m = fx_model(f);
    fx_has(m, "customer.account=3301000002\n");
    free(m);
    fx_keys(f, "l");
    m = fx_model(f);
    fx_has(m, "map.account=3301000002\n");
    fx_has(m, "map.lat=30.2740");
    fx_has(m, "map.m_per_dot=2\n");
    fx_has(m, "map.around=2\n");
    free(m);
    char *s = fx_screen();
    fx_has(s, "李四: distance unknown, no fix");
    fx_has(s, "王五电器商行");
    fx_has(s, "GPS: n/a");
    free(s);
    /* Zoom out, pan, and back to the customer page. */
    fx_keys(f, "PgDn");
    m = fx_model(f);
    fx_has(m, "map.m_per_dot=3\n");
    free(m);
    fx_keys(f, "Up");
    m = fx_model(f);
    if (strstr(m, "map.lat=30.2740")) {
        fprintf(stderr, "# panning north did not move the map:\n%s", m);
        free(m);
        fail();
    }
    free(m);
    fx_keys(f, "l");
    m = fx_model(f);
    fx_has(m, "map.lat=30.2740");
    free(m);
    fx_keys(f, "Esc");
    m = fx_model(f);
    fx_has(m, "customer.account=3301000002\n");
    free(m);
}

/* A customer without coordinates: the map says so instead of inventing a place. */
static void test_locate_without_coordinates(void **state)
{
    struct ui_fixture *f = F(state);
    fx_keys(f, "type:3302000006 Enter l");
    char *m = fx_model(f);
    fx_has(m, "map.account=3302000006\n");
    free(m);
    char *s = fx_screen();
    fx_has(s, "GPS: n/a");
    fx_has(s, "钱七: no coordinates; pin it on site");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_locate_opens_the_map, setup, teardown),
        cmocka_unit_test_setup_teardown(test_locate_without_coordinates, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
