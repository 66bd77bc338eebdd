/* image.h - decoding, resizing and encoding photos: JPEG through libjpeg-turbo (TurboJPEG API,
 * with DCT-domain scaling on decode), PNG through libpng, a separable Lanczos-3 resize.
 *
 * Owns the pixel buffers it hands out (struct media_image, freed with media_image_done) and
 * the encoded JPEG buffers (free()). Every decoder checks the declared size against a pixel
 * cap before allocating, so a "decompression bomb" is refused, not decoded. Knows nothing of
 * the media store, of SQL or of screens; it never writes files. Thread-safe: no globals. */
#ifndef GRIDWALK_MEDIA_IMAGE_H
#define GRIDWALK_MEDIA_IMAGE_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"

#include <stddef.h>

/* An 8-bit RGB image, rows packed (stride = 3 * width). */
struct media_image {
    unsigned char *px;
    int width, height;
};

enum media_format { MEDIA_FORMAT_UNKNOWN = 0, MEDIA_FORMAT_JPEG, MEDIA_FORMAT_PNG };

/* The default pixel cap: a 64-megapixel source is larger than any tablet or scanner page. */
#define MEDIA_MAX_PIXELS_DEFAULT (64LL * 1000 * 1000)

/* What the photo pipeline asks of a thumbnail: the long edge of the stored picture (pixels,
 * never upscaled), JPEG quality 1..100 and the pixel cap of the source. */
struct media_resize_opts {
    int long_edge;
    int quality;
    long long max_pixels;
};

/* What it found out about the source. */
struct media_source_info {
    enum media_format format;
    int width, height; /* as stored in the file, before orientation */
    int orientation;   /* EXIF orientation 1..8 that was applied (1 when none) */
};

/* The format by its magic bytes (never by the file name). */
enum media_format media_image_sniff(const unsigned char *buf, size_t n);

/* Decodes a JPEG or PNG held in memory to RGB. A JPEG is scaled in the DCT domain by the
 * largest power-of-two factor that keeps its long edge at least min_long_edge (0: full size);
 * a PNG is box-averaged row by row by the largest integer factor that does the same.
 * GW_ETOOBIG when the declared size exceeds max_pixels, GW_ECORRUPT for truncated or damaged
 * data, GW_EINVAL for anything that is not a JPEG or PNG. out is the caller's on success. */
int media_image_decode(const unsigned char *buf, size_t n, int min_long_edge, long long max_pixels,
                       struct media_image *out, struct media_source_info *info, struct err *e);

/* Resizes in to fit long_edge with Lanczos-3 (never upscales: a smaller image is copied).
 * out is the caller's; in is untouched. */
void media_image_resize(const struct media_image *in, int long_edge, struct media_image *out);

/* Turns img upright for EXIF orientation 1..8 (values outside are treated as 1), in place
 * (the pixel buffer may be replaced). */
void media_image_orient(struct media_image *img, int orientation);

/* Encodes img as a baseline JPEG (4:2:0) of the given quality. *out is malloc'd, the caller
 * frees it. GW_EINTERNAL with libjpeg-turbo's message if encoding fails. */
int media_jpeg_encode(const struct media_image *img, int quality, unsigned char **out,
                      size_t *out_len, struct err *e);

/* Decode (with DCT scaling), orient, resize and encode: the stored photo without metadata.
 * *out is malloc'd (caller frees); info describes the source. Failures as media_image_decode. */
int media_image_thumbnail(const unsigned char *buf, size_t n, const struct media_resize_opts *o,
                          unsigned char **out, size_t *out_len, int *out_w, int *out_h,
                          struct media_source_info *info, struct err *e);

/* Releases img's pixels; the struct may be reused. NULL pixels are fine. */
void media_image_done(struct media_image *img);

#endif
