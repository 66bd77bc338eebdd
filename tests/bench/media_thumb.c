/* media_thumb.c - the resize half of the photo pipeline as a batch command, for the benchmark
 * beside vipsthumbnail (scripts/bench.d/40-media.sh):
 *
 *   media-thumb [-s LONG_EDGE] [-q QUALITY] [-j THREADS] -o OUTDIR FILE...
 *
 * Each FILE is read, decoded with DCT scaling, oriented, Lanczos-3 resized, encoded and
 * written to OUTDIR/<basename>. With -j, files are spread over that many threads (one photo
 * per thread at a time, as a batch import would). Prints "N photos" on success. */
#include "gridwalk/config.h"

#include "media/image.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct media_resize_opts opts = {1600, 85, MEDIA_MAX_PIXELS_DEFAULT};
static const char *outdir = ".";
static char **files;
static int nfiles;
static atomic_int next_file, failures;

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long len = ftell(f);
        if (len > 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)len)) &&
            fread(buf, 1, (size_t)len, f) != (size_t)len) {
            free(buf);
            buf = NULL;
        }
        *n = (size_t)len;
    }
    fclose(f);
    return buf;
}

static void *worker(void *arg)
{
    (void)arg;
    for (;;) {
        int i = atomic_fetch_add(&next_file, 1);
        if (i >= nfiles)
            return NULL;
        size_t n = 0, jn = 0;
        unsigned char *buf = slurp(files[i], &n), *jpeg = NULL;
        int w, h;
        struct err e = {0};
        if (!buf || media_image_thumbnail(buf, n, &opts, &jpeg, &jn, &w, &h, NULL, &e)) {
            fprintf(stderr, "media-thumb: %s: %s\n", files[i], buf ? e.msg : "cannot read");
            atomic_fetch_add(&failures, 1);
        } else {
            char out[4096];
            const char *base = strrchr(files[i], '/');
            snprintf(out, sizeof out, "%s/%s", outdir, base ? base + 1 : files[i]);
            FILE *f = fopen(out, "wb");
            if (!f || fwrite(jpeg, 1, jn, f) != jn)
                atomic_fetch_add(&failures, 1);
            if (f)
                fclose(f);
        }
        free(jpeg);
        free(buf);
    }
}

int main(int argc, char **argv)
{
    int threads = 1, c;
    while ((c = getopt(argc, argv, "s:q:j:o:")) != -1) {
        switch (c) {
        case 's':
            opts.long_edge = (int)strtol(optarg, NULL, 10);
            break;
        case 'q':
            opts.quality = (int)strtol(optarg, NULL, 10);
            break;
        case 'j':
            threads = (int)strtol(optarg, NULL, 10);
            break;
        case 'o':
            outdir = optarg;
            break;
        default:
            fprintf(stderr, "usage: media-thumb [-s EDGE] [-q Q] [-j N] -o DIR FILE...\n");
            return 2;
        }
    }
    files = argv + optind;
    nfiles = argc - optind;
    if (threads < 1 || threads > 64)
        threads = 1;
    pthread_t t[64];
    for (int i = 0; i < threads; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
    printf("%d photos\n", nfiles - atomic_load(&failures));
    return atomic_load(&failures) ? 1 : 0;
}
