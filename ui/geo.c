/* geo.c - the gpsd client on the app's loop, and the GPS and Locate hooks. */
#include "gridwalk/config.h"

#include "app/geo/canvas.h"
#include "app/geo/gpsclient.h"
#include "ui/geo.h"
#include "ui/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define GEO_TICK_MS 250

static struct gpsclient *gc;
static int gc_fd = -1;
static int gc_timer = -1;

static int on_gpsd(int fd, short revents, void *ctx);

/* The client's socket changes on every reconnect: keep the loop watching the current one. */
static void watch(void)
{
    int fd = gpsclient_fd(gc);
    if (fd == gc_fd)
        return;
    if (gc_fd >= 0)
        ui_loop_remove_fd(gc_fd);
    gc_fd = fd;
    if (fd >= 0 && ui_loop_add_fd(fd, POLLIN, on_gpsd, NULL) < 0)
        gc_fd = -1;
}

static int on_gpsd(int fd, short revents, void *ctx)
{
    (void)fd;
    (void)revents;
    (void)ctx;
    int changed = gpsclient_read(gc, gpsclient_now());
    watch();
    return changed ? UI_REDRAW : 0;
}

static int on_tick(void *ctx)
{
    (void)ctx;
    int changed = gpsclient_tick(gc, gpsclient_now());
    watch();
    return changed ? UI_REDRAW : 0;
}

static void gps_fix(void *ctx, struct ui_gps_fix *out)
{
    (void)ctx;
    struct gps_fixinfo f;
    gpsclient_get(gc, gpsclient_now(), &f);
    out->state = f.state == GPSC_FIX       ? UI_GPS_FIX
                 : f.state == GPSC_NO_GPSD ? UI_GPS_NONE
                                           : UI_GPS_NOFIX;
    out->lat = f.have_fix ? f.lat : NAN;
    out->lon = f.have_fix ? f.lon : NAN;
    out->accuracy_m = f.have_fix ? f.eph_m : NAN;
    out->at = f.have_fix ? f.fix_time.tv_sec : 0;
}

static int locate(const struct ui_hook_target *t, void *ctx, struct err *e)
{
    (void)ctx;
    if (!t->account || !*t->account)
        return err_set(e, GW_EINVAL, "no customer to locate");
    ui_push(t->ui, scr_map_new(t->ui, t->account));
    return GW_OK;
}

void ui_geo_install(const struct config *cfg)
{
    char port[16];
    snprintf(port, sizeof port, "%d", cfg && cfg->gps_port > 0 ? cfg->gps_port : 2947);
    const char *host = getenv("GRIDWALK_GPSD_HOST");
    const char *eport = getenv("GRIDWALK_GPSD_PORT");
    if (!host || !*host)
        host = cfg && cfg->gps_host[0] ? cfg->gps_host : NULL;
    gc = gpsclient_new(host, eport && *eport ? eport : port, 5);
    if (!gc)
        return;
    gpsclient_tick(gc, gpsclient_now());
    watch();
    gc_timer = ui_loop_add_timer(GEO_TICK_MS, on_tick, NULL);
    ui_hooks.gps_fix = gps_fix;
    ui_hooks.gps_ctx = NULL;
    ui_hooks.locate = locate;
}

void ui_geo_uninstall(void)
{
    if (gc_timer >= 0)
        ui_loop_remove_timer(gc_timer);
    if (gc_fd >= 0)
        ui_loop_remove_fd(gc_fd);
    gc_timer = gc_fd = -1;
    ui_hooks.gps_fix = NULL;
    ui_hooks.locate = NULL;
    gpsclient_free(gc);
    gc = NULL;
}

const struct map_words *ui_map_words(void)
{
    /* Filled on each call: the catalog is chosen once at start, and this is cheap. */
    static struct map_words w;
    w.no_coords = _("no coordinates; pin it on site");
    w.no_fix = _("distance unknown, no fix");
    w.here = _("here");
    w.bearing = _("bearing");
    w.old_fix = _("(old fix)");
    w.no_position = _("no position: no fix and no coordinates");
    return &w;
}
