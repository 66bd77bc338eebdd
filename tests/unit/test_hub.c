/* test_hub.c - the hub's store and evidence tree without HTTP: safe names, tokens and
 * passwords, blobs (verified or refused), record ingest rules and the tree's names and paths,
 * against a real hub data folder in a scratch directory. */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sync/hub_store.h"
#include "sync/hub_tree.h"
#include "sync/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char scratch[256];

static int setup(void **state)
{
    snprintf(scratch, sizeof scratch, "/tmp/gw-test-hub-XXXXXX");
    if (!mkdtemp(scratch))
        return -1;
    struct hub_store *hs = NULL;
    if (hub_store_open(&hs, scratch, NULL))
        return -1;
    *state = hs;
    return 0;
}

static int teardown(void **state)
{
    hub_store_close(*state);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
    return system(cmd);
}

static void test_tokens_and_passwords(void **state)
{
    struct hub_store *hs = *state;
    char token[HUB_TOKEN_LEN], name[64];
    int64_t id = 0;
    struct err e = {0};
    assert_int_equal(hub_device_add(hs, "tab1", token, &e), GW_OK);
    assert_int_equal(strlen(token), 68);
    assert_int_equal(hub_device_add(hs, "tab1", token, &e), GW_EEXIST);
    assert_int_equal(hub_device_add(hs, "../x", token, &e), GW_EINVAL);
    char token2[HUB_TOKEN_LEN];
    assert_int_equal(hub_device_add(hs, "tab2", token2, &e), GW_OK);
    assert_int_equal(hub_device_auth(hs, token2, &id, name, sizeof name, &e), GW_OK);
    assert_string_equal(name, "tab2");
    assert_int_equal(hub_device_auth(hs, "gw1_nope", &id, name, sizeof name, &e), GW_EAUTH);

    struct hub_user u;
    assert_int_equal(hub_user_add(hs, "wang", "supervisor", "north", "short", &e), GW_EINVAL);
    assert_int_equal(hub_user_add(hs, "wang", "king", "", "long enough pw", &e), GW_EINVAL);
    assert_int_equal(hub_user_add(hs, "wang", "supervisor", "north", "long enough pw", &e), GW_OK);
    assert_int_equal(hub_user_check(hs, "wang", "long enough pw", &u, &e), GW_OK);
    assert_string_equal(u.region, "north");
    assert_int_equal(hub_user_check(hs, "wang", "long enough pX", &u, &e), GW_EAUTH);
    assert_int_equal(hub_user_check(hs, "nobody", "long enough pw", &u, &e), GW_EAUTH);
}

static void put_blob(struct hub_store *hs, const char *data, char sha[WIRE_SHA_LEN])
{
    int fd = -1;
    wire_sha256_hex(data, strlen(data), sha);
    assert_int_equal(hub_blob_begin(hs, sha, 0, &fd, NULL), GW_OK);
    assert_int_equal(write(fd, data, strlen(data)), (ssize_t)strlen(data));
    close(fd);
    assert_int_equal(hub_blob_finish(hs, sha, (int64_t)strlen(data), NULL), GW_OK);
}

static void test_blobs(void **state)
{
    struct hub_store *hs = *state;
    char sha[WIRE_SHA_LEN];
    int64_t size = 0;
    int fd = -1;
    wire_sha256_hex("hello world", 11, sha);
    assert_int_equal(hub_blob_state(hs, sha, &size), HUB_BLOB_NONE);
    assert_int_equal(hub_blob_begin(hs, sha, 5, &fd, NULL), GW_EINVAL); /* nothing held yet */
    assert_int_equal(hub_blob_begin(hs, sha, 0, &fd, NULL), GW_OK);
    assert_int_equal(write(fd, "hello", 5), 5);
    close(fd);
    assert_int_equal(hub_blob_state(hs, sha, &size), HUB_BLOB_PARTIAL);
    assert_int_equal(size, 5);
    assert_int_equal(hub_blob_finish(hs, sha, 11, NULL), GW_EINVAL); /* incomplete: kept */
    assert_int_equal(hub_blob_begin(hs, sha, 5, &fd, NULL), GW_OK);  /* resume */
    assert_int_equal(write(fd, " world", 6), 6);
    close(fd);
    assert_int_equal(hub_blob_finish(hs, sha, 11, NULL), GW_OK);
    assert_int_equal(hub_blob_state(hs, sha, &size), HUB_BLOB_COMPLETE);
    assert_int_equal(size, 11);

    char wrong[WIRE_SHA_LEN];
    memset(wrong, 'e', 64);
    wrong[64] = '\0';
    struct err e = {0};
    assert_int_equal(hub_blob_begin(hs, wrong, 0, &fd, NULL), GW_OK);
    assert_int_equal(write(fd, "not it", 6), 6);
    close(fd);
    assert_int_equal(hub_blob_finish(hs, wrong, 6, &e), GW_ECORRUPT);
    assert_int_equal(hub_blob_state(hs, wrong, &size), HUB_BLOB_NONE);
}

static const char *FOLDER = "11111111-1111-4111-8111-111111111111";
static const char *ENTRY = "22222222-2222-4222-8222-222222222222";

static json_t *rec(const char *kind, const char *entity, json_t *payload)
{
    char id[37];
    static int n;
    snprintf(id, sizeof id, "aaaaaaaa-0000-4000-8000-%012d", ++n);
    return json_pack("{s:s, s:s, s:s, s:o, s:[]}", "id", id, "kind", kind, "entity_uuid", entity,
                     "payload", payload, "blobs");
}

static enum hub_ingest in(struct hub_store *hs, json_t *r)
{
    char msg[GW_ERR_MSG_MAX];
    enum hub_ingest s = hub_ingest_record(hs, 1, r, msg, sizeof msg);
    return s;
}

static json_t *folder(const char *uuid, const char *name)
{
    return rec("folder", uuid,
               json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "uuid", uuid, "customer_account", "1001",
                         "category", 1, "name", name, "created_at", "2026-11-22T10:00:00.000Z",
                         "updated_at", "2026-11-22T10:00:00.000Z"));
}

static json_t *entry(int version, const char *name)
{
    return rec("entry", ENTRY,
               json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s}", "uuid", ENTRY, "folder_uuid",
                         FOLDER, "customer_account", "1001", "name", name, "version", version,
                         "created_at", "2026-11-22T10:00:00.000Z", "updated_at",
                         "2026-11-22T10:00:00.000Z"));
}

static json_t *photo(const char *uuid, const char *sha)
{
    return rec("photo", uuid,
               json_pack("{s:s, s:s, s:s, s:s, s:s, s:n}", "uuid", uuid, "entry_uuid", ENTRY,
                         "folder", "appearance", "sha256", sha, "taken_at",
                         "2026-11-22T14:03:07.123Z", "original_sha256"));
}

static void test_ingest_rules(void **state)
{
    struct hub_store *hs = *state;
    json_t *r;
    assert_int_equal(hub_batch_begin(hs, NULL), GW_OK);
    r = folder(FOLDER, "表箱");
    assert_int_equal(in(hs, r), HUB_IN_STORED);
    assert_int_equal(in(hs, r), HUB_IN_DUPLICATE);
    json_object_set_new(json_object_get(r, "payload"), "name", json_string("other"));
    assert_int_equal(in(hs, r), HUB_IN_CONFLICT); /* same record id, other content */
    json_decref(r);
    r = folder(FOLDER, "../up");
    assert_int_equal(in(hs, r), HUB_IN_INVALID);
    json_decref(r);

    r = entry(1, "first");
    assert_int_equal(in(hs, r), HUB_IN_STORED);
    json_decref(r);
    r = entry(1, "first but different");
    assert_int_equal(in(hs, r), HUB_IN_CONFLICT); /* same entry version, other content */
    json_decref(r);
    r = entry(2, "second");
    assert_int_equal(in(hs, r), HUB_IN_STORED);
    json_decref(r);

    char sha[WIRE_SHA_LEN];
    wire_sha256_hex("photo bytes", 11, sha);
    r = photo("33333333-3333-4333-8333-333333333333", sha);
    assert_int_equal(in(hs, r), HUB_IN_MISSING_BLOBS);
    put_blob(hs, "photo bytes", sha);
    assert_int_equal(in(hs, r), HUB_IN_STORED);
    json_decref(r);
    r = photo("44444444-4444-4444-8444-444444444444", sha);
    assert_int_equal(in(hs, r), HUB_IN_STORED);
    json_decref(r);
    assert_int_equal(hub_batch_commit(hs, NULL), GW_OK);

    int64_t records = 0, blobs = 0;
    assert_int_equal(hub_stats(hs, &records, &blobs, NULL), GW_OK);
    assert_int_equal(records, 5);
    assert_int_equal(blobs, 1);

    /* The tree: newest entry version, photos with unique names (same second, same hash). */
    struct tree_node n;
    struct tree_list l = {0};
    struct err e = {0};
    assert_int_equal(tree_resolve(hs, NULL, "1001/用电检查/表箱", &n, &e), GW_OK);
    assert_int_equal(n.level, TL_FOLDER);
    assert_int_equal(tree_children(hs, NULL, &n, NULL, &l, &e), GW_OK);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0].name, "second");
    assert_int_equal(tree_resolve(hs, NULL, "1001/用电检查/表箱/second/appearance/", &n, &e), GW_OK);
    assert_int_equal(tree_children(hs, NULL, &n, NULL, &l, &e), GW_OK);
    assert_int_equal(l.n, 2);
    char want[64];
    snprintf(want, sizeof want, "20261122-140307_%.8s.jpg", sha);
    assert_string_equal(l.v[0].name, want);
    snprintf(want, sizeof want, "20261122-140307_%.8s (2).jpg", sha);
    assert_string_equal(l.v[1].name, want);
    tree_list_free(&l);
    assert_int_equal(tree_resolve(hs, NULL, "1001/用电检查/表箱/first", &n, &e), GW_ENOTFOUND);
    assert_int_equal(tree_resolve(hs, NULL, "1001/../1001", &n, &e), GW_ENOTFOUND);
    struct hub_user south = {1, "s", "supervisor", "south"};
    assert_int_equal(tree_resolve(hs, &south, "1001", &n, &e), GW_ENOTFOUND);
}

static void test_changes_paging(void **state)
{
    struct hub_store *hs = *state;
    char token[HUB_TOKEN_LEN], uuid[37];
    int64_t count = 0, next = 0;
    int more = 0;
    json_t *page = NULL;
    FILE *f = tmpfile();
    fputs("\xEF\xBB\xBF户号,户名,纬度,经度\n1001,\"张, 三\",30.5,120.5\n1002,李四,,\n1003,王五,,\n", f);
    rewind(f);
    assert_int_equal(hub_import_customers(hs, f, "east", &count, NULL), GW_OK);
    fclose(f);
    assert_int_equal(count, 3);
    assert_int_equal(hub_device_add(hs, "tab1", token, NULL), GW_OK);
    assert_int_equal(hub_task_add(hs, "tab1", "meter-reading", "1002", NULL, NULL, uuid, NULL),
                     GW_OK);
    assert_int_equal(hub_task_add(hs, "tab1", "meter-reading", "9999", NULL, NULL, uuid, NULL),
                     GW_ENOTFOUND);
    assert_int_equal(hub_changes(hs, 1, 0, 2, &page, &next, &more, NULL), GW_OK);
    assert_int_equal(json_array_size(page), 2);
    assert_true(more);
    json_t *c0 = json_object_get(json_array_get(page, 0), "data");
    assert_string_equal(json_string_value(json_object_get(c0, "name")), "张, 三");
    assert_true(json_real_value(json_object_get(c0, "lat")) == 30.5);
    json_decref(page);
    assert_int_equal(hub_changes(hs, 1, next, 2, &page, &next, &more, NULL), GW_OK);
    assert_int_equal(json_array_size(page), 2);
    assert_false(more);
    assert_string_equal(json_string_value(json_object_get(json_array_get(page, 1), "kind")), "task");
    json_decref(page);
    assert_int_equal(hub_changes(hs, 2, 0, 10, &page, &next, &more, NULL), GW_OK);
    assert_int_equal(json_array_size(page), 3); /* another device gets customers, not the task */
    json_decref(page);
}

/* Takes in a record and drops it. */
static enum hub_ingest in_put(struct hub_store *hs, json_t *r)
{
    enum hub_ingest s = in(hs, r);
    json_decref(r);
    return s;
}

/* remarks.txt and readings/: the listing's size and hash are those of the bytes tree_text
 * makes; a new entry version changes them; a reading's transcript is shown as hex. */
static void test_text_files(void **state)
{
    struct hub_store *hs = *state;
    struct tree_node node, readings;
    struct tree_list l = {0};
    char *text = NULL, sha[WIRE_SHA_LEN];
    size_t len = 0;
    assert_int_equal(hub_batch_begin(hs, NULL), GW_OK);
    assert_int_equal(in_put(hs, folder(FOLDER, "表箱")), HUB_IN_STORED);
    json_t *e1 = entry(1, "进线柜");
    json_object_set_new(json_object_get(e1, "payload"), "appearance_remark",
                        json_string("锁具锈蚀\n封印完整"));
    json_object_set_new(json_object_get(e1, "payload"), "lat", json_real(30.25));
    json_object_set_new(json_object_get(e1, "payload"), "lon", json_real(120.5));
    assert_int_equal(in_put(hs, e1), HUB_IN_STORED);
    json_t *rd = rec("reading", "33333333-3333-4333-8333-333333333333",
                     json_pack("{s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:s, s:s}], s:s, s:n, s:s,"
                               " s:n, s:n, s:n, s:s}",
                               "uuid", "33333333-3333-4333-8333-333333333333", "customer_account",
                               "1001", "method", "probe", "protocol", "dlt645-2007",
                               "meter_reported", "330100001001", "registers", "id",
                               "energy_fwd_total", "value", "1234.50", "unit", "kWh", "validation",
                               "ok", "reason_code", "read_at", "2026-11-22T08:15:00.000Z", "lat",
                               "lon", "accuracy_m", "transcript_b64", "aBHA/w=="));
    assert_int_equal(in_put(hs, rd), HUB_IN_STORED);
    assert_int_equal(hub_batch_commit(hs, NULL), GW_OK);

    assert_int_equal(tree_resolve(hs, NULL, "1001/用电检查/表箱/进线柜/remarks.txt", &node, NULL),
                     GW_OK);
    assert_int_equal(node.level, TL_FILE);
    assert_int_equal(node.file, TF_REMARKS);
    assert_int_equal(tree_text(hs, &node, &text, &len, NULL), GW_OK);
    assert_int_equal((int64_t)len, node.size);
    wire_sha256_hex(text, len, sha);
    assert_string_equal(sha, node.sha);
    assert_non_null(strstr(text, "Appearance remark / 外观备注:\n锁具锈蚀\n封印完整\n"));
    assert_non_null(strstr(text, "Nameplate remark / 铭牌备注:\n(none / 无)\n"));
    assert_non_null(strstr(text, "Position / 位置: 30.25, 120.5\n"));
    assert_non_null(strstr(text, "Version / 版本: 1\n"));
    free(text);
    char old_sha[WIRE_SHA_LEN];
    memcpy(old_sha, node.sha, sizeof old_sha);

    assert_int_equal(hub_batch_begin(hs, NULL), GW_OK);
    json_t *e2 = entry(2, "进线柜");
    json_object_set_new(json_object_get(e2, "payload"), "appearance_remark", json_string("已修"));
    assert_int_equal(in_put(hs, e2), HUB_IN_STORED);
    assert_int_equal(hub_batch_commit(hs, NULL), GW_OK);
    assert_int_equal(tree_resolve(hs, NULL, "1001/用电检查/表箱/进线柜/remarks.txt", &node, NULL),
                     GW_OK);
    assert_string_not_equal(node.sha, old_sha);
    assert_int_equal(tree_text(hs, &node, &text, &len, NULL), GW_OK);
    assert_non_null(strstr(text, "Version / 版本: 2\n"));
    assert_non_null(strstr(text, "外观备注:\n已修\n"));
    assert_non_null(strstr(text, "Position / 位置: unknown / 未知\n"));
    free(text);

    assert_int_equal(tree_resolve(hs, NULL, "1001/readings", &readings, NULL), GW_OK);
    assert_int_equal(readings.level, TL_READINGS);
    assert_int_equal(tree_children(hs, NULL, &readings, NULL, &l, NULL), GW_OK);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0].name, "2026-11-22T08-15-00Z probe.txt");
    assert_int_equal(tree_text(hs, &l.v[0], &text, &len, NULL), GW_OK);
    assert_int_equal((int64_t)len, l.v[0].size);
    assert_non_null(strstr(text, "  energy_fwd_total = 1234.50 kWh\n"));
    assert_non_null(strstr(text, "Meter number reported / 电表报告的表号: 330100001001\n"));
    assert_non_null(strstr(text, "000000  68 11 c0 ff\n")); /* not printable: hex only */
    free(text);
    /* A reading read before --since is left out. */
    assert_int_equal(tree_children(hs, NULL, &readings, "2026-11-23", &l, NULL), GW_OK);
    assert_int_equal(l.n, 0);
    tree_list_free(&l);
    /* A photo node has no text. */
    node.file = TF_PHOTO;
    assert_int_equal(tree_text(hs, &node, &text, &len, NULL), GW_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tokens_and_passwords, setup, teardown),
        cmocka_unit_test_setup_teardown(test_blobs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ingest_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changes_paging, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_files, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
