/* scr_folder.c - level 2 of the tree: a topic folder, listing its entries (level 3) with an
 * "Add entry" button. An entry is created in one step: a dialog with the name pre-filled
 * with the creation time, the appearance remark and the nameplate remark; OK with nothing
 * typed creates the entry with the automatic name. The new entry opens at once, since the
 * next thing an inspector does is photograph. */
#include "gridwalk/config.h"

#include "app/tree_ops.h"
#include "ui/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct folder_scr {
    struct screen base;
    int64_t folder_id, customer_id;
    char account[64];
    struct tree_folder folder;
    bool loaded;
    struct tree_entry *entries;
    size_t n;
    struct ui_list list;
    int list_h;
    char autoname[NAMING_AUTO_LEN]; /* of the open "add" dialog */
    char error[UI_MSG_MAX];
};

static struct folder_scr *me(struct screen *s)
{
    return (struct folder_scr *)s;
}

static void folder_reload(struct screen *scr, struct ui *ui)
{
    struct folder_scr *s = me(scr);
    struct err e = {0};
    free(s->entries);
    s->entries = NULL;
    s->n = 0;
    s->error[0] = '\0';
    s->loaded = tree_folder_get(ui->db, s->folder_id, &s->folder, &e) == GW_OK;
    if (!s->loaded || tree_list_entries(ui->db, s->folder_id, &s->entries, &s->n, &e))
        snprintf(s->error, sizeof s->error, "%s", e.msg);
    s->list.n = (int)s->n;
    ui_list_scroll(&s->list, s->list_h > 0 ? s->list_h : 1);
}

static void folder_draw(struct screen *scr, struct ui *ui, int y0, int h, int w)
{
    struct folder_scr *s = me(scr);
    const char *const heads[4] = {_("Entry"), _("Appearance"), _("Nameplate"), _("Sync")};
    int bottom;
    int y = ui_count_head(y0, h, w, 11, heads, &s->list, &s->list_h, s->error, s->n,
                          _("No entries yet: press Add (F3) to create one."), &bottom);
    for (int i = s->list.top; i < (int)s->n && y < bottom; i++, y++) {
        const struct tree_entry *en = &s->entries[i];
        ui_count_row(ui, y, w, 11, i, i == s->list.sel, en->name, en->appearance_photos,
                     en->nameplate_photos, en->sync);
    }
    int x = 0, by = y0 + h - 3;
    x += ui_button(ui, by, x, _("Add entry"), false, ACT_NEW, 0) + 2;
    if (s->n)
        ui_button(ui, by, x, _("Remove"), false, ACT_REMOVE, 0);
}

static int add_pressed(struct ui *ui, struct ui_dialog *d, int button, void *ctx)
{
    struct folder_scr *s = ctx;
    struct err e = {0};
    struct ui_gps_fix fix;
    int64_t id;
    (void)button;
    char name[256];
    ui_gps(&fix);
    if (fix.state != UI_GPS_FIX)
        fix.lat = fix.lon = fix.accuracy_m = NAN;
    /* An emptied name box means the automatic name, for the time OK was pressed. */
    if (tree_ops_entry_create(ui->db, s->folder_id, d->fields[0].buf, ui->clock(), d->fields[1].buf,
                              d->fields[2].buf, fix.lat, fix.lon, fix.accuracy_m, &id, name, &e)) {
        snprintf(d->error, sizeof d->error, "%s", e.msg);
        return 1;
    }
    ui_message(ui, false, _("Entry \"%s\" created."), name);
    /* Open the new entry in place of the dialog. */
    ui_remove(ui, &d->base);
    folder_reload(&s->base, ui);
    for (size_t i = 0; i < s->n; i++)
        if (s->entries[i].id == id)
            s->list.sel = (int)i;
    ui_push(ui, scr_entry_new(ui, id, s->customer_id, s->account));
    ui_reload_all(ui); /* the status line's queue count too */
    return 1;          /* already closed */
}

static int remove_entry(struct ui *ui, int64_t id, const char *reason, struct err *e)
{
    return tree_ops_remove(ui->db, TREE_ENTRY, id, reason, e);
}

static int folder_action(struct screen *scr, struct ui *ui, enum ui_action a, int arg)
{
    struct folder_scr *s = me(scr);
    switch (a) {
    case ACT_TAP_ROW:
        if (arg != s->list.sel) {
            s->list.sel = arg;
            return UI_HANDLED | UI_REDRAW;
        }
        /* fall through - a second tap opens */
    case ACT_OPEN:
        if (s->n == 0)
            return UI_HANDLED;
        ui_push(ui, scr_entry_new(ui, s->entries[s->list.sel].id, s->customer_id, s->account));
        return UI_HANDLED | UI_REDRAW;
    case ACT_NEW: {
        naming_auto_entry(ui->clock(), s->autoname);
        struct ui_dialog *d = ui_dialog_new(_("New entry"), add_pressed, s);
        ui_dialog_field(d, _("Name (the creation time unless you change it):"), s->autoname);
        ui_dialog_field(d, _("Appearance remark (optional):"), "");
        ui_dialog_field(d, _("Nameplate remark (optional):"), "");
        ui_dialog_button(d, _("OK"), false);
        ui_dialog_button(d, _("Cancel"), true);
        ui_push(ui, &d->base);
        return UI_HANDLED | UI_REDRAW;
    }
    case ACT_REMOVE:
        if (s->n == 0)
            return UI_HANDLED;
        ui_ask_remove(ui, _("entry"), s->entries[s->list.sel].name, s->entries[s->list.sel].id,
                      remove_entry);
        return UI_HANDLED | UI_REDRAW;
    default:
        return ui_list_move(&s->list, a, s->list_h - 1);
    }
}

static void folder_crumb(struct screen *scr, struct ui *ui, char *buf, size_t n)
{
    (void)ui;
    snprintf(buf, n, "%s", me(scr)->folder.name);
}

static void folder_dump(struct screen *scr, FILE *out)
{
    struct folder_scr *s = me(scr);
    fprintf(out, "folder=%s\nfolder.entries=%zu\nfolder.sel=%d\n", s->folder.name, s->n,
            s->list.sel);
    for (size_t i = 0; i < s->n; i++)
        fprintf(out, "folder.entry.%zu=%s appearance=%d nameplate=%d sync=%s\n", i,
                s->entries[i].name, s->entries[i].appearance_photos, s->entries[i].nameplate_photos,
                tree_sync_name(s->entries[i].sync));
}

static void folder_free(struct screen *scr)
{
    free(me(scr)->entries);
    free(scr);
}

static const struct screen_ops folder_ops = {
    .name = "folder",
    .draw = folder_draw,
    .on_action = folder_action,
    .crumb = folder_crumb,
    .reload = folder_reload,
    .dump = folder_dump,
    .free = folder_free,
    .bar = {ACT_NEW, ACT_NONE, ACT_NONE, ACT_NONE, ACT_NONE, ACT_REMOVE},
};

struct screen *scr_folder_new(struct ui *ui, int64_t folder_id, int64_t customer_id,
                              const char *account)
{
    struct folder_scr *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->base.ops = &folder_ops;
    s->folder_id = folder_id;
    s->customer_id = customer_id;
    snprintf(s->account, sizeof s->account, "%s", account);
    folder_reload(&s->base, ui);
    return &s->base;
}
