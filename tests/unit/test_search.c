/* test_search.c - customer search against a real store: a table of queries with the hits
 * expected in the expected order, and the index following inserts, updates and deletes.
 *
 * The fixture is hand-written: Hangzhou-area customers whose fields were chosen so each
 * query below has a known answer (shared surnames and street names, an account equal to
 * another customer's meter number, SQL and FTS5 metacharacters and full-width text in the
 * data). Fillers (rows 21-40) use only the digits 6, 7 and 9 apart from their 3302 account
 * prefix and no character the queries look for, so they match only where stated. */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/query.h"
#include "data/search.h"
#include "data/sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const fixture =
    "INSERT INTO customers(account, name, meter, capacity, address, line, voltage, lat, lon,"
    " updated_at) VALUES\n"
    "('3301000001','张伟','3330000000001','50','浙江省杭州市上城区解放路12号','10kV城东1线','"
    "交流380V',30.25,120.17,'t'),\n"
    "('3301000002','王芳','3330000000002','30','浙江省杭州市上城区解放路120号3幢','10kV城东1线','"
    "交流220V',NULL,NULL,'t'),\n"
    "('3301000003','李娜','3330000000103','100','浙江省杭州市西湖区文三路88号','10kV城西2线','"
    "交流10kV',NULL,NULL,'t'),\n"
    "('3301000004','张建国','3330000001234','315','浙江省杭州市拱墅区湖墅南路5号','10kV城东2线','"
    "交流10kV',NULL,NULL,'t'),\n"
    "('3301000005','刘张氏','3330000005678','16','浙江省宁波市海曙区中山西路100号','10kV江北3线','"
    "交流220V',NULL,NULL,'t'),\n"
    "('3301000006','杭州张小泉刀剪有限公司','3330000009999','630','"
    "浙江省杭州市上城区河坊街张小泉路1号','10kV城东3线','交流10kV',NULL,NULL,'t'),\n"
    "('3301000007','陈静','3301000004','8','浙江省温州市鹿城区五马街7号','10kV城南1线','交流220V',"
    "NULL,NULL,'t'),\n"
    "('3301000008','赵敏','3330000000008','50','浙江省杭州市上城区建国路200号','10kV城东1线','"
    "交流380V',NULL,NULL,'t'),\n"
    "('3301000009','孙建国','3330000000009','80','浙江省杭州市余杭区建国北路33号','10kV余杭1线','"
    "交流380V',NULL,NULL,'t'),\n"
    "('3301000010','周杰','3330000000010','125','浙江省杭州市滨江区江南大道1001号','10kV江南1线','"
    "交流380V',NULL,NULL,'t'),\n"
    "('3301000011','吴%公司','3330000000011','20','浙江省杭州市100%工业园','10kV城北1线','交流380V'"
    ",NULL,NULL,'t'),\n"
    "('3301000012','郑_一','3330000000012','20','浙江省杭州市萧山区下划线_路','10kV城北1线','"
    "交流380V',NULL,NULL,'t'),\n"
    "('3301000013','O''Brien贸易','3330000000013','20','浙江省杭州市萧山区外商园','10kV城北1线','"
    "交流380V',NULL,NULL,'t'),\n"
    "('3301000014','\"引号\"商店','3330000000014','20','浙江省杭州市萧山区书店街','10kV城北1线','"
    "交流380V',NULL,NULL,'t'),\n"
    "('3301000015','AND OR "
    "NEAR(商行)*','3330000000015','20','浙江省杭州市萧山区商行街','10kV城北1线','交流380V',NULL,"
    "NULL,'t'),\n"
    "('3301000016','ＡＢＣ电子','3330000000016','20','浙江省杭州市萧山区电子街','10kV城北1线','"
    "交流380V',NULL,NULL,'t'),\n"
    "('3301000017','王五','１２３４５６７８９０１２３','20','浙江省杭州市萧山区王家弄','"
    "10kV城北1线','交流380V',NULL,NULL,'t'),\n"
    "('3301000018','钱塘','3330000000018','20','浙江省杭州市钱塘区白杨街道','10kV钱塘1线','"
    "交流35kV',NULL,NULL,'t'),\n"
    "('3301000019','冯','3330000000019','20','浙江省杭州市萧山区冯家村','10kV城北1线','交流380V',"
    "NULL,NULL,'t'),\n"
    "('3301000020','褚卫','3330000000020','20','浙江省杭州市临平区 "
    "北沙路','10kV临平1线','交流380V',NULL,NULL,'t'),\n"
    "('3302000021','蒋一','7777777777761','66','浙江省绍兴市越城区人民路66号','10kV越城6线','"
    "交流220V',NULL,NULL,'t'),\n"
    "('3302000022','沈二','7777777777762','66','浙江省绍兴市越城区人民路67号','10kV越城6线','"
    "交流220V',NULL,NULL,'t'),\n"
    "('3302000023','韩三','7777777777763','66','浙江省绍兴市越城区人民路69号','10kV越城6线','"
    "交流220V',NULL,NULL,'t'),\n"
    "('3302000024','杨四','7777777777764','66','浙江省绍兴市越城区人民路76号','10kV越城6线','"
    "交流220V',NULL,NULL,'t'),\n"
    "('3302000025','朱六','7777777777765','66','浙江省绍兴市越城区人民路77号','10kV越城6线','"
    "交流220V',NULL,NULL,'t'),\n"
    "('3302000026','秦七','7777777777766','66','浙江省绍兴市越城区人民路79号','10kV越城6线','"
    "交流220V',NULL,NULL,'t'),\n"
    "('3302000027','尤九','7777777777767','66','浙江省绍兴市越城区人民路96号','10kV越城6线','"
    "交流220V',NULL,NULL,'t'),\n"
    "('3302000029','许丹','7777777777769','66','浙江省绍兴市越城区人民路97号','10kV越城6线','"
    "交流220V',NULL,NULL,'t'),\n"
    "('3302000030','何丽','7777777777770','66','浙江省绍兴市越城区人民路99号','10kV越城6线','"
    "交流220V',NULL,NULL,'t'),\n"
    "('3302000031','吕红','7777777777771','66','浙江省绍兴市越城区府山路6号','10kV越城7线','"
    "交流220V',NULL,NULL,'t'),\n"
    "('3302000032','施云','7777777777772','66','浙江省绍兴市越城区府山路7号','10kV越城7线','"
    "交流220V',NULL,NULL,'t'),\n"
    "('3302000033','孔雪','7777777777773','66','浙江省绍兴市越城区府山路9号','10kV越城7线','"
    "交流220V',NULL,NULL,'t'),\n"
    "('3302000034','曹梅','7777777777774','96','浙江省绍兴市越城区府山路66号','10kV越城7线','"
    "交流220V',NULL,NULL,'t'),\n"
    "('3302000035','严兰','7777777777775','96','浙江省绍兴市越城区府山路67号','10kV越城7线','"
    "交流220V',NULL,NULL,'t'),\n"
    "('3302000036','华竹','7777777777776','96','浙江省绍兴市越城区府山路69号','10kV越城7线','"
    "交流220V',NULL,NULL,'t'),\n"
    "('3302000037','金菊','7777777777777','96','浙江省绍兴市越城区府山路76号','10kV越城7线','"
    "交流220V',NULL,NULL,'t'),\n"
    "('3302000039','魏松','7777777777779','96','浙江省绍兴市越城区府山路77号','10kV越城7线','"
    "交流220V',NULL,NULL,'t'),\n"
    "('3302000040','陶柏','7777777777790','96','浙江省绍兴市越城区府山路79号','10kV越城7线','"
    "交流220V',NULL,NULL,'t'),\n"
    "('3302000041','姜桐','7777777777791','96','浙江省绍兴市越城区府山路96号','10kV越城7线','"
    "交流220V',NULL,NULL,'t'),\n"
    "('3302000042','戚槐','7777777777792','96','浙江省绍兴市越城区府山路97号','10kV越城7线','"
    "交流220V',NULL,NULL,'t');\n";

static struct db *open_fixture(void)
{
    struct db *db = NULL;
    struct err e = {0};
    if (db_open(&db, ":memory:", &e))
        fail_msg("db_open: %s", e.msg);
    if (db_exec(db, &e, fixture))
        fail_msg("fixture: %s", e.msg);
    return db;
}

static int setup(void **state)
{
    struct db *db = open_fixture();
    struct err e = {0};
    /* Most queries run against the flushed index; test_queue_* cover unflushed rows. */
    if (search_index_flush(db, &e))
        fail_msg("flush: %s", e.msg);
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    db_close(*state);
    return 0;
}

/* Runs text and returns the hits' accounts' last two digits as "1 4 5" (accounts are
 * 33010000NN / 33020000NN) and their tiers as "p p s". */
static void run(struct db *db, const char *text, int offset, int limit, char *ids, size_t idn,
                char *tiers, size_t tn)
{
    struct search_query q;
    struct search_hit hits[64];
    struct err e = {0};
    int n = 0;
    if (query_parse(text, &q, &e))
        fail_msg("query_parse(%s): %s", text, e.msg);
    if (search_run(db, &q, offset, limit, hits, &n, &e))
        fail_msg("search_run(%s): %s", text, e.msg);
    size_t iu = 0, tu = 0;
    ids[0] = tiers[0] = '\0';
    for (int i = 0; i < n; i++) {
        const char *acct = hits[i].customer.account;
        int nn = (int)strtol(acct + strlen(acct) - 2, NULL, 10);
        iu += (size_t)snprintf(ids + iu, idn - iu, "%s%d", i ? " " : "", nn);
        tu += (size_t)snprintf(tiers + tu, tn - tu, "%s%c", i ? " " : "", "eps"[hits[i].tier]);
    }
}

struct case_ {
    const char *query;
    const char *ids;   /* expected hits in order */
    const char *tiers; /* e(xact) p(refix) s(ubstring) per hit; NULL: not checked */
};

static const struct case_ cases[] = {
    /* Chinese, one character: names starting with it first, then anywhere in any field. */
    {"张", "1 4 5 6", "p p s s"},
    {"鹿", "7", "s"},
    {"冯", "19", "p"},
    /* Two characters: a given name, a street. */
    {"建国", "4 8 9", "s s s"},
    {"五马", "7", "s"},
    {"钱塘", "18", "p"},
    /* Three and more. */
    {"张建国", "4", "p"},
    {"张小泉路", "6", "s"},
    {"解放路12", "1 2", "s s"},
    {"越城区人民路9", "27 29 30", "s s s"},
    {"浙江省宁波", "5", "p"},
    /* Numbers: the exact account and the meter equal to it first, then prefixes. */
    {"3301000004", "4 7", "e e"},
    {"acct:3301000004", "4", "e"},
    {"meter:3301000004", "7", "e"},
    {"330100000", "1 2 3 4 5 6 7 8 9", "p p p p p p p p p"},
    {"meter:5678", "5 17", "s s"},
    /* Full-width digits in the data match ASCII digits in the query, as a prefix here. */
    {"1234", "17 4", "p s"},
    {"88", "3", "s"},
    {"号3幢", "2", "s"},
    {"9号", "23 26 30 33 36 40", "s s s s s s"},
    /* Qualified and combined terms: AND. */
    {"name:张 line:城东 kv:10", "4 6", "p s"},
    {"addr:解放路 name:王", "2", "p"},
    {"line:城东1", "1 2 8", "s s s"},
    {"kv:35", "18", "s"},
    {"cap:31", "4", "p"},
    {"cap:96 line:越城7 addr:府山路7", "37 39 40", "p p p"},
    {"户名：王 用电地址：萧山", "17", "p"},
    /* No match. */
    {"赵钱孙李", "", ""},
    {"name:建国 addr:宁波", "", ""},
    {"kv:500", "", ""},
    /* SQL and FTS5 metacharacters are literal text. */
    {"%", "11", "s"},
    {"100%", "11", "s"},
    {"_", "12", "s"},
    {"'", "13", "s"},
    {"o'brien", "13", "p"},
    {"\"", "14", "p"},
    {"\"\"\"引号\"\"\"", "14", "p"},
    {"AND", "15", "p"},
    {"NEAR(商行)*", "15", "s"},
    {"*", "15", "s"},
    /* Full-width letters in the data and in the query. */
    {"abc", "16", "p"},
    {"ＡＢＣ电", "16", "p"},
    /* A space inside a quoted term is part of it. */
    {"\"临平区 北沙\"", "20", "s"},
};

static void test_query_table(void **state)
{
    struct db *db = *state;
    int failed = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char ids[512], tiers[256];
        run(db, cases[i].query, 0, 50, ids, sizeof ids, tiers, sizeof tiers);
        if (strcmp(ids, cases[i].ids) != 0 ||
            (cases[i].tiers && strcmp(tiers, cases[i].tiers) != 0)) {
            print_error("query %-28s got [%s] tiers [%s], want [%s] tiers [%s]\n", cases[i].query,
                        ids, tiers, cases[i].ids, cases[i].tiers ? cases[i].tiers : "-");
            failed++;
        }
    }
    assert_int_equal(failed, 0);
}

static void test_paging(void **state)
{
    struct db *db = *state;
    char ids[512], tiers[256];
    run(db, "330100000", 3, 3, ids, sizeof ids, tiers, sizeof tiers);
    assert_string_equal(ids, "4 5 6");
    /* A page that straddles the exact and prefix tiers. */
    run(db, "3301000004", 1, 5, ids, sizeof ids, tiers, sizeof tiers);
    assert_string_equal(ids, "7");
    run(db, "张", 1, 2, ids, sizeof ids, tiers, sizeof tiers);
    assert_string_equal(ids, "4 5");
    assert_string_equal(tiers, "p s");
    run(db, "张", 4, 2, ids, sizeof ids, tiers, sizeof tiers);
    assert_string_equal(ids, "");
    run(db, "越城", 0, 50, ids, sizeof ids, tiers, sizeof tiers);
    assert_string_equal(ids, "21 22 23 24 25 26 27 29 30 31 32 33 34 35 36 37 39 40 41 42");
}

static void test_hit_contents(void **state)
{
    struct db *db = *state;
    struct search_query q;
    struct search_hit hits[4];
    struct err e = {0};
    int n = 0;
    assert_int_equal(query_parse("张伟", &q, &e), 0);
    assert_int_equal(search_run(db, &q, 0, 4, hits, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_string_equal(hits[0].customer.account, "3301000001");
    assert_string_equal(hits[0].customer.meter, "3330000000001");
    assert_string_equal(hits[0].customer.address, "浙江省杭州市上城区解放路12号");
    assert_string_equal(hits[0].customer.voltage, "交流380V");
    assert_true(hits[0].customer.lat > 30.2 && hits[0].customer.lat < 30.3);
    assert_int_equal(hits[0].matched_fields, 1u << CF_NAME);
    assert_int_equal(hits[0].tier, SEARCH_PREFIX);
    /* Unknown coordinates are NaN, not 0. */
    assert_int_equal(query_parse("王芳", &q, &e), 0);
    assert_int_equal(search_run(db, &q, 0, 4, hits, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_true(hits[0].customer.lat != hits[0].customer.lat);
    /* 张 is in two fields of row 6. */
    assert_int_equal(query_parse("张小泉", &q, &e), 0);
    assert_int_equal(search_run(db, &q, 0, 4, hits, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_int_equal(hits[0].matched_fields, (1u << CF_NAME) | (1u << CF_ADDRESS));
}

static void test_bad_arguments(void **state)
{
    struct db *db = *state;
    struct search_query q = {0};
    struct search_hit hits[1];
    struct err e = {0};
    int n = 7;
    assert_int_equal(search_run(db, &q, 0, 0, hits, &n, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "1 to 1000"));
    assert_int_equal(search_run(db, &q, -1, 1, hits, &n, &e), GW_EINVAL);
    /* An empty query is no hits, not an error. */
    assert_int_equal(search_run(db, &q, 0, 1, hits, &n, &e), GW_OK);
    assert_int_equal(n, 0);
}

static int count_hits(struct db *db, const char *text)
{
    struct search_query q;
    struct search_hit hits[64];
    struct err e = {0};
    int n = -1;
    if (query_parse(text, &q, &e) || search_run(db, &q, 0, 64, hits, &n, &e))
        fail_msg("%s: %s", text, e.msg);
    return n;
}

static void exec_ok(struct db *db, const char *sql)
{
    struct err e = {0};
    if (db_exec(db, &e, sql))
        fail_msg("%s: %s", sql, e.msg);
}

/* What the triggers queue is searchable at once, and stays right after a flush. */
static void check_changes(struct db *db, int flush_between)
{
    struct err e = {0};
    exec_ok(db, "INSERT INTO customers(account, name, meter, address, updated_at) "
                "VALUES('3309000001', '欧阳修', '5550001', '江西省吉安市永丰县', 't')");
    if (flush_between)
        assert_int_equal(search_index_flush(db, &e), GW_OK);
    assert_int_equal(count_hits(db, "欧阳"), 1);
    assert_int_equal(count_hits(db, "5550001"), 1);
    assert_int_equal(count_hits(db, "永丰"), 1);

    /* An upsert, as the importer writes: the new name is found, the old one is gone. */
    exec_ok(db, "INSERT INTO customers(account, name, meter, address, updated_at) "
                "VALUES('3309000001', '司马光', '5550001', '江西省吉安市永丰县', 't') "
                "ON CONFLICT(account) DO UPDATE SET name = excluded.name");
    if (flush_between)
        assert_int_equal(search_index_flush(db, &e), GW_OK);
    assert_int_equal(count_hits(db, "欧阳"), 0);
    assert_int_equal(count_hits(db, "司马"), 1);

    exec_ok(db, "UPDATE customers SET address = '河南省洛阳市', voltage = '交流20kV' "
                "WHERE account = '3309000001'");
    if (flush_between)
        assert_int_equal(search_index_flush(db, &e), GW_OK);
    assert_int_equal(count_hits(db, "永丰"), 0);
    assert_int_equal(count_hits(db, "洛阳"), 1);
    assert_int_equal(count_hits(db, "kv:20k"), 1);

    /* Coordinates alone do not touch the index. */
    exec_ok(db, "UPDATE customers SET lat = 34.6, lon = 112.4 WHERE account = '3309000001'");
    assert_int_equal(count_hits(db, "司马光"), 1);

    exec_ok(db, "DELETE FROM customers WHERE account = '3309000001'");
    if (flush_between)
        assert_int_equal(search_index_flush(db, &e), GW_OK);
    assert_int_equal(count_hits(db, "司马"), 0);
    assert_int_equal(count_hits(db, "5550001"), 0);
    assert_int_equal(count_hits(db, "洛阳"), 0);

    /* Flush whatever is left and check the index's own consistency. */
    assert_int_equal(search_index_flush(db, &e), GW_OK);
    assert_int_equal(search_index_pending(db), 0);
    exec_ok(db, "INSERT INTO customer_search(customer_search) VALUES('integrity-check')");
    assert_int_equal(count_hits(db, "司马"), 0);
    assert_int_equal(count_hits(db, "张"), 4);
}

static void test_index_follows_changes_queued(void **state)
{
    check_changes(*state, 0);
}

static void test_index_follows_changes_flushed(void **state)
{
    check_changes(*state, 1);
}

/* A customer changed twice before a flush, then deleted and its id reused. */
static void test_queue_keeps_what_the_index_holds(void **state)
{
    struct db *db = *state;
    struct err e = {0};
    exec_ok(db, "UPDATE customers SET name = '张伟明' WHERE account = '3301000001'");
    exec_ok(db, "UPDATE customers SET name = '章伟' WHERE account = '3301000001'");
    assert_int_equal(count_hits(db, "张伟"), 0);
    assert_int_equal(count_hits(db, "章伟"), 1);
    assert_int_equal(search_index_flush(db, &e), GW_OK);
    assert_int_equal(count_hits(db, "张伟"), 0);
    assert_int_equal(count_hits(db, "章伟"), 1);
    exec_ok(db, "DELETE FROM customers WHERE account = '3301000001'");
    exec_ok(db, "INSERT INTO customers(id, account, name, updated_at) "
                "VALUES(1, '3301000001', '张伟', 't')");
    assert_int_equal(count_hits(db, "章伟"), 0);
    assert_int_equal(count_hits(db, "张伟"), 1);
    assert_int_equal(search_index_flush(db, &e), GW_OK);
    exec_ok(db, "INSERT INTO customer_search(customer_search) VALUES('integrity-check')");
    assert_int_equal(count_hits(db, "章伟"), 0);
    assert_int_equal(count_hits(db, "张伟"), 1);
}

/* The newest customer deleted and a new one inserted: SQLite gives the new row the same
 * id, which is at or below the index's mark, so the trigger must queue it. */
static void test_reused_top_id(void **state)
{
    struct db *db = *state;
    struct err e = {0};
    assert_int_equal(search_index_pending(db), 0);
    exec_ok(db, "DELETE FROM customers WHERE account = '3302000042'");
    exec_ok(db,
            "INSERT INTO customers(account, name, updated_at) VALUES('3302000043', '包拯', 't')");
    assert_int_equal(search_index_pending(db), 1);
    assert_int_equal(count_hits(db, "戚槐"), 0);
    assert_int_equal(count_hits(db, "包拯"), 1);
    assert_int_equal(search_index_flush(db, &e), GW_OK);
    exec_ok(db, "INSERT INTO customer_search(customer_search) VALUES('integrity-check')");
    assert_int_equal(count_hits(db, "戚槐"), 0);
    assert_int_equal(count_hits(db, "包拯"), 1);
    /* New customers above the mark are pending without any queue entry. */
    exec_ok(db,
            "INSERT INTO customers(account, name, updated_at) VALUES('3302000044', '海瑞', 't'),"
            "('3302000045', '于谦', 't')");
    assert_int_equal(search_index_pending(db), 2);
    assert_int_equal(count_hits(db, "海瑞"), 1);
    assert_int_equal(search_index_flush(db, &e), GW_OK);
    assert_int_equal(search_index_pending(db), 0);
    assert_int_equal(count_hits(db, "于谦"), 1);
}

/* A bulk load (at least 20,000 rows) merges the index and counts its common tokens, and
 * the planner's use of those counts changes no answer. Rows are short so that this stays
 * quick under valgrind. */
static void test_bulk_flush_keeps_statistics(void **state)
{
    struct db *db = *state;
    struct err e = {0};
    exec_ok(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 21000)"
                " INSERT INTO customers(account, name, meter, line, voltage, updated_at)"
                " SELECT printf('44%08d', i), '赵' || char(0x4e00 + i % 700),"
                " printf('5550%06d', i), '10kV金' || (i % 30) || '线', '交流380V', 't' FROM n");
    assert_int_equal(search_index_pending(db), 21000);
    assert_int_equal(search_index_flush(db, &e), GW_OK);
    assert_int_equal(search_index_pending(db), 0);
    exec_ok(db, "INSERT INTO customer_search(customer_search) VALUES('integrity-check')");
    /* 赵 starts 21,000 names: common. 5550 starts 21,000 meters: common. */
    sqlite3_stmt *st = db_prepare(db, NULL,
                                  "SELECT count(*) FROM search_common WHERE token IN "
                                  "('N赵', 'n赵', 'M5550', 'v=交流380v')");
    assert_non_null(st);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 4);
    sqlite3_finalize(st);
    /* Answers are the same as without statistics: exact, then prefix, then substring. */
    assert_int_equal(count_hits(db, "5550000777"), 1);
    assert_int_equal(count_hits(db, "meter:555000077"), 10);
    assert_int_equal(count_hits(db, "440002000"), 10);
    assert_int_equal(count_hits(db, "name:赵 line:金7 kv:380"), 64);
    assert_int_equal(count_hits(db, "张"), 4);
    char ids[512], tiers[256];
    run(db, "5550000777", 0, 3, ids, sizeof ids, tiers, sizeof tiers);
    assert_string_equal(tiers, "e");
}

/* A store with customers from before the search index (schema version 1) gets them
 * indexed by the migration. */
static void test_migration_indexes_existing_customers(void **state)
{
    (void)state;
    char path[] = "/tmp/gw-test-search-XXXXXX";
    char file[64];
    struct db *db = NULL;
    struct err e = {0};
    assert_non_null(mkdtemp(path));
    snprintf(file, sizeof file, "%s/s.db", path);
    assert_int_equal(db_open_at_version(&db, file, 1, &e), 0);
    exec_ok(db, fixture);
    db_close(db);
    assert_int_equal(db_open(&db, file, &e), 0);
    assert_int_equal(search_index_pending(db), 0);
    assert_int_equal(count_hits(db, "张"), 4);
    assert_int_equal(count_hits(db, "kv:35"), 1);
    db_close(db);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_query_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paging, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hit_contents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_follows_changes_queued, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_follows_changes_flushed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_keeps_what_the_index_holds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reused_top_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_flush_keeps_statistics, setup, teardown),
        cmocka_unit_test(test_migration_indexes_existing_customers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
