/* scr_entry.c - level 3 of the tree: one entry, with the buttons of the seed patent: pick a
 * local file, take a photo, scan, the appearance and nameplate folders, edit (the texts can
 * change at any time, also while photos upload: each edit syncs as a new version) and
 * remove (with a reason). Capture buttons call through ui_hooks. */
#include "gridwalk/config.h"

#include "app/tree_ops.h"
#include "ui/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { B_PICK, B_PHOTO, B_SCAN, B_APPEARANCE, B_NAMEPLATE, B_EDIT, B_REMOVE, B_COUNT };

static const enum ui_action button_action[B_COUNT] = {
    ACT_PICK, ACT_PHOTO, ACT_SCAN, ACT_APPEARANCE, ACT_NAMEPLATE, ACT_EDIT, ACT_REMOVE,
};

struct entry_scr {
    struct screen base;
    int64_t entry_id, customer_id;
    char account[64];
    struct tree_entry en;
    bool loaded;
    int focus; /* a button */
    char error[UI_MSG_MAX];
};

static struct entry_scr *me(struct screen *s)
{
    return (struct entry_scr *)s;
}

static void entry_reload(struct screen *scr, struct ui *ui)
{
    struct entry_scr *s = me(scr);
    struct err e = {0};
    s->error[0] = '\0';
    s->loaded = tree_entry_get(ui->db, s->entry_id, &s->en, &e) == GW_OK;
    if (!s->loaded)
        snprintf(s->error, sizeof s->error, "%s", e.msg);
}

static void field(int y, int w, const char *label, const char *value, attr_t at)
{
    int lw = 20;
    ui_put(y, 0, lw, label, A_NORMAL);
    ui_put(y, lw, w - lw, value, at);
}

static void entry_draw(struct screen *scr, struct ui *ui, int y0, int h, int w)
{
    struct entry_scr *s = me(scr);
    char buf[256], t1[DB_TIME_LEN + 8], t2[DB_TIME_LEN + 8];
    int y = y0;
    if (!s->loaded) {
        ui_put(y, 0, w, s->error, A_BOLD);
        return;
    }
    field(y++, w, _("Entry"), s->en.name, A_BOLD);
    ui_local_time(s->en.created_at, t1, sizeof t1);
    ui_local_time(s->en.updated_at, t2, sizeof t2);
    snprintf(buf, sizeof buf, _("%s (version %d, changed %s)"), t1, s->en.version, t2);
    field(y++, w, _("Created"), buf, A_NORMAL);
    if (isnan(s->en.lat))
        snprintf(buf, sizeof buf, "%s", _("no position (no GPS fix when created)"));
    else if (isnan(s->en.accuracy_m))
        snprintf(buf, sizeof buf, "%.6f, %.6f", s->en.lat, s->en.lon);
    else
        snprintf(buf, sizeof buf, "%.6f, %.6f (±%.0f m)", s->en.lat, s->en.lon, s->en.accuracy_m);
    field(y++, w, _("Position"), buf, A_NORMAL);
    /* Remarks are what a dispute turns on: show up to three lines of each. */
    int lines = h >= 19 ? 3 : 1;
    ui_put(y, 0, 20, _("Appearance remark"), A_NORMAL);
    y += ui_put_wrapped(y, 20, w - 20, lines,
                        s->en.appearance_remark[0] ? s->en.appearance_remark : _("(none)"),
                        A_NORMAL);
    ui_put(y, 0, 20, _("Nameplate remark"), A_NORMAL);
    y += ui_put_wrapped(y, 20, w - 20, lines,
                        s->en.nameplate_remark[0] ? s->en.nameplate_remark : _("(none)"), A_NORMAL);
    field(y++, w, _("Sync"), ui_sync_label(s->en.sync), A_NORMAL);
    y++;
    char labels[B_COUNT][96];
    snprintf(labels[B_PICK], sizeof labels[0], "%s", _("Pick file"));
    snprintf(labels[B_PHOTO], sizeof labels[0], "%s", _("Take photo"));
    snprintf(labels[B_SCAN], sizeof labels[0], "%s", _("Scan"));
    snprintf(labels[B_APPEARANCE], sizeof labels[0], _("Appearance (%d)"), s->en.appearance_photos);
    snprintf(labels[B_NAMEPLATE], sizeof labels[0], _("Nameplate (%d)"), s->en.nameplate_photos);
    snprintf(labels[B_EDIT], sizeof labels[0], "%s", _("Edit"));
    snprintf(labels[B_REMOVE], sizeof labels[0], "%s", _("Remove"));
    /* Buttons flow left to right and wrap; each is three rows tall for a finger. */
    int x = 0;
    for (int b = 0; b < B_COUNT; b++) {
        int bw = ui_button_width(labels[b]);
        if (x > 0 && x + bw > w) {
            x = 0;
            y += 3;
        }
        if (y + 3 > y0 + h)
            break;
        x += ui_button(ui, y, x, labels[b], s->focus == b, button_action[b], 0) + 1;
    }
}

static int edit_pressed(struct ui *ui, struct ui_dialog *d, int button, void *ctx)
{
    struct entry_scr *s = ctx;
    struct err e = {0};
    (void)button;
    if (tree_ops_entry_edit(ui->db, s->entry_id, d->fields[0].buf, d->fields[1].buf,
                            d->fields[2].buf, &e)) {
        snprintf(d->error, sizeof d->error, "%s", e.msg);
        return 1;
    }
    ui_message(ui, false, "%s", _("Entry saved; the new version will sync."));
    return 0;
}

static int remove_entry(struct ui *ui, int64_t id, const char *reason, struct err *e)
{
    int rc = tree_ops_remove(ui->db, TREE_ENTRY, id, reason, e);
    /* The entry is gone from the tree: leave its page, which lies under the dialog. */
    if (rc == GW_OK && ui->depth >= 2 && strcmp(ui->stack[ui->depth - 2]->ops->name, "entry") == 0)
        ui_remove(ui, ui->stack[ui->depth - 2]);
    return rc;
}

static int entry_action(struct screen *scr, struct ui *ui, enum ui_action a, int arg)
{
    struct entry_scr *s = me(scr);
    (void)arg;
    if (!s->loaded)
        return UI_UNHANDLED;
    switch (a) {
    case ACT_NEXT:
    case ACT_DOWN:
        s->focus = (s->focus + 1) % B_COUNT;
        return UI_HANDLED | UI_REDRAW;
    case ACT_PREV:
    case ACT_UP:
        s->focus = (s->focus + B_COUNT - 1) % B_COUNT;
        return UI_HANDLED | UI_REDRAW;
    case ACT_OPEN:
        return entry_action(scr, ui, button_action[s->focus], 0);
    case ACT_PICK:
        ui_capture(ui, ui_hooks.pick_file, _("pick a file"), s->customer_id, s->account,
                   s->entry_id, NULL);
        return UI_HANDLED | UI_REDRAW;
    case ACT_PHOTO:
        ui_capture(ui, ui_hooks.take_photo, _("camera"), s->customer_id, s->account, s->entry_id,
                   NULL);
        return UI_HANDLED | UI_REDRAW;
    case ACT_SCAN:
        ui_capture(ui, ui_hooks.scan, _("scanner"), s->customer_id, s->account, s->entry_id, NULL);
        return UI_HANDLED | UI_REDRAW;
    case ACT_APPEARANCE:
    case ACT_NAMEPLATE:
        ui_push(ui, scr_photos_new(ui, s->entry_id, s->customer_id, s->account,
                                   a == ACT_APPEARANCE ? "appearance" : "nameplate"));
        return UI_HANDLED | UI_REDRAW;
    case ACT_EDIT: {
        struct ui_dialog *d = ui_dialog_new(_("Edit entry"), edit_pressed, s);
        ui_dialog_field(d, _("Name:"), s->en.name);
        ui_dialog_field(d, _("Appearance remark:"), s->en.appearance_remark);
        ui_dialog_field(d, _("Nameplate remark:"), s->en.nameplate_remark);
        ui_dialog_button(d, _("OK"), false);
        ui_dialog_button(d, _("Cancel"), true);
        ui_push(ui, &d->base);
        return UI_HANDLED | UI_REDRAW;
    }
    case ACT_REMOVE:
        ui_ask_remove(ui, _("entry"), s->en.name, s->entry_id, remove_entry);
        return UI_HANDLED | UI_REDRAW;
    default:
        return UI_UNHANDLED;
    }
}

static void entry_crumb(struct screen *scr, struct ui *ui, char *buf, size_t n)
{
    (void)ui;
    snprintf(buf, n, "%s", me(scr)->en.name);
}

static void entry_dump(struct screen *scr, FILE *out)
{
    struct entry_scr *s = me(scr);
    fprintf(out,
            "entry.name=%s\nentry.appearance_remark=%s\nentry.nameplate_remark=%s\n"
            "entry.version=%d\nentry.appearance_photos=%d\nentry.nameplate_photos=%d\n"
            "entry.sync=%s\nentry.focus=%d\n",
            s->en.name, s->en.appearance_remark, s->en.nameplate_remark, s->en.version,
            s->en.appearance_photos, s->en.nameplate_photos, tree_sync_name(s->en.sync), s->focus);
}

static void entry_free(struct screen *scr)
{
    free(scr);
}

static const struct screen_ops entry_ops = {
    .name = "entry",
    .draw = entry_draw,
    .on_action = entry_action,
    .crumb = entry_crumb,
    .reload = entry_reload,
    .dump = entry_dump,
    .free = entry_free,
    .bar = {ACT_APPEARANCE, ACT_EDIT, ACT_PHOTO, ACT_PICK, ACT_SCAN, ACT_REMOVE},
};

struct screen *scr_entry_new(struct ui *ui, int64_t entry_id, int64_t customer_id,
                             const char *account)
{
    struct entry_scr *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->base.ops = &entry_ops;
    s->entry_id = entry_id;
    s->customer_id = customer_id;
    snprintf(s->account, sizeof s->account, "%s", account);
    entry_reload(&s->base, ui);
    return &s->base;
}
