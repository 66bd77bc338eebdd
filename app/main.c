/* main.c - the `gridwalk` program: the full-screen app with no arguments, otherwise one of
 * the subcommands listed in commands.h. */
#include "gridwalk/config.h"

#include "app/cli.h"
#include "app/commands.h"

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
                "       gridwalk COMMAND [ARGS...]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(to, "  %-18s %-40s %s\n", commands[i].word, commands[i].synopsis,
                commands[i].help);
    fprintf(to, "\nThe store defaults to $XDG_DATA_HOME/gridwalk/gridwalk.db.\n");
}

int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("gridwalk %s\n", GRIDWALK_VERSION);
    return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
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
    fprintf(stderr, "gridwalk: the full-screen app is not part of this build yet\n");
    return CLI_EXIT_FAIL;
}
