/* canvas.h - the map drawn as text: a grid of UTF-8 cells for any terminal size.
 *
 * Projects latitude/longitude onto a grid of character cells, each a 2x4 block of Unicode
 * braille dots, so routes and accuracy circles are drawn four times finer than the cells.
 * On top go markers (the device, customers, numbered route stops), labels placed where they
 * do not collide with each other or with markers (CJK text counted two columns wide), a scale
 * bar, a north mark, the distance and bearing to the selected customer and a status line.
 * The result is an array of cells (text and a role) that the ncurses map screen copies to the
 * terminal and tests compare with golden dumps; nothing here touches curses, gpsd or the
 * store. The canvas owns its cell arrays; scenes and their strings are borrowed. */
#ifndef GRIDWALK_GEO_CANVAS_H
#define GRIDWALK_GEO_CANVAS_H

#include "gridwalk/config.h"
#include "app/geo/geodesy.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What a cell shows, so the screen can colour it. */
enum canvas_role {
    CR_EMPTY,
    CR_ROUTE,    /* braille dots of the route */
    CR_ACCURACY, /* braille dots of the fix's accuracy circle */
    CR_CUSTOMER,
    CR_STOP_DONE,
    CR_SELECTED,
    CR_SELF,
    CR_LABEL,
    CR_LABEL_SELECTED,
    CR_SCALE,
    CR_NORTH,
    CR_INFO, /* the distance/bearing line and the status line */
};

struct canvas_cell {
    char text[8]; /* one glyph in UTF-8; "" for the second column of a wide glyph */
    uint8_t role; /* enum canvas_role */
};

struct canvas {
    int cols, rows;
    struct canvas_cell *cells; /* rows * cols */
    uint8_t *dots;             /* braille bits per cell */
    uint8_t *dot_role;
    uint8_t *taken; /* a marker, label or overlay owns the cell */
    struct geo_proj proj;
    double m_per_dot;
};

/* A place on the map. flags: MAP_SELECTED (highlighted, labelled first), MAP_DONE (a finished
 * stop), MAP_NEXT (the next stop, labelled right after the selected one). */
#define MAP_SELECTED 1u
#define MAP_DONE 2u
#define MAP_NEXT 4u
struct map_point {
    double lat, lon;   /* NaN: not drawn */
    const char *label; /* UTF-8, may be NULL */
    int route_no;      /* 1.. for stops on the route (drawn as the number), 0 otherwise */
    unsigned flags;
};

/* The words of the map's own lines; the app passes them in the user's language (this leaf knows
 * no catalogs). */
struct map_words {
    const char *no_coords;   /* "no coordinates; pin it on site" */
    const char *no_fix;      /* "distance unknown, no fix" */
    const char *here;        /* "here" */
    const char *bearing;     /* "bearing" */
    const char *old_fix;     /* "(old fix)" */
    const char *no_position; /* "no position: no fix and no coordinates" */
};

struct map_scene {
    int have_self; /* the device's position is known */
    double self_lat, self_lon;
    double self_acc_m; /* horizontal error (NaN = unknown): drawn as a circle */
    int self_stale;    /* the position is old: drawn hollow */
    const struct map_point *pts;
    int n;
    const int *route; /* indices into pts in visiting order (from self if known) */
    int n_route;
    int selected;       /* index into pts, or -1 */
    const char *status; /* optional text for the bottom row (e.g. the GPS state) */
    const struct map_words *words; /* NULL: English (the command line) */
};

/* The English words, for scenes that give none. */
extern const struct map_words canvas_english;

/* A canvas of cols x rows cells (at least 20 x 6). NULL when out of memory or too small. */
struct canvas *canvas_new(int cols, int rows);
void canvas_free(struct canvas *c);

/* Clears everything and sets the view: the centre and the scale in metres per braille dot
 * (a cell is 2 dots wide and 4 tall; terminal cells are about twice as tall as wide, so dots
 * are square). */
void canvas_reset(struct canvas *c, double center_lat, double center_lon, double m_per_dot);

/* Position of a point in dots (may be outside the canvas) and back from a cell's centre. */
void canvas_to_dots(const struct canvas *c, double lat, double lon, double *dx, double *dy);
void canvas_cell_latlon(const struct canvas *c, int row, int col, double *lat, double *lon);

/* Drawing primitives. Lines are clipped to the canvas. */
void canvas_line(struct canvas *c, double lat1, double lon1, double lat2, double lon2,
                 enum canvas_role role);
void canvas_circle(struct canvas *c, double lat, double lon, double radius_m,
                   enum canvas_role role);
/* Puts one glyph in the cell at lat/lon; returns 0, or -1 when it is off the canvas. */
int canvas_marker(struct canvas *c, double lat, double lon, const char *glyph,
                  enum canvas_role role, int *row, int *col);
/* Places text next to the marker cell (row, col) where it collides with nothing taken; at
 * most max_cols columns (cut with "…"). Returns 1 when placed, 0 when no place was free. */
int canvas_label(struct canvas *c, int row, int col, const char *text, int max_cols,
                 enum canvas_role role);
/* Writes text at (row, col), taking the cells (overlays: info and status lines). */
void canvas_text(struct canvas *c, int row, int col, const char *text, enum canvas_role role);
void canvas_scale_bar(struct canvas *c);
void canvas_north(struct canvas *c);

/* Draws a whole map scene in the current view (call canvas_reset first). */
void canvas_render(struct canvas *c, const struct map_scene *s);

/* A view that shows every drawn point of the scene (and the device), with a margin. */
void map_fit(const struct map_scene *s, int cols, int rows, double *lat, double *lon,
             double *m_per_dot);
/* The next zoom level in (dir < 0) or out (dir > 0): 0.25 m to 20 km per dot, in steps of
 * about 1.5x. */
double map_zoom_step(double m_per_dot, int dir);
/* Moves a centre by (dx_cells, dy_cells) cells of the given view (dy > 0 is south). */
void map_pan(double *lat, double *lon, double m_per_dot, int dx_cells, int dy_cells);
/* The index of the drawn point nearest to cell (row, col) within one cell, or -1 (taps). */
int canvas_hit(const struct canvas *c, const struct map_scene *s, int row, int col);

/* Columns the UTF-8 text takes in a terminal (CJK wide = 2, combining = 0). */
int canvas_text_width(const char *text);

/* Writes the canvas as text lines (trailing blanks removed), then, when with_roles, the same
 * grid as one role letter per column (".", "r", "a", "c", "d", "S", "@", "l", "L", "s",
 * "n", "i"). Returns 0, or -1 on a write error. */
int canvas_dump(const struct canvas *c, FILE *f, int with_roles);

#endif
