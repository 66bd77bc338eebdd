/* test_geodesy.c - distances, bearings, the local projection and the fix texts people read. */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/geo/geodesy.h"
#include "app/geo/gpsclient.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static double dms(int d, int m, double s)
{
    double v = abs(d) + m / 60.0 + s / 3600.0;
    return d < 0 ? -v : v;
}

/* Vincenty's own test line (Flinders Peak to Buninyong), distance and azimuth as published. */
static void test_vincenty_reference_line(void **state)
{
    (void)state;
    double az;
    double d = geo_inverse(dms(-37, 57, 3.72030), dms(144, 25, 29.52440), dms(-37, 39, 10.15610),
                           dms(143, 55, 35.38390), &az);
    assert_true(fabs(d - 54972.271) < 0.001);
    assert_true(fabs(az - dms(306, 52, 5.37)) < 1.0 / 3600);
}

static void test_city_distances_and_bearings(void **state)
{
    (void)state;
    /* 1' of latitude at 30N is 1847.6 m on WGS-84. */
    double d = geo_distance_m(30.0, 120.0, 30.0 + 1.0 / 60, 120.0);
    assert_true(fabs(d - 1847.6) < 0.5);
    assert_true(fabs(geo_bearing_deg(30.0, 120.0, 30.01, 120.0) - 0.0) < 1e-6);
    assert_true(fabs(geo_bearing_deg(30.0, 120.0, 30.0, 120.01) - 90.0) < 0.01);
    assert_true(fabs(geo_bearing_deg(30.0, 120.0, 29.99, 120.0) - 180.0) < 1e-6);
    /* Hangzhou to Beijing: the sphere is within 0.5% of the ellipsoid. */
    double e = geo_distance_m(30.2741, 120.1551, 39.9042, 116.4074);
    double h = geo_haversine_m(30.2741, 120.1551, 39.9042, 116.4074);
    assert_true(e > 1120000 && e < 1135000);
    assert_true(fabs(h - e) / e < 0.005);
}

static void test_fast_distance_agrees(void **state)
{
    (void)state;
    /* City scale: a part in 10^5 of the ellipsoidal distance; 100 km: a part in 10^4. */
    for (int i = 0; i < 50; i++) {
        double la = 30.2 + 0.002 * i, lo = 120.1 + 0.0017 * i;
        double v = geo_distance_m(30.25, 120.15, la, lo);
        double f = geo_fast_distance_m(30.25, 120.15, la, lo);
        if (v > 0)
            assert_true(fabs(f - v) / v < 1e-5);
    }
    double v = geo_distance_m(30.0, 120.0, 30.6, 120.7);
    assert_true(fabs(geo_fast_distance_m(30.0, 120.0, 30.6, 120.7) - v) / v < 1e-4);
}

static void test_unknown_stays_unknown(void **state)
{
    (void)state;
    double az = 0;
    assert_true(isnan(geo_inverse(NAN, 120, 30, 120, &az)));
    assert_true(isnan(az));
    assert_true(geo_inverse(30, 120, 30, 120, &az) == 0);
    assert_true(isnan(az));
    assert_string_equal(geo_compass8(NAN), "?");
    assert_false(geo_valid(0, 0));
    assert_false(geo_valid(NAN, 120));
    assert_false(geo_valid(91, 120));
    assert_true(geo_valid(30.27, 120.15));
}

static void test_compass(void **state)
{
    (void)state;
    assert_string_equal(geo_compass8(0), "N");
    assert_string_equal(geo_compass8(359), "N");
    assert_string_equal(geo_compass8(44), "NE");
    assert_string_equal(geo_compass8(91), "E");
    assert_string_equal(geo_compass8(180), "S");
    assert_string_equal(geo_compass8(250), "W");
    assert_string_equal(geo_compass8(-45), "NW");
}

static void test_projection(void **state)
{
    (void)state;
    struct geo_proj p;
    geo_proj_init(&p, 30.27, 120.15);
    double x, y, lat, lon;
    geo_project(&p, 30.28, 120.16, &x, &y);
    geo_unproject(&p, x, y, &lat, &lon);
    assert_true(fabs(lat - 30.28) < 1e-12 && fabs(lon - 120.16) < 1e-12);
    /* Projected distance agrees with the ellipsoid to 1e-4 within a city. */
    double planar = sqrt(x * x + y * y);
    double real = geo_distance_m(30.27, 120.15, 30.28, 120.16);
    assert_true(fabs(planar - real) / real < 1e-4);
    assert_true(x > 0 && y > 0);
}

static void test_parse_and_format(void **state)
{
    (void)state;
    double lat, lon;
    assert_int_equal(geo_parse_latlon("30.2741,120.1551", &lat, &lon), 0);
    assert_true(lat == 30.2741 && lon == 120.1551);
    assert_int_equal(geo_parse_latlon(" -33.9 , 151.2", &lat, &lon), 0);
    assert_int_equal(geo_parse_latlon("30.27", &lat, &lon), -1);
    assert_int_equal(geo_parse_latlon("30.27,abc", &lat, &lon), -1);
    assert_int_equal(geo_parse_latlon("95,120", &lat, &lon), -1);
    assert_int_equal(geo_parse_latlon("0,0", &lat, &lon), -1);
    char b[32];
    geo_format_distance(850.4, b, sizeof b);
    assert_string_equal(b, "850 m");
    geo_format_distance(12345, b, sizeof b);
    assert_string_equal(b, "12.3 km");
    geo_format_distance(NAN, b, sizeof b);
    assert_string_equal(b, "n/a");
}

static struct gps_fixinfo fix_base(void)
{
    struct gps_fixinfo f;
    memset(&f, 0, sizeof f);
    f.lat = f.lon = f.alt_m = f.eph_m = f.epv_m = f.speed_mps = f.track_deg = f.age_s = NAN;
    f.sats_used = f.sats_visible = -1;
    return f;
}

static void test_fix_texts(void **state)
{
    (void)state;
    char b[512];
    struct gps_fixinfo f = fix_base();
    f.state = GPSC_NO_GPSD;
    gps_fixinfo_status(&f, b, sizeof b);
    assert_string_equal(b, "GPS: gpsd not running");
    gps_fixinfo_json(&f, b, sizeof b);
    assert_non_null(strstr(b, "\"state\":\"no-gpsd\""));
    assert_non_null(strstr(b, "\"lat\":null"));
    assert_non_null(strstr(b, "\"eph_m\":null"));
    assert_non_null(strstr(b, "\"sats_used\":null"));

    f.state = GPSC_FIX;
    f.have_fix = 1;
    f.mode = 3;
    f.lat = 30.27412;
    f.lon = 120.15508;
    f.eph_m = 4.2;
    f.sats_used = 8;
    f.age_s = 0.3;
    gps_fixinfo_status(&f, b, sizeof b);
    assert_string_equal(b, "GPS 30.27412N 120.15508E ±4 m 8 sats");
    assert_true(gps_fixinfo_good_enough(&f, 10));
    assert_false(gps_fixinfo_good_enough(&f, 3));

    f.state = GPSC_STALE;
    f.age_s = 42;
    gps_fixinfo_status(&f, b, sizeof b);
    assert_string_equal(b, "GPS stale: last fix 42 s ago");
    assert_false(gps_fixinfo_good_enough(&f, 100));

    f.state = GPSC_NO_FIX;
    f.age_s = 150;
    gps_fixinfo_status(&f, b, sizeof b);
    assert_string_equal(b, "GPS no fix (last 2 min ago)");

    /* Unknown accuracy is never good enough to pin a customer. */
    f.state = GPSC_FIX;
    f.eph_m = NAN;
    assert_false(gps_fixinfo_good_enough(&f, 1000));
}

static void test_client_without_gpsd(void **state)
{
    (void)state;
    /* Port 1 on loopback: nothing listens; the client must say so, not invent a fix. */
    struct gpsclient *c = gpsclient_new("127.0.0.1", "1", 2);
    assert_non_null(c);
    double now = gpsclient_now();
    gpsclient_tick(c, now);
    struct gps_fixinfo f;
    gpsclient_get(c, now, &f);
    assert_int_equal(f.state, GPSC_NO_GPSD);
    assert_int_equal(f.have_fix, 0);
    assert_true(isnan(f.lat));
    assert_int_equal(gpsclient_fd(c), -1);
    assert_non_null(strstr(gpsclient_last_error(c), "127.0.0.1:1"));
    assert_true(gpsclient_timeout_ms(c, now) > 0);
    gpsclient_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vincenty_reference_line),
        cmocka_unit_test(test_city_distances_and_bearings),
        cmocka_unit_test(test_fast_distance_agrees),
        cmocka_unit_test(test_unknown_stays_unknown),
        cmocka_unit_test(test_compass),
        cmocka_unit_test(test_projection),
        cmocka_unit_test(test_parse_and_format),
        cmocka_unit_test(test_fix_texts),
        cmocka_unit_test(test_client_without_gpsd),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
