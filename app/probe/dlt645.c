/* dlt645.c - DL/T 645-2007 / -1997 frames and register encodings. */
#include "gridwalk/config.h"

#include "app/probe/dlt645.h"

#include <stdio.h>
#include <string.h>

const uint8_t dlt645_addr_wildcard[6] = {0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA};

/* The registers of issue 5. Formats from DL/T 645-2007 appendix A (data identifiers and
 * their XXXXXX.XX style formats) and DL/T 645-1997 table B. 1997 has no prepayment balance. */
const struct dlt645_item dlt645_items[] = {
    {"energy_fwd_total", "kWh", 0x00010000, 0x9010, DLT_FMT_DECIMAL, 4, 2, 4, 2, 0},
    {"energy_fwd_t1", "kWh", 0x00010100, 0x9011, DLT_FMT_DECIMAL, 4, 2, 4, 2, 0},
    {"energy_fwd_t2", "kWh", 0x00010200, 0x9012, DLT_FMT_DECIMAL, 4, 2, 4, 2, 0},
    {"energy_fwd_t3", "kWh", 0x00010300, 0x9013, DLT_FMT_DECIMAL, 4, 2, 4, 2, 0},
    {"energy_fwd_t4", "kWh", 0x00010400, 0x9014, DLT_FMT_DECIMAL, 4, 2, 4, 2, 0},
    {"energy_rev_total", "kWh", 0x00020000, 0x9020, DLT_FMT_DECIMAL, 4, 2, 4, 2, 0},
    {"date", "", 0x04000101, 0xC010, DLT_FMT_DATE, 4, 0, 4, 0, 0},
    {"time", "", 0x04000102, 0xC011, DLT_FMT_TIME, 3, 0, 3, 0, 0},
    {"meter_number", "", 0x04000402, 0xC032, DLT_FMT_DIGITS, 6, 0, 6, 0, 0},
    {"voltage_a", "V", 0x02010100, 0xB611, DLT_FMT_DECIMAL, 2, 1, 2, 0, 0},
    {"voltage_b", "V", 0x02010200, 0xB612, DLT_FMT_DECIMAL, 2, 1, 2, 0, 0},
    {"voltage_c", "V", 0x02010300, 0xB613, DLT_FMT_DECIMAL, 2, 1, 2, 0, 0},
    {"current_a", "A", 0x02020100, 0xB621, DLT_FMT_DECIMAL, 3, 3, 2, 2, 1},
    {"current_b", "A", 0x02020200, 0xB622, DLT_FMT_DECIMAL, 3, 3, 2, 2, 1},
    {"current_c", "A", 0x02020300, 0xB623, DLT_FMT_DECIMAL, 3, 3, 2, 2, 1},
    {"power_active_total", "kW", 0x02030000, 0xB630, DLT_FMT_DECIMAL, 3, 4, 3, 4, 1},
    {"balance", "CNY", 0x00900200, 0, DLT_FMT_DECIMAL, 4, 2, 0, 0, 0},
    {NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0},
};

const struct dlt645_item *dlt645_item_find(const char *id)
{
    for (const struct dlt645_item *it = dlt645_items; it->id; it++)
        if (strcmp(it->id, id) == 0)
            return it;
    return NULL;
}

/* Parsers report "cannot become a message" as -1 after filling e. */
static int failed(int code)
{
    (void)code;
    return -1;
}

size_t dlt645_build(uint8_t *out, size_t cap, unsigned preamble, const uint8_t addr[6],
                    uint8_t control, const uint8_t *data, size_t len)
{
    if (preamble > 4 || len > 200 || cap < preamble + 12 + len)
        return 0;
    size_t n = 0;
    for (unsigned i = 0; i < preamble; i++)
        out[n++] = 0xFE;
    size_t start = n;
    out[n++] = 0x68;
    memcpy(out + n, addr, 6);
    n += 6;
    out[n++] = 0x68;
    out[n++] = control;
    out[n++] = (uint8_t)len;
    for (size_t i = 0; i < len; i++)
        out[n++] = (uint8_t)(data[i] + 0x33);
    uint8_t cs = 0;
    for (size_t i = start; i < n; i++)
        cs = (uint8_t)(cs + out[i]);
    out[n++] = cs;
    out[n++] = 0x16;
    return n;
}

size_t dlt645_build_read(uint8_t *out, size_t cap, enum dlt645_edition ed, const uint8_t addr[6],
                         uint32_t di)
{
    uint8_t d[4] = {(uint8_t)di, (uint8_t)(di >> 8), (uint8_t)(di >> 16), (uint8_t)(di >> 24)};
    if (ed == DLT645_1997)
        return dlt645_build(out, cap, 4, addr, DLT645_C97_READ, d, 2);
    return dlt645_build(out, cap, 4, addr, DLT645_C07_READ, d, 4);
}

int dlt645_parse(const uint8_t *buf, size_t n, struct dlt645_frame *f, size_t *used, struct err *e)
{
    size_t i = 0;
    for (;;) {
        while (i < n && buf[i] != 0x68)
            i++;
        if (i + 10 > n)
            return 0;
        if (buf[i + 7] == 0x68)
            break;
        i++; /* a stray 68 inside noise: keep looking */
    }
    size_t len = buf[i + 9];
    if (len > 200)
        return failed(
            err_set(e, GW_ECORRUPT, "the meter's frame claims %zu data bytes (at most 200)", len));
    size_t total = 12 + len;
    if (i + total > n)
        return 0;
    const uint8_t *p = buf + i;
    uint8_t cs = 0;
    for (size_t k = 0; k < 10 + len; k++)
        cs = (uint8_t)(cs + p[k]);
    if (cs != p[10 + len])
        return failed(err_set(e, GW_ECORRUPT,
                              "the meter's frame failed its checksum (got %02X, expected %02X)",
                              p[10 + len], cs));
    if (p[11 + len] != 0x16)
        return failed(err_set(e, GW_ECORRUPT, "the meter's frame has no end byte 16H"));
    memcpy(f->addr, p + 1, 6);
    f->control = p[8];
    f->len = (uint8_t)len;
    for (size_t k = 0; k < len; k++)
        f->data[k] = (uint8_t)(p[10 + k] - 0x33);
    *used = i + total;
    return 1;
}

void dlt645_addr_text(const uint8_t addr[6], char out[13])
{
    static const char dig[] = "0123456789??????";
    for (int i = 0; i < 6; i++) {
        uint8_t b = addr[5 - i];
        out[2 * i] = dig[b >> 4];
        out[2 * i + 1] = dig[b & 15];
    }
    out[12] = '\0';
}

int dlt645_addr_parse(const char *text, uint8_t addr[6], struct err *e)
{
    size_t n = strlen(text);
    char pad[13];
    if (n == 0 || n > 12 || strspn(text, "0123456789") != n)
        return err_set(e, GW_EINVAL, "'%s' is not a meter address (1 to 12 digits)", text);
    memset(pad, '0', 12);
    memcpy(pad + 12 - n, text, n);
    for (int i = 0; i < 6; i++)
        addr[5 - i] = (uint8_t)(((pad[2 * i] - '0') << 4) | (pad[2 * i + 1] - '0'));
    return GW_OK;
}

const char *dlt645_error_text(enum dlt645_edition ed, uint8_t code)
{
    /* The error byte is a bit field; name the first bit set. */
    static const char *const e07[8] = {"other error",
                                       "no data for that item",
                                       "password wrong or not authorized",
                                       "baud rate cannot be changed",
                                       "too many year zones",
                                       "too many day periods",
                                       "too many tariffs",
                                       "reserved error bit"};
    static const char *const e97[8] = {
        "illegal data",        "unknown data identifier", "password wrong",   "reserved error bit",
        "too many year zones", "too many day periods",    "too many tariffs", "reserved error bit"};
    for (int b = 0; b < 8; b++)
        if (code & (1u << b))
            return ed == DLT645_1997 ? e97[b] : e07[b];
    return "error without a reason";
}

/* Two BCD digits of b into out; -1 when a nibble is not a digit. */
static int bcd2(uint8_t b, char *out)
{
    if ((b >> 4) > 9 || (b & 15) > 9)
        return -1;
    out[0] = (char)('0' + (b >> 4));
    out[1] = (char)('0' + (b & 15));
    return 0;
}

int dlt645_decode_value(const struct dlt645_item *it, enum dlt645_edition ed, const uint8_t *p,
                        size_t n, char *out, size_t cap, struct err *e)
{
    size_t want = ed == DLT645_1997 ? it->bytes97 : it->bytes07;
    unsigned dec = ed == DLT645_1997 ? it->decimals97 : it->decimals07;
    char digits[2 * 8 + 1];
    int neg = 0;
    if (want == 0 || n != want || want > 8 || cap < 2 * want + 4)
        return err_set(e, GW_ECORRUPT, "%s: the meter sent %zu bytes, expected %zu", it->id, n,
                       want);
    for (size_t i = 0; i < want; i++) {
        uint8_t b = p[want - 1 - i];
        if (i == 0 && it->is_signed && (b & 0x80)) {
            neg = 1;
            b &= 0x7f;
        }
        if (bcd2(b, digits + 2 * i) < 0)
            return err_set(e, GW_ECORRUPT, "%s: the meter sent %02X, which is not BCD", it->id,
                           p[want - 1 - i]);
    }
    size_t nd = 2 * want;
    digits[nd] = '\0';
    switch (it->fmt) {
    case DLT_FMT_DATE: /* YYMMDDWW */
        snprintf(out, cap, "20%.2s-%.2s-%.2s", digits, digits + 2, digits + 4);
        return GW_OK;
    case DLT_FMT_TIME:
        snprintf(out, cap, "%.2s:%.2s:%.2s", digits, digits + 2, digits + 4);
        return GW_OK;
    case DLT_FMT_DIGITS:
        snprintf(out, cap, "%s", digits);
        return GW_OK;
    case DLT_FMT_DECIMAL:
        break;
    }
    size_t int_len = nd - dec, skip = 0;
    while (skip + 1 < int_len && digits[skip] == '0')
        skip++;
    size_t o = 0;
    if (neg)
        out[o++] = '-';
    memcpy(out + o, digits + skip, int_len - skip);
    o += int_len - skip;
    if (dec) {
        out[o++] = '.';
        memcpy(out + o, digits + int_len, dec);
        o += dec;
    }
    out[o] = '\0';
    return GW_OK;
}

size_t dlt645_encode_value(const struct dlt645_item *it, enum dlt645_edition ed, const char *text,
                           uint8_t *out, size_t cap)
{
    size_t want = ed == DLT645_1997 ? it->bytes97 : it->bytes07;
    unsigned dec = ed == DLT645_1997 ? it->decimals97 : it->decimals07;
    char digits[17];
    size_t nd = 2 * want, k = 0;
    int neg = 0;
    if (want == 0 || want > 8 || cap < want)
        return 0;
    memset(digits, '0', nd);
    digits[nd] = '\0';
    if (it->fmt == DLT_FMT_DECIMAL) {
        const char *s = text;
        if (*s == '-') {
            neg = 1;
            s++;
        }
        const char *dot = strchr(s, '.');
        size_t il = dot ? (size_t)(dot - s) : strlen(s);
        size_t fl = dot ? strlen(dot + 1) : 0;
        if (il > nd - dec || fl > dec || strspn(s, "0123456789") != il ||
            (dot && strspn(dot + 1, "0123456789") != fl))
            return 0;
        memcpy(digits + (nd - dec - il), s, il);
        if (fl)
            memcpy(digits + nd - dec, dot + 1, fl);
    } else {
        /* Dates, times and digit strings: take the digits in order, right-aligned. */
        char only[17];
        const char *s = text;
        if (it->fmt == DLT_FMT_DATE && strncmp(s, "20", 2) == 0 && strlen(s) == 10)
            s += 2;
        for (; *s && k < sizeof only - 1; s++)
            if (*s >= '0' && *s <= '9')
                only[k++] = *s;
        if (it->fmt == DLT_FMT_DATE && k == 6)
            only[k++] = '0', only[k++] = '0'; /* day of week unknown: 00 */
        if (k > nd)
            return 0;
        memcpy(digits + nd - k, only, k);
    }
    for (size_t i = 0; i < want; i++) {
        size_t d = 2 * (want - 1 - i);
        out[i] = (uint8_t)(((digits[d] - '0') << 4) | (digits[d + 1] - '0'));
    }
    if (neg && it->is_signed)
        out[want - 1] |= 0x80;
    return want;
}
