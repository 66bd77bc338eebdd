/* test_media_camera.c - the MJPEG path of media/camera.c on recorded frames (vivid has no
 * MJPEG, so the vivid rig cannot reach it). The frames are made the way webcams make them:
 * a baseline 4:2:0 JPEG of a real photograph (ukui-wallpapers) with the Huffman tables left
 * out (the MJPEG convention), plus damaged ones. */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "media/camera.h"
#include "media/image.h"

#include <glob.h>
#include <linux/videodev2.h>
#include <stdio.h>
#include <valgrind/valgrind.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *frame; /* a complete JPEG, 640 px wide */
static size_t frame_len;
static unsigned char *mjpeg; /* the same without DHT segments */
static size_t mjpeg_len;

static int has_marker_before_sos(const unsigned char *p, size_t n, int marker)
{
    size_t pos = 2;
    while (pos + 4 <= n && p[pos] == 0xff && p[pos + 1] != 0xda) {
        if (p[pos + 1] == marker)
            return 1;
        pos += 2 + ((size_t)p[pos + 2] << 8 | p[pos + 3]);
    }
    return 0;
}

static int setup(void **state)
{
    (void)state;
    glob_t g;
    if (glob("/usr/share/backgrounds/*.jpg", 0, NULL, &g) != 0)
        return -1;
    FILE *f = fopen(g.gl_pathv[0], "rb");
    globfree(&g);
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    size_t n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc(n);
    if (fread(buf, 1, n, f) != n)
        return -1;
    fclose(f);
    struct media_resize_opts o = {640, 80, MEDIA_MAX_PIXELS_DEFAULT};
    int w, h;
    if (media_image_thumbnail(buf, n, &o, &frame, &frame_len, &w, &h, NULL, NULL))
        return -1;
    free(buf);
    /* Drop every DHT segment, as a webcam does. */
    mjpeg = malloc(frame_len);
    size_t pos = 2, out = 2;
    memcpy(mjpeg, frame, 2);
    while (pos + 4 <= frame_len && frame[pos] == 0xff && frame[pos + 1] != 0xda) {
        size_t seg = 2 + ((size_t)frame[pos + 2] << 8 | frame[pos + 3]);
        if (frame[pos + 1] != 0xc4) {
            memcpy(mjpeg + out, frame + pos, seg);
            out += seg;
        }
        pos += seg;
    }
    memcpy(mjpeg + out, frame + pos, frame_len - pos);
    mjpeg_len = out + frame_len - pos;
    return has_marker_before_sos(mjpeg, mjpeg_len, 0xc4) ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    free(frame);
    free(mjpeg);
    return 0;
}

static void test_frame_without_tables_is_completed(void **state)
{
    (void)state;
    struct media_frame f;
    struct err e = {0};
    memset(&f, 0, sizeof f);
    assert_int_equal(media_camera_mjpeg_frame(mjpeg, mjpeg_len, &f, &e), 0);
    assert_int_equal(f.fourcc, V4L2_PIX_FMT_MJPEG);
    assert_int_equal(f.width, 640);
    assert_true(has_marker_before_sos(f.jpeg, f.jpeg_len, 0xc4));
    /* The standard tables are the ones the encoder used: the pixels are those of the frame. */
    struct media_image ref;
    assert_int_equal(media_image_decode(frame, frame_len, 0, 0, &ref, NULL, &e), 0);
    assert_int_equal(ref.width, f.img.width);
    assert_int_equal(ref.height, f.img.height);
    assert_memory_equal(ref.px, f.img.px, (size_t)ref.width * ref.height * 3);
    /* And the completed frame is a JPEG any reader takes on its own. */
    struct media_image again;
    assert_int_equal(media_image_decode(f.jpeg, f.jpeg_len, 0, 0, &again, NULL, &e), 0);
    media_image_done(&again);
    media_image_done(&ref);
    media_frame_done(&f);
}

static void test_complete_frame_passes_unchanged(void **state)
{
    (void)state;
    struct media_frame f;
    struct err e = {0};
    memset(&f, 0, sizeof f);
    assert_int_equal(media_camera_mjpeg_frame(frame, frame_len, &f, &e), 0);
    assert_int_equal(f.jpeg_len, frame_len);
    assert_memory_equal(f.jpeg, frame, frame_len);
    media_frame_done(&f);
}

static void test_damaged_frames_refused(void **state)
{
    (void)state;
    struct media_frame f;
    struct err e = {0};
    memset(&f, 0, sizeof f);
    /* Cut short mid-scan, as when a USB transfer is lost. */
    assert_int_equal(media_camera_mjpeg_frame(mjpeg, mjpeg_len * 2 / 3, &f, &e), GW_ECORRUPT);
    assert_null(f.jpeg);
    /* Cut inside the headers. */
    assert_int_equal(media_camera_mjpeg_frame(mjpeg, 40, &f, &e), GW_ECORRUPT);
    /* Not a JPEG at all (a YUYV buffer mislabelled). */
    unsigned char yuyv[256];
    memset(yuyv, 0x80, sizeof yuyv);
    assert_int_equal(media_camera_mjpeg_frame(yuyv, sizeof yuyv, &f, &e), GW_ECORRUPT);
    assert_non_null(strstr(e.msg, "camera frame"));
}

static void test_fourcc_names(void **state)
{
    (void)state;
    char n[5];
    media_fourcc_name(V4L2_PIX_FMT_YUYV, n);
    assert_string_equal(n, "YUYV");
    media_fourcc_name(V4L2_PIX_FMT_MJPEG, n);
    assert_string_equal(n, "MJPG");
}

static void test_missing_camera_named(void **state)
{
    (void)state;
    struct media_camera_opts o = {.device = "/dev/video-gridwalk-none", .timeout_ms = 100};
    struct media_frame f;
    struct err e = {0};
    assert_int_equal(media_camera_capture(&o, &f, &e), GW_EDEVICE);
    assert_non_null(strstr(e.msg, "/dev/video-gridwalk-none"));
    assert_non_null(strstr(e.msg, "pick a photo from a file"));
}

int main(void)
{
    /* libjpeg-turbo's SIMD code reads the padding past a row's end, which valgrind reports as
     * uninitialised (a known false positive); its plain C code is checked instead. */
    if (RUNNING_ON_VALGRIND)
        setenv("JSIMD_FORCENONE", "1", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frame_without_tables_is_completed),
        cmocka_unit_test(test_complete_frame_passes_unchanged),
        cmocka_unit_test(test_damaged_frames_refused),
        cmocka_unit_test(test_fourcc_names),
        cmocka_unit_test(test_missing_camera_named),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
