/* gpsclient.h - the device's position from gpsd, for a poll() loop.
 *
 * Wraps libgps: connects to gpsd (reconnecting with backoff when gpsd is absent or restarts),
 * watches its JSON stream, and keeps the latest fix: mode, position, accuracy (eph/epv),
 * satellites and the fix's age, deduplicating the epochs gpsd repeats. Four states are
 * reported, and a caller shows each as such, never as a zero position:
 *   NO_GPSD  gpsd cannot be reached (the last fix, if any, is kept with its age)
 *   NO_FIX   gpsd answers but the receiver has no fix
 *   FIX      a fix newer than the stale limit
 *   STALE    the last fix is older than the stale limit
 * The caller owns the loop: it polls gpsclient_fd() for input, calls gpsclient_read() when
 * it is readable and gpsclient_tick() at least every gpsclient_timeout_ms(). The client owns
 * its libgps connection; it never blocks longer than a loopback connect. It knows nothing of
 * screens or the store. Times are CLOCK_MONOTONIC seconds (gpsclient_now()). */
#ifndef GRIDWALK_GEO_GPSCLIENT_H
#define GRIDWALK_GEO_GPSCLIENT_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"

#include <stddef.h>
#include <time.h>

enum gpsc_state { GPSC_NO_GPSD, GPSC_NO_FIX, GPSC_FIX, GPSC_STALE };

struct gps_fixinfo {
    enum gpsc_state state;
    int have_fix;                /* a position was ever received (lat/lon below are valid) */
    int mode;                    /* latest mode from gpsd: 0 unseen, 1 none, 2 2D, 3 3D */
    double lat, lon;             /* degrees of the last fix; NaN when there was none */
    double alt_m;                /* height above the ellipsoid, NaN unless a 3D fix */
    double eph_m, epv_m;         /* horizontal/vertical 95% error estimates, NaN = unknown */
    double speed_mps, track_deg; /* NaN = unknown */
    int sats_used, sats_visible; /* -1 = unknown */
    struct timespec fix_time;    /* the receiver's UTC time of the last fix (0 = none) */
    double age_s;                /* seconds since the last fix arrived, NaN when none */
    long fixes;                  /* distinct fixes received (repeated epochs counted once) */
    long connects;               /* successful connections to gpsd so far */
};

struct gpsclient;

/* Creates a client for gpsd at host:port (NULL: $GRIDWALK_GPSD_HOST or 127.0.0.1,
 * $GRIDWALK_GPSD_PORT or 2947). A fix older than stale_s seconds is STALE (0: 5 s). It does
 * not connect yet: the first gpsclient_tick() does. Free with gpsclient_free(). NULL only
 * when out of memory. */
struct gpsclient *gpsclient_new(const char *host, const char *port, double stale_s);
void gpsclient_free(struct gpsclient *c);

/* The gpsd socket to poll for input, or -1 while disconnected. */
int gpsclient_fd(const struct gpsclient *c);

/* Reads and applies everything gpsd has sent. Returns 1 when the reported state or fix
 * changed (redraw), 0 otherwise. A closed connection becomes NO_GPSD and a reconnect is
 * scheduled. */
int gpsclient_read(struct gpsclient *c, double now);

/* Timers: reconnects when due and turns an old fix STALE. Returns 1 on a change. */
int gpsclient_tick(struct gpsclient *c, double now);

/* Milliseconds until gpsclient_tick next has work to do (for poll's timeout). */
int gpsclient_timeout_ms(const struct gpsclient *c, double now);

/* The current state and fix (age computed at now). */
void gpsclient_get(const struct gpsclient *c, double now, struct gps_fixinfo *out);

/* The last connection failure, for a status line ("" when connected). */
const char *gpsclient_last_error(const struct gpsclient *c);

/* CLOCK_MONOTONIC in seconds. */
double gpsclient_now(void);

/* "no-gpsd", "no-fix", "fix", "stale". */
const char *gpsc_state_name(enum gpsc_state s);

/* One status-line text for people: "GPS 30.27412N 120.15508E ±4 m 8 sats",
 * "GPS no fix (last 2 min ago)", "GPS stale 42 s", "GPS: gpsd not running". */
void gps_fixinfo_status(const struct gps_fixinfo *f, char *buf, size_t n);

/* The fix as one JSON object (unknown numbers are null). */
void gps_fixinfo_json(const struct gps_fixinfo *f, char *buf, size_t n);

/* 1 when f is a current fix whose horizontal error is known and at most limit_m metres. */
int gps_fixinfo_good_enough(const struct gps_fixinfo *f, double limit_m);

#endif
