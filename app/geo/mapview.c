/* mapview.c - the map screen's view state and actions. */
#include "gridwalk/config.h"

#include "app/geo/mapview.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int mapview_init(struct mapview *v, int cols, int rows, struct err *e)
{
    memset(v, 0, sizeof *v);
    v->lat = v->lon = NAN;
    v->m_per_dot = 5;
    v->canvas = canvas_new(cols, rows);
    if (!v->canvas)
        return err_set(e, GW_EINVAL, "the map needs at least 20 x 6 cells, not %d x %d", cols,
                       rows);
    return GW_OK;
}

void mapview_done(struct mapview *v)
{
    canvas_free(v->canvas);
    v->canvas = NULL;
}

int mapview_resize(struct mapview *v, int cols, int rows, struct err *e)
{
    struct canvas *c = canvas_new(cols, rows);
    if (!c)
        return err_set(e, GW_EINVAL, "the map needs at least 20 x 6 cells, not %d x %d", cols,
                       rows);
    canvas_free(v->canvas);
    v->canvas = c;
    return GW_OK;
}

void mapview_center_on(struct mapview *v, double lat, double lon, double m_per_dot)
{
    if (!geo_valid(lat, lon))
        return;
    v->lat = lat;
    v->lon = lon;
    if (m_per_dot > 0)
        v->m_per_dot = map_zoom_step(m_per_dot, 0);
    v->follow = 0;
}

int mapview_locate(struct mapview *v, const struct map_scene *s, int i)
{
    if (i < 0 || i >= s->n || !geo_valid(s->pts[i].lat, s->pts[i].lon)) {
        if (s->have_self)
            mapview_center_on(v, s->self_lat, s->self_lon, MAPVIEW_LOCATE_M_PER_DOT);
        return -1;
    }
    const struct map_point *p = &s->pts[i];
    double mpd = MAPVIEW_LOCATE_M_PER_DOT;
    if (s->have_self && geo_valid(s->self_lat, s->self_lon)) {
        struct geo_proj g;
        double x, y;
        geo_proj_init(&g, p->lat, p->lon);
        geo_project(&g, s->self_lat, s->self_lon, &x, &y);
        /* Half the view less a margin: cols dots each side, 2 * rows dots up and down. */
        double need =
            fmax(fabs(x) / (0.8 * v->canvas->cols), fabs(y) / (0.8 * 2 * (v->canvas->rows - 3)));
        while (mpd < need && mpd < MAPVIEW_LOCATE_MAX_M_PER_DOT)
            mpd = map_zoom_step(mpd, 1);
    }
    mapview_center_on(v, p->lat, p->lon, mpd);
    return 0;
}

static void fit(struct mapview *v, const struct map_scene *s)
{
    double lat, lon, mpd;
    map_fit(s, v->canvas->cols, v->canvas->rows, &lat, &lon, &mpd);
    if (geo_valid(lat, lon)) {
        v->lat = lat;
        v->lon = lon;
        v->m_per_dot = mpd;
    }
}

int mapview_action(struct mapview *v, enum mapview_action a, const struct map_scene *s)
{
    int qc = v->canvas->cols / 4, qr = v->canvas->rows / 4;
    double z;
    if (isnan(v->lat) && a != MV_CENTER_SELF && a != MV_CENTER_SELECTED)
        fit(v, s);
    switch (a) {
    case MV_ZOOM_IN:
    case MV_ZOOM_OUT:
        z = map_zoom_step(v->m_per_dot, a == MV_ZOOM_IN ? -1 : 1);
        if (z == v->m_per_dot)
            return 0;
        v->m_per_dot = z;
        return 1;
    case MV_PAN_UP:
    case MV_PAN_DOWN:
    case MV_PAN_LEFT:
    case MV_PAN_RIGHT:
        if (isnan(v->lat))
            return 0;
        map_pan(&v->lat, &v->lon, v->m_per_dot,
                a == MV_PAN_LEFT    ? -qc
                : a == MV_PAN_RIGHT ? qc
                                    : 0,
                a == MV_PAN_UP     ? -qr
                : a == MV_PAN_DOWN ? qr
                                   : 0);
        v->follow = 0;
        return 1;
    case MV_CENTER_SELF:
        if (!s->have_self)
            return 0;
        v->lat = s->self_lat;
        v->lon = s->self_lon;
        v->follow = 1;
        return 1;
    case MV_CENTER_SELECTED:
        if (s->selected < 0 || s->selected >= s->n ||
            !geo_valid(s->pts[s->selected].lat, s->pts[s->selected].lon))
            return 0;
        v->lat = s->pts[s->selected].lat;
        v->lon = s->pts[s->selected].lon;
        v->follow = 0;
        return 1;
    case MV_FIT:
        fit(v, s);
        v->follow = 0;
        return 1;
    }
    return 0;
}

int mapview_tap(struct mapview *v, const struct map_scene *s, int row, int col)
{
    if (isnan(v->lat))
        fit(v, s);
    canvas_reset(v->canvas, v->lat, v->lon, v->m_per_dot);
    int hit = canvas_hit(v->canvas, s, row, col);
    if (hit >= 0)
        return hit;
    double lat, lon;
    canvas_cell_latlon(v->canvas, row, col, &lat, &lon);
    v->lat = lat;
    v->lon = lon;
    v->follow = 0;
    return -1;
}

const struct canvas *mapview_render(struct mapview *v, const struct map_scene *s)
{
    if (v->follow && s->have_self) {
        v->lat = s->self_lat;
        v->lon = s->self_lon;
    }
    if (isnan(v->lat))
        fit(v, s);
    canvas_reset(v->canvas, isnan(v->lat) ? 0 : v->lat, isnan(v->lon) ? 0 : v->lon, v->m_per_dot);
    if (!isnan(v->lat)) {
        canvas_render(v->canvas, s);
        return v->canvas;
    }
    /* Nothing to centre on: no fix and no coordinates. Say so instead of drawing a place. */
    const struct map_words *w = s->words ? s->words : &canvas_english;
    char line[256];
    if (s->selected >= 0 && s->selected < s->n && s->pts[s->selected].label)
        snprintf(line, sizeof line, " %s: %s ", s->pts[s->selected].label, w->no_coords);
    else
        snprintf(line, sizeof line, " %s ", w->no_position);
    canvas_text(v->canvas, 0, 0, line, CR_INFO);
    if (s->status)
        canvas_text(v->canvas, v->canvas->rows - 1, 0, s->status, CR_INFO);
    return v->canvas;
}
