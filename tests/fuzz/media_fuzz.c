/* media_fuzz.c - mutation fuzzing of what media/ reads from outside: JPEG and PNG decoding
 * (with DCT scaling and the pixel cap), EXIF parsing, MJPEG frame completion.
 *
 *   media-fuzz SECONDS SEED FILE...
 *
 * Each round takes one of the seed files, flips, overwrites, inserts or truncates a few bytes
 * (deterministically from SEED) and feeds the result to every decoder; run under ASan+UBSan a
 * crash or an out-of-bounds access ends the program. Errors are the expected outcome. Prints
 * the number of rounds and how many inputs still decoded. */
#include "gridwalk/config.h"

#include "media/camera.h"
#include "media/exif.h"
#include "media/image.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t rng;

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    long len;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)len)) && fread(buf, 1, (size_t)len, f) == (size_t)len)
        *n = (size_t)len;
    else {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

/* Mutations aim at the headers (first 2 KiB) most of the time: that is where the parsers
 * make their decisions. */
static size_t mutate(unsigned char *b, size_t n, size_t cap)
{
    int k = 1 + (int)(next() % 8);
    for (int i = 0; i < k && n > 0; i++) {
        size_t span = (next() % 4) ? (n < 2048 ? n : 2048) : n;
        size_t at = next() % span;
        switch (next() % 5) {
        case 0:
            b[at] ^= (unsigned char)(1u << (next() % 8));
            break;
        case 1:
            b[at] = (unsigned char)next();
            break;
        case 2:
            b[at] = (next() & 1) ? 0xff : 0x00;
            break;
        case 3:
            if (n < cap) { /* insert a byte */
                memmove(b + at + 1, b + at, n - at);
                b[at] = (unsigned char)next();
                n++;
            }
            break;
        default:
            n = at + 1;
            break; /* truncate */
        }
    }
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: media-fuzz SECONDS SEED FILE...\n");
        return 2;
    }
    double seconds = strtod(argv[1], NULL);
    rng = strtoull(argv[2], NULL, 10) | 1;
    int nseeds = argc - 3;
    unsigned char **seeds = calloc((size_t)nseeds, sizeof *seeds);
    size_t *lens = calloc((size_t)nseeds, sizeof *lens);
    size_t cap = 0;
    for (int i = 0; i < nseeds; i++) {
        seeds[i] = slurp(argv[3 + i], &lens[i]);
        if (!seeds[i]) {
            fprintf(stderr, "media-fuzz: cannot read %s\n", argv[3 + i]);
            return 2;
        }
        if (lens[i] + 64 > cap)
            cap = lens[i] + 64;
    }
    unsigned char *buf = malloc(cap);
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long rounds = 0, decoded = 0;
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        if ((double)(t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 > seconds)
            break;
        int s = (int)(next() % (uint32_t)nseeds);
        memcpy(buf, seeds[s], lens[s]);
        size_t n = mutate(buf, lens[s], cap);
        /* A copy of exactly n bytes, so ASan sees any read past the end. */
        unsigned char *in = malloc(n);
        memcpy(in, buf, n);
        struct media_resize_opts o = {160, 80, 4 * 1000 * 1000};
        unsigned char *out = NULL;
        size_t on = 0;
        int w, h;
        if (media_image_thumbnail(in, n, &o, &out, &on, &w, &h, NULL, NULL) == 0)
            decoded++;
        free(out);
        struct media_exif_source src;
        media_exif_read(in, n, &src);
        struct media_frame fr;
        memset(&fr, 0, sizeof fr);
        if (media_camera_mjpeg_frame(in, n, &fr, NULL) == 0)
            media_frame_done(&fr);
        free(in);
        rounds++;
    }
    printf("%ld rounds, %ld decoded\n", rounds, decoded);
    for (int i = 0; i < nseeds; i++)
        free(seeds[i]);
    free(seeds);
    free(lens);
    free(buf);
    return 0;
}
