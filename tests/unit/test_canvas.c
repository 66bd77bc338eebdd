/* test_canvas.c - the text map: golden screen dumps at 80x24 and 120x40 with Chinese
 * labels, and the properties every frame must have (columns add up, labels never collide,
 * unknown positions are said, not drawn). GRIDWALK_UPDATE_GOLDEN=1 rewrites the goldens. */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/geo/canvas.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A meter reader's afternoon near the West Lake: eight customers, five on the route. */
static const struct map_point demo_pts[] = {
    {30.26710, 120.16180, "杭州西湖宾馆", 1, MAP_DONE},
    {30.26840, 120.16420, "王小明", 2, MAP_NEXT},
    {30.26990, 120.16300, "浙江大学附属医院配电房", 3, 0},
    {30.27150, 120.16550, "李华 (meter 3301)", 4, 0},
    {30.27060, 120.16800, "湖滨银泰", 5, 0},
    {30.26600, 120.16700, "陈记面馆", 0, 0},
    {30.27250, 120.16050, "Hangzhou Gas Co.", 0, 0},
    {30.26900, 120.16580, "周大福", 0, 0},
};
static const int demo_route[] = {0, 1, 2, 3, 4};

static struct map_scene demo_scene(void)
{
    struct map_scene s;
    memset(&s, 0, sizeof s);
    s.have_self = 1;
    s.self_lat = 30.26620;
    s.self_lon = 120.16150;
    s.self_acc_m = 25;
    s.pts = demo_pts;
    s.n = (int)(sizeof demo_pts / sizeof demo_pts[0]);
    s.route = demo_route;
    s.n_route = 5;
    s.selected = 1;
    s.status = "GPS 30.26620N 120.16150E ±25 m 8 sats";
    return s;
}

static char *render_dump(int cols, int rows, const struct map_scene *s, struct canvas **keep)
{
    struct canvas *c = canvas_new(cols, rows);
    assert_non_null(c);
    double lat, lon, mpd;
    map_fit(s, cols, rows, &lat, &lon, &mpd);
    canvas_reset(c, lat, lon, mpd);
    canvas_render(c, s);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(canvas_dump(c, f, 1), 0);
    fclose(f);
    if (keep)
        *keep = c;
    else
        canvas_free(c);
    return buf;
}

static void check_golden(const char *name, const char *got)
{
    char path[600];
    const char *top = getenv("GRIDWALK_TOP");
    snprintf(path, sizeof path, "%s/tests/golden/%s", top && *top ? top : ".", name);
    if (getenv("GRIDWALK_UPDATE_GOLDEN")) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(got, f);
        fclose(f);
        return;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "missing golden %s (run with GRIDWALK_UPDATE_GOLDEN=1)\n", path);
        fail();
    }
    char *want = calloc(1, 1 << 20);
    size_t n = fread(want, 1, (1 << 20) - 1, f);
    fclose(f);
    want[n] = '\0';
    if (strcmp(want, got) != 0) {
        fprintf(stderr, "%s differs; got:\n%s\n", path, got);
        free(want);
        fail();
    }
    free(want);
}

/* Every row's glyphs must add up to exactly the canvas width (a wide glyph is followed by
 * an empty cell), or the terminal would shift everything after a Chinese label. */
static void assert_rows_aligned(const struct canvas *c)
{
    for (int r = 0; r < c->rows; r++) {
        int w = 0;
        for (int col = 0; col < c->cols; col++) {
            const char *t = c->cells[(size_t)r * c->cols + col].text;
            w += *t ? canvas_text_width(t) : 0;
        }
        assert_int_equal(w, c->cols);
    }
}

static void test_golden_80x24(void **state)
{
    (void)state;
    struct map_scene s = demo_scene();
    struct canvas *c;
    char *got = render_dump(80, 24, &s, &c);
    check_golden("geo-map-80x24.txt", got);
    assert_rows_aligned(c);
    /* The selected customer, the route and the device are on screen, with distance/bearing. */
    assert_non_null(strstr(got, "王小明: 356 m, bearing 47 NE"));
    assert_non_null(strstr(got, "@"));
    free(got);
    canvas_free(c);
}

static void test_golden_120x40(void **state)
{
    (void)state;
    struct map_scene s = demo_scene();
    struct canvas *c;
    char *got = render_dump(120, 40, &s, &c);
    check_golden("geo-map-120x40.txt", got);
    assert_rows_aligned(c);
    assert_non_null(strstr(got, "浙江大学附属医院配电房"));
    free(got);
    canvas_free(c);
}

static void test_widths(void **state)
{
    (void)state;
    assert_int_equal(canvas_text_width("王小明"), 6);
    assert_int_equal(canvas_text_width("abc"), 3);
    assert_int_equal(canvas_text_width("e\xcc\x81"), 1); /* e + combining acute */
    assert_int_equal(canvas_text_width("ＡＢ"), 4);      /* fullwidth Latin */
    assert_int_equal(canvas_text_width("李华 (meter 3301)"), 17);
}

/* Forty customers in one block: labels may be dropped, never drawn over each other. */
static void test_crowded_labels_do_not_collide(void **state)
{
    (void)state;
    struct map_point pts[40];
    char names[40][32];
    for (int i = 0; i < 40; i++) {
        snprintf(names[i], sizeof names[i], "客户%02d号", i);
        pts[i] =
            (struct map_point){30.27 + 0.0004 * (i % 7), 120.16 + 0.0005 * (i / 7), names[i], 0, 0};
    }
    struct map_scene s;
    memset(&s, 0, sizeof s);
    s.pts = pts;
    s.n = 40;
    s.selected = -1;
    struct canvas *c;
    char *got = render_dump(80, 24, &s, &c);
    assert_rows_aligned(c);
    int placed = 0;
    for (int i = 0; i < 40; i++)
        placed += strstr(got, names[i]) != NULL;
    assert_true(placed > 5);  /* plenty of labels still fit */
    assert_true(placed < 40); /* but not all: the rest were left out rather than overlapped */
    free(got);
    canvas_free(c);
}

static void test_unknowns_are_said_not_drawn(void **state)
{
    (void)state;
    struct map_point pts[2] = {{30.27, 120.16, "有坐标", 0, 0}, {NAN, NAN, "无坐标客户", 0, 0}};
    struct map_scene s;
    memset(&s, 0, sizeof s);
    s.pts = pts;
    s.n = 2;
    s.selected = 0;
    s.status = "GPS no fix";
    char *got = render_dump(80, 24, &s, NULL);
    assert_non_null(strstr(got, "有坐标: distance unknown, no fix"));
    assert_null(strchr(got, '@'));
    assert_null(strstr(got, "无坐标客户"));
    free(got);
    s.selected = 1;
    got = render_dump(80, 24, &s, NULL);
    assert_non_null(strstr(got, "无坐标客户: no coordinates; pin it on site"));
    free(got);
}

static void test_zoom_pan_and_taps(void **state)
{
    (void)state;
    assert_true(map_zoom_step(10, -1) == 7);
    assert_true(map_zoom_step(10, 1) == 15);
    assert_true(map_zoom_step(0.25, -1) == 0.25);
    double lat = 30.27, lon = 120.16;
    map_pan(&lat, &lon, 5, 8, 0);
    assert_true(lon > 120.16 && fabs(lat - 30.27) < 1e-9);
    map_pan(&lat, &lon, 5, -8, 0);
    assert_true(fabs(lon - 120.16) < 1e-9);
    map_pan(&lat, &lon, 5, 0, 3); /* down = south */
    assert_true(lat < 30.27);

    struct map_scene s = demo_scene();
    struct canvas *c;
    char *got = render_dump(80, 24, &s, &c);
    double dx, dy;
    canvas_to_dots(c, demo_pts[3].lat, demo_pts[3].lon, &dx, &dy);
    assert_int_equal(canvas_hit(c, &s, (int)(dy / 4), (int)(dx / 2)), 3);
    double la, lo;
    canvas_cell_latlon(c, (int)(dy / 4), (int)(dx / 2), &la, &lo);
    assert_true(fabs(la - demo_pts[3].lat) < 0.0005 && fabs(lo - demo_pts[3].lon) < 0.0005);
    assert_int_equal(canvas_hit(c, &s, 0, 0), -1);
    free(got);
    canvas_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_widths),
        cmocka_unit_test(test_golden_80x24),
        cmocka_unit_test(test_golden_120x40),
        cmocka_unit_test(test_crowded_labels_do_not_collide),
        cmocka_unit_test(test_unknowns_are_said_not_drawn),
        cmocka_unit_test(test_zoom_pan_and_taps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
