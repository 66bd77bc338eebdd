/* hooks_media.c - the entry page's "Take photo", "Pick file" and "Scan" buttons, wired to the
 * photo pipeline (app/photo_job.h) running on a worker thread.
 *
 * A press starts a job and registers its wake-up pipe with the loop; a progress box (scr_job.c)
 * shows the stage, a bar, what was stored or failed and a Cancel button, and the end reloads
 * the screens (the new photos appear in the folder). A cancelled job that does not come back
 * within MEDIA_GIVE_UP_S (a driver stuck in its read) is given up (photo_job_abandon) and the
 * user told to replug the device. Only one job runs at a time: the camera and the scanner are single
 * devices. "Pick file" opens the file chooser (scr_pick.c) over the configured pick folders
 * and removable media; its selection becomes one job. Settings come from the app's config
 * file first, then the store's. Installing also plugs in the photo viewer (scr_viewer.c),
 * which decodes with media/ too. */
#include "gridwalk/config.h"

#include "app/config.h"
#include "app/photo_job.h"
#include "ui/hooks.h"
#include "ui/internal.h"
#include "ui/media.h"
#include "ui/loop.h"
#include "ui/ui.h"

#include <math.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

/* Seconds a cancelled job may take to come back before it is given up (a driver stuck in
 * its read never looks at the cancel flag). */
#define MEDIA_GIVE_UP_S 10

struct media_run {
    struct ui *ui;
    struct photo_job *job;
    enum photo_job_kind kind;
    struct screen *box; /* the progress box, NULL once it is gone */
    int timer;
    int give_up_s;
    int stored, failed;
    double last_news, cancelled_at; /* monotonic seconds; cancelled_at 0 until Cancel */
};

static struct media_run *running;

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *device_word(enum photo_job_kind kind)
{
    return kind == PHOTO_JOB_SCAN      ? _("scanner")
           : kind == PHOTO_JOB_CAPTURE ? _("camera")
                                       : _("file");
}

/* Ends the run: off the loop, the box closed, the screens reloaded. */
static void finish(struct media_run *r)
{
    ui_loop_remove_fd(photo_job_fd(r->job));
    ui_loop_remove_timer(r->timer);
    if (r->box)
        ui_remove(r->ui, r->box);
    ui_reload_all(r->ui);
    running = NULL;
}

static int on_job(int fd, short revents, void *ctx)
{
    struct media_run *r = ctx;
    struct photo_event ev;
    (void)fd;
    (void)revents;
    while (photo_job_next(r->job, &ev)) {
        r->last_news = mono_now();
        switch (ev.kind) {
        case PHOTO_EV_PROGRESS:
            if (r->box)
                scr_job_progress(r->box, ev.stage, ev.done, ev.total, ev.item, ev.items);
            break;
        case PHOTO_EV_STORED:
            r->stored++;
            if (r->box)
                scr_job_counts(r->box, r->stored, r->failed, NULL);
            break;
        case PHOTO_EV_FAILED:
            r->failed++;
            if (r->box)
                scr_job_counts(r->box, r->stored, r->failed, ev.err.msg);
            break;
        case PHOTO_EV_DONE: {
            struct ui *ui = r->ui;
            int stored = r->stored, failed = r->failed;
            finish(r);
            photo_job_free(r->job);
            free(r);
            if (ev.rc == GW_ECANCEL)
                ui_message(ui, false, _("Cancelled; %d stored before that."), stored);
            else if (ev.rc)
                ui_message(ui, true, "%s", ev.err.msg);
            else if (failed)
                ui_message(ui, true, _("%d stored, %d failed: %s"), stored, failed,
                           _("see the photo folder for what arrived"));
            else
                ui_message(ui, false, _("%d stored"), stored);
            return UI_HANDLED | UI_REDRAW;
        }
        }
    }
    return UI_HANDLED | UI_REDRAW;
}

/* Once a second: how long the device has been quiet, and giving up a cancelled job that does
 * not come back, so the app is never held by a stuck driver. */
static int on_tick(void *ctx)
{
    struct media_run *r = ctx;
    double now = mono_now();
    if (r->cancelled_at > 0 && now - r->cancelled_at >= r->give_up_s) {
        struct ui *ui = r->ui;
        enum photo_job_kind kind = r->kind;
        finish(r);
        photo_job_abandon(r->job);
        free(r);
        ui_message(ui, true,
                   _("The %s did not answer and was given up. Unplug it and plug it in again "
                     "before the next try."),
                   device_word(kind));
        return UI_REDRAW;
    }
    if (r->box)
        scr_job_idle(r->box, (int)(now - (r->cancelled_at > 0 ? r->cancelled_at : r->last_news)));
    return UI_REDRAW;
}

static void on_cancel(struct ui *ui, void *ctx)
{
    struct media_run *r = ctx;
    (void)ui;
    photo_job_cancel(r->job);
    r->cancelled_at = mono_now();
}

static void on_box_gone(struct ui *ui, void *ctx)
{
    struct media_run *r = ctx;
    (void)ui;
    r->box = NULL;
}

int ui_media_watch(struct ui *ui, struct photo_job *job, enum photo_job_kind kind, int give_up_s,
                   struct err *e)
{
    if (running) {
        photo_job_free(job);
        return err_set(e, GW_EDEVICE, "%s", _("still busy with the previous photo or scan"));
    }
    struct media_run *r = calloc(1, sizeof *r);
    if (!r)
        abort();
    r->ui = ui;
    r->job = job;
    r->kind = kind;
    r->give_up_s = give_up_s > 0 ? give_up_s : MEDIA_GIVE_UP_S;
    r->last_news = mono_now();
    if (ui_loop_add_fd(photo_job_fd(job), POLLIN, on_job, r) < 0 ||
        (r->timer = ui_loop_add_timer(1000, on_tick, r)) < 0) {
        ui_loop_remove_fd(photo_job_fd(job));
        photo_job_free(job);
        free(r);
        return err_set(e, GW_EINTERNAL, "%s", _("too many things at once; try again"));
    }
    r->box = scr_job_new(kind == PHOTO_JOB_SCAN      ? _("Scanning")
                         : kind == PHOTO_JOB_CAPTURE ? _("Taking a photo")
                                                     : _("Importing pictures"),
                         on_cancel, on_box_gone, r);
    ui_push(ui, r->box);
    running = r;
    return GW_OK;
}

static int start(struct ui *ui, int64_t entry_id, const char *folder, enum photo_job_kind kind,
                 const char *const *files, int nfiles, struct err *e)
{
    if (running)
        return err_set(e, GW_EDEVICE, "%s", _("still busy with the previous photo or scan"));
    const struct config *cfg = ui->cfg;
    struct photo_overrides ov = {cfg->photo_long_edge, cfg->photo_quality, cfg->keep_original,
                                 cfg->camera, cfg->scanner, cfg->pick_folders};
    struct ui_gps_fix fix;
    struct photo_position pos, *pp = NULL;
    ui_gps(&fix);
    if (fix.state == UI_GPS_FIX) {
        pos.lat = fix.lat;
        pos.lon = fix.lon;
        pos.alt_m = NAN;
        pos.accuracy_m = fix.accuracy_m;
        pos.fix_time = fix.at;
        pp = &pos;
    }
    struct photo_job *job = NULL;
    int rc = photo_job_for_entry(ui->db, entry_id, folder ? folder : "appearance", kind, files,
                                 nfiles, pp, &ov, &job, e);
    if (rc)
        return rc;
    return ui_media_watch(ui, job, kind, MEDIA_GIVE_UP_S, e);
}

static int take_photo(const struct ui_hook_target *t, void *ctx, struct err *e)
{
    (void)ctx;
    return start(t->ui, t->entry_id, t->folder, PHOTO_JOB_CAPTURE, NULL, 0, e);
}

static int scan(const struct ui_hook_target *t, void *ctx, struct err *e)
{
    (void)ctx;
    return start(t->ui, t->entry_id, t->folder, PHOTO_JOB_SCAN, NULL, 0, e);
}

static int pick_import(struct ui *ui, int64_t entry_id, const char *folder,
                       const char *const *files, int n, struct err *e)
{
    return start(ui, entry_id, folder, PHOTO_JOB_FILES, files, n, e);
}

/* The chooser (scr_pick.c) over the roots: browse, tick pictures in any folders, import. */
static int pick_file(const struct ui_hook_target *t, void *ctx, struct err *e)
{
    (void)ctx;
    struct photo_pick_roots roots;
    int rc = photo_pick_roots_for(t->ui->db, t->ui->cfg->pick_folders, &roots, e);
    if (rc)
        return rc;
    ui_push(t->ui, scr_pick_new(t->ui, &roots, t->entry_id, t->folder, pick_import));
    photo_pick_roots_done(&roots);
    return GW_OK;
}

void ui_media_install(void)
{
    ui_hooks.take_photo = take_photo;
    ui_hooks.pick_file = pick_file;
    ui_hooks.scan = scan;
    ui_viewer_open = scr_viewer_new;
}
