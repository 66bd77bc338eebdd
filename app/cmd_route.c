/* cmd_route.c - `gridwalk route`: the day's route on the command line, and the planner on
 * TSPLIB instances for benchmarks.
 *
 *   gridwalk route --from LAT,LON ACCOUNT...     customers in the store, from a position
 *   gridwalk route --tasks [--from LAT,LON] [--save]   the open tasks (assigned, in progress);
 *                                               --save stores the order for the app
 *   gridwalk route --tsplib FILE [--time-ms N] [--seed S] [--method best|2opt-oropt|nn]
 *   gridwalk route --random N [--seed S] ...    a random closed instance (benchmarks)
 *
 * Options common to all: --time-ms N (budget, default 100) or --iterations N (a fixed number
 * of kicks, the same result for a seed on any machine), --seed S, --method M, --pin
 * ACCOUNT (repeatable: visit these first, in this order), --summary (one line: name, stops,
 * length, kicks, milliseconds). */
#include "gridwalk/config.h"

#include "app/cli.h"
#include "app/commands.h"
#include "app/geo/geodesy.h"
#include "app/geo/route.h"
#include "app/geo/tsplib.h"
#include "data/stops.h"
#include "data/tasks.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define SYNOPSIS                                                                                   \
    "(--from LAT,LON ACCOUNT... | --tasks [--from LAT,LON] [--save] | --tsplib FILE | "            \
    "--random N) "                                                                                 \
    "[--time-ms N | --iterations N] [--seed S] [--method best|2opt-oropt|nn] [--pin ACCOUNT]... "  \
    "[--summary] "                                                                                 \
    "[--db PATH]"

struct route_args {
    const char *db_path, *from, *tsplib;
    int tasks, summary, random_n, save;
    struct route_opts opts;
    const char **accounts;
    int n_accounts;
    const char **pins;
    int n_pins;
};

static double elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0->tv_sec) * 1e3 + (t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int run_tsplib(struct route_args *a)
{
    struct tsplib t;
    struct route_problem p;
    struct route_result r = {0};
    struct err e = {0};
    struct timespec t0;
    int rc = CLI_EXIT_OK;
    if (tsplib_read(a->tsplib, &t, &e)) {
        rc = cli_fail("route", &e);
        goto out;
    }
    tsplib_problem(&t, &p);
    a->opts.closed = 1;
    a->opts.start = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (route_solve(&p, &a->opts, &r, &e)) {
        rc = cli_fail("route", &e);
        goto out;
    }
    if (a->summary)
        printf("%s %d %.0f %ld %.1f\n", t.name, t.n, r.length, r.kicks, elapsed_ms(&t0));
    else
        tsplib_write_tour(stdout, &t, r.order, r.length);
out:
    route_result_done(&r);
    tsplib_done(&t);
    return rc;
}

/* A uniform random closed instance in a 1,000,000 square (memory and speed at scale). */
static int run_random(struct route_args *a)
{
    int n = a->random_n, rc = CLI_EXIT_OK;
    double *x = malloc((size_t)n * sizeof *x), *y = malloc((size_t)n * sizeof *y);
    struct route_result r = {0};
    struct err e = {0};
    struct timespec t0;
    if (!x || !y) {
        err_set(&e, GW_ENOMEM, "out of memory for %d points", n);
        rc = cli_fail("route", &e);
        goto out;
    }
    uint64_t st = a->opts.seed ? a->opts.seed : 1;
    for (int i = 0; i < n; i++) {
        st = st * 6364136223846793005ULL + 1442695040888963407ULL;
        x[i] = (double)(st >> 33) / (double)(1ULL << 31) * 1e6;
        st = st * 6364136223846793005ULL + 1442695040888963407ULL;
        y[i] = (double)(st >> 33) / (double)(1ULL << 31) * 1e6;
    }
    struct route_problem p = {.n = n, .metric = ROUTE_EUC_2D, .x = x, .y = y};
    a->opts.closed = 1;
    a->opts.start = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (route_solve(&p, &a->opts, &r, &e)) {
        rc = cli_fail("route", &e);
        goto out;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("random%d %d %.0f %ld %.1f matrix=%d scratch_bytes=%zu peak_rss_kb=%ld\n", n, n,
           r.length, r.kicks, elapsed_ms(&t0), r.used_matrix, r.scratch_bytes, ru.ru_maxrss);
out:
    route_result_done(&r);
    free(x);
    free(y);
    return rc;
}

/* Route over stops from the store: point 0 is the start, stop i is point i+1. */
static int run_stops(struct route_args *a)
{
    struct db *db = NULL;
    struct stop_list sl = {0};
    struct err e = {0};
    struct route_result r = {0};
    double *x = NULL, *y = NULL;
    int *pins = NULL, rc = CLI_EXIT_OK;
    double lat, lon;
    int have_from = 0;
    if (a->from) {
        if (geo_parse_latlon(a->from, &lat, &lon))
            return cli_usage("route", SYNOPSIS, "--from wants LAT,LON in degrees, not '%s'",
                             a->from);
        have_from = 1;
    }
    if ((rc = cli_open_db(a->db_path, &db)))
        goto out;
    int frc = a->tasks ? stops_open_tasks(db, &sl, &e)
                       : stops_for_accounts(db, a->accounts, a->n_accounts, &sl, &e);
    if (frc) {
        rc = cli_fail("route", &e);
        goto out;
    }
    int n_ok = 0;
    for (int i = 0; i < sl.n; i++)
        n_ok += geo_valid(sl.v[i].lat, sl.v[i].lon);
    if (!have_from && n_ok > 0) {
        /* Without a position, start at the first stop that has coordinates. */
        for (int i = 0; i < sl.n && !have_from; i++)
            if (geo_valid(sl.v[i].lat, sl.v[i].lon)) {
                lat = sl.v[i].lat;
                lon = sl.v[i].lon;
                have_from = 1;
            }
    }
    int *map = NULL;
    x = malloc(((size_t)n_ok + 1) * sizeof *x);
    y = malloc(((size_t)n_ok + 1) * sizeof *y);
    map = malloc(((size_t)n_ok + 1) * sizeof *map);
    pins = malloc(((size_t)a->n_pins + 1) * sizeof *pins);
    if (!x || !y || !map || !pins) {
        err_set(&e, GW_ENOMEM, "out of memory");
        free(map);
        rc = cli_fail("route", &e);
        goto out;
    }
    int np = 0;
    x[np] = lat;
    y[np] = lon;
    map[np++] = -1;
    for (int i = 0; i < sl.n; i++)
        if (geo_valid(sl.v[i].lat, sl.v[i].lon)) {
            x[np] = sl.v[i].lat;
            y[np] = sl.v[i].lon;
            map[np++] = i;
        }
    int n_pins = 0;
    for (int q = 0; q < a->n_pins; q++) {
        for (int r2 = 0; r2 < q; r2++)
            if (strcmp(a->pins[q], a->pins[r2]) == 0) {
                free(map);
                rc = cli_usage("route", SYNOPSIS, "--pin %s is given twice", a->pins[q]);
                goto out;
            }
        int found = -1;
        for (int i = 1; i < np; i++)
            if (strcmp(sl.v[map[i]].account, a->pins[q]) == 0)
                found = i;
        if (found < 0) {
            free(map);
            rc = cli_usage("route", SYNOPSIS, "--pin %s is not one of the stops with coordinates",
                           a->pins[q]);
            goto out;
        }
        pins[n_pins++] = found;
    }
    if (n_ok == 0) {
        printf("no stops with coordinates to route over\n");
    } else {
        struct route_problem p = {.n = np, .metric = ROUTE_GEODESIC, .x = x, .y = y};
        a->opts.closed = 0;
        a->opts.start = 0;
        a->opts.pinned = pins;
        a->opts.n_pinned = n_pins;
        if (route_solve(&p, &a->opts, &r, &e)) {
            free(map);
            rc = cli_fail("route", &e);
            goto out;
        }
        char total[32];
        geo_format_distance(r.length, total, sizeof total);
        printf("route from %.6f,%.6f: %d stop%s, %s\n", lat, lon, n_ok, n_ok == 1 ? "" : "s",
               total);
        double cum = 0;
        for (int t = 1; t < np; t++) {
            int a0 = r.order[t - 1], a1 = r.order[t];
            double az;
            double d = geo_inverse(x[a0], y[a0], x[a1], y[a1], &az);
            cum += d;
            const struct stop *st = &sl.v[map[a1]];
            char leg[32], sum[32];
            geo_format_distance(d, leg, sizeof leg);
            geo_format_distance(cum, sum, sizeof sum);
            printf("%3d  %-12s %-10s %3s %3.0f°  %10s  %s%s%s\n", t, st->account, leg,
                   geo_compass8(az), isnan(az) ? 0.0 : az, sum, st->name,
                   st->task_uuid[0] ? "  task " : "", st->task_uuid);
        }
    }
    if (a->save && a->tasks && rc == CLI_EXIT_OK) {
        /* The planned order first, then the tasks without coordinates. */
        int64_t *ids = malloc(((size_t)sl.n + 1) * sizeof *ids);
        int w = 0;
        if (!ids) {
            err_set(&e, GW_ENOMEM, "out of memory");
            free(map);
            rc = cli_fail("route", &e);
            goto out;
        }
        for (int t = 1; t < np && r.order; t++)
            ids[w++] = sl.v[map[r.order[t]]].task_id;
        for (int i = 0; i < sl.n; i++)
            if (!geo_valid(sl.v[i].lat, sl.v[i].lon))
                ids[w++] = sl.v[i].task_id;
        int src = tasks_set_route(db, ids, w, &e);
        free(ids);
        if (src) {
            free(map);
            rc = cli_fail("route", &e);
            goto out;
        }
        printf("saved the order of %d tasks\n", w);
    }
    int n_missing = sl.n - n_ok;
    if (n_missing > 0) {
        printf("without coordinates (not routed; pin them on site): %d\n", n_missing);
        for (int i = 0; i < sl.n; i++)
            if (!geo_valid(sl.v[i].lat, sl.v[i].lon))
                printf("  -  %-12s %s\n", sl.v[i].account, sl.v[i].name);
    }
    if (sl.n_unknown > 0) {
        printf("not in the store: %d\n", sl.n_unknown);
        for (int i = 0; i < sl.n_unknown; i++)
            printf("  ?  %s\n", sl.unknown[i]);
        rc = CLI_EXIT_FAIL;
    }
    free(map);
out:
    route_result_done(&r);
    stops_free(&sl);
    free(x);
    free(y);
    free(pins);
    db_close(db);
    return rc;
}

int cmd_route(int argc, char **argv)
{
    struct route_args a;
    memset(&a, 0, sizeof a);
    route_opts_init(&a.opts);
    int rc = CLI_EXIT_OK;
    a.accounts = calloc((size_t)argc + 1, sizeof *a.accounts);
    a.pins = calloc((size_t)argc + 1, sizeof *a.pins);
    if (!a.accounts || !a.pins) {
        rc = CLI_EXIT_FAIL;
        goto out;
    }
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        int has = i + 1 < argc;
        long v;
        if (strcmp(o, "--db") == 0 && has) {
            a.db_path = argv[++i];
        } else if (strcmp(o, "--from") == 0 && has) {
            a.from = argv[++i];
        } else if (strcmp(o, "--tasks") == 0) {
            a.tasks = 1;
        } else if (strcmp(o, "--tsplib") == 0 && has) {
            a.tsplib = argv[++i];
        } else if (strcmp(o, "--save") == 0) {
            a.save = 1;
        } else if (strcmp(o, "--summary") == 0) {
            a.summary = 1;
        } else if (strcmp(o, "--pin") == 0 && has) {
            a.pins[a.n_pins++] = argv[++i];
        } else if (strcmp(o, "--random") == 0 && has) {
            if (parse_long(argv[++i], 5, 10000000, &v)) {
                rc = cli_usage("route", SYNOPSIS, "--random wants 5..10000000 points");
                goto out;
            }
            a.random_n = (int)v;
        } else if (strcmp(o, "--time-ms") == 0 && has) {
            if (parse_long(argv[++i], 1, 3600000, &v)) {
                rc = cli_usage("route", SYNOPSIS, "--time-ms wants 1..3600000");
                goto out;
            }
            a.opts.time_ms = (int)v;
        } else if (strcmp(o, "--iterations") == 0 && has) {
            if (parse_long(argv[++i], 1, 1000000000, &v)) {
                rc = cli_usage("route", SYNOPSIS, "--iterations wants a positive count");
                goto out;
            }
            a.opts.max_iters = v;
            a.opts.time_ms = 0;
        } else if (strcmp(o, "--seed") == 0 && has) {
            if (parse_long(argv[++i], 0, 2000000000, &v)) {
                rc = cli_usage("route", SYNOPSIS, "--seed wants a number");
                goto out;
            }
            a.opts.seed = (uint64_t)v;
        } else if (strcmp(o, "--method") == 0 && has) {
            int m = route_method_parse(argv[++i]);
            if (m < 0) {
                rc = cli_usage("route", SYNOPSIS, "unknown method '%s'", argv[i]);
                goto out;
            }
            a.opts.method = (enum route_method)m;
        } else if (o[0] == '-' && o[1] == '-') {
            rc = cli_usage("route", SYNOPSIS, "unknown or incomplete option %s", o);
            goto out;
        } else {
            a.accounts[a.n_accounts++] = o;
        }
    }
    int modes = (a.tsplib != NULL) + (a.random_n > 0) + a.tasks + (a.n_accounts > 0);
    if (modes != 1) {
        rc = cli_usage("route", SYNOPSIS,
                       "give exactly one of --tsplib, --random, --tasks or customer accounts");
        goto out;
    }
    if (a.save && !a.tasks) {
        rc = cli_usage("route", SYNOPSIS, "--save works with --tasks only");
        goto out;
    }
    if (a.n_accounts > 0 && !a.from) {
        rc = cli_usage("route", SYNOPSIS, "--from LAT,LON is needed with customer accounts");
        goto out;
    }
    if (a.tsplib)
        rc = run_tsplib(&a);
    else if (a.random_n > 0)
        rc = run_random(&a);
    else
        rc = run_stops(&a);
out:
    free(a.accounts);
    free(a.pins);
    return rc;
}
