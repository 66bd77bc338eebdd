/* actions.h - every user action of the app, in one X-macro list.
 *
 * The list makes the action enum, the default key map (two keys per action), the help
 * screen and the function-bar labels. Key bindings are data: ui_action_for_key() looks
 * them up here. Function keys: F1 help, F2 search, F9 back and F10 quit are the same on
 * every screen; F3..F8 press the current screen's bar slots (htop's per-panel bar), so a
 * tap on the bar and the key do the same thing. Keys are UI_KEY(KEY_x) for curses keys and
 * the character itself otherwise. */
#ifndef GRIDWALK_UI_ACTIONS_H
#define GRIDWALK_UI_ACTIONS_H

#include "gridwalk/config.h"

#include <curses.h>

/* Curses key codes live above Unicode so a typed character never looks like a key. */
#define UI_KEY_BASE 0x200000
#define UI_KEY(k) (UI_KEY_BASE + (k))
#define UI_CTRL(c) ((c)&0x1f)

/* X(id, name, key1, key2, bar label, help text) */
#define UI_ACTIONS(X)                                                                              \
    X(ACT_HELP, "help", '?', UI_KEY(KEY_F(1)), N_("Help"), N_("show this help"))                   \
    X(ACT_SEARCH, "search", '/', UI_KEY(KEY_F(2)), N_("Search"), N_("go to the customer search"))  \
    X(ACT_BACK, "back", UI_KEY(KEY_BACKSPACE), 27, N_("Back"),                                     \
      N_("go up one level (F9, Esc, Backspace)"))                                                  \
    X(ACT_QUIT, "quit", 'q', UI_KEY(KEY_F(10)), N_("Quit"), N_("leave gridwalk (F10)"))            \
    X(ACT_UP, "up", UI_KEY(KEY_UP), 'k', N_("Up"), N_("previous row"))                             \
    X(ACT_DOWN, "down", UI_KEY(KEY_DOWN), 'j', N_("Down"), N_("next row"))                         \
    X(ACT_PGUP, "page-up", UI_KEY(KEY_PPAGE), 0, N_("PgUp"), N_("previous page"))                  \
    X(ACT_PGDN, "page-down", UI_KEY(KEY_NPAGE), ' ', N_("PgDn"), N_("next page"))                  \
    X(ACT_HOME, "home", UI_KEY(KEY_HOME), 'g', N_("Top"), N_("first row"))                         \
    X(ACT_END, "end", UI_KEY(KEY_END), 'G', N_("Bottom"), N_("last row"))                          \
    X(ACT_OPEN, "open", '\n', UI_KEY(KEY_RIGHT), N_("Open"),                                       \
      N_("open the selected item or press the focused button (Enter, Right)"))                     \
    X(ACT_NEXT, "next-field", '\t', 0, N_("Next"), N_("next field or button (Tab)"))               \
    X(ACT_PREV, "prev-field", UI_KEY(KEY_BTAB), 0, N_("Prev"),                                     \
      N_("previous field or button (Shift-Tab)"))                                                  \
    X(ACT_FORM, "form", UI_CTRL('f'), 0, N_("Form"),                                               \
      N_("switch the search between one box and the seven-field form"))                            \
    X(ACT_NEW, "add", 'n', '+', N_("Add"), N_("add a topic folder or an entry"))                   \
    X(ACT_EDIT, "edit", 'e', 0, N_("Edit"), N_("rename the folder or edit the entry's texts"))     \
    X(ACT_REMOVE, "remove", 'd', UI_KEY(KEY_DC), N_("Remove"),                                     \
      N_("remove with a reason (kept as a tombstone, synced)"))                                    \
    X(ACT_PHOTO, "take-photo", 'p', 0, N_("Photo"), N_("take a photo with the camera"))            \
    X(ACT_PICK, "pick-file", 'f', 0, N_("File"), N_("pick a photo from local storage"))            \
    X(ACT_SCAN, "scan", 's', 0, N_("Scan"), N_("scan a document"))                                 \
    X(ACT_APPEARANCE, "appearance", 'a', 0, N_("Appear."),                                         \
      N_("open the entry's appearance photos"))                                                    \
    X(ACT_NAMEPLATE, "nameplate", 'b', 0, N_("Plate"), N_("open the entry's nameplate photos"))    \
    X(ACT_LOCATE, "locate", 'l', 0, N_("Locate"), N_("show the customer on the map"))              \
    X(ACT_READ, "read-meter", 'r', 0, N_("Read"), N_("read the customer's meter"))                 \
    X(ACT_ROUTE, "route", 'w', UI_CTRL('w'), N_("Route"),                                          \
      N_("the route: the marked customers, else the day's open tasks, in walking order"))          \
    X(ACT_MARK, "mark", UI_KEY(KEY_IC), UI_CTRL('t'), N_("Mark"),                                  \
      N_("mark or unmark the customer for a route through the marked ones (Insert, Ctrl-T)"))     \
    X(ACT_NEXT_STOP, "next-stop", 'N', 0, N_("Next"), N_("open the route's next stop"))            \
    X(ACT_SKIP, "skip-stop", 'x', 0, N_("Skip"), N_("skip the next stop with a reason; re-plan"))  \
    X(ACT_PIN, "pin-order", 'o', 0, N_("Pin"),                                                     \
      N_("move the selected stop one place earlier and keep that order"))                          \
    X(ACT_REPLAN, "replan", 'R', 0, N_("Re-plan"), N_("plan the route again from here"))           \
    X(ACT_ZOOM_IN, "zoom-in", '=', 0, N_("Zoom +"), N_("zoom the map in"))                         \
    X(ACT_ZOOM_OUT, "zoom-out", '-', 0, N_("Zoom -"), N_("zoom the map out"))                      \
    X(ACT_TODAY, "today", 't', UI_KEY(KEY_F(11)), N_("Today"), N_("go to today's tasks (F11)"))    \
    X(ACT_FINISH, "finish-task", 'c', 0, N_("Finish"),                                             \
      N_("complete the task, or skip it with a reason or fail it with a trouble code"))            \
    X(ACT_FILTER_KIND, "filter-kind", 'K', 0, N_("Kind"),                                          \
      N_("show all tasks, inspections only or meter readings only"))                               \
    X(ACT_FILTER_STATE, "filter-state", 'S', 0, N_("State"),                                       \
      N_("show open tasks, all, or those in one state"))                                           \
    X(ACT_SYNC, "sync", 'y', UI_KEY(KEY_F(12)), N_("Sync"),                                          \
      N_("what waits to be sent, the sync agent's progress and every failure (F12)"))             \
    X(ACT_SYNC_NOW, "send-now", 'U', 0, N_("Send"), N_("wake the sync agent to send now"))        \
    X(ACT_RETRY, "retry-held", 'T', 0, N_("Retry"),                                                \
      N_("try the failed and held items again now"))                                               \
    X(ACT_REDRAW, "redraw", UI_CTRL('l'), 0, N_("Redraw"), N_("redraw the screen"))             \
    X(ACT_PICK_MARK, "pick-select", 'm', 0, N_("Select"),                                          \
      N_("file chooser: select or unselect the picture (Space, m)"))                               \
    X(ACT_PICK_ALL, "pick-all", 'A', 0, N_("All"),                                                 \
      N_("file chooser: select every picture in the folder, or none"))                             \
    X(ACT_PICK_PARENT, "pick-parent", 'u', 0, N_("Parent"),                                        \
      N_("file chooser: go up one folder (Backspace, Left)"))                                      \
    X(ACT_PICK_IMPORT, "pick-import", 'i', 0, N_("Import"),                                        \
      N_("file chooser: import the selected pictures"))                                            \
    X(ACT_VIEW_PREV, "view-prev", '<', ',', N_("Prev"),                                            \
      N_("photo viewer: the previous photo of the folder (Left)"))                                 \
    X(ACT_VIEW_NEXT, "view-next", '>', '.', N_("Next"),                                            \
      N_("photo viewer: the next photo of the folder (Right)"))

/* A tap on a map area carries the cell tapped, relative to the area's top left corner. */
#define UI_TAP_MAP_ARG(row, col) (((row) << 12) | (col))
#define UI_TAP_MAP_ROW(arg) ((arg) >> 12)
#define UI_TAP_MAP_COL(arg) ((arg)&0xfff)

enum ui_action {
    ACT_NONE = 0,
#define UI_ACTION_ENUM(id, name, k1, k2, label, help) id,
    UI_ACTIONS(UI_ACTION_ENUM)
#undef UI_ACTION_ENUM
    /* Pointer actions, produced by taps on what was drawn; arg says which. */
    ACT_TAP_ROW,   /* arg: list row index */
    ACT_TAP_FIELD, /* arg: field or button index of a form */
    ACT_TAP_CRUMB, /* arg: stack depth to return to */
    ACT_TAP_MAP,   /* arg: UI_TAP_MAP_ARG(row, col) inside the tapped map area */
    ACT_COUNT
};

/* The action bound to key (0 when none), its name ("take-photo"), its untranslated bar
 * label and help line. */
enum ui_action ui_action_for_key(int key);
const char *ui_action_name(enum ui_action a);
const char *ui_action_label(enum ui_action a);
const char *ui_action_help(enum ui_action a);
/* The default keys of a (0 when none), and a key's printable name ("F3", "Enter", "a"). */
void ui_action_keys(enum ui_action a, int *k1, int *k2);
void ui_key_name(int key, char *buf, size_t n);
/* The key for a name used in test scripts ("Enter", "F3", "Esc", "Up", "a"); -1 if none. */
int ui_key_by_name(const char *name);

#endif
