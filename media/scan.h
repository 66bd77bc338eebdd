/* scan.h - scanning pages with SANE.
 *
 * Lists scanners, opens one, sets source/mode/resolution when the device offers them, and
 * reads one page or every page of the feeder into 8-bit RGB images handed to a callback.
 * Owns the SANE session for the duration of one call (sane_init ... sane_exit), so it must not
 * run on two threads at once. Knows nothing of the store or of screens. */
#ifndef GRIDWALK_MEDIA_SCAN_H
#define GRIDWALK_MEDIA_SCAN_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"
#include "media/image.h"

#include <stdatomic.h>

struct media_scanner {
    char name[128];
    char vendor[64], model[64], type[64];
};

/* Lists the scanners SANE sees. *out is malloc'd (free()), *n its length; none is not an
 * error (n = 0). GW_EDEVICE if SANE cannot start. */
int media_scan_list(struct media_scanner **out, int *n, struct err *e);

struct media_scan_opts {
    const char *device; /* SANE name; NULL: the first scanner */
    const char *source; /* "Flatbed", "Automatic Document Feeder", ...; NULL: default */
    const char *mode;   /* "Color", "Gray", ...; NULL: default */
    int dpi;            /* 0: default */
    int pages;          /* most pages to scan; 0: all the feeder holds, 1 from a flatbed */
    long max_bytes;     /* cap on one page's data (0: 256 MiB) */
    const atomic_int *cancel;
    void (*progress)(void *ctx, int page, long bytes, long total);
    void *progress_ctx;
};

/* Called with each page as an RGB image (owned by the scanner code, valid during the call).
 * make/model describe the scanner; dpi is the resolution it scanned at (0 when it does not
 * say). Returning non-zero stops the scan with that code. */
typedef int (*media_scan_page_fn)(void *ctx, int page, const struct media_image *img,
                                  const char *make, const char *model, double dpi, struct err *e);

/* Scans pages; *pages receives how many were delivered. GW_ENOTFOUND when there is no
 * scanner, GW_EDEVICE naming it when it fails (jammed, cover open, I/O), GW_ECANCEL,
 * GW_ETOOBIG past max_bytes. An empty feeder after at least one page is success. */
int media_scan(const struct media_scan_opts *o, media_scan_page_fn fn, void *ctx, int *pages,
               struct err *e);

#endif
