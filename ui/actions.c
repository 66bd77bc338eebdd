/* actions.c - the key map, labels and help lines made from the UI_ACTIONS list. */
#include "gridwalk/config.h"

#include "app/i18n.h"
#include "ui/actions.h"

#include <stdio.h>
#include <string.h>

struct action_row {
    const char *name;
    int k1, k2;
    const char *label, *help;
};

static const struct action_row rows[ACT_COUNT] = {
#define UI_ACTION_ROW(id, nm, key1, key2, lbl, hlp) [id] = {nm, key1, key2, lbl, hlp},
    UI_ACTIONS(UI_ACTION_ROW)
#undef UI_ACTION_ROW
};

/* Keys that mean the same thing on different terminals. */
static int normalize(int key)
{
    switch (key) {
    case '\r':
    case UI_KEY(KEY_ENTER):
        return '\n';
    case 127:
    case 8:
    case UI_KEY(KEY_LEFT):
        return UI_KEY(KEY_BACKSPACE);
    case UI_KEY(KEY_F(9)):
        return UI_KEY(KEY_BACKSPACE);
    case UI_CTRL('q'):
        return 'q';
    default:
        return key;
    }
}

enum ui_action ui_action_for_key(int key)
{
    key = normalize(key);
    if (key == 0)
        return ACT_NONE;
    for (int a = 1; a < ACT_COUNT; a++)
        if (rows[a].name && (rows[a].k1 == key || rows[a].k2 == key))
            return (enum ui_action)a;
    return ACT_NONE;
}

const char *ui_action_name(enum ui_action a)
{
    return a > 0 && a < ACT_COUNT && rows[a].name ? rows[a].name : "";
}

const char *ui_action_label(enum ui_action a)
{
    return a > 0 && a < ACT_COUNT && rows[a].label ? rows[a].label : "";
}

const char *ui_action_help(enum ui_action a)
{
    return a > 0 && a < ACT_COUNT && rows[a].help ? rows[a].help : "";
}

void ui_action_keys(enum ui_action a, int *k1, int *k2)
{
    *k1 = a > 0 && a < ACT_COUNT ? rows[a].k1 : 0;
    *k2 = a > 0 && a < ACT_COUNT ? rows[a].k2 : 0;
}

static const struct {
    const char *name;
    int key;
} names[] = {
    {"Enter", '\n'},
    {"Tab", '\t'},
    {"Esc", 27},
    {"Space", ' '},
    {"Backspace", UI_KEY(KEY_BACKSPACE)},
    {"BTab", UI_KEY(KEY_BTAB)},
    {"Up", UI_KEY(KEY_UP)},
    {"Down", UI_KEY(KEY_DOWN)},
    {"Left", UI_KEY(KEY_LEFT)},
    {"Right", UI_KEY(KEY_RIGHT)},
    {"PgUp", UI_KEY(KEY_PPAGE)},
    {"PgDn", UI_KEY(KEY_NPAGE)},
    {"Home", UI_KEY(KEY_HOME)},
    {"End", UI_KEY(KEY_END)},
    {"Del", UI_KEY(KEY_DC)},
    {"Ins", UI_KEY(KEY_IC)},
};

void ui_key_name(int key, char *buf, size_t n)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].key == key) {
            snprintf(buf, n, "%s", names[i].name);
            return;
        }
    if (key >= UI_KEY(KEY_F(1)) && key <= UI_KEY(KEY_F(12))) {
        snprintf(buf, n, "F%d", key - UI_KEY(KEY_F(0)));
        return;
    }
    if (key > 0 && key < 32) {
        snprintf(buf, n, "Ctrl-%c", key + '@');
        return;
    }
    if (key > 32 && key < 127) {
        snprintf(buf, n, "%c", key);
        return;
    }
    snprintf(buf, n, "#%d", key);
}

int ui_key_by_name(const char *name)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i].name, name) == 0)
            return names[i].key;
    if (name[0] == 'F' && name[1] >= '1' && name[1] <= '9') {
        int n = name[1] - '0';
        if (name[2] >= '0' && name[2] <= '2' && !name[3])
            n = n * 10 + name[2] - '0';
        else if (name[2])
            return -1;
        return UI_KEY(KEY_F(n));
    }
    if (strncmp(name, "Ctrl-", 5) == 0 && name[5] && !name[6])
        return UI_CTRL(name[5]);
    if (name[0] && !name[1])
        return (unsigned char)name[0];
    return -1;
}
