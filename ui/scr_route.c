/* scr_route.c - the route screen: the day's tasks, or customers chosen on the search screen,
 * as a path on the map, and the next stop.
 *
 * Loads the stops (every task that is not cancelled, the tasks asked for, or the chosen
 * customers), keeps them in an
 * app/geo trip planned from the current GPS fix, draws the route with numbered stops above a
 * card for the next stop (name, address, distance and bearing from the fix or "n/a") and the
 * selected one. Enter or Next opens the next stop's customer page (the task starts); Skip asks
 * for a reason and re-plans; Pin moves the selected stop one place earlier and keeps that
 * order; Re-plan plans again from here, forgetting pins. When a task ends elsewhere (done,
 * skipped, failed on the customer's pages) the screen takes the next one on its next reload.
 * Every new order of tasks is saved with tasks_set_route.
 *
 * Chosen customers have no task to carry a state, so the screen keeps theirs: back from a
 * stop's pages it asks whether that stop is done; Skip takes a stop off without a reason (there
 * is no task to record one on). Their order lives as long as the screen. */
#include "gridwalk/config.h"

#include "app/geo/geodesy.h"
#include "app/geo/mapview.h"
#include "app/geo/trip.h"
#include "data/customers.h"
#include "data/tasks.h"
#include "ui/geo.h"
#include "ui/internal.h"
#include "ui/route.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ROUTE_STOPS_MAX UI_ROUTE_MAX
#define ROUTE_CARD_ROWS 4
#define ROUTE_BUTTON_ROWS 3

/* One stop: a task's customer, or a chosen customer (task_id 0). */
struct stop {
    int64_t task_id;
    int64_t customer_id;
    enum task_state state; /* a chosen customer's is kept here: assigned, done or skipped */
    char account[64];
    char name[192];
    char address[384];
    double lat, lon;
};

struct route_scr {
    struct screen base;
    int customers;  /* the stops are chosen customers, not tasks */
    int64_t *want;  /* the chosen task or customer ids, NULL for every task */
    int n_want;
    struct stop *stops; /* stops[i] is trip stop i */
    int n;
    int opened; /* a chosen customer's stop whose pages were opened, or -1 */
    int asking; /* the stop the "Done with ...?" dialog is about */
    struct trip trip;
    struct mapview v;
    int ready, fitted, vw, vh;
    int sel; /* position in trip.order of the selected stop */
    struct map_point *pts;
    char status[256];
    int64_t skip_id;
};

static struct route_scr *me(struct screen *s)
{
    return (struct route_scr *)s;
}

/* The current fix only: a stale or missing fix is never a place to plan or measure from. */
static void here(double *lat, double *lon)
{
    struct ui_gps_fix f;
    ui_gps(&f);
    *lat = *lon = NAN;
    if (f.state == UI_GPS_FIX && !isnan(f.lat) && !isnan(f.lon)) {
        *lat = f.lat;
        *lon = f.lon;
    }
}

static void save_order(struct route_scr *s, struct ui *ui)
{
    struct err e = {0};
    if (s->customers)
        return;
    int64_t *ids = calloc((size_t)s->trip.n_order + 1, sizeof *ids);
    if (!ids)
        abort();
    for (int i = 0; i < s->trip.n_order; i++)
        ids[i] = s->stops[s->trip.stops[s->trip.order[i]].id].task_id;
    if (tasks_set_route(ui->db, ids, s->trip.n_order, &e))
        ui_message(ui, true, "%s", e.msg);
    free(ids);
}

static void clamp_sel(struct route_scr *s)
{
    if (s->sel >= s->trip.n_order)
        s->sel = s->trip.n_order - 1;
    if (s->sel < 0)
        s->sel = 0;
}

static void replan(struct route_scr *s, struct ui *ui)
{
    struct err e = {0};
    double lat, lon;
    here(&lat, &lon);
    if (trip_plan(&s->trip, lat, lon, &e))
        ui_message(ui, true, "%s", e.msg);
    clamp_sel(s);
    save_order(s, ui);
}

static int wanted(const struct route_scr *s, int64_t id)
{
    if (!s->want)
        return 1;
    for (int i = 0; i < s->n_want; i++)
        if (s->want[i] == id)
            return 1;
    return 0;
}

static void stop_from_task(struct stop *st, const struct task *t)
{
    st->task_id = t->id;
    st->customer_id = t->customer_id;
    st->state = t->state;
    snprintf(st->account, sizeof st->account, "%s", t->account);
    snprintf(st->name, sizeof st->name, "%s", t->customer_name);
    snprintf(st->address, sizeof st->address, "%s", t->address);
    st->lat = t->lat;
    st->lon = t->lon;
}

static void load_tasks(struct route_scr *s, struct ui *ui)
{
    struct err e = {0};
    struct task_filter f = {-1, -1};
    int n = 0;
    struct task *tasks = calloc(ROUTE_STOPS_MAX, sizeof *tasks);
    if (!tasks)
        abort();
    if (tasks_list(ui->db, &f, tasks, ROUTE_STOPS_MAX, &n, &e)) {
        ui_message(ui, true, "%s", e.msg);
        n = 0;
    }
    for (int i = 0; i < n; i++)
        if (wanted(s, tasks[i].id))
            stop_from_task(&s->stops[s->n++], &tasks[i]);
    free(tasks);
}

/* A customer removed since it was chosen is left out, and said so. */
static void load_customers(struct route_scr *s, struct ui *ui)
{
    int gone = 0;
    for (int i = 0; i < s->n_want && s->n < ROUTE_STOPS_MAX; i++) {
        struct customer c;
        struct err e = {0};
        if (customers_get(ui->db, s->want[i], &c, &e)) {
            gone++;
            continue;
        }
        struct stop *st = &s->stops[s->n++];
        st->customer_id = c.id;
        st->state = TASK_ASSIGNED;
        snprintf(st->account, sizeof st->account, "%s", c.account);
        snprintf(st->name, sizeof st->name, "%s", c.name);
        snprintf(st->address, sizeof st->address, "%s", c.address);
        st->lat = c.lat;
        st->lon = c.lon;
    }
    if (gone)
        ui_message(ui, true, ngettext("%d chosen customer is no longer in the store.",
                                      "%d chosen customers are no longer in the store.",
                                      (unsigned long)gone),
                   gone);
}

static void load(struct route_scr *s, struct ui *ui)
{
    struct err e = {0};
    s->stops = calloc(ROUTE_STOPS_MAX, sizeof *s->stops);
    if (!s->stops)
        abort();
    s->n = 0;
    s->opened = -1;
    if (s->customers)
        load_customers(s, ui);
    else
        load_tasks(s, ui);
    trip_init(&s->trip);
    /* A fixed budget of kicks: the same stops give the same route on every run. */
    s->trip.max_iters = 200;
    for (int i = 0; i < s->n; i++) {
        const struct stop *t = &s->stops[i];
        if (trip_add(&s->trip, i, t->lat, t->lon, &e) < 0)
            abort();
        if (t->state == TASK_DONE || t->state == TASK_FAILED)
            s->trip.stops[i].state = TRIP_DONE;
        else if (t->state == TASK_SKIPPED)
            s->trip.stops[i].state = TRIP_SKIPPED;
    }
    replan(s, ui);
}

static int done_pressed(struct ui *ui, struct ui_dialog *d, int button, void *ctx)
{
    struct route_scr *s = ctx;
    struct err e = {0};
    int i = s->asking;
    (void)d;
    if (button != 0 || i < 0)
        return 0;
    s->stops[i].state = TASK_DONE;
    if (trip_finish(&s->trip, i, &e))
        ui_message(ui, true, "%s", e.msg);
    clamp_sel(s);
    ui_message(ui, false, _("%s is done; on to the next stop."), s->stops[i].name);
    return 0;
}

/* After the customer's pages: a task that ended there is taken off the route; a chosen
 * customer's stop asks whether it is done. */
static void route_reload(struct screen *scr, struct ui *ui)
{
    struct route_scr *s = me(scr);
    struct err e = {0};
    double lat, lon;
    int changed = 0;
    if (s->customers) {
        /* Asked once per visit: "Not yet" closes the dialog without calling back. */
        s->asking = s->opened;
        s->opened = -1;
        if (s->asking >= 0 && s->trip.stops[s->asking].state == TRIP_PENDING) {
            char title[512];
            snprintf(title, sizeof title, _("Done with %s?"), s->stops[s->asking].name);
            struct ui_dialog *d = ui_dialog_new(title, done_pressed, s);
            ui_dialog_button(d, _("Done"), false);
            ui_dialog_button(d, _("Not yet"), true);
            ui_push(ui, &d->base);
        }
        return;
    }
    here(&lat, &lon);
    for (int i = 0; i < s->n; i++) {
        struct task t;
        if (s->trip.stops[i].state != TRIP_PENDING ||
            tasks_get(ui->db, s->stops[i].task_id, &t, &e))
            continue;
        s->stops[i].state = t.state;
        if (t.state == TASK_DONE || t.state == TASK_FAILED) {
            trip_finish(&s->trip, i, &e);
            changed = 1;
        } else if (t.state == TASK_SKIPPED || t.state == TASK_CANCELLED) {
            trip_skip(&s->trip, i, lat, lon, &e);
            changed = 1;
        }
    }
    if (changed) {
        clamp_sel(s);
        save_order(s, ui);
    }
}

static int selected_stop(const struct route_scr *s)
{
    return s->trip.n_order > 0 ? s->trip.order[s->sel] : -1;
}

static void build_scene(struct route_scr *s, struct map_scene *sc)
{
    struct ui_gps_fix fix;
    memset(sc, 0, sizeof *sc);
    sc->selected = selected_stop(s);
    sc->self_acc_m = NAN;
    ui_gps(&fix);
    if (fix.state != UI_GPS_NONE && !isnan(fix.lat) && !isnan(fix.lon)) {
        sc->have_self = 1;
        sc->self_lat = fix.lat;
        sc->self_lon = fix.lon;
        sc->self_acc_m = fix.accuracy_m;
        sc->self_stale = fix.state != UI_GPS_FIX;
    }
    snprintf(s->status, sizeof s->status, "%s",
             fix.state == UI_GPS_FIX     ? _("GPS fix")
             : fix.state == UI_GPS_NOFIX ? _("GPS: no fix")
                                         : _("GPS: n/a"));
    sc->status = s->status;
    sc->words = ui_map_words();
    free(s->pts);
    s->pts = calloc((size_t)s->n + 1, sizeof *s->pts);
    if (!s->pts)
        abort();
    int next = trip_next(&s->trip);
    for (int i = 0; i < s->n; i++) {
        s->pts[i] =
            (struct map_point){s->stops[i].lat, s->stops[i].lon, s->stops[i].name, 0, 0};
        if (s->trip.stops[i].state != TRIP_PENDING)
            s->pts[i].flags |= MAP_DONE;
    }
    for (int k = 0; k < s->trip.n_order; k++)
        s->pts[s->trip.order[k]].route_no = k + 1;
    if (next >= 0)
        s->pts[next].flags |= MAP_NEXT;
    if (sc->selected >= 0)
        s->pts[sc->selected].flags |= MAP_SELECTED;
    sc->pts = s->pts;
    sc->n = s->n;
    sc->route = s->trip.order;
    sc->n_route = s->trip.n_order;
}

/* Distance and bearing from the fix to stop i, or "n/a" and why. */
static void leg_text(const struct route_scr *s, int i, char *buf, size_t n)
{
    double lat, lon;
    here(&lat, &lon);
    if (isnan(lat)) {
        snprintf(buf, n, "%s", _("distance and bearing n/a: no GPS fix"));
        return;
    }
    if (!geo_valid(s->stops[i].lat, s->stops[i].lon)) {
        snprintf(buf, n, "%s", _("distance n/a: the customer has no coordinates"));
        return;
    }
    char d[32];
    double az = geo_bearing_deg(lat, lon, s->stops[i].lat, s->stops[i].lon);
    geo_format_distance(geo_distance_m(lat, lon, s->stops[i].lat, s->stops[i].lon), d, sizeof d);
    snprintf(buf, n, _("%s, bearing %.0f° %s"), d, az, geo_compass8(az));
}

static void draw_card(struct route_scr *s, int y, int w)
{
    char line[1024], leg[256];
    int pending, done, skipped, unplaced;
    int next = trip_next(&s->trip);
    trip_counts(&s->trip, &pending, &done, &skipped, &unplaced);
    if (next < 0) {
        ui_put(y, 0, w,
               s->n          ? _("All stops are done.")
               : s->customers ? _("None of the chosen customers is in the store.")
                              : _("No tasks on this device."),
               A_BOLD);
        ui_put(y + 1, 0, w, "", A_NORMAL);
    } else {
        snprintf(line, sizeof line, _("Next: %d. %s  %s"), 1, s->stops[next].name,
                 s->stops[next].address);
        ui_put(y, 0, w, line, A_BOLD);
        leg_text(s, next, leg, sizeof leg);
        snprintf(line, sizeof line, "   %s", leg);
        ui_put(y + 1, 0, w, line, A_NORMAL);
    }
    int sel = selected_stop(s);
    if (sel >= 0 && sel != next) {
        leg_text(s, sel, leg, sizeof leg);
        snprintf(line, sizeof line, _("Selected: %d. %s  %s"), s->sel + 1,
                 s->stops[sel].name, leg);
    } else {
        line[0] = '\0';
    }
    ui_put(y + 2, 0, w, line, A_NORMAL);
    snprintf(line, sizeof line, _("%d to go, %d done, %d skipped, %d without coordinates"),
             pending - unplaced, done, skipped, unplaced);
    ui_put(y + 3, 0, w, line, A_DIM);
}

static void route_draw(struct screen *scr, struct ui *ui, int y0, int h, int w)
{
    struct route_scr *s = me(scr);
    struct map_scene sc;
    int mh = h - ROUTE_CARD_ROWS - ROUTE_BUTTON_ROWS;
    if (w < 20 || mh < 6) {
        ui_put(y0, 0, w, _("The window is too small for the map."), A_BOLD);
        return;
    }
    if (!s->ready) {
        if (mapview_init(&s->v, w, mh, NULL))
            return;
        s->ready = 1;
    } else if (w != s->vw || mh != s->vh) {
        mapview_resize(&s->v, w, mh, NULL);
    }
    s->vw = w;
    s->vh = mh;
    build_scene(s, &sc);
    if (!s->fitted) {
        mapview_action(&s->v, MV_FIT, &sc);
        s->fitted = 1;
    }
    ui_map_blit(ui, mapview_render(&s->v, &sc), y0);
    draw_card(s, y0 + mh, w);
    ui_map_buttons(ui, y0 + mh + ROUTE_CARD_ROWS, w);
}

static int open_stop(struct route_scr *s, struct ui *ui, int i)
{
    struct err e = {0};
    if (i < 0) {
        ui_message(ui, false, "%s", _("No stops left on the route."));
        return UI_HANDLED | UI_REDRAW;
    }
    if (s->customers)
        s->opened = i;
    else if (s->stops[i].state == TASK_ASSIGNED &&
             tasks_start(ui->db, s->stops[i].task_id, &e) == GW_OK)
        s->stops[i].state = TASK_IN_PROGRESS;
    ui_push(ui, scr_customer_new(ui, s->stops[i].customer_id));
    return UI_HANDLED | UI_REDRAW;
}

static int skip_pressed(struct ui *ui, struct ui_dialog *d, int button, void *ctx)
{
    struct route_scr *s = ctx;
    struct err e = {0};
    const char *reason = d->fields[0].buf;
    if (button != 0)
        return 0;
    if (!reason[strspn(reason, " ")]) {
        snprintf(d->error, sizeof d->error, "%s", _("Give a reason for skipping."));
        return 1;
    }
    if (tasks_skip(ui->db, s->skip_id, reason, &e)) {
        snprintf(d->error, sizeof d->error, "%s", e.msg);
        return 1;
    }
    ui_message(ui, false, "%s", _("Skipped; the route was planned again."));
    return 0;
}

static void ask_skip(struct route_scr *s, struct ui *ui)
{
    char title[512];
    int i = trip_next(&s->trip);
    if (i < 0) {
        ui_message(ui, false, "%s", _("No stops left on the route."));
        return;
    }
    if (s->customers) {
        struct err e = {0};
        double lat, lon;
        here(&lat, &lon);
        s->stops[i].state = TASK_SKIPPED;
        if (trip_skip(&s->trip, i, lat, lon, &e))
            ui_message(ui, true, "%s", e.msg);
        else
            ui_message(ui, false, _("Skipped %s; the route was planned again."), s->stops[i].name);
        clamp_sel(s);
        return;
    }
    s->skip_id = s->stops[i].task_id;
    snprintf(title, sizeof title, _("Skip %s?"), s->stops[i].name);
    struct ui_dialog *d = ui_dialog_new(title, skip_pressed, s);
    ui_dialog_field(d, _("Reason (required):"), "");
    ui_dialog_button(d, _("Skip"), false);
    ui_dialog_button(d, _("Cancel"), true);
    ui_push(ui, &d->base);
}

/* Pin: the selected stop swaps with the one before it, and the order up to it is kept. */
static void pin_earlier(struct route_scr *s, struct ui *ui)
{
    struct err e = {0};
    double lat, lon;
    if (s->sel <= 0) {
        ui_message(ui, false, "%s", _("Select a later stop to move it earlier (Up, Down)."));
        return;
    }
    int n = s->sel + 1;
    int *idx = calloc((size_t)n, sizeof *idx);
    if (!idx)
        abort();
    memcpy(idx, s->trip.order, (size_t)n * sizeof *idx);
    idx[n - 2] = s->trip.order[n - 1];
    idx[n - 1] = s->trip.order[n - 2];
    here(&lat, &lon);
    if (trip_pin(&s->trip, idx, n - 1, lat, lon, &e)) {
        ui_message(ui, true, "%s", e.msg);
    } else {
        s->sel--;
        save_order(s, ui);
        ui_message(ui, false, _("Moved to place %d; the order up to it is kept."), s->sel + 1);
    }
    free(idx);
}

static int route_action(struct screen *scr, struct ui *ui, enum ui_action a, int arg)
{
    struct route_scr *s = me(scr);
    struct map_scene sc;
    build_scene(s, &sc);
    switch (a) {
    case ACT_OPEN:
    case ACT_NEXT_STOP:
        return open_stop(s, ui, trip_next(&s->trip));
    case ACT_SKIP:
        ask_skip(s, ui);
        return UI_HANDLED | UI_REDRAW;
    case ACT_PIN:
        pin_earlier(s, ui);
        return UI_HANDLED | UI_REDRAW;
    case ACT_REPLAN:
        s->trip.n_pinned = 0;
        replan(s, ui);
        ui_message(ui, false, "%s", _("The route was planned again."));
        return UI_HANDLED | UI_REDRAW;
    case ACT_UP:
    case ACT_DOWN:
        if (s->trip.n_order > 0)
            s->sel = (s->sel + (a == ACT_UP ? s->trip.n_order - 1 : 1)) % s->trip.n_order;
        return UI_HANDLED | UI_REDRAW;
    case ACT_TAP_MAP: {
        if (!s->ready)
            return UI_HANDLED;
        int i = mapview_tap(&s->v, &sc, UI_TAP_MAP_ROW(arg), UI_TAP_MAP_COL(arg));
        if (i >= 0 && i == sc.selected)
            return open_stop(s, ui, i);
        for (int k = 0; i >= 0 && k < s->trip.n_order; k++)
            if (s->trip.order[k] == i)
                s->sel = k;
        return UI_HANDLED | UI_REDRAW;
    }
    case ACT_TAP_FIELD:
        if (s->ready)
            ui_map_button_action(&s->v, arg, &sc);
        return UI_HANDLED | UI_REDRAW;
    case ACT_PGUP:
    case ACT_ZOOM_IN:
    case ACT_PGDN:
    case ACT_ZOOM_OUT:
        if (s->ready)
            mapview_action(&s->v, a == ACT_PGUP || a == ACT_ZOOM_IN ? MV_ZOOM_IN : MV_ZOOM_OUT,
                           &sc);
        return UI_HANDLED | UI_REDRAW;
    case ACT_HOME:
        if (s->ready && !mapview_action(&s->v, MV_CENTER_SELF, &sc))
            ui_message(ui, true, "%s", _("no position from the GPS yet"));
        return UI_HANDLED | UI_REDRAW;
    case ACT_END:
        if (s->ready)
            mapview_action(&s->v, MV_FIT, &sc);
        return UI_HANDLED | UI_REDRAW;
    default:
        return UI_UNHANDLED;
    }
}

static void route_crumb(struct screen *scr, struct ui *ui, char *buf, size_t n)
{
    struct route_scr *s = me(scr);
    (void)ui;
    if (s->customers)
        snprintf(buf, n, ngettext("Route of %d customer", "Route of %d customers",
                                  (unsigned long)s->n), s->n);
    else
        snprintf(buf, n, "%s", _("Route"));
}

static void route_dump(struct screen *scr, FILE *out)
{
    struct route_scr *s = me(scr);
    int next = trip_next(&s->trip);
    fprintf(out, "route.mode=%s\n", s->customers ? "customers" : "tasks");
    fprintf(out, "route.stops=%d\nroute.next=%s\nroute.selected=%d\nroute.pinned=%d\n", s->n,
            next >= 0 ? s->stops[next].account : "", s->sel, s->trip.n_pinned);
    fprintf(out, "route.order=");
    for (int k = 0; k < s->trip.n_order; k++)
        fprintf(out, "%s%s", k ? "," : "", s->stops[s->trip.order[k]].account);
    fprintf(out, "\n");
}

static void route_free(struct screen *scr)
{
    struct route_scr *s = me(scr);
    if (s->ready)
        mapview_done(&s->v);
    trip_done(&s->trip);
    free(s->stops);
    free(s->pts);
    free(s->want);
    free(s);
}

static const struct screen_ops route_ops = {
    .name = "route",
    .draw = route_draw,
    .on_action = route_action,
    .crumb = route_crumb,
    .reload = route_reload,
    .dump = route_dump,
    .free = route_free,
    .bar = {ACT_NEXT_STOP, ACT_SKIP, ACT_PIN, ACT_REPLAN, ACT_ZOOM_IN, ACT_ZOOM_OUT},
};

static void open_route(struct ui *ui, int customers, const int64_t *ids, int n)
{
    struct route_scr *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->base.ops = &route_ops;
    s->customers = customers;
    if (ids && n > 0) {
        s->want = calloc((size_t)n, sizeof *s->want);
        if (!s->want)
            abort();
        memcpy(s->want, ids, (size_t)n * sizeof *s->want);
        s->n_want = n;
    }
    load(s, ui);
    ui_push(ui, &s->base);
}

void ui_route_open(struct ui *ui, const int64_t *task_ids, int n)
{
    open_route(ui, 0, task_ids, n);
}

void ui_route_open_customers(struct ui *ui, const int64_t *customer_ids, int n)
{
    open_route(ui, 1, customer_ids, n);
}
