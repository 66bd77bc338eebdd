/* serial.c - the probe's tty: termios, non-blocking I/O, echo filter, transcript. */
#include "gridwalk/config.h"

#include "app/probe/serial.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* The transcript is evidence, but a runaway device must not eat memory. */
#define TRANSCRIPT_CAP (256 * 1024)
#define ECHO_CAP 1024

struct probe_serial {
    int fd;
    char path[256];
    struct termios saved;
    int have_saved;
    unsigned baud;
    enum probe_framing framing;
    int echo_filter;
    uint8_t echo[ECHO_CAP]; /* the last write, as the head would echo it */
    size_t echo_len, echo_pos;
    size_t echo_dropped;
    uint8_t held[ECHO_CAP]; /* bytes that looked like echo but were not */
    size_t held_len;
    char *tr;
    size_t tr_len, tr_cap;
    int tr_truncated;
    size_t tr_line_end; /* where the last byte line ends, to extend it */
    int tr_line_bytes;  /* bytes on that line; 0 when the last entry was not RX */
    int64_t t0;
    uint64_t wire_us;
};

int64_t probe_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

unsigned probe_framing_bits(enum probe_framing f)
{
    return f == PROBE_8E1 ? 11 : 10;
}

static void tr_append(struct probe_serial *s, const char *text, size_t n)
{
    if (s->tr_truncated)
        return;
    if (s->tr_len + n + 1 > TRANSCRIPT_CAP) {
        static const char cut[] = "-- transcript truncated at its cap\n";
        s->tr_truncated = 1;
        text = cut;
        n = sizeof cut - 1;
    }
    if (s->tr_len + n + 1 > s->tr_cap) {
        size_t cap = s->tr_cap ? s->tr_cap : 4096;
        while (cap < s->tr_len + n + 1)
            cap *= 2;
        char *p = realloc(s->tr, cap);
        if (!p)
            abort(); /* out of memory is fatal on the tablet */
        s->tr = p;
        s->tr_cap = cap;
    }
    memcpy(s->tr + s->tr_len, text, n);
    s->tr_len += n;
    s->tr[s->tr_len] = '\0';
}

static void tr_bytes(struct probe_serial *s, const char *dir, const uint8_t *p, size_t n)
{
    char line[16 + 3 * 32 + 2];
    int64_t t = probe_now_ms() - s->t0;
    int rx = strcmp(dir, "RX") == 0;
    /* Bytes trickle in one by one at low speeds: extend the last RX line up to 32 bytes. */
    while (rx && n && s->tr_line_bytes && s->tr_line_bytes < 32 && s->tr_line_end == s->tr_len &&
           !s->tr_truncated) {
        char hex[4];
        snprintf(hex, sizeof hex, " %02X", *p);
        s->tr_len--; /* over the newline */
        tr_append(s, hex, 3);
        tr_append(s, "\n", 1);
        s->tr_line_end = s->tr_len;
        s->tr_line_bytes++;
        p++;
        n--;
    }
    for (size_t off = 0; off < n; off += 32) {
        size_t k = n - off < 32 ? n - off : 32;
        int len = snprintf(line, sizeof line, "+%04lld.%03lld %s", (long long)(t / 1000),
                           (long long)(t % 1000), dir);
        for (size_t i = 0; i < k; i++)
            len += snprintf(line + len, sizeof line - (size_t)len, " %02X", p[off + i]);
        line[len++] = '\n';
        tr_append(s, line, (size_t)len);
        s->tr_line_end = s->tr_len;
        s->tr_line_bytes = rx ? (int)k : 0;
    }
}

void probe_serial_note(struct probe_serial *s, const char *fmt, ...)
{
    char msg[256], line[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int64_t t = probe_now_ms() - s->t0;
    int len = snprintf(line, sizeof line, "+%04lld.%03lld -- %s\n", (long long)(t / 1000),
                       (long long)(t % 1000), msg);
    if (len > (int)sizeof line - 1)
        len = (int)sizeof line - 1;
    tr_append(s, line, (size_t)len);
}

const char *probe_serial_transcript(const struct probe_serial *s, size_t *len)
{
    if (len)
        *len = s->tr_len;
    return s->tr ? s->tr : "";
}

uint64_t probe_serial_wire_us(const struct probe_serial *s)
{
    return s->wire_us;
}

static void count_wire(struct probe_serial *s, size_t n)
{
    if (s->baud)
        s->wire_us += (uint64_t)n * probe_framing_bits(s->framing) * 1000000u / s->baud;
}

static speed_t speed_of(unsigned baud)
{
    switch (baud) {
    case 300:
        return B300;
    case 600:
        return B600;
    case 1200:
        return B1200;
    case 2400:
        return B2400;
    case 4800:
        return B4800;
    case 9600:
        return B9600;
    case 19200:
        return B19200;
    case 38400:
        return B38400;
    case 57600:
        return B57600;
    case 115200:
        return B115200;
    default:
        return 0;
    }
}

static const char *framing_name(enum probe_framing f)
{
    return f == PROBE_7E1 ? "7E1" : f == PROBE_8E1 ? "8E1" : "8N1";
}

int probe_serial_open(struct probe_serial **out, const char *path, struct err *e)
{
    int rc = GW_OK;
    struct probe_serial *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->fd = -1;
    s->echo_filter = 1;
    s->t0 = probe_now_ms();
    snprintf(s->path, sizeof s->path, "%s", path);
    s->fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (s->fd < 0) {
        rc = err_set(e, GW_EDEVICE, "cannot open the probe %s: %s%s", path, strerror(errno),
                     errno == ENOENT ? "; is the probe plugged in?" : "");
        goto out;
    }
    if (tcgetattr(s->fd, &s->saved) < 0) {
        rc = err_set(e, GW_EDEVICE, "%s is not a serial port (%s)", path, strerror(errno));
        goto out;
    }
    s->have_saved = 1;
    /* Exclusive use: a second reader on the same port would steal bytes. */
    (void)ioctl(s->fd, TIOCEXCL);
    probe_serial_note(s, "open %s", path);
    rc = probe_serial_configure(s, 300, PROBE_7E1, e);
out:
    if (rc) {
        probe_serial_close(s);
        s = NULL;
    }
    *out = s;
    return rc;
}

void probe_serial_close(struct probe_serial *s)
{
    if (!s)
        return;
    if (s->fd >= 0) {
        if (s->have_saved)
            (void)tcsetattr(s->fd, TCSANOW, &s->saved);
        (void)ioctl(s->fd, TIOCNXCL);
        close(s->fd);
    }
    free(s->tr);
    free(s);
}

int probe_serial_fd(const struct probe_serial *s)
{
    return s->fd;
}

unsigned probe_serial_baud(const struct probe_serial *s)
{
    return s->baud;
}

enum probe_framing probe_serial_framing(const struct probe_serial *s)
{
    return s->framing;
}

int probe_serial_configure(struct probe_serial *s, unsigned baud, enum probe_framing f,
                           struct err *e)
{
    speed_t sp = speed_of(baud);
    struct termios t, back;
    if (!sp)
        return err_set(e, GW_EINVAL, "%u baud is not a serial speed the probe can use", baud);
    if (tcgetattr(s->fd, &t) < 0)
        return err_set(e, GW_EDEVICE, "the probe %s is gone (%s); plug it in again", s->path,
                       strerror(errno));
    cfmakeraw(&t);
    t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
    t.c_cflag |= CREAD | CLOCAL | HUPCL;
    t.c_cflag |= f == PROBE_7E1 ? CS7 : CS8;
    if (f != PROBE_8N1)
        t.c_cflag |= PARENB;
    t.c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY | INPCK | ISTRIP);
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    cfsetispeed(&t, sp);
    cfsetospeed(&t, sp);
    /* EINVAL may only mean "nothing changed" (a pty keeps CS8); the read-back decides. */
    if (tcsetattr(s->fd, TCSANOW, &t) < 0 && errno != EINVAL)
        return err_set(e, GW_EDEVICE, "cannot set %u baud on %s: %s", baud, s->path,
                       strerror(errno));
    if (tcgetattr(s->fd, &back) < 0)
        return err_set(e, GW_EDEVICE, "the probe %s is gone (%s)", s->path, strerror(errno));
    if (cfgetospeed(&back) != sp || cfgetispeed(&back) != sp)
        return err_set(e, GW_EDEVICE, "%s refused %u baud; try another probe", s->path, baud);
    s->baud = baud;
    s->framing = f;
    probe_serial_note(s, "line %u baud %s", baud, framing_name(f));
    return GW_OK;
}

int probe_serial_set_lines(struct probe_serial *s, int dtr, int rts, int *supported, struct err *e)
{
    int bits = 0, r1 = 0, r2 = 0;
    if (supported)
        *supported = 0;
    if (dtr)
        bits |= TIOCM_DTR;
    if (rts)
        bits |= TIOCM_RTS;
    int set = bits, clear = (TIOCM_DTR | TIOCM_RTS) & ~bits;
    if (set)
        r1 = ioctl(s->fd, TIOCMBIS, &set);
    if (r1 == 0 && clear)
        r2 = ioctl(s->fd, TIOCMBIC, &clear);
    if (r1 < 0 || r2 < 0) {
        if (errno == ENOTTY || errno == EINVAL) {
            probe_serial_note(s, "no modem lines on this port (DTR/RTS not set)");
            return GW_OK;
        }
        return err_set(e, GW_EDEVICE, "cannot set DTR/RTS on %s: %s", s->path, strerror(errno));
    }
    if (supported)
        *supported = 1;
    probe_serial_note(s, "DTR %s RTS %s", dtr ? "on" : "off", rts ? "on" : "off");
    return GW_OK;
}

void probe_serial_flush(struct probe_serial *s)
{
    uint8_t junk[256];
    (void)tcflush(s->fd, TCIOFLUSH);
    /* A pty's flush does not reach bytes already in the other side's buffer. */
    while (read(s->fd, junk, sizeof junk) > 0)
        ;
    s->echo_len = s->echo_pos = 0;
    s->held_len = 0;
}

static int gone(struct probe_serial *s, struct err *e, int errnum)
{
    probe_serial_note(s, "device error: %s", strerror(errnum));
    return err_set(e, GW_EDEVICE, "the probe %s stopped answering (%s); was it unplugged?", s->path,
                   strerror(errnum));
}

int probe_serial_write(struct probe_serial *s, const void *buf, size_t n, int timeout_ms,
                       struct err *e)
{
    const uint8_t *p = buf;
    size_t done = 0;
    int64_t deadline = probe_now_ms() + timeout_ms;
    while (done < n) {
        ssize_t w = write(s->fd, p + done, n - done);
        if (w > 0) {
            done += (size_t)w;
            continue;
        }
        if (w < 0 && errno != EAGAIN && errno != EINTR)
            return gone(s, e, errno);
        int64_t left = deadline - probe_now_ms();
        if (left <= 0)
            return err_set(e, GW_ETIMEOUT, "the probe %s did not take the bytes in %d ms", s->path,
                           timeout_ms);
        struct pollfd pf = {.fd = s->fd, .events = POLLOUT};
        if (poll(&pf, 1, (int)left) > 0 && (pf.revents & (POLLERR | POLLNVAL)))
            return gone(s, e, EIO);
    }
    if (tcdrain(s->fd) < 0 && errno != EINTR)
        return gone(s, e, errno);
    tr_bytes(s, "TX", p, n);
    count_wire(s, n);
    if (s->echo_filter) {
        size_t k = n < ECHO_CAP ? n : ECHO_CAP;
        memcpy(s->echo, p, k);
        for (size_t i = 0; i < k && s->framing == PROBE_7E1; i++)
            s->echo[i] &= 0x7f;
        s->echo_len = k;
        s->echo_pos = 0;
    }
    return GW_OK;
}

void probe_serial_set_echo_filter(struct probe_serial *s, int on)
{
    s->echo_filter = on;
    s->echo_len = s->echo_pos = 0;
}

size_t probe_serial_echo_dropped(const struct probe_serial *s)
{
    return s->echo_dropped;
}

int probe_serial_read(struct probe_serial *s, uint8_t *buf, size_t cap, size_t *got, struct err *e)
{
    uint8_t raw[512];
    size_t out = 0;
    *got = 0;
    /* Bytes held back as possible echo that turned out to be data come first. */
    while (s->held_len && out < cap) {
        size_t k = s->held_len < cap - out ? s->held_len : cap - out;
        memcpy(buf + out, s->held, k);
        memmove(s->held, s->held + k, s->held_len - k);
        s->held_len -= k;
        out += k;
    }
    while (out < cap) {
        size_t want = cap - out < sizeof raw ? cap - out : sizeof raw;
        ssize_t r = read(s->fd, raw, want);
        if (r < 0 && (errno == EAGAIN || errno == EINTR))
            break;
        if (r < 0)
            return gone(s, e, errno);
        if (r == 0) {
            /* A tty with VMIN=0 returns 0 when empty; poll tells a hang-up apart. */
            struct pollfd pf = {.fd = s->fd, .events = POLLIN};
            if (poll(&pf, 1, 0) > 0 && (pf.revents & (POLLHUP | POLLERR)))
                return gone(s, e, EIO);
            break;
        }
        if (s->framing == PROBE_7E1)
            for (ssize_t i = 0; i < r; i++)
                raw[i] &= 0x7f;
        size_t start = 0;
        /* Drop the echo of our own last write: it arrives before the answer. */
        while (start < (size_t)r && s->echo_pos < s->echo_len) {
            if (raw[start] == s->echo[s->echo_pos]) {
                s->echo_pos++;
                start++;
                continue;
            }
            /* Not an echo after all: what matched so far was data. */
            size_t k = s->echo_pos;
            s->echo_len = s->echo_pos = 0;
            if (out + k <= cap) {
                memcpy(buf + out, s->echo, k);
                out += k;
            }
            break;
        }
        if (s->echo_len && s->echo_pos == s->echo_len) {
            tr_bytes(s, "EC", s->echo, s->echo_len);
            s->echo_dropped += s->echo_len;
            s->echo_len = s->echo_pos = 0;
        }
        size_t n = (size_t)r - start;
        if (out + n > cap) {
            size_t keep = out + n - cap;
            memcpy(s->held + s->held_len, raw + start + (n - keep), keep);
            s->held_len += keep;
            n -= keep;
        }
        memcpy(buf + out, raw + start, n);
        out += n;
    }
    if (out) {
        tr_bytes(s, "RX", buf, out);
        count_wire(s, out);
    }
    *got = out;
    return GW_OK;
}
