/* dialog.c - the modal dialog (text fields and buttons) and the two dialogs several screens
 * share: removing with a reason, and choosing the folder a capture goes into.
 *
 * Enter anywhere presses the focused button, or the first button while a field has the
 * focus, so "type, Enter" is the whole interaction; Tab and the arrows move the focus; Esc
 * is the cancel button. */
#include "gridwalk/config.h"

#include "ui/internal.h"

#include <stdlib.h>
#include <string.h>

static struct ui_dialog *dlg(struct screen *s)
{
    return (struct ui_dialog *)s;
}

static int box_width(int w)
{
    int bw = w - 4;
    return bw > 72 ? 72 : bw;
}

static void dialog_draw(struct screen *s, struct ui *ui, int y0, int h, int w)
{
    struct ui_dialog *d = dlg(s);
    int bw = box_width(w);
    int bh = 2 + 1 + d->nfields * 2 + 1 + 3 + 1;
    int y = y0 + (h - bh) / 2, x = (w - bw) / 2;
    if (y < y0)
        y = y0;
    /* Clear the box and frame it. */
    for (int r = 0; r < bh && y + r < y0 + h; r++)
        ui_put(y + r, x, bw, "", A_NORMAL);
    ui_box(y, x, bh, bw, A_BOLD);
    ui_put(y + 1, x + 2, bw - 4, d->title, A_BOLD);
    int r = y + 3;
    for (int i = 0; i < d->nfields; i++) {
        ui_put(r, x + 2, bw - 4, d->labels[i], A_NORMAL);
        ui_textbox_draw(&d->fields[i], r + 1, x + 2, bw - 4, d->focus == i);
        ui_hit_add(ui, r, x + 2, 2, bw - 4, ACT_TAP_FIELD, i);
        r += 2;
    }
    ui_put(r, x + 2, bw - 4, d->error, A_BOLD | A_REVERSE * (d->error[0] != 0));
    r++;
    int bx = x + 2;
    for (int i = 0; i < d->nbuttons; i++) {
        bx += ui_button(ui, r, bx, d->buttons[i], d->focus == d->nfields + i, ACT_TAP_FIELD,
                        d->nfields + i);
        bx += 2;
    }
}

static void close_dialog(struct ui *ui, struct ui_dialog *d)
{
    ui_remove(ui, &d->base);
    ui_reload_all(ui);
}

static int press(struct ui *ui, struct ui_dialog *d, int button)
{
    if (button == d->cancel_button) {
        close_dialog(ui, d);
        return UI_HANDLED | UI_REDRAW;
    }
    d->error[0] = '\0';
    if (d->fn(ui, d, button, d->ctx) == 0)
        close_dialog(ui, d);
    return UI_HANDLED | UI_REDRAW;
}

static int dialog_action(struct screen *s, struct ui *ui, enum ui_action a, int arg)
{
    struct ui_dialog *d = dlg(s);
    int n = d->nfields + d->nbuttons;
    switch (a) {
    case ACT_NEXT:
    case ACT_DOWN:
        d->focus = (d->focus + 1) % n;
        return UI_HANDLED | UI_REDRAW;
    case ACT_PREV:
    case ACT_UP:
        d->focus = (d->focus + n - 1) % n;
        return UI_HANDLED | UI_REDRAW;
    case ACT_OPEN:
        return press(ui, d, d->focus >= d->nfields ? d->focus - d->nfields : 0);
    case ACT_BACK:
        if (d->cancel_button >= 0)
            return press(ui, d, d->cancel_button);
        close_dialog(ui, d);
        return UI_HANDLED | UI_REDRAW;
    case ACT_TAP_FIELD:
        if (arg < d->nfields) {
            d->focus = arg;
            return UI_HANDLED | UI_REDRAW;
        }
        d->focus = arg;
        return press(ui, d, arg - d->nfields);
    default:
        return UI_UNHANDLED;
    }
}

static int dialog_key(struct screen *s, struct ui *ui, int key)
{
    struct ui_dialog *d = dlg(s);
    bool changed;
    (void)ui;
    if (key == 27)
        return dialog_action(s, ui, ACT_BACK, 0);
    if (d->focus < d->nfields) {
        int r = ui_textbox_key(&d->fields[d->focus], key, &changed);
        if (r & UI_HANDLED)
            return r;
        /* In a text field, printable keys are text, never shortcuts. */
        if (key < UI_KEY_BASE && key >= 32)
            return UI_HANDLED;
        if (key == UI_KEY(KEY_BACKSPACE) || key == UI_KEY(KEY_LEFT))
            return UI_HANDLED;
    } else if (key == UI_KEY(KEY_RIGHT) || key == UI_KEY(KEY_LEFT)) {
        return dialog_action(s, ui, key == UI_KEY(KEY_RIGHT) ? ACT_NEXT : ACT_PREV, 0);
    }
    return UI_UNHANDLED;
}

static void dialog_crumb(struct screen *s, struct ui *ui, char *buf, size_t n)
{
    (void)ui;
    snprintf(buf, n, "%s", dlg(s)->title);
}

static void dialog_dump(struct screen *s, FILE *out)
{
    struct ui_dialog *d = dlg(s);
    fprintf(out, "dialog.title=%s\n", d->title);
    for (int i = 0; i < d->nfields; i++)
        fprintf(out, "dialog.field.%d=%s\n", i, d->fields[i].buf);
    fprintf(out, "dialog.focus=%d\n", d->focus);
    if (d->error[0])
        fprintf(out, "dialog.error=%s\n", d->error);
}

static void dialog_free(struct screen *s)
{
    free(s);
}

static const struct screen_ops dialog_ops = {
    .name = "dialog",
    .draw = dialog_draw,
    .on_action = dialog_action,
    .on_key = dialog_key,
    .crumb = dialog_crumb,
    .dump = dialog_dump,
    .free = dialog_free,
    .modal = true,
};

struct ui_dialog *ui_dialog_new(const char *title, ui_dialog_fn fn, void *ctx)
{
    struct ui_dialog *d = calloc(1, sizeof *d);
    if (!d)
        abort();
    d->base.ops = &dialog_ops;
    snprintf(d->title, sizeof d->title, "%s", title);
    d->fn = fn;
    d->ctx = ctx;
    d->cancel_button = -1;
    return d;
}

void ui_dialog_field(struct ui_dialog *d, const char *label, const char *value)
{
    if (d->nfields == UI_DIALOG_FIELDS)
        return;
    snprintf(d->labels[d->nfields], sizeof d->labels[0], "%s", label);
    ui_textbox_set(&d->fields[d->nfields], value ? value : "");
    d->nfields++;
}

void ui_dialog_button(struct ui_dialog *d, const char *label, bool cancel)
{
    if (d->nbuttons == UI_DIALOG_BUTTONS)
        return;
    snprintf(d->buttons[d->nbuttons], sizeof d->buttons[0], "%s", label);
    if (cancel)
        d->cancel_button = d->nbuttons;
    d->nbuttons++;
}

/* Removing with a reason ----------------------------------------------------------------- */

struct remove_ctx {
    int64_t id;
    ui_remove_fn fn;
};

static int remove_pressed(struct ui *ui, struct ui_dialog *d, int button, void *ctx)
{
    struct remove_ctx *rc = ctx;
    struct err e = {0};
    (void)button;
    const char *reason = d->fields[0].buf;
    if (!reason[strspn(reason, " ")]) {
        snprintf(d->error, sizeof d->error, "%s",
                 _("Give a reason: evidence is never removed silently."));
        return 1;
    }
    if (rc->fn(ui, rc->id, reason, &e)) {
        snprintf(d->error, sizeof d->error, "%s", e.msg);
        return 1;
    }
    free(rc);
    d->ctx = NULL;
    ui_message(ui, false, "%s", _("Removed; a tombstone with the reason will sync."));
    return 0;
}

static void remove_free(struct screen *s)
{
    free(dlg(s)->ctx);
    free(s);
}

static const struct screen_ops remove_ops = {
    .name = "dialog",
    .draw = dialog_draw,
    .on_action = dialog_action,
    .on_key = dialog_key,
    .crumb = dialog_crumb,
    .dump = dialog_dump,
    .free = remove_free,
    .modal = true,
};

void ui_ask_remove(struct ui *ui, const char *what, const char *name, int64_t id, ui_remove_fn fn)
{
    char title[256];
    struct remove_ctx *rc = calloc(1, sizeof *rc);
    if (!rc)
        abort();
    rc->id = id;
    rc->fn = fn;
    snprintf(title, sizeof title, _("Remove %s \"%s\"?"), what, name);
    struct ui_dialog *d = ui_dialog_new(title, remove_pressed, rc);
    d->base.ops = &remove_ops;
    ui_dialog_field(d, _("Reason (required):"), "");
    ui_dialog_button(d, _("Remove"), false);
    ui_dialog_button(d, _("Cancel"), true);
    ui_push(ui, &d->base);
}

/* Choosing the folder for a capture ------------------------------------------------------ */

struct capture_ctx {
    ui_hook_fn fn;
    char what[64];
    int64_t customer_id, entry_id;
    char account[64];
};

static int capture_pressed(struct ui *ui, struct ui_dialog *d, int button, void *ctx)
{
    struct capture_ctx c = *(struct capture_ctx *)ctx;
    struct ui_hook_target t = {.ui = ui,
                               .db = ui->db,
                               .customer_id = c.customer_id,
                               .account = c.account,
                               .entry_id = c.entry_id,
                               .folder = button == 0 ? "appearance" : "nameplate"};
    (void)d;
    /* The dialog closes first so whatever the hook pushes lands on the entry page. */
    ui_remove(ui, ui_top(ui));
    ui_call_hook(ui, c.fn, c.what, &t);
    return 1; /* already closed */
}

static void capture_free(struct screen *s)
{
    free(dlg(s)->ctx);
    free(s);
}

static const struct screen_ops capture_ops = {
    .name = "dialog",
    .draw = dialog_draw,
    .on_action = dialog_action,
    .on_key = dialog_key,
    .crumb = dialog_crumb,
    .dump = dialog_dump,
    .free = capture_free,
    .modal = true,
};

void ui_capture(struct ui *ui, ui_hook_fn fn, const char *what, int64_t customer_id,
                const char *account, int64_t entry_id, const char *folder)
{
    if (!fn) {
        ui_message(ui, true, _("not available in this build: %s"), what);
        return;
    }
    if (folder) {
        struct ui_hook_target t = {ui, ui->db, customer_id, account, entry_id, folder};
        ui_call_hook(ui, fn, what, &t);
        return;
    }
    struct capture_ctx *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->fn = fn;
    snprintf(c->what, sizeof c->what, "%s", what);
    c->customer_id = customer_id;
    c->entry_id = entry_id;
    snprintf(c->account, sizeof c->account, "%s", account);
    struct ui_dialog *d = ui_dialog_new(_("Into which folder?"), capture_pressed, c);
    d->base.ops = &capture_ops;
    ui_dialog_button(d, _("Appearance"), false);
    ui_dialog_button(d, _("Nameplate"), false);
    ui_dialog_button(d, _("Cancel"), true);
    ui_push(ui, &d->base);
}
