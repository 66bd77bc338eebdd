/* cmd_photo.c - `gridwalk photo add|capture`: the photo pipeline from the command line. */
#include "gridwalk/config.h"

#include "app/cli.h"
#include "app/commands.h"
#include "app/photo_cli.h"

#include "media/preview.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define PHOTO_SYNOPSIS                                                                             \
    "add --entry ID [--folder appearance|nameplate] [--json] [--lat D --lon D "                    \
    "[--alt M] [--accuracy M]] [--long-edge PX] [--quality Q] [--keep-original] FILE...\n"         \
    "       gridwalk photo capture --entry ID [--device DEV] [--camera-size WxH] "                 \
    "[--warmup N] [--preview] [same options]\n"                                                    \
    "       gridwalk photo capture --list [--json]\n"                                       \
    "       gridwalk photo remove ID --reason TEXT [--db PATH]"

static int photo_add(int argc, char **argv)
{
    struct photo_cli c;
    struct photo_ctx ctx;
    struct db *db = NULL;
    int first = photo_cli_parse(&c, argc, argv, "photo add", PHOTO_SYNOPSIS, 0);
    if (first < 0)
        return CLI_EXIT_USAGE;
    if (first >= argc)
        return cli_usage("photo add", PHOTO_SYNOPSIS, "no FILE given");
    if (photo_cli_open(&c, &db, &ctx))
        return CLI_EXIT_FAIL;
    photo_cli_position_note(&c);
    int failed = 0;
    for (int i = first; i < argc; i++) {
        struct photo_stored p;
        struct err e = {0};
        if (photo_add_file(&ctx, argv[i], &p, &e)) {
            cli_fail("photo add", &e);
            failed++;
            continue;
        }
        photo_cli_print(&c, stdout, &p);
    }
    photo_ctx_done(&ctx);
    db_close(db);
    return failed ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

/* The live preview: frames drawn in the terminal until Enter (take it) or Ctrl-C (cancel);
 * the frame after Enter is the photo. */
static int capture_with_preview(struct photo_ctx *ctx, const char *device, struct photo_stored *p,
                                struct err *e)
{
    struct media_camera_session *s = NULL;
    struct media_camera_opts o = {
        .device = device,
        .timeout_ms = ctx->cfg.camera_timeout_ms,
        .max_width = ctx->cfg.camera_max_width,
        .max_height = ctx->cfg.camera_max_height,
        .cancel = ctx->cancel,
    };
    int rc = media_camera_open(&o, &s, e);
    if (rc)
        return rc;
    fputs("\x1b[2J", stdout);
    for (;;) {
        struct media_frame fr;
        struct winsize ws = {0};
        if ((rc = media_camera_next(s, &fr, e)))
            break;
        int cols = 80, rows = 24;
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 2) {
            cols = ws.ws_col;
            rows = ws.ws_row - 2;
        }
        char *ansi = NULL;
        if (media_preview_render(&fr.img, cols, rows, NULL, &ansi, NULL) == 0) {
            printf("\x1b[H%s\x1b[0m\n%s (%s): Enter takes the photo, Ctrl-C cancels\x1b[K", ansi,
                   media_camera_info(s)->path, media_camera_info(s)->card);
            fflush(stdout);
        }
        free(ansi);
        media_frame_done(&fr);
        struct pollfd in = {STDIN_FILENO, POLLIN, 0};
        if (poll(&in, 1, 150) > 0) {
            char line[64];
            if (!fgets(line, sizeof line, stdin)) {
                rc = err_set(e, GW_ECANCEL, "no photo taken");
                break;
            }
            if ((rc = media_camera_next(s, &fr, e)))
                break;
            rc = photo_add_frame(ctx, &fr, p, e);
            media_frame_done(&fr);
            break;
        }
    }
    fputs("\n", stdout);
    media_camera_close(s);
    return rc;
}

static int photo_capture_cmd(int argc, char **argv)
{
    struct photo_cli c;
    struct photo_ctx ctx;
    struct db *db = NULL;
    struct photo_stored p;
    struct err e = {0};
    int first = photo_cli_parse(&c, argc, argv, "photo capture", PHOTO_SYNOPSIS, 0);
    if (first < 0)
        return CLI_EXIT_USAGE;
    if (c.list)
        return photo_cli_list(&c, 0);
    if (first < argc)
        return cli_usage("photo capture", PHOTO_SYNOPSIS, "unexpected '%s'", argv[first]);
    if (photo_cli_open(&c, &db, &ctx))
        return CLI_EXIT_FAIL;
    photo_cli_position_note(&c);
    static atomic_int cancel;
    photo_cli_cancel_on_signal(&cancel);
    ctx.cancel = &cancel;
    int rc = c.preview && isatty(STDOUT_FILENO) ? capture_with_preview(&ctx, c.device, &p, &e)
                                                : photo_capture(&ctx, c.device, &p, &e);
    if (rc)
        cli_fail("photo capture", &e);
    else
        photo_cli_print(&c, stdout, &p);
    photo_ctx_done(&ctx);
    db_close(db);
    return rc ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int cmd_photo(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "add") == 0)
        return photo_add(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "capture") == 0)
        return photo_capture_cmd(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "remove") == 0)
        return cmd_photo_remove(argc, argv);
    return cli_usage("photo", PHOTO_SYNOPSIS, "say add, capture or remove");
}
