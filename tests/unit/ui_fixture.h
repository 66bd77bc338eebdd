/* ui_fixture.h - a hermetic store and headless curses screen for the UI tests (tig style).
 *
 * Each test gets a scratch HOME and store, TZ=UTC, 80x24 (LINES/COLUMNS), curses opened with
 * newterm onto /dev/null (terminal type xterm, or $GW_TEST_TERM), a pinned clock
 * (2026-11-22 14:03 UTC) and six customers seeded with realistic Chinese text. Screens are
 * compared with golden files under tests/golden/ui/; GOLDEN_UPDATE=1 rewrites them. */
#ifndef GRIDWALK_TEST_UI_FIXTURE_H
#define GRIDWALK_TEST_UI_FIXTURE_H

#include "gridwalk/config.h"

#include "app/config.h"
#include "data/db.h"
#include "ui/ui.h"

#include <curses.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

struct ui_fixture {
    char dir[256];
    char db_path[300];
    struct db *db;
    struct config cfg;
    SCREEN *scr;
    FILE *out, *in;
    struct ui *ui;
};

/* The automatic entry name the pinned clock gives. */
#define FIXTURE_AUTONAME "2026-11-22 14:03"

int fixture_setup(void **state);
/* The same with the Simplified Chinese catalog. */
int fixture_setup_zh(void **state);
int fixture_teardown(void **state);

/* Runs a ui_script and fails the test on a bad step. */
void fx_keys(struct ui_fixture *f, const char *script);
/* Compares the screen (and, with attrs, the attribute mask) with tests/golden/ui/NAME.txt. */
void fx_golden(struct ui_fixture *f, const char *name, int attrs);
/* Compares the model dump with tests/golden/ui/NAME.model. */
void fx_golden_model(struct ui_fixture *f, const char *name);
/* The model dump as a malloc'd string (free it). */
char *fx_model(struct ui_fixture *f);
/* One number from the store: the first column of sql's first row. */
int64_t fx_count(struct ui_fixture *f, const char *sql);
/* Runs SQL against the store (seeding what other parts write), failing the test on error. */
void sqlite3_exec_for_tests(struct ui_fixture *f, const char *sql);
/* The pinned clock's time. */
time_t pinned_at(void);
/* The screen as text, one line per row (malloc'd; free it). */
char *fx_screen(void);
/* Fails the test, showing hay, when needle is not in it. */
void fx_has(const char *hay, const char *needle);
/* Fails the test, showing the model, when it lacks (has) text. */
void fx_model_has(struct ui_fixture *f, const char *text);
void fx_model_lacks(struct ui_fixture *f, const char *text);
/* The value of key in the model dump, "" when it is not there (static buffer). */
const char *fx_value(struct ui_fixture *f, const char *key);
/* Runs the loop's registered callbacks (a photo job's pipe, its timer) until nothing is
 * registered; fails the test if that takes over ten minutes. */
void fx_pump_job(void);

/* One text from the store (static buffer). */
const char *fx_text(struct ui_fixture *f, const char *sql);

#endif
