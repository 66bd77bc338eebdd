/* cmd_pin.c - `gridwalk pin`: set a customer's coordinates on site.
 *
 *   gridwalk pin --customer ACCOUNT --lat L --lon L --accuracy M [--max-accuracy M]
 *   gridwalk pin --customer ACCOUNT --gps [--host H] [--port P] [--wait S] [--max-accuracy M]
 *
 * With --gps the position and its accuracy come from gpsd (waiting up to --wait seconds,
 * default 10, for a fix good enough). The limit defaults to config.ini's [gps]
 * min_pin_accuracy_m (10 m when unset), the one place it is configured; --max-accuracy
 * overrides it for one run. The change syncs like any other. */
#include "gridwalk/config.h"

#include "app/cli.h"
#include "app/config.h"
#include "app/commands.h"
#include "app/geo/gpsclient.h"
#include "data/pin.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYNOPSIS                                                                                   \
    "--customer ACCOUNT (--lat L --lon L --accuracy M | --gps [--host H] [--port P] "              \
    "[--wait S]) [--max-accuracy M] [--db PATH]"

static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* Waits for a fix whose accuracy is within limit_m; returns 0 with it, or 1 with the best
 * state seen printed as the reason. */
static int fix_from_gpsd(const char *host, const char *port, double wait_s, double limit_m,
                         double *lat, double *lon, double *acc)
{
    struct gpsclient *c = gpsclient_new(host, port, 5);
    if (!c)
        return 1;
    double now = gpsclient_now(), end = now + wait_s;
    struct gps_fixinfo f;
    gpsclient_tick(c, now);
    for (;;) {
        gpsclient_get(c, now, &f);
        if (gps_fixinfo_good_enough(&f, limit_m) || now >= end)
            break;
        struct pollfd pfd = {.fd = gpsclient_fd(c), .events = POLLIN};
        int timeout = gpsclient_timeout_ms(c, now);
        if (timeout > (int)((end - now) * 1000) + 1)
            timeout = (int)((end - now) * 1000) + 1;
        int pr = poll(&pfd, pfd.fd >= 0 ? 1 : 0, timeout);
        now = gpsclient_now();
        if (pr > 0)
            gpsclient_read(c, now);
        gpsclient_tick(c, now);
    }
    int ok = gps_fixinfo_good_enough(&f, limit_m);
    if (ok) {
        *lat = f.lat;
        *lon = f.lon;
        *acc = f.eph_m;
    } else {
        char buf[512];
        gps_fixinfo_status(&f, buf, sizeof buf);
        fprintf(stderr, "gridwalk pin: no fix within %.0f m after %.0f s (%s)\n", limit_m, wait_s,
                buf);
    }
    gpsclient_free(c);
    return ok ? 0 : 1;
}

int cmd_pin(int argc, char **argv)
{
    const char *db_path = NULL, *account = NULL, *host = NULL, *port = NULL;
    double lat = NAN, lon = NAN, acc = NAN, limit = NAN, wait_s = 10;
    int use_gps = 0;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        int has = i + 1 < argc;
        double *target = NULL;
        if (strcmp(o, "--db") == 0 && has)
            db_path = argv[++i];
        else if (strcmp(o, "--customer") == 0 && has)
            account = argv[++i];
        else if (strcmp(o, "--host") == 0 && has)
            host = argv[++i];
        else if (strcmp(o, "--port") == 0 && has)
            port = argv[++i];
        else if (strcmp(o, "--gps") == 0)
            use_gps = 1;
        else if (strcmp(o, "--lat") == 0 && has)
            target = &lat;
        else if (strcmp(o, "--lon") == 0 && has)
            target = &lon;
        else if (strcmp(o, "--accuracy") == 0 && has)
            target = &acc;
        else if (strcmp(o, "--max-accuracy") == 0 && has)
            target = &limit;
        else if (strcmp(o, "--wait") == 0 && has)
            target = &wait_s;
        else
            return cli_usage("pin", SYNOPSIS, "unknown or incomplete option %s", o);
        if (target && parse_double(argv[++i], target))
            return cli_usage("pin", SYNOPSIS, "%s wants a number, not '%s'", o, argv[i]);
    }
    if (!account)
        return cli_usage("pin", SYNOPSIS, "--customer ACCOUNT is required");
    if (!use_gps && (isnan(lat) || isnan(lon) || isnan(acc)))
        return cli_usage("pin", SYNOPSIS, "give --lat, --lon and --accuracy, or --gps");
    struct db *db = NULL;
    struct err e = {0};
    int rc = cli_open_db(db_path, &db);
    if (rc)
        return rc;
    if (isnan(limit)) {
        struct config cfg;
        if (config_load(&cfg, NULL, &e)) {
            rc = cli_fail("configuration", &e);
            goto out;
        }
        limit = cfg.min_pin_accuracy_m;
    }
    if (use_gps && fix_from_gpsd(host, port, wait_s, limit, &lat, &lon, &acc)) {
        rc = CLI_EXIT_FAIL;
        goto out;
    }
    if (pin_customer(db, account, lat, lon, acc, limit, &e)) {
        rc = cli_fail("pin", &e);
        goto out;
    }
    printf("pinned %s at %.6f,%.6f (±%.0f m)\n", account, lat, lon, acc);
out:
    db_close(db);
    return rc;
}
