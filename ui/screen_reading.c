/* screen_reading.c - the meter-reading screen (see reading.h). */
#include "gridwalk/config.h"

#include "ui/reading.h"

#include "app/readflow.h"
#include "app/readjob.h"
#include "ui/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum rstate { RS_READING, RS_READ, RS_FAILED, RS_STORED };

struct reading_scr {
    struct screen base;
    struct ui *ui; /* for the loop's callback, which gets no ui */
    int64_t customer_id;
    char account[64];
    char task_uuid[40]; /* "" when not opened for a task */
    struct readjob *job;
    struct readjob_status st;
    struct probe_result r;
    struct readflow_outcome fo;
    enum rstate state;
    char note[UI_MSG_MAX]; /* why it failed, or the warning to confirm */
    bool warn;             /* warnings the reader may confirm with Enter */
    bool transcript;       /* Tab: the byte transcript instead of the registers */
    int scroll;
    bool manual_warned; /* the typed value's warning was shown once: OK again confirms */
};

static struct reading_scr *me(struct screen *s)
{
    return (struct reading_scr *)s;
}

static const char *const state_names[] = {"reading", "read", "failed", "stored"};

static void position(struct readflow_position *p, const struct readflow_position **out)
{
    struct ui_gps_fix fix;
    ui_gps(&fix);
    *out = NULL;
    if (fix.state == UI_GPS_FIX) {
        *p = (struct readflow_position){fix.lat, fix.lon, fix.accuracy_m};
        *out = p;
    }
}

static void try_store(struct reading_scr *s, struct ui *ui, int confirmed)
{
    struct err e = {0};
    struct readflow_position p;
    const struct readflow_position *pos;
    position(&p, &pos);
    struct readflow_probe_read pr = {
        .account = s->account, .result = &s->r, .confirmed = confirmed, .pos = pos,
        .task_uuid = s->task_uuid[0] ? s->task_uuid : NULL};
    if (readflow_store_probe(ui->db, &pr, &s->fo, &e) == GW_OK) {
        s->state = RS_STORED;
        s->warn = false;
        s->note[0] = '\0';
        ui_message(ui, false, _("Reading stored (%s)."), s->fo.validation);
        ui_reload_all(ui);
        return;
    }
    s->state = RS_READ;
    s->warn = s->fo.meter_match && (s->fo.verdict.flags & RC_NEEDS_CONFIRM);
    snprintf(s->note, sizeof s->note, "%s%s", s->fo.meter_match ? "" : _("WRONG METER: "), e.msg);
}

/* Takes the worker's news; returns reaction flags. */
static int poll_job(struct reading_scr *s, struct ui *ui)
{
    struct err e = {0};
    if (!s->job)
        return UI_UNHANDLED;
    readjob_status(s->job, &s->st);
    if (!s->st.finished)
        return UI_REDRAW;
    ui_loop_remove_fd(readjob_fd(s->job));
    probe_result_done(&s->r);
    int rc = readjob_finish(s->job, &s->r, &e);
    readjob_free(s->job);
    s->job = NULL;
    if (rc) {
        s->state = RS_FAILED;
        snprintf(s->note, sizeof s->note, "%s", e.msg);
        return UI_REDRAW;
    }
    try_store(s, ui, 0);
    return UI_REDRAW;
}

static int on_fd(int fd, short revents, void *ctx)
{
    (void)fd;
    (void)revents;
    struct reading_scr *s = ctx;
    return poll_job(s, s->ui);
}

static void start_read(struct reading_scr *s, struct ui *ui)
{
    struct err e = {0};
    struct probe_options o = {.protocol = PROBE_AUTO};
    const char *proto = ui->cfg ? ui->cfg->probe_protocol : "";
    const char *port = ui->cfg ? ui->cfg->probe : "";
    const char *env = getenv("GRIDWALK_PROBE_PORT");
    if (env && *env)
        port = env; /* the demo's simulator, or a probe tried without editing the config */
    probe_result_done(&s->r);
    memset(&s->fo, 0, sizeof s->fo);
    memset(&s->st, 0, sizeof s->st);
    s->warn = false;
    s->note[0] = '\0';
    s->scroll = 0;
    if (strncmp(proto, "iec", 3) == 0)
        o.protocol = PROBE_IEC62056;
    else if (strncmp(proto, "dlt", 3) == 0)
        o.protocol = PROBE_DLT645;
    if (!port[0]) {
        s->state = RS_FAILED;
        snprintf(s->note, sizeof s->note, "%s",
                 _("No probe configured ([devices] probe in gridwalk.conf); press e to type "
                   "the reading in."));
        return;
    }
    if (readjob_start(&s->job, port, &o, &e)) {
        s->state = RS_FAILED;
        snprintf(s->note, sizeof s->note, "%s", e.msg);
        return;
    }
    s->state = RS_READING;
    ui_loop_add_fd(readjob_fd(s->job), POLLIN, on_fd, s);
}

static void reading_draw(struct screen *scr, struct ui *ui, int y0, int h, int w)
{
    struct reading_scr *s = me(scr);
    char line[512];
    int y = y0;
    (void)ui;
    snprintf(line, sizeof line, _("Meter reading for %s"), s->account);
    ui_put(y++, 0, w, line, A_BOLD);
    switch (s->state) {
    case RS_READING:
        snprintf(line, sizeof line, _("Reading the meter... %d of %d: %s"), s->st.done, s->st.total,
                 s->st.what);
        break;
    case RS_READ:
    case RS_STORED:
        snprintf(line, sizeof line, _("%s, meter %s (customer's meter: %s)%s"), s->r.protocol,
                 s->r.meter_reported, s->fo.customer_meter[0] ? s->fo.customer_meter : "?",
                 s->state == RS_STORED ? _(", stored") : "");
        break;
    case RS_FAILED:
        snprintf(line, sizeof line, "%s", _("No reading."));
        break;
    }
    ui_put(y++, 0, w, line, A_NORMAL);
    if (s->note[0])
        y += ui_put_wrapped(y, 0, w, 3, s->note, A_BOLD | A_REVERSE);
    int rows = y0 + h - y - 1;
    if (s->transcript) {
        const char *t = s->r.transcript ? s->r.transcript : "";
        for (int skip = s->scroll; skip > 0 && *t; skip--) {
            const char *nl = strchr(t, '\n');
            t = nl ? nl + 1 : t + strlen(t);
        }
        for (int i = 0; i < rows && *t; i++) {
            const char *nl = strchr(t, '\n');
            size_t n = nl ? (size_t)(nl - t) : strlen(t);
            snprintf(line, sizeof line, "%.*s", (int)(n < 500 ? n : 500), t);
            ui_put(y++, 0, w, line, A_NORMAL);
            t += n + (nl ? 1 : 0);
        }
    } else {
        for (size_t i = (size_t)s->scroll; i < s->r.nregs && rows-- > 0; i++) {
            const struct probe_reg *g = &s->r.regs[i];
            if (g->status == PROBE_REG_OK)
                snprintf(line, sizeof line, "%-20s %14s %s", g->id, g->value, g->unit);
            else
                snprintf(line, sizeof line, "%-20s %14s %s", g->id, "-", g->note);
            ui_put(y++, 0, w, line, A_NORMAL);
        }
    }
    ui_put(y0 + h - 1, 0, w,
           s->warn ? _("Enter: confirm and store  r: read again  e: type it in  n: skip code  "
                       "Tab: transcript")
                   : _("r: read again  e: type it in  n: skip code  Tab: transcript"),
           A_NORMAL);
}

static int manual_pressed(struct ui *ui, struct ui_dialog *d, int button, void *ctx)
{
    struct reading_scr *s = ctx;
    struct err e = {0};
    struct readflow_position p;
    const struct readflow_position *pos;
    (void)button;
    position(&p, &pos);
    struct readflow_manual m = {.account = s->account,
                                .task_uuid = s->task_uuid[0] ? s->task_uuid : NULL,
                                .value = d->fields[0].buf,
                                .value_again = d->fields[1].buf,
                                .reason_code = d->fields[2].buf,
                                .confirmed = s->manual_warned,
                                .pos = pos};
    if (readflow_store_manual(ui->db, &m, &s->fo, &e)) {
        s->manual_warned = s->fo.verdict.flags & RC_NEEDS_CONFIRM;
        snprintf(d->error, sizeof d->error, "%s%s", e.msg,
                 s->manual_warned ? _(" (OK again stores it)") : "");
        return 1;
    }
    s->state = RS_STORED;
    s->warn = false;
    snprintf(s->note, sizeof s->note, _("Typed reading stored (%s)."), s->fo.validation);
    ui_message(ui, false, "%s", s->note);
    ui_reload_all(ui);
    return 0;
}

static int skip_pressed(struct ui *ui, struct ui_dialog *d, int button, void *ctx)
{
    struct reading_scr *s = ctx;
    struct err e = {0};
    struct readflow_position p;
    const struct readflow_position *pos;
    (void)button;
    position(&p, &pos);
    if (readflow_store_skip(ui->db, s->account, s->task_uuid[0] ? s->task_uuid : NULL, d->fields[0].buf, pos, &s->fo, &e)) {
        snprintf(d->error, sizeof d->error, "%s", e.msg);
        return 1;
    }
    s->state = RS_STORED;
    snprintf(s->note, sizeof s->note, _("Recorded: %s (%s)."), d->fields[0].buf, s->fo.validation);
    ui_message(ui, false, "%s", s->note);
    ui_reload_all(ui);
    return 0;
}

static int reading_action(struct screen *scr, struct ui *ui, enum ui_action a, int arg)
{
    struct reading_scr *s = me(scr);
    (void)arg;
    switch (a) {
    case ACT_OPEN:
        if (s->state == RS_READ && s->warn) {
            try_store(s, ui, 1);
            return UI_HANDLED | UI_REDRAW;
        }
        return UI_HANDLED;
    case ACT_READ:
        if (s->state == RS_READING)
            return UI_HANDLED;
        start_read(s, ui);
        return UI_HANDLED | UI_REDRAW;
    case ACT_EDIT: {
        if (s->state == RS_READING)
            return UI_HANDLED;
        s->manual_warned = false;
        struct ui_dialog *d =
            ui_dialog_new(_("Type the reading (total kWh) twice"), manual_pressed, s);
        ui_dialog_field(d, _("Reading:"), "");
        ui_dialog_field(d, _("Again:"), "");
        ui_dialog_field(d, _("Reason (PROBE_FAILED, NO_OPTICAL_PORT, PORT_DIRTY, NO_PROBE):"),
                        "PROBE_FAILED");
        ui_dialog_button(d, _("OK"), false);
        ui_dialog_button(d, _("Cancel"), true);
        ui_push(ui, &d->base);
        return UI_HANDLED | UI_REDRAW;
    }
    case ACT_NEW: {
        if (s->state == RS_READING)
            return UI_HANDLED;
        struct ui_dialog *d = ui_dialog_new(_("No reading: skip or trouble code"), skip_pressed, s);
        ui_dialog_field(d,
                        _("Code (NO_ACCESS, LOCKED, DOG, UNSAFE, METER_MISSING, "
                          "METER_DAMAGED, SEAL_BROKEN, DISPLAY_FAULT, TAMPER_SUSPECTED):"),
                        "");
        ui_dialog_button(d, _("OK"), false);
        ui_dialog_button(d, _("Cancel"), true);
        ui_push(ui, &d->base);
        return UI_HANDLED | UI_REDRAW;
    }
    case ACT_NEXT:
        s->transcript = !s->transcript;
        s->scroll = 0;
        return UI_HANDLED | UI_REDRAW;
    case ACT_DOWN:
    case ACT_PGDN:
        s->scroll += a == ACT_PGDN ? 10 : 1;
        return UI_HANDLED | UI_REDRAW;
    case ACT_UP:
    case ACT_PGUP:
        s->scroll -= a == ACT_PGUP ? 10 : 1;
        if (s->scroll < 0)
            s->scroll = 0;
        return UI_HANDLED | UI_REDRAW;
    default:
        return UI_UNHANDLED;
    }
}

static void reading_crumb(struct screen *scr, struct ui *ui, char *buf, size_t n)
{
    (void)scr;
    (void)ui;
    snprintf(buf, n, "%s", _("Meter reading"));
}

/* Also taken on a reload, so a read is never stuck behind a missed wake-up. */
static void reading_reload(struct screen *scr, struct ui *ui)
{
    poll_job(me(scr), ui);
}

static void reading_dump(struct screen *scr, FILE *out)
{
    struct reading_scr *s = me(scr);
    fprintf(out, "reading.state=%s\nreading.protocol=%s\nreading.meter=%s\n", state_names[s->state],
            s->r.protocol, s->r.meter_reported);
    fprintf(out, "reading.meter_match=%d\nreading.warn=%d\nreading.validation=%s\n",
            s->fo.meter_match, s->warn, s->fo.validation);
    for (size_t i = 0; i < s->r.nregs; i++)
        if (s->r.regs[i].status == PROBE_REG_OK)
            fprintf(out, "reading.reg.%s=%s %s\n", s->r.regs[i].id, s->r.regs[i].value,
                    s->r.regs[i].unit);
    fprintf(out, "reading.note=%s\nreading.stored=%s\n", s->note, s->fo.stored_uuid);
}

static void reading_free(struct screen *scr)
{
    struct reading_scr *s = me(scr);
    if (s->job) {
        ui_loop_remove_fd(readjob_fd(s->job));
        readjob_free(s->job);
    }
    probe_result_done(&s->r);
    free(s);
}

static const struct screen_ops reading_ops = {
    .name = "reading",
    .draw = reading_draw,
    .on_action = reading_action,
    .crumb = reading_crumb,
    .reload = reading_reload,
    .dump = reading_dump,
    .free = reading_free,
    .bar = {ACT_READ, ACT_EDIT, ACT_NEW, ACT_NEXT, ACT_OPEN, ACT_NONE},
};

static int reading_hook(const struct ui_hook_target *t, void *ctx, struct err *e)
{
    (void)ctx;
    (void)e;
    struct reading_scr *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->base.ops = &reading_ops;
    s->ui = t->ui;
    s->customer_id = t->customer_id;
    snprintf(s->account, sizeof s->account, "%s", t->account ? t->account : "");
    const char *task = ui_hook_task_uuid(t->ui);
    snprintf(s->task_uuid, sizeof s->task_uuid, "%s", task ? task : "");
    ui_push(t->ui, &s->base);
    start_read(s, t->ui);
    return GW_OK;
}

void ui_reading_install(void)
{
    ui_hooks.read_meter = reading_hook;
}
