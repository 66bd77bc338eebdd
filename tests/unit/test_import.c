/* test_import.c - the CSV import: good files in English and Chinese, GB18030, malformed
 * rows, duplicates and truncated files, into a real SQLite store in a scratch folder. The
 * files are in tests/data/import (see its README). */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/import.h"
#include "data/customers.h"
#include "data/sql.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char scratch[256];
static struct db *db;

#define MAX_NOTES 32
struct notes {
    int n;
    long line[MAX_NOTES];
    enum import_note_kind kind[MAX_NOTES];
    char msg[MAX_NOTES][300];
};
static struct notes notes;

static void on_note(void *ctx, enum import_note_kind kind, long line, const char *msg)
{
    struct notes *nt = ctx;
    if (nt->n >= MAX_NOTES)
        return;
    nt->line[nt->n] = line;
    nt->kind[nt->n] = kind;
    snprintf(nt->msg[nt->n], sizeof nt->msg[0], "%s", msg);
    nt->n++;
}

static int progress_seen;
static long progress_last;

static void on_progress(void *ctx, long rows)
{
    (void)ctx;
    progress_seen++;
    progress_last = rows;
}

static int setup(void **state)
{
    (void)state;
    char path[300];
    snprintf(scratch, sizeof scratch, "/tmp/gw-test-import-XXXXXX");
    if (!mkdtemp(scratch))
        return -1;
    snprintf(path, sizeof path, "%s/store.db", scratch);
    memset(&notes, 0, sizeof notes);
    return db_open(&db, path, NULL);
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    db_close(db);
    db = NULL;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
    return system(cmd);
}

static const char *data_file(const char *name)
{
    static char path[1024];
    const char *top = getenv("GRIDWALK_TOP");
    snprintf(path, sizeof path, "%s/tests/data/import/%s", top && *top ? top : ".", name);
    return path;
}

static int run(const char *name, enum import_encoding enc, int skip_bad, struct import_summary *s,
               struct err *e)
{
    struct import_options o = {
        .encoding = enc, .skip_bad = skip_bad, .note = on_note, .ctx = &notes};
    memset(&notes, 0, sizeof notes);
    err_clear(e);
    return import_customers(db, data_file(name), &o, s, e);
}

static struct customer get(const char *account)
{
    struct customer c;
    struct err e = {0};
    if (customers_get_by_account(db, account, &c, &e) != GW_OK)
        fail_msg("customer %s: %s", account, e.msg);
    return c;
}

/* Every customer column of every row, in account order, as one text; with_meta adds the
 * row id and updated_at. */
static char *dump_rows(int with_meta)
{
    sqlite3_stmt *st = db_prepare(
        db, NULL,
        "SELECT coalesce(group_concat(r, char(10)), '') FROM (SELECT account||'|'||name||'|'||"
        "meter||'|'||capacity||'|'||address||'|'||line||'|'||voltage||'|'||ifnull(lat,'?')||"
        "'|'||ifnull(lon,'?')||'|'||ifnull(coord_source,'?')||"
        "iif(:meta, '|'||id||'|'||updated_at, '') AS r FROM customers ORDER BY account)");
    assert_non_null(st);
    sqlite3_bind_int(st, 1, with_meta);
    assert_non_null(st);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    char *s = strdup(db_col_text(st, 0));
    sqlite3_finalize(st);
    return s;
}

static char *dump(void)
{
    return dump_rows(1);
}

static int has_note(long line, const char *fragment)
{
    for (int i = 0; i < notes.n; i++)
        if (notes.line[i] == line && strstr(notes.msg[i], fragment))
            return 1;
    return 0;
}

static void test_encoding_names(void **state)
{
    (void)state;
    enum import_encoding enc;
    assert_int_equal(import_encoding_parse("GBK", &enc, NULL), GW_OK);
    assert_int_equal(enc, IMPORT_ENC_GB18030);
    assert_int_equal(import_encoding_parse("utf8", &enc, NULL), GW_OK);
    assert_int_equal(enc, IMPORT_ENC_UTF8);
    assert_int_equal(import_encoding_parse("Auto", &enc, NULL), GW_OK);
    assert_int_equal(enc, IMPORT_ENC_AUTO);
    struct err e = {0};
    assert_int_equal(import_encoding_parse("latin1", &enc, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "gb18030"));
    assert_string_equal(import_encoding_name(IMPORT_ENC_GB18030), "GB18030");
}

static void test_good_file(void **state)
{
    (void)state;
    struct import_summary s;
    struct err e = {0};
    assert_int_equal(run("good.csv", IMPORT_ENC_AUTO, 0, &s, &e), GW_OK);
    assert_int_equal(s.encoding, IMPORT_ENC_UTF8);
    assert_int_equal(s.rows, 5);
    assert_int_equal(s.inserted, 5);
    assert_int_equal(s.bad, 0);
    assert_true(s.committed);
    assert_int_equal(notes.n, 0);
    assert_int_equal(customers_count(db), 5);

    /* The byte-order mark is not part of the first column's name or the first account. */
    struct customer c = get("3300000001");
    assert_string_equal(c.name, "王伟");
    assert_string_equal(c.meter, "3310011235324055102088");
    assert_string_equal(c.capacity, "8");
    assert_string_equal(c.address, "杭州市西湖区文三路478号华星小区3幢2单元502室");
    assert_string_equal(c.line, "0.4kV华星台区");
    assert_string_equal(c.voltage, "220V");
    assert_true(fabs(c.lat - 30.281234) < 1e-9 && fabs(c.lon - 120.118765) < 1e-9);
    assert_string_equal(c.coord_source, "import");
    /* A quoted comma stays in the field. */
    assert_string_equal(get("3300000002").address, "杭州市萧山区市心路100号, 北门");
    /* Doubled quotes are one quote; a quoted line break becomes a space; no coordinates is
     * unknown. */
    c = get("3300000003");
    assert_string_equal(c.name, "李\"娜\"");
    assert_string_equal(c.address, "杭州市拱墅区大关路1号 大关小区2幢");
    assert_true(isnan(c.lat) && isnan(c.lon));
    /* Blanks around unquoted fields go; negative coordinates are fine. */
    c = get("3300000004");
    assert_string_equal(c.name, "陈静");
    assert_true(fabs(c.lat + 0.5) < 1e-9 && fabs(c.lon + 0.25) < 1e-9);
    c = get("3300000005");
    assert_string_equal(c.meter, "");
    assert_int_equal(db_check_integrity(db, &e), GW_OK);
}

static void test_chinese_header_any_order(void **state)
{
    (void)state;
    struct import_summary s;
    struct err e = {0};
    assert_int_equal(run("zh-header.csv", IMPORT_ENC_AUTO, 0, &s, &e), GW_OK);
    assert_int_equal(s.inserted, 3);
    /* The unknown column is ignored with a warning naming it; the missing line break at
     * the end is worth a warning too. */
    assert_int_equal(notes.n, 2);
    assert_int_equal(notes.kind[0], IMPORT_WARNING);
    assert_int_equal(notes.kind[1], IMPORT_WARNING);
    assert_true(has_note(1, "备注"));
    assert_true(has_note(4, "without a line break"));
    struct customer c = get("3300000101");
    assert_string_equal(c.name, "杭州恒达机械有限公司");
    assert_string_equal(c.meter, "3310011235324055102200");
    assert_string_equal(c.capacity, "630");
    assert_string_equal(c.voltage, "10kV");
    assert_string_equal(c.line, "10kV市心Ⅱ线");
    assert_true(fabs(c.lat - 30.163) < 1e-9 && fabs(c.lon - 120.265) < 1e-9);
    /* The last line has no line break and is still a whole row. */
    assert_string_equal(get("3300000103").address, "杭州市上城区解放路2号幸福小区1幢1单元102室");
}

static void test_gb18030_detected_and_stated(void **state)
{
    (void)state;
    struct import_summary s;
    struct err e = {0};
    assert_int_equal(run("zh-header.csv", IMPORT_ENC_UTF8, 0, &s, &e), GW_OK);
    char *from_utf8 = dump_rows(0);
    assert_int_equal(db_exec(db, &e, "DELETE FROM customers"), GW_OK);

    assert_int_equal(run("gb18030.csv", IMPORT_ENC_AUTO, 0, &s, &e), GW_OK);
    assert_int_equal(s.encoding, IMPORT_ENC_GB18030);
    assert_int_equal(s.inserted, 3);
    assert_string_equal(get("3300000102").name, "王芳");
    assert_string_equal(get("3300000101").line, "10kV市心Ⅱ线");
    assert_true(has_note(1, "备注")); /* the header was decoded too */

    /* Stated instead of detected: the same rows, updating nothing. */
    assert_int_equal(run("gb18030.csv", IMPORT_ENC_GB18030, 0, &s, &e), GW_OK);
    assert_int_equal(s.unchanged, 3);
    assert_int_equal(s.inserted + s.updated, 0);

    /* Same text as the UTF-8 file. */
    char *from_gb = dump_rows(0);
    assert_string_equal(from_gb, from_utf8);
    free(from_utf8);
    free(from_gb);

    /* Told it is UTF-8 when it is not: refused with a hint, nothing imported. */
    assert_int_equal(db_exec(db, &e, "DELETE FROM customers"), GW_OK);
    assert_int_equal(run("gb18030.csv", IMPORT_ENC_UTF8, 0, &s, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "gb18030"));
    assert_int_equal(customers_count(db), 0);
    assert_int_equal(run("gbk-bytes.csv", IMPORT_ENC_UTF8, 0, &s, &e), GW_EINVAL);
    assert_true(has_note(2, "not valid UTF-8"));
    /* A GB18030 byte-order mark is not part of the first column's name. */
    assert_int_equal(db_exec(db, &e, "DELETE FROM customers"), GW_OK);
    assert_int_equal(run("gb18030-bom.csv", IMPORT_ENC_AUTO, 0, &s, &e), GW_OK);
    assert_int_equal(s.inserted, 3);
    assert_string_equal(get("3300000103").name, "张伟");
    /* Detected, the two GBK bytes pairs are 王伟. */
    assert_int_equal(run("gbk-bytes.csv", IMPORT_ENC_AUTO, 0, &s, &e), GW_OK);
    assert_string_equal(get("3300000601").name, "王伟");
}

static const struct {
    long line;
    const char *why;
} malformed_rows[] = {
    {3, "missing account number"},
    {4, "missing name"},
    {5, "bad latitude 'north'"},
    {6, "bad latitude '91'"},
    {7, "bad longitude '181'"},
    {8, "latitude without longitude"},
    {9, "wrong number of fields: 4, the header has 9"},
    {10, "wrong number of fields: 11, the header has 9"},
    {11, "quote"},
    {13, "contains a space"},
};

static void test_malformed_all_or_nothing(void **state)
{
    (void)state;
    struct import_summary s;
    struct err e = {0};
    assert_int_equal(run("good.csv", IMPORT_ENC_AUTO, 0, &s, &e), GW_OK);
    char *before = dump();

    assert_int_equal(run("malformed.csv", IMPORT_ENC_AUTO, 0, &s, &e), GW_EINVAL);
    assert_false(s.committed);
    assert_int_equal(s.rows, 14);
    assert_int_equal(s.bad, 10);
    assert_int_equal(s.inserted, 0);
    assert_non_null(strstr(e.msg, "nothing was imported"));
    assert_non_null(strstr(e.msg, "--skip-bad"));
    /* Every bad row is reported with its line and reason, and only those. */
    assert_int_equal(notes.n, 10);
    for (size_t i = 0; i < sizeof malformed_rows / sizeof malformed_rows[0]; i++)
        if (!has_note(malformed_rows[i].line, malformed_rows[i].why))
            fail_msg("no note 'line %ld: %s'", malformed_rows[i].line, malformed_rows[i].why);
    char *after = dump();
    assert_string_equal(before, after);
    free(before);
    free(after);
}

static void test_malformed_skip_bad(void **state)
{
    (void)state;
    struct import_summary s;
    struct err e = {0};
    assert_int_equal(run("malformed.csv", IMPORT_ENC_AUTO, 1, &s, &e), GW_OK);
    assert_true(s.committed);
    assert_int_equal(s.bad, 10);
    assert_int_equal(s.inserted, 4);
    assert_int_equal(customers_count(db), 4);
    assert_true(isnan(get("3300000211").lat));
    /* The row after the stray quote was parsed afresh; a quoted line break is kept as a
     * space; extra empty fields at the end of a row are harmless. */
    assert_string_equal(get("3300000213").name, "跨行 的户名");
    assert_string_equal(get("3300000214").name, "最后好行");
    struct customer c;
    assert_int_equal(customers_get_by_account(db, "3300000210", &c, NULL), GW_ENOTFOUND);
    assert_int_equal(customers_get_by_account(db, "3300000204", &c, NULL), GW_ENOTFOUND);
}

static void test_duplicates_last_wins(void **state)
{
    (void)state;
    struct import_summary s;
    struct err e = {0};
    assert_int_equal(run("duplicates.csv", IMPORT_ENC_AUTO, 0, &s, &e), GW_OK);
    assert_int_equal(s.rows, 6);
    assert_int_equal(s.inserted, 3);
    assert_int_equal(s.repeated, 3);
    assert_int_equal(customers_count(db), 3);
    struct customer c = get("3300000301");
    assert_string_equal(c.name, "第三次");
    assert_string_equal(c.capacity, "16");

    /* Importing it again: the store already holds the last rows. */
    assert_int_equal(run("duplicates.csv", IMPORT_ENC_AUTO, 0, &s, &e), GW_OK);
    assert_int_equal(s.inserted, 0);
    assert_int_equal(s.repeated, 3);
    assert_string_equal(get("3300000301").name, "第三次");
}

static void test_update_existing(void **state)
{
    (void)state;
    struct import_summary s;
    struct err e = {0};
    assert_int_equal(run("duplicates.csv", IMPORT_ENC_AUTO, 0, &s, &e), GW_OK);
    assert_int_equal(db_exec(db, &e,
                             "UPDATE customers SET name='旧名' WHERE account IN "
                             "('3300000302','3300000303')"),
                     GW_OK);
    assert_int_equal(run("duplicates.csv", IMPORT_ENC_AUTO, 0, &s, &e), GW_OK);
    /* Row by row: 301 goes back to 第一次 (updated) and on to 第三次 (repeated twice), 302
     * and 303 are updated, 302's second row is a repeat. */
    assert_int_equal(s.updated, 3);
    assert_int_equal(s.unchanged, 0);
    assert_int_equal(s.repeated, 3);
    assert_string_equal(get("3300000303").name, "丙");
}

static void test_truncated_file(void **state)
{
    (void)state;
    struct import_summary s;
    struct err e = {0};
    assert_int_equal(run("good.csv", IMPORT_ENC_AUTO, 0, &s, &e), GW_OK);
    char *before = dump();
    /* Cut inside a quoted field: an error naming the line where the quote opens, even with
     * --skip-bad, and the store as it was. */
    assert_int_equal(run("truncated.csv", IMPORT_ENC_AUTO, 1, &s, &e), GW_ECORRUPT);
    assert_false(s.committed);
    assert_non_null(strstr(e.msg, "line 3"));
    assert_non_null(strstr(e.msg, "truncated"));
    char *after = dump();
    assert_string_equal(before, after);
    free(after);

    /* Cut in an unquoted field: the row parses, but a warning says the file may be cut. */
    assert_int_equal(run("cut-mid-row.csv", IMPORT_ENC_AUTO, 0, &s, &e), GW_OK);
    assert_true(has_note(3, "without a line break"));
    free(before);
}

/* Writes a scratch CSV file from parts; returns its path. */
static const char *scratch_file(const char *head, char fill, size_t n, const char *tail)
{
    static char path[300];
    snprintf(path, sizeof path, "%s/made.csv", scratch);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(head, f);
    for (size_t i = 0; i < n; i++)
        fputc(fill, f);
    fputs(tail, f);
    assert_int_equal(fclose(f), 0);
    return path;
}

static void test_caps_on_what_a_file_can_make_us_hold(void **state)
{
    (void)state;
    struct import_summary s;
    struct err e = {0};
    struct import_options o = {.skip_bad = 1, .note = on_note, .ctx = &notes};
    /* A name longer than the store keeps is a bad row, not a silently cut name. */
    const char *path = scratch_file("account,name\n3300000701,", 'x', 300, "\n3300000702,ok\n");
    memset(&notes, 0, sizeof notes);
    assert_int_equal(import_customers(db, path, &o, &s, &e), GW_OK);
    assert_int_equal(s.bad, 1);
    assert_true(has_note(2, "name (户名) is too long (300 bytes"));
    assert_int_equal(customers_count(db), 1);
    /* A quote left open swallows the rest of the file; past 1 MiB that is an error at the
     * line where it opened, whatever --skip-bad says. */
    path = scratch_file("account,name\n3300000703,\"", 'y', (1u << 20) + 100, "\n3300000704,ok\n");
    assert_int_equal(import_customers(db, path, &o, &s, &e), GW_ECORRUPT);
    assert_non_null(strstr(e.msg, "line 2"));
    assert_non_null(strstr(e.msg, "never closed"));
    assert_int_equal(customers_count(db), 1);
    /* A stray quote in the header is not guessed around. */
    path = scratch_file("account,na\"me\n", 'z', 0, "1,a\n");
    assert_int_equal(import_customers(db, path, &o, &s, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "header"));
}

static void test_progress_is_reported(void **state)
{
    (void)state;
    struct import_summary s;
    struct err e = {0};
    const char *path =
        scratch_file("account,name\n", 'q', 0, "1,a\n2,b\n3,c\n4,d\n5,e\n6,f\n7,g\n");
    struct import_options o = {.progress = on_progress, .progress_every = 3};
    progress_seen = 0;
    assert_int_equal(import_customers(db, path, &o, &s, &e), GW_OK);
    assert_int_equal(progress_seen, 2); /* after rows 3 and 6 */
    assert_int_equal(progress_last, 6);
}

static void test_spreadsheet_damage(void **state)
{
    (void)state;
    struct import_summary s;
    struct err e = {0};
    /* Numbers a spreadsheet rounded are bad rows; nameless trailing columns pass quietly. */
    assert_int_equal(run("spreadsheet.csv", IMPORT_ENC_AUTO, 1, &s, &e), GW_OK);
    assert_int_equal(s.inserted, 1);
    assert_int_equal(s.bad, 2);
    assert_int_equal(notes.n, 2);
    assert_true(has_note(2, "meter number '3.31001E+21' was turned into a rounded number"));
    assert_true(has_note(3, "account number '3.30001E+09'"));
    assert_string_equal(get("3300000803").name, "张伟");
}

static void test_unusable_files(void **state)
{
    (void)state;
    struct import_summary s;
    struct err e = {0};
    assert_int_equal(run("empty.csv", IMPORT_ENC_AUTO, 0, &s, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "empty"));
    assert_int_equal(run("no-account.csv", IMPORT_ENC_AUTO, 1, &s, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "户号"));
    assert_non_null(strstr(e.msg, "line 1"));
    assert_int_equal(run("no-such-file.csv", IMPORT_ENC_AUTO, 0, &s, &e), GW_EIO);
    assert_non_null(strstr(e.msg, "no-such-file.csv"));
    assert_int_equal(customers_count(db), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encoding_names),
        cmocka_unit_test_setup_teardown(test_good_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chinese_header_any_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gb18030_detected_and_stated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_all_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_skip_bad, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicates_last_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_existing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_caps_on_what_a_file_can_make_us_hold, setup, teardown),
        cmocka_unit_test_setup_teardown(test_progress_is_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spreadsheet_damage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unusable_files, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
