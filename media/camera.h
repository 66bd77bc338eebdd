/* camera.h - taking a still picture from a V4L2 camera through libv4l2.
 *
 * Lists the video capture devices with their names, opens the configured one or the first,
 * negotiates the best format (MJPEG if offered, else YUYV, RGB24/BGR24, else whatever libv4l2
 * converts to RGB24) at the largest resolution allowed, streams through mmap buffers, drops a
 * few warm-up frames so exposure settles, and returns one frame as a JPEG (MJPEG cameras) or
 * as RGB pixels. Every failure names the device. Owns the device only during one call. No
 * store, no screens. */
#ifndef GRIDWALK_MEDIA_CAMERA_H
#define GRIDWALK_MEDIA_CAMERA_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"
#include "media/image.h"

#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

struct media_camera {
    char path[64]; /* /dev/videoN */
    char card[64]; /* what the driver calls it */
    char driver[32];
    char bus[64];
};

/* Lists video capture devices under /dev (video0..63). *out is malloc'd (free()); none is not
 * an error. Devices that cannot be opened are listed with card "(busy or no access)". */
int media_camera_list(struct media_camera **out, int *n, struct err *e);

struct media_camera_opts {
    const char *device;        /* path or card name; NULL: the first capture device */
    uint32_t fourcc;           /* force a pixel format (V4L2 fourcc); 0: the best offered */
    int max_width, max_height; /* 0: the largest the camera offers */
    int warmup;                /* frames dropped before the one kept */
    int timeout_ms;            /* per frame */
    const atomic_int *cancel;
    void (*progress)(void *ctx, long frame, long total);
    void *progress_ctx;
};

struct media_frame {
    uint32_t fourcc; /* the format the camera delivered */
    int width, height;
    unsigned char *jpeg; /* MJPEG cameras: the frame as a complete JPEG (malloc'd) */
    size_t jpeg_len;
    struct media_image img; /* the decoded picture (always set on success) */
    struct timespec taken;  /* CLOCK_REALTIME when the kept frame was dequeued */
    struct media_camera cam;
};

/* Captures one frame. GW_ENOTFOUND when there is no camera (or none of that name),
 * GW_EDEVICE naming the device when it cannot be opened, is busy, offers no usable format,
 * or disappears mid-capture; GW_ETIMEOUT when frames stop; GW_ECANCEL. out is the caller's on
 * success (media_frame_done). */
int media_camera_capture(const struct media_camera_opts *o, struct media_frame *out, struct err *e);

/* A stream kept open, for a live preview before the shot: open once, take frames with
 * media_camera_next() (each converted like a capture), close. Failures as
 * media_camera_capture(); media_camera_next() waits up to timeout_ms for a frame. */
struct media_camera_session;
int media_camera_open(const struct media_camera_opts *o, struct media_camera_session **out,
                      struct err *e);
int media_camera_next(struct media_camera_session *s, struct media_frame *out, struct err *e);
const struct media_camera *media_camera_info(const struct media_camera_session *s);
void media_camera_close(struct media_camera_session *s);

/* Turns one MJPEG frame into a complete JPEG (inserting the standard Huffman tables that
 * webcams leave out) and decodes it into out->img. GW_ECORRUPT for a damaged frame. */
int media_camera_mjpeg_frame(const unsigned char *buf, size_t n, struct media_frame *out,
                             struct err *e);

void media_frame_done(struct media_frame *f);

/* Human name of a fourcc ("YUYV"). */
void media_fourcc_name(uint32_t fourcc, char out[5]);

#endif
