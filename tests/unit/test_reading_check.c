/* test_reading_check.c - the plausibility rules: rollover, high limit from history, zero
 * consumption, below previous, manual double entry, reason codes. */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/reading_check.h"

#include <math.h>
#include <string.h>

#define DAY 86400.0

static void test_no_history(void **state)
{
    (void)state;
    struct reading_verdict v;
    reading_check(1000, 100 * DAY, NULL, 0, NULL, &v);
    assert_int_equal(v.flags, RC_NO_HISTORY);
    assert_true(isnan(v.consumption));
    assert_true(isnan(v.high_limit));
}

static void test_normal_consumption_is_ok(void **state)
{
    (void)state;
    /* 10 kWh a day for 60 days, read 30 days after the last reading with 310 kWh used. */
    const struct reading_prev h[] = {{1600, 60 * DAY}, {1300, 30 * DAY}, {1000, 0}};
    struct reading_verdict v;
    reading_check(1910, 90 * DAY, h, 3, NULL, &v);
    assert_int_equal(v.flags, 0);
    assert_true(fabs(v.consumption - 310) < 1e-9);
    assert_true(fabs(v.high_limit - 900) < 1e-9); /* 10/day x 30 days x 3 */
    char text[64];
    reading_flags_text(v.flags, text, sizeof text);
    assert_string_equal(text, "ok");
}

static void test_high_limit_from_history(void **state)
{
    (void)state;
    const struct reading_prev h[] = {{1600, 60 * DAY}, {1300, 30 * DAY}, {1000, 0}};
    struct reading_verdict v;
    reading_check(2600, 90 * DAY, h, 3, NULL, &v);
    assert_int_equal(v.flags, RC_HIGH);
    /* A tiny history still allows the floor of 50 kWh. */
    const struct reading_prev quiet[] = {{100.5, 30 * DAY}, {100, 0}};
    reading_check(140, 60 * DAY, quiet, 2, NULL, &v);
    assert_int_equal(v.flags, 0);
    assert_true(fabs(v.high_limit - 50) < 1e-9);
    reading_check(151, 60 * DAY, quiet, 2, NULL, &v);
    assert_int_equal(v.flags, RC_HIGH);
}

static void test_zero_consumption(void **state)
{
    (void)state;
    const struct reading_prev h[] = {{1234.5, 0}};
    struct reading_verdict v;
    reading_check(1234.5, DAY, h, 1, NULL, &v);
    assert_int_equal(v.flags, RC_ZERO);
    assert_true(v.consumption == 0);
}

static void test_rollover_and_below_previous(void **state)
{
    (void)state;
    /* 999,950.00 then 000,040.00: the six-digit register wrapped, 90 kWh used. */
    const struct reading_prev h[] = {{999950, 30 * DAY}, {999650, 0}};
    struct reading_verdict v;
    reading_check(40, 60 * DAY, h, 2, NULL, &v);
    assert_int_equal(v.flags, RC_ROLLOVER);
    assert_true(fabs(v.consumption - 90) < 1e-6);
    /* Far below the previous value: not a plausible wrap. */
    const struct reading_prev h2[] = {{5000, 30 * DAY}, {4700, 0}};
    reading_check(4000, 60 * DAY, h2, 2, NULL, &v);
    assert_int_equal(v.flags, RC_BELOW_PREVIOUS);
    assert_true(fabs(v.consumption + 1000) < 1e-9);
    /* A wider register (8 digits) does not wrap at a million. */
    struct reading_check_cfg cfg = {.integer_digits = 8};
    reading_check(40, 60 * DAY, h, 2, &cfg, &v);
    assert_int_equal(v.flags, RC_BELOW_PREVIOUS);
    char text[64];
    reading_flags_text(RC_HIGH | RC_ZERO, text, sizeof text);
    assert_string_equal(text, "high,zero");
}

static void test_manual_double_entry(void **state)
{
    (void)state;
    char out[32];
    struct err e = {0};
    assert_int_equal(reading_manual_match("012345.60", "12345.6", out, sizeof out, &e), GW_OK);
    assert_string_equal(out, "12345.6");
    assert_int_equal(reading_manual_match("12345.6", "12354.6", out, sizeof out, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "differ"));
    assert_int_equal(reading_manual_match("12a45", "12a45", out, sizeof out, &e), GW_EINVAL);
    assert_int_equal(reading_manual_match("1.2.3", "1.2.3", out, sizeof out, &e), GW_EINVAL);
    assert_int_equal(reading_manual_match("", "", out, sizeof out, &e), GW_EINVAL);
    assert_int_equal(reading_manual_match(".5", "0.50", out, sizeof out, &e), GW_OK);
    assert_string_equal(out, "0.5");
}

static void test_reason_codes(void **state)
{
    (void)state;
    assert_int_equal(reading_reason_find("PROBE_FAILED")->kind, REASON_MANUAL);
    assert_int_equal(reading_reason_find("DOG")->kind, REASON_SKIP);
    assert_int_equal(reading_reason_find("SEAL_BROKEN")->kind, REASON_TROUBLE);
    assert_null(reading_reason_find("NOPE"));
    assert_null(reading_reason_find(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_history),
        cmocka_unit_test(test_normal_consumption_is_ok),
        cmocka_unit_test(test_high_limit_from_history),
        cmocka_unit_test(test_zero_consumption),
        cmocka_unit_test(test_rollover_and_below_previous),
        cmocka_unit_test(test_manual_double_entry),
        cmocka_unit_test(test_reason_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
