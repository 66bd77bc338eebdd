/* scr_today.c - the "Today" screen: the reader's tasks in route order, the first screen after
 * start when tasks exist.
 *
 * Shows the counts done/left, the next open stop with its distance and bearing from the
 * current GPS fix ("n/a" without one), and the list filtered by kind and state. Opening a
 * task marks it in progress and goes straight to its work: an inspection opens the newest
 * topic folder of the customer's Inspection category (or the category, to add one first),
 * where a new entry is one key away; a meter
 * reading opens the customer page and presses its "Read meter" hook. Coming back to this
 * screen asks whether the task is finished: complete (the store checks the evidence and says
 * what is missing), skip with a reason code, or fail with a trouble code; then the highlight
 * moves to the next open stop. */
#include "gridwalk/config.h"

#include "app/geo/geodesy.h"
#include "data/tasks.h"
#include "ui/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* State filter values beyond the task states: the open ones, or every one. */
enum { FILTER_OPEN = -2, FILTER_ALL = -1 };

struct today_scr {
    struct screen base;
    struct ui *ui;
    struct task *all; /* every task but cancelled ones, route order */
    int nall;
    int *shown; /* indexes into all that pass the filters */
    struct ui_list list;
    int kind;       /* -1 any, else enum task_kind */
    int state;      /* FILTER_OPEN, FILTER_ALL or an enum task_state */
    int counts[TASK_STATE_COUNT];
    int64_t opened; /* the task whose work is open below, 0 when none */
    int64_t ask;    /* back from that work: ask about it at the next chance */
    int list_h;
    char error[UI_MSG_MAX];
};

static struct today_scr *me(struct screen *s)
{
    return (struct today_scr *)s;
}

static bool is_open(enum task_state st)
{
    return st == TASK_ASSIGNED || st == TASK_IN_PROGRESS;
}

static bool passes(const struct today_scr *s, const struct task *t)
{
    if (s->kind >= 0 && (int)t->kind != s->kind)
        return false;
    if (s->state == FILTER_OPEN)
        return is_open(t->state);
    return s->state == FILTER_ALL || (int)t->state == s->state;
}

/* The first open task in route order (the next stop) of the kind shown, or -1. */
static int next_stop(const struct today_scr *s)
{
    for (int i = 0; i < s->nall; i++)
        if (is_open(s->all[i].state) && (s->kind < 0 || (int)s->all[i].kind == s->kind))
            return i;
    return -1;
}

static void select_task(struct today_scr *s, int64_t id)
{
    for (int i = 0; i < s->list.n; i++)
        if (s->all[s->shown[i]].id == id)
            s->list.sel = i;
}

static void refilter(struct today_scr *s)
{
    s->list.n = 0;
    for (int i = 0; i < s->nall; i++)
        if (passes(s, &s->all[i]))
            s->shown[s->list.n++] = i;
    if (s->list.sel >= s->list.n)
        s->list.sel = s->list.n ? s->list.n - 1 : 0;
    if (s->list.sel < 0)
        s->list.sel = 0;
}

static void ask_finish(struct today_scr *s, struct ui *ui, int64_t id);

static void today_reload(struct screen *scr, struct ui *ui)
{
    struct today_scr *s = me(scr);
    struct err e = {0};
    int total = 0, n = 0;
    int64_t keep = s->list.n ? s->all[s->shown[s->list.sel]].id : 0;
    s->error[0] = '\0';
    if (tasks_count_states(ui->db, s->counts, &e) == GW_OK)
        for (int i = 0; i < TASK_STATE_COUNT; i++)
            total += i == TASK_CANCELLED ? 0 : s->counts[i];
    free(s->all);
    free(s->shown);
    s->all = calloc((size_t)total + 1, sizeof *s->all);
    s->shown = calloc((size_t)total + 1, sizeof *s->shown);
    if (!s->all || !s->shown)
        abort();
    struct task_filter f = {-1, -1};
    if (tasks_list(ui->db, &f, s->all, total, &n, &e))
        snprintf(s->error, sizeof s->error, "%s", e.msg);
    s->nall = n;
    refilter(s);
    select_task(s, keep);
    /* Back from a task's work: the screens above were closed, so ask now. */
    if (s->ask && ui_top(ui) == &s->base) {
        int64_t id = s->ask;
        ui->task_uuid[0] = '\0';
        s->ask = 0;
        ask_finish(s, ui, id);
    }
}

static void where_text(const struct task *t, char *buf, size_t n)
{
    /* The compass names geo_compass8 returns, for the catalogs. */
    static const char *const dirs[] = {N_("N"), N_("NE"), N_("E"), N_("SE"),
                                       N_("S"), N_("SW"), N_("W"), N_("NW")};
    (void)dirs;
    struct ui_gps_fix fix;
    ui_gps(&fix);
    if (!geo_valid(t->lat, t->lon)) {
        snprintf(buf, n, "%s", _("distance n/a (no coordinates)"));
        return;
    }
    if (fix.state != UI_GPS_FIX || !geo_valid(fix.lat, fix.lon)) {
        snprintf(buf, n, "%s", _("distance n/a (no GPS fix)"));
        return;
    }
    char dist[32];
    double b = geo_bearing_deg(fix.lat, fix.lon, t->lat, t->lon);
    geo_format_distance(geo_distance_m(fix.lat, fix.lon, t->lat, t->lon), dist, sizeof dist);
    if (isnan(b))
        snprintf(buf, n, "%s", dist);
    else
        snprintf(buf, n, "%s %s (%.0f°)", dist, _(geo_compass8(b)), b);
}

static const char *kind_label(enum task_kind k)
{
    return k == TASK_INSPECTION ? _("inspection") : _("meter reading");
}

static const char *state_label(int st)
{
    switch (st) {
    case FILTER_OPEN: return _("open");
    case FILTER_ALL: return _("all");
    case TASK_ASSIGNED: return _("assigned");
    case TASK_IN_PROGRESS: return _("in progress");
    case TASK_DONE: return _("done");
    case TASK_SKIPPED: return _("skipped");
    case TASK_FAILED: return _("failed");
    default: return _("cancelled");
    }
}

static void today_draw(struct screen *scr, struct ui *ui, int y0, int h, int w)
{
    struct today_scr *s = me(scr);
    int y = y0;
    int done = s->counts[TASK_DONE] + s->counts[TASK_SKIPPED] + s->counts[TASK_FAILED];
    int left = s->counts[TASK_ASSIGNED] + s->counts[TASK_IN_PROGRESS];
    char line[512];
    snprintf(line, sizeof line, _("Today: %d done, %d left    kind: %s    state: %s"), done, left,
             s->kind < 0 ? _("all") : kind_label((enum task_kind)s->kind), state_label(s->state));
    ui_put(y++, 0, w, line, A_BOLD);
    int nx = next_stop(s);
    if (nx >= 0) {
        char where[128];
        where_text(&s->all[nx], where, sizeof where);
        snprintf(line, sizeof line, _("Next: %s %s, %s - %s"), s->all[nx].account,
                 s->all[nx].customer_name, kind_label(s->all[nx].kind), where);
    } else {
        snprintf(line, sizeof line, "%s",
                 s->nall ? _("Next: nothing left, all tasks finished") : _("No tasks."));
    }
    ui_put(y++, 0, w, line, A_NORMAL);
    if (s->error[0])
        ui_put(y++, 0, w, s->error, A_BOLD);
    y++;
    ui_put(y++, 0, w, "", A_UNDERLINE);
    ui_put(y - 1, 0, 20, _("  #  kind"), A_UNDERLINE);
    ui_put(y - 1, 20, 12, _("account"), A_UNDERLINE);
    ui_put(y - 1, 32, 18, _("name"), A_UNDERLINE);
    ui_put(y - 1, 50, w - 61 > 8 ? w - 61 : 8, _("state"), A_UNDERLINE);
    if (w > 70)
        ui_put(y - 1, w - 10, 10, _("due"), A_UNDERLINE);
    s->list_h = y0 + h - y;
    if (s->list_h < 1)
        return;
    ui_list_scroll(&s->list, s->list_h);
    for (int r = 0; r < s->list_h && s->list.top + r < s->list.n; r++) {
        int i = s->list.top + r;
        const struct task *t = &s->all[s->shown[i]];
        attr_t at = i == s->list.sel ? A_REVERSE : A_NORMAL;
        if (s->shown[i] == nx)
            at |= A_BOLD;
        char pos[16];
        if (t->route_pos >= 0)
            snprintf(pos, sizeof pos, "%3d", t->route_pos + 1);
        else
            snprintf(pos, sizeof pos, "  -");
        const char *st = t->state == TASK_SKIPPED || t->state == TASK_FAILED ? t->reason_code
                                                                             : "";
        char state[64];
        snprintf(state, sizeof state, "%s%s%s", state_label(t->state), *st ? " " : "", st);
        ui_put(y + r, 0, w, "", at);
        ui_put(y + r, 0, 4, s->shown[i] == nx ? ">" : " ", at);
        ui_put(y + r, 0 + 1, 3, pos, at);
        ui_put(y + r, 5, 15, kind_label(t->kind), at);
        ui_put(y + r, 20, 12, t->account, at);
        ui_put(y + r, 32, 17, t->customer_name, at);
        ui_put(y + r, 50, w - 61 > 8 ? w - 61 : 8, state, at);
        if (w > 70)
            ui_put(y + r, w - 10, 10, t->due_date, at);
        ui_hit_add(ui, y + r, 0, 1, w, ACT_TAP_ROW, i);
    }
}

static int finish_pressed(struct ui *ui, struct ui_dialog *d, int button, void *ctx)
{
    struct today_scr *s = ctx;
    struct err e = {0};
    int64_t id = s->opened;
    int rc;
    if (button == 0) {
        struct ui_gps_fix fix;
        ui_gps(&fix);
        if (fix.state != UI_GPS_FIX)
            fix.lat = fix.lon = fix.accuracy_m = NAN;
        rc = tasks_complete(ui->db, id, "", fix.lat, fix.lon, fix.accuracy_m, &e);
    } else if (button == 1) {
        rc = tasks_skip(ui->db, id, d->fields[0].buf, &e);
    } else {
        rc = tasks_fail(ui->db, id, d->fields[0].buf, &e);
    }
    if (rc) {
        snprintf(d->error, sizeof d->error, "%s", e.msg);
        return 1;
    }
    s->opened = 0;
    ui_message(ui, false, "%s", button == 0   ? _("Task done.")
                                : button == 1 ? _("Task skipped.")
                                              : _("Task failed with a trouble code."));
    ui_remove(ui, &d->base);
    today_reload(&s->base, ui);
    /* On to the next stop. */
    int nx = next_stop(s);
    if (nx >= 0)
        select_task(s, s->all[nx].id);
    ui_reload_all(ui);
    return 1; /* already closed */
}

static void ask_finish(struct today_scr *s, struct ui *ui, int64_t id)
{
    struct task t;
    if (tasks_get(ui->db, id, &t, NULL) != GW_OK || !is_open(t.state))
        return;
    s->opened = id;
    char title[256];
    snprintf(title, sizeof title, _("Finish %s for %s %s?"), kind_label(t.kind), t.account,
             t.customer_name);
    struct ui_dialog *d = ui_dialog_new(title, finish_pressed, s);
    /* A skip or trouble code recorded on the reading screen is offered as it is. */
    char code[32];
    if (tasks_reading_code(ui->db, id, code, sizeof code, NULL) != GW_OK)
        code[0] = '\0';
    ui_dialog_field(d, _("Reason or trouble code (to skip or fail):"), code);
    ui_dialog_button(d, _("Complete"), false);
    ui_dialog_button(d, _("Skip"), false);
    ui_dialog_button(d, _("Fail"), false);
    ui_push(ui, &d->base);
}

/* Opens the task's work: in progress, then the right screen above this one. */
static int open_task(struct today_scr *s, struct ui *ui)
{
    struct err e = {0};
    if (s->list.n == 0)
        return UI_HANDLED;
    struct task *t = &s->all[s->shown[s->list.sel]];
    if (!is_open(t->state)) {
        ui_message(ui, false, _("This task is %s already."), state_label(t->state));
        return UI_HANDLED | UI_REDRAW;
    }
    if (tasks_start(ui->db, t->id, &e)) {
        ui_message(ui, true, "%s", e.msg);
        return UI_HANDLED | UI_REDRAW;
    }
    int64_t id = t->id, cid = t->customer_id;
    char account[sizeof t->account];
    snprintf(account, sizeof account, "%s", t->account);
    char uuid[sizeof t->uuid];
    snprintf(uuid, sizeof uuid, "%s", t->uuid);
    enum task_kind kind = t->kind;
    s->ask = id;
    snprintf(ui->task_uuid, sizeof ui->task_uuid, "%s", uuid);
    ui_push(ui, scr_customer_new(ui, cid));
    if (kind == TASK_INSPECTION) {
        /* Ready to create an entry: in the newest Inspection topic folder when there is one,
         * else in the category, where the folder comes first. */
        struct tree_folder *folders = NULL;
        size_t nf = 0;
        ui_push(ui, scr_category_new(ui, cid, account, 1));
        if (tree_list_folders(ui->db, cid, 1, &folders, &nf, NULL) == GW_OK && nf > 0) {
            ui_push(ui, scr_folder_new(ui, folders[nf - 1].id, cid, account));
            ui_message(ui, false, "%s", _("Inspection: add an entry here (F3), then its photos."));
        } else {
            ui_message(ui, false, "%s",
                       _("Inspection: add a topic folder (F3), then an entry in it (F3)."));
        }
        free(folders);
    } else {
        struct ui_hook_target ht = {ui, ui->db, cid, account, 0, NULL};
        ui_call_hook(ui, ui_hooks.read_meter, _("meter probe"), &ht);
    }
    ui_reload_all(ui);
    return UI_HANDLED | UI_REDRAW;
}

static int today_action(struct screen *scr, struct ui *ui, enum ui_action a, int arg)
{
    struct today_scr *s = me(scr);
    switch (a) {
    case ACT_TAP_ROW:
        if (arg != s->list.sel) {
            s->list.sel = arg;
            return UI_HANDLED | UI_REDRAW;
        }
        /* fall through - a second tap opens */
    case ACT_OPEN:
        return open_task(s, ui);
    case ACT_FILTER_KIND:
        s->kind = s->kind == TASK_METER_READING ? -1 : s->kind + 1;
        refilter(s);
        return UI_HANDLED | UI_REDRAW;
    case ACT_FILTER_STATE:
        /* open, all, then each state but cancelled */
        s->state = s->state == TASK_FAILED ? FILTER_OPEN : s->state + 1;
        refilter(s);
        return UI_HANDLED | UI_REDRAW;
    case ACT_FINISH:
        if (s->list.n == 0)
            return UI_HANDLED;
        if (!is_open(s->all[s->shown[s->list.sel]].state)) {
            ui_message(ui, false, _("This task is %s already."),
                       state_label(s->all[s->shown[s->list.sel]].state));
            return UI_HANDLED | UI_REDRAW;
        }
        ask_finish(s, ui, s->all[s->shown[s->list.sel]].id);
        return UI_HANDLED | UI_REDRAW;
    default:
        return ui_list_move(&s->list, a, s->list_h - 1);
    }
}

static void today_crumb(struct screen *scr, struct ui *ui, char *buf, size_t n)
{
    (void)scr;
    (void)ui;
    snprintf(buf, n, "%s", _("Today"));
}

static void today_dump(struct screen *scr, FILE *out)
{
    struct today_scr *s = me(scr);
    int nx = next_stop(s);
    fprintf(out, "today.kind=%s\ntoday.state=%s\ntoday.shown=%d\ntoday.sel=%d\n",
            s->kind < 0 ? "all" : task_kind_name((enum task_kind)s->kind),
            s->state == FILTER_OPEN  ? "open"
            : s->state == FILTER_ALL ? "all"
                                     : task_state_name((enum task_state)s->state),
            s->list.n, s->list.sel);
    fprintf(out, "today.next=%s\n", nx >= 0 ? s->all[nx].account : "");
    for (int i = 0; i < s->list.n; i++) {
        const struct task *t = &s->all[s->shown[i]];
        fprintf(out, "today.task.%d=%s %s %s%s%s\n", i, t->account, task_kind_name(t->kind),
                task_state_name(t->state), t->reason_code[0] ? " " : "", t->reason_code);
    }
}

static void today_free(struct screen *scr)
{
    struct today_scr *s = me(scr);
    /* Leaving Today (F2 search, quit) ends the task's context too. */
    if (s->ask && s->ui)
        s->ui->task_uuid[0] = '\0';
    free(s->all);
    free(s->shown);
    free(s);
}

static const struct screen_ops today_ops = {
    .name = "today",
    .draw = today_draw,
    .on_action = today_action,
    .crumb = today_crumb,
    .reload = today_reload,
    .dump = today_dump,
    .free = today_free,
    .bar = {ACT_OPEN, ACT_FINISH, ACT_FILTER_KIND, ACT_FILTER_STATE},
};

struct screen *scr_today_new(struct ui *ui)
{
    struct today_scr *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->base.ops = &today_ops;
    s->ui = ui;
    s->kind = -1;
    s->state = FILTER_OPEN;
    today_reload(&s->base, ui);
    /* Start on the next stop. */
    int nx = next_stop(s);
    if (nx >= 0)
        select_task(s, s->all[nx].id);
    return &s->base;
}

bool scr_today_wanted(struct ui *ui)
{
    int counts[TASK_STATE_COUNT];
    if (tasks_count_states(ui->db, counts, NULL) != GW_OK)
        return false;
    for (int i = 0; i < TASK_STATE_COUNT; i++)
        if (i != TASK_CANCELLED && counts[i] > 0)
            return true;
    return false;
}
