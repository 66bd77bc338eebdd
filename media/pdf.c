/* pdf.c - the smallest PDF that embeds JPEG pages: a catalog, a page tree, and per page a
 * page object, its image XObject and a content stream that paints the image over the page.
 * The cross-reference table needs byte offsets, so the file is built in memory first. */
#include "gridwalk/config.h"

#include "media/pdf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>
#include <unistd.h>

struct buf {
    unsigned char *p;
    size_t n, cap;
};

static void put(struct buf *b, const void *data, size_t len)
{
    if (b->n + len > b->cap) {
        while (b->n + len > b->cap)
            b->cap = b->cap ? b->cap * 2 : 65536;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            abort();
    }
    memcpy(b->p + b->n, data, len);
    b->n += len;
}

static void putf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (len > 0)
        put(b, tmp, (size_t)len < sizeof tmp ? (size_t)len : sizeof tmp - 1);
}

int media_pdf_write(const char *path, const struct media_pdf_page *pages, int n, struct err *e)
{
    int rc = GW_OK, fd = -1;
    struct buf b = {0};
    size_t *off = NULL;
    char tmp[4096];
    tjhandle tj = NULL;
    if (n <= 0)
        return err_set(e, GW_EINVAL, "no pages for the PDF");
    int objs = 2 + 3 * n;
    off = calloc((size_t)objs + 1, sizeof *off);
    if (!off)
        abort();
    tj = tjInitDecompress();
    if (!tj)
        abort();
    putf(&b, "%%PDF-1.4\n%%\xe2\xe3\xcf\xd3\n");
    off[1] = b.n;
    putf(&b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    off[2] = b.n;
    putf(&b, "2 0 obj\n<< /Type /Pages /Count %d /Kids [", n);
    for (int i = 0; i < n; i++)
        putf(&b, " %d 0 R", 3 + 3 * i);
    putf(&b, " ] >>\nendobj\n");
    for (int i = 0; i < n; i++) {
        int w = 0, h = 0, sub = 0, cs = 0;
        const struct media_pdf_page *pg = &pages[i];
        if (tjDecompressHeader3(tj, pg->jpeg, (unsigned long)pg->len, &w, &h, &sub, &cs)) {
            rc = err_set(e, GW_EINVAL, "page %d is not a JPEG: %s", i + 1, tjGetErrorStr2(tj));
            goto out;
        }
        if (cs == TJCS_CMYK || cs == TJCS_YCCK) {
            rc = err_set(e, GW_EINVAL, "page %d is a CMYK JPEG; only RGB and grey go in a PDF",
                         i + 1);
            goto out;
        }
        double pw = pg->width_pt > 0 ? pg->width_pt : w, ph = pg->height_pt > 0 ? pg->height_pt : h;
        int page = 3 + 3 * i, img = page + 1, content = page + 2;
        off[page] = b.n;
        putf(&b,
             "%d 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] "
             "/Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>\nendobj\n",
             page, pw, ph, img, content);
        off[img] = b.n;
        putf(&b,
             "%d 0 obj\n<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s "
             "/BitsPerComponent 8 /Filter /DCTDecode /Length %zu >>\nstream\n",
             img, w, h, cs == TJCS_GRAY ? "/DeviceGray" : "/DeviceRGB", pg->len);
        put(&b, pg->jpeg, pg->len);
        putf(&b, "\nendstream\nendobj\n");
        char draw[128];
        int dl = snprintf(draw, sizeof draw, "q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q", pw, ph);
        off[content] = b.n;
        putf(&b, "%d 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n", content, dl, draw);
    }
    size_t xref = b.n;
    putf(&b, "xref\n0 %d\n0000000000 65535 f \n", objs + 1);
    for (int i = 1; i <= objs; i++)
        putf(&b, "%010zu 00000 n \n", off[i]);
    putf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", objs + 1, xref);

    if (snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", path) >= (int)sizeof tmp) {
        rc = err_set(e, GW_EINVAL, "path too long: %s", path);
        goto out;
    }
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        rc = err_set(e, GW_EIO, "cannot write %s: %s", path, strerror(errno));
        goto out;
    }
    size_t done = 0;
    while (done < b.n) {
        ssize_t wr = write(fd, b.p + done, b.n - done);
        if (wr < 0 && errno == EINTR)
            continue;
        if (wr <= 0)
            break;
        done += (size_t)wr;
    }
    if (done != b.n || fsync(fd) != 0 || close(fd) != 0) {
        fd = -1;
        rc = err_set(e, GW_EIO, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        goto out;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        rc = err_set(e, GW_EIO, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
    }
out:
    if (fd >= 0) {
        close(fd);
        unlink(tmp);
    }
    tjDestroy(tj);
    free(off);
    free(b.p);
    return rc;
}
