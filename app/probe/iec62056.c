/* iec62056.c - IEC 62056-21 messages: sign-on, identification, acknowledgement, data. */
#include "gridwalk/config.h"

#include "app/probe/iec62056.h"

#include <stdio.h>
#include <string.h>

/* Parsers report "cannot become a message" as -1 after filling e. */
static int failed(int code)
{
    (void)code;
    return -1;
}

size_t iec_build_signon(char *out, size_t cap, const char *address)
{
    size_t al = address ? strlen(address) : 0;
    if (al > 32 || cap < al + 6)
        return 0;
    for (size_t i = 0; i < al; i++) {
        char c = address[i];
        /* The address field may not contain the message delimiters. */
        if (c < 0x20 || c > 0x7e || c == '/' || c == '!' || c == '?')
            return 0;
    }
    int n = snprintf(out, cap, "/?%s!\r\n", al ? address : "");
    return n > 0 ? (size_t)n : 0;
}

size_t iec_build_ack(uint8_t out[6], char baud_char)
{
    out[0] = IEC_ACK;
    out[1] = '0'; /* protocol control: normal procedure */
    out[2] = (uint8_t)baud_char;
    out[3] = '0'; /* mode control: data readout; '1' (programming) is never sent */
    out[4] = '\r';
    out[5] = '\n';
    return 6;
}

unsigned iec_baud_of(char c, enum iec_mode mode)
{
    static const unsigned rates[] = {300, 600, 1200, 2400, 4800, 9600, 19200};
    if (mode == IEC_MODE_C && c >= '0' && c <= '6')
        return rates[c - '0'];
    if (mode == IEC_MODE_B && c >= 'A' && c <= 'F')
        return rates[c - 'A' + 1];
    return 0;
}

char iec_char_of_baud(unsigned baud)
{
    static const unsigned rates[] = {300, 600, 1200, 2400, 4800, 9600, 19200};
    for (int i = 0; i < 7; i++)
        if (rates[i] == baud)
            return (char)('0' + i);
    return 0;
}

int iec_parse_ident(const uint8_t *buf, size_t n, struct iec_ident *id, size_t *used, struct err *e)
{
    size_t s = 0;
    while (s < n && buf[s] != '/')
        s++;
    if (s == n)
        return n > IEC_IDENT_MAX
                   ? failed(err_set(e, GW_ECORRUPT, "the meter sent no identification"))
                   : 0;
    size_t end = s;
    while (end + 1 < n && !(buf[end] == '\r' && buf[end + 1] == '\n'))
        end++;
    if (end + 1 >= n)
        return n - s > IEC_IDENT_MAX
                   ? failed(err_set(e, GW_ECORRUPT, "the meter's identification line is too long"))
                   : 0;
    const uint8_t *p = buf + s + 1;
    size_t len = end - s - 1;
    if (len < 5 || len > IEC_IDENT_MAX)
        return failed(err_set(e, GW_ECORRUPT, "the meter's identification line is malformed"));
    for (int i = 0; i < 3; i++) {
        if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= 'a' && p[i] <= 'z')))
            return failed(err_set(e, GW_ECORRUPT, "the identification has no manufacturer code"));
        id->manufacturer[i] = (char)p[i];
    }
    id->manufacturer[3] = '\0';
    id->baud_char = (char)p[3];
    if (p[3] >= '0' && p[3] <= '9')
        id->mode = IEC_MODE_C;
    else if (p[3] >= 'A' && p[3] <= 'I')
        id->mode = IEC_MODE_B;
    else
        id->mode = IEC_MODE_A;
    id->baud = iec_baud_of(id->baud_char, id->mode);
    if (!id->baud)
        id->baud = 300;
    size_t o = 0;
    for (size_t i = 4; i < len; i++) {
        if (p[i] == '\\' && i + 1 < len) {
            i++; /* "\W": enhanced capability character, not part of the identification */
            continue;
        }
        if (p[i] < 0x20 || p[i] > 0x7e)
            return failed(err_set(e, GW_ECORRUPT, "the identification has a control character"));
        if (o + 1 < sizeof id->ident)
            id->ident[o++] = (char)p[i];
    }
    id->ident[o] = '\0';
    *used = end + 2;
    return 1;
}

int iec_find_block(const uint8_t *buf, size_t n, size_t *start, size_t *len, size_t *used,
                   struct err *e)
{
    size_t s = 0;
    while (s < n && buf[s] != IEC_STX) {
        if (buf[s] == IEC_SOH)
            return failed(err_set(e, GW_EINVAL,
                                  "the meter sent a programming-mode message; gridwalk only reads "
                                  "meters and refuses programming mode"));
        if (buf[s] == IEC_NAK)
            return failed(err_set(e, GW_ECORRUPT, "the meter rejected the request (NAK)"));
        s++;
    }
    if (s == n)
        return n > IEC_BLOCK_MAX ? failed(err_set(e, GW_ETOOBIG, "the meter sent no data block"))
                                 : 0;
    uint8_t bcc = 0;
    size_t i = s + 1;
    for (; i < n; i++) {
        bcc ^= buf[i];
        if (buf[i] == IEC_ETX)
            break;
        if (buf[i] == IEC_STX || buf[i] == IEC_SOH)
            return failed(err_set(e, GW_ECORRUPT, "the meter's data block is garbled"));
        if (i - s > IEC_BLOCK_MAX)
            return failed(
                err_set(e, GW_ETOOBIG, "the meter's data block is over %d bytes", IEC_BLOCK_MAX));
    }
    if (i + 1 >= n)
        return i - s > IEC_BLOCK_MAX
                   ? failed(err_set(e, GW_ETOOBIG, "the meter's data block is too long"))
                   : 0;
    if ((buf[i + 1] & 0x7f) != (bcc & 0x7f))
        return failed(err_set(e, GW_ECORRUPT,
                              "the meter's data block failed its check character (got %02X, "
                              "expected %02X)",
                              buf[i + 1], bcc));
    *start = s + 1;
    *len = i - s - 1;
    *used = i + 2;
    return 1;
}

/* Normalizes an address to C.D.E: drops "A-B:" and the "*255" billing suffix; another
 * suffix is a historical (billing period) value and gets no OBIS. */
static void normalize_obis(const char *code, char *out, size_t cap)
{
    const char *p = strchr(code, ':');
    p = p ? p + 1 : code;
    char tmp[24];
    snprintf(tmp, sizeof tmp, "%s", p);
    char *star = strchr(tmp, '*');
    if (!star)
        star = strchr(tmp, '&');
    if (star) {
        if (strcmp(star + 1, "255") != 0) {
            out[0] = '\0';
            return;
        }
        *star = '\0';
    }
    int dots = 0;
    for (char *c = tmp; *c; c++)
        dots += *c == '.';
    snprintf(out, cap, "%s%s", tmp, dots == 1 ? ".0" : "");
}

int iec_parse_data(const char *data, size_t len, struct iec_register *regs, size_t cap,
                   size_t *count, struct err *e)
{
    size_t i = 0, nreg = 0;
    *count = 0;
    while (i < len) {
        char c = data[i];
        if (c == '\r' || c == '\n' || c == ' ') {
            i++;
            continue;
        }
        if (c == '!')
            break; /* end of the data */
        size_t a0 = i;
        while (i < len && data[i] != '(' && data[i] != '\r' && data[i] != '\n' && data[i] != '!')
            i++;
        size_t alen = i - a0;
        if (i >= len || data[i] != '(')
            return err_set(e, GW_ECORRUPT, "a data line of the meter has no value: '%.*s'",
                           (int)(alen > 40 ? 40 : alen), data + a0);
        if (alen > 23)
            return err_set(e, GW_ECORRUPT, "a register address of the meter is too long");
        size_t v0 = ++i;
        while (i < len && data[i] != ')' && data[i] != '(' && data[i] != '\r' && data[i] != '\n')
            i++;
        if (i >= len || data[i] != ')')
            return err_set(e, GW_ECORRUPT, "a value of the meter is not closed by ')'");
        size_t vlen = i - v0;
        i++;
        /* Further bracketed values of the same data set (e.g. a time stamp) are skipped. */
        while (i < len && data[i] == '(') {
            while (i < len && data[i] != ')' && data[i] != '\r' && data[i] != '\n')
                i++;
            if (i >= len || data[i] != ')')
                return err_set(e, GW_ECORRUPT, "a value of the meter is not closed by ')'");
            i++;
        }
        if (alen == 0 && nreg == 0)
            return err_set(e, GW_EDEVICE, "the meter answered with an error: %.*s",
                           (int)(vlen > 40 ? 40 : vlen), data + v0);
        if (alen == 0)
            return err_set(e, GW_ECORRUPT, "a data set of the meter has no address");
        const char *star = memchr(data + v0, '*', vlen);
        size_t val_len = star ? (size_t)(star - (data + v0)) : vlen;
        size_t unit_len = star ? vlen - val_len - 1 : 0;
        if (val_len > 39 || unit_len > 11)
            return err_set(e, GW_ECORRUPT, "a value of the meter is too long");
        if (nreg < cap) {
            struct iec_register *r = &regs[nreg];
            memcpy(r->code, data + a0, alen);
            r->code[alen] = '\0';
            memcpy(r->value, data + v0, val_len);
            r->value[val_len] = '\0';
            if (unit_len)
                memcpy(r->unit, star + 1, unit_len);
            r->unit[unit_len] = '\0';
            normalize_obis(r->code, r->obis, sizeof r->obis);
        }
        nreg++;
    }
    *count = nreg;
    return GW_OK;
}

static const struct {
    const char *obis, *id;
} obis_map[] = {
    {"1.8.0", "energy_fwd_total"},
    {"1.8.1", "energy_fwd_t1"},
    {"1.8.2", "energy_fwd_t2"},
    {"1.8.3", "energy_fwd_t3"},
    {"1.8.4", "energy_fwd_t4"},
    {"2.8.0", "energy_rev_total"},
    {"0.9.2", "date"},
    {"0.9.1", "time"},
    {"C.1.0", "meter_number"},
    {"0.0.0", "meter_number"},
    {"96.1.0", "meter_number"},
    {"32.7.0", "voltage_a"},
    {"52.7.0", "voltage_b"},
    {"72.7.0", "voltage_c"},
    {"31.7.0", "current_a"},
    {"51.7.0", "current_b"},
    {"71.7.0", "current_c"},
    {"1.7.0", "power_active_total"},
    {"16.7.0", "power_active_total"},
};

const char *iec_canonical_id(const char *obis)
{
    for (size_t i = 0; i < sizeof obis_map / sizeof obis_map[0]; i++)
        if (strcmp(obis_map[i].obis, obis) == 0)
            return obis_map[i].id;
    return NULL;
}

const char *iec_obis_of(const char *canonical_id)
{
    for (size_t i = 0; i < sizeof obis_map / sizeof obis_map[0]; i++)
        if (strcmp(obis_map[i].id, canonical_id) == 0)
            return obis_map[i].obis;
    return NULL;
}
