/* scr_category.c - level 1 of the tree: one business category of a customer, listing its
 * topic folders (level 2) with an "Add folder" button; folders are created, renamed and
 * removed (with a reason) here. */
#include "gridwalk/config.h"

#include "app/tree_ops.h"
#include "ui/internal.h"

#include <stdlib.h>
#include <string.h>

struct category_scr {
    struct screen base;
    int64_t customer_id;
    char account[64];
    int category;
    struct tree_folder *folders;
    size_t n;
    struct ui_list list;
    int list_h;
    char error[UI_MSG_MAX];
};

static struct category_scr *me(struct screen *s)
{
    return (struct category_scr *)s;
}

static void category_reload(struct screen *scr, struct ui *ui)
{
    struct category_scr *s = me(scr);
    struct err e = {0};
    free(s->folders);
    s->folders = NULL;
    s->n = 0;
    s->error[0] = '\0';
    if (tree_list_folders(ui->db, s->customer_id, s->category, &s->folders, &s->n, &e))
        snprintf(s->error, sizeof s->error, "%s", e.msg);
    s->list.n = (int)s->n;
    ui_list_scroll(&s->list, s->list_h > 0 ? s->list_h : 1);
}

static void category_draw(struct screen *scr, struct ui *ui, int y0, int h, int w)
{
    struct category_scr *s = me(scr);
    const char *const heads[4] = {_("Topic folder"), _("Entries"), _("Photos"), _("Sync")};
    int bottom;
    int y = ui_count_head(y0, h, w, 9, heads, &s->list, &s->list_h, s->error, s->n,
                          _("No topic folders yet: press Add (F3) to create one."), &bottom);
    for (int i = s->list.top; i < (int)s->n && y < bottom; i++, y++) {
        const struct tree_folder *f = &s->folders[i];
        ui_count_row(ui, y, w, 9, i, i == s->list.sel, f->name, f->entries, f->photos, f->sync);
    }
    int x = 0;
    int by = y0 + h - 3;
    x += ui_button(ui, by, x, _("Add folder"), false, ACT_NEW, 0) + 2;
    if (s->n) {
        x += ui_button(ui, by, x, _("Rename"), false, ACT_EDIT, 0) + 2;
        ui_button(ui, by, x, _("Remove"), false, ACT_REMOVE, 0);
    }
}

static int new_pressed(struct ui *ui, struct ui_dialog *d, int button, void *ctx)
{
    struct category_scr *s = ctx;
    struct err e = {0};
    int64_t id;
    (void)button;
    if (tree_ops_folder_create(ui->db, s->customer_id, s->category, d->fields[0].buf, &id, &e)) {
        snprintf(d->error, sizeof d->error, "%s", e.msg);
        return 1;
    }
    category_reload(&s->base, ui);
    for (size_t i = 0; i < s->n; i++)
        if (s->folders[i].id == id)
            s->list.sel = (int)i;
    ui_message(ui, false, _("Folder \"%s\" created."), d->fields[0].buf);
    return 0;
}

static int rename_pressed(struct ui *ui, struct ui_dialog *d, int button, void *ctx)
{
    struct category_scr *s = ctx;
    struct err e = {0};
    (void)button;
    if (s->list.sel >= (int)s->n)
        return 0;
    if (tree_ops_folder_rename(ui->db, s->folders[s->list.sel].id, d->fields[0].buf, &e)) {
        snprintf(d->error, sizeof d->error, "%s", e.msg);
        return 1;
    }
    ui_message(ui, false, _("Folder renamed to \"%s\"."), d->fields[0].buf);
    return 0;
}

static int remove_folder(struct ui *ui, int64_t id, const char *reason, struct err *e)
{
    return tree_ops_remove(ui->db, TREE_FOLDER, id, reason, e);
}

static int category_action(struct screen *scr, struct ui *ui, enum ui_action a, int arg)
{
    struct category_scr *s = me(scr);
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
        ui_push(ui, scr_folder_new(ui, s->folders[s->list.sel].id, s->customer_id, s->account));
        return UI_HANDLED | UI_REDRAW;
    case ACT_NEW: {
        struct ui_dialog *d = ui_dialog_new(_("New topic folder"), new_pressed, s);
        ui_dialog_field(d, _("Name (a transformer, a meter box, a dispute):"), "");
        ui_dialog_button(d, _("OK"), false);
        ui_dialog_button(d, _("Cancel"), true);
        ui_push(ui, &d->base);
        return UI_HANDLED | UI_REDRAW;
    }
    case ACT_EDIT: {
        if (s->n == 0)
            return UI_HANDLED;
        struct ui_dialog *d = ui_dialog_new(_("Rename topic folder"), rename_pressed, s);
        ui_dialog_field(d, _("Name:"), s->folders[s->list.sel].name);
        ui_dialog_button(d, _("OK"), false);
        ui_dialog_button(d, _("Cancel"), true);
        ui_push(ui, &d->base);
        return UI_HANDLED | UI_REDRAW;
    }
    case ACT_REMOVE:
        if (s->n == 0)
            return UI_HANDLED;
        ui_ask_remove(ui, _("folder"), s->folders[s->list.sel].name, s->folders[s->list.sel].id,
                      remove_folder);
        return UI_HANDLED | UI_REDRAW;
    default:
        return ui_list_move(&s->list, a, s->list_h - 1);
    }
}

static void category_crumb(struct screen *scr, struct ui *ui, char *buf, size_t n)
{
    snprintf(buf, n, "%s", config_category_name(ui->cfg, me(scr)->category));
}

static void category_dump(struct screen *scr, FILE *out)
{
    struct category_scr *s = me(scr);
    fprintf(out, "category=%d\ncategory.folders=%zu\ncategory.sel=%d\n", s->category, s->n,
            s->list.sel);
    for (size_t i = 0; i < s->n; i++)
        fprintf(out, "category.folder.%zu=%s entries=%d photos=%d sync=%s\n", i, s->folders[i].name,
                s->folders[i].entries, s->folders[i].photos, tree_sync_name(s->folders[i].sync));
}

static void category_free(struct screen *scr)
{
    free(me(scr)->folders);
    free(scr);
}

static const struct screen_ops category_ops = {
    .name = "category",
    .draw = category_draw,
    .on_action = category_action,
    .crumb = category_crumb,
    .reload = category_reload,
    .dump = category_dump,
    .free = category_free,
    .bar = {ACT_NEW, ACT_EDIT, ACT_NONE, ACT_NONE, ACT_NONE, ACT_REMOVE},
};

struct screen *scr_category_new(struct ui *ui, int64_t customer_id, const char *account,
                                int category)
{
    struct category_scr *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->base.ops = &category_ops;
    s->customer_id = customer_id;
    snprintf(s->account, sizeof s->account, "%s", account);
    s->category = category;
    category_reload(&s->base, ui);
    return &s->base;
}
