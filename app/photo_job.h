/* photo_job.h - the photo pipeline on a worker thread, for the full-screen app.
 *
 * The UI loop must never wait for a camera, a scanner or a resize. photo_job_start() copies
 * the request, starts one pthread that opens its own store connection (a `struct db` is used by
 * one thread at a time) and runs photo.h; events (progress, each stored photo, each failed item,
 * the end) are queued under a mutex and announced by a byte on a pipe whose read end the UI
 * adds to its poll() set. The UI drains events with photo_job_next() when the fd is readable,
 * may call photo_job_cancel() at any time (honoured at the next step; nothing half-stored) and
 * must call photo_job_free() (which cancels and joins) when done.
 *
 * How the entry page uses it (ui/hooks.h, set before ui_run()):
 *   at start-up:  photo_store_sweep(db) once, before the loop (photo.h)
 *   Take photo:   photo_job_for_entry(t->db, t->entry_id, t->folder, PHOTO_JOB_CAPTURE, ...)
 *   Pick file:    photo_pick_roots_for(db, cfg->pick_folders) and photo_pick_list() feed the
 *                 chooser (multiple selection); then
 *                 photo_job_for_entry(..., PHOTO_JOB_FILES, paths, n, ...)
 *   Scan:         photo_job_for_entry(..., PHOTO_JOB_SCAN, NULL, 0, ...)
 *   pos:          the newest fix from ui_hooks.gps_fix when its state is FIX, else NULL
 *   ov:           from the app's struct config: {photo_long_edge, photo_quality,
 *                 keep_original, camera, scanner, pick_folders}
 *   then ui_loop_add_fd(photo_job_fd(job), POLLIN, cb): in cb loop photo_job_next(); draw
 *   PROGRESS as a bar with stage and done/total (Esc calls photo_job_cancel); STORED adds a
 *   row to the folder; FAILED shows err.msg (for the camera it names the device and says
 *   "pick from file" stays available); DONE: ui_loop_remove_fd, photo_job_free, redraw.
 *   A live preview uses media_camera_open/next (camera.h) with media_preview_render cells.
 */
#ifndef GRIDWALK_APP_PHOTO_JOB_H
#define GRIDWALK_APP_PHOTO_JOB_H

#include "gridwalk/config.h"
#include "app/photo.h"
#include "app/photo_pick.h"

enum photo_job_kind { PHOTO_JOB_FILES, PHOTO_JOB_CAPTURE, PHOTO_JOB_SCAN };

struct photo_job_request {
    enum photo_job_kind kind;
    const char *db_path; /* the store the UI has open (db_path()) */
    const char *entry;   /* entry UUID */
    const char *folder;  /* appearance | nameplate */
    struct photo_config cfg;
    struct photo_position pos;
    const char *const *files; /* PHOTO_JOB_FILES */
    int nfiles;
    const struct photo_pick_roots *roots; /* if set, files outside them fail (copied) */
    const char *device;                   /* camera path/name or scanner name; NULL or "": first */
    struct photo_scan_opts scan;          /* PHOTO_JOB_SCAN (its device is taken from .device) */
};

enum photo_event_kind {
    PHOTO_EV_PROGRESS, /* stage, done, total (item of items) */
    PHOTO_EV_STORED,   /* stored */
    PHOTO_EV_FAILED,   /* err: one item failed; the job goes on with the next */
    PHOTO_EV_DONE,     /* rc and err: the job is over (GW_ECANCEL when cancelled) */
};

struct photo_event {
    enum photo_event_kind kind;
    int item, items; /* 1-based item (file or page) and the count when known (0: unknown) */
    char stage[48];
    long done, total;
    struct photo_stored stored;
    int rc;
    struct err err;
};

struct photo_job;

/* Starts the job; the request and its strings are copied. GW_EINVAL for an empty request,
 * GW_EINTERNAL if no thread or pipe can be made. *out is the caller's: photo_job_free(). */
int photo_job_start(const struct photo_job_request *rq, struct photo_job **out, struct err *e);

/* The read end of the wake-up pipe (non-blocking, close-on-exec), for poll(). */
int photo_job_fd(const struct photo_job *j);

/* Takes the oldest event: 1 when ev was filled, 0 when none is waiting. After PHOTO_EV_DONE
 * no more events come. Progress events are coalesced (only the newest is kept). */
int photo_job_next(struct photo_job *j, struct photo_event *ev);

/* What the app's own settings file says (app/config.h: [photo] long_edge, quality,
 * keep_original; [devices] camera, scanner; [paths] pick_folders), which wins over the store's
 * settings. Numbers <= 0 and NULL or "" strings mean "not set"; keep_original -1 likewise. */
struct photo_overrides {
    int long_edge, quality, keep_original;
    const char *camera, *scanner, *pick_folders;
};

/* The entry page's buttons in one call: a job of the given kind for entry_id's folder, its
 * request built from ov (may be NULL), then the store's settings (photo.*, camera.*,
 * camera.device, scanner.device, scanner.source, scanner.mode, scanner.dpi, scanner.pages,
 * photo.dirs for the roots files must be in). pos may be NULL (no fix). Failures as
 * photo_job_start, GW_EINVAL for a bad setting. */
int photo_job_for_entry(struct db *db, int64_t entry_id, const char *folder,
                        enum photo_job_kind kind, const char *const *files, int nfiles,
                        const struct photo_position *pos, const struct photo_overrides *ov,
                        struct photo_job **out, struct err *e);

/* The chooser's roots: pick_folders when given (a ':' list), else the photo.dirs setting,
 * else $GRIDWALK_PHOTO_DIRS, else ~/Pictures; removable media always. */
int photo_pick_roots_for(struct db *db, const char *pick_folders, struct photo_pick_roots *r,
                         struct err *e);

/* Asks the job to stop at the next step boundary. Safe from any thread. */
void photo_job_cancel(struct photo_job *j);

/* Cancels if still running, waits for the thread, releases everything; NULL is fine. */
void photo_job_free(struct photo_job *j);

/* Gives up on a job whose worker does not come back (a scanner or camera driver stuck inside
 * its library call, which no cancel flag reaches): cancels it, detaches the worker and
 * returns at once, so the app goes on and can quit. If the worker ever returns it frees the
 * job itself. j must not be used afterwards; its fd must already be off the poll loop. */
void photo_job_abandon(struct photo_job *j);

/* How many abandoned workers have not come back yet (the device may still be held). */
int photo_job_stuck(void);

#endif
