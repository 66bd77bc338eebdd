/* photo_job.c - worker thread and event queue of photo_job.h.
 *
 * Why a queue plus a one-byte pipe instead of writing events into the pipe: an event carries
 * a stored photo's path (up to 4 KiB), over PIPE_BUF, and a UI reading a non-blocking pipe
 * would have to reassemble partial structs; the pipe only says "look at the queue". */
#include "gridwalk/config.h"

#include "app/photo_job.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static atomic_int stuck_jobs;

struct photo_job {
    struct photo_job_request rq;
    char **files;
    struct photo_pick_roots roots;
    int check_roots;
    char *db_path, *entry, *folder, *device, *scan_source, *scan_mode;
    pthread_t thread;
    int started;
    int pipe_r, pipe_w;
    atomic_int cancel;
    pthread_mutex_t lock;
    int finished;  /* the worker has returned (under lock) */
    int abandoned; /* nobody waits for the worker: it frees the job (under lock) */
    struct photo_event *q;
    size_t qn, qcap, qhead;
    int item, items;
};

static char *dup_or_null(const char *s)
{
    if (!s || !*s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        abort();
    return d;
}

static void push(struct photo_job *j, const struct photo_event *ev)
{
    pthread_mutex_lock(&j->lock);
    if (ev->kind == PHOTO_EV_PROGRESS && j->qn > j->qhead &&
        j->q[j->qn - 1].kind == PHOTO_EV_PROGRESS) {
        j->q[j->qn - 1] = *ev;
        pthread_mutex_unlock(&j->lock);
        return;
    }
    if (j->qhead > 0 && j->qhead == j->qn)
        j->qhead = j->qn = 0;
    if (j->qn == j->qcap) {
        j->qcap = j->qcap ? j->qcap * 2 : 8;
        j->q = realloc(j->q, j->qcap * sizeof *j->q);
        if (!j->q)
            abort();
    }
    j->q[j->qn++] = *ev;
    pthread_mutex_unlock(&j->lock);
    char b = 1;
    /* A full pipe already wakes the reader; losing this byte is harmless. */
    if (write(j->pipe_w, &b, 1) < 0 && errno != EAGAIN)
        return;
}

static void on_progress(void *c, const char *stage, long done, long total)
{
    struct photo_job *j = c;
    struct photo_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = PHOTO_EV_PROGRESS;
    ev.item = j->item;
    ev.items = j->items;
    snprintf(ev.stage, sizeof ev.stage, "%s", stage);
    ev.done = done;
    ev.total = total;
    push(j, &ev);
}

static void stored(struct photo_job *j, const struct photo_stored *p)
{
    struct photo_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = PHOTO_EV_STORED;
    ev.item = j->item;
    ev.items = j->items;
    ev.stored = *p;
    push(j, &ev);
}

static void on_page(void *c, int page, const struct photo_stored *p)
{
    struct photo_job *j = c;
    j->item = page;
    stored(j, p);
    j->item = page + 1;
}

static void release(struct photo_job *j);

static void *run(void *arg)
{
    struct photo_job *j = arg;
    struct db *db = NULL;
    struct photo_ctx ctx;
    struct photo_event done;
    int ctx_open = 0;
    memset(&done, 0, sizeof done);
    done.kind = PHOTO_EV_DONE;
    struct err *e = &done.err;
    j->rq.cfg.sweep = 0; /* the app swept at start-up; a sweep now could race the UI */
    if ((done.rc = db_open(&db, j->db_path, e)))
        goto out;
    if ((done.rc = photo_ctx_open(&ctx, db, j->entry, j->folder, &j->rq.cfg, e))) {
        photo_ctx_done(&ctx);
        goto out;
    }
    ctx_open = 1;
    ctx.pos = j->rq.pos;
    ctx.progress = on_progress;
    ctx.progress_ctx = j;
    ctx.cancel = &j->cancel;
    struct photo_stored p;
    if (j->rq.kind == PHOTO_JOB_FILES) {
        j->items = j->rq.nfiles;
        for (int i = 0; i < j->rq.nfiles; i++) {
            struct photo_event f;
            memset(&f, 0, sizeof f);
            j->item = i + 1;
            if (atomic_load(&j->cancel)) {
                done.rc = err_set(e, GW_ECANCEL, "cancelled after %d of %d files", i, j->rq.nfiles);
                break;
            }
            if (j->check_roots && !photo_pick_allowed(&j->roots, j->files[i]))
                f.rc = err_set(&f.err, GW_EINVAL,
                               "%s is not a photo in the folders this "
                               "device may use",
                               j->files[i]);
            else
                f.rc = photo_add_file(&ctx, j->files[i], &p, &f.err);
            if (f.rc == GW_OK) {
                stored(j, &p);
            } else if (f.rc == GW_ECANCEL) {
                done.rc = err_set(e, GW_ECANCEL, "cancelled after %d of %d files", i, j->rq.nfiles);
                break;
            } else {
                f.kind = PHOTO_EV_FAILED;
                f.item = i + 1;
                f.items = j->rq.nfiles;
                push(j, &f);
            }
        }
    } else if (j->rq.kind == PHOTO_JOB_CAPTURE) {
        j->item = j->items = 1;
        if (!(done.rc = photo_capture(&ctx, j->device, &p, e)))
            stored(j, &p);
    } else {
        struct photo_scan_opts so = j->rq.scan;
        so.device = j->device;
        so.source = j->scan_source;
        so.mode = j->scan_mode;
        j->item = 1;
        j->items = so.pages;
        int n = 0;
        done.rc = photo_scan(&ctx, &so, on_page, j, &n, e);
    }
out:
    if (ctx_open)
        photo_ctx_done(&ctx);
    db_close(db);
    done.item = j->item;
    done.items = j->items;
    push(j, &done);
    pthread_mutex_lock(&j->lock);
    j->finished = 1;
    int orphan = j->abandoned;
    pthread_mutex_unlock(&j->lock);
    if (orphan) {
        release(j);
        atomic_fetch_sub(&stuck_jobs, 1);
    }
    return NULL;
}

int photo_job_start(const struct photo_job_request *rq, struct photo_job **out, struct err *e)
{
    int fds[2];
    *out = NULL;
    if (!rq->db_path || !rq->entry || (rq->kind == PHOTO_JOB_FILES && rq->nfiles <= 0))
        return err_set(e, GW_EINVAL, "nothing to do: no store, entry or files given");
    struct photo_job *j = calloc(1, sizeof *j);
    if (!j)
        abort();
    j->rq = *rq;
    j->db_path = dup_or_null(rq->db_path);
    j->entry = dup_or_null(rq->entry);
    j->folder = dup_or_null(rq->folder);
    j->device = dup_or_null(rq->device);
    j->scan_source = dup_or_null(rq->scan.source);
    j->scan_mode = dup_or_null(rq->scan.mode);
    if (rq->kind == PHOTO_JOB_FILES) {
        j->files = calloc((size_t)rq->nfiles, sizeof *j->files);
        if (!j->files)
            abort();
        for (int i = 0; i < rq->nfiles; i++)
            j->files[i] = dup_or_null(rq->files[i] ? rq->files[i] : "-");
    }
    j->rq.files = NULL;
    if (rq->roots) {
        j->check_roots = 1;
        j->roots.n = rq->roots->n;
        j->roots.dirs = calloc((size_t)rq->roots->n + 1, sizeof *j->roots.dirs);
        if (!j->roots.dirs)
            abort();
        for (int i = 0; i < rq->roots->n; i++)
            j->roots.dirs[i] = dup_or_null(rq->roots->dirs[i]);
    }
    j->rq.roots = NULL;
    atomic_init(&j->cancel, 0);
    pthread_mutex_init(&j->lock, NULL);
    j->pipe_r = j->pipe_w = -1;
    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
        photo_job_free(j);
        return err_set(e, GW_EINTERNAL, "cannot make a pipe: %s", strerror(errno));
    }
    j->pipe_r = fds[0];
    j->pipe_w = fds[1];
    if (pthread_create(&j->thread, NULL, run, j) != 0) {
        photo_job_free(j);
        return err_set(e, GW_EINTERNAL, "cannot start the photo worker");
    }
    j->started = 1;
    *out = j;
    return GW_OK;
}

int photo_job_fd(const struct photo_job *j)
{
    return j->pipe_r;
}

int photo_job_next(struct photo_job *j, struct photo_event *ev)
{
    char buf[64];
    while (read(j->pipe_r, buf, sizeof buf) > 0)
        ;
    pthread_mutex_lock(&j->lock);
    int got = j->qhead < j->qn;
    if (got)
        *ev = j->q[j->qhead++];
    pthread_mutex_unlock(&j->lock);
    return got;
}

void photo_job_cancel(struct photo_job *j)
{
    atomic_store(&j->cancel, 1);
}

void photo_job_free(struct photo_job *j)
{
    if (!j)
        return;
    if (j->started) {
        photo_job_cancel(j);
        pthread_join(j->thread, NULL);
    }
    release(j);
}

void photo_job_abandon(struct photo_job *j)
{
    if (!j)
        return;
    photo_job_cancel(j);
    /* The worker may free j the moment the lock is released: keep the thread id apart (an
     * exited thread's id stays valid until it is detached). */
    pthread_t t = j->thread;
    pthread_mutex_lock(&j->lock);
    int finished = j->finished || !j->started;
    if (!finished) {
        j->abandoned = 1;
        atomic_fetch_add(&stuck_jobs, 1);
    }
    pthread_mutex_unlock(&j->lock);
    if (finished) {
        photo_job_free(j);
        return;
    }
    pthread_detach(t);
}

int photo_job_stuck(void)
{
    return atomic_load(&stuck_jobs);
}

/* Frees everything of a job whose worker is done or never started. */
static void release(struct photo_job *j)
{
    if (j->pipe_r >= 0)
        close(j->pipe_r);
    if (j->pipe_w >= 0)
        close(j->pipe_w);
    pthread_mutex_destroy(&j->lock);
    for (int i = 0; j->files && i < j->rq.nfiles; i++)
        free(j->files[i]);
    free(j->files);
    photo_pick_roots_done(&j->roots);
    free(j->db_path);
    free(j->entry);
    free(j->folder);
    free(j->device);
    free(j->scan_source);
    free(j->scan_mode);
    free(j->q);
    free(j);
}

int photo_pick_roots_for(struct db *db, const char *pick_folders, struct photo_pick_roots *r,
                         struct err *e)
{
    char dirs[2048];
    r->dirs = NULL;
    r->n = 0;
    if (pick_folders && *pick_folders) {
        photo_pick_roots_init(r, pick_folders);
        return GW_OK;
    }
    int rc = photo_setting_text(db, "photo.dirs", dirs, sizeof dirs, e);
    if (rc)
        return rc;
    const char *env = getenv("GRIDWALK_PHOTO_DIRS");
    photo_pick_roots_init(r, dirs[0] ? dirs : env && *env ? env : NULL);
    return GW_OK;
}

static int int_text(const char *s, int lo, int hi, int *v)
{
    char *end = NULL;
    long x = strtol(s, &end, 10);
    if (!*s || *end || x < lo || x > hi)
        return -1;
    *v = (int)x;
    return 0;
}

int photo_job_for_entry(struct db *db, int64_t entry_id, const char *folder,
                        enum photo_job_kind kind, const char *const *files, int nfiles,
                        const struct photo_position *pos, const struct photo_overrides *ov,
                        struct photo_job **out, struct err *e)
{
    struct photo_job_request rq;
    struct photo_pick_roots roots = {NULL, 0};
    char entry[32], device[128], source[64], mode[32], dpi[16], pages[16];
    int rc;
    *out = NULL;
    memset(&rq, 0, sizeof rq);
    photo_config_defaults(&rq.cfg);
    if ((rc = photo_config_load(db, &rq.cfg, e)))
        return rc;
    if (ov && ov->long_edge > 0)
        rq.cfg.long_edge = ov->long_edge;
    if (ov && ov->quality > 0)
        rq.cfg.quality = ov->quality;
    if (ov && ov->keep_original >= 0)
        rq.cfg.keep_original = ov->keep_original;
    if (pos)
        rq.pos = *pos;
    else
        photo_position_unknown(&rq.pos);
    snprintf(entry, sizeof entry, "%lld", (long long)entry_id);
    rq.kind = kind;
    rq.db_path = db_path(db);
    rq.entry = entry;
    rq.folder = folder;
    rq.files = files;
    rq.nfiles = nfiles;
    const char *dev_key = kind == PHOTO_JOB_SCAN ? "scanner.device" : "camera.device";
    if ((rc = photo_setting_text(db, dev_key, device, sizeof device, e)) ||
        (rc = photo_setting_text(db, "scanner.source", source, sizeof source, e)) ||
        (rc = photo_setting_text(db, "scanner.mode", mode, sizeof mode, e)) ||
        (rc = photo_setting_text(db, "scanner.dpi", dpi, sizeof dpi, e)) ||
        (rc = photo_setting_text(db, "scanner.pages", pages, sizeof pages, e)))
        return rc;
    rq.device = device;
    const char *dev_ov = !ov ? NULL : kind == PHOTO_JOB_SCAN ? ov->scanner : ov->camera;
    if (dev_ov && *dev_ov)
        rq.device = dev_ov;
    if (kind == PHOTO_JOB_SCAN) {
        rq.scan.source = source[0] ? source : NULL;
        rq.scan.mode = mode[0] ? mode : NULL;
        if (dpi[0] && int_text(dpi, 1, 9600, &rq.scan.dpi))
            return err_set(e, GW_EINVAL, "setting scanner.dpi is '%s'; it must be 1..9600", dpi);
        if (pages[0] && int_text(pages, 0, 1000, &rq.scan.pages))
            return err_set(e, GW_EINVAL, "setting scanner.pages is '%s'; it must be 0..1000",
                           pages);
    }
    if (kind == PHOTO_JOB_FILES) {
        if ((rc = photo_pick_roots_for(db, ov ? ov->pick_folders : NULL, &roots, e)))
            return rc;
        rq.roots = &roots;
    }
    rc = photo_job_start(&rq, out, e);
    photo_pick_roots_done(&roots);
    return rc;
}
