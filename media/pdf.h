/* pdf.h - a multi-page PDF of a scan set: one JPEG per page, embedded as is (DCTDecode), so
 * the PDF pages are exactly the stored pictures, no re-compression.
 *
 * Writes one file, atomically (a temporary name, fsync, rename). Owns nothing after the call.
 * Knows nothing of the store or of screens. */
#ifndef GRIDWALK_MEDIA_PDF_H
#define GRIDWALK_MEDIA_PDF_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"

#include <stddef.h>

struct media_pdf_page {
    const unsigned char *jpeg; /* a baseline or progressive JPEG, 8-bit RGB or grey */
    size_t len;
    double width_pt, height_pt; /* page size in points (1/72 inch); 0: 72 dpi of the pixels */
};

/* Writes the pages to path. GW_EINVAL when a page is not a JPEG (or none is given), GW_EIO
 * naming the file when it cannot be written; nothing is left under path then. */
int media_pdf_write(const char *path, const struct media_pdf_page *pages, int n, struct err *e);

#endif
