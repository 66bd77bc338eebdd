/* photo_cli.c - option parsing and printing shared by the photo and scan commands. */
#include "gridwalk/config.h"

#include "app/cli.h"
#include "app/photo_cli.h"
#include "media/camera.h"
#include "media/scan.h"

#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

enum {
    PHOTO_CLI_EDGE = 1 << 0,
    PHOTO_CLI_QUALITY = 1 << 1,
    PHOTO_CLI_KEEP = 1 << 2,
    PHOTO_CLI_MAXMP = 1 << 3,
    PHOTO_CLI_WARMUP = 1 << 4,
    PHOTO_CLI_CAMSIZE = 1 << 5,
};

static int parse_double(const char *s, double *out)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (!*s || *end || isnan(v) || isinf(v))
        return -1;
    *out = v;
    return 0;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

int photo_cli_parse(struct photo_cli *c, int argc, char **argv, const char *cmd,
                    const char *synopsis, int scan)
{
    enum {
        O_DB = 256,
        O_ENTRY,
        O_FOLDER,
        O_DEVICE,
        O_JSON,
        O_LAT,
        O_LON,
        O_ALT,
        O_ACC,
        O_EDGE,
        O_QUALITY,
        O_KEEP,
        O_PAGES,
        O_SOURCE,
        O_MODE,
        O_DPI,
        O_MAXMP,
        O_WARMUP,
        O_CAMSIZE,
        O_PDF,
        O_PREVIEW,
        O_LIST
    };
    static const struct option opts[] = {
        {"db", required_argument, NULL, O_DB},
        {"entry", required_argument, NULL, O_ENTRY},
        {"folder", required_argument, NULL, O_FOLDER},
        {"device", required_argument, NULL, O_DEVICE},
        {"json", no_argument, NULL, O_JSON},
        {"lat", required_argument, NULL, O_LAT},
        {"lon", required_argument, NULL, O_LON},
        {"alt", required_argument, NULL, O_ALT},
        {"accuracy", required_argument, NULL, O_ACC},
        {"long-edge", required_argument, NULL, O_EDGE},
        {"quality", required_argument, NULL, O_QUALITY},
        {"keep-original", no_argument, NULL, O_KEEP},
        {"max-megapixels", required_argument, NULL, O_MAXMP},
        {"pages", required_argument, NULL, O_PAGES},
        {"source", required_argument, NULL, O_SOURCE},
        {"mode", required_argument, NULL, O_MODE},
        {"dpi", required_argument, NULL, O_DPI},
        {"warmup", required_argument, NULL, O_WARMUP},
        {"camera-size", required_argument, NULL, O_CAMSIZE},
        {"pdf", required_argument, NULL, O_PDF},
        {"preview", no_argument, NULL, O_PREVIEW},
        {"list", no_argument, NULL, O_LIST},
        {NULL, 0, NULL, 0},
    };
    memset(c, 0, sizeof *c);
    c->scan = scan;
    photo_config_defaults(&c->cfg);
    photo_position_unknown(&c->pos);
    optind = 1;
    opterr = 0;
    int ch, mp = 0;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        const char *a = optarg;
        switch (ch) {
        case O_DB:
            c->db = a;
            break;
        case O_ENTRY:
            c->entry = a;
            break;
        case O_FOLDER:
            c->folder = a;
            break;
        case O_DEVICE:
            c->device = a;
            break;
        case O_JSON:
            c->json = 1;
            break;
        case O_KEEP:
            c->cfg.keep_original = 1;
            c->given |= PHOTO_CLI_KEEP;
            break;
        case O_SOURCE:
            c->source = a;
            break;
        case O_MODE:
            c->mode = a;
            break;
        case O_LAT:
            if (parse_double(a, &c->pos.lat) || fabs(c->pos.lat) > 90)
                return cli_usage(cmd, synopsis, "--lat wants degrees -90..90"), -1;
            break;
        case O_LON:
            if (parse_double(a, &c->pos.lon) || fabs(c->pos.lon) > 180)
                return cli_usage(cmd, synopsis, "--lon wants degrees -180..180"), -1;
            break;
        case O_ALT:
            if (parse_double(a, &c->pos.alt_m))
                return cli_usage(cmd, synopsis, "--alt wants metres"), -1;
            break;
        case O_ACC:
            if (parse_double(a, &c->pos.accuracy_m) || c->pos.accuracy_m < 0)
                return cli_usage(cmd, synopsis, "--accuracy wants metres"), -1;
            break;
        case O_EDGE:
            if (parse_int(a, 64, 20000, &c->cfg.long_edge))
                return cli_usage(cmd, synopsis, "--long-edge wants 64..20000 pixels"), -1;
            c->given |= PHOTO_CLI_EDGE;
            break;
        case O_QUALITY:
            if (parse_int(a, 1, 100, &c->cfg.quality))
                return cli_usage(cmd, synopsis, "--quality wants 1..100"), -1;
            c->given |= PHOTO_CLI_QUALITY;
            break;
        case O_MAXMP:
            if (parse_int(a, 1, 1000, &mp))
                return cli_usage(cmd, synopsis, "--max-megapixels wants 1..1000"), -1;
            c->cfg.max_pixels = (long long)mp * 1000000;
            c->given |= PHOTO_CLI_MAXMP;
            break;
        case O_PAGES:
            if (!scan || parse_int(a, 1, 1000, &c->pages))
                return cli_usage(cmd, synopsis, "--pages wants 1..1000"), -1;
            break;
        case O_PREVIEW:
            c->preview = 1;
            break;
        case O_LIST:
            c->list = 1;
            break;
        case O_PDF:
            if (!scan)
                return cli_usage(cmd, synopsis, "--pdf is for scans"), -1;
            c->pdf = a;
            break;
        case O_WARMUP:
            if (parse_int(a, 0, 100, &c->cfg.camera_warmup))
                return cli_usage(cmd, synopsis, "--warmup wants 0..100 frames"), -1;
            c->given |= PHOTO_CLI_WARMUP;
            break;
        case O_CAMSIZE: {
            char *x = strchr(a, 'x');
            char wbuf[16];
            if (!x || (size_t)(x - a) >= sizeof wbuf)
                return cli_usage(cmd, synopsis, "--camera-size wants WIDTHxHEIGHT"), -1;
            memcpy(wbuf, a, (size_t)(x - a));
            wbuf[x - a] = '\0';
            if (parse_int(wbuf, 16, 20000, &c->cfg.camera_max_width) ||
                parse_int(x + 1, 16, 20000, &c->cfg.camera_max_height))
                return cli_usage(cmd, synopsis, "--camera-size wants WIDTHxHEIGHT"), -1;
            c->given |= PHOTO_CLI_CAMSIZE;
            break;
        }
        case O_DPI:
            if (!scan || parse_int(a, 1, 9600, &c->dpi))
                return cli_usage(cmd, synopsis, "--dpi wants 1..9600"), -1;
            break;
        default:
            return cli_usage(cmd, synopsis, "unknown option '%s'", argv[optind - 1]), -1;
        }
    }
    if (c->list)
        return optind;
    if (!c->entry)
        return cli_usage(cmd, synopsis, "--entry is required"), -1;
    if (isnan(c->pos.lat) != isnan(c->pos.lon))
        return cli_usage(cmd, synopsis, "give both --lat and --lon, or neither"), -1;
    if (!isnan(c->pos.lat))
        c->pos.fix_time = time(NULL); /* a position typed now is a fix taken now */
    return optind;
}

static void json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

void photo_cli_print(const struct photo_cli *c, FILE *out, const struct photo_stored *p)
{
    if (!c->json) {
        fprintf(out, "stored %s: %s photo %dx%d, %lld bytes, sha256 %s, taken %s, %s\n", p->uuid,
                p->folder, p->width, p->height, (long long)p->bytes, p->sha256, p->taken_at,
                p->has_position ? "with position" : "no position");
        fprintf(out, "  file %s\n", p->path);
        if (p->original_sha256[0])
            fprintf(out, "  original kept, sha256 %s\n", p->original_sha256);
        return;
    }
    fputs("{\"uuid\":", out);
    json_str(out, p->uuid);
    fputs(",\"folder\":", out);
    json_str(out, p->folder);
    fputs(",\"source\":", out);
    json_str(out, p->source);
    fputs(",\"sha256\":", out);
    json_str(out, p->sha256);
    fprintf(out, ",\"bytes\":%lld,\"width\":%d,\"height\":%d,\"taken_at\":", (long long)p->bytes,
            p->width, p->height);
    json_str(out, p->taken_at);
    fputs(",\"path\":", out);
    json_str(out, p->path);
    fputs(",\"original_sha256\":", out);
    if (p->original_sha256[0])
        json_str(out, p->original_sha256);
    else
        fputs("null", out);
    fprintf(out, ",\"position\":%s}\n", p->has_position ? "true" : "false");
    fflush(out);
}

int photo_cli_open(struct photo_cli *c, struct db **db, struct photo_ctx *ctx)
{
    struct err e = {0};
    struct photo_config cfg;
    memset(ctx, 0, sizeof *ctx);
    ctx->ms.lock_fd = -1;
    int rc = cli_open_db(c->db, db);
    if (rc)
        return rc;
    photo_config_defaults(&cfg);
    if (photo_config_load(*db, &cfg, &e) ||
        photo_setting_text(*db, c->scan ? "scanner.device" : "camera.device", c->device_setting,
                           sizeof c->device_setting, &e)) {
        db_close(*db);
        *db = NULL;
        return cli_fail("settings", &e);
    }
    if (c->given & PHOTO_CLI_EDGE)
        cfg.long_edge = c->cfg.long_edge;
    if (c->given & PHOTO_CLI_QUALITY)
        cfg.quality = c->cfg.quality;
    if (c->given & PHOTO_CLI_KEEP)
        cfg.keep_original = c->cfg.keep_original;
    if (c->given & PHOTO_CLI_MAXMP)
        cfg.max_pixels = c->cfg.max_pixels;
    if (c->given & PHOTO_CLI_WARMUP)
        cfg.camera_warmup = c->cfg.camera_warmup;
    if (c->given & PHOTO_CLI_CAMSIZE) {
        cfg.camera_max_width = c->cfg.camera_max_width;
        cfg.camera_max_height = c->cfg.camera_max_height;
    }
    c->cfg = cfg;
    if (!c->device && c->device_setting[0])
        c->device = c->device_setting;
    if (photo_ctx_open(ctx, *db, c->entry, c->folder, &c->cfg, &e)) {
        photo_ctx_done(ctx);
        db_close(*db);
        *db = NULL;
        return cli_fail("photo", &e);
    }
    ctx->pos = c->pos;
    return CLI_EXIT_OK;
}

void photo_cli_position_note(const struct photo_cli *c)
{
    if (!c->json && isnan(c->pos.lat))
        fprintf(stderr, "gridwalk: no position (give --lat and --lon to tag the photos)\n");
}

int photo_cli_list(const struct photo_cli *c, int scan)
{
    struct err e = {0};
    int n = 0;
    if (scan) {
        struct media_scanner *list = NULL;
        if (media_scan_list(&list, &n, &e))
            return cli_fail("scan --list", &e);
        for (int i = 0; i < n; i++) {
            if (c->json) {
                fputs("{\"name\":", stdout);
                json_str(stdout, list[i].name);
                fputs(",\"vendor\":", stdout);
                json_str(stdout, list[i].vendor);
                fputs(",\"model\":", stdout);
                json_str(stdout, list[i].model);
                fputs(",\"type\":", stdout);
                json_str(stdout, list[i].type);
                fputs("}\n", stdout);
            } else {
                printf("%-24s %s %s (%s)\n", list[i].name, list[i].vendor, list[i].model,
                       list[i].type);
            }
        }
        free(list);
    } else {
        struct media_camera *list = NULL;
        if (media_camera_list(&list, &n, &e))
            return cli_fail("photo capture --list", &e);
        for (int i = 0; i < n; i++) {
            if (c->json) {
                fputs("{\"device\":", stdout);
                json_str(stdout, list[i].path);
                fputs(",\"name\":", stdout);
                json_str(stdout, list[i].card);
                fputs(",\"driver\":", stdout);
                json_str(stdout, list[i].driver);
                fputs(",\"bus\":", stdout);
                json_str(stdout, list[i].bus);
                fputs("}\n", stdout);
            } else {
                printf("%-14s %s (%s, %s)\n", list[i].path, list[i].card, list[i].driver,
                       list[i].bus);
            }
        }
        free(list);
    }
    if (n == 0 && !c->json)
        fprintf(stderr, "gridwalk: no %s found\n", scan ? "scanner" : "camera");
    return CLI_EXIT_OK;
}

static atomic_int *cancel_flag;

static void on_signal(int sig)
{
    (void)sig;
    if (cancel_flag)
        atomic_store(cancel_flag, 1);
}

void photo_cli_cancel_on_signal(atomic_int *flag)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    cancel_flag = flag;
    sa.sa_handler = on_signal;
    /* Restart interrupted reads: device libraries (SANE backends) take an EINTR for an I/O
     * error; the flag is what stops the work. */
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}
