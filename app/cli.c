/* cli.c - shared helpers of the command-line subcommands. */
#include "gridwalk/config.h"

#include "app/cli.h"

#include <stdarg.h>
#include <stdio.h>

int cli_open_db(const char *path, struct db **out)
{
    struct err e = {0};
    char def[4096];
    if (!path) {
        if (db_default_path(def, sizeof def, &e))
            return cli_fail("store", &e);
        path = def;
    }
    if (db_open(out, path, &e))
        return cli_fail("store", &e);
    return CLI_EXIT_OK;
}

int cli_fail(const char *context, const struct err *e)
{
    fprintf(stderr, "gridwalk: %s%s%s\n", context ? context : "", context ? ": " : "",
            e && e->msg[0] ? e->msg : "failed");
    return CLI_EXIT_FAIL;
}

int cli_usage(const char *cmd, const char *synopsis, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "gridwalk %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nusage: gridwalk %s %s\n", cmd, synopsis);
    return CLI_EXIT_USAGE;
}
