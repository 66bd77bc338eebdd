/* scr_job.c - the progress box of a photo, file or scan job: what it is doing, a bar, how
 * many were stored or failed, and a Cancel button.
 *
 * The box is modal (the camera and the scanner are single devices, one job at a time) but the
 * app keeps running under it: the job works on its own thread and the owner (hooks_media.c)
 * feeds progress here. A device that stops answering is said plainly after a while, so the
 * user knows to cancel; after a cancel the box says it is waiting for the device. The box
 * never ends the job itself: Cancel calls the owner back, and the owner removes the box when
 * the job ends or is given up. */
#include "gridwalk/config.h"

#include "ui/internal.h"

#include <stdlib.h>
#include <string.h>

/* Seconds without any news from the job before the box says the device is not answering. */
#define JOB_QUIET_S 10

struct job_scr {
    struct screen base;
    char title[128];
    char stage[64];
    long done, total;
    int item, items, stored, failed;
    char last_error[UI_MSG_MAX];
    int idle_s, cancelling;
    ui_job_fn cancel, gone;
    void *ctx;
};

static struct job_scr *me(struct screen *s)
{
    return (struct job_scr *)s;
}

/* [██████░░░░]  40 %, or a moving block when the total is not known. */
static void draw_bar(struct job_scr *s, int y, int x, int w)
{
    char bar[1024];
    int cells = w - 8, fill = 0;
    if (cells < 4)
        return;
    if (s->total > 0)
        fill = (int)(s->done * cells / s->total);
    size_t n = 0;
    bar[n++] = '[';
    for (int i = 0; i < cells && n + 4 < sizeof bar; i++) {
        const char *c = s->total > 0 ? (i < fill ? "█" : "░")
                                     : ((i - s->idle_s * 3) % cells + cells) % cells < 3 ? "█"
                                                                                         : "░";
        memcpy(bar + n, c, strlen(c));
        n += strlen(c);
    }
    bar[n++] = ']';
    bar[n] = '\0';
    if (s->total > 0)
        snprintf(bar + n, sizeof bar - n, " %3ld %%", s->done * 100 / s->total);
    ui_put(y, x, w, bar, A_NORMAL);
}

static void job_draw(struct screen *scr, struct ui *ui, int y0, int h, int w)
{
    struct job_scr *s = me(scr);
    int bw = w - 4 > 64 ? 64 : w - 4, bh = 12;
    int y = y0 + (h - bh) / 2, x = (w - bw) / 2;
    char line[512];
    if (y < y0)
        y = y0;
    for (int r = 0; r < bh && y + r < y0 + h; r++)
        ui_put(y + r, x, bw, "", A_NORMAL);
    ui_box(y, x, bh, bw, A_BOLD);
    ui_put(y + 1, x + 2, bw - 4, s->title, A_BOLD);
    if (s->items > 1)
        snprintf(line, sizeof line, _("%s, %d of %d"), s->stage[0] ? s->stage : _("starting"),
                 s->item, s->items);
    else
        snprintf(line, sizeof line, "%s", s->stage[0] ? s->stage : _("starting"));
    ui_put(y + 2, x + 2, bw - 4, line, A_NORMAL);
    draw_bar(s, y + 3, x + 2, bw - 4);
    snprintf(line, sizeof line, _("%d stored, %d failed"), s->stored, s->failed);
    ui_put(y + 4, x + 2, bw - 4, line, A_NORMAL);
    if (s->cancelling)
        snprintf(line, sizeof line, _("Cancelling: waiting for the device (%d s)"), s->idle_s);
    else if (s->idle_s >= JOB_QUIET_S)
        snprintf(line, sizeof line, _("No answer from the device for %d s; Cancel gives up."),
                 s->idle_s);
    else
        line[0] = '\0';
    ui_put(y + 5, x + 2, bw - 4, line, A_BOLD);
    ui_put_wrapped(y + 6, x + 2, bw - 4, 2, s->last_error, A_BOLD | A_REVERSE * !!s->last_error[0]);
    ui_button(ui, y + 8, x + 2, s->cancelling ? _("Cancelling") : _("Cancel"), true, ACT_BACK, 0);
}

static int job_action(struct screen *scr, struct ui *ui, enum ui_action a, int arg)
{
    struct job_scr *s = me(scr);
    (void)arg;
    if (a != ACT_BACK && a != ACT_OPEN)
        return UI_HANDLED; /* modal: the rest waits for the job */
    if (!s->cancelling) {
        s->cancelling = 1;
        s->idle_s = 0;
        s->cancel(ui, s->ctx);
    }
    return UI_HANDLED | UI_REDRAW;
}

static int job_key(struct screen *scr, struct ui *ui, int key)
{
    if (key == 27)
        return job_action(scr, ui, ACT_BACK, 0);
    return UI_UNHANDLED;
}

static void job_crumb(struct screen *scr, struct ui *ui, char *buf, size_t n)
{
    (void)ui;
    snprintf(buf, n, "%s", me(scr)->title);
}

static void job_dump(struct screen *scr, FILE *out)
{
    struct job_scr *s = me(scr);
    fprintf(out, "job.title=%s\njob.stage=%s\njob.done=%ld\njob.total=%ld\njob.stored=%d\n"
                 "job.failed=%d\njob.idle=%d\njob.cancelling=%d\n",
            s->title, s->stage, s->done, s->total, s->stored, s->failed, s->idle_s,
            s->cancelling);
}

static void job_free(struct screen *scr)
{
    struct job_scr *s = me(scr);
    if (s->gone)
        s->gone(NULL, s->ctx);
    free(s);
}

static const struct screen_ops job_ops = {
    .name = "job",
    .draw = job_draw,
    .on_action = job_action,
    .on_key = job_key,
    .crumb = job_crumb,
    .dump = job_dump,
    .free = job_free,
    .modal = true,
};

struct screen *scr_job_new(const char *title, ui_job_fn cancel, ui_job_fn gone, void *ctx)
{
    struct job_scr *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->base.ops = &job_ops;
    snprintf(s->title, sizeof s->title, "%s", title);
    s->cancel = cancel;
    s->gone = gone;
    s->ctx = ctx;
    return &s->base;
}

void scr_job_progress(struct screen *scr, const char *stage, long done, long total, int item,
                      int items)
{
    struct job_scr *s = me(scr);
    snprintf(s->stage, sizeof s->stage, "%s", stage);
    s->done = done;
    s->total = total;
    s->item = item;
    s->items = items;
    s->idle_s = 0;
}

void scr_job_counts(struct screen *scr, int stored, int failed, const char *last_error)
{
    struct job_scr *s = me(scr);
    s->stored = stored;
    s->failed = failed;
    if (last_error)
        snprintf(s->last_error, sizeof s->last_error, "%s", last_error);
    s->idle_s = 0;
}

void scr_job_idle(struct screen *scr, int idle_s)
{
    me(scr)->idle_s = idle_s;
}
