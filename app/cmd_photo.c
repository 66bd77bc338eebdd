/* cmd_photo.c - `gridwalk photo add|capture`: the photo pipeline from the command line. */
#include "gridwalk/config.h"

#include "app/cli.h"
#include "app/commands.h"
#include "app/photo_cli.h"

#include <stdio.h>
#include <string.h>

#define PHOTO_SYNOPSIS                                                                         \
    "add --entry ID [--folder appearance|nameplate] [--json] [--lat D --lon D "              \
    "[--alt M] [--accuracy M]] [--long-edge PX] [--quality Q] [--keep-original] FILE...\n"   \
    "       gridwalk photo capture --entry ID [--device DEV] [--camera-size WxH] "            \
    "[--warmup N] [same options]"

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
    if (first < argc)
        return cli_usage("photo capture", PHOTO_SYNOPSIS, "unexpected '%s'", argv[first]);
    if (photo_cli_open(&c, &db, &ctx))
        return CLI_EXIT_FAIL;
    photo_cli_position_note(&c);
    static atomic_int cancel;
    photo_cli_cancel_on_signal(&cancel);
    ctx.cancel = &cancel;
    int rc = photo_capture(&ctx, c.device, &p, &e);
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
    return cli_usage("photo", PHOTO_SYNOPSIS, "say add or capture");
}
