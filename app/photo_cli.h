/* photo_cli.h - what `gridwalk photo ...` and `gridwalk scan` share: their common options
 * (--db, --entry, --folder, --json, position, size and quality) and how a stored photo is
 * printed (a line a person reads, or one JSON object per photo with --json).
 * Only the command handlers use it; it owns no state beyond the structs it fills. */
#ifndef GRIDWALK_APP_PHOTO_CLI_H
#define GRIDWALK_APP_PHOTO_CLI_H

#include "gridwalk/config.h"
#include "app/photo.h"

#include <stdio.h>

struct photo_cli {
    const char *db;
    const char *entry;
    const char *folder;
    const char *device;
    int json;
    int pages;
    const char *source;
    const char *mode;
    int dpi;
    const char *pdf;
    int preview;
    int list;
    int scan;                 /* the scan command (scanner.device is its device setting) */
    struct photo_config cfg;  /* the options given; the store's settings fill the rest */
    unsigned given;           /* which cfg fields an option set (PHOTO_CLI_* bits) */
    char device_setting[128]; /* camera.device or scanner.device when --device is not given */
    struct photo_position pos;
};

/* Parses argv (argv[0] is the command word) with the options common to the photo commands
 * plus the scan ones when scan is set. Returns -1 for bad usage (message printed), else the
 * index of the first operand. */
int photo_cli_parse(struct photo_cli *c, int argc, char **argv, const char *cmd,
                    const char *synopsis, int scan);

/* `--list`: prints the cameras (scan 0) or scanners (scan 1) this machine has, as text or
 * JSON; none is said plainly. Returns the exit status. */
int photo_cli_list(const struct photo_cli *c, int scan);

/* Prints one stored photo to out as text or JSON. */
void photo_cli_print(const struct photo_cli *c, FILE *out, const struct photo_stored *p);

/* Opens the store and the photo context for c: the configuration is the defaults, then the
 * store's settings, then the options given. Prints the error and returns non-zero on failure.
 * On success the caller closes both (photo_ctx_done, db_close). */
int photo_cli_open(struct photo_cli *c, struct db **db, struct photo_ctx *ctx);

/* Makes SIGINT and SIGTERM set *flag (and nothing else), so a long capture or scan stops
 * cleanly at its next step with nothing half-stored. */
void photo_cli_cancel_on_signal(atomic_int *flag);

/* Prints the "no position" notice when the command has none (stderr, text mode only). */
void photo_cli_position_note(const struct photo_cli *c);

#endif
