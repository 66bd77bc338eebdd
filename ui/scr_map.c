/* scr_map.c - the map screen: the customer (from "Locate"), the customers around, the
 * device's position and accuracy, a scale bar and north, drawn by app/geo's canvas.
 *
 * Up/Down and Left/Right pan, PgUp/PgDn (or + and -) zoom, Home centres on the device and
 * follows it, End fits everything, Locate centres on the customer again. Under the map a row
 * of buttons big enough for gloves zooms and pans. A tap on a customer selects it; a tap on
 * the selected one opens its page; a tap elsewhere centres the map there. */
#include "gridwalk/config.h"

#include "app/geo/mapview.h"
#include "data/customers.h"
#include "data/stops.h"
#include "ui/geo.h"
#include "ui/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAP_AROUND_MAX 400
#define MAP_BUTTON_ROWS 3

struct map_scr {
    struct screen base;
    char account[64];
    struct mapview v;
    int vw, vh, ready, located;
    struct stop_list one, around;
    struct map_point *pts;
    const char **pt_account; /* the account of each scene point */
    char sel_account[64];    /* the selected customer (a tap selects another) */
    char status[256];
};

static struct map_scr *me(struct screen *s)
{
    return (struct map_scr *)s;
}

/* The scene: the customer first (selected), the customers around, the device. */
static void build_scene(struct map_scr *s, struct ui *ui, struct map_scene *sc)
{
    struct ui_gps_fix fix;
    memset(sc, 0, sizeof *sc);
    sc->selected = -1;
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
             fix.state == UI_GPS_FIX ? _("GPS fix")
             : fix.state == UI_GPS_NOFIX
                 ? (sc->have_self ? _("GPS: no fix, last position shown") : _("GPS: no fix"))
                 : _("GPS: n/a"));
    sc->status = s->status;
    sc->words = ui_map_words();
    int n = 0;
    free(s->pts);
    free(s->pt_account);
    s->pts = calloc((size_t)s->around.n + 2, sizeof *s->pts);
    s->pt_account = calloc((size_t)s->around.n + 2, sizeof *s->pt_account);
    if (!s->pts || !s->pt_account)
        abort();
    if (s->one.n > 0) {
        s->pt_account[n] = s->one.v[0].account;
        s->pts[n++] = (struct map_point){s->one.v[0].lat, s->one.v[0].lon, s->one.v[0].name, 0, 0};
    }
    for (int i = 0; i < s->around.n; i++)
        if (strcmp(s->around.v[i].account, s->account) != 0) {
            s->pt_account[n] = s->around.v[i].account;
            s->pts[n++] = (struct map_point){s->around.v[i].lat, s->around.v[i].lon,
                                             s->around.v[i].name, 0, 0};
        }
    for (int i = 0; i < n; i++)
        if (strcmp(s->pt_account[i], s->sel_account) == 0) {
            s->pts[i].flags |= MAP_SELECTED;
            sc->selected = i;
            break;
        }
    sc->pts = s->pts;
    sc->n = n;
    (void)ui;
}

/* The customers inside the current view, from the store. */
static void load_around(struct map_scr *s, struct ui *ui)
{
    stops_free(&s->around);
    if (isnan(s->v.lat))
        return;
    double la0, lo0, la1, lo1;
    canvas_reset(s->v.canvas, s->v.lat, s->v.lon, s->v.m_per_dot);
    canvas_cell_latlon(s->v.canvas, s->vh - 1, 0, &la0, &lo0);
    canvas_cell_latlon(s->v.canvas, 0, s->vw - 1, &la1, &lo1);
    if (stops_in_box(ui->db, la0, lo0, la1, lo1, MAP_AROUND_MAX, &s->around, NULL))
        memset(&s->around, 0, sizeof s->around);
}

/* A tap on the selected customer opens its page. */
static int open_point(struct map_scr *s, struct ui *ui, int i)
{
    struct customer c;
    struct err e = {0};
    if (customers_get_by_account(ui->db, s->pt_account[i], &c, &e)) {
        ui_message(ui, true, "%s", e.msg);
        return UI_HANDLED | UI_REDRAW;
    }
    ui_push(ui, scr_customer_new(ui, c.id));
    return UI_HANDLED | UI_REDRAW;
}

static attr_t role_attr(int role)
{
    switch (role) {
    case CR_SELECTED:
    case CR_LABEL_SELECTED:
        return A_REVERSE | A_BOLD;
    case CR_SELF:
    case CR_INFO:
    case CR_NORTH:
        return A_BOLD;
    case CR_ACCURACY:
        return A_DIM;
    default:
        return A_NORMAL;
    }
}

static void map_draw(struct screen *scr, struct ui *ui, int y0, int h, int w)
{
    struct map_scr *s = me(scr);
    struct map_scene sc;
    int mh = h - MAP_BUTTON_ROWS;
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
    build_scene(s, ui, &sc);
    if (!s->located) {
        mapview_locate(&s->v, &sc, sc.selected);
        s->located = 1;
    }
    load_around(s, ui);
    build_scene(s, ui, &sc);
    ui_map_blit(ui, mapview_render(&s->v, &sc), y0);
    ui_map_buttons(ui, y0 + mh, w);
}

void ui_map_blit(struct ui *ui, const struct canvas *c, int y0)
{
    for (int r = 0; r < c->rows; r++)
        for (int col = 0; col < c->cols; col++) {
            const struct canvas_cell *cell = &c->cells[(size_t)r * c->cols + col];
            if (!cell->text[0])
                continue;
            attr_t at = role_attr(cell->role);
            attron(at);
            mvaddstr(y0 + r, col, cell->text);
            attroff(at);
        }
    ui_hit_add(ui, y0, 0, c->rows, c->cols, ACT_TAP_MAP, 0);
}

/* Buttons for a gloved finger: each is a 3-row box at least 5 columns wide. */
static const struct {
    const char *label;
    enum mapview_action a;
} map_buttons[] = {
    {N_("Zoom +"), MV_ZOOM_IN}, {N_("Zoom -"), MV_ZOOM_OUT}, {"\u2190", MV_PAN_LEFT},
    {"\u2191", MV_PAN_UP},      {"\u2193", MV_PAN_DOWN},     {"\u2192", MV_PAN_RIGHT},
    {N_("Me"), MV_CENTER_SELF}, {N_("All"), MV_FIT},
};

int ui_map_buttons(struct ui *ui, int y, int w)
{
    int x = 0;
    for (size_t i = 0; i < sizeof map_buttons / sizeof map_buttons[0]; i++) {
        const char *label = _(map_buttons[i].label);
        int bw = ui_button_width(label);
        if (x + bw > w)
            break;
        x += ui_button(ui, y, x, label, false, ACT_TAP_FIELD, (int)map_buttons[i].a) + 1;
    }
    return MAP_BUTTON_ROWS;
}

int ui_map_button_action(struct mapview *v, int arg, const struct map_scene *sc)
{
    if (arg < MV_ZOOM_IN || arg > MV_FIT)
        return 0;
    return mapview_action(v, (enum mapview_action)arg, sc);
}

static int map_action(struct screen *scr, struct ui *ui, enum ui_action a, int arg)
{
    struct map_scr *s = me(scr);
    struct map_scene sc;
    if (!s->ready)
        return UI_UNHANDLED;
    build_scene(s, ui, &sc);
    enum mapview_action m;
    switch (a) {
    case ACT_TAP_MAP: {
        int i = mapview_tap(&s->v, &sc, UI_TAP_MAP_ROW(arg), UI_TAP_MAP_COL(arg));
        if (i >= 0 && i == sc.selected)
            return open_point(s, ui, i);
        if (i >= 0)
            snprintf(s->sel_account, sizeof s->sel_account, "%s", s->pt_account[i]);
        return UI_HANDLED | UI_REDRAW;
    }
    case ACT_TAP_FIELD:
        ui_map_button_action(&s->v, arg, &sc);
        return UI_HANDLED | UI_REDRAW;
    case ACT_ZOOM_IN:
        m = MV_ZOOM_IN;
        break;
    case ACT_ZOOM_OUT:
        m = MV_ZOOM_OUT;
        break;
    case ACT_UP:
        m = MV_PAN_UP;
        break;
    case ACT_DOWN:
        m = MV_PAN_DOWN;
        break;
    case ACT_PGUP:
        m = MV_ZOOM_IN;
        break;
    case ACT_PGDN:
        m = MV_ZOOM_OUT;
        break;
    case ACT_HOME:
        m = MV_CENTER_SELF;
        break;
    case ACT_END:
        m = MV_FIT;
        break;
    case ACT_LOCATE:
        m = MV_CENTER_SELECTED;
        break;
    default:
        return UI_UNHANDLED;
    }
    if (!mapview_action(&s->v, m, &sc) && m == MV_CENTER_SELF)
        ui_message(ui, true, "%s", _("no position from the GPS yet"));
    return UI_HANDLED | UI_REDRAW;
}

static int map_key(struct screen *scr, struct ui *ui, int key)
{
    struct map_scr *s = me(scr);
    struct map_scene sc;
    enum mapview_action m;
    if (!s->ready)
        return UI_UNHANDLED;
    if (key == KEY_LEFT)
        m = MV_PAN_LEFT;
    else if (key == KEY_RIGHT)
        m = MV_PAN_RIGHT;
    else if (key == '+' || key == '=')
        m = MV_ZOOM_IN;
    else if (key == '-')
        m = MV_ZOOM_OUT;
    else
        return UI_UNHANDLED;
    build_scene(s, ui, &sc);
    mapview_action(&s->v, m, &sc);
    return UI_HANDLED | UI_REDRAW;
}

static void map_crumb(struct screen *scr, struct ui *ui, char *buf, size_t n)
{
    (void)ui;
    snprintf(buf, n, "%s %s", _("Map"), me(scr)->account);
}

static void map_dump(struct screen *scr, FILE *out)
{
    struct map_scr *s = me(scr);
    fprintf(out,
            "map.account=%s\nmap.lat=%.5f\nmap.lon=%.5f\nmap.m_per_dot=%g\nmap.follow=%d\n"
            "map.around=%d\nmap.selected=%s\n",
            s->account, s->v.lat, s->v.lon, s->v.m_per_dot, s->v.follow, s->around.n,
            s->sel_account);
}

static void map_free(struct screen *scr)
{
    struct map_scr *s = me(scr);
    if (s->ready)
        mapview_done(&s->v);
    stops_free(&s->one);
    stops_free(&s->around);
    free(s->pts);
    free(s->pt_account);
    free(s);
}

static const struct screen_ops map_ops = {
    .name = "map",
    .draw = map_draw,
    .on_action = map_action,
    .on_key = map_key,
    .crumb = map_crumb,
    .dump = map_dump,
    .free = map_free,
    .bar = {ACT_LOCATE, ACT_PGUP, ACT_PGDN, ACT_HOME, ACT_END, ACT_NONE},
};

struct screen *scr_map_new(struct ui *ui, const char *account)
{
    struct map_scr *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->base.ops = &map_ops;
    snprintf(s->account, sizeof s->account, "%s", account);
    snprintf(s->sel_account, sizeof s->sel_account, "%s", account);
    const char *acc[1] = {s->account};
    if (stops_for_accounts(ui->db, acc, 1, &s->one, NULL))
        memset(&s->one, 0, sizeof s->one);
    return &s->base;
}
