/* photo.c - the photo pipeline of photo.h.
 *
 * Order matters for evidence: the stored JPEG is built completely in memory (pixels, EXIF),
 * hashed, made durable in the media store, and only then recorded with its outbox row. A
 * cancel is honoured up to the store step; after the file is durable the row follows at once,
 * so a cancel never leaves half a photo. Why offsets from localtime: DateTimeOriginal is local
 * wall time by convention; OffsetTimeOriginal makes it unambiguous. */
#include "gridwalk/config.h"

#include "app/photo.h"
#include "media/camera.h"
#include "media/exif.h"
#include "media/image.h"
#include "media/readfile.h"
#include "media/scan.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A source file larger than this is not a photo (a 64 MP JPEG at top quality is ~40 MB). */
#define PHOTO_FILE_MAX (200L * 1024 * 1024)

void photo_config_defaults(struct photo_config *c)
{
    memset(c, 0, sizeof *c);
    c->long_edge = 1600;
    c->quality = 85;
    c->keep_original = 0;
    c->max_pixels = MEDIA_MAX_PIXELS_DEFAULT;
    c->fix_max_age_s = 120;
    c->camera_warmup = 5;
    c->camera_timeout_ms = 3000;
    c->sweep = 1;
}

int photo_setting_text(struct db *db, const char *key, char *buf, size_t n, struct err *e)
{
    int rc = photos_setting(db, key, buf, n, e);
    if (rc == GW_ENOTFOUND) {
        buf[0] = '\0';
        return GW_OK;
    }
    return rc;
}

/* An integer setting within [lo, hi]; *v untouched when unset. */
static int int_setting(struct db *db, const char *key, int lo, int hi, int *v, struct err *e)
{
    char buf[64], *end = NULL;
    int rc = photos_setting(db, key, buf, sizeof buf, e);
    if (rc == GW_ENOTFOUND)
        return GW_OK;
    if (rc)
        return rc;
    long x = strtol(buf, &end, 10);
    if (!buf[0] || *end || x < lo || x > hi)
        return err_set(e, GW_EINVAL, "setting %s is '%s'; it must be a number from %d to %d", key,
                       buf, lo, hi);
    *v = (int)x;
    return GW_OK;
}

int photo_config_load(struct db *db, struct photo_config *c, struct err *e)
{
    int rc, mp = (int)(c->max_pixels / 1000000);
    char size[64];
    if ((rc = int_setting(db, "photo.long_edge", 64, 20000, &c->long_edge, e)) ||
        (rc = int_setting(db, "photo.quality", 1, 100, &c->quality, e)) ||
        (rc = int_setting(db, "photo.keep_original", 0, 1, &c->keep_original, e)) ||
        (rc = int_setting(db, "photo.max_megapixels", 1, 1000, &mp, e)) ||
        (rc = int_setting(db, "photo.fix_max_age_s", 0, 86400, &c->fix_max_age_s, e)) ||
        (rc = int_setting(db, "camera.warmup", 0, 100, &c->camera_warmup, e)) ||
        (rc = int_setting(db, "camera.timeout_ms", 100, 60000, &c->camera_timeout_ms, e)))
        return rc;
    c->max_pixels = (long long)mp * 1000000;
    if ((rc = photo_setting_text(db, "camera.size", size, sizeof size, e)))
        return rc;
    if (size[0]) {
        int w = 0, h = 0;
        char tail = 0;
        if (sscanf(size, "%dx%d%c", &w, &h, &tail) != 2 || w < 16 || h < 16 || w > 20000 ||
            h > 20000)
            return err_set(e, GW_EINVAL, "setting camera.size is '%s'; it must be WIDTHxHEIGHT",
                           size);
        c->camera_max_width = w;
        c->camera_max_height = h;
    }
    return GW_OK;
}

void photo_position_unknown(struct photo_position *p)
{
    p->lat = p->lon = p->alt_m = p->accuracy_m = NAN;
    p->fix_time = 0;
}

int photo_ctx_open(struct photo_ctx *ctx, struct db *db, const char *entry, const char *folder,
                   const struct photo_config *cfg, struct err *e)
{
    int rc;
    memset(ctx, 0, sizeof *ctx);
    ctx->ms.lock_fd = -1;
    ctx->db = db;
    if (cfg)
        ctx->cfg = *cfg;
    else
        photo_config_defaults(&ctx->cfg);
    photo_position_unknown(&ctx->pos);
    if (!folder)
        folder = "appearance";
    if (strcmp(folder, "appearance") != 0 && strcmp(folder, "nameplate") != 0)
        return err_set(e, GW_EINVAL, "unknown folder '%s': use appearance or nameplate", folder);
    snprintf(ctx->folder, sizeof ctx->folder, "%s", folder);
    if ((rc = photos_find_entry(db, entry, &ctx->entry, e)))
        return rc;
    if ((rc = db_device_id(db, ctx->device_id, e)))
        return rc;
    return mediastore_open(&ctx->ms, db, ctx->cfg.sweep, &ctx->sweep, e);
}

int photo_store_sweep(struct db *db, struct mediastore_sweep_stats *stats, struct err *e)
{
    struct mediastore ms;
    int rc = mediastore_open(&ms, db, 1, stats, e);
    if (!rc)
        mediastore_close(&ms);
    return rc;
}

void photo_ctx_done(struct photo_ctx *ctx)
{
    mediastore_close(&ctx->ms);
}

static void progress(struct photo_ctx *ctx, const char *stage, long done, long total)
{
    if (ctx->progress)
        ctx->progress(ctx->progress_ctx, stage, done, total);
}

static int cancelled(const struct photo_ctx *ctx, struct err *e)
{
    if (ctx->cancel && atomic_load(ctx->cancel))
        return err_set(e, GW_ECANCEL, "cancelled; nothing was stored");
    return GW_OK;
}

static void iso_time(const struct timespec *t, char out[DB_TIME_LEN])
{
    struct tm tm;
    gmtime_r(&t->tv_sec, &tm);
    size_t n = strftime(out, DB_TIME_LEN, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, DB_TIME_LEN - n, ".%03dZ", (int)(t->tv_nsec / 1000000) % 1000);
}

/* The fix is written only if it exists and was taken near the picture. */
static int position_usable(const struct photo_ctx *ctx, time_t taken)
{
    const struct photo_position *p = &ctx->pos;
    if (isnan(p->lat) || isnan(p->lon) || p->fix_time <= 0)
        return 0;
    double age = difftime(taken, p->fix_time);
    return fabs(age) <= ctx->cfg.fix_max_age_s;
}

/* The picture comes either encoded (src, n: files, MJPEG frames) or as pixels (img: YUYV/RGB
 * frames, scanned pages); pixels are resized directly rather than encoded and decoded again,
 * and their full-resolution original is encoded (quality 95) only when it is kept. */
static int store(struct photo_ctx *ctx, const unsigned char *src, size_t n,
                 const struct media_image *img, const char *source, const char *make,
                 const char *model, const struct timespec *taken_in, struct photo_stored *out,
                 struct err *e)
{
    int rc = GW_OK, w = 0, h = 0;
    unsigned char *thumb = NULL, *tagged = NULL, *orig = NULL;
    size_t tn = 0, gn = 0;
    struct media_source_info info;
    struct timespec taken;
    char desc[800];
    memset(out, 0, sizeof *out);
    if (taken_in && taken_in->tv_sec > 0)
        taken = *taken_in;
    else
        clock_gettime(CLOCK_REALTIME, &taken);

    if ((rc = cancelled(ctx, e)))
        goto out;
    progress(ctx, "resizing", 0, 3);
    struct media_resize_opts ro = {ctx->cfg.long_edge, ctx->cfg.quality, ctx->cfg.max_pixels};
    if (src) {
        if ((rc = media_image_thumbnail(src, n, &ro, &thumb, &tn, &w, &h, &info, e)))
            goto out;
    } else {
        struct media_image small;
        media_image_resize(img, ctx->cfg.long_edge, &small);
        rc = media_jpeg_encode(&small, ctx->cfg.quality, &thumb, &tn, e);
        w = small.width;
        h = small.height;
        media_image_done(&small);
        if (rc)
            goto out;
        if (ctx->cfg.keep_original) {
            if ((rc = media_jpeg_encode(img, 95, &orig, &n, e)))
                goto out;
            src = orig;
        }
    }
    if ((rc = cancelled(ctx, e)))
        goto out;

    progress(ctx, "tagging", 1, 3);
    struct tm lt;
    localtime_r(&taken.tv_sec, &lt);
    snprintf(desc, sizeof desc, "customer %s %s; entry %s (%s); %s", ctx->entry.account,
             ctx->entry.customer_name, ctx->entry.name, ctx->entry.uuid, ctx->folder);
    int has_pos = position_usable(ctx, taken.tv_sec);
    struct media_exif_fields f = {
        .taken = taken.tv_sec,
        .taken_ms = (int)(taken.tv_nsec / 1000000),
        .utc_offset_min = (int)(lt.tm_gmtoff / 60),
        .lat = has_pos ? ctx->pos.lat : NAN,
        .lon = has_pos ? ctx->pos.lon : NAN,
        .alt_m = has_pos ? ctx->pos.alt_m : NAN,
        .accuracy_m = has_pos ? ctx->pos.accuracy_m : NAN,
        .fix_time = has_pos ? ctx->pos.fix_time : 0,
        .description = desc,
        .make = make && *make ? make : NULL,
        .model = model && *model ? model : NULL,
        .serial = ctx->device_id,
        .software = GRIDWALK_PACKAGE " " GRIDWALK_VERSION,
        .width = w,
        .height = h,
    };
    if ((rc = media_exif_attach(thumb, tn, &f, &tagged, &gn, e)))
        goto out;
    media_sha256(tagged, gn, out->sha256);
    if (ctx->cfg.keep_original)
        media_sha256(src, n, out->original_sha256);
    if ((rc = cancelled(ctx, e)))
        goto out;

    /* From here on the photo is kept: files first, the row last. */
    progress(ctx, "storing", 2, 3);
    if (ctx->cfg.keep_original &&
        (rc = mediastore_put(&ctx->ms, src, n, out->original_sha256, NULL, 0, e)))
        goto out;
    if ((rc = mediastore_put(&ctx->ms, tagged, gn, out->sha256, out->path, sizeof out->path, e)))
        goto out;
    iso_time(&taken, out->taken_at);
    struct photo_row row = {
        .entry_id = ctx->entry.id,
        .folder = ctx->folder,
        .sha256 = out->sha256,
        .bytes = (int64_t)gn,
        .width = w,
        .height = h,
        .source = source,
        .original_sha256 = out->original_sha256,
        .taken_at = out->taken_at,
        .lat = f.lat,
        .lon = f.lon,
        .accuracy_m = f.accuracy_m,
    };
    if ((rc = photos_add(ctx->db, &row, out->uuid, e)))
        goto out;
    snprintf(out->source, sizeof out->source, "%s", source);
    snprintf(out->folder, sizeof out->folder, "%s", ctx->folder);
    out->bytes = (int64_t)gn;
    out->width = w;
    out->height = h;
    out->has_position = has_pos;
    progress(ctx, "stored", 3, 3);
out:
    free(thumb);
    free(tagged);
    free(orig);
    return rc;
}

int photo_add_encoded(struct photo_ctx *ctx, const unsigned char *buf, size_t n, const char *source,
                      const char *make, const char *model, const struct timespec *taken,
                      struct photo_stored *out, struct err *e)
{
    return store(ctx, buf, n, NULL, source, make, model, taken, out, e);
}


int photo_add_file(struct photo_ctx *ctx, const char *path, struct photo_stored *out, struct err *e)
{
    unsigned char *buf = NULL;
    size_t n = 0;
    int rc = media_read_file(path, PHOTO_FILE_MAX, &buf, &n, e);
    if (rc)
        return rc;
    struct media_exif_source src;
    media_exif_read(buf, n, &src);
    struct timespec taken = {src.have_taken ? src.taken : 0, 0};
    rc = store(ctx, buf, n, NULL, "file", src.make, src.model, src.have_taken ? &taken : NULL, out,
               e);
    free(buf);
    if (rc)
        err_prefix(e, "%s: ", path);
    return rc;
}

int photo_add_frame(struct photo_ctx *ctx, const struct media_frame *fr, struct photo_stored *out,
                    struct err *e)
{
    if (fr->jpeg)
        return store(ctx, fr->jpeg, fr->jpeg_len, NULL, "camera", fr->cam.driver, fr->cam.card,
                     &fr->taken, out, e);
    return store(ctx, NULL, 0, &fr->img, "camera", fr->cam.driver, fr->cam.card, &fr->taken, out,
                 e);
}

static void camera_progress(void *c, long frame, long total)
{
    progress(c, "camera warming up", frame, total);
}

int photo_capture(struct photo_ctx *ctx, const char *device, struct photo_stored *out,
                  struct err *e)
{
    int rc;
    struct media_frame fr;
    struct media_camera_opts o = {
        .device = device,
        .warmup = ctx->cfg.camera_warmup,
        .timeout_ms = ctx->cfg.camera_timeout_ms,
        .max_width = ctx->cfg.camera_max_width,
        .max_height = ctx->cfg.camera_max_height,
        .cancel = ctx->cancel,
        .progress = camera_progress,
        .progress_ctx = ctx,
    };
    if ((rc = media_camera_capture(&o, &fr, e)))
        return rc;
    rc = photo_add_frame(ctx, &fr, out, e);
    if (rc)
        err_prefix(e, "%s: ", fr.cam.path);
    media_frame_done(&fr);
    return rc;
}

struct scan_state {
    struct photo_ctx *ctx;
    photo_page_fn on_page;
    void *page_ctx;
    int stored;
};

static int scan_page(void *p, int page, const struct media_image *img, const char *make,
                     const char *model, double dpi, struct err *e)
{
    struct scan_state *s = p;
    struct photo_stored out;
    int rc = store(s->ctx, NULL, 0, img, "scan", make, model, NULL, &out, e);
    if (!rc && dpi > 0) {
        out.width_mm = img->width * 25.4 / dpi;
        out.height_mm = img->height * 25.4 / dpi;
    }
    if (rc)
        return err_prefix(e, "page %d: ", page);
    s->stored++;
    if (s->on_page)
        s->on_page(s->page_ctx, page, &out);
    return GW_OK;
}

static void scan_progress(void *c, int page, long bytes, long total)
{
    char stage[48];
    snprintf(stage, sizeof stage, "scanning page %d", page);
    progress(c, stage, bytes, total);
}

int photo_scan(struct photo_ctx *ctx, const struct photo_scan_opts *o, photo_page_fn on_page,
               void *page_ctx, int *stored, struct err *e)
{
    struct scan_state s = {ctx, on_page, page_ctx, 0};
    int pages = 0;
    struct media_scan_opts so = {
        .device = o->device,
        .source = o->source,
        .mode = o->mode,
        .dpi = o->dpi,
        .pages = o->pages,
        .cancel = ctx->cancel,
        .progress = scan_progress,
        .progress_ctx = ctx,
    };
    int rc = media_scan(&so, scan_page, &s, &pages, e);
    if (stored)
        *stored = s.stored;
    return rc;
}
