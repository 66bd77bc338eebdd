/* main.c - the `gridwalk` program: the full-screen app with no arguments, otherwise one of
 * the subcommands listed in commands.h. */
#include "gridwalk/config.h"

#include "app/cli.h"
#include "app/commands.h"
#include "app/config.h"
#include "app/i18n.h"
#include "app/photo.h"
#include "ui/geo.h"
#include "ui/reading.h"
#include "ui/ui.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

struct command {
    const char *word;
    int (*fn)(int argc, char **argv);
    const char *synopsis;
    const char *help;
};

#define GW_COMMAND_ROW(word, fn, synopsis, help) {word, fn, synopsis, help},
static const struct command commands[] = {GW_COMMANDS(GW_COMMAND_ROW)};
#undef GW_COMMAND_ROW

static void usage(FILE *to)
{
    fprintf(to, "usage: gridwalk [--db PATH]          open the full-screen app\n"
                "       gridwalk --version | --help\n"
                "       gridwalk COMMAND [ARGS...]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(to, "  %-18s %-40s %s\n", commands[i].word, commands[i].synopsis,
                commands[i].help);
    fprintf(to, "\nThe store defaults to $XDG_DATA_HOME/gridwalk/gridwalk.db; settings are read "
                "from\n$XDG_CONFIG_HOME/gridwalk/config.ini. LANG picks the language.\n");
}

int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("gridwalk %s\n", GRIDWALK_VERSION);
    return CLI_EXIT_OK;
}

/* The full-screen app: `gridwalk [--db PATH]`. */
static int run_app(int argc, char **argv)
{
    const char *db_path = NULL;
    struct config cfg;
    struct err e = {0};
    struct db *db = NULL;
    int rc;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            db_path = argv[++i];
        } else if (strncmp(argv[i], "--db=", 5) == 0) {
            db_path = argv[i] + 5;
        } else {
            fprintf(stderr, "gridwalk: unknown option '%s'\n\n", argv[i]);
            usage(stderr);
            return CLI_EXIT_USAGE;
        }
    }
    if (config_load(&cfg, NULL, &e))
        return cli_fail("configuration", &e);
    /* The store gridwalk-syncd drains ([sync] db) unless --db names another. */
    if (!db_path && cfg.db[0])
        db_path = cfg.db;
    if ((rc = cli_open_db(db_path, &db)))
        return rc;
    ui_reading_install();
    ui_geo_install(&cfg);
    /* Files a crash left in the media store go before anything else starts storing. */
    if (photo_store_sweep(db, NULL, &e))
        fprintf(stderr, "gridwalk: media store: %s\n", e.msg);
    ui_media_install();
    rc = ui_run(db, &cfg, &e) ? cli_fail(NULL, &e) : CLI_EXIT_OK;
    ui_geo_uninstall();
    db_close(db);
    return rc;
}

int main(int argc, char **argv)
{
    i18n_init();
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (argc >= 2 && strcmp(argv[1], "--version") == 0)
        return cmd_version(argc, argv);
    if (argc >= 2 && argv[1][0] != '-') {
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (strcmp(argv[1], commands[i].word) == 0)
                return commands[i].fn(argc - 1, argv + 1);
        fprintf(stderr, "gridwalk: unknown command '%s'\n\n", argv[1]);
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    return run_app(argc, argv);
}
