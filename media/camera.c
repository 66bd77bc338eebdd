/* camera.c - V4L2 still capture through libv4l2.
 *
 * Why libv4l2: it converts the odd native formats of cheap webcams (Bayer, vendor YUV, ...) to
 * RGB24 and fixes known upside-down sensors; for MJPEG, YUYV and RGB the frames pass through
 * untouched and are converted here. Why warm-up frames: auto-exposure and white balance need a
 * few frames to settle; the first frame of a stream is often dark or green. Why poll() with a
 * timeout per frame: a camera that stops delivering (unplugged, firmware hang) must end in a
 * clear message, never a frozen screen. An unplugged device shows as POLLERR or ENODEV.
 * Why MJPEG frames get Huffman tables: most webcams leave the standard tables out of every
 * frame (the MJPEG convention); a stored original must be a complete JPEG. The standard tables
 * are taken from libjpeg's own output (it writes them when it does not optimise), not typed in. */
#include "gridwalk/config.h"

#include "media/camera.h"

#include <errno.h>
#include <fcntl.h>
#include <libv4l2.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <turbojpeg.h>
#include <unistd.h>

#define CAMERA_BUFFERS 4
#define CAMERA_MAX_DEVICES 64

void media_fourcc_name(uint32_t f, char out[5])
{
    for (int i = 0; i < 4; i++) {
        char c = (char)((f >> (8 * i)) & 0xff);
        out[i] = c >= 32 && c < 127 ? c : '?';
    }
    out[4] = '\0';
}

static int xioctl(int fd, unsigned long req, void *arg)
{
    int r;
    do
        r = v4l2_ioctl(fd, req, arg);
    while (r < 0 && errno == EINTR);
    return r;
}

static void copy_name(char *dst, size_t cap, const unsigned char *src, size_t srclen)
{
    size_t n = strnlen((const char *)src, srclen);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static int is_capture(const struct v4l2_capability *cap)
{
    uint32_t caps = cap->capabilities & V4L2_CAP_DEVICE_CAPS ? cap->device_caps : cap->capabilities;
    return (caps & V4L2_CAP_VIDEO_CAPTURE) != 0;
}

int media_camera_list(struct media_camera **out, int *n, struct err *e)
{
    (void)e;
    *out = calloc(CAMERA_MAX_DEVICES, sizeof **out);
    if (!*out)
        abort();
    *n = 0;
    for (int i = 0; i < CAMERA_MAX_DEVICES; i++) {
        char path[64];
        struct stat sb;
        snprintf(path, sizeof path, "/dev/video%d", i);
        if (stat(path, &sb) != 0 || !S_ISCHR(sb.st_mode))
            continue;
        struct media_camera *c = &(*out)[*n];
        memset(c, 0, sizeof *c);
        snprintf(c->path, sizeof c->path, "%s", path);
        int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            snprintf(c->card, sizeof c->card, "(busy or no access: %s)", strerror(errno));
            (*n)++;
            continue;
        }
        struct v4l2_capability cap;
        memset(&cap, 0, sizeof cap);
        int ok = ioctl(fd, VIDIOC_QUERYCAP, &cap) == 0 && is_capture(&cap);
        close(fd);
        if (!ok)
            continue; /* metadata nodes and output devices are not cameras */
        copy_name(c->card, sizeof c->card, cap.card, sizeof cap.card);
        copy_name(c->driver, sizeof c->driver, cap.driver, sizeof cap.driver);
        copy_name(c->bus, sizeof c->bus, cap.bus_info, sizeof cap.bus_info);
        (*n)++;
    }
    return GW_OK;
}

static int resolve(const char *want, struct media_camera *out, struct err *e)
{
    struct media_camera *list = NULL;
    int n = 0, rc = GW_ENOTFOUND;
    memset(out, 0, sizeof *out);
    if (want && want[0] == '/') {
        snprintf(out->path, sizeof out->path, "%s", want);
        return GW_OK;
    }
    media_camera_list(&list, &n, e);
    for (int i = 0; i < n; i++) {
        if (list[i].card[0] == '(')
            continue;
        if (!want || strcmp(list[i].card, want) == 0) {
            *out = list[i];
            rc = GW_OK;
            break;
        }
    }
    free(list);
    if (rc) {
        if (want)
            return err_set(e, GW_ENOTFOUND,
                           "no camera named '%s' (is it plugged in?); "
                           "you can still pick a photo from a file",
                           want);
        return err_set(e, GW_ENOTFOUND,
                       "no camera found (is one plugged in?); "
                       "you can still pick a photo from a file");
    }
    return GW_OK;
}

static int open_error(const char *path, int err, struct err *e)
{
    if (err == ENOENT || err == ENODEV || err == ENXIO)
        return err_set(e, GW_EDEVICE,
                       "camera %s is not there (unplugged?); you can still "
                       "pick a photo from a file",
                       path);
    if (err == EBUSY)
        return err_set(e, GW_EDEVICE, "camera %s is busy: another program is using it", path);
    if (err == EACCES || err == EPERM)
        return err_set(e, GW_EDEVICE,
                       "no permission to use camera %s (add the user to the "
                       "'video' group)",
                       path);
    return err_set(e, GW_EDEVICE, "cannot open camera %s: %s", path, strerror(err));
}

static int gone(int err)
{
    return err == ENODEV || err == ENXIO || err == EIO || err == ENOENT;
}

static int lost(const struct media_camera *c, const char *what, int err, struct err *e)
{
    if (gone(err))
        return err_set(e, GW_EDEVICE,
                       "camera %s (%s) was unplugged during %s; you can still "
                       "pick a photo from a file",
                       c->path, c->card, what);
    return err_set(e, GW_EDEVICE, "camera %s (%s): %s failed: %s", c->path, c->card, what,
                   strerror(err));
}

/* Formats we can turn into pixels, best first. MJPEG wins: full-resolution stills at a
 * fraction of the USB bandwidth, and the camera's own compression is usually better than
 * ours. */
static const uint32_t preferred[] = {V4L2_PIX_FMT_MJPEG, V4L2_PIX_FMT_JPEG, V4L2_PIX_FMT_YUYV,
                                     V4L2_PIX_FMT_RGB24, V4L2_PIX_FMT_BGR24};

static int usable(uint32_t f)
{
    for (size_t i = 0; i < sizeof preferred / sizeof preferred[0]; i++)
        if (preferred[i] == f)
            return 1;
    return 0;
}

static uint32_t pick_format(int fd, uint32_t forced)
{
    int rank = 1 << 30;
    uint32_t best = 0;
    for (uint32_t i = 0;; i++) {
        struct v4l2_fmtdesc d;
        memset(&d, 0, sizeof d);
        d.index = i;
        d.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        if (xioctl(fd, VIDIOC_ENUM_FMT, &d) != 0)
            break;
        if (forced && d.pixelformat == forced)
            return forced;
        for (int k = 0; k < (int)(sizeof preferred / sizeof preferred[0]); k++)
            if (preferred[k] == d.pixelformat && k < rank) {
                rank = k;
                best = d.pixelformat;
            }
    }
    if (forced)
        return forced; /* let the driver say no (or libv4l2 convert) */
    /* Nothing native we know: libv4l2 offers RGB24 converted from what the camera has. */
    return best ? best : V4L2_PIX_FMT_RGB24;
}

static void pick_size(int fd, uint32_t fourcc, int max_w, int max_h, int *w, int *h)
{
    long best = 0;
    if (max_w <= 0)
        max_w = 1 << 15;
    if (max_h <= 0)
        max_h = 1 << 15;
    *w = max_w;
    *h = max_h;
    for (uint32_t i = 0;; i++) {
        struct v4l2_frmsizeenum s;
        memset(&s, 0, sizeof s);
        s.index = i;
        s.pixel_format = fourcc;
        if (xioctl(fd, VIDIOC_ENUM_FRAMESIZES, &s) != 0)
            break;
        if (s.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
            int dw = (int)s.discrete.width, dh = (int)s.discrete.height;
            if (dw <= max_w && dh <= max_h && (long)dw * dh > best) {
                best = (long)dw * dh;
                *w = dw;
                *h = dh;
            }
        } else {
            /* Stepwise or continuous: ask for the most we allow; S_FMT rounds it down. */
            *w = (int)s.stepwise.max_width < max_w ? (int)s.stepwise.max_width : max_w;
            *h = (int)s.stepwise.max_height < max_h ? (int)s.stepwise.max_height : max_h;
            return;
        }
    }
}

static unsigned char clip(int v)
{
    return (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* BT.601 limited-range YCbCr to RGB, the usual webcam encoding, in 16.16 fixed point. */
static void yuyv_to_rgb(const unsigned char *src, int stride, int w, int h, unsigned char *dst)
{
    for (int y = 0; y < h; y++) {
        const unsigned char *s = src + (size_t)y * stride;
        unsigned char *d = dst + (size_t)y * w * 3;
        for (int x = 0; x < w; x += 2) {
            /* One YUYV macropixel: two lumas sharing one Cb (u) and one Cr (v). */
            int u = s[2 * x + 1] - 128, v = s[2 * x + 3] - 128;
            int gu = -22554 * u - 46802 * v, bu = 116130 * u, rv = 91881 * v;
            for (int k = 0; k < 2 && x + k < w; k++) {
                int yy = (s[2 * (x + k)] - 16) * 76309;
                d[3 * (x + k)] = clip((yy + rv + 32768) >> 16);
                d[3 * (x + k) + 1] = clip((yy + gu + 32768) >> 16);
                d[3 * (x + k) + 2] = clip((yy + bu + 32768) >> 16);
            }
        }
    }
}

/* The DHT segments libjpeg writes for the standard tables, from encoding a tiny image. */
static int standard_dht(unsigned char **out, size_t *len)
{
    unsigned char px[16 * 16 * 3];
    unsigned char *jpeg = NULL;
    unsigned long jn = 0;
    memset(px, 128, sizeof px);
    tjhandle tj = tjInitCompress();
    if (!tj)
        abort();
    int rc = tjCompress2(tj, px, 16, 0, 16, TJPF_RGB, &jpeg, &jn, TJSAMP_420, 75, 0);
    tjDestroy(tj);
    if (rc) {
        tjFree(jpeg);
        return -1;
    }
    *out = malloc(jn);
    if (!*out)
        abort();
    *len = 0;
    size_t pos = 2;
    while (pos + 4 <= jn && jpeg[pos] == 0xff && jpeg[pos + 1] != 0xda) {
        size_t seg = 2 + ((size_t)jpeg[pos + 2] << 8 | jpeg[pos + 3]);
        if (pos + seg > jn)
            break;
        if (jpeg[pos + 1] == 0xc4) {
            memcpy(*out + *len, jpeg + pos, seg);
            *len += seg;
        }
        pos += seg;
    }
    tjFree(jpeg);
    return *len ? 0 : -1;
}

int media_camera_mjpeg_frame(const unsigned char *buf, size_t n, struct media_frame *out,
                             struct err *e)
{
    size_t pos = 2, sos = 0;
    int has_dht = 0;
    unsigned char *full = NULL;
    size_t fn = 0;
    if (n < 4 || buf[0] != 0xff || buf[1] != 0xd8)
        return err_set(e, GW_ECORRUPT, "damaged camera frame: no JPEG start marker");
    while (pos + 4 <= n) {
        if (buf[pos] != 0xff)
            return err_set(e, GW_ECORRUPT, "damaged camera frame: bad marker at byte %zu", pos);
        if (buf[pos + 1] == 0xff) { /* fill byte */
            pos++;
            continue;
        }
        if (buf[pos + 1] == 0xda) {
            sos = pos;
            break;
        }
        if (buf[pos + 1] == 0xc4)
            has_dht = 1;
        pos += 2 + ((size_t)buf[pos + 2] << 8 | buf[pos + 3]);
    }
    if (!sos)
        return err_set(e, GW_ECORRUPT, "damaged camera frame: no image data");
    if (has_dht) {
        full = malloc(n);
        if (!full)
            abort();
        memcpy(full, buf, n);
        fn = n;
    } else {
        unsigned char *dht = NULL;
        size_t dn = 0;
        if (standard_dht(&dht, &dn))
            return err_set(e, GW_EINTERNAL, "cannot build the standard JPEG tables");
        fn = n + dn;
        full = malloc(fn);
        if (!full)
            abort();
        memcpy(full, buf, sos);
        memcpy(full + sos, dht, dn);
        memcpy(full + sos + dn, buf + sos, n - sos);
        free(dht);
    }
    struct media_source_info info;
    int rc = media_image_decode(full, fn, 0, 0, &out->img, &info, e);
    if (rc) {
        free(full);
        return err_prefix(e, "camera frame: ");
    }
    out->jpeg = full;
    out->jpeg_len = fn;
    out->width = out->img.width;
    out->height = out->img.height;
    out->fourcc = V4L2_PIX_FMT_MJPEG;
    return GW_OK;
}

void media_frame_done(struct media_frame *f)
{
    free(f->jpeg);
    f->jpeg = NULL;
    f->jpeg_len = 0;
    media_image_done(&f->img);
}

struct mapping {
    void *p;
    size_t len;
};

static int convert(const struct v4l2_format *fmt, const unsigned char *data, size_t used,
                   struct media_frame *out, struct err *e)
{
    uint32_t pf = fmt->fmt.pix.pixelformat;
    int w = (int)fmt->fmt.pix.width, h = (int)fmt->fmt.pix.height;
    int stride = (int)fmt->fmt.pix.bytesperline;
    if (pf == V4L2_PIX_FMT_MJPEG || pf == V4L2_PIX_FMT_JPEG)
        return media_camera_mjpeg_frame(data, used, out, e);
    int bpp = pf == V4L2_PIX_FMT_YUYV ? 2 : 3;
    if (stride < w * bpp)
        stride = w * bpp;
    if (used < (size_t)stride * (h - 1) + (size_t)w * bpp)
        return err_set(e, GW_ECORRUPT, "short camera frame: %zu bytes for %dx%d", used, w, h);
    out->img.width = w;
    out->img.height = h;
    out->img.px = malloc((size_t)w * h * 3);
    if (!out->img.px)
        abort();
    if (pf == V4L2_PIX_FMT_YUYV) {
        yuyv_to_rgb(data, stride, w, h, out->img.px);
    } else {
        for (int y = 0; y < h; y++) {
            const unsigned char *s = data + (size_t)y * stride;
            unsigned char *d = out->img.px + (size_t)y * w * 3;
            if (pf == V4L2_PIX_FMT_RGB24) {
                memcpy(d, s, (size_t)w * 3);
            } else {
                for (int x = 0; x < w; x++) {
                    d[3 * x] = s[3 * x + 2];
                    d[3 * x + 1] = s[3 * x + 1];
                    d[3 * x + 2] = s[3 * x];
                }
            }
        }
    }
    out->width = w;
    out->height = h;
    out->fourcc = pf;
    return GW_OK;
}

struct media_camera_session {
    struct media_camera cam;
    struct media_camera_opts opts;
    int fd, streaming;
    struct v4l2_format fmt;
    struct mapping maps[CAMERA_BUFFERS];
    unsigned nbufs;
};

static int busy_or_lost(const struct media_camera *cam, const char *what, int err, struct err *e)
{
    if (err == EBUSY)
        return err_set(e, GW_EDEVICE, "camera %s (%s) is busy: another program is using it",
                       cam->path, cam->card);
    return lost(cam, what, err, e);
}

int media_camera_open(const struct media_camera_opts *o, struct media_camera_session **out,
                      struct err *e)
{
    int rc = GW_OK;
    struct media_camera_session *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->fd = -1;
    s->opts = *o;
    *out = NULL;
    struct media_camera *cam = &s->cam;
    if ((rc = resolve(o->device, cam, e)))
        goto out;
    s->fd = v4l2_open(cam->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (s->fd < 0) {
        rc = open_error(cam->path, errno, e);
        goto out;
    }
    struct v4l2_capability cap;
    memset(&cap, 0, sizeof cap);
    if (xioctl(s->fd, VIDIOC_QUERYCAP, &cap) != 0) {
        rc = lost(cam, "identification", errno, e);
        goto out;
    }
    copy_name(cam->card, sizeof cam->card, cap.card, sizeof cap.card);
    copy_name(cam->driver, sizeof cam->driver, cap.driver, sizeof cap.driver);
    copy_name(cam->bus, sizeof cam->bus, cap.bus_info, sizeof cap.bus_info);
    uint32_t caps = cap.capabilities & V4L2_CAP_DEVICE_CAPS ? cap.device_caps : cap.capabilities;
    if (!(caps & V4L2_CAP_VIDEO_CAPTURE) || !(caps & V4L2_CAP_STREAMING)) {
        rc =
            err_set(e, GW_EDEVICE, "%s (%s) is not a camera that can stream", cam->path, cam->card);
        goto out;
    }

    uint32_t fourcc = pick_format(s->fd, o->fourcc);
    int w, h;
    pick_size(s->fd, fourcc, o->max_width, o->max_height, &w, &h);
    s->fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    s->fmt.fmt.pix.width = (uint32_t)w;
    s->fmt.fmt.pix.height = (uint32_t)h;
    s->fmt.fmt.pix.pixelformat = fourcc;
    s->fmt.fmt.pix.field = V4L2_FIELD_NONE;
    if (xioctl(s->fd, VIDIOC_S_FMT, &s->fmt) != 0) {
        rc = busy_or_lost(cam, "format setup", errno, e);
        goto out;
    }
    if (!usable(s->fmt.fmt.pix.pixelformat)) {
        char want[5], got[5];
        media_fourcc_name(fourcc, want);
        media_fourcc_name(s->fmt.fmt.pix.pixelformat, got);
        rc = err_set(e, GW_EDEVICE,
                     "camera %s (%s) offers no picture format gridwalk can "
                     "read (asked for %s, got %s)",
                     cam->path, cam->card, want, got);
        goto out;
    }

    struct v4l2_requestbuffers req;
    memset(&req, 0, sizeof req);
    req.count = CAMERA_BUFFERS;
    req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    req.memory = V4L2_MEMORY_MMAP;
    if (xioctl(s->fd, VIDIOC_REQBUFS, &req) != 0 || req.count < 1) {
        rc = busy_or_lost(cam, "buffer setup", errno, e);
        goto out;
    }
    s->nbufs = req.count < CAMERA_BUFFERS ? req.count : CAMERA_BUFFERS;
    for (unsigned i = 0; i < s->nbufs; i++) {
        struct v4l2_buffer b;
        memset(&b, 0, sizeof b);
        b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        b.memory = V4L2_MEMORY_MMAP;
        b.index = i;
        if (xioctl(s->fd, VIDIOC_QUERYBUF, &b) != 0) {
            rc = lost(cam, "buffer setup", errno, e);
            goto out;
        }
        s->maps[i].len = b.length;
        s->maps[i].p =
            v4l2_mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, b.m.offset);
        if (s->maps[i].p == MAP_FAILED) {
            s->maps[i].p = NULL;
            rc = lost(cam, "buffer mapping", errno, e);
            goto out;
        }
        if (xioctl(s->fd, VIDIOC_QBUF, &b) != 0) {
            rc = lost(cam, "buffer setup", errno, e);
            goto out;
        }
    }
    enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (xioctl(s->fd, VIDIOC_STREAMON, &type) != 0) {
        rc = lost(cam, "stream start", errno, e);
        goto out;
    }
    s->streaming = 1;
out:
    if (rc) {
        media_camera_close(s);
        return rc;
    }
    *out = s;
    return GW_OK;
}

const struct media_camera *media_camera_info(const struct media_camera_session *s)
{
    return &s->cam;
}

static int cancelled(const struct media_camera_session *s)
{
    return s->opts.cancel && atomic_load(s->opts.cancel);
}

/* Waits for the next good frame; converts it into out when out is not NULL (warm-up frames
 * are only dequeued and given back). */
static int grab(struct media_camera_session *s, struct media_frame *out, struct err *e)
{
    int timeout = s->opts.timeout_ms > 0 ? s->opts.timeout_ms : 3000;
    const struct media_camera *cam = &s->cam;
    for (;;) {
        if (cancelled(s))
            return err_set(e, GW_ECANCEL, "capture cancelled");
        struct pollfd pfd = {s->fd, POLLIN, 0};
        /* Short slices so a cancel is seen quickly even while waiting for a frame. */
        int waited = 0, pr = 0;
        while (waited < timeout) {
            pr = poll(&pfd, 1, 100);
            if (pr != 0 || cancelled(s))
                break;
            waited += 100;
        }
        if ((pr < 0 && errno == EINTR) || cancelled(s))
            continue;
        if (pr == 0)
            return err_set(e, GW_ETIMEOUT, "camera %s (%s) sent no picture for %d ms", cam->path,
                           cam->card, timeout);
        if (pr < 0 || (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)))
            return lost(cam, "capture", pr < 0 ? errno : ENODEV, e);
        struct v4l2_buffer b;
        memset(&b, 0, sizeof b);
        b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        b.memory = V4L2_MEMORY_MMAP;
        if (xioctl(s->fd, VIDIOC_DQBUF, &b) != 0) {
            if (errno == EAGAIN)
                continue;
            return lost(cam, "capture", errno, e);
        }
        int rc = GW_OK,
            keep = !(b.flags & V4L2_BUF_FLAG_ERROR) && b.bytesused > 0 && b.index < s->nbufs;
        if (keep && out) {
            memset(out, 0, sizeof *out);
            clock_gettime(CLOCK_REALTIME, &out->taken);
            size_t len = s->maps[b.index].len;
            size_t used = b.bytesused < len ? b.bytesused : len;
            rc = convert(&s->fmt, s->maps[b.index].p, used, out, e);
            out->cam = s->cam;
            if (rc == GW_ECORRUPT) {
                /* A damaged frame (a USB hiccup): try the next one. */
                media_frame_done(out);
                rc = GW_OK;
                keep = 0;
            }
        }
        if (xioctl(s->fd, VIDIOC_QBUF, &b) != 0) {
            if (out && keep)
                media_frame_done(out);
            return lost(cam, "capture", errno, e);
        }
        if (rc)
            return rc;
        if (keep)
            return GW_OK;
    }
}

int media_camera_next(struct media_camera_session *s, struct media_frame *out, struct err *e)
{
    return grab(s, out, e);
}

void media_camera_close(struct media_camera_session *s)
{
    if (!s)
        return;
    if (s->streaming) {
        enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        xioctl(s->fd, VIDIOC_STREAMOFF, &type);
    }
    for (unsigned i = 0; i < s->nbufs; i++)
        if (s->maps[i].p)
            v4l2_munmap(s->maps[i].p, s->maps[i].len);
    if (s->fd >= 0)
        v4l2_close(s->fd);
    free(s);
}

int media_camera_capture(const struct media_camera_opts *o, struct media_frame *out, struct err *e)
{
    struct media_camera_session *s = NULL;
    memset(out, 0, sizeof *out);
    int rc = media_camera_open(o, &s, e);
    if (rc) {
        if (o->device && o->device[0] == '/')
            snprintf(out->cam.path, sizeof out->cam.path, "%s", o->device);
        return rc;
    }
    out->cam = s->cam;
    int total = (o->warmup > 0 ? o->warmup : 0) + 1;
    for (int got = 0; got < total - 1 && !rc; got++) {
        rc = grab(s, NULL, e);
        if (o->progress)
            o->progress(o->progress_ctx, got + 1, total);
    }
    if (!rc)
        rc = grab(s, out, e);
    if (!rc && o->progress)
        o->progress(o->progress_ctx, total, total);
    media_camera_close(s);
    return rc;
}
