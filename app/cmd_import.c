/* cmd_import.c - `gridwalk import-customers`: the marketing system's CSV export into the store.
 *
 * Prints each bad row as "FILE: line N: reason" (the first IMPORT_SHOW_BAD of them; the count of
 * the rest after) and a one-line summary. Exit status 0 when the rows are in the store, 1
 * when nothing was imported, 2 for bad usage. */
#include "gridwalk/config.h"

#include "app/cli.h"
#include "app/commands.h"
#include "app/import.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define IMPORT_SYNOPSIS "[--db PATH] [--encoding E] [--skip-bad] [--progress] FILE.csv"
#define IMPORT_SHOW_BAD 50

struct import_view {
    const char *file;
    long bad_shown, bad_hidden;
    int tty;
};

static void on_note(void *ctx, enum import_note_kind kind, long line, const char *msg)
{
    struct import_view *v = ctx;
    if (kind == IMPORT_BAD_ROW && v->bad_shown >= IMPORT_SHOW_BAD) {
        v->bad_hidden++;
        return;
    }
    if (kind == IMPORT_BAD_ROW)
        v->bad_shown++;
    fprintf(stderr, "%s%s: line %ld: %s%s\n", v->tty ? "\r" : "", v->file, line,
            kind == IMPORT_WARNING ? "warning: " : "", msg);
}

static void on_progress(void *ctx, long rows)
{
    struct import_view *v = ctx;
    if (v->tty)
        fprintf(stderr, "\r%ld rows read...", rows);
    else
        fprintf(stderr, "%ld rows read\n", rows);
}

static const char *rows(long n)
{
    return n == 1 ? "row" : "rows";
}

int cmd_import_customers(int argc, char **argv)
{
    const char *db_path = NULL, *file = NULL;
    struct import_options o = {0};
    struct import_summary s;
    struct import_view v = {0};
    struct err e = {0};
    struct db *db = NULL;
    int progress = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            db_path = argv[++i];
        else if (strcmp(argv[i], "--encoding") == 0 && i + 1 < argc) {
            if (import_encoding_parse(argv[++i], &o.encoding, &e))
                return cli_usage(argv[0], IMPORT_SYNOPSIS, "%s", e.msg);
        } else if (strcmp(argv[i], "--skip-bad") == 0)
            o.skip_bad = 1;
        else if (strcmp(argv[i], "--progress") == 0)
            progress = 1;
        else if (argv[i][0] == '-' && argv[i][1])
            return cli_usage(argv[0], IMPORT_SYNOPSIS, "unknown option %s", argv[i]);
        else if (!file)
            file = argv[i];
        else
            return cli_usage(argv[0], IMPORT_SYNOPSIS, "one file at a time");
    }
    if (!file)
        return cli_usage(argv[0], IMPORT_SYNOPSIS, "which file?");
    if (cli_open_db(db_path, &db))
        return CLI_EXIT_FAIL;
    v.file = file;
    v.tty = isatty(STDERR_FILENO);
    o.note = on_note;
    o.ctx = &v;
    if (progress || v.tty) {
        o.progress = on_progress;
        o.progress_every = 10000;
    }
    int rc = import_customers(db, file, &o, &s, &e);
    db_close(db);
    if (v.tty && s.rows >= 10000)
        fputc('\n', stderr);
    if (v.bad_hidden)
        fprintf(stderr, "%s: %ld more bad rows not shown\n", file, v.bad_hidden);
    if (rc)
        return cli_fail("import-customers", &e);
    printf("%s (%s): %ld %s: %ld inserted, %ld updated, %ld unchanged, %ld skipped as bad\n", file,
           import_encoding_name(s.encoding), s.rows, rows(s.rows), s.inserted, s.updated,
           s.unchanged, s.bad);
    if (s.repeated)
        printf("%ld %s repeated the account of an earlier row; the last row of each account "
               "was kept\n",
               s.repeated, rows(s.repeated));
    if (s.zero_coords)
        printf("%ld %s had 0,0 as coordinates; stored as unknown\n", s.zero_coords,
               rows(s.zero_coords));
    return CLI_EXIT_OK;
}
