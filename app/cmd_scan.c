/* cmd_scan.c - `gridwalk scan`: scan pages into an entry, each page a photo (source "scan"). */
#include "gridwalk/config.h"

#include "app/cli.h"
#include "app/commands.h"
#include "app/photo_cli.h"
#include "media/pdf.h"
#include "media/readfile.h"

#include <stdint.h>
#include <stdlib.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SCAN_SYNOPSIS                                                                              \
    "--entry ID [--device NAME] [--pages N] [--source SRC] [--mode Color|Gray] [--dpi N] "         \
    "[--pdf FILE] [--folder appearance|nameplate] [--json] [--lat D --lon D [--accuracy M]]\n"     \
    "       gridwalk scan --list [--json]"

/* The pages of this run, for --pdf. */
struct scan_run {
    struct photo_cli *cli;
    char (*paths)[MEDIASTORE_PATH_MAX];
    double (*mm)[2];
    int n;
};

static void page_stored(void *c, int page, const struct photo_stored *p)
{
    struct scan_run *run = c;
    (void)page;
    photo_cli_print(run->cli, stdout, p);
    run->paths = realloc(run->paths, sizeof *run->paths * (size_t)(run->n + 1));
    run->mm = realloc(run->mm, sizeof *run->mm * (size_t)(run->n + 1));
    if (!run->paths || !run->mm)
        abort();
    snprintf(run->paths[run->n], sizeof run->paths[run->n], "%s", p->path);
    run->mm[run->n][0] = p->width_mm;
    run->mm[run->n][1] = p->height_mm;
    run->n++;
}

/* One PDF of the pages just stored, each at its paper size. */
static int write_pdf(const struct scan_run *run, const char *path, struct err *e)
{
    int rc = GW_OK;
    struct media_pdf_page *pages = calloc((size_t)run->n, sizeof *pages);
    if (!pages)
        abort();
    for (int i = 0; i < run->n; i++) {
        unsigned char *jpeg = NULL;
        rc = media_read_file(run->paths[i], SIZE_MAX, &jpeg, &pages[i].len, e);
        pages[i].jpeg = jpeg;
        if (rc)
            goto out;
        pages[i].width_pt = run->mm[i][0] * 72.0 / 25.4;
        pages[i].height_pt = run->mm[i][1] * 72.0 / 25.4;
    }
    rc = media_pdf_write(path, pages, run->n, e);
out:
    for (int i = 0; i < run->n; i++)
        free((void *)pages[i].jpeg);
    free(pages);
    return rc;
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
    if (c.list)
        return photo_cli_list(&c, 1);
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
    struct scan_run run = {&c, NULL, NULL, 0};
    int rc = photo_scan(&ctx, &o, page_stored, &run, &stored, &e);
    if (ctx.progress)
        fputc('\n', stderr);
    if (rc) {
        cli_fail("scan", &e);
        if (stored)
            fprintf(stderr, "gridwalk: %d page%s stored before the failure\n", stored,
                    stored == 1 ? " was" : "s were");
    }
    if (!rc && c.pdf) {
        if ((rc = write_pdf(&run, c.pdf, &e)))
            cli_fail("scan", &e);
        else if (c.json)
            printf("{\"pdf\":\"%s\",\"pages\":%d}\n", c.pdf, run.n);
        else
            printf("pdf %s: %d page%s\n", c.pdf, run.n, run.n == 1 ? "" : "s");
    }
    free(run.paths);
    free(run.mm);
    photo_ctx_done(&ctx);
    db_close(db);
    return rc ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
