/* metersim.c - a meter on a pseudo-terminal, for the probe's rig tests and benchmark.
 *
 *   metersim [flags] REGISTER_FILE
 *
 * Opens a pty, prints the slave's path on the first line of stdout and serves DL/T 645-2007,
 * DL/T 645-1997 and IEC 62056-21 (mode A, B or C readout) from the register file until
 * SIGTERM. It paces every byte to the speed it reads back from the app's termios
 * (tcgetattr on the master) so wire time is real, waits out the request's own wire time
 * before answering, keeps the IEC reaction time of 200 ms, and catches a missing baud
 * switch (it answers at the speed the meter would use, which the app then cannot read).
 * A pty passes 8 bits, so the IEC answers carry an even parity bit in bit 7 like a 7E1 line
 * read as 8 bits: the app must mask it.
 *
 * Misbehaviour: --silent, --bad-checksum, --garble[=N] (first N answers, default all),
 * --echo, --slow MS, --error CODE, --meter NUMBER, --hangup-after BYTES, --followup
 * (answers split over follow-up frames, 2007 and 1997), --stuck-baud (a mode C meter that
 * offers a speed it cannot switch to).
 * Meter shape: --protocol dlt|dlt97|iec|both, --iec-baud N, --iec-mode A|B|C, --dlt-baud N.
 *
 * Register file: lines "id value" with the canonical ids of app/probe/dlt645.h, plus
 * "meter NUMBER", "address NUMBER", "ident TEXT", "manufacturer XYZ"; '#' starts a comment. */
#include "gridwalk/config.h"

#include "app/probe/dlt645.h"
#include "app/probe/iec62056.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

struct reg {
    char id[32];
    char value[40];
};

static struct {
    struct reg regs[64];
    int nregs;
    char meter[16];
    char address[16];
    char ident[64];
    char manufacturer[4];
    int dlt, iec, only97;
    int silent, bad_checksum, garble, echo, slow_ms, followup, stuck_baud;
    int error_code; /* -1: none */
    char error_text[32];
    unsigned iec_baud, dlt_baud;
    char iec_mode;
    long hangup_after;
    long sent;
    int answers;
} cfg = {.dlt = 1,
         .iec = 1,
         .error_code = -1,
         .iec_baud = 9600,
         .iec_mode = 'C',
         .hangup_after = -1,
         .garble = 0};

static int master = -1, slave = -1;

/* Copies text into a fixed field, cutting what does not fit. */
static void set(char *d, size_t n, const char *src)
{
    size_t k = strnlen(src, n - 1);
    memcpy(d, src, k);
    d[k] = '\0';
}
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "metersim: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_until(int64_t t)
{
    struct timespec ts = {(time_t)(t / 1000000000), (long)(t % 1000000000)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR && !stop)
        ;
}

static unsigned app_baud(void)
{
    struct termios t;
    if (tcgetattr(master, &t) < 0)
        return 0;
    switch (cfgetospeed(&t)) {
    case B300:
        return 300;
    case B600:
        return 600;
    case B1200:
        return 1200;
    case B2400:
        return 2400;
    case B4800:
        return 4800;
    case B9600:
        return 9600;
    case B19200:
        return 19200;
    default:
        return 0;
    }
}

static const char *reg_value(const char *id)
{
    if (strcmp(id, "meter_number") == 0 && cfg.meter[0])
        return cfg.meter;
    for (int i = 0; i < cfg.nregs; i++)
        if (strcmp(cfg.regs[i].id, id) == 0)
            return cfg.regs[i].value;
    return NULL;
}

/* Sends n bytes paced at baud with bits per character, starting now. */
static void send_paced(const uint8_t *p, size_t n, unsigned baud, unsigned bits)
{
    int64_t byte_ns = (int64_t)bits * 1000000000 / (baud ? baud : 9600);
    int64_t t0 = now_ns();
    for (size_t i = 0; i < n && !stop; i++) {
        sleep_until(t0 + (int64_t)(i + 1) * byte_ns);
        if (write(master, p + i, 1) != 1)
            return;
        cfg.sent++;
        if (cfg.hangup_after >= 0 && cfg.sent >= cfg.hangup_after) {
            logf_("hanging up after %ld bytes", cfg.sent);
            close(master);
            close(slave);
            _exit(0);
        }
    }
}

/* The answer-side faults, applied to a finished answer. */
static void spoil(uint8_t *p, size_t n, int is_dlt)
{
    cfg.answers++;
    if (cfg.bad_checksum && n >= 2)
        p[is_dlt ? n - 2 : n - 1] ^= 0x01;
    if ((cfg.garble < 0 || cfg.answers <= cfg.garble) && n > 4)
        p[n / 2] ^= 0x5A;
}

static void answer_delay(int base_ms)
{
    int ms = base_ms + cfg.slow_ms;
    if (ms > 0)
        sleep_until(now_ns() + (int64_t)ms * 1000000);
}

/* ---- DL/T 645 ---------------------------------------------------------------------- */

static uint8_t addr[6];
static uint8_t pending[256]; /* the rest of a split answer (follow-up frames) */
static size_t pending_len;
static uint32_t pending_di;

static void dlt_send(uint8_t control, const uint8_t *data, size_t len)
{
    uint8_t out[300];
    size_t n = dlt645_build(out, sizeof out, 2, addr, control, data, len);
    spoil(out, n, 1);
    send_paced(out, n, app_baud(), 11);
}

static int addr_matches(const uint8_t a[6])
{
    for (int i = 0; i < 6; i++)
        if (a[i] != 0xAA && a[i] != addr[i])
            return 0;
    return 1;
}

static void dlt_serve(const struct dlt645_frame *f)
{
    if (!addr_matches(f->addr)) {
        logf_("frame for another address: silent");
        return;
    }
    int is97 = f->control == DLT645_C97_READ || f->control == DLT645_C97_READ_MORE;
    if (cfg.only97 && !is97) {
        logf_("a DL/T 645-2007 request to a 1997 meter: silent");
        return;
    }
    uint8_t fn = f->control & 0x1f;
    uint8_t data[256];
    size_t dl = is97 ? 2 : 4;
    if (fn == DLT645_C07_READ_ADDR && !is97) {
        dlt_send(0x93, addr, 6);
        return;
    }
    if (fn == DLT645_C07_READ_MORE && !is97) {
        if (!pending_len || f->len < 5) {
            dlt_send(0xD2, (const uint8_t[]){0x01}, 1);
            return;
        }
        memcpy(data, f->data, 4);
        memcpy(data + 4, pending, pending_len);
        data[4 + pending_len] = f->data[4];
        dlt_send(0x92, data, 5 + pending_len);
        pending_len = 0;
        return;
    }
    if (fn == DLT645_C97_READ_MORE && is97) {
        /* 1997: the request names the item again (no frame number), and so does the answer. */
        if (!pending_len || f->len < 2) {
            dlt_send(0xC2, (const uint8_t[]){0x01}, 1);
            return;
        }
        memcpy(data, f->data, 2);
        memcpy(data + 2, pending, pending_len);
        dlt_send(0x82, data, 2 + pending_len);
        pending_len = 0;
        return;
    }
    if (!(fn == DLT645_C07_READ && !is97) && !(fn == DLT645_C97_READ && is97)) {
        dlt_send((uint8_t)(0xC0 | fn), (const uint8_t[]){0x01}, 1);
        return;
    }
    if (f->len < dl)
        return;
    uint32_t di = 0;
    for (size_t k = 0; k < dl; k++)
        di |= (uint32_t)f->data[k] << (8 * k);
    uint8_t reply = is97 ? 0x81 : 0x91, abnormal = is97 ? 0xC1 : 0xD1;
    if (cfg.error_code >= 0) {
        uint8_t c = (uint8_t)cfg.error_code;
        dlt_send(abnormal, &c, 1);
        return;
    }
    const struct dlt645_item *it = NULL;
    for (const struct dlt645_item *x = dlt645_items; x->id; x++)
        if ((is97 ? x->di97 : x->di07) == di && di)
            it = x;
    const char *v = it ? reg_value(it->id) : NULL;
    enum dlt645_edition ed = is97 ? DLT645_1997 : DLT645_2007;
    size_t vn = v ? dlt645_encode_value(it, ed, v, data + dl, sizeof data - dl) : 0;
    if (!vn) {
        uint8_t c = 0x02; /* no data for that item */
        dlt_send(abnormal, &c, 1);
        return;
    }
    memcpy(data, f->data, dl);
    if (cfg.followup && vn >= 2) {
        size_t first = vn / 2;
        pending_len = vn - first;
        memcpy(pending, data + dl + first, pending_len);
        pending_di = di;
        dlt_send(is97 ? 0xA1 : 0xB1, data, dl + first);
        return;
    }
    dlt_send(reply, data, dl + vn);
}

/* ---- IEC 62056-21 ------------------------------------------------------------------ */

enum iec_state { IEC_IDLE, IEC_WAIT_ACK };
static enum iec_state iec_st;
static int64_t iec_last_ns;

static uint8_t with_parity(uint8_t b)
{
    b &= 0x7f;
    return (uint8_t)(__builtin_popcount(b) & 1 ? b | 0x80 : b);
}

static void iec_send(const char *text, size_t n, unsigned baud, int spoilable)
{
    uint8_t out[8192];
    if (n > sizeof out)
        n = sizeof out;
    memcpy(out, text, n);
    if (spoilable)
        spoil(out, n, 0);
    unsigned now = app_baud();
    if (now != baud) {
        /* The meter talks at its speed; the app listens at another: it gets garbage. */
        logf_("app listens at %u baud but the meter sends at %u: garbage", now, baud);
        for (size_t i = 0; i < n; i++)
            out[i] = (uint8_t)(0x80 | (out[i] >> 1));
    }
    for (size_t i = 0; i < n; i++)
        out[i] = with_parity(out[i]);
    send_paced(out, n, baud, 10);
}

static char mode_char(void)
{
    char c = iec_char_of_baud(cfg.iec_baud);
    if (cfg.iec_mode == 'B' && c > '0')
        return (char)('A' + (c - '1'));
    if (cfg.iec_mode == 'A')
        return 'X';
    return c ? c : '0';
}

static size_t build_block(char *out, size_t cap)
{
    size_t n = 0;
    out[n++] = IEC_STX;
    if (cfg.error_code >= 0 || cfg.error_text[0]) {
        n += (size_t)snprintf(out + n, cap - n, "(%s)\r\n", cfg.error_text);
    } else {
        for (const struct dlt645_item *x = dlt645_items; x->id; x++) {
            const char *ob = iec_obis_of(x->id), *v = reg_value(x->id);
            if (!ob || !v || n + 80 > cap)
                continue;
            char val[40];
            set(val, sizeof val, v);
            if (strcmp(x->id, "date") == 0 && strlen(v) == 10) /* YYYY-MM-DD -> YYMMDD */
                snprintf(val, sizeof val, "%.2s%.2s%.2s", v + 2, v + 5, v + 8);
            if (strcmp(x->id, "time") == 0 && strlen(v) == 8)
                snprintf(val, sizeof val, "%.2s%.2s%.2s", v, v + 3, v + 6);
            n += (size_t)snprintf(out + n, cap - n, "1-0:%s*255(%s%s%s)\r\n", ob, val,
                                  x->unit[0] ? "*" : "", x->unit);
        }
        n += (size_t)snprintf(out + n, cap - n, "F.F(00000000)\r\n");
    }
    n += (size_t)snprintf(out + n, cap - n, "!\r\n");
    out[n++] = IEC_ETX;
    uint8_t bcc = 0;
    for (size_t i = 1; i < n; i++)
        bcc ^= (uint8_t)out[i];
    out[n++] = (char)bcc;
    return n;
}

static void iec_send_block(unsigned baud)
{
    char block[8192];
    size_t n = build_block(block, sizeof block - 8);
    iec_send(block, n, baud, 1);
}

static void iec_signon(const char *addr_text)
{
    if (addr_text[0] && strcmp(addr_text, cfg.meter) != 0) {
        logf_("sign-on for device '%s': not us, silent", addr_text);
        return;
    }
    answer_delay(200);
    char line[128];
    int n = snprintf(line, sizeof line, "/%s%c%s\r\n", cfg.manufacturer, mode_char(), cfg.ident);
    iec_send(line, (size_t)n, 300, 0);
    iec_st = IEC_WAIT_ACK;
    iec_last_ns = now_ns();
    if (cfg.iec_mode == 'A') {
        iec_send_block(300);
        iec_st = IEC_IDLE;
    } else if (cfg.iec_mode == 'B') {
        answer_delay(200);
        iec_send_block(cfg.iec_baud);
        iec_st = IEC_IDLE;
    }
}

static void iec_ack(const uint8_t *m)
{
    if (m[3] != '0') {
        logf_("programming mode asked: refused with NAK");
        uint8_t nak = IEC_NAK;
        send_paced(&nak, 1, 300, 10);
        iec_st = IEC_IDLE;
        return;
    }
    unsigned baud = iec_baud_of((char)m[2], IEC_MODE_C);
    if (!baud || baud > cfg.iec_baud)
        baud = 300;
    if (cfg.stuck_baud && baud != 300) {
        logf_("asked for %u baud, but this meter cannot change speed: silent", baud);
        iec_st = IEC_IDLE;
        return;
    }
    answer_delay(200);
    iec_send_block(baud);
    iec_st = IEC_IDLE;
}

/* ---- main loop --------------------------------------------------------------------- */

/* Consumes one request from buf if a whole one is there; returns bytes used or 0. */
static size_t serve(uint8_t *buf, size_t n, int64_t first_ns)
{
    size_t i = 0;
    while (i < n && (buf[i] == 0xFE || buf[i] == 0x00 || buf[i] == '\r' || buf[i] == '\n'))
        i++;
    if (i == n)
        return n;
    unsigned baud = app_baud();
    if (buf[i] == 0x68 && cfg.dlt) {
        struct dlt645_frame f;
        size_t used = 0;
        int r = dlt645_parse(buf, n, &f, &used, NULL);
        if (r == 0)
            return 0;
        if (r < 0)
            return n; /* garbage: drop it */
        /* The request's last byte reaches the meter after its wire time. */
        sleep_until(first_ns + (int64_t)used * 11 * 1000000000 / (baud ? baud : 2400));
        if (cfg.echo)
            send_paced(buf, used, baud, 11);
        if (cfg.dlt_baud && baud != cfg.dlt_baud) {
            logf_("request at %u baud, the meter listens at %u: silent", baud, cfg.dlt_baud);
            return used;
        }
        if (!cfg.silent) {
            answer_delay(0);
            dlt_serve(&f);
        }
        return used;
    }
    if ((buf[i] & 0x7f) == '/' && cfg.iec) {
        uint8_t *end = memmem(buf + i, n - i, "!\r\n", 3);
        if (!end)
            return n - i > 64 ? n : 0;
        size_t used = (size_t)(end - buf) + 3;
        sleep_until(first_ns + (int64_t)used * 10 * 1000000000 / (baud ? baud : 300));
        if (cfg.echo)
            send_paced(buf, used, baud, 10);
        char a[40] = "";
        size_t al = (size_t)(end - (buf + i)) - 2;
        if (buf[i + 1] == '?' && al < sizeof a) {
            memcpy(a, buf + i + 2, al);
            a[al] = '\0';
        }
        if (!cfg.silent)
            iec_signon(a);
        return used;
    }
    if (buf[i] == IEC_ACK && cfg.iec) {
        if (n - i < 6)
            return 0;
        size_t used = i + 6;
        sleep_until(first_ns + (int64_t)used * 10 * 1000000000 / (baud ? baud : 300));
        if (cfg.echo)
            send_paced(buf + i, 6, baud, 10);
        if (!cfg.silent && iec_st == IEC_WAIT_ACK &&
            now_ns() - iec_last_ns < (int64_t)1500000000 + 2000000000)
            iec_ack(buf + i);
        return used;
    }
    return i + 1; /* not a request: drop a byte */
}

static int load(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[256];
    if (!f) {
        logf_("cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    snprintf(cfg.manufacturer, sizeof cfg.manufacturer, "GWS");
    snprintf(cfg.ident, sizeof cfg.ident, "GWSIM-IEC1");
    while (fgets(line, sizeof line, f)) {
        char k[32], v[64];
        if (line[0] == '#' || sscanf(line, "%31s %63s", k, v) != 2)
            continue;
        if (strcmp(k, "meter") == 0 && !cfg.meter[0])
            set(cfg.meter, sizeof cfg.meter, v);
        else if (strcmp(k, "address") == 0)
            set(cfg.address, sizeof cfg.address, v);
        else if (strcmp(k, "ident") == 0)
            set(cfg.ident, sizeof cfg.ident, v);
        else if (strcmp(k, "manufacturer") == 0)
            set(cfg.manufacturer, sizeof cfg.manufacturer, v);
        else if (cfg.nregs < 64) {
            snprintf(cfg.regs[cfg.nregs].id, sizeof cfg.regs[0].id, "%s", k);
            set(cfg.regs[cfg.nregs].value, sizeof cfg.regs[0].value, v);
            cfg.nregs++;
        }
    }
    fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"silent", no_argument, NULL, 's'},
                                         {"bad-checksum", no_argument, NULL, 'b'},
                                         {"garble", optional_argument, NULL, 'g'},
                                         {"echo", no_argument, NULL, 'e'},
                                         {"slow", required_argument, NULL, 'w'},
                                         {"error", required_argument, NULL, 'E'},
                                         {"meter", required_argument, NULL, 'm'},
                                         {"protocol", required_argument, NULL, 'p'},
                                         {"iec-baud", required_argument, NULL, 'I'},
                                         {"iec-mode", required_argument, NULL, 'M'},
                                         {"dlt-baud", required_argument, NULL, 'D'},
                                         {"hangup-after", required_argument, NULL, 'H'},
                                         {"followup", no_argument, NULL, 'F'},
                                         {"stuck-baud", no_argument, NULL, 'S'},
                                         {NULL, 0, NULL, 0}};
    int c, meter_override = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            cfg.silent = 1;
            break;
        case 'b':
            cfg.bad_checksum = 1;
            break;
        case 'g':
            cfg.garble = optarg ? (int)strtol(optarg, NULL, 10) : -1;
            break;
        case 'e':
            cfg.echo = 1;
            break;
        case 'w':
            cfg.slow_ms = (int)strtol(optarg, NULL, 10);
            break;
        case 'E':
            cfg.error_code = (int)strtol(optarg, NULL, 0);
            snprintf(cfg.error_text, sizeof cfg.error_text, "ERR%s", optarg);
            break;
        case 'm':
            set(cfg.meter, sizeof cfg.meter, optarg);
            meter_override = 1;
            break;
        case 'p':
            cfg.dlt = strcmp(optarg, "iec") != 0;
            cfg.iec = strcmp(optarg, "dlt") != 0 && strcmp(optarg, "dlt97") != 0;
            cfg.only97 = strcmp(optarg, "dlt97") == 0;
            break;
        case 'I':
            cfg.iec_baud = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'M':
            cfg.iec_mode = optarg[0];
            break;
        case 'D':
            cfg.dlt_baud = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'H':
            cfg.hangup_after = strtol(optarg, NULL, 10);
            break;
        case 'F':
            cfg.followup = 1;
            break;
        case 'S':
            cfg.stuck_baud = 1;
            break;
        default:
            return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "usage: metersim [flags] REGISTER_FILE\n");
        return 2;
    }
    if (load(argv[optind]) < 0)
        return 1;
    if (!cfg.address[0] || meter_override)
        set(cfg.address, sizeof cfg.address, cfg.meter);
    if (dlt645_addr_parse(cfg.address, addr, NULL)) {
        logf_("address '%s' is not 1..12 digits", cfg.address);
        return 1;
    }
    char name[256];
    struct termios raw;
    if (openpty(&master, &slave, name, NULL, NULL) < 0) {
        logf_("openpty: %s", strerror(errno));
        return 1;
    }
    tcgetattr(slave, &raw);
    cfmakeraw(&raw);
    cfsetspeed(&raw, B300);
    tcsetattr(slave, TCSANOW, &raw);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGPIPE, SIG_IGN);
    printf("%s\n", name);
    fflush(stdout);

    uint8_t buf[4096];
    size_t len = 0;
    int64_t first_ns = 0;
    while (!stop) {
        struct pollfd pf = {.fd = master, .events = POLLIN};
        int pr = poll(&pf, 1, 100);
        if (pr <= 0)
            continue;
        ssize_t r = read(master, buf + len, sizeof buf - len);
        if (r <= 0) {
            sleep_until(now_ns() + 20000000);
            continue;
        }
        if (!len)
            first_ns = now_ns();
        len += (size_t)r;
        for (;;) {
            size_t used = serve(buf, len, first_ns);
            if (!used)
                break;
            memmove(buf, buf + used, len - used);
            len -= used;
            first_ns = now_ns();
            if (!len)
                break;
        }
        if (len == sizeof buf)
            len = 0;
    }
    close(master);
    close(slave);
    return 0;
}
