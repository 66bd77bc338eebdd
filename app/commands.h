/* commands.h - the command-line subcommands of `gridwalk`, one X-macro list.
 *
 * Each entry: the word typed, the handler (int NAME(int argc, char **argv), argv[0] being
 * the word itself; returns the process exit status), the argument synopsis and one line of
 * help. The list makes the dispatch table and `gridwalk --help`. Each handler lives in its
 * own app/cmd_*.c file. */
#ifndef GRIDWALK_COMMANDS_H
#define GRIDWALK_COMMANDS_H

#define GW_COMMANDS(X)                                                                         \
    X("folder", cmd_folder, "new|rename|remove ...", "topic folders of a customer's tree")     \
    X("entry", cmd_entry, "new|edit|remove ...", "entries in a topic folder")                  \
    X("photo", cmd_photo, "add|capture|remove ...",                                           \
      "store photos in an entry, or tombstone one")                                            \
    X("tree", cmd_tree, "ACCOUNT [--json]", "show a customer's directory tree")                \
    X("import-customers", cmd_import_customers,                                                \
      "[--db PATH] [--encoding E] [--skip-bad] FILE.csv",                                      \
      "load customers from the marketing system's CSV export")                                 \
    X("demo-data", cmd_demo_data, "[--db PATH] --customers N [--seed S] [--csv FILE]",         \
      "make realistic made-up customers (store or CSV)")                                       \
    X("search", cmd_search, "[--db PATH] [--limit N] [--offset N] [--json] QUERY...",          \
      "find customers by any of the seven fields")                                             \
    X("tasks", cmd_tasks, "[--db PATH] [--kind K] [--state S] [--json]",                       \
      "list this device's tasks in route order")                                               \
    X("task", cmd_task, "start|done|skip|fail ID [--code C] [--result T]",                     \
      "move a task on (done needs its evidence)")                                              \
    X("export-bundle", cmd_export_bundle, "[--db PATH] FILE",                                  \
      "write unsent changes for a USB stick")                                                  \
    X("read-meter", cmd_read_meter, "--port DEV [--protocol P] [--json]",                      \
      "read a meter over the optical probe")                                                   \
    X("route", cmd_route, "--from LAT,LON ACCOUNT...|--tasks|--tsplib F", "plan a route")      \
    X("pin", cmd_pin, "--customer ACCOUNT --lat L --lon L --accuracy M", "set coordinates")    \
    X("gps", cmd_gps, "[--host H] [--port P] [--json]", "print the gpsd fix once")             \
    X("map", cmd_map, "--customer ACCOUNT|--tasks [--from LAT,LON|--gps]", "draw the map")     \
    X("scan", cmd_scan, "--entry ID [--pages N] ...", "scan pages into an entry")              \
    X("version", cmd_version, "", "print the version")

/* `photo remove` (app/cmd_tree.c), reached through cmd_photo (app/cmd_photo.c). */
int cmd_photo_remove(int argc, char **argv);

#define GW_DECLARE_COMMAND(word, fn, synopsis, help) int fn(int argc, char **argv);
GW_COMMANDS(GW_DECLARE_COMMAND)
#undef GW_DECLARE_COMMAND

#endif
