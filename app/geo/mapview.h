/* mapview.h - the map screen's state and actions, without curses.
 *
 * Keeps the view (centre, scale, whether it follows the device) and turns the map screen's
 * actions into view changes: zoom in and out, pan by a quarter of the view, centre on the
 * device or on the selected customer, fit everything, and taps (a tap on a marker selects
 * it, elsewhere it centres the map there). Renders a map_scene into its canvas, which the
 * ncurses screen copies cell by cell. Owns its canvas; scenes are borrowed. Knows nothing
 * of curses, gpsd or the store. */
#ifndef GRIDWALK_GEO_MAPVIEW_H
#define GRIDWALK_GEO_MAPVIEW_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"
#include "app/geo/canvas.h"

enum mapview_action {
    MV_ZOOM_IN,
    MV_ZOOM_OUT,
    MV_PAN_UP,
    MV_PAN_DOWN,
    MV_PAN_LEFT,
    MV_PAN_RIGHT,
    MV_CENTER_SELF, /* and follow the device as it moves */
    MV_CENTER_SELECTED,
    MV_FIT, /* everything in the scene */
};

/* The scale a "locate" opens at, in metres per braille dot (a cell is 2 x 4 dots). */
#define MAPVIEW_LOCATE_M_PER_DOT 2.0
#define MAPVIEW_LOCATE_MAX_M_PER_DOT 50.0

struct mapview {
    struct canvas *canvas;
    double lat, lon; /* centre; NaN until the first render or centring */
    double m_per_dot;
    int follow; /* keep the device at the centre */
};

/* A view for a map area of cols x rows cells. GW_ENOMEM / GW_EINVAL (too small: under 20x6).
 * Release with mapview_done. */
int mapview_init(struct mapview *v, int cols, int rows, struct err *e);
void mapview_done(struct mapview *v);
/* A new terminal size keeps the centre and the scale. */
int mapview_resize(struct mapview *v, int cols, int rows, struct err *e);

/* Centres on a place at a scale (the customer page's "Locate"); stops following. */
void mapview_center_on(struct mapview *v, double lat, double lon, double m_per_dot);

/* The customer page's "Locate": centres on scene point i at MAPVIEW_LOCATE_M_PER_DOT, zoomed
 * out just enough to show the device too when its position is known (up to
 * MAPVIEW_LOCATE_MAX_M_PER_DOT). Returns 0, or -1 when the point has no coordinates (the
 * view is then centred on the device, if known). */
int mapview_locate(struct mapview *v, const struct map_scene *s, int i);

/* Applies an action; returns 1 when the view changed (redraw), 0 when it could not (no fix
 * to centre on, nothing selected, already at the last zoom level). */
int mapview_action(struct mapview *v, enum mapview_action a, const struct map_scene *s);

/* A tap at (row, col) of the map area: returns the index of the scene point tapped (the
 * caller selects it), or -1 after centring the map on the tapped place. */
int mapview_tap(struct mapview *v, const struct map_scene *s, int row, int col);

/* Draws the scene in the current view (fitting it the first time, following the device when
 * asked) and returns the canvas. */
const struct canvas *mapview_render(struct mapview *v, const struct map_scene *s);

#endif
