/* test_wire.c - the wire format: validation, digests, envelopes, the media path rule and
 * bundles written and read back (real files in a scratch folder). */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "data/mediastore.h"
#include "sync/bundle.h"
#include "sync/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *U1 = "0b7c3a52-1f7e-4d8e-9a51-3c2e8f0a1b2c";
static const char *U2 = "1c8d4b63-2a8f-4e9f-8b62-4d3f9a1b2c3d";
static const char *SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

static json_t *folder(const char *name, int category)
{
    return json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:i, s:s, s:s, s:s}, s:[]}", "id", U1, "kind",
                     "folder", "entity_uuid", U2, "payload", "uuid", U2, "customer_account",
                     "1001", "category", category, "name", name, "created_at",
                     "2026-11-22T10:00:00.000Z", "updated_at", "2026-11-22T10:00:00.000Z",
                     "blobs");
}

static void test_names(void **state)
{
    (void)state;
    assert_true(wire_name_valid("表箱 A"));
    assert_true(wire_name_valid("2026-11-22 14:03"));
    assert_false(wire_name_valid(""));
    assert_false(wire_name_valid("."));
    assert_false(wire_name_valid(".."));
    assert_false(wire_name_valid("../x"));
    assert_false(wire_name_valid("a/b"));
    assert_false(wire_name_valid("a\\b"));
    assert_false(wire_name_valid("line\nbreak"));
    char longname[WIRE_MAX_NAME + 2];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_false(wire_name_valid(longname));
    assert_true(wire_sha_valid(SHA));
    assert_false(wire_sha_valid("9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"));
    assert_false(wire_sha_valid("../../etc/passwd"));
    assert_true(wire_uuid_valid(U1));
    assert_false(wire_uuid_valid("0b7c3a52-1f7e-4d8e-9a51-3c2e8f0a1b2"));
}

static void test_record_check(void **state)
{
    (void)state;
    struct wire_record r;
    struct err e = {0};
    json_t *rec = folder("表箱 A", 1);
    assert_int_equal(wire_record_check(rec, &r, &e), GW_OK);
    assert_int_equal(r.kind, WK_FOLDER);
    assert_string_equal(r.entity_uuid, U2);
    json_decref(rec);

    rec = folder("../x", 1);
    assert_int_equal(wire_record_check(rec, &r, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "\"name\""));
    json_decref(rec);

    rec = folder("ok", 4);
    assert_int_equal(wire_record_check(rec, &r, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "category"));
    json_decref(rec);

    rec = json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s}}", "id", U1, "kind", "photo",
                    "entity_uuid", U2, "payload", "uuid", U2, "entry_uuid", U1, "folder",
                    "appearance", "sha256", "nothex", "taken_at", "2026-11-22T10:00:00.000Z");
    assert_int_equal(wire_record_check(rec, &r, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "sha256"));
    json_object_set_new(json_object_get(rec, "payload"), "sha256", json_string(SHA));
    assert_int_equal(wire_record_check(rec, &r, &e), GW_OK);
    json_object_set_new(json_object_get(rec, "payload"), "folder", json_string("outside"));
    assert_int_equal(wire_record_check(rec, &r, &e), GW_EINVAL);
    json_decref(rec);

    rec = json_pack("{s:s, s:s, s:s, s:{}}", "id", U1, "kind", "spaceship", "entity_uuid", U2,
                    "payload");
    assert_int_equal(wire_record_check(rec, &r, &e), GW_EINVAL);
    json_decref(rec);
    assert_int_equal(wire_record_check(NULL, &r, &e), GW_EINVAL);
}

static void test_entry_version(void **state)
{
    (void)state;
    struct wire_record r;
    json_t *rec = json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:i}}", "id", U1, "kind",
                            "entry", "entity_uuid", U2, "payload", "uuid", U2, "folder_uuid",
                            U1, "customer_account", "1001", "name", "2026-11-22 14:03",
                            "version", 3);
    assert_int_equal(wire_record_check(rec, &r, NULL), GW_OK);
    assert_int_equal(r.version, 3);
    json_object_set_new(json_object_get(rec, "payload"), "version", json_integer(0));
    assert_int_equal(wire_record_check(rec, &r, NULL), GW_EINVAL);
    json_decref(rec);
}

static void test_digest_ignores_key_order_and_spacing(void **state)
{
    (void)state;
    char a[WIRE_SHA_LEN], b[WIRE_SHA_LEN], c[WIRE_SHA_LEN];
    json_t *x = json_loads("{\"b\": 1, \"a\": \"表\"}", 0, NULL);
    json_t *y = json_loads("{\"a\":\"表\",\"b\":1}", 0, NULL);
    json_t *z = json_loads("{\"a\":\"表\",\"b\":2}", 0, NULL);
    wire_digest(x, a);
    wire_digest(y, b);
    wire_digest(z, c);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    json_decref(x);
    json_decref(y);
    json_decref(z);
    char h[WIRE_SHA_LEN];
    wire_sha256_hex("test", 4, h);
    assert_string_equal(h, SHA);
}

static void test_envelope(void **state)
{
    (void)state;
    json_t *j = NULL;
    struct err e = {0};
    const char *portal = "<html><body>Log in to the hotel Wi-Fi</body></html>";
    assert_int_equal(wire_parse_envelope(portal, strlen(portal), &j, &e), GW_ENET);
    assert_null(j);
    assert_non_null(strstr(e.msg, "captive portal"));
    const char *other = "{\"status\":\"ok\"}";
    assert_int_equal(wire_parse_envelope(other, strlen(other), &j, &e), GW_ENET);
    char *bad = wire_error_body("conflict", "record %s differs", "x");
    assert_int_equal(wire_parse_envelope(bad, strlen(bad), &j, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "record x differs"));
    free(bad);
    char *good = wire_ok_body(json_pack("{s:i}", "next", 7));
    assert_int_equal(wire_parse_envelope(good, strlen(good), &j, &e), GW_OK);
    assert_int_equal(json_integer_value(json_object_get(j, "next")), 7);
    json_decref(j);
    free(good);
    assert_int_equal(wire_parse_envelope(NULL, 0, &j, &e), GW_ENET);
}

static void test_record_new_and_media_path(void **state)
{
    (void)state;
    json_t *rec = NULL;
    struct err e = {0};
    const char *blobs[] = {SHA, NULL};
    char payload[512];
    snprintf(payload, sizeof payload,
             "{\"uuid\":\"%s\",\"entry_uuid\":\"%s\",\"folder\":\"nameplate\",\"sha256\":\"%s\","
             "\"taken_at\":\"2026-11-22T10:00:00.000Z\",\"original_sha256\":null}",
             U2, U1, SHA);
    assert_int_equal(wire_record_new(&rec, U1, "photo", U2, payload, blobs, &e), GW_OK);
    struct wire_record r;
    assert_int_equal(wire_record_check(rec, &r, &e), GW_OK);
    assert_int_equal(json_array_size(r.blobs), 1);
    json_decref(rec);
    assert_int_equal(wire_record_new(&rec, U1, "photo", U2, "{broken", NULL, &e), GW_EINVAL);
    assert_null(rec);

    char path[256];
    assert_int_equal(mediastore_file_for("/data/gw/gridwalk.db", SHA, path, sizeof path), GW_OK);
    assert_string_equal(path, "/data/gw/media/9f/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b8"
                              "22cd15d6c15b0f00a08.jpg");
    assert_int_equal(mediastore_file_for("gridwalk.db", SHA, path, sizeof path), GW_OK);
    assert_int_equal(strncmp(path, "./media/9f/", 11), 0);
    assert_int_equal(mediastore_file_for("x.db", "../../etc", path, sizeof path), GW_EINVAL);
}

struct seen {
    int blobs, records;
    char blob_text[64];
};

static int on_blob(void *ctx, struct bundle_reader *r, const char *sha, int64_t size,
                   struct err *e)
{
    struct seen *s = ctx;
    (void)e;
    assert_string_equal(sha, SHA);
    assert_int_equal(size, 4);
    ssize_t n = bundle_blob_read(r, s->blob_text, sizeof s->blob_text - 1);
    assert_true(n == 4);
    s->blob_text[n] = '\0';
    s->blobs++;
    return GW_OK;
}

static int on_record(void *ctx, json_t *rec, struct err *e)
{
    struct seen *s = ctx;
    (void)e;
    assert_string_equal(json_string_value(json_object_get(rec, "id")), U1);
    s->records++;
    return GW_OK;
}

static void test_bundle_round_trip(void **state)
{
    (void)state;
    char dir[] = "/tmp/gw-test-wire-XXXXXX", file[300], blob[128], bundle[128];
    assert_non_null(mkdtemp(dir));
    snprintf(blob, sizeof blob, "%s/blob", dir);
    snprintf(bundle, sizeof bundle, "%s/stick.gwb", dir);
    FILE *f = fopen(blob, "w");
    fputs("test", f);
    fclose(f);
    struct bundle_writer *w = NULL;
    struct err e = {0};
    assert_int_equal(bundle_write_open(&w, bundle, "device-1", &e), GW_OK);
    assert_int_equal(bundle_write_blob(w, SHA, blob, &e), GW_OK);
    assert_int_equal(bundle_write_blob(w, SHA, blob, &e), GW_OK); /* repeats are ignored */
    char wrong[WIRE_SHA_LEN];
    memset(wrong, 'a', 64);
    wrong[64] = '\0';
    assert_int_equal(bundle_write_blob(w, wrong, blob, &e), GW_ECORRUPT);
    json_t *rec = folder("表箱", 2);
    assert_int_equal(bundle_write_record(w, rec, &e), GW_OK);
    assert_int_equal(bundle_write_record(w, rec, &e), GW_OK);
    json_decref(rec);
    assert_int_equal(bundle_write_close(w, &e), GW_OK);
    snprintf(file, sizeof file, "%s.tmp", bundle);
    assert_int_not_equal(access(file, F_OK), 0);

    struct seen s = {0};
    struct bundle_sink sink = {on_blob, on_record, &s};
    assert_int_equal(bundle_read(bundle, &sink, &e), GW_OK);
    assert_int_equal(s.blobs, 1);
    assert_int_equal(s.records, 2);
    assert_string_equal(s.blob_text, "test");
    assert_int_not_equal(bundle_read(blob, &sink, &e), GW_OK); /* not a tar */

    /* An aborted bundle leaves nothing behind. */
    snprintf(file, sizeof file, "%s/aborted.gwb", dir);
    assert_int_equal(bundle_write_open(&w, file, "d", &e), GW_OK);
    bundle_write_abort(w);
    assert_int_not_equal(access(file, F_OK), 0);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_record_check),
        cmocka_unit_test(test_entry_version),
        cmocka_unit_test(test_digest_ignores_key_order_and_spacing),
        cmocka_unit_test(test_envelope),
        cmocka_unit_test(test_record_new_and_media_path),
        cmocka_unit_test(test_bundle_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
