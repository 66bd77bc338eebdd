/* test_trip.c - the day's route as it is walked: next, finish, skip, add, pins, lost fix. */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/geo/geodesy.h"
#include "app/geo/trip.h"

#include <math.h>
#include <string.h>

/* Stops along a street going north from the reader, 100 m apart, listed out of order. */
static const double street[][2] = {
    {30.2710, 120.1600}, {30.2692, 120.1600}, {30.2701, 120.1600},
    {30.2683, 120.1600}, {30.2719, 120.1600}, {30.2674, 120.1600},
};
#define N_STREET 6
static const double here_lat = 30.2665, here_lon = 120.1600;

static void setup_trip(struct trip *t)
{
    trip_init(t);
    t->max_iters = 100;
    for (int i = 0; i < N_STREET; i++)
        assert_int_equal(trip_add(t, 100 + i, street[i][0], street[i][1], NULL), i);
    assert_int_equal(trip_plan(t, here_lat, here_lon, NULL), GW_OK);
}

static void test_plan_walks_the_street_in_order(void **state)
{
    (void)state;
    struct trip t;
    setup_trip(&t);
    static const int want[N_STREET] = {5, 3, 1, 2, 0, 4};
    assert_int_equal(t.n_order, N_STREET);
    assert_memory_equal(t.order, want, sizeof want);
    double d, b;
    trip_next_leg(&t, here_lat, here_lon, &d, &b);
    assert_true(fabs(d - 99.8) < 1);
    assert_true(fabs(b) < 0.01); /* due north */
    assert_true(fabs(trip_remaining_m(&t, here_lat, here_lon) - 5.4 * 110.85) < 5);
    trip_done(&t);
}

static void test_finish_moves_to_the_next_stop(void **state)
{
    (void)state;
    struct trip t;
    setup_trip(&t);
    assert_int_equal(trip_next(&t), 5);
    assert_int_equal(trip_finish(&t, 5, NULL), GW_OK);
    assert_int_equal(trip_next(&t), 3);
    assert_int_equal(trip_finish(&t, 3, NULL), GW_OK);
    int p, dn, sk, un;
    trip_counts(&t, &p, &dn, &sk, &un);
    assert_int_equal(p, 4);
    assert_int_equal(dn, 2);
    assert_int_equal(trip_finish(&t, 99, NULL), GW_EINVAL);
    trip_done(&t);
}

static void test_skip_and_add_replan(void **state)
{
    (void)state;
    struct trip t;
    setup_trip(&t);
    /* Skipping the next stop re-plans without it. */
    assert_int_equal(trip_skip(&t, 5, here_lat, here_lon, NULL), GW_OK);
    assert_int_equal(trip_next(&t), 3);
    for (int q = 0; q < t.n_order; q++)
        assert_int_not_equal(t.order[q], 5);
    /* A stop added right beside the reader becomes the next one. */
    assert_int_equal(trip_add_and_plan(&t, 200, 30.2668, 120.1601, here_lat, here_lon, NULL),
                     GW_OK);
    assert_int_equal(trip_next(&t), 6);
    assert_int_equal(t.stops[6].id, 200);
    assert_int_equal(t.n_order, 6);
    trip_done(&t);
}

static void test_pinned_order_survives_replanning(void **state)
{
    (void)state;
    struct trip t;
    setup_trip(&t);
    int pins[2] = {4, 1}; /* the far end first, then back */
    assert_int_equal(trip_pin(&t, pins, 2, here_lat, here_lon, NULL), GW_OK);
    assert_int_equal(t.order[0], 4);
    assert_int_equal(t.order[1], 1);
    assert_int_equal(t.n_pinned, 2);
    /* Skipping another stop keeps the pins first. */
    assert_int_equal(trip_skip(&t, 2, here_lat, here_lon, NULL), GW_OK);
    assert_int_equal(t.order[0], 4);
    assert_int_equal(t.order[1], 1);
    /* Finishing the first pinned stop leaves the second one next. */
    assert_int_equal(trip_finish(&t, 4, NULL), GW_OK);
    assert_int_equal(trip_next(&t), 1);
    assert_int_equal(t.n_pinned, 1);
    int bad[2] = {3, 3};
    assert_int_equal(trip_pin(&t, bad, 2, here_lat, here_lon, NULL), GW_EINVAL);
    int done_one[1] = {4};
    assert_int_equal(trip_pin(&t, done_one, 1, here_lat, here_lon, NULL), GW_EINVAL);
    trip_done(&t);
}

static void test_unknowns(void **state)
{
    (void)state;
    struct trip t;
    setup_trip(&t);
    /* A stop without coordinates is kept, counted, and never placed. */
    assert_int_equal(trip_add_and_plan(&t, 300, NAN, NAN, here_lat, here_lon, NULL), GW_OK);
    int p, dn, sk, un;
    trip_counts(&t, &p, &dn, &sk, &un);
    assert_int_equal(p, 7);
    assert_int_equal(un, 1);
    assert_int_equal(t.n_order, 6);
    /* Losing the fix keeps the next stop where it was. */
    int next = trip_next(&t);
    assert_int_equal(trip_skip(&t, 0, NAN, NAN, NULL), GW_OK);
    assert_int_equal(trip_next(&t), next);
    double d, b;
    trip_next_leg(&t, NAN, NAN, &d, &b);
    assert_true(isnan(d) && isnan(b));
    trip_done(&t);
    /* An empty trip has no next stop. */
    trip_init(&t);
    assert_int_equal(trip_plan(&t, here_lat, here_lon, NULL), GW_OK);
    assert_int_equal(trip_next(&t), -1);
    trip_done(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_walks_the_street_in_order),
        cmocka_unit_test(test_finish_moves_to_the_next_stop),
        cmocka_unit_test(test_skip_and_add_replan),
        cmocka_unit_test(test_pinned_order_survives_replanning),
        cmocka_unit_test(test_unknowns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
