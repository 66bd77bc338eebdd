/* cmd_gps.c - `gridwalk gps`: what the device knows of its position, from gpsd.
 *
 *   gridwalk gps [--host H] [--port P] [--json] [--wait S] [--stale S]
 *   gridwalk gps --follow S [...]    print every change of state or fix for S seconds
 *
 * Without --follow it waits up to --wait seconds (default 3) for a fix and prints the state
 * once; the exit status is 0 with a current fix, 1 otherwise. */
#include "gridwalk/config.h"

#include "app/cli.h"
#include "app/commands.h"
#include "app/geo/gpsclient.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYNOPSIS "[--host H] [--port P] [--json] [--wait S | --follow S] [--stale S]"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void print_state(const struct gpsclient *c, double now, int json)
{
    struct gps_fixinfo f;
    char buf[512];
    gpsclient_get(c, now, &f);
    if (json) {
        gps_fixinfo_json(&f, buf, sizeof buf);
        printf("%s\n", buf);
    } else {
        gps_fixinfo_status(&f, buf, sizeof buf);
        const char *why = gpsclient_last_error(c);
        printf("%s%s%s\n", buf, f.state == GPSC_NO_GPSD && *why ? ": " : "",
               f.state == GPSC_NO_GPSD ? why : "");
    }
}

static int parse_seconds(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !(v >= 0 && v <= 86400))
        return -1;
    *out = v;
    return 0;
}

int cmd_gps(int argc, char **argv)
{
    const char *host = NULL, *port = NULL;
    int json = 0, follow = 0;
    double wait_s = 3, stale_s = 5, follow_s = 0;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        int has = i + 1 < argc;
        if (strcmp(o, "--host") == 0 && has)
            host = argv[++i];
        else if (strcmp(o, "--port") == 0 && has)
            port = argv[++i];
        else if (strcmp(o, "--json") == 0)
            json = 1;
        else if (strcmp(o, "--wait") == 0 && has) {
            if (parse_seconds(argv[++i], &wait_s))
                return cli_usage("gps", SYNOPSIS, "--wait wants seconds");
        } else if (strcmp(o, "--stale") == 0 && has) {
            if (parse_seconds(argv[++i], &stale_s) || stale_s <= 0)
                return cli_usage("gps", SYNOPSIS, "--stale wants seconds above 0");
        } else if (strcmp(o, "--follow") == 0 && has) {
            if (parse_seconds(argv[++i], &follow_s))
                return cli_usage("gps", SYNOPSIS, "--follow wants seconds");
            follow = 1;
        } else
            return cli_usage("gps", SYNOPSIS, "unknown or incomplete option %s", o);
    }
    struct gpsclient *c = gpsclient_new(host, port, stale_s);
    if (!c) {
        struct err e;
        err_set(&e, GW_ENOMEM, "out of memory");
        return cli_fail("gps", &e);
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    double now = gpsclient_now(), end = now + (follow ? follow_s : wait_s);
    gpsclient_tick(c, now);
    if (follow)
        print_state(c, now, json);
    while (!stop_requested && now < end) {
        struct gps_fixinfo f;
        gpsclient_get(c, now, &f);
        if (!follow && f.state == GPSC_FIX)
            break;
        int fd = gpsclient_fd(c);
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int timeout = gpsclient_timeout_ms(c, now);
        int left = (int)((end - now) * 1000) + 1;
        if (timeout > left)
            timeout = left;
        int pr = poll(&pfd, fd >= 0 ? 1 : 0, timeout);
        now = gpsclient_now();
        int changed = 0;
        if (pr > 0 && (pfd.revents & (POLLIN | POLLHUP | POLLERR)))
            changed |= gpsclient_read(c, now);
        changed |= gpsclient_tick(c, now);
        if (follow && changed)
            print_state(c, now, json);
    }
    struct gps_fixinfo f;
    gpsclient_get(c, now, &f);
    if (!follow)
        print_state(c, now, json);
    gpsclient_free(c);
    return follow || f.state == GPSC_FIX ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}
