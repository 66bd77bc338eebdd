/* test_naming.c - the tree's naming rules: what is refused, what the safe form looks like
 * on every file system, and the automatic entry name. */
#include "gridwalk/config.h"

#include "app/naming.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void append(char *buf, size_t n, const char *s)
{
    size_t l = strlen(buf);
    snprintf(buf + l, n - l, "%s", s);
}

static void test_check_accepts(void **state)
{
    (void)state;
    assert_int_equal(naming_check("1号变压器", NULL), GW_OK);
    assert_int_equal(naming_check("2026-11-22 14:03", NULL), GW_OK);
    assert_int_equal(naming_check("Box A.1 (east)", NULL), GW_OK);
    assert_int_equal(naming_check("...", NULL), GW_OK); /* odd, but not a path component */
}

static void test_check_refuses(void **state)
{
    struct err e = {0};
    (void)state;
    assert_int_equal(naming_check("", &e), GW_EINVAL);
    assert_int_equal(naming_check("   ", &e), GW_EINVAL);
    assert_int_equal(naming_check("\xe3\x80\x80", &e), GW_EINVAL); /* ideographic space */
    assert_int_equal(naming_check("a/b", &e), GW_EINVAL);
    assert_non_null(strstr(e.msg, "'/'"));
    assert_int_equal(naming_check("a\\b", &e), GW_EINVAL);
    assert_int_equal(naming_check(".", &e), GW_EINVAL);
    assert_int_equal(naming_check("..", &e), GW_EINVAL);
    assert_int_equal(naming_check("a\nb", &e), GW_EINVAL);
    assert_int_equal(naming_check("a\tb", &e), GW_EINVAL);
    assert_int_equal(naming_check("\x7f", &e), GW_EINVAL);
    assert_int_equal(naming_check("\xc2\x85x", &e), GW_EINVAL);    /* C1 control NEL */
    assert_int_equal(naming_check("\xff\xfe", &e), GW_EINVAL);     /* not UTF-8 */
    assert_int_equal(naming_check("\xc0\xaf", &e), GW_EINVAL);     /* overlong '/' */
    assert_int_equal(naming_check("\xed\xa0\x80", &e), GW_EINVAL); /* surrogate */
    assert_int_equal(naming_check(" lead", &e), GW_EINVAL);
    assert_int_equal(naming_check("trail ", &e), GW_EINVAL);
}

static void test_check_length_caps(void **state)
{
    char buf[512] = "";
    (void)state;
    for (int i = 0; i < NAMING_MAX_CHARS; i++)
        append(buf, sizeof buf, "a");
    assert_int_equal(naming_check(buf, NULL), GW_OK);
    append(buf, sizeof buf, "a");
    assert_int_equal(naming_check(buf, NULL), GW_ETOOBIG);
    /* 80 Chinese characters are 240 bytes: allowed; 81 are not. */
    buf[0] = '\0';
    for (int i = 0; i < 80; i++)
        append(buf, sizeof buf, "电");
    assert_int_equal(naming_check(buf, NULL), GW_OK);
    append(buf, sizeof buf, "电");
    assert_int_equal(naming_check(buf, NULL), GW_ETOOBIG);
}

static void expect_safe(const char *in, const char *want)
{
    char out[512];
    size_t n = naming_safe(in, out, sizeof out);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
}

static void test_safe(void **state)
{
    (void)state;
    expect_safe("1号变压器", "1号变压器");
    expect_safe("2026-11-22 14:03", "2026-11-22 14-03");
    expect_safe("a/b\\c:d*e?f\"g<h>i|j", "a_b_c-d_e_f_g_h_i_j");
    expect_safe("..", "__");
    expect_safe(".hidden", "_hidden");
    expect_safe(".", "_");
    expect_safe("", "_");
    expect_safe("  spaced  ", "spaced");
    expect_safe("ends with dots...", "ends with dots");
    expect_safe("tab\there", "tab_here");
    expect_safe("bad\xff byte", "bad_ byte");
    expect_safe("CON", "CON_");
    expect_safe("nul.txt", "nul.txt_");
    expect_safe("COM1", "COM1_");
    expect_safe("CONSOLE", "CONSOLE");
    expect_safe("../../etc/passwd", "___.._etc_passwd");
}

static void test_safe_caps_at_character_boundary(void **state)
{
    char in[1024] = "", out[1024];
    (void)state;
    for (int i = 0; i < 100; i++)
        append(in, sizeof in, "电"); /* 300 bytes */
    size_t n = naming_safe(in, out, sizeof out);
    assert_int_equal(n, NAMING_MAX_BYTES);
    assert_int_equal(n % 3, 0);
    /* A small buffer cuts at a character boundary too. */
    n = naming_safe(in, out, 8);
    assert_int_equal(n, 6);
    assert_string_equal(out, "电电");
}

static void test_auto_entry_name(void **state)
{
    char out[NAMING_AUTO_LEN];
    (void)state;
    setenv("TZ", "CST-8", 1); /* Beijing, without needing tzdata */
    tzset();
    /* 2026-11-22 06:03 UTC is 14:03 in Beijing: the name is local time. */
    naming_auto_entry((time_t)1795327380, out);
    assert_string_equal(out, "2026-11-22 14:03");
    setenv("TZ", "UTC", 1);
    tzset();
    naming_auto_entry((time_t)1795327380, out);
    assert_string_equal(out, "2026-11-22 06:03");
    assert_int_equal(naming_check(out, NULL), GW_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_accepts),
        cmocka_unit_test(test_check_refuses),
        cmocka_unit_test(test_check_length_caps),
        cmocka_unit_test(test_safe),
        cmocka_unit_test(test_safe_caps_at_character_boundary),
        cmocka_unit_test(test_auto_entry_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
