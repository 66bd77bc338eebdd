/* commands.h - the command-line subcommands of `gridwalk`, one X-macro list.
 *
 * Each entry: the word typed, the handler (int NAME(int argc, char **argv), argv[0] being
 * the word itself; returns the process exit status), the argument synopsis and one line of
 * help. The list makes the dispatch table and `gridwalk --help`. Each handler lives in its
 * own app/cmd_*.c file. */
#ifndef GRIDWALK_COMMANDS_H
#define GRIDWALK_COMMANDS_H

#define GW_COMMANDS(X)                                                                         \
    X("version", cmd_version, "", "print the version")                                         \
    X("route", cmd_route, "--from LAT,LON ACCOUNT...|--tasks|--tsplib F", "plan a route")       \
    X("pin", cmd_pin, "--customer ACCOUNT --lat L --lon L --accuracy M", "set coordinates")     \
    X("gps", cmd_gps, "[--host H] [--port P] [--json]", "print the gpsd fix once")

#define GW_DECLARE_COMMAND(word, fn, synopsis, help) int fn(int argc, char **argv);
GW_COMMANDS(GW_DECLARE_COMMAND)
#undef GW_DECLARE_COMMAND

#endif
