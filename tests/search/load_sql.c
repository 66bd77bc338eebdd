/* load_sql.c - `search-load-sql STORE`: runs the SQL on standard input against a gridwalk
 * store (created and migrated if new), with the store's SQL extensions registered, which
 * the sqlite3 shell lacks: its customers triggers need them. For tests that put customers
 * in a store before there is an import command to do it. */
#include "gridwalk/config.h"

#include "data/db.h"
#include "data/sql.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    struct db *db = NULL;
    struct err e = {0};
    size_t cap = 1 << 16, n = 0;
    char *sql = malloc(cap);
    if (argc != 2 || !sql) {
        fprintf(stderr, "usage: search-load-sql STORE < file.sql\n");
        return 2;
    }
    for (size_t got; (got = fread(sql + n, 1, cap - n - 1, stdin)) > 0;) {
        n += got;
        if (n + 1 == cap) {
            char *grown = realloc(sql, cap * 2);
            if (!grown)
                abort();
            sql = grown;
            cap *= 2;
        }
    }
    sql[n] = '\0';
    int rc = db_open(&db, argv[1], &e) || db_exec(db, &e, sql);
    if (rc)
        fprintf(stderr, "search-load-sql: %s\n", e.msg);
    db_close(db);
    free(sql);
    return rc ? 1 : 0;
}
