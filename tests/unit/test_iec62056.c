/* test_iec62056.c - the IEC 62056-21 codec against published readouts of real meters.
 *
 * Sources:
 *  [L1] LEM EM4T II user manual, 4.2.9 "Examples of read-outs", page 27,
 *       https://manualshive.com/en/manual/lem/em4tii/em4tii_manual_1874544-27.html: a full
 *       mode C readout (/EMH5\@D4EM4TIIW001--, ACK 050, the data block with BCC '+') and the
 *       programming-mode exchange (SOH P0 STX () ETX `) that gridwalk must refuse.
 *  [L2] volkszaehler wiki, Landis+Gyr E350,
 *       https://wiki.volkszaehler.org/_export/xhtml/hardware/channels/meters/power/edl-ehz/landisgyr_e350:
 *       identification /LGZ4ZMF100AC.M23 and its data lines (C.1.0, 0.0, 1.8.1, 32.7 ...).
 *  [L3] volkszaehler wiki, Landis+Gyr ZMD120AP,
 *       https://wiki.volkszaehler.org/_export/raw/hardware/channels/meters/power/edl-ehz/landisgyr_zmd120ap:
 *       /LGZ52ZMD120APt.G03 and 0.0.0( 20000) (meter number with a padding space).
 *  [L4] IEC 62056-21:2002, 6.3 (message formats, BCC, baud rate characters), as published at
 *       https://docslib.org/doc/7210106/ (first edition 2002-05). */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/probe/iec62056.h"

#include <stdio.h>
#include <string.h>

/* [L1], data between STX and ETX exactly as printed (CR LF restored). */
static const char l1_data[] = "1-0:1.8.0*255(000000000.0*kWh)\r\n"
                              "1-0:2.8.0*255(000000000.0*kWh)\r\n"
                              "1-0:3.8.0*255(000000000.0*kvarh)\r\n"
                              "1-0:4.8.0*255(000000000.0*kvarh)\r\n"
                              "0-0:F.F.0*255(00000000)\r\n"
                              "1-0:0.0.1*255()\r\n"
                              "1-0:0.2.0*255(10600000)\r\n"
                              "1-0:0.9.1*255(140253)\r\n"
                              "1-0:0.9.2*255(121221)\r\n"
                              "0-0:C.1.0*255(03878504)\r\n"
                              "0-0:C.72.1*255()\r\n"
                              "0-0:C.72.2*255()\r\n"
                              "1-0:0.8.4*255(5*min)\r\n"
                              "1-0:0.3.0*255(6.00*Imp/kWh)\r\n"
                              "1-0:0.2.1*1(121120?\?)\r\n"
                              "1-0:0.2.1*50(121120?\?)\r\n"
                              "0-0:C.90.2*255(9F139CC2)\r\n"
                              "1-0:C.1.9*255(Point-ID)\r\n"
                              "!\r\n";

static size_t frame(uint8_t *out, const char *data, int with_bcc)
{
    size_t n = 0, len = strlen(data);
    out[n++] = IEC_STX;
    memcpy(out + n, data, len);
    n += len;
    out[n++] = IEC_ETX;
    uint8_t bcc = 0;
    for (size_t i = 1; i < n; i++)
        bcc ^= out[i];
    if (with_bcc)
        out[n++] = bcc;
    return n;
}

static void test_l1_block_bcc_is_plus(void **state)
{
    (void)state;
    uint8_t buf[2048];
    size_t n = frame(buf, l1_data, 0);
    buf[n++] = '+'; /* the BCC printed in [L1] */
    size_t s = 0, len = 0, used = 0;
    assert_int_equal(iec_find_block(buf, n, &s, &len, &used, NULL), 1);
    assert_int_equal(used, n);
    assert_int_equal(len, strlen(l1_data));
    /* Every shorter prefix needs more bytes. */
    for (size_t k = 0; k < n; k++)
        assert_int_equal(iec_find_block(buf, k, &s, &len, &used, NULL), 0);
    struct err e = {0};
    buf[n - 1] = '-';
    assert_int_equal(iec_find_block(buf, n, &s, &len, &used, &e), -1);
    assert_int_equal(e.code, GW_ECORRUPT);
}

static void test_l1_registers(void **state)
{
    (void)state;
    struct iec_register r[32];
    size_t count = 0;
    assert_int_equal(iec_parse_data(l1_data, strlen(l1_data), r, 32, &count, NULL), GW_OK);
    assert_int_equal(count, 18);
    assert_string_equal(r[0].code, "1-0:1.8.0*255");
    assert_string_equal(r[0].obis, "1.8.0");
    assert_string_equal(r[0].value, "000000000.0");
    assert_string_equal(r[0].unit, "kWh");
    assert_string_equal(iec_canonical_id(r[0].obis), "energy_fwd_total");
    assert_string_equal(r[9].obis, "C.1.0");
    assert_string_equal(r[9].value, "03878504");
    assert_string_equal(iec_canonical_id(r[9].obis), "meter_number");
    assert_string_equal(r[8].value, "121221");
    assert_string_equal(iec_canonical_id(r[8].obis), "date");
    assert_string_equal(r[13].unit, "Imp/kWh");
    /* "*1" and "*50" are values of earlier billing periods: no current OBIS. */
    assert_string_equal(r[14].obis, "");
    assert_string_equal(r[5].value, "");
}

static void test_l1_ident_and_ack(void **state)
{
    (void)state;
    const char line[] = "/EMH5\\@D4EM4TIIW001--\r\n";
    struct iec_ident id;
    size_t used = 0;
    assert_int_equal(iec_parse_ident((const uint8_t *)line, strlen(line), &id, &used, NULL), 1);
    assert_int_equal(used, strlen(line));
    assert_string_equal(id.manufacturer, "EMH");
    assert_int_equal(id.baud_char, '5');
    assert_int_equal(id.mode, IEC_MODE_C);
    assert_int_equal(id.baud, 9600);
    assert_string_equal(id.ident, "D4EM4TIIW001--");
    uint8_t ack[6];
    assert_int_equal(iec_build_ack(ack, '5'), 6);
    assert_memory_equal(ack,
                        "\x06"
                        "050\r\n",
                        6); /* "<ACK>050<CR><LF>" in [L1] */
    char so[48];
    assert_int_equal(iec_build_signon(so, sizeof so, NULL), 5);
    assert_string_equal(so, "/?!\r\n");
    assert_int_equal(iec_build_signon(so, sizeof so, "12345678"), 13);
    assert_string_equal(so, "/?12345678!\r\n");
    assert_int_equal(iec_build_signon(so, sizeof so, "bad!addr"), 0);
}

static void test_l1_programming_mode_refused(void **state)
{
    (void)state;
    const uint8_t p0[] = {IEC_SOH, 'P', '0', IEC_STX, '(', ')', IEC_ETX, '`'};
    size_t s, len, used;
    struct err e = {0};
    assert_int_equal(iec_find_block(p0, sizeof p0, &s, &len, &used, &e), -1);
    assert_int_equal(e.code, GW_EINVAL);
    assert_non_null(strstr(e.msg, "programming"));
}

static void test_l2_landis_gyr_e350(void **state)
{
    (void)state;
    const char line[] = "/LGZ4ZMF100AC.M23\r\n";
    struct iec_ident id;
    size_t used = 0;
    assert_int_equal(iec_parse_ident((const uint8_t *)line, strlen(line), &id, &used, NULL), 1);
    assert_string_equal(id.manufacturer, "LGZ");
    assert_int_equal(id.baud, 4800); /* "4 = max. 4800bd" says [L2] */
    assert_string_equal(id.ident, "ZMF100AC.M23");
    const char data[] = "F.F(00)\r\nC.1.0(12314330)\r\n0.0(00188123 )\r\nC.1.1( )\r\n"
                        "1.8.1(001234.120*kWh)\r\n1.8.0(001234.120*kWh)\r\n"
                        "2.8.0(000000.000*kWh)\r\n15.8.0(001234.120*kWh)\r\nC.7.0(0005)\r\n"
                        "32.7(229*V)\r\n52.7(230*V)\r\n72.7(230*V)\r\n31.7(000.03*A)\r\n"
                        "!\r\n";
    struct iec_register r[32];
    size_t count = 0;
    assert_int_equal(iec_parse_data(data, strlen(data), r, 32, &count, NULL), GW_OK);
    assert_int_equal(count, 13);
    assert_string_equal(r[2].obis, "0.0.0");
    assert_string_equal(r[2].value, "00188123 ");
    assert_string_equal(r[9].obis, "32.7.0");
    assert_string_equal(iec_canonical_id(r[9].obis), "voltage_a");
    assert_string_equal(r[9].value, "229");
    assert_string_equal(r[9].unit, "V");
}

static void test_l3_mode_b_and_a_idents(void **state)
{
    (void)state;
    struct iec_ident id;
    size_t used = 0;
    const char c[] = "/LGZ52ZMD120APt.G03\r\n";
    assert_int_equal(iec_parse_ident((const uint8_t *)c, strlen(c), &id, &used, NULL), 1);
    assert_int_equal(id.mode, IEC_MODE_C);
    const char b[] = "/ABCEmeter\r\n"; /* a mode B meter offering 9600 (letter E) [L4] */
    assert_int_equal(iec_parse_ident((const uint8_t *)b, strlen(b), &id, &used, NULL), 1);
    assert_int_equal(id.mode, IEC_MODE_B);
    assert_int_equal(id.baud, 9600);
    const char a[] = "/ABC#meter\r\n"; /* any other character: mode A, 300 baud */
    assert_int_equal(iec_parse_ident((const uint8_t *)a, strlen(a), &id, &used, NULL), 1);
    assert_int_equal(id.mode, IEC_MODE_A);
    assert_int_equal(id.baud, 300);
    /* Echoed sign-on before the identification (a half-duplex head) is skipped up to '/'. */
    struct err e = {0};
    const char junk[] = "\x00\x00/AB\r\n";
    assert_int_equal(iec_parse_ident((const uint8_t *)junk, sizeof junk - 1, &id, &used, &e), -1);
    assert_int_equal(e.code, GW_ECORRUPT);
}

static void test_error_message_and_malformed(void **state)
{
    (void)state;
    struct iec_register r[4];
    size_t count = 0;
    struct err e = {0};
    const char err_msg[] = "(ERR05)\r\n!\r\n";
    assert_int_equal(iec_parse_data(err_msg, strlen(err_msg), r, 4, &count, &e), GW_EDEVICE);
    assert_non_null(strstr(e.msg, "ERR05"));
    const char unclosed[] = "1.8.0(0001\r\n!\r\n";
    assert_int_equal(iec_parse_data(unclosed, strlen(unclosed), r, 4, &count, &e), GW_ECORRUPT);
    /* More data sets than room: counted, not written past the array. */
    const char many[] = "1.8.0(1)2.8.0(2)3.8.0(3)4.8.0(4)5.8.0(5)6.8.0(6)!";
    assert_int_equal(iec_parse_data(many, strlen(many), r, 4, &count, NULL), GW_OK);
    assert_int_equal(count, 6);
    assert_int_equal(iec_baud_of('6', IEC_MODE_C), 19200);
    assert_int_equal(iec_char_of_baud(1200), '2');
    assert_string_equal(iec_obis_of("energy_rev_total"), "2.8.0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_l1_block_bcc_is_plus),
        cmocka_unit_test(test_l1_registers),
        cmocka_unit_test(test_l1_ident_and_ack),
        cmocka_unit_test(test_l1_programming_mode_refused),
        cmocka_unit_test(test_l2_landis_gyr_e350),
        cmocka_unit_test(test_l3_mode_b_and_a_idents),
        cmocka_unit_test(test_error_message_and_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
