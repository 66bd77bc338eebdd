/* cmd_map.c - `gridwalk map`: the map screen's drawing on standard output.
 *
 *   gridwalk map --customer ACCOUNT [--from LAT,LON | --gps] [--size COLSxROWS] [--zoom M]
 *   gridwalk map --tasks [--from LAT,LON | --gps] [--size COLSxROWS]
 *
 * With --customer the map is centred on the customer (as the customer page's "Locate" opens
 * it), with the customers around; with --tasks it shows today's open tasks in walking order
 * from the position. The size defaults to $COLUMNS x $LINES, else 80 x 24. */
#include "gridwalk/config.h"

#include "app/cli.h"
#include "app/commands.h"
#include "app/geo/gpsclient.h"
#include "app/geo/mapview.h"
#include "app/geo/trip.h"
#include "data/stops.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYNOPSIS                                                                                   \
    "(--customer ACCOUNT | --tasks) [--from LAT,LON | --gps [--port P]] [--size COLSxROWS] "       \
    "[--zoom M] [--db PATH]"
#define MAP_AROUND_MAX 400

static int env_int(const char *name, int dflt)
{
    const char *v = getenv(name);
    char *end;
    long x = v ? strtol(v, &end, 10) : 0;
    return v && *v && !*end && x > 0 && x < 10000 ? (int)x : dflt;
}

/* One fix from gpsd (up to 3 s); fills the scene's device position and the status text. */
static void position_from_gpsd(const char *port, struct map_scene *s, char *status, size_t n)
{
    struct gpsclient *c = gpsclient_new(NULL, port, 5);
    struct gps_fixinfo f;
    if (!c) {
        snprintf(status, n, "GPS: out of memory");
        return;
    }
    double now = gpsclient_now(), end = now + 3;
    gpsclient_tick(c, now);
    for (;;) {
        gpsclient_get(c, now, &f);
        if (f.state == GPSC_FIX || now >= end)
            break;
        struct pollfd pfd = {.fd = gpsclient_fd(c), .events = POLLIN};
        int timeout = gpsclient_timeout_ms(c, now);
        int pr = poll(&pfd, pfd.fd >= 0 ? 1 : 0, timeout < 200 ? timeout : 200);
        now = gpsclient_now();
        if (pr > 0)
            gpsclient_read(c, now);
        gpsclient_tick(c, now);
    }
    gps_fixinfo_status(&f, status, n);
    if (f.have_fix) {
        s->have_self = 1;
        s->self_lat = f.lat;
        s->self_lon = f.lon;
        s->self_acc_m = f.eph_m;
        s->self_stale = f.state != GPSC_FIX;
    }
    gpsclient_free(c);
}

int cmd_map(int argc, char **argv)
{
    const char *db_path = NULL, *account = NULL, *from = NULL, *port = NULL;
    int tasks = 0, use_gps = 0, cols = env_int("COLUMNS", 80), rows = env_int("LINES", 24);
    double zoom = NAN;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        int has = i + 1 < argc;
        if (strcmp(o, "--db") == 0 && has)
            db_path = argv[++i];
        else if (strcmp(o, "--customer") == 0 && has)
            account = argv[++i];
        else if (strcmp(o, "--tasks") == 0)
            tasks = 1;
        else if (strcmp(o, "--from") == 0 && has)
            from = argv[++i];
        else if (strcmp(o, "--gps") == 0)
            use_gps = 1;
        else if (strcmp(o, "--port") == 0 && has)
            port = argv[++i];
        else if (strcmp(o, "--size") == 0 && has) {
            if (sscanf(argv[++i], "%dx%d", &cols, &rows) != 2 || cols < 20 || rows < 6 ||
                cols > 1000 || rows > 500)
                return cli_usage("map", SYNOPSIS, "--size wants COLSxROWS, at least 20x6");
        } else if (strcmp(o, "--zoom") == 0 && has) {
            char *end;
            errno = 0;
            zoom = strtod(argv[++i], &end);
            if (*end || errno || !(zoom > 0))
                return cli_usage("map", SYNOPSIS, "--zoom wants metres per dot");
        } else
            return cli_usage("map", SYNOPSIS, "unknown or incomplete option %s", o);
    }
    if (!!account + tasks != 1)
        return cli_usage("map", SYNOPSIS, "give --customer ACCOUNT or --tasks");

    struct map_scene s;
    memset(&s, 0, sizeof s);
    s.selected = -1;
    s.self_acc_m = NAN;
    char status[512] = "";
    if (from) {
        if (geo_parse_latlon(from, &s.self_lat, &s.self_lon))
            return cli_usage("map", SYNOPSIS, "--from wants LAT,LON, not '%s'", from);
        s.have_self = 1;
        snprintf(status, sizeof status, "position given: %.5f,%.5f", s.self_lat, s.self_lon);
    } else if (use_gps) {
        position_from_gpsd(port, &s, status, sizeof status);
    } else {
        snprintf(status, sizeof status, "no position (use --from or --gps)");
    }
    s.status = status;

    struct db *db = NULL;
    struct err e = {0};
    struct stop_list sl = {0}, one = {0};
    struct map_point *pts = NULL;
    int *route = NULL;
    struct mapview v = {0};
    struct trip t;
    trip_init(&t);
    int rc = cli_open_db(db_path, &db);
    if (rc)
        goto out;
    if ((rc = mapview_init(&v, cols, rows, &e))) {
        rc = cli_fail("map", &e);
        goto out;
    }
    if (account) {
        const char *acc[1] = {account};
        if (stops_for_accounts(db, acc, 1, &one, &e)) {
            rc = cli_fail("map", &e);
            goto out;
        }
        if (one.n == 0) {
            err_set(&e, GW_ENOTFOUND, "no customer with account %s", account);
            rc = cli_fail("map", &e);
            goto out;
        }
        /* Where "Locate" would put the view, then the customers around in that view. */
        struct map_point sel = {one.v[0].lat, one.v[0].lon, one.v[0].name, 0, MAP_SELECTED};
        struct map_scene only = s;
        only.pts = &sel;
        only.n = 1;
        only.selected = 0;
        mapview_locate(&v, &only, 0);
        if (!isnan(zoom))
            v.m_per_dot = map_zoom_step(zoom, 0);
        if (!isnan(v.lat)) {
            double la0, lo0, la1, lo1;
            canvas_reset(v.canvas, v.lat, v.lon, v.m_per_dot);
            canvas_cell_latlon(v.canvas, rows - 1, 0, &la0, &lo0);
            canvas_cell_latlon(v.canvas, 0, cols - 1, &la1, &lo1);
            if (stops_in_box(db, la0, lo0, la1, lo1, MAP_AROUND_MAX, &sl, &e)) {
                rc = cli_fail("map", &e);
                goto out;
            }
        }
        pts = calloc((size_t)sl.n + 1, sizeof *pts);
        if (!pts) {
            rc = CLI_EXIT_FAIL;
            goto out;
        }
        pts[0] = sel;
        int n = 1;
        for (int i = 0; i < sl.n; i++)
            if (strcmp(sl.v[i].account, account) != 0)
                pts[n++] = (struct map_point){sl.v[i].lat, sl.v[i].lon, sl.v[i].name, 0, 0};
        s.pts = pts;
        s.n = n;
        s.selected = 0;
    } else {
        if (stops_open_tasks(db, &sl, &e)) {
            rc = cli_fail("map", &e);
            goto out;
        }
        for (int i = 0; i < sl.n; i++)
            if (trip_add(&t, i, sl.v[i].lat, sl.v[i].lon, &e) < 0) {
                rc = cli_fail("map", &e);
                goto out;
            }
        if (trip_plan(&t, s.have_self ? s.self_lat : NAN, s.have_self ? s.self_lon : NAN, &e)) {
            rc = cli_fail("map", &e);
            goto out;
        }
        pts = calloc((size_t)sl.n + 1, sizeof *pts);
        route = calloc((size_t)sl.n + 1, sizeof *route);
        if (!pts || !route) {
            rc = CLI_EXIT_FAIL;
            goto out;
        }
        for (int i = 0; i < sl.n; i++)
            pts[i] = (struct map_point){sl.v[i].lat, sl.v[i].lon, sl.v[i].name, 0, 0};
        for (int q = 0; q < t.n_order; q++) {
            int i = t.order[q];
            pts[i].route_no = q + 1;
            route[q] = i;
        }
        int nx = trip_next(&t);
        if (nx >= 0) {
            pts[nx].flags |= MAP_NEXT;
            s.selected = nx;
        }
        s.pts = pts;
        s.n = sl.n;
        s.route = route;
        s.n_route = t.n_order;
        if (!isnan(zoom)) {
            mapview_render(&v, &s);
            v.m_per_dot = map_zoom_step(zoom, 0);
        }
    }
    const struct canvas *c = mapview_render(&v, &s);
    if (canvas_dump(c, stdout, 0))
        rc = CLI_EXIT_FAIL;
out:
    trip_done(&t);
    mapview_done(&v);
    stops_free(&sl);
    stops_free(&one);
    free(pts);
    free(route);
    db_close(db);
    return rc;
}
