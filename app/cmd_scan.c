/* cmd_scan.c - `gridwalk scan`: scan pages into an entry, each page a photo (source "scan"). */
#include "gridwalk/config.h"

#include "app/cli.h"
#include "app/commands.h"
#include "app/photo_cli.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SCAN_SYNOPSIS                                                                          \
    "--entry ID [--device NAME] [--pages N] [--source SRC] [--mode Color|Gray] [--dpi N] "   \
    "[--folder appearance|nameplate] [--json] [--lat D --lon D [--accuracy M]]"

static void page_stored(void *c, int page, const struct photo_stored *p)
{
    (void)page;
    photo_cli_print(c, stdout, p);
}

static void scan_progress(void *c, const char *stage, long done, long total)
{
    const struct photo_cli *cli = c;
    if (cli->json || strcmp(stage, "stored") == 0)
        return;
    if (total > 0)
        fprintf(stderr, "\r%s: %3ld%%", stage, done * 100 / total);
    else
        fprintf(stderr, "\r%s", stage);
}

int cmd_scan(int argc, char **argv)
{
    struct photo_cli c;
    struct photo_ctx ctx;
    struct db *db = NULL;
    struct err e = {0};
    int first = photo_cli_parse(&c, argc, argv, "scan", SCAN_SYNOPSIS, 1);
    if (first < 0)
        return CLI_EXIT_USAGE;
    if (first < argc)
        return cli_usage("scan", SCAN_SYNOPSIS, "unexpected '%s'", argv[first]);
    if (photo_cli_open(&c, &db, &ctx))
        return CLI_EXIT_FAIL;
    photo_cli_position_note(&c);
    static atomic_int cancel;
    photo_cli_cancel_on_signal(&cancel);
    ctx.cancel = &cancel;
    if (isatty(fileno(stderr))) {
        ctx.progress = scan_progress;
        ctx.progress_ctx = &c;
    }
    struct photo_scan_opts o = {c.device, c.source, c.mode, c.dpi, c.pages};
    int stored = 0;
    int rc = photo_scan(&ctx, &o, page_stored, &c, &stored, &e);
    if (ctx.progress)
        fputc('\n', stderr);
    if (rc) {
        cli_fail("scan", &e);
        if (stored)
            fprintf(stderr, "gridwalk: %d page%s stored before the failure\n", stored,
                    stored == 1 ? " was" : "s were");
    }
    photo_ctx_done(&ctx);
    db_close(db);
    return rc ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
