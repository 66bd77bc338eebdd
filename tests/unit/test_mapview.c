/* test_mapview.c - the map screen's actions as a user drives them: locate a customer, zoom,
 * pan, follow the device, tap a marker, fit, resize, and a map without any position. */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/geo/mapview.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const struct map_point pts[] = {
    {30.26710, 120.16180, "杭州西湖宾馆", 0, 0},
    {30.26840, 120.16420, "王小明", 0, 0},
    {30.27150, 120.16550, "李华", 0, 0},
};

static struct map_scene scene(int selected)
{
    struct map_scene s;
    memset(&s, 0, sizeof s);
    s.have_self = 1;
    s.self_lat = 30.26620;
    s.self_lon = 120.16150;
    s.self_acc_m = NAN;
    s.pts = pts;
    s.n = 3;
    s.selected = selected;
    return s;
}

/* Where the marker of point i is on the canvas, or -1. */
static void cell_of(const struct mapview *v, double lat, double lon, int *row, int *col)
{
    double dx, dy;
    canvas_to_dots(v->canvas, lat, lon, &dx, &dy);
    *row = (int)floor(dy / 4);
    *col = (int)floor(dx / 2);
}

static int text_on_row(const struct canvas *c, int row, const char *want)
{
    char line[4096] = "";
    size_t k = 0;
    for (int col = 0; col < c->cols; col++) {
        const char *t = c->cells[(size_t)row * c->cols + col].text;
        size_t l = strlen(t);
        if (k + l + 1 >= sizeof line)
            break;
        memcpy(line + k, t, l);
        k += l;
    }
    line[k] = '\0';
    return strstr(line, want) != NULL;
}

static void test_locate_centres_the_customer(void **state)
{
    (void)state;
    struct mapview v;
    assert_int_equal(mapview_init(&v, 80, 22, NULL), GW_OK);
    struct map_scene s = scene(1);
    mapview_center_on(&v, pts[1].lat, pts[1].lon, MAPVIEW_LOCATE_M_PER_DOT);
    const struct canvas *c = mapview_render(&v, &s);
    int r, col;
    cell_of(&v, pts[1].lat, pts[1].lon, &r, &col);
    assert_int_equal(r, 11);
    assert_int_equal(col, 40);
    assert_string_equal(c->cells[(size_t)r * c->cols + col].text, "O");
    assert_int_equal(c->cells[(size_t)r * c->cols + col].role, CR_SELECTED);
    assert_true(text_on_row(c, 0, "王小明: 356 m, bearing 47 NE"));

    /* "Locate" zooms out just enough to show the device as well, still centred. */
    assert_int_equal(mapview_locate(&v, &s, 1), 0);
    c = mapview_render(&v, &s);
    assert_true(v.m_per_dot > MAPVIEW_LOCATE_M_PER_DOT);
    cell_of(&v, pts[1].lat, pts[1].lon, &r, &col);
    assert_true(r == 11 && col == 40);
    cell_of(&v, s.self_lat, s.self_lon, &r, &col);
    assert_true(r >= 0 && r < 22 && col >= 0 && col < 80);
    assert_string_equal(c->cells[(size_t)r * c->cols + col].text, "@");
    /* Without a fix it stays close in. */
    s.have_self = 0;
    assert_int_equal(mapview_locate(&v, &s, 1), 0);
    assert_true(v.m_per_dot == MAPVIEW_LOCATE_M_PER_DOT);
    mapview_done(&v);
}

static void test_zoom_and_pan(void **state)
{
    (void)state;
    struct mapview v;
    assert_int_equal(mapview_init(&v, 80, 22, NULL), GW_OK);
    struct map_scene s = scene(1);
    mapview_center_on(&v, pts[1].lat, pts[1].lon, 2);
    assert_int_equal(mapview_action(&v, MV_ZOOM_OUT, &s), 1);
    assert_true(v.m_per_dot == 3);
    assert_int_equal(mapview_action(&v, MV_ZOOM_IN, &s), 1);
    assert_int_equal(mapview_action(&v, MV_ZOOM_IN, &s), 1);
    assert_true(v.m_per_dot == 1.5);
    for (int i = 0; i < 10; i++)
        mapview_action(&v, MV_ZOOM_IN, &s);
    assert_int_equal(mapview_action(&v, MV_ZOOM_IN, &s), 0); /* the last level */
    mapview_center_on(&v, pts[1].lat, pts[1].lon, 2);
    /* Panning right moves the view east: the customer moves a quarter width to the left. */
    assert_int_equal(mapview_action(&v, MV_PAN_RIGHT, &s), 1);
    mapview_render(&v, &s);
    int r, col;
    cell_of(&v, pts[1].lat, pts[1].lon, &r, &col);
    assert_in_range(col, 19, 20); /* 40 - 20, give or take rounding at a cell edge */
    assert_int_equal(mapview_action(&v, MV_PAN_DOWN, &s), 1); /* view south: marker up */
    mapview_render(&v, &s);
    cell_of(&v, pts[1].lat, pts[1].lon, &r, &col);
    assert_in_range(r, 5, 6); /* 11 - 5 */
    assert_int_equal(mapview_action(&v, MV_CENTER_SELECTED, &s), 1);
    mapview_render(&v, &s);
    cell_of(&v, pts[1].lat, pts[1].lon, &r, &col);
    assert_true(r == 11 && col == 40);
    mapview_done(&v);
}

static void test_follow_the_device(void **state)
{
    (void)state;
    struct mapview v;
    assert_int_equal(mapview_init(&v, 80, 22, NULL), GW_OK);
    struct map_scene s = scene(-1);
    assert_int_equal(mapview_action(&v, MV_CENTER_SELF, &s), 1);
    assert_int_equal(v.follow, 1);
    s.self_lat += 0.0005; /* the reader walks 55 m north */
    const struct canvas *c = mapview_render(&v, &s);
    int r, col;
    cell_of(&v, s.self_lat, s.self_lon, &r, &col);
    assert_true(r == 11 && col == 40);
    assert_string_equal(c->cells[(size_t)r * c->cols + col].text, "@");
    /* Panning stops following; without a fix there is nothing to centre on. */
    mapview_action(&v, MV_PAN_LEFT, &s);
    assert_int_equal(v.follow, 0);
    s.have_self = 0;
    assert_int_equal(mapview_action(&v, MV_CENTER_SELF, &s), 0);
    mapview_done(&v);
}

static void test_taps(void **state)
{
    (void)state;
    struct mapview v;
    assert_int_equal(mapview_init(&v, 80, 22, NULL), GW_OK);
    struct map_scene s = scene(-1);
    mapview_center_on(&v, pts[1].lat, pts[1].lon, 2);
    mapview_render(&v, &s);
    int r, col;
    cell_of(&v, pts[2].lat, pts[2].lon, &r, &col);
    assert_int_equal(mapview_tap(&v, &s, r, col), 2);
    /* A tap on empty map centres there. */
    assert_int_equal(mapview_tap(&v, &s, 15, 10), -1);
    mapview_render(&v, &s);
    double lat, lon;
    canvas_cell_latlon(v.canvas, 11, 40, &lat, &lon);
    assert_true(lat < pts[1].lat && lon < pts[1].lon);
    mapview_done(&v);
}

static void test_fit_resize_and_no_position(void **state)
{
    (void)state;
    struct mapview v;
    assert_int_equal(mapview_init(&v, 80, 22, NULL), GW_OK);
    struct map_scene s = scene(-1);
    /* The first render fits everything in. */
    mapview_render(&v, &s);
    for (int i = 0; i < 3; i++) {
        int r, col;
        cell_of(&v, pts[i].lat, pts[i].lon, &r, &col);
        assert_true(r >= 0 && r < 22 && col >= 0 && col < 80);
    }
    assert_int_equal(mapview_resize(&v, 120, 38, NULL), GW_OK);
    double before = v.m_per_dot;
    mapview_render(&v, &s);
    assert_true(v.m_per_dot == before);
    struct err e = {0};
    assert_int_equal(mapview_resize(&v, 10, 3, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "20 x 6"));
    mapview_done(&v);

    /* No fix and no customer with coordinates: the map says so and draws no position. */
    struct map_point none[1] = {{NAN, NAN, "无坐标", 0, 0}};
    struct map_scene empty;
    memset(&empty, 0, sizeof empty);
    empty.pts = none;
    empty.n = 1;
    empty.selected = -1;
    empty.status = "GPS no fix";
    assert_int_equal(mapview_init(&v, 80, 22, NULL), GW_OK);
    const struct canvas *c = mapview_render(&v, &empty);
    assert_true(text_on_row(c, 21, "GPS no fix"));
    for (int i = 0; i < c->rows * c->cols; i++)
        assert_true(strcmp(c->cells[i].text, "@") != 0);
    mapview_done(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_locate_centres_the_customer), cmocka_unit_test(test_zoom_and_pan),
        cmocka_unit_test(test_follow_the_device),           cmocka_unit_test(test_taps),
        cmocka_unit_test(test_fit_resize_and_no_position),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
