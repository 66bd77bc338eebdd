/* cmd_demo_data.c - `gridwalk demo-data`: made-up customers into the store or a CSV file. */
#include "gridwalk/config.h"

#include "app/cli.h"
#include "app/commands.h"
#include "app/demodata.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEMO_SYNOPSIS "[--db PATH] --customers N [--seed S] [--csv FILE]"

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    char *end = NULL;
    if (!*s || *s == '-')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

int cmd_demo_data(int argc, char **argv)
{
    const char *db_path = NULL, *csv = NULL;
    uint64_t n = 0, seed = 1;
    int have_n = 0;
    struct err e = {0};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            db_path = argv[++i];
        else if (strcmp(argv[i], "--csv") == 0 && i + 1 < argc)
            csv = argv[++i];
        else if (strcmp(argv[i], "--customers") == 0 && i + 1 < argc) {
            if (parse_u64(argv[++i], DEMODATA_MAX, &n))
                return cli_usage(argv[0], DEMO_SYNOPSIS, "--customers takes a number up to %u",
                                 DEMODATA_MAX);
            have_n = 1;
        } else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            if (parse_u64(argv[++i], UINT64_MAX, &seed))
                return cli_usage(argv[0], DEMO_SYNOPSIS, "--seed takes a whole number");
        } else
            return cli_usage(argv[0], DEMO_SYNOPSIS, "unexpected argument %s", argv[i]);
    }
    if (!have_n)
        return cli_usage(argv[0], DEMO_SYNOPSIS, "how many? give --customers N");
    if (csv && db_path)
        return cli_usage(argv[0], DEMO_SYNOPSIS, "--csv and --db: choose one");
    if (csv) {
        FILE *f = strcmp(csv, "-") == 0 ? stdout : fopen(csv, "w");
        if (!f) {
            err_set(&e, GW_EIO, "cannot create %s: %s", csv, strerror(errno));
            return cli_fail("demo-data", &e);
        }
        int rc = demodata_write_csv(f, seed, n, &e);
        if (f != stdout && fclose(f) != 0 && !rc)
            rc = err_set(&e, GW_EIO, "cannot write %s: %s", csv, strerror(errno));
        return rc ? cli_fail("demo-data", &e) : CLI_EXIT_OK;
    }
    struct db *db = NULL;
    uint64_t added = 0;
    if (cli_open_db(db_path, &db))
        return CLI_EXIT_FAIL;
    int rc = demodata_to_store(db, seed, n, &added, &e);
    db_close(db);
    if (rc)
        return cli_fail("demo-data", &e);
    printf("%llu demo customers (seed %llu): %llu new\n", (unsigned long long)n,
           (unsigned long long)seed, (unsigned long long)added);
    return CLI_EXIT_OK;
}
