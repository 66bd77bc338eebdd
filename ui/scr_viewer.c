/* scr_viewer.c - one photo of an entry's folder, full screen: the picture drawn with symbols
 * (media/preview.h, libchafa) above a caption (when, pixels, bytes, source, sync state, where)
 * and Prev/Next buttons; Left/Right, the buttons and taps on the left or right third of the
 * picture move through the folder's photos.
 *
 * Why the caches: a photo is read and decoded once when it is shown (DCT-scaled to about what
 * the screen can use, so a 1600 px photo costs a fraction of a full decode), and its cells are
 * rendered again only when the picture area changes size; a redraw (the status timer, a key)
 * only copies cells to the screen. The file is the media store's (data/mediastore.h); a file
 * that is missing or cannot be decoded is said in place of the picture. Colours: 24-bit cell
 * colours become extended colour pairs on a terminal with 256 or direct colours; with fewer
 * the symbols are drawn without colour (reversed where the background is the brighter, flat
 * cells as shades). */
#include "gridwalk/config.h"

#include "data/mediastore.h"
#include "media/image.h"
#include "media/preview.h"
#include "media/readfile.h"
#include "ui/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A stored photo is at most a few MB; anything far larger is not ours. */
#define VIEWER_FILE_MAX (64L * 1024 * 1024)
/* Colour pairs the viewer may use (a 80x24 picture needs at most ~1400). */
#define VIEWER_PAIRS 4096
#define VIEWER_PAIR_SLOTS 8192 /* hash slots, a power of two above VIEWER_PAIRS */

enum colour_mode { COLOUR_MONO, COLOUR_256, COLOUR_DIRECT };

struct pair_slot {
    uint64_t key; /* (fg << 32 | bg) + 1, 0 when empty */
    int pair;
};

struct viewer_scr {
    struct screen base;
    struct tree_photo *photos;
    size_t n;
    int cur;
    /* The decoded picture of photos[loaded] (upright), or error[] when it could not be. */
    int loaded; /* -1 before the first load */
    struct media_image img;
    char error[UI_MSG_MAX];
    /* The cells rendered for an area of area_w x area_h; pw x ph of them are the picture. */
    struct media_preview_cell *cells;
    int area_w, area_h, pw, ph;
    int used_w; /* columns of the pw that chafa drew */
    /* Colour pairs handed out for (fg, bg), from pair 1 up. */
    enum colour_mode mode;
    bool colours_checked;
    struct pair_slot *slots;
    int npairs;
};

static struct viewer_scr *me(struct screen *s)
{
    return (struct viewer_scr *)s;
}

/* Decodes photos[cur] once, scaled for a picture area of w x h cells. */
static void load(struct viewer_scr *s, struct ui *ui, int w, int h)
{
    const struct tree_photo *p = &s->photos[s->cur];
    char path[MEDIASTORE_PATH_MAX];
    unsigned char *buf = NULL;
    size_t n = 0;
    struct err e = {0};
    struct media_source_info info;
    media_image_done(&s->img);
    free(s->cells);
    s->cells = NULL;
    s->area_w = s->area_h = 0;
    s->error[0] = '\0';
    s->loaded = s->cur;
    s->npairs = 0;
    if (s->slots)
        memset(s->slots, 0, VIEWER_PAIR_SLOTS * sizeof *s->slots);
    if (mediastore_file_for(db_path(ui->db), p->sha256, path, sizeof path)) {
        err_set(&e, GW_EINVAL, "%s", _("The picture file is not on this tablet."));
        goto out;
    }
    int rrc = media_read_file(path, VIEWER_FILE_MAX, &buf, &n, &e);
    if (rrc) {
        /* The reader names the path; a person wants to know what it means for the photo. */
        snprintf(e.msg, sizeof e.msg, "%s",
                 rrc == GW_ENOTFOUND ? _("The picture file is not on this tablet.")
                 : rrc == GW_EIO     ? _("The picture file could not be read.")
                                     : _("The picture file is empty or not a picture."));
        goto out;
    }
    /* Chafa matches symbols on 8x8 pixels a cell: more than that is decoded for nothing. */
    int want = 8 * (w > 2 * h ? w : 2 * h);
    if (want < 320)
        want = 320;
    int rc = media_image_decode(buf, n, want, MEDIA_MAX_PIXELS_DEFAULT, &s->img, &info, &e);
    if (rc) {
        /* Too big says its own size; anything else is, to a person, a damaged file. */
        if (rc != GW_ETOOBIG)
            snprintf(e.msg, sizeof e.msg, "%s",
                     _("The picture file is damaged and cannot be shown."));
        goto out;
    }
    media_image_orient(&s->img, info.orientation);
out:
    if (e.msg[0])
        snprintf(s->error, sizeof s->error, "%s", e.msg);
    free(buf);
}

/* The largest grid of cells (two pixels' height a cell) that keeps the picture's shape. */
static void fit(int img_w, int img_h, int w, int h, int *pw, int *ph)
{
    double ratio = (double)img_h / (double)img_w / 2.0; /* rows per column */
    int cw = w, rh = (int)lround(w * ratio);
    if (rh > h) {
        rh = h;
        cw = (int)lround(h / ratio);
    }
    *pw = cw < 1 ? 1 : cw > w ? w : cw;
    *ph = rh < 1 ? 1 : rh > h ? h : rh;
}

static bool blank_cell(const struct media_preview_cell *c)
{
    return c->ch == ' ' && c->fg == 0 && c->bg == 0;
}

static bool blank_row(const struct viewer_scr *s, int y)
{
    for (int x = 0; x < s->pw; x++)
        if (!blank_cell(&s->cells[y * s->pw + x]))
            return false;
    return true;
}

/* Renders the cached picture for an area of w x h cells, unless it already is. */
static void render(struct viewer_scr *s, int w, int h)
{
    struct err e = {0};
    if (s->error[0] || !s->img.px || (s->cells && s->area_w == w && s->area_h == h))
        return;
    free(s->cells);
    s->area_w = w;
    s->area_h = h;
    fit(s->img.width, s->img.height, w, h, &s->pw, &s->ph);
    s->cells = calloc((size_t)s->pw * (size_t)s->ph, sizeof *s->cells);
    if (!s->cells)
        abort();
    if (media_preview_render(&s->img, s->pw, s->ph, s->cells, NULL, &e)) {
        free(s->cells);
        s->cells = NULL;
        snprintf(s->error, sizeof s->error, "%s", e.msg);
        return;
    }
    /* Chafa may use a row or column less than asked (its own rounding): what it left blank
     * at the bottom and right would push the picture off centre. */
    while (s->ph > 1 && blank_row(s, s->ph - 1))
        s->ph--;
    int used_w = 1;
    for (int y = 0; y < s->ph; y++)
        for (int x = s->pw - 1; x >= used_w; x--)
            if (!blank_cell(&s->cells[y * s->pw + x])) {
                used_w = x + 1;
                break;
            }
    s->used_w = used_w;
}

/* Colours -------------------------------------------------------------------------------- */

static void colours_start(struct viewer_scr *s)
{
    s->colours_checked = true;
    s->mode = COLOUR_MONO;
    if (!has_colors())
        return;
    /* Nothing else in the app uses colour: start it here, keeping the terminal's own
     * default colours for everything else. */
    if (COLOR_PAIRS == 0) {
        if (start_color() != OK)
            return;
        use_default_colors();
    }
    if (COLORS >= 0x1000000)
        s->mode = COLOUR_DIRECT;
    else if (COLORS >= 256 && COLOR_PAIRS > 16)
        s->mode = COLOUR_256;
    if (s->mode != COLOUR_MONO && !s->slots) {
        s->slots = calloc(VIEWER_PAIR_SLOTS, sizeof *s->slots);
        if (!s->slots)
            abort();
    }
}

static int level6(int v)
{
    return v < 48 ? 0 : v < 115 ? 1 : (v - 35) / 40;
}

/* The nearest of xterm's 256 colours: the 6x6x6 cube or the grey ramp. */
static int to256(uint32_t c)
{
    static const int lv[6] = {0, 95, 135, 175, 215, 255};
    int r = (int)(c >> 16) & 255, g = (int)(c >> 8) & 255, b = (int)c & 255;
    int ri = level6(r), gi = level6(g), bi = level6(b);
    int cr = lv[ri], cg = lv[gi], cb = lv[bi];
    int grey = (r + g + b) / 3, gidx = grey < 8 ? 0 : grey > 238 ? 23 : (grey - 8) / 10;
    int gv = 8 + 10 * gidx;
    long dc = (long)(r - cr) * (r - cr) + (long)(g - cg) * (g - cg) + (long)(b - cb) * (b - cb);
    long dg = (long)(r - gv) * (r - gv) + (long)(g - gv) * (g - gv) + (long)(b - gv) * (b - gv);
    return dg < dc ? 232 + gidx : 16 + 36 * ri + 6 * gi + bi;
}

/* The pair for fg on bg, allocated on first use; 0 (no colour) once the pairs run out. */
static int pair_for(struct viewer_scr *s, uint32_t fg, uint32_t bg)
{
    int f = s->mode == COLOUR_DIRECT ? (int)fg : to256(fg);
    int b = s->mode == COLOUR_DIRECT ? (int)bg : to256(bg);
    uint64_t key = ((uint64_t)(uint32_t)f << 32 | (uint32_t)b) + 1;
    uint64_t hsh = key * 0x9e3779b97f4a7c15ULL;
    for (unsigned i = 0; i < VIEWER_PAIR_SLOTS; i++) {
        struct pair_slot *sl = &s->slots[((hsh >> 40) + i) & (VIEWER_PAIR_SLOTS - 1)];
        if (sl->key == key)
            return sl->pair;
        if (sl->key == 0) {
            int limit = COLOR_PAIRS - 1 < VIEWER_PAIRS ? COLOR_PAIRS - 1 : VIEWER_PAIRS;
            if (s->npairs >= limit || init_extended_pair(s->npairs + 1, f, b) != OK)
                return 0;
            sl->key = key;
            sl->pair = ++s->npairs;
            return sl->pair;
        }
    }
    return 0;
}

static int luma(uint32_t c)
{
    return (int)(((c >> 16) & 255) * 299 + ((c >> 8) & 255) * 587 + (c & 255) * 114);
}

/* Drawing --------------------------------------------------------------------------------- */

static void draw_picture(struct viewer_scr *s, int y0, int x0)
{
    for (int y = 0; y < s->ph; y++)
        for (int x = 0; x < s->used_w; x++) {
            const struct media_preview_cell *c = &s->cells[y * s->pw + x];
            wchar_t wc[2] = {(wchar_t)c->ch, L'\0'};
            attr_t at = A_NORMAL;
            int pair = 0;
            cchar_t cc;
            if (s->mode != COLOUR_MONO)
                pair = pair_for(s, c->fg, c->bg);
            if (pair == 0) {
                /* Without colour a symbol means something only where its two colours
                 * differ; a flat cell becomes a shade of its brightness, and of a symbol
                 * the brighter part is the lit one. */
                int lf = luma(c->fg), lb = luma(c->bg);
                if (c->ch == L' ' || c->ch == 0x2588 || abs(lf - lb) < 48000) {
                    int v = (c->ch == L' ' ? lb : c->ch == 0x2588 ? lf : (lf + lb) / 2) / 1000;
                    wc[0] = v < 40 ? L' ' : v < 100 ? L'░' : v < 160 ? L'▒' : v < 220 ? L'▓' : L'█';
                } else if (lb > lf) {
                    at = A_REVERSE;
                }
            }
            setcchar(&cc, wc, at, 0, &pair);
            mvadd_wch(y0 + y, x0 + x, &cc);
        }
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

static void viewer_draw(struct screen *scr, struct ui *ui, int y0, int h, int w)
{
    struct viewer_scr *s = me(scr);
    const struct tree_photo *p = &s->photos[s->cur];
    int area_h = h - 4; /* caption and buttons below */
    if (area_h < 1)
        return;
    if (s->loaded != s->cur)
        load(s, ui, w, area_h);
    if (!s->colours_checked)
        colours_start(s);
    render(s, w, area_h);
    if (s->error[0]) {
        int ew = ui_text_width(s->error);
        int ex = ew < w ? (w - ew) / 2 : 0;
        ui_put_wrapped(y0 + area_h / 2, ex, w - ex, 2, s->error, A_BOLD);
    } else if (s->cells) {
        draw_picture(s, y0 + (area_h - s->ph) / 2, (w - s->used_w) / 2);
    }
    /* The left and right thirds of the picture step through the folder. */
    ui_hit_add(ui, y0, 0, area_h, w / 3, ACT_VIEW_PREV, 0);
    ui_hit_add(ui, y0, w - w / 3, area_h, w / 3, ACT_VIEW_NEXT, 0);

    char t[DB_TIME_LEN + 8], size[32], dim[32], cap[UI_MSG_MAX];
    ui_local_time(p->taken_at, t, sizeof t);
    format_size(p->bytes, size, sizeof size);
    if (p->width > 0 && p->height > 0)
        snprintf(dim, sizeof dim, _("%dx%d px"), p->width, p->height);
    else
        snprintf(dim, sizeof dim, "%s", _("n/a"));
    snprintf(cap, sizeof cap, "%d/%zu · %s · %s · %s · %s · %s", s->cur + 1, s->n, t, dim, size,
             source_label(p->source), ui_sync_label(p->sync));
    ui_put(y0 + area_h, 0, w, cap, A_BOLD);

    int by = y0 + h - 3, x = 0;
    x += ui_button(ui, by, x, _("Prev"), false, ACT_VIEW_PREV, 0) + 1;
    x += ui_button(ui, by, x, _("Next"), false, ACT_VIEW_NEXT, 0) + 2;
    char where[128];
    if (isfinite(p->lat) && isfinite(p->lon)) {
        if (isfinite(p->accuracy_m))
            snprintf(where, sizeof where, _("Taken at %.6f, %.6f (±%.0f m)"), p->lat, p->lon,
                     p->accuracy_m);
        else
            snprintf(where, sizeof where, _("Taken at %.6f, %.6f"), p->lat, p->lon);
    } else {
        snprintf(where, sizeof where, "%s", _("No position recorded"));
    }
    if (x < w)
        ui_put(by + 1, x, w - x, where, A_NORMAL);
}

static int step(struct viewer_scr *s, struct ui *ui, int d)
{
    int to = s->cur + d;
    if (to < 0 || to >= (int)s->n) {
        ui_message(ui, false, "%s",
                   d < 0 ? _("This is the first photo.") : _("This is the last photo."));
        return UI_HANDLED | UI_REDRAW;
    }
    s->cur = to;
    return UI_HANDLED | UI_REDRAW;
}

static int viewer_action(struct screen *scr, struct ui *ui, enum ui_action a, int arg)
{
    struct viewer_scr *s = me(scr);
    (void)arg;
    switch (a) {
    case ACT_VIEW_PREV:
        return step(s, ui, -1);
    case ACT_VIEW_NEXT:
        return step(s, ui, +1);
    default:
        return UI_UNHANDLED;
    }
}

/* Left and Right mean Back and Open elsewhere; here they step through the photos. */
static int viewer_key(struct screen *scr, struct ui *ui, int key)
{
    if (key == UI_KEY(KEY_LEFT))
        return step(me(scr), ui, -1);
    if (key == UI_KEY(KEY_RIGHT))
        return step(me(scr), ui, +1);
    return UI_UNHANDLED;
}

static void viewer_crumb(struct screen *scr, struct ui *ui, char *buf, size_t n)
{
    struct viewer_scr *s = me(scr);
    (void)ui;
    snprintf(buf, n, _("Photo %d of %zu"), s->cur + 1, s->n);
}

static void viewer_dump(struct screen *scr, FILE *out)
{
    struct viewer_scr *s = me(scr);
    const struct tree_photo *p = &s->photos[s->cur];
    fprintf(out, "viewer.index=%d\nviewer.count=%zu\nviewer.photo=%lld %s\n", s->cur, s->n,
            (long long)p->id, p->sha256);
    fprintf(out, "viewer.size=%dx%d %lld\nviewer.source=%s\nviewer.sync=%s\n", p->width, p->height,
            (long long)p->bytes, p->source, tree_sync_name(p->sync));
    if (s->loaded == s->cur && s->error[0])
        fprintf(out, "viewer.error=%s\n", s->error);
    else if (s->loaded == s->cur && s->img.px)
        fprintf(out, "viewer.decoded=%dx%d\nviewer.cells=%dx%d\n", s->img.width, s->img.height,
                s->used_w, s->ph);
}

/* The sync agent moves the photo from queued to synced meanwhile: show it. */
static void viewer_reload(struct screen *scr, struct ui *ui)
{
    struct viewer_scr *s = me(scr);
    struct tree_photo now;
    if (tree_photo_get(ui->db, s->photos[s->cur].id, &now, NULL) == GW_OK)
        s->photos[s->cur].sync = now.sync;
}

static void viewer_free(struct screen *scr)
{
    struct viewer_scr *s = me(scr);
    media_image_done(&s->img);
    free(s->cells);
    free(s->slots);
    free(s->photos);
    free(s);
}

static const struct screen_ops viewer_ops = {
    .name = "viewer",
    .draw = viewer_draw,
    .on_action = viewer_action,
    .on_key = viewer_key,
    .crumb = viewer_crumb,
    .reload = viewer_reload,
    .dump = viewer_dump,
    .free = viewer_free,
    .bar = {ACT_VIEW_PREV, ACT_VIEW_NEXT, ACT_NONE, ACT_NONE, ACT_NONE, ACT_NONE},
};

struct screen *scr_viewer_new(struct ui *ui, const struct tree_photo *photos, size_t n, int sel)
{
    (void)ui;
    if (n == 0)
        return NULL;
    struct viewer_scr *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->base.ops = &viewer_ops;
    s->photos = malloc(n * sizeof *photos);
    if (!s->photos)
        abort();
    memcpy(s->photos, photos, n * sizeof *photos);
    s->n = n;
    s->cur = sel < 0 ? 0 : sel >= (int)n ? (int)n - 1 : sel;
    s->loaded = -1;
    return &s->base;
}
