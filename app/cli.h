/* cli.h - what every `gridwalk` subcommand shares: opening the store named by --db (or the
 * default one) and reporting errors the same way.
 *
 * Exit statuses: 0 success, 1 the operation failed (message on stderr), 2 bad usage. */
#ifndef GRIDWALK_CLI_H
#define GRIDWALK_CLI_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"
#include "data/db.h"

#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2

/* Opens the store at path, or at the default path when path is NULL. Prints the error and
 * returns non-zero on failure. */
int cli_open_db(const char *path, struct db **out);

/* Prints "gridwalk: <context>: <message>" to stderr; returns CLI_EXIT_FAIL. */
int cli_fail(const char *context, const struct err *e);

/* Prints "gridwalk <cmd>: <message>\nusage: ..." to stderr; returns CLI_EXIT_USAGE. */
int cli_usage(const char *cmd, const char *synopsis, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
