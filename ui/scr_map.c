/* scr_map.c - the map screen: the customer (from "Locate"), the customers around, the
 * device's position and accuracy, a scale bar and north, drawn by app/geo's canvas.
 *
 * Up/Down and Left/Right pan, PgUp/PgDn (or + and -) zoom, Home centres on the device and
 * follows it, End fits everything, Locate centres on the customer again. */
#include "gridwalk/config.h"

#include "app/geo/mapview.h"
#include "data/stops.h"
#include "ui/geo.h"
#include "ui/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAP_AROUND_MAX 400

struct map_scr {
    struct screen base;
    char account[64];
    struct mapview v;
    int vw, vh, ready, located;
    struct stop_list one, around;
    struct map_point *pts;
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
    int n = 0;
    free(s->pts);
    s->pts = calloc((size_t)s->around.n + 2, sizeof *s->pts);
    if (!s->pts)
        abort();
    if (s->one.n > 0) {
        s->pts[n++] =
            (struct map_point){s->one.v[0].lat, s->one.v[0].lon, s->one.v[0].name, 0, MAP_SELECTED};
        sc->selected = 0;
    }
    for (int i = 0; i < s->around.n; i++)
        if (strcmp(s->around.v[i].account, s->account) != 0)
            s->pts[n++] = (struct map_point){s->around.v[i].lat, s->around.v[i].lon,
                                             s->around.v[i].name, 0, 0};
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
    if (w < 20 || h < 6) {
        ui_put(y0, 0, w, _("The window is too small for the map."), A_BOLD);
        return;
    }
    if (!s->ready) {
        if (mapview_init(&s->v, w, h, NULL))
            return;
        s->ready = 1;
    } else if (w != s->vw || h != s->vh) {
        mapview_resize(&s->v, w, h, NULL);
    }
    s->vw = w;
    s->vh = h;
    build_scene(s, ui, &sc);
    if (!s->located) {
        mapview_locate(&s->v, &sc, sc.selected);
        s->located = 1;
    }
    load_around(s, ui);
    build_scene(s, ui, &sc);
    const struct canvas *c = mapview_render(&s->v, &sc);
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
}

static int map_action(struct screen *scr, struct ui *ui, enum ui_action a, int arg)
{
    struct map_scr *s = me(scr);
    struct map_scene sc;
    (void)arg;
    if (!s->ready)
        return UI_UNHANDLED;
    build_scene(s, ui, &sc);
    enum mapview_action m;
    switch (a) {
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
            "map.around=%d\n",
            s->account, s->v.lat, s->v.lon, s->v.m_per_dot, s->v.follow, s->around.n);
}

static void map_free(struct screen *scr)
{
    struct map_scr *s = me(scr);
    if (s->ready)
        mapview_done(&s->v);
    stops_free(&s->one);
    stops_free(&s->around);
    free(s->pts);
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
    const char *acc[1] = {s->account};
    if (stops_for_accounts(ui->db, acc, 1, &s->one, NULL))
        memset(&s->one, 0, sizeof s->one);
    return &s->base;
}
