/* exif.h - EXIF metadata of stored photos, read and written with libexif.
 *
 * Writes the evidence fields into a JPEG the encoder made (DateTimeOriginal with its UTC
 * offset, GPS position/altitude/accuracy only when the caller has a real fix, the customer
 * account and entry in ImageDescription, device identity, Orientation) and reads back what a
 * source picture says about itself (orientation, original time, camera). Works on buffers in
 * memory; owns nothing beyond the buffers it returns. No SQL, no screens, no files. */
#ifndef GRIDWALK_MEDIA_EXIF_H
#define GRIDWALK_MEDIA_EXIF_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"

#include <stddef.h>
#include <time.h>

/* What the pipeline writes. Strings may be NULL (the tag is left out). Numbers NaN = unknown:
 * GPS tags are written only when lat and lon are both known. */
struct media_exif_fields {
    time_t taken;       /* capture time, UTC seconds */
    int taken_ms;       /* 0..999 (SubSecTimeOriginal) */
    int utc_offset_min; /* the local offset at capture, e.g. +480 for UTC+8 */
    double lat, lon;    /* degrees, WGS 84 */
    double alt_m;       /* metres above sea level */
    double accuracy_m;  /* horizontal error estimate (GPSHPositioningError) */
    time_t fix_time;    /* when the fix was taken (GPSDateStamp/GPSTimeStamp) */
    const char *description;
    const char *make, *model, *serial;
    const char *software;
    int width, height;
};

/* What a source picture says about itself. */
struct media_exif_source {
    int orientation; /* 1..8, 1 when absent */
    int have_taken;  /* DateTimeOriginal present and valid */
    time_t taken;    /* as UTC: with OffsetTimeOriginal when present, else local time */
    char make[64], model[64];
};

/* Reads the EXIF block of a JPEG in memory (a PNG or a JPEG without EXIF gives the defaults).
 * Never fails: unreadable metadata is treated as absent. */
void media_exif_read(const unsigned char *buf, size_t n, struct media_exif_source *out);

/* The EXIF orientation of a JPEG in memory, 1 when absent or invalid. */
int media_exif_orientation(const unsigned char *buf, size_t n);

/* Returns a copy of the JPEG at jpeg with an APP1 Exif segment holding f (Orientation is
 * always 1: the pipeline stores pixels upright). Any Exif segment already there is dropped.
 * *out is malloc'd, the caller frees it. GW_ECORRUPT if jpeg is not a JPEG, GW_ETOOBIG if the
 * block would exceed one segment (64 KiB, only possible with absurd strings). */
int media_exif_attach(const unsigned char *jpeg, size_t n, const struct media_exif_fields *f,
                      unsigned char **out, size_t *out_len, struct err *e);

#endif
