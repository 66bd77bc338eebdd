/* scr_pick.c - the file chooser behind the entry page's "Pick file": browse the roots (the
 * configured pick folders and removable media, app/photo_pick.h) with a finger, tick JPEG and
 * PNG pictures in one or more folders, and import them in one go.
 *
 * The selection is a sorted set of resolved full paths, not row numbers, so it survives
 * moving between folders. Listings come from photo_pick_list(), which keeps every path inside
 * the roots; this screen never builds a path it would not get from there (going up is the
 * parent of a listed folder, and stops at the root it belongs to). Importing hands the
 * paths to the caller's function (the photo job in hooks_media.c) and closes the chooser;
 * Esc, F9 and "Cancel" close it without importing. */
#include "gridwalk/config.h"

#include "app/photo_pick.h"
#include "ui/internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Columns: check box, name, size (right-aligned), time; name takes what is left. */
#define CHECK_W 4
#define SIZE_W 10
#define TIME_W 16
#define GAP 2

struct pick_scr {
    struct screen base;
    struct photo_pick_roots roots;
    int64_t entry_id;
    char folder[16];
    ui_pick_fn fn;
    char cur[PATH_MAX]; /* "" while the roots are listed */
    struct photo_pick_item *items;
    int n, pictures;
    struct ui_list list;
    int list_h;
    char error[UI_MSG_MAX];
    char **sel; /* sorted, owned */
    int nsel, capsel;
};

static struct pick_scr *me(struct screen *s)
{
    return (struct pick_scr *)s;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Index where path is, or -(insertion point)-1. */
static int sel_find(const struct pick_scr *s, const char *path)
{
    int lo = 0, hi = s->nsel;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2, c = strcmp(s->sel[mid], path);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -lo - 1;
}

static void sel_grow(struct pick_scr *s, int more)
{
    if (s->nsel + more <= s->capsel)
        return;
    while (s->capsel < s->nsel + more)
        s->capsel = s->capsel ? s->capsel * 2 : 64;
    s->sel = realloc(s->sel, sizeof *s->sel * (size_t)s->capsel);
    if (!s->sel)
        abort();
}

static void sel_toggle(struct pick_scr *s, const char *path)
{
    int at = sel_find(s, path);
    if (at >= 0) {
        free(s->sel[at]);
        memmove(&s->sel[at], &s->sel[at + 1], sizeof *s->sel * (size_t)(s->nsel - at - 1));
        s->nsel--;
        return;
    }
    at = -at - 1;
    sel_grow(s, 1);
    memmove(&s->sel[at + 1], &s->sel[at], sizeof *s->sel * (size_t)(s->nsel - at));
    if (!(s->sel[at] = strdup(path)))
        abort();
    s->nsel++;
}

/* Lists dir (NULL or "": the roots) and puts the cursor on the row whose path is focus. */
static void pick_load(struct pick_scr *s, const char *dir, const char *focus)
{
    struct err e = {0};
    free(s->items);
    s->items = NULL;
    s->n = s->pictures = 0;
    s->error[0] = '\0';
    snprintf(s->cur, sizeof s->cur, "%s", dir ? dir : "");
    if (photo_pick_list(&s->roots, s->cur[0] ? s->cur : NULL, &s->items, &s->n, &e))
        snprintf(s->error, sizeof s->error, "%s", e.msg);
    s->list = (struct ui_list){s->n, 0, 0};
    for (int i = 0; i < s->n; i++) {
        if (!s->items[i].is_dir)
            s->pictures++;
        if (focus && strcmp(s->items[i].path, focus) == 0)
            s->list.sel = i;
    }
    ui_list_scroll(&s->list, s->list_h > 0 ? s->list_h : 1);
}

static bool at_root(const struct pick_scr *s)
{
    for (int i = 0; i < s->roots.n; i++)
        if (strcmp(s->roots.dirs[i], s->cur) == 0)
            return true;
    return false;
}

/* The parent folder, never above the root it is in: a root goes back to the list of roots. */
static void pick_up(struct pick_scr *s)
{
    char child[PATH_MAX];
    if (!s->cur[0])
        return;
    snprintf(child, sizeof child, "%s", s->cur);
    char *slash = strrchr(s->cur, '/');
    if (at_root(s) || !slash) {
        pick_load(s, NULL, child);
        return;
    }
    if (slash == s->cur)
        slash[1] = '\0';
    else
        *slash = '\0';
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%s", s->cur);
    pick_load(s, parent, child);
}

static void format_size(long long bytes, char *buf, size_t n)
{
    if (bytes >= 1024 * 1024)
        snprintf(buf, n, "%.1f MB", (double)bytes / (1024.0 * 1024.0));
    else
        snprintf(buf, n, "%lld kB", (bytes + 1023) / 1024);
}

/* A path in w columns keeping its end (the folder one is in), "…" in front when cut. */
static void put_path_tail(int y, int w, const char *path, attr_t at)
{
    const char *p = path;
    if (ui_text_width(p) > w) {
        while (*p && ui_text_width(p) > w - 1) {
            p++;
            while (((unsigned char)*p & 0xC0) == 0x80)
                p++;
        }
        ui_put(y, 0, 1, "…", at);
        ui_put(y, 1, w - 1, p, at);
        return;
    }
    ui_put(y, 0, w, p, at);
}

static void pick_draw(struct screen *scr, struct ui *ui, int y0, int h, int w)
{
    struct pick_scr *s = me(scr);
    int y = y0, name_w = w - CHECK_W - 1 - SIZE_W - GAP - TIME_W;
    int size_x = CHECK_W + name_w + 1, time_x = w - TIME_W;
    char buf[PATH_MAX + 64];
    attr_t hd = A_BOLD | A_UNDERLINE;

    snprintf(buf, sizeof buf, _("%d selected"), s->nsel);
    int sw = ui_text_width(buf) + 1;
    ui_put(y, w - sw, sw, buf, A_BOLD);
    put_path_tail(y, w - sw - 1, s->cur[0] ? s->cur : _("Pick pictures: choose a folder"), A_BOLD);
    y++;
    ui_put(y, 0, CHECK_W, "", hd);
    ui_put(y, CHECK_W, size_x - CHECK_W, s->cur[0] ? _("File name") : _("Folder"), hd);
    const char *size_head = s->cur[0] ? _("Size") : "";
    int shw = ui_text_width(size_head);
    ui_put(y, size_x, SIZE_W + GAP, "", hd);
    ui_put(y, size_x + SIZE_W - shw, shw, size_head, hd);
    ui_put(y, time_x, TIME_W, s->cur[0] ? _("Modified") : _("Kind"), hd);
    y++;
    int list_bottom = y0 + h - 4;
    s->list_h = list_bottom - y;
    ui_list_scroll(&s->list, s->list_h);
    if (s->error[0]) {
        y += ui_put_wrapped(y, 0, w, 2, s->error, A_BOLD | A_REVERSE);
    } else if (s->n == 0 && !s->cur[0]) {
        ui_put(y++, 0, w, _("No folders to pick from:"), A_BOLD);
        ui_put(y++, 0, w, _("- no removable medium (USB stick, SD card) is mounted, and"), A_BOLD);
        ui_put(y++, 0, w, _("- no pick folder is set: fill in [paths] pick_folders in config.ini"),
               A_BOLD);
        ui_put(y++, 0, w, _("  (folders separated by ':')."), A_BOLD);
    } else if (s->n == 0) {
        ui_put(y++, 0, w, _("This folder has no sub-folders and no JPEG or PNG pictures."),
               A_NORMAL);
    }
    for (int i = s->list.top; i < s->n && y < list_bottom; i++, y++) {
        const struct photo_pick_item *it = &s->items[i];
        attr_t at = i == s->list.sel ? A_REVERSE : A_NORMAL;
        char size[32] = "", when[32] = "";
        if (!s->cur[0]) {
            ui_put(y, 0, CHECK_W, "", at);
            ui_put(y, CHECK_W, time_x - CHECK_W, it->path, at);
            ui_put(y, time_x, TIME_W,
                   photo_pick_is_media(it->path) ? _("removable media") : _("pick folder"), at);
            ui_hit_add(ui, y, 0, 1, w, ACT_TAP_ROW, i);
            continue;
        }
        struct tm tm;
        if (localtime_r(&it->mtime, &tm))
            strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
        if (it->is_dir) {
            snprintf(buf, sizeof buf, "%s/", it->name);
            ui_put(y, 0, CHECK_W, " >", at);
        } else {
            snprintf(buf, sizeof buf, "%s", it->name);
            ui_put(y, 0, CHECK_W, sel_find(s, it->path) >= 0 ? "[x]" : "[ ]", at);
            format_size(it->bytes, size, sizeof size);
        }
        ui_put(y, CHECK_W, size_x - CHECK_W, buf, at);
        ui_put(y, size_x, SIZE_W + GAP, "", at);
        int zw = (int)strlen(size);
        ui_put(y, size_x + SIZE_W - zw, zw, size, at);
        ui_put(y, time_x, TIME_W, when, at);
        ui_hit_add(ui, y, 0, 1, w, ACT_TAP_ROW, i);
    }
    if (s->n > s->list_h && s->list_h > 0) {
        snprintf(buf, sizeof buf, _("%d-%d of %d"), s->list.top + 1,
                 s->list.top + s->list_h < s->n ? s->list.top + s->list_h : s->n, s->n);
        int bw = ui_text_width(buf);
        ui_put(list_bottom, w - bw, bw, buf, A_NORMAL);
    }
    int x = 0, by = y0 + h - 3;
    x += ui_button(ui, by, x, _("Up a level"), false, ACT_PICK_PARENT, 0) + 1;
    x += ui_button(ui, by, x, _("All"), false, ACT_PICK_ALL, 0) + 1;
    snprintf(buf, sizeof buf, _("   Import %d   "), s->nsel);
    x += ui_button(ui, by, x, buf, s->nsel > 0, ACT_PICK_IMPORT, 0) + 1;
    ui_button(ui, by, x, _("Cancel"), false, ACT_BACK, 0);
}

/* Selects every picture of the folder, or none when all of them already are. */
static void pick_all(struct pick_scr *s)
{
    int missing = 0;
    for (int i = 0; i < s->n; i++)
        if (!s->items[i].is_dir && sel_find(s, s->items[i].path) < 0)
            missing++;
    if (missing == 0) {
        for (int i = 0; i < s->n; i++)
            if (!s->items[i].is_dir)
                sel_toggle(s, s->items[i].path);
        return;
    }
    sel_grow(s, missing);
    for (int i = 0; i < s->n; i++)
        if (!s->items[i].is_dir && sel_find(s, s->items[i].path) < 0)
            if (!(s->sel[s->nsel++] = strdup(s->items[i].path)))
                abort();
    qsort(s->sel, (size_t)s->nsel, sizeof *s->sel, cmp_str);
}

static int pick_import(struct pick_scr *s, struct ui *ui)
{
    struct err e = {0};
    if (s->nsel == 0) {
        ui_message(ui, true, "%s",
                   _("nothing selected: tap a picture's box or press Space, then Import"));
        return UI_HANDLED | UI_REDRAW;
    }
    if (s->fn(ui, s->entry_id, s->folder, (const char *const *)s->sel, s->nsel, &e)) {
        ui_message(ui, true, "%s", e.msg[0] ? e.msg : _("failed"));
        return UI_HANDLED | UI_REDRAW;
    }
    /* The job has what it needs (it copied the paths): the chooser goes. */
    ui_remove(ui, &s->base);
    ui_reload_all(ui);
    return UI_HANDLED | UI_REDRAW;
}

/* Enter or a tap: a folder opens, a picture is ticked or unticked. */
static int pick_activate(struct pick_scr *s, int i)
{
    if (i < 0 || i >= s->n)
        return UI_HANDLED;
    s->list.sel = i;
    if (s->items[i].is_dir) {
        char dir[sizeof s->items[i].path];
        memcpy(dir, s->items[i].path, sizeof dir);
        pick_load(s, dir, NULL);
    } else {
        sel_toggle(s, s->items[i].path);
    }
    return UI_HANDLED | UI_REDRAW;
}

static int pick_action(struct screen *scr, struct ui *ui, enum ui_action a, int arg)
{
    struct pick_scr *s = me(scr);
    switch (a) {
    case ACT_TAP_ROW:
        return pick_activate(s, arg);
    case ACT_OPEN:
        return pick_activate(s, s->list.sel);
    case ACT_MARK: /* Insert ticks here too, as it marks customers in the search */
    case ACT_PICK_MARK:
        if (s->n > 0 && !s->items[s->list.sel].is_dir) {
            sel_toggle(s, s->items[s->list.sel].path);
            if (s->list.sel < s->n - 1)
                s->list.sel++;
        }
        return UI_HANDLED | UI_REDRAW;
    case ACT_PICK_ALL:
        if (s->pictures == 0)
            ui_message(ui, false, "%s", _("no pictures in this folder to select"));
        else
            pick_all(s);
        return UI_HANDLED | UI_REDRAW;
    case ACT_PICK_PARENT:
        pick_up(s);
        return UI_HANDLED | UI_REDRAW;
    case ACT_PICK_IMPORT:
        return pick_import(s, ui);
    case ACT_PHOTO:
    case ACT_PICK:
    case ACT_SCAN:
    case ACT_NEW:
    case ACT_EDIT:
    case ACT_REMOVE:
        return UI_HANDLED;
    default:
        return ui_list_move(&s->list, a, s->list_h - 1);
    }
}

/* Space ticks (it pages elsewhere); Backspace and Left go up a folder (Esc and F9 still
 * close the chooser). */
static int pick_key(struct screen *scr, struct ui *ui, int key)
{
    if (key == ' ')
        return pick_action(scr, ui, ACT_PICK_MARK, 0);
    if (key == UI_KEY(KEY_BACKSPACE) || key == 127 || key == 8 || key == UI_KEY(KEY_LEFT))
        return pick_action(scr, ui, ACT_PICK_PARENT, 0);
    return UI_UNHANDLED;
}

static void pick_crumb(struct screen *scr, struct ui *ui, char *buf, size_t n)
{
    (void)scr;
    (void)ui;
    snprintf(buf, n, "%s", _("Pick pictures"));
}

static void pick_dump(struct screen *scr, FILE *out)
{
    struct pick_scr *s = me(scr);
    fprintf(out, "pick.dir=%s\npick.count=%d\npick.pictures=%d\npick.sel=%d\npick.selected=%d\n",
            s->cur, s->n, s->pictures, s->list.sel, s->nsel);
    if (s->error[0])
        fprintf(out, "pick.error=%s\n", s->error);
    for (int i = 0; i < s->n && i < 50; i++)
        fprintf(out, "pick.%d=%s%s\n", i, s->items[i].name, s->items[i].is_dir ? "/" : "");
    for (int i = 0; i < s->nsel; i++)
        fprintf(out, "pick.selected.%d=%s\n", i, s->sel[i]);
}

static void pick_free(struct screen *scr)
{
    struct pick_scr *s = me(scr);
    for (int i = 0; i < s->nsel; i++)
        free(s->sel[i]);
    free(s->sel);
    free(s->items);
    photo_pick_roots_done(&s->roots);
    free(s);
}

static const struct screen_ops pick_ops = {
    .name = "pick",
    .draw = pick_draw,
    .on_action = pick_action,
    .on_key = pick_key,
    .crumb = pick_crumb,
    .dump = pick_dump,
    .free = pick_free,
    .bar = {ACT_PICK_MARK, ACT_PICK_ALL, ACT_PICK_PARENT, ACT_PICK_IMPORT, ACT_PGUP, ACT_PGDN},
};

struct screen *scr_pick_new(struct ui *ui, struct photo_pick_roots *roots, int64_t entry_id,
                            const char *folder, ui_pick_fn fn)
{
    (void)ui;
    struct pick_scr *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->base.ops = &pick_ops;
    s->roots = *roots;
    roots->dirs = NULL;
    roots->n = 0;
    s->entry_id = entry_id;
    snprintf(s->folder, sizeof s->folder, "%s", folder ? folder : "appearance");
    s->fn = fn;
    pick_load(s, NULL, NULL);
    return &s->base;
}
