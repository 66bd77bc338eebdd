/* scr_help.c - the help screen, generated from the action list (actions.h): each action's
 * keys, its function-bar label and what it does. Nothing here is written by hand twice. */
#include "gridwalk/config.h"

#include "ui/internal.h"

#include <stdlib.h>
#include <string.h>

struct help_scr {
    struct screen base;
    struct ui_list list;
    int list_h;
};

static struct help_scr *me(struct screen *s)
{
    return (struct help_scr *)s;
}

static void help_draw(struct screen *scr, struct ui *ui, int y0, int h, int w)
{
    struct help_scr *s = me(scr);
    int y = y0, key_w = 22, label_w = 12;
    (void)ui;
    ui_put(y++, 0, w, _("Tap rows, buttons and the bar. F3-F8 change with the screen."), A_BOLD);
    attr_t hd = A_BOLD | A_UNDERLINE;
    ui_put(y, 0, key_w, _("Keys"), hd);
    ui_put(y, key_w, label_w, _("Action"), hd);
    ui_put(y, key_w + label_w, w - key_w - label_w, _("What it does"), hd);
    y++;
    s->list_h = y0 + h - y;
    s->list.n = ACT_TAP_ROW - 1;
    if (s->list.top > s->list.n - s->list_h)
        s->list.top = s->list.n - s->list_h > 0 ? s->list.n - s->list_h : 0;
    for (int a = 1 + s->list.top; a < ACT_TAP_ROW && y < y0 + h; a++, y++) {
        int k1, k2;
        char keys[64], n1[24], n2[24];
        ui_action_keys((enum ui_action)a, &k1, &k2);
        ui_key_name(k1, n1, sizeof n1);
        ui_key_name(k2, n2, sizeof n2);
        if (k1 && k2)
            snprintf(keys, sizeof keys, "%s, %s", n1, n2);
        else
            snprintf(keys, sizeof keys, "%s", k1 ? n1 : k2 ? n2 : "");
        ui_put(y, 0, key_w, keys, A_NORMAL);
        ui_put(y, key_w, label_w, _(ui_action_label((enum ui_action)a)), A_BOLD);
        ui_put(y, key_w + label_w, w - key_w - label_w, _(ui_action_help((enum ui_action)a)),
               A_NORMAL);
    }
}

static int help_action(struct screen *scr, struct ui *ui, enum ui_action a, int arg)
{
    struct help_scr *s = me(scr);
    (void)ui;
    (void)arg;
    int page = s->list_h > 1 ? s->list_h - 1 : 1;
    switch (a) {
    case ACT_UP:
    case ACT_PGUP:
        s->list.top -= a == ACT_UP ? 1 : page;
        if (s->list.top < 0)
            s->list.top = 0;
        return UI_HANDLED | UI_REDRAW;
    case ACT_DOWN:
    case ACT_PGDN:
        s->list.top += a == ACT_DOWN ? 1 : page;
        return UI_HANDLED | UI_REDRAW;
    case ACT_HELP:
    case ACT_OPEN:
        return UI_HANDLED;
    default:
        return UI_UNHANDLED;
    }
}

static void help_crumb(struct screen *scr, struct ui *ui, char *buf, size_t n)
{
    (void)scr;
    (void)ui;
    snprintf(buf, n, "%s", _("Help"));
}

static void help_dump(struct screen *scr, FILE *out)
{
    fprintf(out, "help.top=%d\n", me(scr)->list.top);
}

static void help_free(struct screen *scr)
{
    free(scr);
}

static const struct screen_ops help_ops = {
    .name = "help",
    .draw = help_draw,
    .on_action = help_action,
    .crumb = help_crumb,
    .dump = help_dump,
    .free = help_free,
};

struct screen *scr_help_new(struct ui *ui)
{
    (void)ui;
    struct help_scr *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->base.ops = &help_ops;
    return &s->base;
}
