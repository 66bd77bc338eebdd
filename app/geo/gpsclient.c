/* gpsclient.c - the libgps (gpsd 3.22, API 11) client.
 *
 * gpsd quirks handled here: gps_read() returns -1 when gpsd goes away, so that is where a
 * restart is noticed; the first epoch after a (re)connect is often reported two or three
 * times, so fixes are counted by the receiver's fix time; unknown values arrive as NaN. */
#include "gridwalk/config.h"

#include "app/geo/gpsclient.h"

#include <errno.h>
#include <gps.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BACKOFF_MIN_S 0.25
#define BACKOFF_MAX_S 2.0

struct gpsclient {
    struct gps_data_t gd;
    int connected;
    char host[256], port[32];
    double stale_s;
    double next_try, backoff;
    double last_fix_mono;
    struct gps_fixinfo f;
    char err[600];
};

double gpsclient_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

const char *gpsc_state_name(enum gpsc_state s)
{
    switch (s) {
    case GPSC_NO_GPSD:
        return "no-gpsd";
    case GPSC_NO_FIX:
        return "no-fix";
    case GPSC_FIX:
        return "fix";
    case GPSC_STALE:
        return "stale";
    }
    return "?";
}

struct gpsclient *gpsclient_new(const char *host, const char *port, double stale_s)
{
    struct gpsclient *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    if (!host)
        host = getenv("GRIDWALK_GPSD_HOST");
    if (!port)
        port = getenv("GRIDWALK_GPSD_PORT");
    snprintf(c->host, sizeof c->host, "%s", host && *host ? host : "127.0.0.1");
    snprintf(c->port, sizeof c->port, "%s", port && *port ? port : DEFAULT_GPSD_PORT);
    c->stale_s = stale_s > 0 ? stale_s : 5.0;
    c->backoff = BACKOFF_MIN_S;
    c->f.state = GPSC_NO_GPSD;
    c->f.lat = c->f.lon = c->f.alt_m = NAN;
    c->f.eph_m = c->f.epv_m = c->f.speed_mps = c->f.track_deg = NAN;
    c->f.sats_used = c->f.sats_visible = -1;
    c->f.age_s = NAN;
    snprintf(c->err, sizeof c->err, "not connected yet");
    return c;
}

static void disconnect(struct gpsclient *c, double now, const char *why)
{
    if (c->connected)
        gps_close(&c->gd);
    c->connected = 0;
    c->f.mode = 0;
    c->next_try = now + c->backoff;
    snprintf(c->err, sizeof c->err, "%s", why);
}

void gpsclient_free(struct gpsclient *c)
{
    if (!c)
        return;
    if (c->connected)
        gps_close(&c->gd);
    free(c);
}

int gpsclient_fd(const struct gpsclient *c)
{
    return c->connected ? (int)c->gd.gps_fd : -1;
}

const char *gpsclient_last_error(const struct gpsclient *c)
{
    return c->connected ? "" : c->err;
}

static enum gpsc_state compute_state(const struct gpsclient *c, double now)
{
    if (!c->connected)
        return GPSC_NO_GPSD;
    if (c->f.have_fix && c->f.mode >= MODE_2D && now - c->last_fix_mono <= c->stale_s)
        return GPSC_FIX;
    if (c->f.mode == MODE_NO_FIX || !c->f.have_fix)
        return GPSC_NO_FIX;
    return GPSC_STALE;
}

static int update_state(struct gpsclient *c, double now)
{
    enum gpsc_state s = compute_state(c, now);
    if (s == c->f.state)
        return 0;
    c->f.state = s;
    return 1;
}

static int try_connect(struct gpsclient *c, double now)
{
    memset(&c->gd, 0, sizeof c->gd);
    if (gps_open(c->host, c->port, &c->gd) != 0) {
        snprintf(c->err, sizeof c->err, "cannot reach gpsd at %s:%s: %s", c->host, c->port,
                 gps_errstr(errno));
        c->next_try = now + c->backoff;
        c->backoff = c->backoff * 2 > BACKOFF_MAX_S ? BACKOFF_MAX_S : c->backoff * 2;
        return 0;
    }
    if (gps_stream(&c->gd, WATCH_ENABLE | WATCH_JSON, NULL) != 0) {
        snprintf(c->err, sizeof c->err, "gpsd at %s:%s refused the watch request", c->host,
                 c->port);
        gps_close(&c->gd);
        c->next_try = now + c->backoff;
        return 0;
    }
    c->connected = 1;
    c->backoff = BACKOFF_MIN_S;
    c->f.mode = 0;
    c->f.connects++;
    c->err[0] = '\0';
    return 1;
}

static int apply(struct gpsclient *c, double now)
{
    const struct gps_data_t *g = &c->gd;
    int changed = 0;
    if (g->set & SATELLITE_SET) {
        if (c->f.sats_used != g->satellites_used || c->f.sats_visible != g->satellites_visible)
            changed = 1;
        c->f.sats_used = g->satellites_used;
        c->f.sats_visible = g->satellites_visible;
    }
    if (g->set & MODE_SET) {
        if (c->f.mode != g->fix.mode)
            changed = 1;
        c->f.mode = g->fix.mode;
    }
    if ((g->set & LATLON_SET) && g->fix.mode >= MODE_2D && isfinite(g->fix.latitude) &&
        isfinite(g->fix.longitude)) {
        /* gpsd repeats an epoch (TPV for each sentence of it): count it once. */
        int same = c->f.have_fix && g->fix.time.tv_sec == c->f.fix_time.tv_sec &&
                   g->fix.time.tv_nsec == c->f.fix_time.tv_nsec;
        /* Before gpsd has seen a date (RMC) an epoch comes without a time, then again with
         * one: the same position without a time before is the same epoch. */
        if (c->f.have_fix && c->f.fix_time.tv_sec == 0 && g->fix.latitude == c->f.lat &&
            g->fix.longitude == c->f.lon)
            same = 1;
        c->f.have_fix = 1;
        c->f.lat = g->fix.latitude;
        c->f.lon = g->fix.longitude;
        c->f.alt_m = g->fix.mode >= MODE_3D ? g->fix.altHAE : NAN;
        c->f.eph_m = g->fix.eph;
        c->f.epv_m = g->fix.epv;
        c->f.speed_mps = g->fix.speed;
        c->f.track_deg = g->fix.track;
        c->f.fix_time = g->fix.time;
        if (!same) {
            c->f.fixes++;
            c->last_fix_mono = now;
            changed = 1;
        }
    }
    return update_state(c, now) | changed;
}

int gpsclient_read(struct gpsclient *c, double now)
{
    int changed = 0;
    if (!c->connected)
        return 0;
    /* Bounded: a flood of reports must not starve the keyboard. */
    for (int i = 0; i < 1024 && c->connected && gps_waiting(&c->gd, 0); i++) {
        errno = 0;
        if (gps_read(&c->gd, NULL, 0) == -1) {
            disconnect(c, now, "gpsd closed the connection");
            changed = 1;
            break;
        }
        changed |= apply(c, now);
    }
    return update_state(c, now) | changed;
}

int gpsclient_tick(struct gpsclient *c, double now)
{
    int changed = 0;
    if (!c->connected && now >= c->next_try)
        changed = try_connect(c, now);
    return update_state(c, now) | changed;
}

int gpsclient_timeout_ms(const struct gpsclient *c, double now)
{
    double t;
    if (!c->connected)
        t = c->next_try - now;
    else if (c->f.state == GPSC_FIX)
        t = c->last_fix_mono + c->stale_s - now + 0.001;
    else
        t = 1.0;
    if (t < 0)
        t = 0;
    return (int)(t * 1000) + 1;
}

void gpsclient_get(const struct gpsclient *c, double now, struct gps_fixinfo *out)
{
    *out = c->f;
    out->state = compute_state(c, now);
    out->age_s = c->f.have_fix ? now - c->last_fix_mono : NAN;
}

static void fmt_age(double s, char *buf, size_t n)
{
    if (isnan(s))
        snprintf(buf, n, "never");
    else if (s < 120)
        snprintf(buf, n, "%.0f s", s);
    else if (s < 7200)
        snprintf(buf, n, "%.0f min", s / 60);
    else
        snprintf(buf, n, "%.0f h", s / 3600);
}

void gps_fixinfo_status(const struct gps_fixinfo *f, char *buf, size_t n)
{
    char age[32], acc[32] = "±? m", sats[32] = "";
    fmt_age(f->age_s, age, sizeof age);
    if (!isnan(f->eph_m))
        snprintf(acc, sizeof acc, "±%.0f m", f->eph_m);
    if (f->sats_used > 0)
        snprintf(sats, sizeof sats, " %d sats", f->sats_used);
    switch (f->state) {
    case GPSC_FIX:
        snprintf(buf, n, "GPS %.5f%c %.5f%c %s%s", fabs(f->lat), f->lat >= 0 ? 'N' : 'S',
                 fabs(f->lon), f->lon >= 0 ? 'E' : 'W', acc, sats);
        break;
    case GPSC_STALE:
        snprintf(buf, n, "GPS stale: last fix %s ago", age);
        break;
    case GPSC_NO_FIX:
        if (f->have_fix)
            snprintf(buf, n, "GPS no fix (last %s ago)", age);
        else
            snprintf(buf, n, "GPS no fix");
        break;
    case GPSC_NO_GPSD:
        if (f->have_fix)
            snprintf(buf, n, "GPS: gpsd not running (last fix %s ago)", age);
        else
            snprintf(buf, n, "GPS: gpsd not running");
        break;
    }
}

static void jnum(char *buf, size_t n, int decimals, double v)
{
    if (isnan(v) || isinf(v))
        snprintf(buf, n, "null");
    else
        snprintf(buf, n, "%.*f", decimals, v);
}

void gps_fixinfo_json(const struct gps_fixinfo *f, char *buf, size_t n)
{
    char lat[48], lon[48], alt[48], eph[48], epv[48], age[48], su[48], sv[48], ft[80];
    int have = f->have_fix;
    jnum(lat, sizeof lat, 7, have ? f->lat : NAN);
    jnum(lon, sizeof lon, 7, have ? f->lon : NAN);
    jnum(alt, sizeof alt, 1, have ? f->alt_m : NAN);
    jnum(eph, sizeof eph, 1, have ? f->eph_m : NAN);
    jnum(epv, sizeof epv, 1, have ? f->epv_m : NAN);
    jnum(age, sizeof age, 2, f->age_s);
    jnum(su, sizeof su, 0, f->sats_used >= 0 ? (double)f->sats_used : NAN);
    jnum(sv, sizeof sv, 0, f->sats_visible >= 0 ? (double)f->sats_visible : NAN);
    if (have && f->fix_time.tv_sec > 0) {
        struct tm tm;
        time_t t = f->fix_time.tv_sec;
        gmtime_r(&t, &tm);
        char tb[32];
        strftime(tb, sizeof tb, "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(ft, sizeof ft, "\"%s.%03ldZ\"", tb, f->fix_time.tv_nsec / 1000000);
    } else {
        snprintf(ft, sizeof ft, "null");
    }
    snprintf(buf, n,
             "{\"state\":\"%s\",\"mode\":%d,\"lat\":%s,\"lon\":%s,\"alt_m\":%s,\"eph_m\":%s,"
             "\"epv_m\":%s,\"sats_used\":%s,\"sats_visible\":%s,\"fix_time\":%s,\"age_s\":%s,"
             "\"fixes\":%ld,\"connects\":%ld}",
             gpsc_state_name(f->state), f->mode, lat, lon, alt, eph, epv, su, sv, ft, age, f->fixes,
             f->connects);
}

int gps_fixinfo_good_enough(const struct gps_fixinfo *f, double limit_m)
{
    return f->state == GPSC_FIX && f->have_fix && !isnan(f->eph_m) && f->eph_m <= limit_m;
}
