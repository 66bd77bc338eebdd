/* test_outbox.c - the outbox as the sync agent and the status screens see it (data/outbox.c)
 * and applying pulled changes (data/pull.c), against real SQLite files in a scratch folder. */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "data/outbox.h"
#include "data/pull.h"
#include "data/sql.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char scratch[256], dbpath[300];
static const char *SHA_A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char *SHA_B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

static int setup(void **state)
{
    snprintf(scratch, sizeof scratch, "/tmp/gw-test-outbox-XXXXXX");
    if (!mkdtemp(scratch))
        return -1;
    snprintf(dbpath, sizeof dbpath, "%s/gw.db", scratch);
    struct db *db = NULL;
    if (db_open(&db, dbpath, NULL))
        return -1;
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    db_close(*state);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
    return system(cmd);
}

/* Pushes one change as the app parts do: one transaction, one outbox row. */
static void push(struct db *db, const char *kind, const char *entity, const char *payload,
                 const char *const *blobs)
{
    struct db_change c;
    struct err e = {0};
    assert_int_equal(db_change_begin(db, &c, &e), GW_OK);
    assert_int_equal(db_change_outbox(&c, kind, entity, payload, blobs, &e), GW_OK);
    assert_int_equal(db_change_commit(&c, &e), GW_OK);
}

static void sql(struct db *db, const char *s)
{
    assert_int_equal(db_exec(db, NULL, s), GW_OK);
}

static const char *setting(struct db *db, const char *key)
{
    static char buf[256];
    assert_int_equal(outbox_setting_get(db, key, buf, sizeof buf, NULL), GW_OK);
    return buf;
}

static void test_take_in_order_with_blobs(void **state)
{
    struct db *db = *state;
    const char *blobs[] = {SHA_B, SHA_A, NULL};
    push(db, "folder", "f1", "{\"n\":1}", NULL);
    push(db, "photo", "p1", "{\"n\":2}", blobs);
    push(db, "entry", "e1", "{\"n\":3}", NULL);
    struct outbox_item *it = NULL;
    int n = 0;
    assert_int_equal(outbox_take(db, "2099-01-01T00:00:00.000Z", 0, 10, 0, &it, &n, NULL), GW_OK);
    assert_int_equal(n, 3);
    assert_string_equal(it[0].kind, "folder");
    assert_string_equal(it[1].kind, "photo");
    assert_string_equal(it[1].payload, "{\"n\":2}");
    assert_non_null(it[1].blobs[0]);
    assert_non_null(it[1].blobs[1]);
    assert_null(it[1].blobs[2]);
    assert_null(it[0].blobs[0]);
    int64_t after = it[1].seq;
    outbox_items_free(it, n);
    assert_int_equal(outbox_take(db, "2099-01-01T00:00:00.000Z", after, 10, 0, &it, &n, NULL),
                     GW_OK);
    assert_int_equal(n, 1);
    assert_string_equal(it[0].kind, "entry");
    outbox_items_free(it, n);
    assert_int_equal(outbox_take(db, "x", 0, 2, 0, &it, &n, NULL), GW_OK);
    assert_int_equal(n, 2); /* the limit holds */
    outbox_items_free(it, n);
}

static void test_sent_failed_held_and_counts(void **state)
{
    struct db *db = *state;
    push(db, "folder", "f1", "{}", NULL);
    push(db, "folder", "f2", "{}", NULL);
    push(db, "folder", "f3", "{}", NULL);
    push(db, "folder", "f4", "{}", NULL);
    struct outbox_item *it = NULL;
    int n = 0;
    assert_int_equal(outbox_take(db, "2026-11-22T00:00:00.000Z", 0, 10, 0, &it, &n, NULL), GW_OK);
    assert_int_equal(n, 4);
    int64_t seqs[] = {it[0].seq};
    assert_int_equal(outbox_mark_sent(db, seqs, 1, NULL), GW_OK);
    assert_int_equal(outbox_mark_failed(db, it[1].seq, "hub unreachable",
                                        "2026-11-22T00:05:00.000Z", NULL), GW_OK);
    assert_int_equal(outbox_mark_failed(db, it[2].seq, "hub: conflict: differs", NULL, NULL),
                     GW_OK);
    int64_t s1 = it[1].seq, s2 = it[2].seq;
    outbox_items_free(it, n);

    struct outbox_counts c;
    assert_int_equal(outbox_counts(db, &c, NULL), GW_OK);
    assert_int_equal(c.sent, 1);
    assert_int_equal(c.queued, 1);
    assert_int_equal(c.retrying, 1);
    assert_int_equal(c.held, 1);

    /* Before the retry time only the queued row is due; after it the retrying one too; the
     * held one never, until a person retries. */
    assert_int_equal(outbox_take(db, "2026-11-22T00:01:00.000Z", 0, 10, 0, &it, &n, NULL), GW_OK);
    assert_int_equal(n, 1);
    outbox_items_free(it, n);
    assert_int_equal(outbox_take(db, "2026-11-22T00:06:00.000Z", 0, 10, 0, &it, &n, NULL), GW_OK);
    assert_int_equal(n, 2);
    assert_int_equal(it[0].seq, s1);
    assert_int_equal(it[0].attempts, 1);
    assert_string_equal(it[0].last_error, "hub unreachable");
    outbox_items_free(it, n);
    char next[DB_TIME_LEN];
    assert_int_equal(outbox_next_try(db, next, NULL), GW_OK);
    assert_string_equal(next, "2026-11-22T00:05:00.000Z");

    assert_int_equal(outbox_failed(db, 10, &it, &n, NULL), GW_OK);
    assert_int_equal(n, 2);
    assert_int_equal(it[0].seq, s2); /* newest problem first */
    assert_string_equal(it[0].last_error, "hub: conflict: differs");
    assert_string_equal(it[0].next_try_at, "");
    assert_null(it[0].payload);
    outbox_items_free(it, n);

    /* export-bundle takes everything unsent, due or not. */
    assert_int_equal(outbox_take(db, "2000-01-01T00:00:00.000Z", 0, 10, 1, &it, &n, NULL), GW_OK);
    assert_int_equal(n, 3);
    outbox_items_free(it, n);

    assert_int_equal(outbox_retry_held(db, NULL), 2);
    assert_int_equal(outbox_counts(db, &c, NULL), GW_OK);
    assert_int_equal(c.held, 0);
    assert_int_equal(c.retrying, 2);
    /* A sent row is never marked failed afterwards. */
    assert_int_equal(outbox_mark_failed(db, seqs[0], "late", NULL, NULL), GW_OK);
    assert_int_equal(outbox_counts(db, &c, NULL), GW_OK);
    assert_int_equal(c.sent, 1);
}

static void test_settings(void **state)
{
    struct db *db = *state;
    assert_string_equal(setting(db, OUTBOX_KEY_LAST_SUCCESS), "");
    assert_int_equal(outbox_setting_set(db, OUTBOX_KEY_LAST_SUCCESS, "2026-11-22T10:00:00.000Z",
                                        NULL), GW_OK);
    assert_int_equal(outbox_setting_set(db, OUTBOX_KEY_STATUS, "all sent", NULL), GW_OK);
    assert_int_equal(outbox_setting_set(db, OUTBOX_KEY_STATUS, "uploading 3 of 40", NULL), GW_OK);
    assert_string_equal(setting(db, OUTBOX_KEY_LAST_SUCCESS), "2026-11-22T10:00:00.000Z");
    assert_string_equal(setting(db, OUTBOX_KEY_STATUS), "uploading 3 of 40");
    assert_int_equal(outbox_setting_clear(db, OUTBOX_KEY_STATUS, NULL), GW_OK);
    assert_string_equal(setting(db, OUTBOX_KEY_STATUS), "");
}

static void test_nudge(void **state)
{
    struct db *db = *state;
    char wake[400];
    struct err e = {0};
    assert_int_equal(outbox_wake_path(db_path(db), wake, sizeof wake), GW_OK);
    assert_non_null(strstr(wake, "/syncd.wake"));
    assert_int_equal(outbox_nudge(db_path(db), &e), GW_ENOTFOUND);
    assert_int_equal(mkfifo(wake, 0600), 0);
    assert_int_equal(outbox_nudge(db_path(db), &e), GW_ENOTFOUND); /* no reader: no agent */
    int fd = open(wake, O_RDONLY | O_NONBLOCK);
    assert_true(fd >= 0);
    assert_int_equal(outbox_nudge(db_path(db), &e), GW_OK);
    char c = 0;
    assert_int_equal(read(fd, &c, 1), 1);
    close(fd);
}

static const char *text(struct db *db, const char *q)
{
    static char buf[256];
    sqlite3_stmt *st = db_prepare(db, NULL, q);
    assert_non_null(st);
    buf[0] = '\0';
    if (sqlite3_step(st) == SQLITE_ROW)
        db_col_copy(st, 0, buf, sizeof buf);
    sqlite3_finalize(st);
    return buf;
}

static void test_pull_apply(void **state)
{
    struct db *db = *state;
    struct err e = {0};
    assert_int_equal(pull_cursor(db, NULL), 0);
    sql(db, "INSERT INTO customers(account, name, lat, lon, coord_source, updated_at) "
            "VALUES('1002', 'old', 31.5, 121.5, 'pinned', 'x')");
    /* The inspector pinned 1002 and the pin is not uploaded yet. */
    push(db, "customer", "1002", "{\"account\":\"1002\",\"lat\":31.5,\"lon\":121.5}", NULL);
    const char *page =
        "[{\"rev\":1,\"kind\":\"customer\",\"data\":{\"account\":\"1001\",\"name\":\"张三\","
        "\"lat\":30.1,\"lon\":120.2,\"coord_accuracy_m\":null}},"
        "{\"rev\":2,\"kind\":\"customer\",\"data\":{\"account\":\"1002\",\"name\":\"李四\","
        "\"lat\":10,\"lon\":20}},"
        "{\"rev\":3,\"kind\":\"task\",\"data\":{\"uuid\":\"t-1\",\"kind\":\"meter-reading\","
        "\"account\":\"1001\",\"state\":\"assigned\",\"priority\":2}},"
        "{\"rev\":4,\"kind\":\"task\",\"data\":{\"uuid\":\"t-2\",\"kind\":\"inspection\","
        "\"account\":\"1003\",\"state\":\"assigned\"}},"
        "{\"rev\":5,\"kind\":\"weather\",\"data\":{}}]";
    assert_int_equal(pull_apply(db, page, 5, &e), GW_OK);
    assert_int_equal(pull_cursor(db, NULL), 5);
    assert_string_equal(text(db, "SELECT name || ',' || lat || ',' || coord_source FROM customers "
                                 "WHERE account = '1001'"), "张三,30.1,hub");
    assert_string_equal(text(db, "SELECT name || ',' || lat || ',' || coord_source FROM customers "
                                 "WHERE account = '1002'"), "李四,31.5,pinned");
    assert_string_equal(text(db, "SELECT c.account || ',' || t.priority FROM tasks t JOIN "
                                 "customers c ON c.id = t.customer_id WHERE t.uuid = 't-1'"),
                        "1001,2");
    /* A task for a customer not received yet keeps a placeholder customer. */
    assert_string_equal(text(db, "SELECT name FROM customers WHERE account = '1003'"), "1003");

    /* Applying the same page again changes nothing (a kill between pages repeats one). */
    assert_int_equal(pull_apply(db, page, 5, &e), GW_OK);
    assert_string_equal(text(db, "SELECT count(*) FROM customers"), "3");
    assert_string_equal(text(db, "SELECT count(*) FROM tasks"), "2");

    /* The device started t-1 and has not uploaded that; the office cancels it meanwhile. */
    sql(db, "UPDATE tasks SET state = 'in-progress' WHERE uuid = 't-1'");
    push(db, "task", "t-1", "{\"uuid\":\"t-1\",\"state\":\"in-progress\"}", NULL);
    const char *cancel = "[{\"rev\":6,\"kind\":\"task\",\"data\":{\"uuid\":\"t-1\",\"kind\":"
                         "\"meter-reading\",\"account\":\"1001\",\"state\":\"cancelled\"}},"
                         "{\"rev\":7,\"kind\":\"task\",\"data\":{\"uuid\":\"t-2\",\"kind\":"
                         "\"inspection\",\"account\":\"1003\",\"state\":\"cancelled\"}}]";
    assert_int_equal(pull_apply(db, cancel, 7, &e), GW_OK);
    assert_string_equal(text(db, "SELECT state FROM tasks WHERE uuid = 't-1'"), "in-progress");
    /* t-2 was never started: it disappears. t-1 stays, and the hub is told it stays. */
    assert_string_equal(text(db, "SELECT count(*) FROM tasks WHERE uuid = 't-2'"), "0");
    assert_string_equal(text(db, "SELECT count(*) FROM outbox WHERE kind = 'task' AND "
                                 "entity_uuid = 't-1'"), "2");
    /* Reassigned away (withdrawn) before any work: gone as well. */
    const char *moved = "[{\"rev\":8,\"kind\":\"task\",\"data\":{\"uuid\":\"t-3\",\"kind\":"
                        "\"inspection\",\"account\":\"1002\",\"state\":\"assigned\"}},"
                        "{\"rev\":9,\"kind\":\"task\",\"data\":{\"uuid\":\"t-3\",\"kind\":"
                        "\"inspection\",\"account\":\"1002\",\"withdrawn\":true}}]";
    assert_int_equal(pull_apply(db, moved, 9, &e), GW_OK);
    assert_string_equal(text(db, "SELECT count(*) FROM tasks WHERE uuid = 't-3'"), "0");


    assert_int_equal(pull_apply(db, "{\"not\":\"an array\"}", 10, &e), GW_EINVAL);
    assert_int_equal(pull_apply(db, "[{\"rev\":1", 10, &e), GW_EINVAL);
    assert_int_equal(pull_cursor(db, NULL), 9);
}

static void test_pull_failure_keeps_nothing(void **state)
{
    struct db *db = *state;
    struct err e = {0};
    /* A task whose kind the store refuses: the whole page rolls back, cursor included. */
    const char *page =
        "[{\"rev\":1,\"kind\":\"customer\",\"data\":{\"account\":\"2001\",\"name\":\"x\"}},"
        "{\"rev\":2,\"kind\":\"task\",\"data\":{\"uuid\":\"t-9\",\"kind\":\"dance\","
        "\"account\":\"2001\"}}]";
    assert_int_equal(pull_apply(db, page, 2, &e), GW_EINVAL);
    assert_int_equal(pull_cursor(db, NULL), 0);
    assert_string_equal(text(db, "SELECT count(*) FROM customers"), "0");
}

/* Each kind of row named the way the sync screen shows it, found through its own uuid. */
static void test_item_labels(void **state)
{
    struct db *db = *state;
    char buf[256];
    sql(db, "INSERT INTO customers(id, account, name, updated_at) VALUES"
            " (1, '3301000002', '李四', '2026-11-22T00:00:00.000Z');"
            "INSERT INTO folders(id, uuid, customer_id, category, name, created_at, updated_at)"
            " VALUES(1, 'f-1', 1, 2, '表箱', '2026-11-22T00:00:00.000Z', '2026-11-22T00:00:00.000Z');"
            "INSERT INTO entries(id, uuid, folder_id, name, created_at, updated_at) VALUES"
            " (1, 'e-1', 1, '2026-11-22 09:30', '2026-11-22T00:00:00.000Z', '2026-11-22T00:00:00.000Z');"
            "INSERT INTO photos(id, uuid, entry_id, folder, sha256, bytes, source, taken_at, created_at)"
            " VALUES(1, 'p-1', 1, 'nameplate', '" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            "', 10, 'file', '2026-11-22T00:00:00.000Z', '2026-11-22T00:00:00.000Z');"
            "INSERT INTO readings(uuid, customer_id, method, read_at, created_at) VALUES"
            " ('r-1', 1, 'manual', '2026-11-22T08:15:00.000Z', '2026-11-22T08:15:00.000Z');");
    outbox_item_label(db, "photo", "p-1", buf, sizeof buf);
    assert_string_equal(buf, "李四 › 表箱 › 2026-11-22 09:30 › nameplate");
    outbox_item_label(db, "tombstone", "e-1", buf, sizeof buf);
    assert_string_equal(buf, "李四 › 表箱 › 2026-11-22 09:30");
    outbox_item_label(db, "tombstone", "f-1", buf, sizeof buf);
    assert_string_equal(buf, "李四 › 表箱");
    outbox_item_label(db, "reading", "r-1", buf, sizeof buf);
    assert_string_equal(buf, "李四 › 2026-11-22T08:15:00.000Z");
    outbox_item_label(db, "customer", "3301000002", buf, sizeof buf);
    assert_string_equal(buf, "李四 (3301000002)");
    /* Gone from the store, or a kind this build does not know: nothing, not a wrong name. */
    outbox_item_label(db, "photo", "p-404", buf, sizeof buf);
    assert_string_equal(buf, "");
    outbox_item_label(db, "spaceship", "p-1", buf, sizeof buf);
    assert_string_equal(buf, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_take_in_order_with_blobs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sent_failed_held_and_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_settings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nudge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pull_apply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pull_failure_keeps_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_item_labels, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
