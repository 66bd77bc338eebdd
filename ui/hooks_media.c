/* hooks_media.c - the entry page's "Take photo", "Pick file" and "Scan" buttons, wired to the
 * photo pipeline (app/photo_job.h) running on a worker thread.
 *
 * A press starts a job and registers its wake-up pipe with the loop; progress goes to the
 * status line, each failed item is said there, and the end reloads the screens (the new photos
 * appear in the folder). Only one job runs at a time: the camera and the scanner are single
 * devices. "Pick file" opens the file chooser (scr_pick.c) over the configured pick folders
 * and removable media; its selection becomes one job. Settings come from the app's config
 * file first, then the store's. */
#include "gridwalk/config.h"

#include "app/config.h"
#include "app/photo_job.h"
#include "ui/hooks.h"
#include "ui/internal.h"
#include "ui/loop.h"
#include "ui/ui.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct media_run {
    struct ui *ui;
    struct photo_job *job;
    int stored, failed;
};

static struct media_run *running;

static int on_job(int fd, short revents, void *ctx)
{
    struct media_run *r = ctx;
    struct photo_event ev;
    (void)fd;
    (void)revents;
    while (photo_job_next(r->job, &ev)) {
        switch (ev.kind) {
        case PHOTO_EV_PROGRESS:
            if (ev.total > 0)
                ui_message(r->ui, false, "%s %ld%% (%d/%d)", ev.stage, ev.done * 100 / ev.total,
                           ev.item, ev.items > 0 ? ev.items : ev.item);
            else
                ui_message(r->ui, false, "%s", ev.stage);
            break;
        case PHOTO_EV_STORED:
            r->stored++;
            break;
        case PHOTO_EV_FAILED:
            r->failed++;
            ui_message(r->ui, true, "%s", ev.err.msg);
            break;
        case PHOTO_EV_DONE:
            ui_loop_remove_fd(photo_job_fd(r->job));
            if (ev.rc)
                ui_message(r->ui, true, "%s", ev.err.msg);
            else if (!r->failed)
                ui_message(r->ui, false, _("%d stored"), r->stored);
            photo_job_free(r->job);
            ui_reload_all(r->ui);
            free(r);
            running = NULL;
            return UI_HANDLED | UI_REDRAW;
        }
    }
    return UI_HANDLED | UI_REDRAW;
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
    struct media_run *r = calloc(1, sizeof *r);
    if (!r)
        abort();
    r->ui = ui;
    int rc = photo_job_for_entry(ui->db, entry_id, folder ? folder : "appearance", kind, files,
                                 nfiles, pp, &ov, &r->job, e);
    if (rc) {
        free(r);
        return rc;
    }
    if (ui_loop_add_fd(photo_job_fd(r->job), POLLIN, on_job, r) < 0) {
        photo_job_free(r->job);
        free(r);
        return err_set(e, GW_EINTERNAL, "%s", _("too many things at once; try again"));
    }
    running = r;
    ui_message(ui, false, "%s", kind == PHOTO_JOB_SCAN ? _("scanning...") : _("working..."));
    return GW_OK;
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
}
