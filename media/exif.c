/* exif.c - libexif glue.
 *
 * Why entries are built by hand: exif_entry_initialize() knows the default layout of the
 * common tags but not of the GPS ones, so every entry is allocated with its format and
 * component count here. Why APP1 goes after APP0: the encoder writes a JFIF APP0 first, and
 * JFIF readers expect it right after SOI; EXIF readers search the markers. */
#include "gridwalk/config.h"

#include "media/exif.h"

#include <libexif/exif-data.h>
#include <libexif/exif-utils.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ExifData *load(const unsigned char *buf, size_t n)
{
    if (n < 4 || buf[0] != 0xff || buf[1] != 0xd8 || n > 0xffffffffu)
        return NULL;
    ExifData *ed = exif_data_new();
    if (!ed)
        abort();
    /* Read what is there, do not "repair" it. */
    exif_data_unset_option(ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
    exif_data_unset_option(ed, EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS);
    exif_data_load_data(ed, buf, (unsigned int)n);
    return ed;
}

static void copy_ascii(ExifEntry *en, char *dst, size_t cap)
{
    size_t len = 0;
    if (en && en->format == EXIF_FORMAT_ASCII && en->data) {
        len = en->size < cap - 1 ? en->size : cap - 1;
        memcpy(dst, en->data, len);
    }
    dst[len] = '\0';
    /* Trim the NUL padding and trailing spaces cameras leave. */
    while (len > 0 && (dst[len - 1] == '\0' || dst[len - 1] == ' '))
        dst[--len] = '\0';
}

static int parse_offset(const char *s, int *minutes)
{
    int h = 0, m = 0;
    if ((s[0] != '+' && s[0] != '-') || sscanf(s + 1, "%2d:%2d", &h, &m) != 2 || h > 14 || m > 59)
        return -1;
    *minutes = (s[0] == '-' ? -1 : 1) * (h * 60 + m);
    return 0;
}

void media_exif_read(const unsigned char *buf, size_t n, struct media_exif_source *out)
{
    memset(out, 0, sizeof *out);
    out->orientation = 1;
    ExifData *ed = load(buf, n);
    if (!ed)
        return;
    ExifByteOrder bo = exif_data_get_byte_order(ed);
    ExifEntry *en = exif_data_get_entry(ed, EXIF_TAG_ORIENTATION);
    if (en && en->format == EXIF_FORMAT_SHORT && en->size >= 2) {
        int o = exif_get_short(en->data, bo);
        if (o >= 1 && o <= 8)
            out->orientation = o;
    }
    char text[64], off[16];
    copy_ascii(exif_data_get_entry(ed, EXIF_TAG_DATE_TIME_ORIGINAL), text, sizeof text);
    copy_ascii(exif_data_get_entry(ed, EXIF_TAG_OFFSET_TIME_ORIGINAL), off, sizeof off);
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (sscanf(text, "%4d:%2d:%2d %2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) == 6 &&
        tm.tm_year >= 1990 && tm.tm_mon >= 1 && tm.tm_mon <= 12 && tm.tm_mday >= 1 &&
        tm.tm_mday <= 31 && tm.tm_hour < 24 && tm.tm_min < 60 && tm.tm_sec < 61) {
        int minutes = 0;
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        if (parse_offset(off, &minutes) == 0) {
            out->taken = timegm(&tm) - (time_t)minutes * 60;
        } else {
            /* No offset recorded: the picture was taken in the tablet's own time zone. */
            tm.tm_isdst = -1;
            out->taken = mktime(&tm);
        }
        out->have_taken = out->taken != (time_t)-1;
    }
    copy_ascii(exif_data_get_entry(ed, EXIF_TAG_MAKE), out->make, sizeof out->make);
    copy_ascii(exif_data_get_entry(ed, EXIF_TAG_MODEL), out->model, sizeof out->model);
    exif_data_unref(ed);
}

int media_exif_orientation(const unsigned char *buf, size_t n)
{
    int o = 1;
    ExifData *ed = load(buf, n);
    if (!ed)
        return 1;
    ExifEntry *en = exif_data_get_entry(ed, EXIF_TAG_ORIENTATION);
    if (en && en->format == EXIF_FORMAT_SHORT && en->size >= 2) {
        o = exif_get_short(en->data, exif_data_get_byte_order(ed));
        if (o < 1 || o > 8)
            o = 1;
    }
    exif_data_unref(ed);
    return o;
}

/* A fresh entry of the given layout in ifd, replacing any entry with that tag. */
static ExifEntry *put(ExifData *ed, ExifIfd ifd, ExifTag tag, ExifFormat fmt, unsigned long n)
{
    ExifContent *c = ed->ifd[ifd];
    ExifEntry *old = exif_content_get_entry(c, tag);
    if (old)
        exif_content_remove_entry(c, old);
    ExifMem *mem = exif_mem_new_default();
    ExifEntry *en = exif_entry_new_mem(mem);
    if (!mem || !en)
        abort();
    en->size = exif_format_get_size(fmt) * n;
    en->data = exif_mem_alloc(mem, en->size);
    if (!en->data)
        abort();
    en->tag = tag;
    en->format = fmt;
    en->components = n;
    exif_content_add_entry(c, en);
    exif_entry_unref(en);
    exif_mem_unref(mem);
    return en;
}

static void put_ascii(ExifData *ed, ExifIfd ifd, ExifTag tag, const char *s)
{
    if (!s || !*s)
        return;
    size_t len = strlen(s);
    ExifEntry *en = put(ed, ifd, tag, EXIF_FORMAT_ASCII, len + 1);
    memcpy(en->data, s, len + 1);
}

static void put_short(ExifData *ed, ExifIfd ifd, ExifTag tag, int v)
{
    ExifEntry *en = put(ed, ifd, tag, EXIF_FORMAT_SHORT, 1);
    exif_set_short(en->data, exif_data_get_byte_order(ed), (ExifShort)v);
}

static void put_long(ExifData *ed, ExifIfd ifd, ExifTag tag, long v)
{
    ExifEntry *en = put(ed, ifd, tag, EXIF_FORMAT_LONG, 1);
    exif_set_long(en->data, exif_data_get_byte_order(ed), (ExifLong)v);
}

static void put_rationals(ExifData *ed, ExifIfd ifd, ExifTag tag, const ExifRational *r, int n)
{
    ExifEntry *en = put(ed, ifd, tag, EXIF_FORMAT_RATIONAL, (unsigned long)n);
    for (int i = 0; i < n; i++)
        exif_set_rational(en->data + 8 * i, exif_data_get_byte_order(ed), r[i]);
}

static ExifRational rat(double v, unsigned denom)
{
    ExifRational r = {(ExifLong)llround(fabs(v) * denom), denom};
    return r;
}

/* Degrees as the three rationals GPS wants: degrees, minutes, seconds (to 1/10000 s, which
 * is about 3 mm: finer than any fix). */
static void put_dms(ExifData *ed, ExifTag tag, double deg)
{
    deg = fabs(deg);
    double d = floor(deg), m = floor((deg - d) * 60.0);
    double s = (deg - d - m / 60.0) * 3600.0;
    if (s < 0)
        s = 0;
    ExifRational r[3] = {rat(d, 1), rat(m, 1), rat(s, 10000)};
    put_rationals(ed, EXIF_IFD_GPS, tag, r, 3);
}

static void put_gps(ExifData *ed, const struct media_exif_fields *f)
{
    ExifEntry *ver = put(ed, EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_VERSION_ID, EXIF_FORMAT_BYTE, 4);
    ver->data[0] = 2;
    ver->data[1] = 3;
    put_ascii(ed, EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_LATITUDE_REF, f->lat < 0 ? "S" : "N");
    put_dms(ed, (ExifTag)EXIF_TAG_GPS_LATITUDE, f->lat);
    put_ascii(ed, EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_LONGITUDE_REF, f->lon < 0 ? "W" : "E");
    put_dms(ed, (ExifTag)EXIF_TAG_GPS_LONGITUDE, f->lon);
    if (!isnan(f->alt_m)) {
        ExifEntry *ref =
            put(ed, EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_ALTITUDE_REF, EXIF_FORMAT_BYTE, 1);
        ref->data[0] = f->alt_m < 0 ? 1 : 0;
        ExifRational r = rat(f->alt_m, 100);
        put_rationals(ed, EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_ALTITUDE, &r, 1);
    }
    if (!isnan(f->accuracy_m)) {
        ExifRational r = rat(f->accuracy_m, 100);
        put_rationals(ed, EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_H_POSITIONING_ERROR, &r, 1);
    }
    if (f->fix_time > 0) {
        struct tm tm;
        char date[16];
        gmtime_r(&f->fix_time, &tm);
        strftime(date, sizeof date, "%Y:%m:%d", &tm);
        put_ascii(ed, EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_DATE_STAMP, date);
        ExifRational r[3] = {rat(tm.tm_hour, 1), rat(tm.tm_min, 1), rat(tm.tm_sec, 1)};
        put_rationals(ed, EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_TIME_STAMP, r, 3);
    }
    put_ascii(ed, EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_MAP_DATUM, "WGS-84");
}

static int build(const struct media_exif_fields *f, unsigned char **data, unsigned int *len)
{
    ExifData *ed = exif_data_new();
    if (!ed)
        abort();
    exif_data_set_byte_order(ed, EXIF_BYTE_ORDER_INTEL);
    exif_data_set_data_type(ed, EXIF_DATA_TYPE_COMPRESSED);
    exif_data_fix(ed); /* the mandatory entries: resolution, ExifVersion, ColorSpace... */

    char when[32], off[8], ms[8];
    struct tm tm;
    time_t local = f->taken + (time_t)f->utc_offset_min * 60;
    gmtime_r(&local, &tm);
    strftime(when, sizeof when, "%Y:%m:%d %H:%M:%S", &tm);
    int o = f->utc_offset_min < 0 ? -f->utc_offset_min : f->utc_offset_min;
    snprintf(off, sizeof off, "%c%02d:%02d", f->utc_offset_min < 0 ? '-' : '+', (o / 60) % 100,
             o % 60);
    snprintf(ms, sizeof ms, "%03d", f->taken_ms % 1000);

    put_ascii(ed, EXIF_IFD_0, EXIF_TAG_DATE_TIME, when);
    put_ascii(ed, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL, when);
    put_ascii(ed, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_DIGITIZED, when);
    put_ascii(ed, EXIF_IFD_EXIF, EXIF_TAG_OFFSET_TIME, off);
    put_ascii(ed, EXIF_IFD_EXIF, EXIF_TAG_OFFSET_TIME_ORIGINAL, off);
    put_ascii(ed, EXIF_IFD_EXIF, EXIF_TAG_SUB_SEC_TIME_ORIGINAL, ms);
    put_ascii(ed, EXIF_IFD_0, EXIF_TAG_IMAGE_DESCRIPTION, f->description);
    put_ascii(ed, EXIF_IFD_0, EXIF_TAG_MAKE, f->make);
    put_ascii(ed, EXIF_IFD_0, EXIF_TAG_MODEL, f->model);
    put_ascii(ed, EXIF_IFD_0, EXIF_TAG_SOFTWARE, f->software);
    put_ascii(ed, EXIF_IFD_EXIF, EXIF_TAG_BODY_SERIAL_NUMBER, f->serial);
    put_short(ed, EXIF_IFD_0, EXIF_TAG_ORIENTATION, 1);
    /* 2.31 is the version that defines the OffsetTime tags we write. */
    ExifEntry *ver = put(ed, EXIF_IFD_EXIF, EXIF_TAG_EXIF_VERSION, EXIF_FORMAT_UNDEFINED, 4);
    memcpy(ver->data, "0231", 4);
    put_short(ed, EXIF_IFD_EXIF, EXIF_TAG_COLOR_SPACE, 1); /* sRGB: what the encoder wrote */
    if (f->width > 0 && f->height > 0) {
        put_long(ed, EXIF_IFD_EXIF, EXIF_TAG_PIXEL_X_DIMENSION, f->width);
        put_long(ed, EXIF_IFD_EXIF, EXIF_TAG_PIXEL_Y_DIMENSION, f->height);
    }
    if (!isnan(f->lat) && !isnan(f->lon))
        put_gps(ed, f);

    *data = NULL;
    *len = 0;
    exif_data_save_data(ed, data, len);
    exif_data_unref(ed);
    return *data ? 0 : -1;
}

/* Length of the segment starting at p (marker included), or 0 when it is not a plain APPn. */
static size_t segment_len(const unsigned char *p, size_t left)
{
    if (left < 4 || p[0] != 0xff || p[1] < 0xe0 || p[1] > 0xef)
        return 0;
    size_t len = 2 + ((size_t)p[2] << 8 | p[3]);
    return len <= left ? len : 0;
}

int media_exif_attach(const unsigned char *jpeg, size_t n, const struct media_exif_fields *f,
                      unsigned char **out, size_t *out_len, struct err *e)
{
    int rc = GW_OK;
    unsigned char *blk = NULL;
    unsigned int blen = 0;
    *out = NULL;
    if (n < 4 || jpeg[0] != 0xff || jpeg[1] != 0xd8)
        return err_set(e, GW_ECORRUPT, "cannot add EXIF: the encoded picture is not a JPEG");
    if (build(f, &blk, &blen))
        return err_set(e, GW_EINTERNAL, "cannot build the EXIF block");
    if (blen + 2 > 0xffff) {
        rc = err_set(e, GW_ETOOBIG, "EXIF block of %u bytes does not fit one JPEG segment", blen);
        goto out;
    }
    /* Keep SOI and a JFIF APP0, drop any old Exif APP1, then write ours. */
    size_t pos = 2, keep_to = 2;
    size_t l = segment_len(jpeg + pos, n - pos);
    if (l && jpeg[pos + 1] == 0xe0) {
        pos += l;
        keep_to = pos;
    }
    size_t skip_to = pos;
    l = segment_len(jpeg + pos, n - pos);
    if (l && jpeg[pos + 1] == 0xe1 && l >= 10 && memcmp(jpeg + pos + 4, "Exif\0\0", 6) == 0)
        skip_to = pos + l;
    size_t total = keep_to + 4 + blen + (n - skip_to);
    unsigned char *buf = malloc(total);
    if (!buf)
        abort();
    memcpy(buf, jpeg, keep_to);
    unsigned char *p = buf + keep_to;
    p[0] = 0xff;
    p[1] = 0xe1;
    p[2] = (unsigned char)((blen + 2) >> 8);
    p[3] = (unsigned char)((blen + 2) & 0xff);
    memcpy(p + 4, blk, blen);
    memcpy(p + 4 + blen, jpeg + skip_to, n - skip_to);
    *out = buf;
    *out_len = total;
out:
    free(blk);
    return rc;
}
