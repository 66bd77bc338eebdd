/* syncd_main.c - the gridwalk-syncd program: runs sync passes until stopped.
 *
 *   gridwalk-syncd [--db PATH] [--hub URL] [--token-file F] [--ca-file F] [--once]
 *                  [--interval SECONDS] [--backoff-max SECONDS] [--config F] [--verbose]
 *                  [--batch RECORDS] [--max-rate RATE]
 *
 * Defaults come from config.ini ($XDG_CONFIG_HOME/gridwalk/config.ini, else
 * ~/.config/gridwalk/config.ini), section [sync]: hub, token_file, ca_file, db, interval,
 * backoff_max, max_rate (bytes per second, with an optional K or M suffix as curl's
 * --limit-rate takes it; 0 or absent means no cap). A pass runs at start, whenever the app nudges (a byte in the FIFO
 * <dir of db>/syncd.wake, see outbox_nudge), and on a timer; after a network failure the
 * next pass waits an exponential backoff with jitter. SIGTERM/SIGINT stop it cleanly (an
 * upload in flight is aborted; the store is always consistent, so SIGKILL is safe too).
 * Exit status with --once: 0 all due rows sent, 1 something failed (see the store), 2 bad
 * usage, 3 the hub refused the token. */
#include "gridwalk/config.h"

#include "app/config.h"
#include "sync/agent.h"
#include "sync/wire.h"
#include "data/outbox.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t wake_flag;

static void on_stop(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void on_wake(int sig)
{
    (void)sig;
    wake_flag = 1;
}

/* A positive number of seconds (at most a week), or -1. */
static double parse_seconds(const char *v)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || end == v || *end || !(d > 0) || d > 86400 * 7)
        return -1;
    return d;
}

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    size_t k = strspn(s, " \t");
    memmove(s, s + k, n - k + 1);
}

static int read_token(const char *path, char *buf, size_t n, struct err *e)
{
    FILE *f = fopen(path, "r");
    struct stat sb;
    if (!f)
        return err_set(e, GW_EAUTH, "cannot read the token file %s: %s", path, strerror(errno));
    if (fstat(fileno(f), &sb) == 0 && (sb.st_mode & 077))
        fprintf(stderr, "gridwalk-syncd: warning: %s is readable by others; chmod 600 it\n",
                path);
    if (!fgets(buf, (int)n, f))
        buf[0] = '\0';
    fclose(f);
    trim(buf);
    if (!buf[0])
        return err_set(e, GW_EAUTH, "the token file %s is empty", path);
    return GW_OK;
}

static double seconds_until(const char *iso)
{
    struct tm tm = {0};
    if (!iso[0] || !strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm))
        return -1;
    return difftime(timegm(&tm), time(NULL)) + 0.5;
}

static const char usage_text[] =
    "usage: gridwalk-syncd [--db PATH] [--hub URL] [--token-file F] [--ca-file F] [--once]\n"
    "                      [--interval SECONDS] [--backoff-max SECONDS] [--config F] [--verbose]\n"
    "                      [--batch RECORDS] [--max-rate RATE (bytes/s, e.g. 500K)]\n";

int main(int argc, char **argv)
{
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},          {"hub", required_argument, NULL, 'h'},
        {"token-file", required_argument, NULL, 't'},  {"ca-file", required_argument, NULL, 'c'},
        {"once", no_argument, NULL, 'o'},              {"interval", required_argument, NULL, 'i'},
        {"backoff-max", required_argument, NULL, 'b'}, {"config", required_argument, NULL, 'f'},
        {"verbose", no_argument, NULL, 'v'},           {"help", no_argument, NULL, 'H'},
        {"batch", required_argument, NULL, 'B'},       {"max-rate", required_argument, NULL, 'r'},
        {NULL, 0, NULL, 0}};
    const char *o_db = NULL, *o_hub = NULL, *o_tok = NULL, *o_ca = NULL, *o_cfg = NULL;
    double o_interval = -1, o_backoff = -1, o_rate = -1;
    int once = 0, verbose = 0, batch = 100, ch;
    while ((ch = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (ch) {
        case 'd': o_db = optarg; break;
        case 'h': o_hub = optarg; break;
        case 't': o_tok = optarg; break;
        case 'c': o_ca = optarg; break;
        case 'o': once = 1; break;
        case 'i':
        case 'b':
            if (parse_seconds(optarg) < 0) {
                fprintf(stderr, "gridwalk-syncd: --%s %s: give a number of seconds above 0\n",
                        ch == 'i' ? "interval" : "backoff-max", optarg);
                return 2;
            }
            *(ch == 'i' ? &o_interval : &o_backoff) = parse_seconds(optarg);
            break;
        case 'r':
            if ((o_rate = config_parse_rate(optarg)) < 0) {
                fprintf(stderr, "gridwalk-syncd: --max-rate %s: give bytes per second, at least "
                                "1K (e.g. 500K or 2M), or 0 for no cap\n", optarg);
                return 2;
            }
            break;
        case 'f': o_cfg = optarg; break;
        case 'v': verbose = 1; break;
        case 'B': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (end == optarg || *end || v < 1 || v > WIRE_MAX_BATCH) {
                fprintf(stderr, "gridwalk-syncd: --batch %s: give a number of records from 1 "
                                "to %d\n", optarg, WIRE_MAX_BATCH);
                return 2;
            }
            batch = (int)v;
            break;
        }
        case 'H': fputs(usage_text, stdout); return 0;
        default: fputs(usage_text, stderr); return 2;
        }
    }
    if (optind != argc) {
        fputs(usage_text, stderr);
        return 2;
    }
    struct config s;
    struct err e = {0};
    char def[1024];
    /* A system service may run without HOME: then there is no default file, only flags. */
    if (!o_cfg && config_default_path(def, sizeof def, NULL) != GW_OK)
        config_defaults(&s);
    else if (config_load(&s, o_cfg, &e)) {
        fprintf(stderr, "gridwalk-syncd: %s\n", e.msg);
        return 2;
    }
    const char *cfg_path = s.path[0] ? s.path : o_cfg ? o_cfg : "config.ini";
    if (o_rate >= 0)
        s.sync_max_rate = o_rate;
    if (o_db)
        snprintf(s.db, sizeof s.db, "%s", o_db);
    if (o_hub)
        snprintf(s.hub_url, sizeof s.hub_url, "%s", o_hub);
    if (o_tok)
        snprintf(s.token_file, sizeof s.token_file, "%s", o_tok);
    if (o_ca)
        snprintf(s.ca_file, sizeof s.ca_file, "%s", o_ca);
    if (o_interval > 0)
        s.sync_interval_s = o_interval;
    if (o_backoff > 0)
        s.sync_backoff_max_s = o_backoff;
    size_t hl = strlen(s.hub_url);
    while (hl && s.hub_url[hl - 1] == '/')
        s.hub_url[--hl] = '\0';

    if (!s.db[0] && db_default_path(s.db, sizeof s.db, &e)) {
        fprintf(stderr, "gridwalk-syncd: %s\n", e.msg);
        return 2;
    }
    if (!s.hub_url[0] || !s.token_file[0]) {
        fprintf(stderr, "gridwalk-syncd: no %s: give --hub URL and --token-file F, or set hub "
                        "and token_file in [sync] of %s\n",
                !s.hub_url[0] ? "hub URL" : "token file", cfg_path);
        return 2;
    }

    struct sigaction sa = {0};
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_wake;
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    srandom((unsigned)time(NULL) ^ (unsigned)getpid());
    curl_global_init(CURL_GLOBAL_DEFAULT);

    struct db *db = NULL;
    if (db_open(&db, s.db, &e)) {
        fprintf(stderr, "gridwalk-syncd: %s\n", e.msg);
        curl_global_cleanup();
        return 1;
    }
    /* One agent per store: a second one (a --once beside the service) would only race the
     * first for the same rows. The lock dies with the process, so SIGKILL leaves none. */
    char lockpath[4200];
    snprintf(lockpath, sizeof lockpath, "%s.syncd-lock", s.db);
    int lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lockfd < 0 || flock(lockfd, LOCK_EX | LOCK_NB) != 0) {
        fprintf(stderr, "gridwalk-syncd: another gridwalk-syncd is already syncing %s\n", s.db);
        if (lockfd >= 0)
            close(lockfd);
        db_close(db);
        curl_global_cleanup();
        return 1;
    }
    char wake[4096];
    int fifo = -1;
    if (!once && outbox_wake_path(s.db, wake, sizeof wake) == GW_OK) {
        if (mkfifo(wake, 0600) != 0 && errno != EEXIST)
            fprintf(stderr, "gridwalk-syncd: cannot create %s (%s); the timer alone will "
                            "start passes\n", wake, strerror(errno));
        /* O_RDWR keeps a writer open ourselves, so poll() does not report hang-ups between
         * the app's nudges. */
        fifo = open(wake, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    }

    int rc = 0, failures = 0;
    while (!stop_flag) {
        struct agent *a = NULL;
        struct agent_report r;
        char token[512];
        struct agent_config cfg = {s.hub_url, token, s.ca_file[0] ? s.ca_file : NULL, batch,
                                   1.0, s.sync_backoff_max_s, verbose, s.sync_max_rate};
        int prc = read_token(s.token_file, token, sizeof token, &e);
        if (prc == GW_OK)
            prc = agent_new(&a, db, s.db, &cfg, &e);
        if (prc == GW_OK)
            prc = agent_pass(a, &stop_flag, &r, &e);
        agent_free(a);
        explicit_bzero(token, sizeof token);
        if (prc == GW_EAUTH)
            outbox_setting_set(db, OUTBOX_KEY_AUTH, e.msg, NULL);
        if (prc == GW_OK)
            fprintf(stderr, "gridwalk-syncd: pass done: %d changes pulled, %d records sent, "
                            "%d blobs uploaded, %d failed\n", r.pulled, r.sent, r.blobs, r.failed);
        else if (prc != GW_ECANCEL)
            fprintf(stderr, "gridwalk-syncd: %s\n", e.msg);
        if (once) {
            rc = prc == GW_OK ? (r.failed ? 1 : 0) : prc == GW_EAUTH ? 3 : prc == GW_ECANCEL ? 0 : 1;
            break;
        }
        double wait = s.sync_interval_s;
        if (prc == GW_ENET || prc == GW_EDB)
            wait = agent_backoff(&cfg, failures++);
        else
            failures = 0;
        if (prc == GW_OK) {
            char next[DB_TIME_LEN];
            outbox_next_try(db, next, NULL);
            double until = seconds_until(next);
            if (until >= 0 && until < wait)
                wait = until < 0.2 ? 0.2 : until;
        }
        struct pollfd pfd = {fifo, POLLIN, 0};
        double end = (double)time(NULL) + wait;
        while (!stop_flag && !wake_flag) {
            double left = end - (double)time(NULL);
            if (left <= 0)
                break;
            int n = poll(fifo >= 0 ? &pfd : NULL, fifo >= 0 ? 1 : 0,
                         (int)(left > 1 ? 1000 : left * 1000 + 1));
            if (n > 0) {
                char buf[256];
                while (read(fifo, buf, sizeof buf) > 0)
                    ;
                break;
            }
        }
        wake_flag = 0;
    }
    if (fifo >= 0)
        close(fifo);
    close(lockfd);
    if (stop_flag)
        fprintf(stderr, "gridwalk-syncd: stopped\n");
    db_close(db);
    curl_global_cleanup();
    return rc;
}
