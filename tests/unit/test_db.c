/* test_db.c - the store wrapper: open, migrate, transactions and the outbox helper,
 * against real SQLite files in a scratch folder. */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "data/db.h"
#include "data/schema.h"
#include "data/sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char scratch[256];

static int setup(void **state)
{
    (void)state;
    snprintf(scratch, sizeof scratch, "/tmp/gw-test-db-XXXXXX");
    return mkdtemp(scratch) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
    return system(cmd);
}

static int64_t count(struct db *db, const char *sql)
{
    sqlite3_stmt *st = db_prepare(db, NULL, sql);
    assert_non_null(st);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static char *schema_dump(struct db *db)
{
    sqlite3_stmt *st = db_prepare(
        db, NULL, "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_schema "
                  "WHERE sql IS NOT NULL ORDER BY type, name)");
    assert_non_null(st);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    char *s = strdup(db_col_text(st, 0));
    sqlite3_finalize(st);
    return s;
}

static void test_open_creates_folders_and_migrates(void **state)
{
    (void)state;
    char path[512];
    struct db *db = NULL;
    struct err e = {0};
    snprintf(path, sizeof path, "%s/a/b/store.db", scratch);
    assert_int_equal(db_open(&db, path, &e), GW_OK);
    assert_int_equal(db_schema_version(db), db_schema_latest());
    assert_true(db_schema_latest() >= 1);
    assert_int_equal(count(db, "PRAGMA foreign_keys"), 1);
    assert_int_equal(db_check_integrity(db, &e), GW_OK);
    db_close(db);
    /* Reopening an up-to-date store changes nothing. */
    assert_int_equal(db_open(&db, path, &e), GW_OK);
    assert_int_equal(db_schema_version(db), db_schema_latest());
    sqlite3_stmt *st = db_prepare(db, NULL, "PRAGMA journal_mode");
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal(db_col_text(st, 0), "wal");
    sqlite3_finalize(st);
    db_close(db);
}

/* From every earlier version, migrating to the newest gives the same schema as from empty. */
static void test_migrations_from_every_version(void **state)
{
    (void)state;
    struct err e = {0};
    struct db *fresh = NULL;
    assert_int_equal(db_open(&fresh, ":memory:", &e), GW_OK);
    char *want = schema_dump(fresh);
    db_close(fresh);
    for (int v = 0; v < db_schema_latest(); v++) {
        char path[512];
        struct db *db = NULL;
        snprintf(path, sizeof path, "%s/v%d.db", scratch, v);
        assert_int_equal(db_open_at_version(&db, path, v, &e), GW_OK);
        assert_int_equal(db_schema_version(db), v);
        db_close(db);
        assert_int_equal(db_open(&db, path, &e), GW_OK);
        assert_int_equal(db_schema_version(db), db_schema_latest());
        char *got = schema_dump(db);
        assert_string_equal(got, want);
        free(got);
        db_close(db);
    }
    free(want);
}

static void test_refuses_newer_and_foreign_files(void **state)
{
    (void)state;
    char path[512];
    struct db *db = NULL;
    struct err e = {0};
    snprintf(path, sizeof path, "%s/newer.db", scratch);
    assert_int_equal(db_open(&db, path, &e), GW_OK);
    assert_int_equal(db_exec(db, &e, "PRAGMA user_version=999"), GW_OK);
    db_close(db);
    assert_int_equal(db_open(&db, path, &e), GW_EDB);
    assert_null(db);
    assert_non_null(strstr(e.msg, "update gridwalk"));

    snprintf(path, sizeof path, "%s/text.db", scratch);
    FILE *f = fopen(path, "w");
    fputs("this is a text file, not a database, and it is long enough to have a header\n", f);
    fclose(f);
    assert_int_equal(db_open(&db, path, &e), GW_EDB);
    assert_non_null(strstr(e.msg, "not a gridwalk store"));
}

static void test_change_requires_outbox_row(void **state)
{
    (void)state;
    struct db *db = NULL;
    struct err e = {0};
    struct db_change c;
    assert_int_equal(db_open(&db, ":memory:", &e), GW_OK);
    assert_int_equal(db_change_begin(db, &c, &e), GW_OK);
    assert_int_equal(db_exec(db, &e, "INSERT INTO settings VALUES('k','v')"), GW_OK);
    assert_int_equal(db_change_commit(&c, &e), GW_EINTERNAL);
    assert_int_equal(count(db, "SELECT count(*) FROM settings WHERE key='k'"), 0);
    assert_false(db_in_transaction(db));

    const char *blobs[] = {"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                           NULL};
    assert_int_equal(db_change_begin(db, &c, &e), GW_OK);
    assert_int_equal(db_exec(db, &e, "INSERT INTO settings VALUES('k','v')"), GW_OK);
    assert_int_equal(db_change_outbox(&c, "test", "u-1", "{\"a\":1}", blobs, &e), GW_OK);
    assert_int_equal(db_change_commit(&c, &e), GW_OK);
    assert_int_equal(count(db, "SELECT count(*) FROM settings WHERE key='k'"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox WHERE state='queued'"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox_blobs"), 1);

    /* Invalid JSON is refused and the change rolls back whole. */
    assert_int_equal(db_change_begin(db, &c, &e), GW_OK);
    assert_int_equal(db_exec(db, &e, "INSERT INTO settings VALUES('k2','v')"), GW_OK);
    assert_int_not_equal(db_change_outbox(&c, "test", "u-2", "{not json", NULL, &e), GW_OK);
    db_change_abort(&c);
    assert_int_equal(count(db, "SELECT count(*) FROM settings WHERE key='k2'"), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox"), 1);
    db_close(db);
}

static void test_nested_rollback_dooms_outer(void **state)
{
    (void)state;
    struct db *db = NULL;
    struct err e = {0};
    assert_int_equal(db_open(&db, ":memory:", &e), GW_OK);
    assert_int_equal(db_begin(db, &e), GW_OK);
    assert_int_equal(db_exec(db, &e, "INSERT INTO settings VALUES('a','1')"), GW_OK);
    assert_int_equal(db_begin(db, &e), GW_OK);
    db_rollback(db);
    err_clear(&e);
    assert_int_equal(db_commit(db, &e), GW_EDB);
    assert_non_null(strstr(e.msg, "test_db.c"));
    assert_int_equal(count(db, "SELECT count(*) FROM settings WHERE key='a'"), 0);
    db_close(db);
}

static void test_time_uuid_and_device_id(void **state)
{
    (void)state;
    char t[DB_TIME_LEN], u1[DB_UUID_LEN], u2[DB_UUID_LEN], d1[DB_UUID_LEN], d2[DB_UUID_LEN];
    struct db *db = NULL;
    struct err e = {0};
    db_now(t);
    assert_int_equal(strlen(t), 24);
    assert_int_equal(t[10], 'T');
    assert_int_equal(t[23], 'Z');
    db_uuid(u1);
    db_uuid(u2);
    assert_int_equal(strlen(u1), 36);
    assert_string_not_equal(u1, u2);
    assert_int_equal(u1[14], '4');
    assert_int_equal(db_open(&db, ":memory:", &e), GW_OK);
    assert_int_equal(db_device_id(db, d1, &e), GW_OK);
    assert_int_equal(db_device_id(db, d2, &e), GW_OK);
    assert_string_equal(d1, d2);
    db_close(db);
}

static void test_default_path(void **state)
{
    (void)state;
    char buf[512];
    struct err e = {0};
    setenv("XDG_DATA_HOME", "/x/data", 1);
    assert_int_equal(db_default_path(buf, sizeof buf, &e), GW_OK);
    assert_string_equal(buf, "/x/data/gridwalk/gridwalk.db");
    unsetenv("XDG_DATA_HOME");
    setenv("HOME", "/home/u", 1);
    assert_int_equal(db_default_path(buf, sizeof buf, &e), GW_OK);
    assert_string_equal(buf, "/home/u/.local/share/gridwalk/gridwalk.db");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_creates_folders_and_migrates),
        cmocka_unit_test(test_migrations_from_every_version),
        cmocka_unit_test(test_refuses_newer_and_foreign_files),
        cmocka_unit_test(test_change_requires_outbox_row),
        cmocka_unit_test(test_nested_rollback_dooms_outer),
        cmocka_unit_test(test_time_uuid_and_device_id),
        cmocka_unit_test(test_default_path),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
