/* scan.c - SANE frontend code.
 *
 * Device quirks handled here: resolution is SANE_TYPE_FIXED on some backends and INT on others
 * (the test backend uses FIXED); three-pass scanners deliver a page as separate red, green and
 * blue frames; bytes_per_line may exceed the pixels (padding, "ppl-loss"); the height may be
 * unknown (-1, hand scanners), so data is gathered until EOF; 16-bit samples arrive in host
 * byte order; an empty feeder reports SANE_STATUS_NO_DOCS on sane_start. sane_cancel() is
 * called after the last frame, as the standard asks. */
#include "gridwalk/config.h"

#include "media/scan.h"

#include <sane/sane.h>
#include <sane/saneopts.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCAN_MAX_DEFAULT (256L * 1024 * 1024)

static void copy_str(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

int media_scan_list(struct media_scanner **out, int *n, struct err *e)
{
    const SANE_Device **list = NULL;
    SANE_Int ver = 0;
    *out = NULL;
    *n = 0;
    if (sane_init(&ver, NULL) != SANE_STATUS_GOOD)
        return err_set(e, GW_EDEVICE, "cannot start SANE (the scanner library)");
    SANE_Status st = sane_get_devices(&list, SANE_FALSE);
    if (st != SANE_STATUS_GOOD) {
        sane_exit();
        return err_set(e, GW_EDEVICE, "cannot list scanners: %s", sane_strstatus(st));
    }
    int count = 0;
    while (list[count])
        count++;
    *out = calloc((size_t)count + 1, sizeof **out);
    if (!*out)
        abort();
    for (int i = 0; i < count; i++) {
        copy_str((*out)[i].name, sizeof(*out)[i].name, list[i]->name);
        copy_str((*out)[i].vendor, sizeof(*out)[i].vendor, list[i]->vendor);
        copy_str((*out)[i].model, sizeof(*out)[i].model, list[i]->model);
        copy_str((*out)[i].type, sizeof(*out)[i].type, list[i]->type);
    }
    *n = count;
    sane_exit();
    return GW_OK;
}

static int find_option(SANE_Handle h, const char *name, const SANE_Option_Descriptor **d)
{
    const SANE_Option_Descriptor *o0 = sane_get_option_descriptor(h, 0);
    SANE_Int count = 0;
    if (!o0 || sane_control_option(h, 0, SANE_ACTION_GET_VALUE, &count, NULL) != SANE_STATUS_GOOD)
        return -1;
    for (SANE_Int i = 1; i < count; i++) {
        const SANE_Option_Descriptor *o = sane_get_option_descriptor(h, i);
        if (o && o->name && strcmp(o->name, name) == 0 && SANE_OPTION_IS_ACTIVE(o->cap) &&
            SANE_OPTION_IS_SETTABLE(o->cap)) {
            *d = o;
            return i;
        }
    }
    return -1;
}

static int set_string(SANE_Handle h, const char *dev, const char *name, const char *value,
                      struct err *e)
{
    const SANE_Option_Descriptor *d = NULL;
    int i = find_option(h, name, &d);
    if (i < 0 || d->type != SANE_TYPE_STRING)
        return err_set(e, GW_EINVAL, "scanner %s has no %s setting", dev, name);
    char *buf = calloc(1, (size_t)d->size + 1);
    if (!buf)
        abort();
    copy_str(buf, (size_t)d->size, value);
    SANE_Status st = sane_control_option(h, i, SANE_ACTION_SET_VALUE, buf, NULL);
    free(buf);
    if (st != SANE_STATUS_GOOD)
        return err_set(e, GW_EINVAL, "scanner %s refuses %s '%s': %s", dev, name, value,
                       sane_strstatus(st));
    return GW_OK;
}

static int set_resolution(SANE_Handle h, const char *dev, int dpi, struct err *e)
{
    const SANE_Option_Descriptor *d = NULL;
    int i = find_option(h, SANE_NAME_SCAN_RESOLUTION, &d);
    if (i < 0)
        return err_set(e, GW_EINVAL, "scanner %s has no resolution setting", dev);
    SANE_Word v;
    if (d->type == SANE_TYPE_FIXED)
        v = SANE_FIX(dpi);
    else if (d->type == SANE_TYPE_INT)
        v = dpi;
    else
        return err_set(e, GW_EINVAL, "scanner %s: resolution is of an unknown type", dev);
    SANE_Status st = sane_control_option(h, i, SANE_ACTION_SET_VALUE, &v, NULL);
    if (st != SANE_STATUS_GOOD)
        return err_set(e, GW_EINVAL, "scanner %s refuses %d dpi: %s", dev, dpi, sane_strstatus(st));
    return GW_OK;
}

/* The resolution the device will scan at, read back (it may have rounded what we asked). */
static double get_resolution(SANE_Handle h)
{
    const SANE_Option_Descriptor *d = NULL;
    SANE_Word v = 0;
    int i = find_option(h, SANE_NAME_SCAN_RESOLUTION, &d);
    if (i < 0 || sane_control_option(h, i, SANE_ACTION_GET_VALUE, &v, NULL) != SANE_STATUS_GOOD)
        return 0;
    return d->type == SANE_TYPE_FIXED ? SANE_UNFIX(v) : (double)v;
}

static int device_error(const char *dev, const char *what, SANE_Status st, struct err *e)
{
    int code = st == SANE_STATUS_CANCELLED ? GW_ECANCEL : GW_EDEVICE;
    const char *hint = "";
    if (st == SANE_STATUS_JAMMED)
        hint = "; clear the paper jam and scan again";
    else if (st == SANE_STATUS_COVER_OPEN)
        hint = "; close the cover and scan again";
    else if (st == SANE_STATUS_DEVICE_BUSY)
        hint = "; another program is using it";
    else if (st == SANE_STATUS_NO_DOCS)
        hint = "; put the pages in the feeder";
    return err_set(e, code, "scanner %s: %s: %s%s", dev, what, sane_strstatus(st), hint);
}

/* One frame's raw bytes, read to EOF. */
static int read_frame(SANE_Handle h, const char *dev, const struct media_scan_opts *o, int page,
                      long expect, unsigned char **data, size_t *len, struct err *e)
{
    size_t cap = expect > 0 ? (size_t)expect : 1 << 20, n = 0;
    long max = o->max_bytes > 0 ? o->max_bytes : SCAN_MAX_DEFAULT;
    unsigned char *buf = malloc(cap);
    if (!buf)
        abort();
    for (;;) {
        if (o->cancel && atomic_load(o->cancel)) {
            free(buf);
            return err_set(e, GW_ECANCEL, "scan cancelled");
        }
        if (cap - n < 65536) {
            cap *= 2;
            buf = realloc(buf, cap);
            if (!buf)
                abort();
        }
        SANE_Int got = 0;
        SANE_Int want = (SANE_Int)(cap - n > 65536 ? 65536 : cap - n);
        SANE_Status st = sane_read(h, buf + n, want, &got);
        if (st == SANE_STATUS_EOF)
            break;
        if (st != SANE_STATUS_GOOD) {
            free(buf);
            if (o->cancel && atomic_load(o->cancel))
                return err_set(e, GW_ECANCEL, "scan cancelled");
            return device_error(dev, "reading the page", st, e);
        }
        n += (size_t)got;
        if ((long)n > max) {
            free(buf);
            return err_set(e, GW_ETOOBIG, "scanner %s: page %d is over %ld MB", dev, page,
                           max >> 20);
        }
        if (o->progress)
            o->progress(o->progress_ctx, page, (long)n, expect);
    }
    *data = buf;
    *len = n;
    return GW_OK;
}

/* Sample x of a row at the given depth, as 8 bits. */
static unsigned char sample(const unsigned char *row, int depth, long x)
{
    if (depth == 8)
        return row[x];
    if (depth == 16) {
        uint16_t v;
        memcpy(&v, row + 2 * x, 2); /* host byte order, per the SANE standard */
        return (unsigned char)(v >> 8);
    }
    /* 1-bit: a set bit is black. */
    return (row[x >> 3] & (0x80 >> (x & 7))) ? 0 : 255;
}

/* Copies a frame into img (allocated on the first frame of the page). */
static int put_frame(const SANE_Parameters *p, const unsigned char *data, size_t len,
                     struct media_image *img, struct err *e)
{
    if (p->bytes_per_line <= 0 || p->pixels_per_line <= 0 ||
        (p->depth != 1 && p->depth != 8 && p->depth != 16))
        return err_set(e, GW_EDEVICE,
                       "scanner sent a frame of an unsupported layout "
                       "(depth %d)",
                       p->depth);
    long lines = (long)(len / (size_t)p->bytes_per_line);
    if (lines <= 0)
        return err_set(e, GW_EDEVICE, "scanner sent an empty page");
    if (!img->px) {
        img->width = p->pixels_per_line;
        img->height = (int)lines;
        img->px = calloc((size_t)img->width * img->height, 3);
        if (!img->px)
            abort();
    }
    if (lines > img->height)
        lines = img->height;
    for (long y = 0; y < lines; y++) {
        const unsigned char *row = data + (size_t)y * p->bytes_per_line;
        unsigned char *d = img->px + (size_t)y * img->width * 3;
        for (long x = 0; x < img->width; x++) {
            switch (p->format) {
            case SANE_FRAME_GRAY:
                d[3 * x] = d[3 * x + 1] = d[3 * x + 2] = sample(row, p->depth, x);
                break;
            case SANE_FRAME_RGB:
                for (int c = 0; c < 3; c++)
                    d[3 * x + c] = sample(row, p->depth, 3 * x + c);
                break;
            case SANE_FRAME_RED:
                d[3 * x] = sample(row, p->depth, x);
                break;
            case SANE_FRAME_GREEN:
                d[3 * x + 1] = sample(row, p->depth, x);
                break;
            case SANE_FRAME_BLUE:
                d[3 * x + 2] = sample(row, p->depth, x);
                break;
            default:
                return err_set(e, GW_EDEVICE, "scanner sent an unknown frame format");
            }
        }
    }
    return GW_OK;
}

static int is_feeder(const char *source)
{
    return source && (strcasestr(source, "feeder") || strcasestr(source, "adf"));
}

int media_scan(const struct media_scan_opts *o, media_scan_page_fn fn, void *ctx, int *pages,
               struct err *e)
{
    int rc = GW_OK, started = 0;
    SANE_Int ver = 0;
    SANE_Handle h = NULL;
    const SANE_Device **list = NULL;
    char dev[128] = "", make[64] = "", model[64] = "";
    struct media_image img = {0};
    *pages = 0;
    if (sane_init(&ver, NULL) != SANE_STATUS_GOOD)
        return err_set(e, GW_EDEVICE, "cannot start SANE (the scanner library)");
    SANE_Status st = sane_get_devices(&list, SANE_FALSE);
    if (st != SANE_STATUS_GOOD) {
        rc = err_set(e, GW_EDEVICE, "cannot list scanners: %s", sane_strstatus(st));
        goto out;
    }
    for (int i = 0; list[i]; i++) {
        if (!o->device || strcmp(list[i]->name, o->device) == 0) {
            copy_str(dev, sizeof dev, list[i]->name);
            copy_str(make, sizeof make, list[i]->vendor);
            copy_str(model, sizeof model, list[i]->model);
            break;
        }
    }
    if (!dev[0]) {
        if (o->device)
            rc = err_set(e, GW_ENOTFOUND, "no scanner %s (is it plugged in and switched on?)",
                         o->device);
        else
            rc = err_set(e, GW_ENOTFOUND,
                         "no scanner found (is one plugged in and switched "
                         "on?)");
        goto out;
    }
    if ((st = sane_open(dev, &h)) != SANE_STATUS_GOOD) {
        h = NULL;
        rc = device_error(dev, "cannot open it", st, e);
        goto out;
    }
    if (o->source && (rc = set_string(h, dev, SANE_NAME_SCAN_SOURCE, o->source, e)))
        goto out;
    if (o->mode && (rc = set_string(h, dev, SANE_NAME_SCAN_MODE, o->mode, e)))
        goto out;
    if (o->dpi > 0 && (rc = set_resolution(h, dev, o->dpi, e)))
        goto out;
    double dpi = get_resolution(h);
    int limit = o->pages > 0 ? o->pages : is_feeder(o->source) ? 1 << 30 : 1;
    for (int page = 1; page <= limit; page++) {
        /* A cancel between pages ends the scan before the feeder takes another sheet. */
        if (o->cancel && atomic_load(o->cancel)) {
            rc = err_set(e, GW_ECANCEL, "scan cancelled after %d page%s", page - 1,
                         page == 2 ? "" : "s");
            goto out;
        }
        for (;;) {
            /* One page: one frame, or three for a three-pass scanner. */
            st = sane_start(h);
            started = 1;
            if (st == SANE_STATUS_NO_DOCS && page > 1 && !img.px)
                goto out; /* the feeder is empty: done */
            if (st != SANE_STATUS_GOOD) {
                rc = device_error(dev, page > 1 ? "next page" : "starting the scan", st, e);
                goto out;
            }
            SANE_Parameters p;
            if ((st = sane_get_parameters(h, &p)) != SANE_STATUS_GOOD) {
                rc = device_error(dev, "reading the scan parameters", st, e);
                goto out;
            }
            long expect = p.lines > 0 ? (long)p.lines * p.bytes_per_line : -1;
            unsigned char *data = NULL;
            size_t len = 0;
            if ((rc = read_frame(h, dev, o, page, expect, &data, &len, e)))
                goto out;
            rc = put_frame(&p, data, len, &img, e);
            free(data);
            if (rc) {
                err_prefix(e, "scanner %s: ", dev);
                goto out;
            }
            if (p.last_frame)
                break;
        }
        rc = fn(ctx, page, &img, make, model, dpi, e);
        media_image_done(&img);
        if (rc)
            goto out;
        (*pages)++;
    }
out:
    media_image_done(&img);
    if (h) {
        if (started)
            sane_cancel(h);
        sane_close(h);
    }
    sane_exit();
    return rc;
}
