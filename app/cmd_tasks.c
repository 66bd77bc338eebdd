/* cmd_tasks.c - `gridwalk tasks` and `gridwalk task ...`: the device's task list and the
 * state changes a reader makes, for scripts, support staff and tests. */
#include "gridwalk/config.h"

#include "app/cli.h"
#include "app/commands.h"
#include "data/tasks.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TASKS_MAX 5000

static const char tasks_synopsis[] = "[--db PATH] [--kind K] [--state S] [--json]";
static const char task_synopsis[] =
    "start|done|skip|fail ID [--db PATH] [--result TEXT] [--code CODE] [--lat LAT --lon LON "
    "--accuracy M]";

static json_t *num_or_null(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

static void print_json(const struct task *t)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(t->id));
    json_object_set_new(o, "uuid", json_string(t->uuid));
    json_object_set_new(o, "kind", json_string(task_kind_name(t->kind)));
    json_object_set_new(o, "state", json_string(task_state_name(t->state)));
    json_object_set_new(o, "account", json_string(t->account));
    json_object_set_new(o, "name", json_string(t->customer_name));
    json_object_set_new(o, "address", json_string(t->address));
    json_object_set_new(o, "lat", num_or_null(t->lat));
    json_object_set_new(o, "lon", num_or_null(t->lon));
    json_object_set_new(o, "due_date", t->due_date[0] ? json_string(t->due_date) : json_null());
    json_object_set_new(o, "priority", json_integer(t->priority));
    json_object_set_new(o, "instructions", json_string(t->instructions));
    json_object_set_new(o, "reason_code",
                        t->reason_code[0] ? json_string(t->reason_code) : json_null());
    json_object_set_new(o, "result", t->result[0] ? json_string(t->result) : json_null());
    json_object_set_new(o, "route_pos", t->route_pos >= 0 ? json_integer(t->route_pos)
                                                          : json_null());
    char *s = json_dumps(o, JSON_COMPACT);
    if (s)
        puts(s);
    free(s);
    json_decref(o);
}

int cmd_tasks(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"kind", required_argument, NULL, 'k'},
                                         {"state", required_argument, NULL, 's'},
                                         {"json", no_argument, NULL, 'j'},
                                         {NULL, 0, NULL, 0}};
    const char *dbpath = NULL;
    struct task_filter f = {-1, -1};
    int json = 0, c, rc = CLI_EXIT_OK;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': dbpath = optarg; break;
        case 'j': json = 1; break;
        case 'k':
            if ((f.kind = task_kind_parse(optarg)) < 0)
                return cli_usage("tasks", tasks_synopsis,
                                 "unknown kind '%s' (inspection or meter-reading)", optarg);
            break;
        case 's':
            if ((f.state = task_state_parse(optarg)) < 0)
                return cli_usage("tasks", tasks_synopsis,
                                 "unknown state '%s' (assigned, in-progress, done, skipped, "
                                 "failed, cancelled)", optarg);
            break;
        default: return cli_usage("tasks", tasks_synopsis, "unknown option");
        }
    }
    if (optind < argc)
        return cli_usage("tasks", tasks_synopsis, "unexpected argument '%s'", argv[optind]);
    struct db *db = NULL;
    if (cli_open_db(dbpath, &db))
        return CLI_EXIT_FAIL;
    struct task *list = calloc(TASKS_MAX, sizeof *list);
    struct err e = {0};
    int n = 0;
    if (!list)
        abort();
    if (tasks_list(db, &f, list, TASKS_MAX, &n, &e)) {
        rc = cli_fail("tasks", &e);
        goto out;
    }
    for (int i = 0; i < n; i++) {
        const struct task *t = &list[i];
        if (json)
            print_json(t);
        else
            printf("%-6lld %-13s %-11s %-12s %s%s%s%s%s\n", (long long)t->id,
                   task_kind_name(t->kind), task_state_name(t->state), t->account,
                   t->customer_name, t->due_date[0] ? "  due " : "", t->due_date,
                   t->reason_code[0] ? "  code " : "", t->reason_code);
    }
    if (!json && n == 0)
        fprintf(stderr, "no tasks on this device\n");
out:
    free(list);
    db_close(db);
    return rc;
}

static int parse_double(const char *s, double *out)
{
    char *end = NULL;
    errno = 0;
    *out = strtod(s, &end);
    return errno || end == s || *end;
}

int cmd_task(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"result", required_argument, NULL, 'r'},
                                         {"code", required_argument, NULL, 'c'},
                                         {"lat", required_argument, NULL, 'a'},
                                         {"lon", required_argument, NULL, 'o'},
                                         {"accuracy", required_argument, NULL, 'm'},
                                         {NULL, 0, NULL, 0}};
    const char *dbpath = NULL, *result = NULL, *code = NULL;
    double lat = NAN, lon = NAN, acc = NAN;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        double *target = c == 'a' ? &lat : c == 'o' ? &lon : c == 'm' ? &acc : NULL;
        switch (c) {
        case 'd': dbpath = optarg; break;
        case 'r': result = optarg; break;
        case 'c': code = optarg; break;
        case 'a':
        case 'o':
        case 'm':
            if (parse_double(optarg, target))
                return cli_usage("task", task_synopsis, "'%s' is not a number", optarg);
            break;
        default: return cli_usage("task", task_synopsis, "unknown option");
        }
    }
    if (argc - optind != 2)
        return cli_usage("task", task_synopsis, "give an action and a task ID");
    const char *action = argv[optind];
    char *end = NULL;
    long long id = strtoll(argv[optind + 1], &end, 10);
    if (!end || *end || id <= 0)
        return cli_usage("task", task_synopsis, "'%s' is not a task ID", argv[optind + 1]);
    struct db *db = NULL;
    if (cli_open_db(dbpath, &db))
        return CLI_EXIT_FAIL;
    struct err e = {0};
    int rc;
    if (strcmp(action, "start") == 0)
        rc = tasks_start(db, id, &e);
    else if (strcmp(action, "done") == 0)
        rc = tasks_complete(db, id, result, lat, lon, acc, &e);
    else if (strcmp(action, "skip") == 0)
        rc = tasks_skip(db, id, code, &e);
    else if (strcmp(action, "fail") == 0)
        rc = tasks_fail(db, id, code, &e);
    else {
        db_close(db);
        return cli_usage("task", task_synopsis, "unknown action '%s'", action);
    }
    db_close(db);
    if (rc)
        return cli_fail("task", &e);
    return CLI_EXIT_OK;
}
