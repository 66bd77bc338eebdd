/* readflow.c - meter number comparison, validation and storage of a reading. */
#include "gridwalk/config.h"

#include "app/readflow.h"

#include "data/readings.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HISTORY_MAX 12

static void digits_of(const char *s, char *out, size_t n)
{
    size_t k = 0;
    for (; s && *s && k + 1 < n; s++)
        if (*s >= '0' && *s <= '9' && !(k == 0 && *s == '0'))
            out[k++] = *s;
    out[k] = '\0';
}

int readflow_meter_matches(const char *recorded, const char *reported)
{
    char a[64], b[64];
    digits_of(recorded, a, sizeof a);
    digits_of(reported, b, sizeof b);
    if (!a[0] || !b[0])
        return 0;
    if (strcmp(a, b) == 0)
        return 1;
    /* Asset numbers carry the communication number at their end; demand enough digits
     * that a short number cannot match by accident. */
    size_t la = strlen(a), lb = strlen(b);
    const char *lng = la > lb ? a : b, *shrt = la > lb ? b : a;
    size_t ls = la > lb ? lb : la, ll = la > lb ? la : lb;
    return ls >= 8 && strcmp(lng + (ll - ls), shrt) == 0;
}

/* Parses "2026-11-22T14:03:07.123Z" as seconds since the epoch (UTC). */
static double parse_time(const char *t)
{
    struct tm tm = {0};
    int ms = 0;
    if (sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec, &ms) < 6)
        return NAN;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (double)timegm(&tm) + ms / 1000.0;
}

int readflow_check(struct db *db, const char *account, double value, struct reading_verdict *out,
                   struct err *e)
{
    struct reading_hist h[HISTORY_MAX];
    struct reading_prev p[HISTORY_MAX];
    size_t n = 0;
    char now[DB_TIME_LEN];
    int rc = readings_history(db, account, "energy_fwd_total", h, HISTORY_MAX, &n, e);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        p[i].value = h[i].value;
        p[i].at = parse_time(h[i].read_at);
    }
    db_now(now);
    reading_check(value, parse_time(now), p, n, NULL, out);
    return GW_OK;
}

static void validation_text(const struct reading_verdict *v, int confirmed, char *buf, size_t n)
{
    reading_flags_text(v->flags, buf, n);
    if (confirmed && (v->flags & RC_NEEDS_CONFIRM)) {
        size_t l = strlen(buf);
        snprintf(buf + l, n - l, ",confirmed");
    }
}

static int needs_confirm(const struct readflow_outcome *out, int confirmed, struct err *e)
{
    const struct reading_verdict *v = &out->verdict;
    if (!(v->flags & RC_NEEDS_CONFIRM) || confirmed)
        return GW_OK;
    if (v->flags & RC_BELOW_PREVIOUS)
        return err_set(e, GW_EINVAL,
                       "the reading is %.2f kWh below the previous one; check the display and "
                       "confirm, or read again",
                       -v->consumption);
    if (v->flags & RC_ROLLOVER)
        return err_set(e, GW_EINVAL,
                       "the register seems to have wrapped past zero (%.2f kWh used); confirm "
                       "or read again",
                       v->consumption);
    if (v->flags & RC_HIGH)
        return err_set(e, GW_EINVAL,
                       "%.2f kWh used is above this customer's usual (limit %.0f kWh); confirm "
                       "or read again",
                       v->consumption, v->high_limit);
    return err_set(e, GW_EINVAL, "no consumption since the last reading; confirm or read again");
}

static void fill_pos(struct reading_new *n, const struct readflow_position *pos)
{
    n->lat = pos ? pos->lat : NAN;
    n->lon = pos ? pos->lon : NAN;
    n->accuracy_m = pos ? pos->accuracy_m : NAN;
}

int readflow_store_probe(struct db *db, const struct readflow_probe_read *r,
                         struct readflow_outcome *out, struct err *e)
{
    const struct probe_result *pr = r->result;
    struct reading_register regs[PROBE_MAX_REGS];
    size_t nregs = 0;
    memset(out, 0, sizeof *out);
    int rc = readings_customer(db, r->account, NULL, out->customer_meter, e);
    if (rc)
        return rc;
    out->meter_match = readflow_meter_matches(out->customer_meter, pr->meter_reported);
    if (!out->meter_match) {
        if (!out->customer_meter[0])
            return err_set(e, GW_EINVAL,
                           "customer %s has no meter number on record, so the meter (%s) "
                           "cannot be checked; not stored",
                           r->account, pr->meter_reported);
        return err_set(e, GW_EINVAL,
                       "this is meter %s, but customer %s's meter is %s: wrong meter? The "
                       "reading was NOT stored",
                       pr->meter_reported[0] ? pr->meter_reported : "(unknown)", r->account,
                       out->customer_meter);
    }
    const struct probe_reg *total = probe_result_reg(pr, "energy_fwd_total");
    if (!total || total->status != PROBE_REG_OK)
        return err_set(e, GW_EINVAL, "the read has no total energy; read again");
    if ((rc = readflow_check(db, r->account, strtod(total->value, NULL), &out->verdict, e)))
        return rc;
    validation_text(&out->verdict, r->confirmed, out->validation, sizeof out->validation);
    if ((rc = needs_confirm(out, r->confirmed, e)))
        return rc;
    for (size_t i = 0; i < pr->nregs; i++)
        if (pr->regs[i].status == PROBE_REG_OK)
            regs[nregs++] =
                (struct reading_register){pr->regs[i].id, pr->regs[i].value, pr->regs[i].unit};
    struct reading_new n = {.account = r->account,
                            .task_uuid = r->task_uuid,
                            .method = "probe",
                            .protocol = pr->protocol,
                            .meter_reported = pr->meter_reported,
                            .regs = regs,
                            .nregs = nregs,
                            .transcript = pr->transcript,
                            .transcript_len = pr->transcript_len,
                            .validation = out->validation};
    fill_pos(&n, r->pos);
    return readings_insert(db, &n, out->stored_uuid, e);
}

int readflow_store_manual(struct db *db, const struct readflow_manual *m,
                          struct readflow_outcome *out, struct err *e)
{
    char value[32];
    memset(out, 0, sizeof *out);
    out->meter_match = 1;
    const struct reading_reason *why = reading_reason_find(m->reason_code);
    if (!why || why->kind != REASON_MANUAL)
        return err_set(e, GW_EINVAL,
                       "'%s' is not a reason for typing a reading (PROBE_FAILED, "
                       "NO_OPTICAL_PORT, PORT_DIRTY, NO_PROBE)",
                       m->reason_code ? m->reason_code : "");
    int rc = reading_manual_match(m->value, m->value_again, value, sizeof value, e);
    if (rc)
        return rc;
    if ((rc = readings_customer(db, m->account, NULL, out->customer_meter, e)))
        return rc;
    if ((rc = readflow_check(db, m->account, strtod(value, NULL), &out->verdict, e)))
        return rc;
    validation_text(&out->verdict, m->confirmed, out->validation, sizeof out->validation);
    if ((rc = needs_confirm(out, m->confirmed, e)))
        return rc;
    struct reading_register reg = {"energy_fwd_total", value, "kWh"};
    struct reading_new n = {.account = m->account,
                            .task_uuid = m->task_uuid,
                            .method = "manual",
                            .regs = &reg,
                            .nregs = 1,
                            .validation = out->validation,
                            .reason_code = why->code};
    fill_pos(&n, m->pos);
    return readings_insert(db, &n, out->stored_uuid, e);
}

int readflow_store_skip(struct db *db, const char *account, const char *task_uuid,
                        const char *reason_code, const struct readflow_position *pos,
                        struct readflow_outcome *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    out->meter_match = 1;
    const struct reading_reason *why = reading_reason_find(reason_code);
    if (!why || why->kind == REASON_MANUAL)
        return err_set(e, GW_EINVAL, "'%s' is not a skip or trouble code",
                       reason_code ? reason_code : "");
    snprintf(out->validation, sizeof out->validation, "%s",
             why->kind == REASON_SKIP ? "skipped" : "trouble");
    struct reading_new n = {.account = account,
                            .task_uuid = task_uuid,
                            .method = "manual",
                            .validation = out->validation,
                            .reason_code = why->code};
    fill_pos(&n, pos);
    return readings_insert(db, &n, out->stored_uuid, e);
}
