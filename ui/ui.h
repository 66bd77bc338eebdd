/* ui.h - the full-screen app: what main() and the headless UI tests call.
 *
 * Owns the curses session, the screen stack and the poll() loop (loop.h). ui_run() takes
 * over the terminal and always gives it back: on return, on a fatal signal and on a crash.
 * The test API drives the same screen manager without a terminal loop: the test opens curses
 * itself (newterm onto /dev/null), feeds keys by name and reads the screen back. */
#ifndef GRIDWALK_UI_H
#define GRIDWALK_UI_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"

#include <stdio.h>
#include <time.h>

struct db;
struct config;
struct ui;

/* Runs the app on the terminal until the user quits. db and cfg stay owned by the caller.
 * Returns GW_OK, or GW_EIO when the terminal cannot be used (message in e). With
 * GRIDWALK_UI_SCRIPT set in the environment (benchmarks, end-to-end tests) it runs those
 * steps (see ui_script) after the first drawn screen and returns. */
int ui_run(struct db *db, const struct config *cfg, struct err *e);

/* Creates the app state on an already initialised curses screen and opens the search
 * screen. Free with ui_free() before endwin(). */
struct ui *ui_new(struct db *db, const struct config *cfg);
void ui_free(struct ui *ui);

/* Wires the entry page's "Take photo", "Pick file" and "Scan" buttons to the photo pipeline
 * (hooks_media.c); call before ui_run(). */
void ui_media_install(void);

/* Replaces the clock used for automatic names (tests pin it). */
void ui_set_clock(struct ui *ui, time_t (*clock)(void));

/* Runs a script of space-separated steps against ui, drawing after each: key names
 * ("Enter", "F3", "Esc", "Up", "Tab", "Backspace", "a"), "type:TEXT" (TEXT typed as is,
 * '_' standing for a space), "tap:ROW,COL", "resize:COLSxROWS". Returns UI_QUIT when a step
 * quit the app, -1 with a message on stderr for a bad step. */
int ui_script(struct ui *ui, const char *script);

/* Draws the whole screen now (the manager normally does this after a reaction). */
void ui_draw(struct ui *ui);

/* Writes the screen as text, one line per row, trailing blanks removed. */
void ui_dump_screen(FILE *out);
/* Writes, per row, a mask of attributes, one character per column: 'U' underline (search
 * highlights, text boxes, headers), else 'R' reverse, else 'B' bold, else '.'. */
void ui_dump_attrs(FILE *out);
/* Writes the model: the screen stack and the top screen's state, one "key=value" a line. */
void ui_dump_model(struct ui *ui, FILE *out);

#endif
