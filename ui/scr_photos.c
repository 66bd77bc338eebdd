/* scr_photos.c - level 4 of the tree: an entry's appearance or nameplate folder, listing
 * its photos (time, size, source, sync state). Photos arrive through the capture hooks;
 * here they are listed, opened in the viewer (Enter or a second tap) and removed with a
 * reason (a tombstone; the file stays). */
#include "gridwalk/config.h"

#include "app/tree_ops.h"
#include "ui/internal.h"

#include <stdlib.h>
#include <string.h>

ui_viewer_fn ui_viewer_open;

struct photos_scr {
    struct screen base;
    int64_t entry_id, customer_id;
    char account[64];
    char folder[16];
    struct tree_entry en;
    struct tree_photo *photos;
    size_t n;
    struct ui_list list;
    int list_h;
    char error[UI_MSG_MAX];
};

static struct photos_scr *me(struct screen *s)
{
    return (struct photos_scr *)s;
}

static void photos_reload(struct screen *scr, struct ui *ui)
{
    struct photos_scr *s = me(scr);
    struct err e = {0};
    free(s->photos);
    s->photos = NULL;
    s->n = 0;
    s->error[0] = '\0';
    if (tree_entry_get(ui->db, s->entry_id, &s->en, &e) ||
        tree_list_photos(ui->db, s->entry_id, s->folder, &s->photos, &s->n, &e))
        snprintf(s->error, sizeof s->error, "%s", e.msg);
    s->list.n = (int)s->n;
    ui_list_scroll(&s->list, s->list_h > 0 ? s->list_h : 1);
}

static const char *source_label(const char *src)
{
    if (strcmp(src, "camera") == 0)
        return _("camera");
    if (strcmp(src, "file") == 0)
        return _("file");
    if (strcmp(src, "scan") == 0)
        return _("scan");
    return src;
}

static void format_size(int64_t bytes, char *buf, size_t n)
{
    if (bytes >= 1024 * 1024)
        snprintf(buf, n, "%.1f MB", (double)bytes / (1024.0 * 1024.0));
    else
        snprintf(buf, n, "%lld kB", (long long)((bytes + 1023) / 1024));
}

static void photos_draw(struct screen *scr, struct ui *ui, int y0, int h, int w)
{
    struct photos_scr *s = me(scr);
    int y = y0, time_w = 18, size_w = 10, dim_w = 12, src_w = 10;
    int sync_w = w - time_w - size_w - dim_w - src_w;
    attr_t hd = A_BOLD | A_UNDERLINE;
    ui_put(y, 0, time_w, _("Taken"), hd);
    ui_put(y, time_w, size_w, _("Size"), hd);
    ui_put(y, time_w + size_w, dim_w, _("Pixels"), hd);
    ui_put(y, time_w + size_w + dim_w, src_w, _("Source"), hd);
    ui_put(y, w - sync_w, sync_w, _("Sync"), hd);
    y++;
    int list_bottom = y0 + h - 4;
    s->list_h = list_bottom - y;
    ui_list_scroll(&s->list, s->list_h);
    if (s->error[0])
        ui_put(y++, 0, w, s->error, A_BOLD | A_REVERSE);
    else if (s->n == 0)
        ui_put(y++, 0, w, _("No photos yet: take a photo (F5), pick a file (F6) or scan (F7)."),
               A_NORMAL);
    for (int i = s->list.top; i < (int)s->n && y < list_bottom; i++, y++) {
        const struct tree_photo *p = &s->photos[i];
        attr_t at = i == s->list.sel ? A_REVERSE : A_NORMAL;
        char t[DB_TIME_LEN + 8], size[32], dim[32];
        ui_local_time(p->taken_at, t, sizeof t);
        format_size(p->bytes, size, sizeof size);
        if (p->width > 0 && p->height > 0)
            snprintf(dim, sizeof dim, "%dx%d", p->width, p->height);
        else
            snprintf(dim, sizeof dim, "%s", _("n/a"));
        ui_put(y, 0, time_w, t, at);
        ui_put(y, time_w, size_w, size, at);
        ui_put(y, time_w + size_w, dim_w, dim, at);
        ui_put(y, time_w + size_w + dim_w, src_w, source_label(p->source), at);
        ui_put(y, w - sync_w, sync_w, ui_sync_label(p->sync), at);
        ui_hit_add(ui, y, 0, 1, w, ACT_TAP_ROW, i);
    }
    int x = 0, by = y0 + h - 3;
    x += ui_button(ui, by, x, _("Take photo"), false, ACT_PHOTO, 0) + 1;
    x += ui_button(ui, by, x, _("Pick file"), false, ACT_PICK, 0) + 1;
    x += ui_button(ui, by, x, _("Scan"), false, ACT_SCAN, 0) + 1;
    if (s->n)
        ui_button(ui, by, x, _("Remove"), false, ACT_REMOVE, 0);
}

static int remove_photo(struct ui *ui, int64_t id, const char *reason, struct err *e)
{
    return tree_ops_remove(ui->db, TREE_PHOTO, id, reason, e);
}

static int photos_action(struct screen *scr, struct ui *ui, enum ui_action a, int arg)
{
    struct photos_scr *s = me(scr);
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
        if (!ui_viewer_open) {
            ui_message(ui, true, _("not available in this build: %s"), _("photo viewer"));
            return UI_HANDLED | UI_REDRAW;
        }
        ui_push(ui, ui_viewer_open(ui, s->photos, s->n, s->list.sel));
        return UI_HANDLED | UI_REDRAW;
    case ACT_PHOTO:
    case ACT_PICK:
    case ACT_SCAN: {
        ui_capture(ui,
                   a == ACT_PHOTO  ? ui_hooks.take_photo
                   : a == ACT_PICK ? ui_hooks.pick_file
                                   : ui_hooks.scan,
                   a == ACT_PHOTO  ? _("camera")
                   : a == ACT_PICK ? _("pick a file")
                                   : _("scanner"),
                   s->customer_id, s->account, s->entry_id, s->folder);
        return UI_HANDLED | UI_REDRAW;
    }
    case ACT_REMOVE: {
        if (s->n == 0)
            return UI_HANDLED;
        char t[DB_TIME_LEN + 8];
        ui_local_time(s->photos[s->list.sel].taken_at, t, sizeof t);
        ui_ask_remove(ui, _("photo"), t, s->photos[s->list.sel].id, remove_photo);
        return UI_HANDLED | UI_REDRAW;
    }
    default:
        return ui_list_move(&s->list, a, s->list_h - 1);
    }
}

static void photos_crumb(struct screen *scr, struct ui *ui, char *buf, size_t n)
{
    (void)ui;
    snprintf(buf, n, "%s",
             strcmp(me(scr)->folder, "appearance") == 0 ? _("Appearance") : _("Nameplate"));
}

static void photos_dump(struct screen *scr, FILE *out)
{
    struct photos_scr *s = me(scr);
    fprintf(out, "photos.folder=%s\nphotos.count=%zu\nphotos.sel=%d\n", s->folder, s->n,
            s->list.sel);
    for (size_t i = 0; i < s->n; i++)
        fprintf(out, "photos.%zu=%s %lld %s %s\n", i, s->photos[i].sha256,
                (long long)s->photos[i].bytes, s->photos[i].source,
                tree_sync_name(s->photos[i].sync));
}

static void photos_free(struct screen *scr)
{
    free(me(scr)->photos);
    free(scr);
}

static const struct screen_ops photos_ops = {
    .name = "photos",
    .draw = photos_draw,
    .on_action = photos_action,
    .crumb = photos_crumb,
    .reload = photos_reload,
    .dump = photos_dump,
    .free = photos_free,
    .bar = {ACT_NONE, ACT_NONE, ACT_PHOTO, ACT_PICK, ACT_SCAN, ACT_REMOVE},
};

struct screen *scr_photos_new(struct ui *ui, int64_t entry_id, int64_t customer_id,
                              const char *account, const char *folder)
{
    struct photos_scr *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->base.ops = &photos_ops;
    s->entry_id = entry_id;
    s->customer_id = customer_id;
    snprintf(s->account, sizeof s->account, "%s", account);
    snprintf(s->folder, sizeof s->folder, "%s", folder);
    photos_reload(&s->base, ui);
    return &s->base;
}
