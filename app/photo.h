/* photo.h - the photo pipeline: a picture from the camera, a local file or the scanner becomes
 * a stored, tagged, hashed photo in an entry's appearance or nameplate folder.
 *
 *   source bytes -> decode (DCT-scaled) -> orient -> Lanczos-3 resize -> JPEG -> EXIF
 *   -> SHA-256 -> media store (temp, fsync, rename, fsync dir) -> photo row + outbox row
 *
 * Owns nothing global. A `struct photo_ctx` binds one store connection, its media folder and
 * one target entry/folder; it is used by one thread at a time. Slow calls report progress
 * through a callback and stop at the next step boundary when *cancel becomes non-zero (nothing
 * is stored then). For the full-screen app, photo_job.h runs the same calls on a worker thread
 * and reports through a pipe. Screens never call media/ or data/ directly for this.
 *
 * Where it decides things: the stored long edge and JPEG quality, whether the full-resolution
 * original is kept, and whether a GPS fix is recent enough to be written (never invented). */
#ifndef GRIDWALK_APP_PHOTO_H
#define GRIDWALK_APP_PHOTO_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"
#include "data/db.h"
#include "data/mediastore.h"
#include "data/photos.h"
#include "media/camera.h"
#include "media/hash.h"

#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

struct photo_config {
    int long_edge;         /* stored long edge in pixels (1600) */
    int quality;           /* JPEG quality (85) */
    int keep_original;     /* also store the full-resolution source (0) */
    long long max_pixels;  /* refuse sources larger than this (64 MP) */
    int fix_max_age_s;     /* a fix older than this at capture is not written (120) */
    int camera_warmup;     /* frames dropped before the shot so exposure settles (5) */
    int camera_timeout_ms; /* per frame (3000) */
    int camera_max_width;  /* largest capture size to negotiate; 0: the camera's largest */
    int camera_max_height;
    int sweep; /* sweep the media store when the context opens (1) */
};

/* Fills c with the defaults above. */
void photo_config_defaults(struct photo_config *c);

/* Overrides c with what the store's settings say, where they say it: photo.long_edge,
 * photo.quality, photo.keep_original (0/1), photo.max_megapixels, photo.fix_max_age_s,
 * camera.warmup, camera.timeout_ms, camera.size ("WIDTHxHEIGHT"). A value out of range is an
 * error (GW_EINVAL naming the setting), never silently replaced. camera.device and photo.dirs
 * are read with photo_setting_text(). */
int photo_config_load(struct db *db, struct photo_config *c, struct err *e);

/* A text setting (e.g. camera.device, scanner.device, photo.dirs) into buf; "" when unset. */
int photo_setting_text(struct db *db, const char *key, char *buf, size_t n, struct err *e);

/* The caller's position at capture: NaN for unknown numbers, fix_time 0 when there is no fix. */
struct photo_position {
    double lat, lon, alt_m, accuracy_m;
    time_t fix_time;
};

/* Sets every field of p to "unknown". */
void photo_position_unknown(struct photo_position *p);

/* Progress: stage is a short English phrase ("resizing", "scanning page 2"); done/total in
 * the stage's own units (total 0 when unknown). Called on the thread doing the work. */
typedef void (*photo_progress_fn)(void *ctx, const char *stage, long done, long total);

struct photo_stored {
    char uuid[DB_UUID_LEN];
    char sha256[MEDIA_SHA256_HEX];
    char original_sha256[MEDIA_SHA256_HEX]; /* "" when no original was kept */
    char path[MEDIASTORE_PATH_MAX];
    char source[8];
    char folder[16];
    char taken_at[DB_TIME_LEN];
    int64_t bytes;
    int width, height;
    int has_position;
    double width_mm, height_mm; /* scanned pages: the paper size; 0 otherwise */
};

struct photo_ctx {
    struct db *db;
    struct mediastore ms;
    struct photo_config cfg;
    struct photo_entry entry;
    char folder[16];
    char device_id[DB_UUID_LEN];
    struct photo_position pos;
    photo_progress_fn progress;
    void *progress_ctx;
    const atomic_int *cancel;
    struct mediastore_sweep_stats sweep;
};

/* Binds ctx to db, the entry (UUID or number) and folder ("appearance" or "nameplate"; NULL
 * means appearance), opens the media store (sweeping it when cfg->sweep). pos, progress and
 * cancel may be set on ctx afterwards. GW_ENOTFOUND for an unknown entry, GW_EINVAL for a bad
 * folder, GW_EIO for the media folder. Release with photo_ctx_done(). */
int photo_ctx_open(struct photo_ctx *ctx, struct db *db, const char *entry, const char *folder,
                   const struct photo_config *cfg, struct err *e);
void photo_ctx_done(struct photo_ctx *ctx);

/* The start-up sweep of the media store beside db (stale temporaries, files no photo row
 * references), for the app's main before its loop starts. stats may be NULL; skipped
 * (stats->swept 0) while another gridwalk process stores photos. GW_EIO naming the folder. */
int photo_store_sweep(struct db *db, struct mediastore_sweep_stats *stats, struct err *e);

/* Imports a local JPEG or PNG file (source "file"); its own EXIF DateTimeOriginal is kept as
 * the time taken when it has one. GW_EIO when unreadable, the decoder's codes otherwise. */
int photo_add_file(struct photo_ctx *ctx, const char *path, struct photo_stored *out,
                   struct err *e);

/* Stores an encoded picture held in memory. source is "camera", "file" or "scan"; make and
 * model describe the device (may be NULL); taken is the capture time (0: now). */
int photo_add_encoded(struct photo_ctx *ctx, const unsigned char *buf, size_t n, const char *source,
                      const char *make, const char *model, const struct timespec *taken,
                      struct photo_stored *out, struct err *e);

/* Captures one photo from a V4L2 camera (device path or card name; NULL: the first one) and
 * stores it (source "camera"). GW_EDEVICE naming the device when it is missing, busy or was
 * unplugged; GW_ETIMEOUT when no frame came; GW_ECANCEL. */
int photo_capture(struct photo_ctx *ctx, const char *device, struct photo_stored *out,
                  struct err *e);

/* Stores a frame taken from an open camera session (the live preview's shot), source
 * "camera". Failures as photo_add_encoded. */
int photo_add_frame(struct photo_ctx *ctx, const struct media_frame *fr, struct photo_stored *out,
                    struct err *e);

/* Scan options; NULL strings leave the scanner's default. pages 0: one page from a flatbed, or
 * every page the feeder holds. */
struct photo_scan_opts {
    const char *device;
    const char *source;
    const char *mode;
    int dpi;
    int pages;
};

/* Called after each stored page; out is valid during the call only. */
typedef void (*photo_page_fn)(void *ctx, int page, const struct photo_stored *out);

/* Scans one or more pages, each stored as a photo (source "scan"). Returns the number stored
 * in *stored. Pages already stored stay stored on a later failure or cancel. GW_EDEVICE for a
 * missing or jammed scanner, GW_ECANCEL. */
int photo_scan(struct photo_ctx *ctx, const struct photo_scan_opts *o, photo_page_fn on_page,
               void *page_ctx, int *stored, struct err *e);

#endif
