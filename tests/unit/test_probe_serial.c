/* test_probe_serial.c - the serial line on a real pseudo-terminal: raw mode, speed read
 * back, 7-bit masking, the echo filter, modem lines absent, flush, and unplugging (the
 * other side going away) reported as a device error. */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/probe/serial.h"

#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

struct rig {
    int master;
    char name[128];
    struct probe_serial *s;
};

static int setup(void **state)
{
    static struct rig r;
    int slave = -1;
    memset(&r, 0, sizeof r);
    if (openpty(&r.master, &slave, r.name, NULL, NULL) < 0)
        return -1;
    close(slave); /* the serial code opens it by name, like a real port */
    if (probe_serial_open(&r.s, r.name, NULL))
        return -1;
    *state = &r;
    return 0;
}

static int teardown(void **state)
{
    struct rig *r = *state;
    probe_serial_close(r->s);
    if (r->master >= 0)
        close(r->master);
    return 0;
}

/* Reads from the serial line until n bytes arrived or 1 s passed. */
static size_t read_n(struct probe_serial *s, uint8_t *buf, size_t n)
{
    size_t have = 0;
    for (int i = 0; i < 100 && have < n; i++) {
        struct pollfd pf = {.fd = probe_serial_fd(s), .events = POLLIN};
        poll(&pf, 1, 10);
        size_t got = 0;
        if (probe_serial_read(s, buf + have, n - have, &got, NULL))
            break;
        have += got;
    }
    return have;
}

static void test_open_missing_device_names_it(void **state)
{
    (void)state;
    struct probe_serial *s = NULL;
    struct err e = {0};
    assert_int_equal(probe_serial_open(&s, "/dev/ttyNOPROBE9", &e), GW_EDEVICE);
    assert_null(s);
    assert_non_null(strstr(e.msg, "/dev/ttyNOPROBE9"));
    assert_int_equal(probe_serial_open(&s, "/dev/null", &e), GW_EDEVICE);
    assert_non_null(strstr(e.msg, "not a serial port"));
}

static void test_speed_changes_and_is_read_back(void **state)
{
    struct rig *r = *state;
    struct termios t;
    struct err e = {0};
    /* Opened at 300 7E1, raw. The other side of the pty sees the same settings. */
    assert_int_equal(tcgetattr(r->master, &t), 0);
    assert_int_equal(cfgetospeed(&t), B300);
    assert_int_equal(probe_serial_configure(r->s, 9600, PROBE_7E1, &e), GW_OK);
    assert_int_equal(tcgetattr(r->master, &t), 0);
    assert_int_equal(cfgetospeed(&t), B9600);
    assert_int_equal(t.c_lflag & (ICANON | ECHO), 0);
    /* The same settings again: glibc may say EINVAL on a pty; it is not an error. */
    assert_int_equal(probe_serial_configure(r->s, 9600, PROBE_7E1, &e), GW_OK);
    assert_int_equal(probe_serial_configure(r->s, 2400, PROBE_8E1, &e), GW_OK);
    assert_int_equal(probe_serial_baud(r->s), 2400);
    assert_int_equal(probe_serial_configure(r->s, 1234, PROBE_8E1, &e), GW_EINVAL);
    assert_int_equal(probe_serial_baud(r->s), 2400);
}

static void test_seven_bit_masking(void **state)
{
    struct rig *r = *state;
    uint8_t buf[8];
    /* 'A' with an even-parity bit on top, as an 8-bit view of a 7E1 character. */
    const uint8_t in[] = {0xC1, 0x42};
    assert_int_equal(write(r->master, in, 2), 2);
    assert_int_equal(read_n(r->s, buf, 2), 2);
    assert_int_equal(buf[0], 'A');
    assert_int_equal(buf[1], 'B');
    probe_serial_configure(r->s, 2400, PROBE_8E1, NULL);
    assert_int_equal(write(r->master, in, 2), 2);
    assert_int_equal(read_n(r->s, buf, 2), 2);
    assert_int_equal(buf[0], 0xC1); /* 8 data bits pass unchanged */
}

static void test_echo_is_dropped_and_false_echo_kept(void **state)
{
    struct rig *r = *state;
    uint8_t buf[64], sent[64];
    probe_serial_configure(r->s, 2400, PROBE_8E1, NULL);
    const uint8_t req[] = {0xFE, 0x68, 0x11, 0x22, 0x16};
    assert_int_equal(probe_serial_write(r->s, req, sizeof req, 1000, NULL), GW_OK);
    assert_int_equal(read(r->master, sent, sizeof sent), (ssize_t)sizeof req);
    /* The head echoes, then the meter answers. */
    assert_int_equal(write(r->master, req, sizeof req), (ssize_t)sizeof req);
    assert_int_equal(write(r->master, "\x68\x91", 2), 2);
    assert_int_equal(read_n(r->s, buf, 2), 2);
    assert_int_equal(buf[0], 0x68);
    assert_int_equal(buf[1], 0x91);
    assert_int_equal(probe_serial_echo_dropped(r->s), sizeof req);
    /* An answer that merely starts like the request is not an echo. */
    assert_int_equal(probe_serial_write(r->s, req, sizeof req, 1000, NULL), GW_OK);
    assert_int_equal(read(r->master, sent, sizeof sent), (ssize_t)sizeof req);
    assert_int_equal(write(r->master, "\xFE\x68\x91", 3), 3);
    assert_int_equal(read_n(r->s, buf, 3), 3);
    assert_memory_equal(buf, "\xFE\x68\x91", 3);
    size_t len = 0;
    const char *t = probe_serial_transcript(r->s, &len);
    assert_true(len > 0);
    assert_non_null(strstr(t, "TX FE 68 11 22 16"));
    assert_non_null(strstr(t, "EC FE 68 11 22 16"));
}

static void test_no_modem_lines_on_a_pty(void **state)
{
    struct rig *r = *state;
    int supported = -1;
    assert_int_equal(probe_serial_set_lines(r->s, 1, 1, &supported, NULL), GW_OK);
    assert_int_equal(supported, 0);
    size_t len = 0;
    assert_non_null(strstr(probe_serial_transcript(r->s, &len), "no modem lines"));
}

static void test_flush_discards_waiting_bytes(void **state)
{
    struct rig *r = *state;
    uint8_t buf[16];
    size_t got = 99;
    assert_int_equal(write(r->master, "stale", 5), 5);
    usleep(20000);
    probe_serial_flush(r->s);
    assert_int_equal(probe_serial_read(r->s, buf, sizeof buf, &got, NULL), GW_OK);
    assert_int_equal(got, 0);
}

static void test_unplugged_is_a_device_error(void **state)
{
    struct rig *r = *state;
    uint8_t buf[16];
    size_t got = 0;
    struct err e = {0};
    close(r->master); /* the USB adapter went away */
    r->master = -1;
    int rc = probe_serial_read(r->s, buf, sizeof buf, &got, &e);
    assert_int_equal(rc, GW_EDEVICE);
    assert_non_null(strstr(e.msg, "unplugged"));
}

static void test_wire_time_counts_bits(void **state)
{
    struct rig *r = *state;
    uint8_t sink[64];
    probe_serial_configure(r->s, 1200, PROBE_8E1, NULL);
    uint64_t before = probe_serial_wire_us(r->s);
    uint8_t req[12] = {0};
    assert_int_equal(probe_serial_write(r->s, req, sizeof req, 1000, NULL), GW_OK);
    assert_true(read(r->master, sink, sizeof sink) > 0);
    /* 12 characters x 11 bits at 1200 baud = 110 ms. */
    assert_int_equal(probe_serial_wire_us(r->s) - before, 110000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_missing_device_names_it),
        cmocka_unit_test_setup_teardown(test_speed_changes_and_is_read_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seven_bit_masking, setup, teardown),
        cmocka_unit_test_setup_teardown(test_echo_is_dropped_and_false_echo_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_modem_lines_on_a_pty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flush_discards_waiting_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unplugged_is_a_device_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wire_time_counts_bits, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
