/* media_vivid_capture.c - runs media/camera.c inside the vivid VM (scripts/rig-vivid) and
 * prints one line a shell test can check:
 *
 *   media-vivid-capture [--device D] [--fourcc YUYV|RGB3|MJPG] [--max WxH] [--warmup N]
 *                       [--timeout MS] [--list] [--out FILE]
 *
 *   ok fourcc=YUYV size=1280x720 bar1=R,G,B bar2=R,G,B card=... driver=vivid
 *   error code=N msg=...
 *
 * bar1/bar2 are the colours in the middle of the first two of vivid's eight colour bars
 * (white-ish, then yellow), which shows the pixel conversion is right. scripts/rig-vivid
 * copies the shared libraries it needs into the guest. */
#include "gridwalk/config.h"

#include "media/camera.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t fourcc_of(const char *s)
{
    if (strlen(s) != 4)
        return 0;
    return (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16 | (uint32_t)s[3] << 24;
}

int main(int argc, char **argv)
{
    struct media_camera_opts o = {.warmup = 3, .timeout_ms = 5000};
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : "";
        if (strcmp(a, "--list") == 0) {
            struct media_camera *cams = NULL;
            int n = 0;
            media_camera_list(&cams, &n, NULL);
            for (int k = 0; k < n; k++)
                printf("camera %s card=%s driver=%s bus=%s\n", cams[k].path, cams[k].card,
                       cams[k].driver, cams[k].bus);
            printf("cameras=%d\n", n);
            free(cams);
            return 0;
        }
        if (strcmp(a, "--device") == 0)
            o.device = v, i++;
        else if (strcmp(a, "--fourcc") == 0)
            o.fourcc = fourcc_of(v), i++;
        else if (strcmp(a, "--max") == 0) {
            if (sscanf(v, "%dx%d", &o.max_width, &o.max_height) != 2)
                return 2;
            i++;
        } else if (strcmp(a, "--warmup") == 0)
            o.warmup = (int)strtol(v, NULL, 10), i++;
        else if (strcmp(a, "--timeout") == 0)
            o.timeout_ms = (int)strtol(v, NULL, 10), i++;
        else if (strcmp(a, "--out") == 0)
            out = v, i++;
        else
            return 2;
    }
    struct media_frame f;
    struct err e = {0};
    if (media_camera_capture(&o, &f, &e)) {
        printf("error code=%d msg=%s\n", e.code, e.msg);
        return 1;
    }
    char name[5];
    media_fourcc_name(f.fourcc, name);
    int y = f.img.height / 2;
    const unsigned char *b1 = f.img.px + ((size_t)y * f.img.width + f.img.width / 16) * 3;
    const unsigned char *b2 = f.img.px + ((size_t)y * f.img.width + f.img.width * 3 / 16) * 3;
    printf("ok fourcc=%s size=%dx%d bar1=%d,%d,%d bar2=%d,%d,%d card=%s driver=%s\n", name,
           f.img.width, f.img.height, b1[0], b1[1], b1[2], b2[0], b2[1], b2[2], f.cam.card,
           f.cam.driver);
    if (out) {
        unsigned char *jpeg = NULL;
        size_t n = 0;
        if (media_jpeg_encode(&f.img, 90, &jpeg, &n, &e) == 0) {
            FILE *fp = fopen(out, "wb");
            if (fp) {
                fwrite(jpeg, 1, n, fp);
                fclose(fp);
            }
            free(jpeg);
        }
    }
    media_frame_done(&f);
    return 0;
}
