/* internal.h - what the screen modules of ui/ share: the screen manager's state, the screen
 * interface, and the widgets. Not included outside ui/.
 *
 * A screen is a struct that begins with `struct screen` and a const `struct screen_ops`
 * table. Handlers return reaction flags (loop.h) and never draw; the manager draws the
 * stack after each reaction. Drawing registers tap targets (ui_hit_add) so a finger press on
 * anything drawn fires the same action as its key. */
#ifndef GRIDWALK_UI_INTERNAL_H
#define GRIDWALK_UI_INTERNAL_H

#include "gridwalk/config.h"

#include "app/config.h"
#include "app/i18n.h"
#include "data/db.h"
#include "data/tree.h"
#include "ui/actions.h"
#include "ui/hooks.h"
#include "ui/loop.h"
#include "ui/ui.h"

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>
#include <wchar.h>

#define UI_STACK_MAX 16
#define UI_HITS_MAX 256
#define UI_BAR_SLOTS 6 /* F3..F8 */
#define UI_MSG_MAX 512

struct screen;

struct screen_ops {
    const char *name; /* for model dumps: "search", "customer", ... */
    /* Draws the body into rows [y0, y0+h) of stdscr. */
    void (*draw)(struct screen *s, struct ui *ui, int y0, int h, int w);
    /* An action (from a key, the bar or a tap). */
    int (*on_action)(struct screen *s, struct ui *ui, enum ui_action a, int arg);
    /* A key before the key map sees it (text editing); NULL when the screen has no text. */
    int (*on_key)(struct screen *s, struct ui *ui, int key);
    /* The breadcrumb label of this level. */
    void (*crumb)(struct screen *s, struct ui *ui, char *buf, size_t n);
    /* Re-reads the store (after a change below, or the timer). May be NULL. */
    void (*reload)(struct screen *s, struct ui *ui);
    /* Writes this screen's model (key=value lines). */
    void (*dump)(struct screen *s, FILE *out);
    void (*free)(struct screen *s);
    /* Bar slots F3..F8 (ACT_NONE for empty); the bar shows them on this screen. */
    enum ui_action bar[UI_BAR_SLOTS];
    bool modal; /* drawn over the screen below (dialogs) */
};

struct screen {
    const struct screen_ops *ops;
};

struct ui_hit {
    int y, x, h, w;
    enum ui_action action;
    int arg;
};

struct ui {
    struct db *db;
    const struct config *cfg;
    struct screen *stack[UI_STACK_MAX];
    int depth;
    char msg[UI_MSG_MAX];
    bool msg_error;
    struct sync_status sync;
    bool sync_ok;
    time_t (*clock)(void);
    struct ui_hit hits[UI_HITS_MAX];
    int nhits;
    bool quit;
    char task_uuid[40]; /* the task whose work is open above Today, "" when none */
};

/* The screen manager (screen.c). push takes ownership of s; pop frees the top. */
void ui_push(struct ui *ui, struct screen *s);
void ui_pop(struct ui *ui);
/* Pops back to depth (1 = the search screen). */
void ui_pop_to(struct ui *ui, int depth);
struct screen *ui_top(struct ui *ui);
/* Sets the status line message (printf-style); error messages are shown highlighted. */
void ui_message(struct ui *ui, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Reloads every screen on the stack from the store (after a change). */
void ui_reload_all(struct ui *ui);
/* Registers a tap target for what was just drawn. */
void ui_hit_add(struct ui *ui, int y, int x, int h, int w, enum ui_action a, int arg);
/* Handles one key as the loop would; returns reaction flags. */
int ui_feed_key(struct ui *ui, int key);
/* Handles a tap at (y, x). */
int ui_feed_tap(struct ui *ui, int y, int x);
/* Calls a hook, or says plainly that it is not in this build. */
int ui_call_hook(struct ui *ui, ui_hook_fn fn, const char *what, const struct ui_hook_target *t);
/* The current GPS state from the hook (UI_GPS_NONE without one). */
void ui_gps(struct ui_gps_fix *out);

/* Text of a given display width (widgets.c). All widths are terminal columns. */
int ui_text_width(const char *s);
/* Draws s at (y, x) in exactly w columns: cut at a character boundary with "…" when too
 * wide (a double-width character is never split), padded with spaces. */
void ui_put(int y, int x, int w, const char *s, attr_t attr);
/* Like ui_put but draws the byte ranges of s that contain any of the needles (NUL-separated
 * list ending in an empty string) with hl added. */
void ui_put_hl(int y, int x, int w, const char *s, attr_t attr, const char *const *needles,
               int nneedles, attr_t hl);
/* Draws s wrapped at character boundaries over up to max_lines rows of w columns (the last
 * one cut with "…" if needed); returns the rows used. */
int ui_put_wrapped(int y, int x, int w, int max_lines, const char *s, attr_t attr);
/* "queued", "synced", "failed" (translated) or "" for an item's sync state. */
const char *ui_sync_label(enum tree_sync st);
/* Local time "YYYY-MM-DD HH:MM" of a stored UTC ISO time ("" stays ""). */
void ui_local_time(const char *iso, char *buf, size_t n);

/* Where a focused text box wants the terminal cursor; reset before each draw. */
void ui_cursor_want(int y, int x);
bool ui_cursor_get(int *y, int *x);
void ui_cursor_reset(void);
/* Removes screen s from wherever it is on the stack and frees it. */
void ui_remove(struct ui *ui, struct screen *s);

/* A frame of h rows and w columns at (y, x); the inside is left as it is. */
void ui_box(int y, int x, int h, int w, attr_t attr);

/* A button: a 3-row box with a centred label, registered as a tap target. Returns its
 * width. focused draws it reversed. */
int ui_button(struct ui *ui, int y, int x, const char *label, bool focused, enum ui_action a,
              int arg);
int ui_button_width(const char *label);

/* A one-line UTF-8 text box. */
#define UI_TEXT_MAX 1024
struct ui_textbox {
    char buf[UI_TEXT_MAX];
    size_t len; /* bytes */
    size_t cur; /* byte offset of the cursor, always at a character boundary */
};
void ui_textbox_set(struct ui_textbox *t, const char *s);
/* Edits t with key; UI_HANDLED|UI_REDRAW when t used it (then *changed is set if the text
 * changed), UI_UNHANDLED otherwise. */
int ui_textbox_key(struct ui_textbox *t, int key, bool *changed);
/* Draws t at (y, x) in w columns, scrolled so the cursor shows; places the cursor when
 * focused. */
void ui_textbox_draw(const struct ui_textbox *t, int y, int x, int w, bool focused);

/* A scrolling list's selection. */
struct ui_list {
    int n, sel, top;
};
/* Moves the selection for an up/down/page action; returns UI_HANDLED|UI_REDRAW if it did. */
int ui_list_move(struct ui_list *l, enum ui_action a, int page);
/* Makes the selection visible in h rows. */
void ui_list_scroll(struct ui_list *l, int h);

/* The tree's count tables (topic folders, entries): a name column, two count columns of num_w
 * and a sync column. ui_count_head draws the header at y0 and, below it, the store's error or
 * the empty text when there is nothing to list; it sizes and scrolls l to the rows that fit
 * above the buttons and returns the first row's y (*bottom gets the row after the last). */
int ui_count_head(int y0, int h, int w, int num_w, const char *const heads[4], struct ui_list *l,
                  int *list_h, const char *error, size_t n, const char *empty, int *bottom);
/* One row of such a table: row i of the list, tappable over the whole width. */
void ui_count_row(struct ui *ui, int y, int w, int num_w, int i, bool sel, const char *name,
                  int a, int b, enum tree_sync st);

/* A dialog: up to four text fields and up to three buttons, drawn over the screen below.
 * on_button is called with the pressed button's index; it returns 0 to close the dialog,
 * or non-zero to keep it open (it sets d->error to say why). Esc always cancels. */
#define UI_DIALOG_FIELDS 4
#define UI_DIALOG_BUTTONS 3
struct ui_dialog;
typedef int (*ui_dialog_fn)(struct ui *ui, struct ui_dialog *d, int button, void *ctx);
struct ui_dialog {
    struct screen base;
    char title[256];
    int nfields;
    char labels[UI_DIALOG_FIELDS][128];
    struct ui_textbox fields[UI_DIALOG_FIELDS];
    int nbuttons;
    char buttons[UI_DIALOG_BUTTONS][64];
    int cancel_button; /* index Esc presses, -1 none */
    int focus;         /* 0..nfields-1 fields, then buttons */
    char error[UI_MSG_MAX];
    ui_dialog_fn fn;
    void *ctx;
};
/* A new dialog (owned by the caller until pushed); fields and buttons added next. */
struct ui_dialog *ui_dialog_new(const char *title, ui_dialog_fn fn, void *ctx);
void ui_dialog_field(struct ui_dialog *d, const char *label, const char *value);
void ui_dialog_button(struct ui_dialog *d, const char *label, bool cancel);

/* The screens. Each returns a new screen for ui_push. */
struct screen *scr_search_new(struct ui *ui);
struct screen *scr_sync_new(struct ui *ui);

/* The progress box of a media job (scr_job.c). cancel is called once when the user presses
 * Cancel (or Esc); gone when the box is freed, with ui NULL. The owner feeds it and removes
 * it (ui_remove) when the job ends. idle_s: seconds without news, or since the cancel. */
typedef void (*ui_job_fn)(struct ui *ui, void *ctx);
struct screen *scr_job_new(const char *title, ui_job_fn cancel, ui_job_fn gone, void *ctx);
void scr_job_progress(struct screen *s, const char *stage, long done, long total, int item,
                      int items);
void scr_job_counts(struct screen *s, int stored, int failed, const char *last_error);
void scr_job_idle(struct screen *s, int idle_s);
struct screen *scr_customer_new(struct ui *ui, int64_t customer_id);
struct screen *scr_category_new(struct ui *ui, int64_t customer_id, const char *account,
                                int category);
struct screen *scr_folder_new(struct ui *ui, int64_t folder_id, int64_t customer_id,
                              const char *account);
struct screen *scr_entry_new(struct ui *ui, int64_t entry_id, int64_t customer_id,
                             const char *account);
struct screen *scr_photos_new(struct ui *ui, int64_t entry_id, int64_t customer_id,
                              const char *account, const char *folder);
struct screen *scr_help_new(struct ui *ui);
/* The photo viewer (scr_viewer.c): shows photos[sel] of n (copied) from the media store and
 * moves through them. It needs the media part, so the photo list opens it through
 * ui_viewer_open, which ui_media_install() sets; NULL (a build without media) makes Enter on
 * a photo say the viewer is not in this build. */
typedef struct screen *(*ui_viewer_fn)(struct ui *ui, const struct tree_photo *photos, size_t n,
                                       int sel);
struct screen *scr_viewer_new(struct ui *ui, const struct tree_photo *photos, size_t n, int sel);
extern ui_viewer_fn ui_viewer_open;
struct screen *scr_today_new(struct ui *ui);
/* True when the device has tasks (cancelled ones aside): Today is then the first screen. */
bool scr_today_wanted(struct ui *ui);

/* The file chooser (scr_pick.c): takes over roots (emptied here). fn imports the selected
 * resolved paths into entry_id's folder; it returns non-zero with a message in e to keep the
 * chooser open, else the chooser closes. */
struct photo_pick_roots;
typedef int (*ui_pick_fn)(struct ui *ui, int64_t entry_id, const char *folder,
                          const char *const *files, int n, struct err *e);
struct screen *scr_pick_new(struct ui *ui, struct photo_pick_roots *roots, int64_t entry_id,
                            const char *folder, ui_pick_fn fn);

/* Shared dialogs (dialogs.c): remove with a reason; ask the folder for a capture. */
typedef int (*ui_remove_fn)(struct ui *ui, int64_t id, const char *reason, struct err *e);
void ui_ask_remove(struct ui *ui, const char *what, const char *name, int64_t id, ui_remove_fn fn);
void ui_capture(struct ui *ui, ui_hook_fn fn, const char *what, int64_t customer_id,
                const char *account, int64_t entry_id, const char *folder);

#endif
