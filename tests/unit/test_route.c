/* test_route.c - the route planner against exact answers: brute force on small instances,
 * the proven optima of TSPLIB instances, and the contract (start, pinned order, determinism,
 * a valid permutation, linear memory on big routes). Budgets are kick counts, never times,
 * so the answers do not depend on the machine's speed. */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/geo/geodesy.h"
#include "app/geo/route.h"
#include "app/geo/tsplib.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint64_t lcg = 12345;
static double frand(void)
{
    lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(lcg >> 11) / (double)(1ULL << 53);
}

static void assert_permutation(const int *order, int n)
{
    char *seen = calloc((size_t)n, 1);
    assert_non_null(seen);
    for (int i = 0; i < n; i++) {
        assert_true(order[i] >= 0 && order[i] < n);
        assert_false(seen[order[i]]);
        seen[order[i]] = 1;
    }
    free(seen);
}

static double path_len(double dm[16][16], const int *perm, int n, int closed)
{
    double l = 0;
    for (int i = 0; i + 1 < n; i++)
        l += dm[perm[i]][perm[i + 1]];
    if (closed && n > 1)
        l += dm[perm[n - 1]][perm[0]];
    return l;
}

/* Best over all orders of points 1..n-1 after point 0 (open) or around it (closed), by
 * Heap's algorithm over a distance table of the problem's own metric. */
static double brute(const struct route_problem *p, int closed)
{
    int n = p->n, perm[16], c[16] = {0};
    double dm[16][16];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            dm[i][j] = route_dist(p, i, j);
    for (int i = 0; i < n; i++)
        perm[i] = i;
    double best = path_len(dm, perm, n, closed);
    int m = n - 1, i = 0;
    while (i < m) {
        if (c[i] < i) {
            int a = (i % 2 == 0) ? 0 : c[i];
            int t = perm[1 + a];
            perm[1 + a] = perm[1 + i];
            perm[1 + i] = t;
            double l = path_len(dm, perm, n, closed);
            if (l < best)
                best = l;
            c[i]++;
            i = 0;
        } else {
            c[i] = 0;
            i++;
        }
    }
    return best;
}

static void test_small_instances_match_brute_force(void **state)
{
    (void)state;
    double x[9], y[9];
    for (int n = 1; n <= 9; n++) {
        for (int rep = 0; rep < 6; rep++) {
            for (int i = 0; i < n; i++) {
                x[i] = 30.25 + 0.04 * frand();
                y[i] = 120.13 + 0.04 * frand();
            }
            struct route_problem p = {.n = n, .metric = ROUTE_GEODESIC, .x = x, .y = y};
            for (int closed = 0; closed <= 1; closed++) {
                struct route_opts o;
                route_opts_init(&o);
                o.closed = closed;
                o.time_ms = 0;
                o.max_iters = 300;
                o.seed = (uint64_t)rep + 1;
                struct route_result r;
                assert_int_equal(route_solve(&p, &o, &r, NULL), GW_OK);
                assert_int_equal(r.n, n);
                assert_permutation(r.order, n);
                assert_int_equal(r.order[0], 0);
                double opt = brute(&p, closed);
                if (fabs(r.length - opt) > 1e-6) {
                    fprintf(stderr, "n=%d rep=%d closed=%d: %.3f vs optimum %.3f\n", n, rep, closed,
                            r.length, opt);
                    fail();
                }
                route_result_done(&r);
            }
        }
    }
}

static const char *data_dir(char *buf, size_t n)
{
    const char *top = getenv("GRIDWALK_TOP");
    snprintf(buf, n, "%s/tests/data/tsplib", top && *top ? top : ".");
    return buf;
}

static long optimum_of(const char *name)
{
    char dir[512], path[600], line[128], nm[64];
    snprintf(path, sizeof path, "%s/optima.txt", data_dir(dir, sizeof dir));
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    long v = -1, x;
    while (fgets(line, sizeof line, f))
        if (line[0] != '#' && sscanf(line, "%63s %ld", nm, &x) == 2 && strcmp(nm, name) == 0)
            v = x;
    fclose(f);
    assert_true(v > 0);
    return v;
}

static void solve_tsplib(const char *name, long kicks, double max_gap)
{
    char dir[512], path[600];
    snprintf(path, sizeof path, "%s/%s.tsp", data_dir(dir, sizeof dir), name);
    struct tsplib t;
    struct err e = {0};
    if (tsplib_read(path, &t, &e)) {
        fprintf(stderr, "%s\n", e.msg);
        fail();
    }
    struct route_problem p;
    tsplib_problem(&t, &p);
    struct route_opts o;
    route_opts_init(&o);
    o.closed = 1;
    o.time_ms = 0;
    o.max_iters = kicks;
    struct route_result r;
    assert_int_equal(route_solve(&p, &o, &r, NULL), GW_OK);
    assert_permutation(r.order, t.n);
    long opt = optimum_of(name);
    double gap = (r.length - opt) / opt;
    fprintf(stderr, "# %s: %.0f, optimum %ld, gap %.3f%%\n", name, r.length, opt, gap * 100);
    assert_true(r.length >= opt); /* a shorter tour than the proven optimum is a bug */
    assert_true(gap <= max_gap);
    /* The tour format round-trips the node numbers. */
    char buf[8192] = {0};
    FILE *mf = fmemopen(buf, sizeof buf - 1, "w");
    assert_non_null(mf);
    tsplib_write_tour(mf, &t, r.order, r.length);
    fclose(mf);
    assert_non_null(strstr(buf, "TOUR_SECTION\n"));
    assert_non_null(strstr(buf, "-1\nEOF\n"));
    route_result_done(&r);
    tsplib_done(&t);
}

static void test_tsplib_berlin52(void **state)
{
    (void)state;
    solve_tsplib("berlin52", 2000, 0.01);
}

static void test_tsplib_kroA100(void **state)
{
    (void)state;
    solve_tsplib("kroA100", 3000, 0.01);
}

static void test_tsplib_distances(void **state)
{
    (void)state;
    char dir[512], path[600];
    struct tsplib t;
    snprintf(path, sizeof path, "%s/berlin52.tsp", data_dir(dir, sizeof dir));
    assert_int_equal(tsplib_read(path, &t, NULL), GW_OK);
    struct route_problem p;
    tsplib_problem(&t, &p);
    assert_int_equal(t.n, 52);
    assert_int_equal(t.metric, ROUTE_EUC_2D);
    assert_true(route_dist(&p, 0, 1) == 666); /* (565,575)-(25,185): 666.1 rounds to 666 */
    tsplib_done(&t);
    snprintf(path, sizeof path, "%s/gr666.tsp", data_dir(dir, sizeof dir));
    assert_int_equal(tsplib_read(path, &t, NULL), GW_OK);
    assert_int_equal(t.metric, ROUTE_TSPLIB_GEO);
    assert_int_equal(t.n, 666);
    tsplib_problem(&t, &p);
    for (int i = 1; i < 20; i++) {
        double d = route_dist(&p, 0, i);
        assert_true(d == floor(d) && d >= 1);
        assert_true(d == route_dist(&p, i, 0));
    }
    tsplib_done(&t);
}

static void test_tsplib_rejects_bad_files(void **state)
{
    (void)state;
    char path[] = "/tmp/gw-test-tsp-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *bad = "NAME : bad\nTYPE : TSP\nDIMENSION : 3\nEDGE_WEIGHT_TYPE : EUC_2D\n"
                      "NODE_COORD_SECTION\n1 0 0\n2 1 1\n2 3 3\nEOF\n";
    assert_true(write(fd, bad, strlen(bad)) == (ssize_t)strlen(bad));
    close(fd);
    struct tsplib t;
    struct err e = {0};
    assert_int_equal(tsplib_read(path, &t, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "node 2 given twice"));
    tsplib_done(&t);
    assert_int_equal(tsplib_read("/nonexistent/x.tsp", &t, &e), GW_EIO);
    tsplib_done(&t);
    unlink(path);
}

static void test_deterministic_by_seed(void **state)
{
    (void)state;
    int n = 300;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    for (int i = 0; i < n; i++) {
        x[i] = 1000 * frand();
        y[i] = 1000 * frand();
    }
    struct route_problem p = {.n = n, .metric = ROUTE_PLANAR, .x = x, .y = y};
    struct route_opts o;
    route_opts_init(&o);
    o.time_ms = 0;
    o.max_iters = 500;
    o.seed = 7;
    struct route_result a, b, c;
    assert_int_equal(route_solve(&p, &o, &a, NULL), GW_OK);
    assert_int_equal(route_solve(&p, &o, &b, NULL), GW_OK);
    assert_memory_equal(a.order, b.order, n * sizeof *a.order);
    assert_true(a.length == b.length);
    o.seed = 8;
    assert_int_equal(route_solve(&p, &o, &c, NULL), GW_OK);
    assert_permutation(c.order, n);
    assert_int_equal(c.order[0], 0);
    route_result_done(&a);
    route_result_done(&b);
    route_result_done(&c);
    free(x);
    free(y);
}

static void test_pinned_order_is_respected(void **state)
{
    (void)state;
    int n = 40;
    double x[40], y[40];
    for (int i = 0; i < n; i++) {
        x[i] = 30.26 + 0.02 * frand();
        y[i] = 120.14 + 0.02 * frand();
    }
    struct route_problem p = {.n = n, .metric = ROUTE_GEODESIC, .x = x, .y = y};
    int pins[3] = {17, 3, 29};
    struct route_opts o;
    route_opts_init(&o);
    o.start = 5;
    o.pinned = pins;
    o.n_pinned = 3;
    o.time_ms = 0;
    o.max_iters = 200;
    struct route_result r, free_r;
    assert_int_equal(route_solve(&p, &o, &r, NULL), GW_OK);
    assert_permutation(r.order, n);
    assert_int_equal(r.order[0], 5);
    assert_int_equal(r.order[1], 17);
    assert_int_equal(r.order[2], 3);
    assert_int_equal(r.order[3], 29);
    /* The length is the real geodesic length of the legs. */
    double sum = 0;
    for (int i = 0; i + 1 < n; i++)
        sum += geo_distance_m(x[r.order[i]], y[r.order[i]], x[r.order[i + 1]], y[r.order[i + 1]]);
    assert_true(fabs(sum - r.length) < 1e-6);
    /* Pinning costs something here: without pins the route is no longer. */
    o.pinned = NULL;
    o.n_pinned = 0;
    assert_int_equal(route_solve(&p, &o, &free_r, NULL), GW_OK);
    assert_true(free_r.length <= r.length + 1e-6);
    route_result_done(&r);
    route_result_done(&free_r);
}

static void test_bad_requests_are_refused(void **state)
{
    (void)state;
    double x[3] = {30.1, 30.2, NAN}, y[3] = {120.1, 120.2, 120.3};
    struct route_problem p = {.n = 2, .metric = ROUTE_GEODESIC, .x = x, .y = y};
    struct route_opts o;
    route_opts_init(&o);
    struct route_result r;
    struct err e = {0};
    o.start = 2;
    assert_int_equal(route_solve(&p, &o, &r, &e), GW_EINVAL);
    assert_null(r.order);
    o.start = 0;
    int pins[2] = {1, 1};
    o.pinned = pins;
    o.n_pinned = 2;
    assert_int_equal(route_solve(&p, &o, &r, &e), GW_EINVAL);
    o.n_pinned = 1;
    o.closed = 1;
    assert_int_equal(route_solve(&p, &o, &r, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "pinned"));
    o.n_pinned = 0;
    o.closed = 0;
    p.n = 3;
    assert_int_equal(route_solve(&p, &o, &r, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "no coordinates"));
    route_result_done(&r);
}

/* Above ROUTE_MATRIX_MAX stops there is no n x n matrix: the scratch memory stays a small
 * multiple of n (a matrix of 3,000 floats squared would be 36 MB). */
static void test_big_route_memory_is_linear(void **state)
{
    (void)state;
    int n = 3000;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    for (int i = 0; i < n; i++) {
        x[i] = 30.2 + 0.1 * frand();
        y[i] = 120.1 + 0.1 * frand();
    }
    struct route_problem p = {.n = n, .metric = ROUTE_GEODESIC, .x = x, .y = y};
    struct route_opts o;
    route_opts_init(&o);
    o.time_ms = 0;
    o.max_iters = 50;
    struct route_result r;
    assert_int_equal(route_solve(&p, &o, &r, NULL), GW_OK);
    assert_permutation(r.order, n);
    assert_int_equal(r.used_matrix, 0);
    assert_true(r.scratch_bytes < (size_t)n * 400);
    /* And the route is sensible: far shorter than visiting in input (random) order. */
    int *ident = malloc(n * sizeof *ident);
    for (int i = 0; i < n; i++)
        ident[i] = i;
    assert_true(r.length < route_length(&p, ident, n, 0) / 10);
    free(ident);
    route_result_done(&r);
    free(x);
    free(y);
}

static void test_baselines_are_valid(void **state)
{
    (void)state;
    int n = 120;
    double x[120], y[120];
    for (int i = 0; i < n; i++) {
        x[i] = 100 * frand();
        y[i] = 100 * frand();
    }
    struct route_problem p = {.n = n, .metric = ROUTE_PLANAR, .x = x, .y = y};
    struct route_opts o;
    route_opts_init(&o);
    o.closed = 1;
    o.time_ms = 0;
    o.max_iters = 1000;
    struct route_result nn, ls, best;
    o.method = ROUTE_METHOD_NN;
    assert_int_equal(route_solve(&p, &o, &nn, NULL), GW_OK);
    o.method = ROUTE_METHOD_LS;
    assert_int_equal(route_solve(&p, &o, &ls, NULL), GW_OK);
    o.method = ROUTE_METHOD_BEST;
    assert_int_equal(route_solve(&p, &o, &best, NULL), GW_OK);
    assert_permutation(nn.order, n);
    assert_permutation(ls.order, n);
    assert_permutation(best.order, n);
    assert_true(ls.length < nn.length);
    assert_true(best.length <= ls.length);
    assert_int_equal(route_method_parse("2opt-oropt"), ROUTE_METHOD_LS);
    assert_int_equal(route_method_parse("nope"), -1);
    route_result_done(&nn);
    route_result_done(&ls);
    route_result_done(&best);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_instances_match_brute_force),
        cmocka_unit_test(test_tsplib_distances),
        cmocka_unit_test(test_tsplib_rejects_bad_files),
        cmocka_unit_test(test_tsplib_berlin52),
        cmocka_unit_test(test_tsplib_kroA100),
        cmocka_unit_test(test_deterministic_by_seed),
        cmocka_unit_test(test_pinned_order_is_respected),
        cmocka_unit_test(test_bad_requests_are_refused),
        cmocka_unit_test(test_big_route_memory_is_linear),
        cmocka_unit_test(test_baselines_are_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
