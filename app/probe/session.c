/* session.c - the read session: protocol selection, exchanges with retries, registers. */
#include "gridwalk/config.h"

#include "app/probe/session.h"

#include "app/probe/dlt645.h"
#include "app/probe/iec62056.h"

#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const probe_core_registers[] = {"meter_number",
                                            "energy_fwd_total",
                                            "energy_fwd_t1",
                                            "energy_fwd_t2",
                                            "energy_fwd_t3",
                                            "energy_fwd_t4",
                                            "energy_rev_total",
                                            "date",
                                            "time",
                                            "voltage_a",
                                            "voltage_b",
                                            "voltage_c",
                                            "current_a",
                                            "current_b",
                                            "current_c",
                                            "power_active_total",
                                            "balance",
                                            NULL};

/* Timeouts. DL/T 645 meters answer within a few hundred ms; IEC 62056-21 allows the meter
 * up to 1500 ms before its answer and between characters. */
#define DLT_FIRST_MS 1000
#define DLT_INTER_MS 500
#define IEC_FIRST_MS 2000
#define IEC_INTER_MS 1500
#define IEC_TR_MS 200 /* the meter's minimum reaction time, the floor of each IEC answer */
#define RX_CAP (IEC_BLOCK_MAX + 1024)

enum state { ST_DLT07_ADDR, ST_DLT97_ADDR, ST_DLT_ITEMS, ST_IEC, ST_DONE, ST_FAILED };

struct probe_session {
    struct probe_serial *s;
    struct probe_options o;
    const char *regs_asked[PROBE_MAX_REGS + 1];
    size_t nasked;
    enum state st;
    enum dlt645_edition ed;
    uint8_t addr[6];
    size_t item; /* next DL/T 645 item */
    int steps_done;
    const char *what;
    atomic_int cancel;
    uint8_t *rx;
    size_t rx_len;
    int64_t t0;
    struct dlt645_frame frame; /* the last frame received */
    struct iec_ident ident;    /* the last identification received */
    size_t blk_start, blk_len; /* the last data message, within rx */
    int iec_switch_failed;     /* no data after a speed change: stay at 300 baud */
    struct probe_result r;
};

static void sleep_ms(int ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

void probe_result_done(struct probe_result *r)
{
    free(r->transcript);
    memset(r, 0, sizeof *r);
}

const struct probe_reg *probe_result_reg(const struct probe_result *r, const char *id)
{
    for (size_t i = 0; i < r->nregs; i++)
        if (strcmp(r->regs[i].id, id) == 0)
            return &r->regs[i];
    return NULL;
}

int probe_session_new(struct probe_session **out, struct probe_serial *s,
                      const struct probe_options *o, struct err *e)
{
    struct probe_session *ss = calloc(1, sizeof *ss);
    if (!ss || !(ss->rx = malloc(RX_CAP)))
        abort();
    ss->s = s;
    if (o)
        ss->o = *o;
    const char *const *list = ss->o.registers ? ss->o.registers : probe_core_registers;
    for (; *list && ss->nasked < PROBE_MAX_REGS; list++) {
        if (!dlt645_item_find(*list)) {
            free(ss->rx);
            free(ss);
            *out = NULL;
            return err_set(e, GW_EINVAL, "unknown register '%s'", *list);
        }
        ss->regs_asked[ss->nasked++] = *list;
    }
    ss->o.registers = NULL;
    ss->st = ss->o.protocol == PROBE_IEC62056 ? ST_IEC : ST_DLT07_ADDR;
    ss->what = "connecting";
    ss->t0 = probe_now_ms();
    atomic_init(&ss->cancel, 0);
    *out = ss;
    return GW_OK;
}

void probe_session_free(struct probe_session *ss)
{
    if (!ss)
        return;
    probe_result_done(&ss->r);
    free(ss->rx);
    free(ss);
}

void probe_session_cancel(struct probe_session *ss)
{
    atomic_store(&ss->cancel, 1);
}

void probe_session_progress(const struct probe_session *ss, int *done, int *total,
                            const char **what)
{
    int t = (int)ss->nasked + 1;
    if (done)
        *done = ss->steps_done > t ? t : ss->steps_done;
    if (total)
        *total = t;
    if (what)
        *what = ss->what;
}

/* Returns 1 complete (*used set), 0 need more, -1 cannot become a message (e set). */
typedef int (*complete_fn)(struct probe_session *ss, size_t *used, struct err *e);

/* Receives into ss->rx until complete() is satisfied: first_ms for the first byte,
 * inter_ms between bytes, total_ms for the whole message. Polls in short slices so that a
 * cancel is seen quickly. GW_ETIMEOUT names which limit ran out. */
static int receive(struct probe_session *ss, complete_fn complete, int first_ms, int inter_ms,
                   int total_ms, size_t *used, struct err *e)
{
    int64_t start = probe_now_ms(), last = start;
    ss->rx_len = 0;
    for (;;) {
        if (atomic_load(&ss->cancel))
            return err_set(e, GW_ECANCEL, "the read was cancelled");
        int64_t now = probe_now_ms();
        int64_t limit = ss->rx_len ? last + inter_ms : start + first_ms;
        if (start + total_ms < limit)
            limit = start + total_ms;
        if (now >= limit) {
            if (!ss->rx_len)
                return err_set(e, GW_ETIMEOUT, "the meter did not answer within %d ms", first_ms);
            return err_set(e, GW_ETIMEOUT,
                           "the meter stopped in the middle of its answer (%zu bytes)", ss->rx_len);
        }
        int wait = (int)(limit - now);
        struct pollfd pf = {.fd = probe_serial_fd(ss->s), .events = POLLIN};
        int pr = poll(&pf, 1, wait < 100 ? wait : 100);
        if (pr < 0 && errno != EINTR)
            return err_set(e, GW_EDEVICE, "waiting for the meter: %s", strerror(errno));
        if (pr <= 0)
            continue;
        size_t got = 0;
        if (ss->rx_len >= RX_CAP)
            return err_set(e, GW_ETOOBIG, "the meter's answer is over %d bytes", RX_CAP);
        int rc = probe_serial_read(ss->s, ss->rx + ss->rx_len, RX_CAP - ss->rx_len, &got, e);
        if (rc)
            return rc;
        if (!got) {
            if (pf.revents & (POLLHUP | POLLERR))
                return err_set(e, GW_EDEVICE, "the probe stopped answering; was it unplugged?");
            continue;
        }
        ss->rx_len += got;
        last = probe_now_ms();
        int c = complete(ss, used, e);
        if (c > 0)
            return GW_OK;
        if (c < 0)
            return e ? e->code : GW_ECORRUPT;
    }
}

/* Waits until the line has been quiet for quiet_ms (max 2 s), discarding what comes: after
 * a garbled answer the rest of it must not be taken for the next answer. */
static int drain_quiet(struct probe_session *ss, int quiet_ms, struct err *e)
{
    int64_t end = probe_now_ms() + 2000, last = probe_now_ms();
    uint8_t junk[256];
    while (probe_now_ms() < end && probe_now_ms() - last < quiet_ms) {
        struct pollfd pf = {.fd = probe_serial_fd(ss->s), .events = POLLIN};
        if (poll(&pf, 1, quiet_ms) > 0) {
            size_t got = 0;
            int rc = probe_serial_read(ss->s, junk, sizeof junk, &got, e);
            if (rc)
                return rc;
            if (got)
                last = probe_now_ms();
        }
    }
    probe_serial_flush(ss->s);
    return GW_OK;
}

/* ---- DL/T 645 ---------------------------------------------------------------------- */

static int dlt_complete(struct probe_session *ss, size_t *used, struct err *e)
{
    return dlt645_parse(ss->rx, ss->rx_len, &ss->frame, used, e);
}

static int dlt_attempts(const struct probe_session *ss)
{
    return ss->o.attempts > 0 ? ss->o.attempts : 3;
}

/* Sends a request and receives one frame into *f, retrying on silence and on garbled or
 * mismatched answers. A timeout on every attempt is GW_ETIMEOUT. */
static int dlt_exchange(struct probe_session *ss, const uint8_t *req, size_t n, uint8_t want_fn,
                        struct dlt645_frame *f, struct err *e)
{
    int rc = GW_OK, attempts = dlt_attempts(ss);
    unsigned baud = probe_serial_baud(ss->s);
    /* Allow the answer's own wire time (up to 212 bytes) on top of the meter's delay. */
    int total = DLT_FIRST_MS + (int)(212u * 11u * 1000u / (baud ? baud : 1200)) + 500;
    for (int a = 0; a < attempts; a++) {
        size_t used = 0;
        if (a)
            probe_serial_note(ss->s, "retry %d of %d", a + 1, attempts);
        if ((rc = probe_serial_write(ss->s, req, n, 2000, e)))
            return rc;
        rc = receive(ss, dlt_complete, DLT_FIRST_MS, DLT_INTER_MS, total, &used, e);
        if (rc == GW_OK) {
            *f = ss->frame;
            if (!(f->control & DLT645_C_REPLY) || (f->control & 0x1f) != want_fn) {
                rc = err_set(e, GW_ECORRUPT, "the meter answered with control code %02X",
                             f->control);
            } else {
                return GW_OK;
            }
        }
        if (rc == GW_EDEVICE || rc == GW_ECANCEL || rc == GW_ETOOBIG)
            return rc;
        probe_serial_note(ss->s, "%s", e ? e->msg : "exchange failed");
        int drc = drain_quiet(ss, 60, e);
        if (drc)
            return drc;
    }
    return rc;
}

static int dlt_set_line(struct probe_session *ss, enum dlt645_edition ed, struct err *e)
{
    unsigned baud = ss->o.dlt_baud ? ss->o.dlt_baud : ed == DLT645_1997 ? 1200 : 2400;
    int rc = probe_serial_configure(ss->s, baud, PROBE_8E1, e);
    if (rc == GW_OK)
        probe_serial_flush(ss->s);
    return rc;
}

static int step_dlt07_addr(struct probe_session *ss, struct err *e)
{
    uint8_t req[32];
    struct dlt645_frame f;
    ss->what = "looking for a DL/T 645-2007 meter";
    int rc = dlt_set_line(ss, DLT645_2007, e);
    if (rc)
        return rc;
    size_t n =
        dlt645_build(req, sizeof req, 4, dlt645_addr_wildcard, DLT645_C07_READ_ADDR, NULL, 0);
    rc = dlt_exchange(ss, req, n, DLT645_C07_READ_ADDR, &f, e);
    if (rc == GW_ETIMEOUT) {
        probe_serial_note(ss->s, "no DL/T 645-2007 answer");
        ss->st = ST_DLT97_ADDR;
        return GW_OK;
    }
    if (rc)
        return rc;
    if (f.control & DLT645_C_ABNORMAL)
        return err_set(e, GW_EDEVICE, "the meter refused to give its address: %s",
                       dlt645_error_text(DLT645_2007, f.len ? f.data[0] : 0));
    memcpy(ss->addr, f.len >= 6 ? f.data : f.addr, 6);
    dlt645_addr_text(ss->addr, ss->r.address);
    snprintf(ss->r.protocol, sizeof ss->r.protocol, "dlt645-2007");
    ss->ed = DLT645_2007;
    ss->st = ST_DLT_ITEMS;
    ss->steps_done++;
    probe_serial_note(ss->s, "DL/T 645-2007 meter at address %s", ss->r.address);
    return GW_OK;
}

static int step_dlt97_addr(struct probe_session *ss, struct err *e)
{
    uint8_t req[32];
    struct dlt645_frame f;
    const struct dlt645_item *num = dlt645_item_find("meter_number");
    ss->what = "looking for a DL/T 645-1997 meter";
    int rc = dlt_set_line(ss, DLT645_1997, e);
    if (rc)
        return rc;
    /* 1997 has no address command: read the meter number with the wildcard address and
     * take the address from the answer. */
    size_t n = dlt645_build_read(req, sizeof req, DLT645_1997, dlt645_addr_wildcard, num->di97);
    rc = dlt_exchange(ss, req, n, DLT645_C97_READ, &f, e);
    if (rc == GW_ETIMEOUT) {
        probe_serial_note(ss->s, "no DL/T 645-1997 answer");
        if (ss->o.protocol == PROBE_DLT645)
            return err_set(e, GW_ETIMEOUT,
                           "no DL/T 645 meter answered; check that the probe sits on the "
                           "meter's optical port and is the right way up");
        ss->st = ST_IEC;
        return GW_OK;
    }
    if (rc)
        return rc;
    memcpy(ss->addr, f.addr, 6);
    dlt645_addr_text(ss->addr, ss->r.address);
    snprintf(ss->r.protocol, sizeof ss->r.protocol, "dlt645-1997");
    ss->ed = DLT645_1997;
    ss->st = ST_DLT_ITEMS;
    ss->steps_done++;
    probe_serial_note(ss->s, "DL/T 645-1997 meter at address %s", ss->r.address);
    return GW_OK;
}

static struct probe_reg *new_reg(struct probe_session *ss, const struct dlt645_item *it)
{
    struct probe_reg *g = &ss->r.regs[ss->r.nregs++];
    memset(g, 0, sizeof *g);
    snprintf(g->id, sizeof g->id, "%s", it->id);
    snprintf(g->unit, sizeof g->unit, "%s", it->unit);
    return g;
}

/* Reads one item, following up when the meter says more frames follow (2007). Returns
 * GW_OK with g filled (OK, ABSENT or FAILED) unless the session itself must stop. */
static int read_item(struct probe_session *ss, const struct dlt645_item *it, struct err *e)
{
    struct probe_reg *g = new_reg(ss, it);
    uint8_t req[40], val[512];
    size_t vlen = 0;
    struct dlt645_frame f;
    int is97 = ss->ed == DLT645_1997;
    uint32_t di = is97 ? it->di97 : it->di07;
    size_t dilen = is97 ? 2 : 4;
    snprintf(g->code, sizeof g->code, is97 ? "%04X" : "%08X", (unsigned)di);
    if (!di) {
        g->status = PROBE_REG_ABSENT;
        snprintf(g->note, sizeof g->note, "not defined in DL/T 645-1997");
        return GW_OK;
    }
    size_t n = dlt645_build_read(req, sizeof req, ss->ed, ss->addr, di);
    uint8_t fn = is97 ? DLT645_C97_READ : DLT645_C07_READ;
    struct err ie = {0};
    int rc = dlt_exchange(ss, req, n, fn, &f, &ie);
    for (int seq = 1; rc == GW_OK; seq++) {
        if (f.control & DLT645_C_ABNORMAL) {
            uint8_t code = f.len ? f.data[0] : 0;
            g->status = (code & 0x02) ? PROBE_REG_ABSENT : PROBE_REG_FAILED;
            snprintf(g->note, sizeof g->note, "meter refused (error %02X: %s)", code,
                     dlt645_error_text(ss->ed, code));
            return GW_OK;
        }
        uint32_t got = 0;
        for (size_t k = 0; k < dilen && k < f.len; k++)
            got |= (uint32_t)f.data[k] << (8 * k);
        if (f.len < dilen || got != di) {
            rc = err_set(&ie, GW_ECORRUPT, "the meter answered item %08X instead", got);
            break;
        }
        size_t chunk = f.len - dilen;
        if (seq > 1 && !is97 && chunk)
            chunk--; /* follow-up answers end with the frame sequence number */
        if (vlen + chunk > sizeof val) {
            rc = err_set(&ie, GW_ETOOBIG, "the meter's answer for %s is too long", it->id);
            break;
        }
        memcpy(val + vlen, f.data + dilen, chunk);
        vlen += chunk;
        if (!(f.control & DLT645_C_FOLLOWUP))
            break;
        /* More follows: ask for frame `seq`. */
        uint8_t d[5] = {(uint8_t)di, (uint8_t)(di >> 8), (uint8_t)(di >> 16), (uint8_t)(di >> 24),
                        (uint8_t)seq};
        uint8_t more = is97 ? DLT645_C97_READ_MORE : DLT645_C07_READ_MORE;
        n = dlt645_build(req, sizeof req, 4, ss->addr, more, d, is97 ? 2 : 5);
        probe_serial_note(ss->s, "follow-up frame %d", seq);
        rc = dlt_exchange(ss, req, n, more, &f, &ie);
        if (seq > 64)
            rc = err_set(&ie, GW_ETOOBIG, "the meter keeps sending follow-up frames");
    }
    if (rc == GW_EDEVICE || rc == GW_ECANCEL) {
        if (e)
            *e = ie;
        return rc;
    }
    if (rc == GW_OK)
        rc = dlt645_decode_value(it, ss->ed, val, vlen, g->value, sizeof g->value, &ie);
    if (rc) {
        g->status = PROBE_REG_FAILED;
        snprintf(g->note, sizeof g->note, "%.120s", ie.msg);
        g->value[0] = '\0';
        return GW_OK;
    }
    g->status = PROBE_REG_OK;
    return GW_OK;
}

static int finish(struct probe_session *ss, struct err *e)
{
    const struct probe_reg *num = probe_result_reg(&ss->r, "meter_number");
    if (num && num->status == PROBE_REG_OK)
        snprintf(ss->r.meter_reported, sizeof ss->r.meter_reported, "%s", num->value);
    else if (ss->r.address[0])
        snprintf(ss->r.meter_reported, sizeof ss->r.meter_reported, "%s", ss->r.address);
    ss->st = ST_DONE;
    ss->what = "done";
    size_t ok = 0;
    const struct probe_reg *failed = NULL;
    for (size_t i = 0; i < ss->r.nregs; i++) {
        if (ss->r.regs[i].status == PROBE_REG_OK)
            ok++;
        else if (ss->r.regs[i].status == PROBE_REG_FAILED && !failed)
            failed = &ss->r.regs[i];
    }
    const struct probe_reg *total = probe_result_reg(&ss->r, "energy_fwd_total");
    if (total && total->status != PROBE_REG_OK) {
        ss->st = ST_FAILED;
        return err_set(e, GW_EDEVICE, "the meter did not give its total energy: %s",
                       total->note[0] ? total->note : "no value");
    }
    if (ss->r.nregs && !ok) {
        ss->st = ST_FAILED;
        return err_set(e, GW_EDEVICE, "the meter gave none of the registers%s%s",
                       failed ? ": " : "", failed ? failed->note : "");
    }
    return GW_OK;
}

static int step_dlt_item(struct probe_session *ss, struct err *e)
{
    if (ss->item >= ss->nasked)
        return finish(ss, e);
    const struct dlt645_item *it = dlt645_item_find(ss->regs_asked[ss->item++]);
    ss->what = it->id;
    int rc = read_item(ss, it, e);
    ss->steps_done++;
    if (rc == GW_OK && ss->item >= ss->nasked)
        return finish(ss, e);
    return rc;
}

/* ---- IEC 62056-21 ------------------------------------------------------------------ */

static int iec_ident_complete(struct probe_session *ss, size_t *used, struct err *e)
{
    return iec_parse_ident(ss->rx, ss->rx_len, &ss->ident, used, e);
}

static int iec_block_complete(struct probe_session *ss, size_t *used, struct err *e)
{
    return iec_find_block(ss->rx, ss->rx_len, &ss->blk_start, &ss->blk_len, used, e);
}

/* Normalizes a value for storage: no padding, no leading zeros on numbers, dates and times
 * in one form across protocols. */
static void normalize_value(const char *id, const char *raw, char *out, size_t cap)
{
    char t[40];
    size_t n = 0;
    for (const char *p = raw; *p && n + 1 < sizeof t; p++)
        if (*p != ' ')
            t[n++] = *p;
    t[n] = '\0';
    int digits = n > 0 && strspn(t, "0123456789") == n;
    if (strcmp(id, "date") == 0 && digits && (n == 6 || n == 7)) {
        const char *d = t + (n - 6);
        snprintf(out, cap, "20%.2s-%.2s-%.2s", d, d + 2, d + 4);
    } else if (strcmp(id, "time") == 0 && digits && n == 6) {
        snprintf(out, cap, "%.2s:%.2s:%.2s", t, t + 2, t + 4);
    } else if (strcmp(id, "meter_number") != 0 && n > 0 &&
               strspn(t + (t[0] == '-'), "0123456789.") == n - (t[0] == '-')) {
        size_t s = t[0] == '-', k = s;
        while (t[k] == '0' && t[k + 1] >= '0' && t[k + 1] <= '9')
            k++;
        snprintf(out, cap, "%s%s", s ? "-" : "", t + k);
    } else {
        snprintf(out, cap, "%s", t);
    }
}

static int iec_attempts(const struct probe_session *ss)
{
    return ss->o.attempts > 0 ? ss->o.attempts : 2;
}

/* One IEC readout: sign-on at 300 baud, identification, mode C acknowledgement and speed
 * change (or the mode A/B behaviour), data message. */
static int iec_once(struct probe_session *ss, struct iec_register *regs, size_t cap, size_t *count,
                    struct err *e)
{
    char signon[48];
    uint8_t ack[6];
    size_t used = 0;
    int rc = probe_serial_configure(ss->s, 300, PROBE_7E1, e);
    if (rc)
        return rc;
    probe_serial_flush(ss->s);
    size_t n = iec_build_signon(signon, sizeof signon, ss->o.iec_address);
    if (!n)
        return err_set(e, GW_EINVAL, "'%s' is not a valid IEC 62056-21 device address",
                       ss->o.iec_address);
    ss->what = "signing on (IEC 62056-21)";
    if ((rc = probe_serial_write(ss->s, signon, n, 2000, e)))
        return rc;
    rc = receive(ss, iec_ident_complete, IEC_FIRST_MS, IEC_INTER_MS, 10000, &used, e);
    if (rc)
        return rc;
    struct iec_ident id = ss->ident;
    ss->r.mandated_ms += IEC_TR_MS;
    snprintf(ss->r.ident, sizeof ss->r.ident, "%s%c %.56s", id.manufacturer, id.baud_char,
             id.ident);
    probe_serial_note(ss->s, "identification %s, mode %c, up to %u baud", ss->r.ident,
                      "ABC"[id.mode], id.baud);
    unsigned baud = id.baud;
    unsigned cap_baud = ss->o.iec_max_baud ? ss->o.iec_max_baud : 19200;
    if (id.mode == IEC_MODE_C) {
        if (baud > cap_baud)
            baud = cap_baud;
        if (ss->iec_switch_failed && baud != 300) {
            probe_serial_note(ss->s, "falling back to 300 baud: no data came at %u", baud);
            baud = 300;
        }
        char z = iec_char_of_baud(baud);
        if (!z) {
            baud = 300;
            z = '0';
        }
        iec_build_ack(ack, z);
        int64_t t = probe_now_ms();
        if ((rc = probe_serial_write(ss->s, ack, sizeof ack, 2000, e)))
            return rc;
        /* tcdrain on a USB adapter returns before its FIFO is on the wire: wait out the
         * acknowledgement's wire time plus a margin before changing speed, or its last
         * bytes go out garbled at the new speed. The meter waits at least 200 ms. */
        int ack_ms = (int)(6u * 10u * 1000u / 300u);
        sleep_ms(ack_ms - (int)(probe_now_ms() - t) + 20);
        if (baud != 300 && (rc = probe_serial_configure(ss->s, baud, PROBE_7E1, e)))
            return rc;
    } else if (id.mode == IEC_MODE_B && baud != 300) {
        /* Mode B: the meter changes speed by itself after its identification. */
        if ((rc = probe_serial_configure(ss->s, baud, PROBE_7E1, e)))
            return rc;
    }
    ss->what = "reading the data block";
    int total = 5000 + (int)((uint64_t)IEC_BLOCK_MAX * 10u * 1000u / baud);
    rc = receive(ss, iec_block_complete, IEC_FIRST_MS, IEC_INTER_MS, total, &used, e);
    if (rc == GW_ETIMEOUT && id.mode == IEC_MODE_C && baud != 300 && !ss->rx_len)
        ss->iec_switch_failed = 1; /* mode C meters that cannot change speed exist */
    if (rc)
        return rc;
    ss->r.mandated_ms += IEC_TR_MS;
    return iec_parse_data((const char *)ss->rx + ss->blk_start, ss->blk_len, regs, cap, count, e);
}

static int step_iec(struct probe_session *ss, struct err *e)
{
    enum { CAP = 256 };
    struct iec_register *regs = calloc(CAP, sizeof *regs);
    size_t count = 0;
    int rc = GW_OK, attempts = iec_attempts(ss);
    if (!regs)
        abort();
    for (int a = 0; a < attempts; a++) {
        if (a) {
            probe_serial_note(ss->s, "retry %d of %d", a + 1, attempts);
            /* The meter returns to its idle state after 1.5 s without a message. */
            int drc = drain_quiet(ss, 1600, e);
            if (drc) {
                rc = drc;
                break;
            }
        }
        rc = iec_once(ss, regs, CAP, &count, e);
        if (rc == GW_OK || rc == GW_EDEVICE || rc == GW_ECANCEL || rc == GW_EINVAL)
            break;
        probe_serial_note(ss->s, "%s", e ? e->msg : "readout failed");
    }
    if (rc == GW_ETIMEOUT && ss->o.protocol == PROBE_AUTO && !ss->r.ident[0])
        rc = err_set(e, GW_ETIMEOUT,
                     "no meter answered in DL/T 645 or IEC 62056-21; check that the probe "
                     "sits on the meter's optical port and is the right way up");
    if (rc) {
        free(regs);
        return rc;
    }
    snprintf(ss->r.protocol, sizeof ss->r.protocol, "iec62056-21");
    if (count > CAP)
        count = CAP;
    for (size_t i = 0; i < ss->nasked; i++) {
        const struct dlt645_item *it = dlt645_item_find(ss->regs_asked[i]);
        struct probe_reg *g = new_reg(ss, it);
        const struct iec_register *hit = NULL;
        for (size_t k = 0; k < count && !hit; k++) {
            const char *cid = iec_canonical_id(regs[k].obis);
            if (cid && strcmp(cid, it->id) == 0)
                hit = &regs[k];
        }
        if (!hit) {
            g->status = PROBE_REG_ABSENT;
            snprintf(g->note, sizeof g->note, "not in the meter's readout");
            const char *ob = iec_obis_of(it->id);
            snprintf(g->code, sizeof g->code, "%s", ob ? ob : "");
            continue;
        }
        snprintf(g->code, sizeof g->code, "%s", hit->code);
        normalize_value(it->id, hit->value, g->value, sizeof g->value);
        if (hit->unit[0])
            snprintf(g->unit, sizeof g->unit, "%s", hit->unit);
        g->status = PROBE_REG_OK;
    }
    free(regs);
    ss->steps_done = (int)ss->nasked + 1;
    return finish(ss, e);
}

int probe_session_step(struct probe_session *ss, int *finished, struct err *e)
{
    int rc = GW_OK;
    *finished = 0;
    switch (ss->st) {
    case ST_DLT07_ADDR:
        rc = step_dlt07_addr(ss, e);
        break;
    case ST_DLT97_ADDR:
        rc = step_dlt97_addr(ss, e);
        break;
    case ST_DLT_ITEMS:
        rc = step_dlt_item(ss, e);
        break;
    case ST_IEC:
        rc = step_iec(ss, e);
        break;
    case ST_DONE:
        break;
    case ST_FAILED:
        return err_set(e, GW_EINTERNAL, "the read session is over");
    }
    if (rc)
        ss->st = ST_FAILED;
    *finished = ss->st == ST_DONE;
    return rc;
}

void probe_session_result(struct probe_session *ss, struct probe_result *out)
{
    size_t len = 0;
    const char *t = probe_serial_transcript(ss->s, &len);
    *out = ss->r;
    out->transcript = malloc(len + 1);
    if (!out->transcript)
        abort();
    memcpy(out->transcript, t, len + 1);
    out->transcript_len = len;
    out->wire_us = probe_serial_wire_us(ss->s);
    out->echo_bytes = probe_serial_echo_dropped(ss->s);
    out->elapsed_ms = probe_now_ms() - ss->t0;
    memset(&ss->r, 0, sizeof ss->r);
}

int probe_read_meter(const char *port, const struct probe_options *o, struct probe_result *out,
                     struct err *e)
{
    struct probe_serial *s = NULL;
    struct probe_session *ss = NULL;
    int finished = 0;
    memset(out, 0, sizeof *out);
    int rc = probe_serial_open(&s, port, e);
    if (rc)
        goto out;
    if (!(o && o->no_power_lines) && (rc = probe_serial_set_lines(s, 1, 1, NULL, e)))
        goto out;
    if ((rc = probe_session_new(&ss, s, o, e)))
        goto out;
    while (!finished && !(rc = probe_session_step(ss, &finished, e)))
        ;
    probe_session_result(ss, out);
out:
    probe_session_free(ss);
    probe_serial_close(s);
    return rc;
}
