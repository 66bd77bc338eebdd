/* image.c - JPEG/PNG decode, Lanczos-3 resize, JPEG encode.
 *
 * Why decode-time scaling: a 12-megapixel JPEG decoded at 1/2 or 1/4 in the DCT domain costs a
 * fraction of a full decode and a quarter (or sixteenth) of the memory; the Lanczos pass then
 * only covers the last factor below two. Only power-of-two factors are used because
 * libjpeg-turbo has SIMD code for those reduced IDCTs and not for the odd N/8 ones.
 * Why fixed-point weights: 14-bit integer taps keep the inner loops in integer SIMD lanes
 * and are exact enough for 8-bit output. */
#include "gridwalk/config.h"

#include "media/exif.h"
#include "media/image.h"

#include <limits.h>
#include <math.h>
#include <png.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        abort();
    return p;
}

enum media_format media_image_sniff(const unsigned char *buf, size_t n)
{
    static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (n >= 3 && buf[0] == 0xff && buf[1] == 0xd8 && buf[2] == 0xff)
        return MEDIA_FORMAT_JPEG;
    if (n >= 8 && memcmp(buf, png_sig, 8) == 0)
        return MEDIA_FORMAT_PNG;
    return MEDIA_FORMAT_UNKNOWN;
}

static int check_size(long long w, long long h, long long max_pixels, const char *what,
                      struct err *e)
{
    if (w <= 0 || h <= 0)
        return err_set(e, GW_ECORRUPT, "damaged %s: it declares a size of %lldx%lld", what, w, h);
    if (max_pixels <= 0)
        max_pixels = MEDIA_MAX_PIXELS_DEFAULT;
    if (w * h > max_pixels)
        return err_set(e, GW_ETOOBIG,
                       "%s of %lldx%lld pixels (%.0f megapixels) is over the limit of %.0f "
                       "megapixels; refusing to decode it",
                       what, w, h, (double)(w * h) / 1e6, (double)max_pixels / 1e6);
    return GW_OK;
}

static int decode_jpeg(const unsigned char *buf, size_t n, int min_long_edge, long long max_pixels,
                       struct media_image *out, struct media_source_info *info, struct err *e)
{
    int rc = GW_OK, w = 0, h = 0, subsamp = 0, cs = 0;
    tjhandle tj = tjInitDecompress();
    if (!tj)
        abort();
    if (n > ULONG_MAX || tjDecompressHeader3(tj, buf, (unsigned long)n, &w, &h, &subsamp, &cs)) {
        rc = err_set(e, GW_ECORRUPT, "damaged JPEG: %s", tjGetErrorStr2(tj));
        goto out;
    }
    if ((rc = check_size(w, h, max_pixels, "JPEG", e)))
        goto out;
    info->width = w;
    info->height = h;
    int long_side = w > h ? w : h, denom = 1;
    while (min_long_edge > 0 && denom < 8 &&
           (long_side + 2 * denom - 1) / (2 * denom) >= min_long_edge)
        denom *= 2;
    int sw = (w + denom - 1) / denom, sh = (h + denom - 1) / denom;
    out->px = xmalloc((size_t)sw * sh * 3);
    out->width = sw;
    out->height = sh;
    /* Warnings (a truncated file, corrupt entropy data) are fatal on purpose: a picture that
     * decodes half grey is not evidence, and storing it would hide the damage. */
    if (tjDecompress2(tj, buf, (unsigned long)n, out->px, sw, 0, sh, TJPF_RGB,
                      TJFLAG_STOPONWARNING)) {
        rc = err_set(e, GW_ECORRUPT, "damaged or truncated JPEG: %s", tjGetErrorStr2(tj));
        media_image_done(out);
        goto out;
    }
    info->orientation = media_exif_orientation(buf, n);
out:
    tjDestroy(tj);
    return rc;
}

/* PNG rows are read one at a time and, when the picture is much larger than wanted, averaged
 * over k x k boxes on the fly (the PNG counterpart of JPEG's DCT scaling), so a 64-megapixel
 * PNG never sits in memory whole. Everything that changes after setjmp() lives in this struct
 * (locals would be clobbered by libpng's longjmp). */
struct png_state {
    const unsigned char *buf;
    size_t n, pos;
    char msg[200];
    png_structp png;
    png_infop info;
    unsigned char *row;
    png_bytep *rows;
    uint32_t *acc;
    struct media_image img;
    int rc;
};

static void png_read_mem(png_structp png, png_bytep out, size_t len)
{
    struct png_state *st = png_get_io_ptr(png);
    if (len > st->n - st->pos)
        png_error(png, "read beyond end of data");
    memcpy(out, st->buf + st->pos, len);
    st->pos += len;
}

static void png_fail(png_structp png, png_const_charp msg)
{
    struct png_state *st = png_get_error_ptr(png);
    snprintf(st->msg, sizeof st->msg, "%s", msg);
    png_longjmp(png, 1);
}

static void png_warn(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

/* Composites an RGBA row onto white in place, leaving RGB. Transparent areas of a document
 * or screenshot look like paper. */
static void png_flatten(unsigned char *row, png_uint_32 w)
{
    for (png_uint_32 x = 0; x < w; x++) {
        unsigned a = row[4 * x + 3];
        for (int c = 0; c < 3; c++)
            row[3 * x + c] = (unsigned char)((row[4 * x + c] * a + 255 * (255 - a) + 127) / 255);
    }
}

static int decode_png(const unsigned char *buf, size_t n, int min_long_edge, long long max_pixels,
                      struct media_image *out, struct media_source_info *info, struct err *e)
{
    struct png_state *st = calloc(1, sizeof *st);
    if (!st)
        abort();
    st->buf = buf;
    st->n = n;
    st->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, st, png_fail, png_warn);
    if (!st->png || !(st->info = png_create_info_struct(st->png)))
        abort();
    if (setjmp(png_jmpbuf(st->png))) {
        st->rc = err_set(e, GW_ECORRUPT, "damaged or truncated PNG: %s", st->msg);
        goto out;
    }
    png_set_read_fn(st->png, st, png_read_mem);
    png_set_user_limits(st->png, 1000000, 1000000);
    png_read_info(st->png, st->info);
    png_uint_32 w = 0, h = 0;
    int depth = 0, ctype = 0, interlace = 0;
    png_get_IHDR(st->png, st->info, &w, &h, &depth, &ctype, &interlace, NULL, NULL);
    if ((st->rc = check_size(w, h, max_pixels, "PNG", e)))
        goto out;
    info->width = (int)w;
    info->height = (int)h;
    if (ctype == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(st->png);
    if (ctype == PNG_COLOR_TYPE_GRAY && depth < 8)
        png_set_expand_gray_1_2_4_to_8(st->png);
    if (png_get_valid(st->png, st->info, PNG_INFO_tRNS))
        png_set_tRNS_to_alpha(st->png);
    if (depth == 16)
        png_set_strip_16(st->png);
    if (ctype == PNG_COLOR_TYPE_GRAY || ctype == PNG_COLOR_TYPE_GRAY_ALPHA)
        png_set_gray_to_rgb(st->png);
    int passes = png_set_interlace_handling(st->png);
    png_read_update_info(st->png, st->info);
    int ch = png_get_channels(st->png, st->info);
    if (ch != 3 && ch != 4)
        png_error(st->png, "unexpected channel count");
    /* Interlaced images need the whole picture for their passes: no box shrink then. */
    png_uint_32 k = 1, long_side = w > h ? w : h;
    while (passes == 1 && min_long_edge > 0 &&
           (long_side + k) / (k + 1) >= (png_uint_32)min_long_edge)
        k++;
    png_uint_32 ow = (w + k - 1) / k, oh = (h + k - 1) / k;
    st->img.width = (int)ow;
    st->img.height = (int)oh;
    st->img.px = xmalloc((size_t)ow * oh * 3);
    if (passes > 1) {
        /* Full size, all passes into one RGBA/RGB buffer, then flattened row by row. */
        size_t stride = (size_t)w * (size_t)ch;
        unsigned char *all = xmalloc(stride * h);
        st->row = all;
        st->rows = xmalloc(sizeof *st->rows * h);
        for (png_uint_32 y = 0; y < h; y++)
            st->rows[y] = all + y * stride;
        png_read_image(st->png, st->rows);
        for (png_uint_32 y = 0; y < h; y++) {
            if (ch == 4)
                png_flatten(all + y * stride, w);
            memcpy(st->img.px + (size_t)y * w * 3, all + y * stride, (size_t)w * 3);
        }
    } else {
        st->row = xmalloc((size_t)w * (size_t)ch);
        st->acc = xmalloc(sizeof *st->acc * (size_t)ow * 3);
        for (png_uint_32 oy = 0; oy < oh; oy++) {
            png_uint_32 y0 = oy * k, y1 = y0 + k < h ? y0 + k : h;
            memset(st->acc, 0, sizeof *st->acc * (size_t)ow * 3);
            for (png_uint_32 y = y0; y < y1; y++) {
                png_read_row(st->png, st->row, NULL);
                if (ch == 4)
                    png_flatten(st->row, w);
                for (png_uint_32 x = 0; x < w; x++)
                    for (int c = 0; c < 3; c++)
                        st->acc[(x / k) * 3 + c] += st->row[3 * x + c];
            }
            unsigned char *d = st->img.px + (size_t)oy * ow * 3;
            for (png_uint_32 ox = 0; ox < ow; ox++) {
                png_uint_32 bw = (ox + 1) * k <= w ? k : w - ox * k;
                uint32_t cnt = bw * (y1 - y0);
                for (int c = 0; c < 3; c++)
                    d[3 * ox + c] = (unsigned char)((st->acc[3 * ox + c] + cnt / 2) / cnt);
            }
        }
    }
    png_read_end(st->png, NULL);
    info->orientation = 1;
    *out = st->img;
    st->img.px = NULL;
out:
    png_destroy_read_struct(&st->png, &st->info, NULL);
    free(st->row);
    free(st->rows);
    free(st->acc);
    free(st->img.px);
    int rc = st->rc;
    free(st);
    return rc;
}

int media_image_decode(const unsigned char *buf, size_t n, int min_long_edge, long long max_pixels,
                       struct media_image *out, struct media_source_info *info, struct err *e)
{
    struct media_source_info dummy;
    if (!info)
        info = &dummy;
    memset(info, 0, sizeof *info);
    memset(out, 0, sizeof *out);
    info->orientation = 1;
    info->format = media_image_sniff(buf, n);
    switch (info->format) {
    case MEDIA_FORMAT_JPEG:
        return decode_jpeg(buf, n, min_long_edge, max_pixels, out, info, e);
    case MEDIA_FORMAT_PNG:
        return decode_png(buf, n, min_long_edge, max_pixels, out, info, e);
    default:
        return err_set(e, GW_EINVAL, "not a JPEG or PNG picture");
    }
}

void media_image_done(struct media_image *img)
{
    free(img->px);
    img->px = NULL;
    img->width = img->height = 0;
}

/* One output sample's filter taps: first source index and 14-bit weights summing to 1<<14. */
struct taps {
    int n;      /* taps per output sample */
    int *first; /* [out] first source index */
    int16_t *w; /* [out * n] weights */
};

#define WBITS 14

static double lanczos3(double x)
{
    if (x < 0)
        x = -x;
    if (x < 1e-9)
        return 1.0;
    if (x >= 3.0)
        return 0.0;
    double px = M_PI * x;
    return 3.0 * sin(px) * sin(px / 3.0) / (px * px);
}

static void taps_make(struct taps *t, int in, int out)
{
    double scale = (double)in / out;
    double fs = scale > 1.0 ? scale : 1.0; /* filter stretch when shrinking */
    double support = 3.0 * fs;
    t->n = (int)ceil(support) * 2 + 1;
    t->first = xmalloc(sizeof *t->first * (size_t)out);
    t->w = xmalloc(sizeof *t->w * (size_t)out * (size_t)t->n);
    double *fw = xmalloc(sizeof *fw * (size_t)t->n);
    for (int i = 0; i < out; i++) {
        double center = (i + 0.5) * scale - 0.5;
        int lo = (int)floor(center - support) + 1;
        if (lo < 0)
            lo = 0;
        if (lo > in - t->n)
            lo = in - t->n > 0 ? in - t->n : 0;
        double sum = 0;
        for (int k = 0; k < t->n; k++) {
            int j = lo + k;
            fw[k] = j < in ? lanczos3((j - center) / fs) : 0.0;
            sum += fw[k];
        }
        int isum = 0, big = 0;
        for (int k = 0; k < t->n; k++) {
            int v = (int)lround(fw[k] / sum * (1 << WBITS));
            t->w[(size_t)i * t->n + k] = (int16_t)v;
            isum += v;
            if (fw[k] > fw[big])
                big = k;
        }
        /* Rounding error goes to the largest tap so flat areas stay exactly flat. */
        t->w[(size_t)i * t->n + big] += (int16_t)((1 << WBITS) - isum);
        t->first[i] = lo;
    }
    free(fw);
}

static void taps_done(struct taps *t)
{
    free(t->first);
    free(t->w);
}

static inline unsigned char clamp8(int32_t v)
{
    v = (v + (1 << (WBITS - 1))) >> WBITS;
    return (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* Horizontal pass over rows [y0, y1). When fewer source pixels than taps exist, the tap window
 * is clipped to the row. */
static void pass_h(const struct media_image *in, unsigned char *dst, int ow, const struct taps *t)
{
    int n = t->n < in->width ? t->n : in->width;
    for (int y = 0; y < in->height; y++) {
        const unsigned char *row = in->px + (size_t)y * in->width * 3;
        unsigned char *d = dst + (size_t)y * ow * 3;
        for (int x = 0; x < ow; x++) {
            const unsigned char *s = row + (size_t)t->first[x] * 3;
            const int16_t *w = t->w + (size_t)x * t->n;
            int32_t r = 0, g = 0, b = 0;
            for (int k = 0; k < n; k++) {
                r += w[k] * s[3 * k];
                g += w[k] * s[3 * k + 1];
                b += w[k] * s[3 * k + 2];
            }
            d[3 * x] = clamp8(r);
            d[3 * x + 1] = clamp8(g);
            d[3 * x + 2] = clamp8(b);
        }
    }
}

static void pass_v(const unsigned char *src, int w, int ih, unsigned char *dst, int oh,
                   const struct taps *t)
{
    size_t stride = (size_t)w * 3;
    int n = t->n < ih ? t->n : ih;
    int32_t *acc = xmalloc(sizeof *acc * stride);
    for (int y = 0; y < oh; y++) {
        const int16_t *wt = t->w + (size_t)y * t->n;
        memset(acc, 0, sizeof *acc * stride);
        for (int k = 0; k < n; k++) {
            const unsigned char *s = src + (size_t)(t->first[y] + k) * stride;
            int32_t wk = wt[k];
            for (size_t x = 0; x < stride; x++)
                acc[x] += wk * s[x];
        }
        unsigned char *d = dst + (size_t)y * stride;
        for (size_t x = 0; x < stride; x++)
            d[x] = clamp8(acc[x]);
    }
    free(acc);
}

void media_image_resize(const struct media_image *in, int long_edge, struct media_image *out)
{
    int lw = in->width > in->height ? in->width : in->height;
    memset(out, 0, sizeof *out);
    if (long_edge <= 0 || lw <= long_edge) {
        size_t sz = (size_t)in->width * in->height * 3;
        out->px = xmalloc(sz);
        memcpy(out->px, in->px, sz);
        out->width = in->width;
        out->height = in->height;
        return;
    }
    int ow, oh;
    if (in->width >= in->height) {
        ow = long_edge;
        oh = (int)lround((double)in->height * long_edge / in->width);
    } else {
        oh = long_edge;
        ow = (int)lround((double)in->width * long_edge / in->height);
    }
    if (ow < 1)
        ow = 1;
    if (oh < 1)
        oh = 1;
    struct taps th, tv;
    taps_make(&th, in->width, ow);
    taps_make(&tv, in->height, oh);
    unsigned char *mid = xmalloc((size_t)ow * in->height * 3);
    pass_h(in, mid, ow, &th);
    out->px = xmalloc((size_t)ow * oh * 3);
    out->width = ow;
    out->height = oh;
    pass_v(mid, ow, in->height, out->px, oh, &tv);
    free(mid);
    taps_done(&th);
    taps_done(&tv);
}

void media_image_orient(struct media_image *img, int orientation)
{
    if (orientation < 2 || orientation > 8)
        return;
    int w = img->width, h = img->height;
    int transpose = orientation >= 5; /* 5..8 swap the axes */
    int ow = transpose ? h : w, oh = transpose ? w : h;
    unsigned char *dst = xmalloc((size_t)w * h * 3);
    for (int y = 0; y < oh; y++) {
        for (int x = 0; x < ow; x++) {
            int sx, sy;
            /* Where the upright pixel (x, y) is in the stored image, per the EXIF table. */
            switch (orientation) {
            case 2:
                sx = w - 1 - x;
                sy = y;
                break;
            case 3:
                sx = w - 1 - x;
                sy = h - 1 - y;
                break;
            case 4:
                sx = x;
                sy = h - 1 - y;
                break;
            case 5:
                sx = y;
                sy = x;
                break;
            case 6:
                sx = y;
                sy = h - 1 - x;
                break;
            case 7:
                sx = w - 1 - y;
                sy = h - 1 - x;
                break;
            default:
                sx = w - 1 - y;
                sy = x;
                break; /* 8 */
            }
            memcpy(dst + ((size_t)y * ow + x) * 3, img->px + ((size_t)sy * w + sx) * 3, 3);
        }
    }
    free(img->px);
    img->px = dst;
    img->width = ow;
    img->height = oh;
}

int media_jpeg_encode(const struct media_image *img, int quality, unsigned char **out,
                      size_t *out_len, struct err *e)
{
    int rc = GW_OK;
    unsigned char *buf = NULL;
    unsigned long len = 0;
    tjhandle tj = tjInitCompress();
    if (!tj)
        abort();
    if (quality < 1 || quality > 100)
        quality = 85;
    if (tjCompress2(tj, img->px, img->width, 0, img->height, TJPF_RGB, &buf, &len, TJSAMP_420,
                    quality, 0)) {
        rc = err_set(e, GW_EINTERNAL, "cannot encode JPEG: %s", tjGetErrorStr2(tj));
        goto out;
    }
    /* Copied so callers free() it like every other buffer of this module. */
    *out = xmalloc(len);
    memcpy(*out, buf, len);
    *out_len = len;
out:
    tjFree(buf);
    tjDestroy(tj);
    return rc;
}

int media_image_thumbnail(const unsigned char *buf, size_t n, const struct media_resize_opts *o,
                          unsigned char **out, size_t *out_len, int *out_w, int *out_h,
                          struct media_source_info *info, struct err *e)
{
    struct media_image src = {0}, dst = {0};
    struct media_source_info local;
    if (!info)
        info = &local;
    int rc = media_image_decode(buf, n, o->long_edge, o->max_pixels, &src, info, e);
    if (rc)
        return rc;
    media_image_resize(&src, o->long_edge, &dst);
    media_image_done(&src);
    media_image_orient(&dst, info->orientation);
    rc = media_jpeg_encode(&dst, o->quality, out, out_len, e);
    if (!rc) {
        *out_w = dst.width;
        *out_h = dst.height;
    }
    media_image_done(&dst);
    return rc;
}
