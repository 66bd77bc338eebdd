/* reading_check.c - plausibility rules for meter readings. */
#include "gridwalk/config.h"

#include "app/reading_check.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const struct reading_reason reading_reasons[] = {
    {"PROBE_FAILED", REASON_MANUAL, "probe did not read the meter"},
    {"NO_OPTICAL_PORT", REASON_MANUAL, "meter has no optical port"},
    {"PORT_DIRTY", REASON_MANUAL, "optical port dirty or damaged"},
    {"NO_PROBE", REASON_MANUAL, "no probe at hand"},
    {"NO_ACCESS", REASON_SKIP, "no access to the meter"},
    {"LOCKED", REASON_SKIP, "meter room locked"},
    {"DOG", REASON_SKIP, "dangerous dog"},
    {"UNSAFE", REASON_SKIP, "unsafe to approach"},
    {"METER_MISSING", REASON_SKIP, "meter missing"},
    {"METER_DAMAGED", REASON_TROUBLE, "meter damaged"},
    {"SEAL_BROKEN", REASON_TROUBLE, "seal broken"},
    {"DISPLAY_FAULT", REASON_TROUBLE, "display faulty"},
    {"TAMPER_SUSPECTED", REASON_TROUBLE, "tampering suspected"},
    {NULL, 0, NULL},
};

const struct reading_reason *reading_reason_find(const char *code)
{
    for (const struct reading_reason *r = reading_reasons; code && r->code; r++)
        if (strcmp(r->code, code) == 0)
            return r;
    return NULL;
}

void reading_check(double value, double at, const struct reading_prev *hist, size_t n,
                   const struct reading_check_cfg *cfg, struct reading_verdict *out)
{
    int digits = cfg && cfg->integer_digits > 0 ? cfg->integer_digits : 6;
    double factor = cfg && cfg->high_factor > 0 ? cfg->high_factor : 3.0;
    double floor_kwh = cfg && cfg->high_floor > 0 ? cfg->high_floor : 50.0;
    out->flags = 0;
    out->consumption = NAN;
    out->high_limit = NAN;
    if (isnan(value))
        return;
    if (n == 0) {
        out->flags = RC_NO_HISTORY;
        return;
    }
    /* The daily rate over the history (oldest to newest, wraps accounted for); with two
     * readings or more a limit exists. */
    if (n >= 2) {
        double used = 0, wrap = pow(10, digits);
        for (size_t i = 0; i + 1 < n; i++) {
            double d = hist[i].value - hist[i + 1].value;
            used += d < 0 ? d + wrap : d;
        }
        double days = (hist[0].at - hist[n - 1].at) / 86400.0;
        double since = (at - hist[0].at) / 86400.0;
        if (days > 0.5) {
            double rate = used / days;
            double lim = rate * (since > 1 ? since : 1) * factor;
            out->high_limit = lim > floor_kwh ? lim : floor_kwh;
        }
    }
    double d = value - hist[0].value;
    if (d < 0) {
        /* A register of `digits` integer digits wraps to zero: a small wrapped consumption
         * is a rollover, anything else is a reading below the previous one. */
        double wrapped = value + pow(10, digits) - hist[0].value;
        double plausible = isnan(out->high_limit) ? pow(10, digits) * 0.01 : out->high_limit;
        if (wrapped <= plausible) {
            out->flags |= RC_ROLLOVER;
            out->consumption = wrapped;
        } else {
            out->flags |= RC_BELOW_PREVIOUS;
            out->consumption = d;
        }
        return;
    }
    out->consumption = d;
    if (d == 0)
        out->flags |= RC_ZERO;
    else if (!isnan(out->high_limit) && d > out->high_limit)
        out->flags |= RC_HIGH;
}

void reading_flags_text(unsigned flags, char *buf, size_t n)
{
    static const struct {
        unsigned f;
        const char *name;
    } names[] = {{RC_BELOW_PREVIOUS, "below-previous"},
                 {RC_ROLLOVER, "rollover"},
                 {RC_HIGH, "high"},
                 {RC_ZERO, "zero"},
                 {RC_NO_HISTORY, "no-history"}};
    size_t len = 0;
    if (n)
        buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (flags & names[i].f) {
            int w = snprintf(buf + len, n - len, "%s%s", len ? "," : "", names[i].name);
            if (w < 0 || (size_t)w >= n - len)
                return;
            len += (size_t)w;
        }
    if (!len)
        snprintf(buf, n, "ok");
}

/* Normalizes a typed decimal: digits with at most one point; no leading zeros, no trailing
 * fraction zeros. Returns 0, or -1 when it is not such a number. */
static int norm(const char *s, char *out, size_t n)
{
    while (*s == ' ')
        s++;
    size_t len = strlen(s);
    while (len && s[len - 1] == ' ')
        len--;
    const char *dot = memchr(s, '.', len);
    size_t il = dot ? (size_t)(dot - s) : len, fl = dot ? len - il - 1 : 0;
    if (len == 0 || il > 9 || fl > 4 || (il == 0 && fl == 0))
        return -1;
    for (size_t i = 0; i < len; i++)
        if (!(s[i] >= '0' && s[i] <= '9') && &s[i] != dot)
            return -1;
    size_t skip = 0;
    while (skip + 1 < il && s[skip] == '0')
        skip++;
    while (fl && dot[fl] == '0')
        fl--;
    if (il == 0)
        snprintf(out, n, "0%s%.*s", fl ? "." : "", (int)fl, fl ? dot + 1 : "");
    else
        snprintf(out, n, "%.*s%s%.*s", (int)(il - skip), s + skip, fl ? "." : "", (int)fl,
                 fl ? dot + 1 : "");
    return 0;
}

int reading_manual_match(const char *first, const char *second, char *out, size_t n, struct err *e)
{
    char a[32], b[32];
    if (norm(first, a, sizeof a) < 0)
        return err_set(e, GW_EINVAL, "'%s' is not a meter reading (digits and one point)", first);
    if (norm(second, b, sizeof b) < 0)
        return err_set(e, GW_EINVAL, "'%s' is not a meter reading (digits and one point)", second);
    if (strcmp(a, b) != 0)
        return err_set(e, GW_EINVAL,
                       "the two entries differ (%s and %s); read the display again and type "
                       "it twice",
                       a, b);
    snprintf(out, n, "%s", a);
    return GW_OK;
}
