/* test_query.c - the search text syntax: terms, keys in three languages, quoting, folding,
 * and the errors a user sees. */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/query.h"

#include <string.h>

static struct search_query parse_ok(const char *text)
{
    struct search_query q;
    struct err e = {0};
    int rc = query_parse(text, &q, &e);
    if (rc)
        fail_msg("query_parse(%s) failed: %s", text, e.msg);
    return q;
}

static void assert_term(const struct search_query *q, int i, enum customer_field f,
                        const char *text)
{
    assert_true(i < q->n);
    assert_int_equal(q->terms[i].field, f);
    assert_string_equal(q->terms[i].text, text);
}

static void test_free_text_and_blank(void **state)
{
    (void)state;
    struct search_query q = parse_ok("");
    assert_int_equal(q.n, 0);
    q = parse_ok("  \t ");
    assert_int_equal(q.n, 0);
    q = parse_ok("张");
    assert_int_equal(q.n, 1);
    assert_term(&q, 0, CF_COUNT, "张");
    /* ASCII and ideographic spaces both separate terms. */
    q = parse_ok(" 张三\u3000解放路  12号 ");
    assert_int_equal(q.n, 3);
    assert_term(&q, 0, CF_COUNT, "张三");
    assert_term(&q, 1, CF_COUNT, "解放路");
    assert_term(&q, 2, CF_COUNT, "12号");
}

static void test_short_keys(void **state)
{
    (void)state;
    struct search_query q = parse_ok("name:张 line:城东 kv:10");
    assert_int_equal(q.n, 3);
    assert_term(&q, 0, CF_NAME, "张");
    assert_term(&q, 1, CF_LINE, "城东");
    assert_term(&q, 2, CF_VOLTAGE, "10");
    q = parse_ok("acct:3301 meter:3330 cap:315 addr:解放路");
    assert_int_equal(q.n, 4);
    assert_term(&q, 0, CF_ACCOUNT, "3301");
    assert_term(&q, 1, CF_METER, "3330");
    assert_term(&q, 2, CF_CAPACITY, "315");
    assert_term(&q, 3, CF_ADDRESS, "解放路");
}

static void test_long_and_chinese_keys(void **state)
{
    (void)state;
    struct search_query q =
        parse_ok("account:1 capacity:2 address:3 voltage:4 NAME:x Meter:5 LINE:y");
    assert_int_equal(q.n, 7);
    assert_term(&q, 0, CF_ACCOUNT, "1");
    assert_term(&q, 1, CF_CAPACITY, "2");
    assert_term(&q, 2, CF_ADDRESS, "3");
    assert_term(&q, 3, CF_VOLTAGE, "4");
    assert_term(&q, 4, CF_NAME, "x");
    assert_term(&q, 5, CF_METER, "5");
    assert_term(&q, 6, CF_LINE, "y");
    q = parse_ok("户号:33 户名:张 表计局号:0001 合同容量:50 用电地址:解放 线路名称:城东 "
                 "供电电压等级:10");
    assert_int_equal(q.n, 7);
    for (int f = 0; f < CF_COUNT; f++)
        assert_int_equal(q.terms[f].field, f);
    /* The full-width colon works as well. */
    q = parse_ok("户名：张 kv：10");
    assert_int_equal(q.n, 2);
    assert_term(&q, 0, CF_NAME, "张");
    assert_term(&q, 1, CF_VOLTAGE, "10");
    assert_int_equal(query_field_of_key("kv", 2), CF_VOLTAGE);
    assert_int_equal(query_field_of_key("户号", strlen("户号")), CF_ACCOUNT);
    assert_int_equal(query_field_of_key("zip", 3), -1);
}

static void test_folding(void **state)
{
    (void)state;
    /* Full-width digits and letters become ASCII; ASCII letters lower case. */
    struct search_query q = parse_ok("１２３４ ＡＢＣ AbC");
    assert_int_equal(q.n, 3);
    assert_term(&q, 0, CF_COUNT, "1234");
    assert_term(&q, 1, CF_COUNT, "abc");
    assert_term(&q, 2, CF_COUNT, "abc");
    char out[16];
    assert_int_equal(search_normalize("Ｍ１０ｋＶ", out, sizeof out), 5);
    assert_string_equal(out, "m10kv");
    /* A cut never splits a character: "张三" needs 7 bytes with the NUL. */
    assert_int_equal(search_normalize("张三", out, 6), 3);
    assert_string_equal(out, "张");
}

static void test_quotes(void **state)
{
    (void)state;
    struct search_query q = parse_ok("addr:\"解放路 12号\" \"张 三\"");
    assert_int_equal(q.n, 2);
    assert_term(&q, 0, CF_ADDRESS, "解放路 12号");
    assert_term(&q, 1, CF_COUNT, "张 三");
    /* "" inside quotes is a quote. */
    q = parse_ok("name:\"a \"\"b\"\"\"");
    assert_int_equal(q.n, 1);
    assert_term(&q, 0, CF_NAME, "a \"b\"");
    /* A quote that never closes is a plain character, never an error. */
    q = parse_ok("\"");
    assert_int_equal(q.n, 1);
    assert_term(&q, 0, CF_COUNT, "\"");
    q = parse_ok("name:\"abc");
    assert_term(&q, 0, CF_NAME, "\"abc");
    /* Full-width quotes fold to ASCII ones. */
    q = parse_ok("addr:＂a b＂");
    assert_term(&q, 0, CF_ADDRESS, "a b");
}

static void test_metacharacters_are_text(void **state)
{
    (void)state;
    struct search_query q = parse_ok("% _ ' * AND OR NEAR(a) -x");
    assert_int_equal(q.n, 8);
    /* Only a leading all-letter word before a colon is a key: "10:30" is text. */
    const char *want[] = {"%", "_", "'", "*", "and", "or", "near(a)", "-x"};
    for (int i = 0; i < 8; i++)
        assert_term(&q, i, CF_COUNT, want[i]);
    q = parse_ok("10:30 O'Brien");
    assert_term(&q, 0, CF_COUNT, "10:30");
    assert_term(&q, 1, CF_COUNT, "o'brien");
}

static void test_errors(void **state)
{
    (void)state;
    struct search_query q;
    struct err e = {0};
    assert_int_equal(query_parse("zip:310000", &q, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "unknown search field 'zip:'"));
    assert_non_null(strstr(e.msg, "kv:"));
    assert_int_equal(q.n, 0);
    assert_int_equal(query_parse("邮编:310000", &q, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "'邮编:'"));
    assert_int_equal(query_parse("name:", &q, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "'name:' needs a value"));
    assert_int_equal(query_parse("name: 张", &q, &e), GW_EINVAL);
    assert_int_equal(query_parse("a b c d e f g h i", &q, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "at most 8"));
    char longer[SEARCH_TERM_MAX + 8];
    memset(longer, 'x', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    assert_int_equal(query_parse(longer, &q, &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "too long"));
    /* Eight terms are fine, and so is a term of SEARCH_TERM_MAX - 1 bytes. */
    q = parse_ok("a b c d e f g h");
    assert_int_equal(q.n, 8);
    longer[SEARCH_TERM_MAX - 1] = '\0';
    q = parse_ok(longer);
    assert_int_equal(strlen(q.terms[0].text), SEARCH_TERM_MAX - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_free_text_and_blank),
        cmocka_unit_test(test_short_keys),
        cmocka_unit_test(test_long_and_chinese_keys),
        cmocka_unit_test(test_folding),
        cmocka_unit_test(test_quotes),
        cmocka_unit_test(test_metacharacters_are_text),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
