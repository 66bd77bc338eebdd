/* hooks.h - where the other parts of the app plug into the screens.
 *
 * The entry page's "Take photo", "Pick file" and "Scan" buttons, the customer page's
 * "Locate" and "Read meter" buttons and the status line's GPS part call through the table
 * ui_hooks. A NULL hook means the feature is not in this build: the button stays, and
 * pressing it says so plainly ("not available in this build: camera"). The media, geo and
 * probe parts set their hooks before ui_run() without editing any screen. Hooks run on the
 * UI thread and must not block: long work registers a file descriptor (loop.h) and reports
 * back through it. */
#ifndef GRIDWALK_UI_HOOKS_H
#define GRIDWALK_UI_HOOKS_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"

#include <stdint.h>
#include <time.h>

struct ui;
struct db;

/* What a hook is pointed at. folder is "appearance", "nameplate" or NULL for the customer
 * page's hooks. */
struct ui_hook_target {
    struct ui *ui;
    struct db *db;
    int64_t customer_id;
    const char *account;
    int64_t entry_id; /* 0 on the customer page */
    const char *folder;
};

/* NONE: no GPS in this build or no gpsd; NOFIX: gpsd but no current fix (lat/lon/at may
 * still describe the last fix, which is shown with its age but never used); FIX: current. */
enum ui_gps_state { UI_GPS_NONE, UI_GPS_NOFIX, UI_GPS_FIX };

struct ui_gps_fix {
    enum ui_gps_state state;
    double lat, lon, accuracy_m; /* NaN when unknown */
    time_t at;                   /* when the (last) fix was taken */
};

/* Each action hook returns GW_OK (it may have set a message with ui_hook_message) or a
 * GW_E* code with a message in e that the status line shows. */
typedef int (*ui_hook_fn)(const struct ui_hook_target *t, void *ctx, struct err *e);

struct ui_hooks {
    ui_hook_fn take_photo;
    ui_hook_fn pick_file;
    ui_hook_fn scan;
    ui_hook_fn locate;
    ui_hook_fn read_meter;
    void *ctx; /* passed to every action hook */
    /* Fills *out with the newest GPS state; NULL means "GPS: n/a". */
    void (*gps_fix)(void *gps_ctx, struct ui_gps_fix *out);
    void *gps_ctx;
};

/* The one table, all NULL until a part fills it. */
extern struct ui_hooks ui_hooks;

/* For hooks and their loop callbacks (loop.h): show a line on the status line (error lines
 * highlighted), and have every open screen re-read the store (after a photo was saved, say);
 * the manager redraws when the callback returns UI_REDRAW. */
void ui_hook_message(struct ui *ui, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ui_hook_refresh(struct ui *ui);

#endif
