/* test_hub_tasks.c - the hub's task administration without HTTP: bulk import from CSV (all or
 * nothing, the bad line named), the office's list with states, lateness and evidence, and
 * cancel/reassign as the changes each device pulls. Real hub store in a scratch folder. */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sync/hub_store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char scratch[256];

static int setup(void **state)
{
    char token[HUB_TOKEN_LEN];
    int64_t n = 0;
    snprintf(scratch, sizeof scratch, "/tmp/gw-test-hubtasks-XXXXXX");
    if (!mkdtemp(scratch))
        return -1;
    struct hub_store *hs = NULL;
    if (hub_store_open(&hs, scratch, NULL) || hub_device_add(hs, "tab1", token, NULL) ||
        hub_device_add(hs, "tab2", token, NULL))
        return -1;
    FILE *f = tmpfile();
    fputs("account,name\n1001,张三\n1002,李四\n1003,王五\n", f);
    rewind(f);
    int rc = hub_import_customers(hs, f, "", &n, NULL);
    fclose(f);
    *state = hs;
    return rc;
}

static int teardown(void **state)
{
    hub_store_close(*state);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
    return system(cmd);
}

static int import_text(struct hub_store *hs, const char *csv, int64_t *n, struct err *e)
{
    FILE *f = tmpfile();
    fputs(csv, f);
    rewind(f);
    int rc = hub_task_import(hs, f, n, e);
    fclose(f);
    return rc;
}

/* The list as JSON, parsed (the caller decrefs). */
static json_t *list(struct hub_store *hs, const struct hub_task_query *q)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    assert_int_equal(hub_task_list(hs, q, 1, m, NULL), GW_OK);
    fclose(m);
    json_t *a = json_loads(buf, 0, NULL);
    free(buf);
    assert_true(json_is_array(a));
    return a;
}

static const char *field(json_t *a, size_t i, const char *k)
{
    return json_string_value(json_object_get(json_array_get(a, i), k));
}

static void test_import_all_or_nothing(void **state)
{
    struct hub_store *hs = *state;
    struct err e = {0};
    int64_t n = 99;
    struct hub_task_query all = {0};
    /* Line 3 names an unknown customer, line 4 a bad kind: the first bad line is named. */
    assert_int_equal(import_text(hs,
                                 "kind,account,due,assignee,instructions\n"
                                 "meter-reading,1001,2026-12-01,tab1,read\n"
                                 "inspection,9999,,tab1,look\n"
                                 "dance,1002,,tab1,\n",
                                 &n, &e),
                     GW_ENOTFOUND);
    assert_non_null(strstr(e.msg, "line 3"));
    assert_non_null(strstr(e.msg, "nothing imported"));
    assert_int_equal(n, 0);
    json_t *a = list(hs, &all);
    assert_int_equal(json_array_size(a), 0);
    json_decref(a);
    memset(&e, 0, sizeof e);
    assert_int_equal(import_text(hs, "kind,account,due,assignee\nmeter-reading,1001,12/01,tab1\n",
                                 &n, &e),
                     GW_EINVAL);
    assert_non_null(strstr(e.msg, "YYYY-MM-DD"));
    assert_int_equal(import_text(hs, "kind,account,due\nmeter-reading,1001,\n", &n, &e),
                     GW_EINVAL);
    /* A good file, quoted commas and a priority column, in any column order. */
    assert_int_equal(import_text(hs,
                                 "assignee,kind,account,due,instructions,priority\n"
                                 "tab1,meter-reading,1001,2020-01-01,\"read, then seal\",3\n"
                                 "tab2,inspection,1002,,look,\n",
                                 &n, NULL),
                     GW_OK);
    assert_int_equal(n, 2);
    a = list(hs, &all);
    assert_int_equal(json_array_size(a), 2);
    assert_string_equal(field(a, 0, "device"), "tab1");
    assert_string_equal(field(a, 0, "instructions"), "read, then seal");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(a, 0), "priority")), 3);
    assert_true(json_is_true(json_object_get(json_array_get(a, 0), "late")));
    assert_true(json_is_null(json_object_get(json_array_get(a, 1), "due_date")));
    json_decref(a);
    /* Late: due date passed and not finished. */
    struct hub_task_query late = {.late = 1};
    a = list(hs, &late);
    assert_int_equal(json_array_size(a), 1);
    assert_string_equal(field(a, 0, "account"), "1001");
    json_decref(a);
    struct hub_task_query tab2 = {.device = "tab2"};
    a = list(hs, &tab2);
    assert_int_equal(json_array_size(a), 1);
    json_decref(a);
}

/* The last change a device would pull for a task. */
static json_t *last_change(struct hub_store *hs, int64_t device, const char *uuid)
{
    json_t *page = NULL, *found = NULL;
    int64_t next = 0;
    int more = 0;
    assert_int_equal(hub_changes(hs, device, 0, 1000, &page, &next, &more, NULL), GW_OK);
    size_t i;
    json_t *c;
    json_array_foreach(page, i, c)
    {
        json_t *d = json_object_get(c, "data");
        if (strcmp(json_string_value(json_object_get(c, "kind")), "task") == 0 &&
            strcmp(json_string_value(json_object_get(d, "uuid")), uuid) == 0)
            found = d;
    }
    if (found)
        json_incref(found);
    json_decref(page);
    return found;
}

static void test_cancel_and_reassign(void **state)
{
    struct hub_store *hs = *state;
    char u1[37], u2[37];
    struct err e = {0};
    assert_int_equal(hub_task_add(hs, "tab1", "meter-reading", "1001", NULL, NULL, u1, NULL), GW_OK);
    assert_int_equal(hub_task_add(hs, "tab1", "inspection", "1002", NULL, NULL, u2, NULL), GW_OK);
    json_t *d = last_change(hs, 1, u1);
    assert_false(json_is_true(json_object_get(d, "withdrawn")));
    json_decref(d);

    assert_int_equal(hub_task_cancel(hs, u1, NULL), GW_OK);
    d = last_change(hs, 1, u1);
    assert_true(json_is_true(json_object_get(d, "withdrawn")));
    assert_string_equal(json_string_value(json_object_get(d, "state")), "cancelled");
    json_decref(d);
    assert_int_equal(hub_task_cancel(hs, u1, &e), GW_EINVAL); /* already cancelled */
    assert_int_equal(hub_task_cancel(hs, "no-such-task", NULL), GW_ENOTFOUND);

    assert_int_equal(hub_task_reassign(hs, u2, "tab3", NULL), GW_ENOTFOUND);
    assert_int_equal(hub_task_reassign(hs, u2, "tab1", NULL), GW_EINVAL);
    assert_int_equal(hub_task_reassign(hs, u2, "tab2", NULL), GW_OK);
    d = last_change(hs, 1, u2); /* the old device: withdrawn */
    assert_true(json_is_true(json_object_get(d, "withdrawn")));
    json_decref(d);
    d = last_change(hs, 2, u2); /* the new one: assigned afresh */
    assert_false(json_is_true(json_object_get(d, "withdrawn")));
    assert_string_equal(json_string_value(json_object_get(d, "state")), "assigned");
    json_decref(d);
    struct hub_task_query q = {.state = "cancelled"};
    json_t *a = list(hs, &q);
    assert_int_equal(json_array_size(a), 1);
    assert_string_equal(field(a, 0, "uuid"), u1);
    json_decref(a);
}

/* Evidence comes from what devices sent: a task record, its reading and an entry's photos. */
static void test_results_and_evidence(void **state)
{
    struct hub_store *hs = *state;
    char u1[37], u2[37], msg[256];
    assert_int_equal(hub_task_add(hs, "tab1", "meter-reading", "1001", NULL, NULL, u1, NULL), GW_OK);
    assert_int_equal(hub_task_add(hs, "tab1", "meter-reading", "1003", "2020-01-01", NULL, u2, NULL),
                     GW_OK);
    char rec[1024];
    snprintf(rec, sizeof rec,
             "{\"id\":\"6b1f0c2e-5d0a-4d7e-9a51-0c7f5d7e1a01\",\"kind\":\"task\","
             "\"entity_uuid\":\"%s\",\"blobs\":[],\"payload\":"
             "{\"uuid\":\"%s\",\"state\":\"failed\",\"reason_code\":\"METER-BROKEN\","
             "\"result\":null,\"started_at\":null,\"finished_at\":null,\"lat\":null,\"lon\":null,"
             "\"accuracy_m\":null}}",
             u2, u2);
    json_t *r = json_loads(rec, 0, NULL);
    assert_non_null(r);
    assert_int_equal(hub_batch_begin(hs, NULL), GW_OK);
    enum hub_ingest s = hub_ingest_record(hs, 1, r, msg, sizeof msg);
    assert_int_equal(hub_batch_commit(hs, NULL), GW_OK);
    json_decref(r);
    if (s != HUB_IN_STORED)
        fprintf(stderr, "# %s\n", msg);
    assert_int_equal(s, HUB_IN_STORED);
    struct hub_task_query att = {.attention = 1};
    json_t *a = list(hs, &att);
    assert_int_equal(json_array_size(a), 1);
    assert_string_equal(field(a, 0, "state"), "failed");
    assert_string_equal(field(a, 0, "reason_code"), "METER-BROKEN");
    assert_false(json_is_true(json_object_get(json_array_get(a, 0), "late"))); /* failed, not late */
    assert_int_equal(json_array_size(json_object_get(json_array_get(a, 0), "readings")), 0);
    json_decref(a);
    /* The table form says the same. */
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    assert_int_equal(hub_task_list(hs, &att, 0, m, NULL), GW_OK);
    fclose(m);
    assert_non_null(strstr(buf, "METER-BROKEN"));
    free(buf);
}

/* A device's task record, taken in as device `dev` would send it. */
static enum hub_ingest report(struct hub_store *hs, int64_t dev, const char *id, const char *task,
                              const char *state, const char *finished)
{
    char rec[1024], msg[256];
    snprintf(rec, sizeof rec,
             "{\"id\":\"%s\",\"kind\":\"task\",\"entity_uuid\":\"%s\",\"blobs\":[],"
             "\"payload\":{\"uuid\":\"%s\",\"state\":\"%s\",\"reason_code\":null,"
             "\"result\":\"ok\",\"started_at\":\"2026-11-22T08:00:00.000Z\",\"finished_at\":%s,"
             "\"lat\":30.5,\"lon\":120.25,\"accuracy_m\":4}}",
             id, task, task, state, finished);
    json_t *r = json_loads(rec, 0, NULL);
    assert_non_null(r);
    assert_int_equal(hub_batch_begin(hs, NULL), GW_OK);
    enum hub_ingest s = hub_ingest_record(hs, dev, r, msg, sizeof msg);
    assert_int_equal(hub_batch_commit(hs, NULL), GW_OK);
    json_decref(r);
    if (s != HUB_IN_STORED)
        fprintf(stderr, "# %s\n", msg);
    return s;
}

/* How many withdrawals of task uuid device dev was sent. */
static int withdrawals(struct hub_store *hs, int64_t dev, const char *uuid)
{
    json_t *page = NULL, *c;
    int64_t next = 0;
    int more = 0, n = 0;
    size_t i;
    assert_int_equal(hub_changes(hs, dev, 0, 1000, &page, &next, &more, NULL), GW_OK);
    json_array_foreach(page, i, c)
    {
        json_t *d = json_object_get(c, "data");
        const char *du = json_string_value(json_object_get(d, "uuid"));
        if (du && strcmp(du, uuid) == 0 &&
            json_is_true(json_object_get(d, "withdrawn")))
            n++;
    }
    json_decref(page);
    return n;
}

/* Issue: a task reassigned after the old device started it. The old device's report is
 * accepted and attributed to it, and the new assignee is told to drop the task, once; if the
 * new assignee reports work too, both keep it and the list says so. */
static void test_reassigned_after_work_started(void **state)
{
    struct hub_store *hs = *state;
    char u[37];
    assert_int_equal(hub_task_add(hs, "tab1", "inspection", "1001", NULL, NULL, u, NULL), GW_OK);
    assert_int_equal(hub_task_reassign(hs, u, "tab2", NULL), GW_OK);
    assert_int_equal(withdrawals(hs, 2, u), 0);
    assert_int_equal(report(hs, 1, "6b1f0c2e-5d0a-4d7e-9a51-0c7f5d7e1a11", u, "in-progress", "null"),
                     HUB_IN_STORED);
    assert_int_equal(withdrawals(hs, 2, u), 1);
    assert_int_equal(report(hs, 1, "6b1f0c2e-5d0a-4d7e-9a51-0c7f5d7e1a12", u, "done",
                            "\"2026-11-22T09:00:00.000Z\""), HUB_IN_STORED);
    assert_int_equal(withdrawals(hs, 2, u), 1); /* told once */
    struct hub_task_query q = {0};
    json_t *a = list(hs, &q);
    json_t *t = json_array_get(a, 0);
    assert_string_equal(field(a, 0, "state"), "done");
    assert_string_equal(field(a, 0, "device"), "tab2");
    assert_string_equal(field(a, 0, "reported_by"), "tab1");
    assert_string_equal(field(a, 0, "withdrawn_from"), "tab2");
    assert_string_equal(field(a, 0, "started_at"), "2026-11-22T08:00:00.000Z");
    assert_string_equal(field(a, 0, "finished_at"), "2026-11-22T09:00:00.000Z");
    assert_true(json_number_value(json_object_get(t, "lat")) == 30.5);
    assert_true(json_number_value(json_object_get(t, "accuracy_m")) == 4);
    assert_int_equal(json_array_size(json_object_get(t, "work")), 1);
    assert_string_equal(field(a, 0, "note"),
                        "worked by tab1, reassigned to tab2: withdrawn from tab2 because tab1 had "
                        "started it");
    json_decref(a);
    /* tab2 had started it too (it keeps a withdrawn task it started, and says so). */
    assert_int_equal(report(hs, 2, "6b1f0c2e-5d0a-4d7e-9a51-0c7f5d7e1a13", u, "in-progress", "null"),
                     HUB_IN_STORED);
    a = list(hs, &q);
    assert_true(json_is_null(json_object_get(json_array_get(a, 0), "withdrawn_from")));
    assert_int_equal(json_array_size(json_object_get(json_array_get(a, 0), "worked_by")), 2);
    assert_non_null(strstr(field(a, 0, "note"), "worked by both tab1 and tab2"));
    json_decref(a);
    assert_int_equal(withdrawals(hs, 2, u), 1);
    /* A report from the assignee of a task nobody moved withdraws nothing. */
    char v[37];
    assert_int_equal(hub_task_add(hs, "tab1", "inspection", "1002", NULL, NULL, v, NULL), GW_OK);
    assert_int_equal(report(hs, 1, "6b1f0c2e-5d0a-4d7e-9a51-0c7f5d7e1a14", v, "done", "null"),
                     HUB_IN_STORED);
    assert_int_equal(withdrawals(hs, 1, v), 0);
}

static void sql(const char *db, const char *text)
{
    sqlite3 *h = NULL;
    char *msg = NULL;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    if (sqlite3_exec(h, text, NULL, NULL, &msg) != SQLITE_OK)
        fprintf(stderr, "# %s\n", msg ? msg : "?");
    assert_null(msg);
    sqlite3_close(h);
}

/* A hub store made by the first release (schema 1) opens as schema 2, and what it had
 * received fills the new columns: an entry's position, a task's report and its device. */
static void test_migration_from_v1(void **state)
{
    struct hub_store *hs = *state;
    char u[37], db[300];
    assert_int_equal(hub_task_add(hs, "tab1", "inspection", "1001", NULL, NULL, u, NULL), GW_OK);
    hub_store_close(hs);
    *state = NULL;
    snprintf(db, sizeof db, "%s/hub.db", scratch);
    /* Back to the shape of version 1. */
    sql(db, "DROP TABLE task_work; DROP INDEX readings_account;"
            "ALTER TABLE entries DROP COLUMN lat; ALTER TABLE entries DROP COLUMN lon;"
            "ALTER TABLE entries DROP COLUMN accuracy_m; ALTER TABLE readings DROP COLUMN read_at;"
            "ALTER TABLE tasks DROP COLUMN started_at; ALTER TABLE tasks DROP COLUMN finished_at;"
            "ALTER TABLE tasks DROP COLUMN lat; ALTER TABLE tasks DROP COLUMN lon;"
            "ALTER TABLE tasks DROP COLUMN accuracy_m; ALTER TABLE tasks DROP COLUMN reported_by;"
            "ALTER TABLE tasks DROP COLUMN withdrawn_from; PRAGMA user_version = 1;");
    char text[2048];
    snprintf(text, sizeof text,
             "INSERT INTO records VALUES('r1', 'entry', 'e1', 2, 'd', '{\"payload\":{\"lat\":30.1,"
             "\"lon\":120.2,\"accuracy_m\":7}}', 1, '2026-11-22T08:00:00.000Z');"
             "INSERT INTO entries(uuid, version, folder_uuid, account, name, created_at, updated_at,"
             " digest) VALUES('e1', 2, 'f1', '1001', 'x', 'a', 'b', 'd');"
             "INSERT INTO readings VALUES('g1', '1001', 'd', '{\"read_at\":\"2026-11-22T08:15:00.000Z\"}');"
             "INSERT INTO records VALUES('r2', 'task', '%s', 1, 'd', '{\"payload\":{\"state\":\"done\","
             "\"started_at\":\"2026-11-22T07:00:00.000Z\",\"finished_at\":\"2026-11-22T07:30:00.000Z\","
             "\"lat\":30.3,\"lon\":120.4,\"accuracy_m\":5}}', 1, '2026-11-22T08:00:00.000Z');",
             u);
    sql(db, text);
    assert_int_equal(hub_store_open(&hs, scratch, NULL), GW_OK);
    *state = hs;
    struct hub_task_query q = {0};
    json_t *a = list(hs, &q);
    assert_string_equal(field(a, 0, "started_at"), "2026-11-22T07:00:00.000Z");
    assert_string_equal(field(a, 0, "finished_at"), "2026-11-22T07:30:00.000Z");
    assert_string_equal(field(a, 0, "reported_by"), "tab1");
    assert_true(json_number_value(json_object_get(json_array_get(a, 0), "accuracy_m")) == 5);
    json_decref(a);
    hub_store_close(hs);
    *state = NULL;
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, "SELECT (SELECT lat || ',' || lon || ',' || accuracy_m "
                                           "FROM entries), (SELECT read_at FROM readings), "
                                           "(SELECT user_version FROM pragma_user_version)",
                                        -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "30.1,120.2,7.0");
    assert_string_equal((const char *)sqlite3_column_text(st, 1), "2026-11-22T08:15:00.000Z");
    assert_int_equal(sqlite3_column_int(st, 2), 2);
    sqlite3_finalize(st);
    sqlite3_close(h);
    /* A store newer than this program is refused with both versions named. */
    sql(db, "PRAGMA user_version = 9");
    struct err e = {0};
    assert_int_equal(hub_store_open(&hs, scratch, &e), GW_EDB);
    assert_non_null(strstr(e.msg, "version 9"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_import_all_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_and_reassign, setup, teardown),
        cmocka_unit_test_setup_teardown(test_results_and_evidence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reassigned_after_work_started, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration_from_v1, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
