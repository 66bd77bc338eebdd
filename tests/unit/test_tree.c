/* test_tree.c - the directory tree in the store: every change with exactly one outbox row
 * in the same transaction, payloads as the sync contract says, tombstones with reasons,
 * nothing hard-deleted, sync state read back from the outbox. Real SQLite, in memory. */
#include "gridwalk/config.h"

#include "data/sql.h"
#include "data/tree.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static int setup(void **state)
{
    struct db *db = NULL;
    struct err e = {0};
    assert_int_equal(db_open(&db, ":memory:", &e), GW_OK);
    assert_int_equal(db_exec(db, &e,
                             "INSERT INTO customers(id,account,name,updated_at) VALUES"
                             "(1,'3301000001','张三','2026-11-01T00:00:00.000Z'),"
                             "(2,'3301000002','李四','2026-11-01T00:00:00.000Z')"),
                     GW_OK);
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    db_close(*state);
    return 0;
}

static int64_t count(struct db *db, const char *sql)
{
    sqlite3_stmt *st = db_prepare(db, NULL, sql);
    assert_non_null(st);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static const char *text(struct db *db, const char *sql)
{
    static char buf[4096];
    sqlite3_stmt *st = db_prepare(db, NULL, sql);
    assert_non_null(st);
    buf[0] = '\0';
    if (sqlite3_step(st) == SQLITE_ROW)
        db_col_copy(st, 0, buf, sizeof buf);
    sqlite3_finalize(st);
    return buf;
}

static void test_folder_create_and_payload(void **state)
{
    struct db *db = *state;
    struct err e = {0};
    int64_t id = 0;
    assert_int_equal(tree_folder_create(db, 1, 2, "1号表箱", &id, &e), GW_OK);
    assert_true(id > 0);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox"), 1);
    assert_string_equal(text(db, "SELECT kind FROM outbox"), "folder");
    assert_string_equal(
        text(db, "SELECT group_concat(key, ',') FROM outbox, json_each(outbox.payload)"),
        "uuid,customer_account,category,name,created_at,updated_at");
    assert_string_equal(text(db, "SELECT json_extract(payload,'$.customer_account') FROM outbox"),
                        "3301000001");
    assert_int_equal(count(db, "SELECT json_extract(payload,'$.category') FROM outbox"), 2);
    assert_string_equal(text(db, "SELECT entity_uuid = json_extract(payload,'$.uuid') FROM outbox"),
                        "1");
    struct tree_folder *fs = NULL;
    size_t n = 0;
    assert_int_equal(tree_list_folders(db, 1, 2, &fs, &n, &e), GW_OK);
    assert_int_equal(n, 1);
    assert_string_equal(fs[0].name, "1号表箱");
    assert_int_equal(fs[0].sync, TREE_SYNC_QUEUED);
    free(fs);
    assert_int_equal(tree_list_folders(db, 1, 1, &fs, &n, &e), GW_OK);
    assert_int_equal(n, 0);
    assert_null(fs);
    /* Refusals write nothing. */
    assert_int_equal(tree_folder_create(db, 1, 4, "x", NULL, &e), GW_EINVAL);
    assert_int_equal(tree_folder_create(db, 99, 1, "x", NULL, &e), GW_ENOTFOUND);
    assert_int_equal(tree_folder_create(db, 1, 1, "", NULL, &e), GW_EINVAL);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM folders"), 1);
}

static void test_folder_rename(void **state)
{
    struct db *db = *state;
    struct err e = {0};
    int64_t id;
    struct tree_folder f;
    assert_int_equal(tree_folder_create(db, 1, 1, "旧名", &id, &e), GW_OK);
    assert_int_equal(tree_folder_rename(db, id, "新名", &e), GW_OK);
    assert_int_equal(tree_folder_get(db, id, &f, &e), GW_OK);
    assert_string_equal(f.name, "新名");
    assert_int_equal(count(db, "SELECT count(*) FROM outbox WHERE kind='folder'"), 2);
    assert_string_equal(
        text(db, "SELECT json_extract(payload,'$.name') FROM outbox ORDER BY seq DESC"), "新名");
    assert_int_equal(tree_folder_rename(db, 999, "x", &e), GW_ENOTFOUND);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox"), 2);
}

static void test_entry_create_edit(void **state)
{
    struct db *db = *state;
    struct err e = {0};
    int64_t fid, eid, eid2;
    struct tree_entry en;
    assert_int_equal(tree_folder_create(db, 1, 1, "变压器", &fid, &e), GW_OK);
    assert_int_equal(
        tree_entry_create(db, fid, "2026-11-22 14:03", NULL, NULL, NAN, NAN, NAN, &eid, &e), GW_OK);
    assert_int_equal(
        tree_entry_create(db, fid, "复查", "外观正常", "铭牌缺失", 30.25, 120.17, 4.5, &eid2, &e),
        GW_OK);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox WHERE kind='entry'"), 2);
    assert_string_equal(
        text(db, "SELECT group_concat(key, ',') FROM outbox, json_each(outbox.payload)"
                 " WHERE kind='entry' AND seq=(SELECT min(seq) FROM outbox WHERE kind='entry')"),
        "uuid,folder_uuid,customer_account,name,appearance_remark,nameplate_remark,created_at,"
        "updated_at,version,lat,lon,accuracy_m");
    /* Unknown position is JSON null, never 0. */
    assert_string_equal(
        text(db, "SELECT json_type(payload,'$.lat') FROM outbox WHERE kind='entry' ORDER BY seq"),
        "null");
    assert_string_equal(
        text(db, "SELECT json_extract(payload,'$.accuracy_m') FROM outbox WHERE kind='entry' "
                 "ORDER BY seq DESC"),
        "4.5");
    assert_int_equal(tree_entry_get(db, eid2, &en, &e), GW_OK);
    assert_string_equal(en.appearance_remark, "外观正常");
    assert_int_equal(en.version, 1);
    /* Edit one text: the others stay, the version goes up, a new row is queued. */
    assert_int_equal(tree_entry_edit(db, eid2, NULL, NULL, "铭牌已补", &e), GW_OK);
    assert_int_equal(tree_entry_get(db, eid2, &en, &e), GW_OK);
    assert_string_equal(en.appearance_remark, "外观正常");
    assert_string_equal(en.nameplate_remark, "铭牌已补");
    assert_string_equal(en.name, "复查");
    assert_int_equal(en.version, 2);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox WHERE kind='entry'"), 3);
    assert_int_equal(
        count(db, "SELECT json_extract(payload,'$.version') FROM outbox ORDER BY seq DESC"), 2);
    /* The version sent before stays as it was. */
    assert_string_equal(text(db, "SELECT json_extract(payload,'$.nameplate_remark') FROM outbox"
                                 " WHERE kind='entry' ORDER BY seq LIMIT 1 OFFSET 1"),
                        "铭牌缺失");
    /* An edit while the first version is already sent (photos uploading) still works. */
    assert_int_equal(db_exec(db, &e, "UPDATE outbox SET state='sent'"), GW_OK);
    assert_int_equal(tree_entry_get(db, eid2, &en, &e), GW_OK);
    assert_int_equal(en.sync, TREE_SYNC_SENT);
    assert_int_equal(tree_entry_edit(db, eid2, "复查二", NULL, NULL, &e), GW_OK);
    assert_int_equal(tree_entry_get(db, eid2, &en, &e), GW_OK);
    assert_int_equal(en.sync, TREE_SYNC_QUEUED);
    assert_int_equal(en.version, 3);
    struct tree_entry *es = NULL;
    size_t n;
    assert_int_equal(tree_list_entries(db, fid, &es, &n, &e), GW_OK);
    assert_int_equal(n, 2);
    assert_int_equal(es[0].id, eid);
    free(es);
    assert_int_equal(tree_entry_edit(db, eid, "", NULL, NULL, &e), GW_EINVAL);
}

static void test_every_entry_has_one_outbox_row(void **state)
{
    struct db *db = *state;
    struct err e = {0};
    int64_t fid;
    assert_int_equal(tree_folder_create(db, 2, 3, "争议", &fid, &e), GW_OK);
    for (int i = 0; i < 50; i++)
        assert_int_equal(tree_entry_create(db, fid, "e", NULL, NULL, NAN, NAN, NAN, NULL, &e),
                         GW_OK);
    assert_int_equal(count(db, "SELECT count(*) FROM entries e WHERE (SELECT count(*) FROM outbox"
                               " o WHERE o.entity_uuid = e.uuid AND o.kind='entry') = 1"),
                     50);
}

static void test_remove_keeps_rows_and_queues_tombstones(void **state)
{
    struct db *db = *state;
    struct err e = {0};
    int64_t fid, eid;
    assert_int_equal(tree_folder_create(db, 1, 1, "表箱", &fid, &e), GW_OK);
    assert_int_equal(tree_entry_create(db, fid, "a", NULL, NULL, NAN, NAN, NAN, &eid, &e), GW_OK);
    assert_int_equal(db_exec(db, &e,
                             "INSERT INTO photos(uuid,entry_id,folder,sha256,bytes,width,height,"
                             "source,taken_at,created_at) VALUES('p-1',1,'appearance',"
                             "printf('%064d',1),123456,1600,1200,'camera',"
                             "'2026-11-22T06:05:00.000Z','2026-11-22T06:05:00.000Z'),"
                             "('p-2',1,'nameplate',printf('%064d',2),2048,NULL,NULL,'file',"
                             "'2026-11-22T06:06:00.000Z','2026-11-22T06:06:00.000Z')"),
                     GW_OK);
    struct tree_photo *ps = NULL;
    size_t n;
    assert_int_equal(tree_list_photos(db, eid, "appearance", &ps, &n, &e), GW_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ps[0].width, 1600);
    assert_string_equal(ps[0].source, "camera");
    assert_int_equal(ps[0].sync, TREE_SYNC_NONE);
    int64_t pid = ps[0].id;
    free(ps);
    assert_int_equal(tree_list_photos(db, eid, "nameplate", &ps, &n, &e), GW_OK);
    assert_int_equal(ps[0].width, -1);
    free(ps);
    int folders, entries, photos;
    assert_int_equal(tree_category_counts(db, 1, 1, &folders, &entries, &photos, &e), GW_OK);
    assert_int_equal(folders, 1);
    assert_int_equal(entries, 1);
    assert_int_equal(photos, 2);

    assert_int_equal(tree_photo_remove(db, pid, "  ", &e), GW_EINVAL);
    assert_int_equal(tree_photo_remove(db, pid, "拍糊了", &e), GW_OK);
    assert_int_equal(tree_photo_remove(db, pid, "again", &e), GW_ENOTFOUND);
    assert_int_equal(tree_entry_remove(db, eid, "重复", &e), GW_OK);
    assert_int_equal(tree_folder_remove(db, fid, "建错", &e), GW_OK);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox WHERE kind='tombstone'"), 3);
    assert_string_equal(
        text(db, "SELECT group_concat(json_extract(payload,'$.kind') || ':' ||"
                 " json_extract(payload,'$.reason'), ',') FROM outbox WHERE kind='tombstone'"),
        "photo:拍糊了,entry:重复,folder:建错");
    assert_string_equal(text(db,
                             "SELECT group_concat(key, ',') FROM outbox, json_each(outbox.payload)"
                             " WHERE kind='tombstone' AND json_extract(payload,'$.kind')='photo'"),
                        "kind,uuid,reason,deleted_at");
    assert_string_equal(text(db, "SELECT json_extract(payload,'$.uuid') FROM outbox WHERE "
                                 "kind='tombstone' ORDER BY seq LIMIT 1"),
                        "p-1");
    /* Nothing hard-deleted. */
    assert_int_equal(count(db, "SELECT count(*) FROM photos"), 2);
    assert_int_equal(count(db, "SELECT count(*) FROM entries"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM folders"), 1);
    assert_int_equal(tree_folder_get(db, fid, &(struct tree_folder){0}, &e), GW_ENOTFOUND);
    assert_int_equal(tree_list_folders(db, 1, 1, &(struct tree_folder *){NULL}, &n, &e), GW_OK);
    assert_int_equal(n, 0);
    /* No entry in a removed folder. */
    assert_int_equal(tree_entry_create(db, fid, "x", NULL, NULL, NAN, NAN, NAN, NULL, &e),
                     GW_ENOTFOUND);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox WHERE kind='entry'"), 1);
}

static void test_sync_status(void **state)
{
    struct db *db = *state;
    struct err e = {0};
    struct sync_status s;
    assert_int_equal(tree_sync_status(db, &s, &e), GW_OK);
    assert_int_equal(s.queued, 0);
    assert_string_equal(s.last_success, "");
    assert_int_equal(tree_folder_create(db, 1, 1, "a", NULL, &e), GW_OK);
    assert_int_equal(tree_folder_create(db, 1, 1, "b", NULL, &e), GW_OK);
    assert_int_equal(tree_folder_create(db, 1, 1, "c", NULL, &e), GW_OK);
    assert_int_equal(db_exec(db, &e,
                             "UPDATE outbox SET state='failed' WHERE seq=1;"
                             "UPDATE outbox SET state='sent' WHERE seq=2;"
                             "INSERT INTO settings VALUES('sync.last_success',"
                             "'2026-11-22T06:00:00.000Z'),('sync.status','uploading 1 of 2'),"
                             "('sync.auth_error','401: token revoked')"),
                     GW_OK);
    assert_int_equal(tree_sync_status(db, &s, &e), GW_OK);
    assert_int_equal(s.queued, 1);
    assert_int_equal(s.failed, 1);
    assert_string_equal(s.last_success, "2026-11-22T06:00:00.000Z");
    assert_string_equal(s.agent_status, "uploading 1 of 2");
    assert_string_equal(s.auth_error, "401: token revoked");
    struct tree_folder *fs;
    size_t n;
    assert_int_equal(tree_list_folders(db, 1, 1, &fs, &n, &e), GW_OK);
    assert_int_equal(fs[0].sync, TREE_SYNC_FAILED);
    assert_int_equal(fs[1].sync, TREE_SYNC_SENT);
    assert_int_equal(fs[2].sync, TREE_SYNC_QUEUED);
    free(fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_folder_create_and_payload, setup, teardown),
        cmocka_unit_test_setup_teardown(test_folder_rename, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entry_create_edit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_entry_has_one_outbox_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_keeps_rows_and_queues_tombstones, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_sync_status, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
