/* geo.h - the geo part's plug into the app: the GPS part of the status line, the customer
 * page's "Locate" button and the map screen.
 *
 * ui_geo_install() starts a gpsd client (app/geo/gpsclient.h) on the app's poll loop (its
 * socket and a timer for reconnects and staleness) and fills ui_hooks.gps_fix and
 * ui_hooks.locate. The map screen draws the canvas of app/geo (braille routes, markers,
 * non-colliding labels) centred on the customer, with the customers around from the store.
 * Owns the client until ui_geo_uninstall(). Never includes gps.h. */
#ifndef GRIDWALK_UI_GEO_H
#define GRIDWALK_UI_GEO_H

#include "gridwalk/config.h"

struct canvas;
struct config;
struct mapview;
struct map_scene;
struct screen;
struct ui;

/* Sets the hooks and starts watching gpsd at cfg's host and port ($GRIDWALK_GPSD_HOST and
 * $GRIDWALK_GPSD_PORT win). Without gpsd the status line says so; nothing blocks. */
void ui_geo_install(const struct config *cfg);
void ui_geo_uninstall(void);

/* The map centred on the customer with this account (the Locate button). */
struct screen *scr_map_new(struct ui *ui, const char *account);

/* Shared by the map and route screens: copies a rendered canvas to the terminal at (y0, 0)
 * and registers it as one tap target (ACT_TAP_MAP); draws the row of glove-sized zoom and
 * pan buttons (3 rows, ACT_TAP_FIELD with a mapview_action as arg) and returns its height;
 * applies such a button's action to v. */
void ui_map_blit(struct ui *ui, const struct canvas *c, int y0);
int ui_map_buttons(struct ui *ui, int y, int w);
int ui_map_button_action(struct mapview *v, int arg, const struct map_scene *sc);

/* The map's own words in the user's language, for map_scene.words. */
const struct map_words *ui_map_words(void);

#endif
