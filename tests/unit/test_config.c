/* test_config.c - config.ini: defaults without a file, every setting read, and bad lines
 * reported with their line number. */
#include "gridwalk/config.h"

#include "app/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static void test_defaults_without_file(void **state)
{
    struct config c;
    struct err e = {0};
    (void)state;
    assert_int_equal(config_load(&c, "/nonexistent/gridwalk/config.ini", &e), GW_OK);
    assert_int_equal(c.photo_long_edge, 1600);
    assert_int_equal(c.photo_quality, 85);
    assert_false(c.keep_original);
    assert_string_equal(c.camera, "/dev/video0");
    assert_string_equal(c.probe, "/dev/ttyUSB0");
    assert_string_equal(c.probe_protocol, "auto");
    assert_string_equal(c.gps_host, "localhost");
    assert_int_equal(c.gps_port, 2947);
    assert_true(c.min_pin_accuracy_m == 10);
    assert_string_equal(c.hub_url, "");
    assert_string_equal(c.path, "");
    assert_string_equal(config_category_name(&c, 1), "Inspection");
    assert_string_equal(config_category_name(&c, 3), "Service");
}

static void test_every_setting(void **state)
{
    struct config c;
    struct err e = {0};
    (void)state;
    const char *ini = "; field tablet 7\n"
                      "[tree]\ncategories = 用电检查, 计量装置 ,营业服务\n"
                      "[photo]\nlong_edge=2048\nquality=90\nkeep_original=true\n"
                      "[devices]\ncamera=/dev/video2\nscanner=test:0\nprobe=/dev/ttyS1\n"
                      "probe_protocol=dlt645\n"
                      "[gps]\nhost=127.0.0.1\nport=3000\nmin_pin_accuracy_m=5.5\n"
                      "[sync]\nhub_url=https://hub.example/\ntoken_file=/etc/gw/token\n"
                      "[paths]\npick_folders=/media/usb:/home/field/Pictures\n"
                      "[sync]\nca_file=/etc/gw/ca.pem\ndb=/srv/gw/store.db\ninterval=60\n"
                      "backoff_max=600\nmax_rate = 512K   ; a shared cell link\n";
    assert_int_equal(config_load_string(&c, ini, &e), GW_OK);
    assert_string_equal(config_category_name(&c, 1), "用电检查");
    assert_string_equal(config_category_name(&c, 2), "计量装置");
    assert_string_equal(config_category_name(&c, 3), "营业服务");
    assert_int_equal(c.photo_long_edge, 2048);
    assert_int_equal(c.photo_quality, 90);
    assert_true(c.keep_original);
    assert_string_equal(c.camera, "/dev/video2");
    assert_string_equal(c.scanner, "test:0");
    assert_string_equal(c.probe, "/dev/ttyS1");
    assert_string_equal(c.probe_protocol, "dlt645");
    assert_string_equal(c.gps_host, "127.0.0.1");
    assert_int_equal(c.gps_port, 3000);
    assert_true(c.min_pin_accuracy_m == 5.5);
    assert_string_equal(c.hub_url, "https://hub.example/");
    assert_string_equal(c.token_file, "/etc/gw/token");
    assert_string_equal(c.pick_folders, "/media/usb:/home/field/Pictures");
    assert_string_equal(c.ca_file, "/etc/gw/ca.pem");
    assert_string_equal(c.db, "/srv/gw/store.db");
    assert_true(c.sync_interval_s == 60);
    assert_true(c.sync_backoff_max_s == 600);
    assert_true(c.sync_max_rate == 512 * 1024);
    /* gridwalk-syncd calls the hub URL "hub": both names are the same setting. */
    assert_int_equal(config_load_string(&c, "[sync]\nhub = https://h.example/\n", &e), GW_OK);
    assert_string_equal(c.hub_url, "https://h.example/");
}

static void expect_error(const char *ini, const char *want)
{
    struct config c;
    struct err e = {0};
    assert_int_equal(config_load_string(&c, ini, &e), GW_EINVAL);
    if (!strstr(e.msg, want)) {
        fprintf(stderr, "# got \"%s\", want it to contain \"%s\"\n", e.msg, want);
        fail();
    }
}

static void test_bad_lines(void **state)
{
    (void)state;
    expect_error("[photo]\nlong_edge=big\n", "<string>:2: 'big' is not a whole number");
    expect_error("[photo]\n\nquality=101\n", "<string>:3:");
    expect_error("[photo]\nkeep_original=perhaps\n", "not true or false");
    expect_error("[gps]\nport=70000\n", "<string>:2:");
    expect_error("[devices]\nprobe_protocol=modbus\n", "probe_protocol must be");
    expect_error("[tree]\ncategories=a,b\n", "exactly three");
    expect_error("[tree]\ncategories=a,b,c,d\n", "exactly three");
    expect_error("[tree]\ncategories=a,,c\n", "exactly three");
    expect_error("[photo]\ncolour=yes\n", "unknown setting 'colour' in section [photo]");
    expect_error("[photo]\nthis line has no equals sign\n", "<string>:2:");
    expect_error("[sync]\nmax_rate=fast\n", "'fast' is not a rate");
    expect_error("[sync]\nmax_rate=-5K\n", "<string>:2:");
    /* A cap below 1K/s would stall a photo past the hub's patience: refused, not obeyed. */
    expect_error("[sync]\nmax_rate=100\n", "at least 1K");
}

/* The sync agent's cap is written as curl writes --limit-rate. */
static void test_rates(void **state)
{
    (void)state;
    assert_true(config_parse_rate("0") == 0);
    assert_true(config_parse_rate("250000") == 250000);
    assert_true(config_parse_rate("500K") == 500 * 1024);
    assert_true(config_parse_rate("500k") == 500 * 1024);
    assert_true(config_parse_rate("1.5M") == 1.5 * 1024 * 1024);
    assert_true(config_parse_rate("") < 0);
    assert_true(config_parse_rate("2G") < 0);
    assert_true(config_parse_rate("1023") < 0);
    assert_true(config_parse_rate("K") < 0);
    assert_true(config_parse_rate("5 K") < 0);
}

static void test_file_with_error_names_file(void **state)
{
    char dir[] = "/tmp/gw-config-XXXXXX", path[256];
    struct config c;
    struct err e = {0};
    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/config.ini", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("[gps]\nhost=gpsd.local\n[sync]\nhubb=oops\n", f);
    fclose(f);
    assert_int_equal(config_load(&c, path, &e), GW_EINVAL);
    char want[300];
    snprintf(want, sizeof want, "%s:4: unknown setting 'hubb'", path);
    assert_non_null(strstr(e.msg, want));
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("[gps]\nhost=gpsd.local\n", f);
    fclose(f);
    assert_int_equal(config_load(&c, path, &e), GW_OK);
    assert_string_equal(c.gps_host, "gpsd.local");
    assert_string_equal(c.path, path);
    /* The default path follows XDG_CONFIG_HOME. */
    setenv("XDG_CONFIG_HOME", dir, 1);
    assert_int_equal(config_default_path(want, sizeof want, &e), GW_OK);
    snprintf(path, sizeof path, "%s/gridwalk/config.ini", dir);
    assert_string_equal(want, path);
    unlink(path);
    snprintf(path, sizeof path, "%s/config.ini", dir);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_without_file),
        cmocka_unit_test(test_every_setting),
        cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_rates),
        cmocka_unit_test(test_file_with_error_names_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
