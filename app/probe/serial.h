/* serial.h - the optical probe's serial line: a tty in raw mode, opened non-blocking.
 *
 * Owns one file descriptor, the line settings (baud rate, 7E1/8E1/8N1), the echo filter for
 * half-duplex IR heads that hear their own transmitter, and the byte transcript kept for
 * audit (every byte sent and received, with time and direction, capped). It also counts
 * the time the bytes need on the wire at the speeds in force, so callers can compare a
 * session with the physical floor. It knows no protocol and never sleeps longer than the
 * timeouts it is given. A `struct probe_serial` is used by one thread at a time.
 *
 * Device quirks handled here (see RIGS.md): a pseudo-terminal stores the baud rate but does
 * not emulate 7 data bits or parity, so 7-bit framings are masked in software; glibc's
 * tcsetattr returns EINVAL when none of the requested changes took effect, so success is
 * judged by reading the settings back; modem-line ioctls fail with ENOTTY on a pty. */
#ifndef GRIDWALK_PROBE_SERIAL_H
#define GRIDWALK_PROBE_SERIAL_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"

#include <stddef.h>
#include <stdint.h>

struct probe_serial;

enum probe_framing {
    PROBE_8N1,
    PROBE_7E1, /* IEC 62056-21 */
    PROBE_8E1, /* DL/T 645 */
};

/* Opens the tty at path (non-blocking, no controlling tty), saves its settings for
 * probe_serial_close and puts it in raw 300 baud 7E1. GW_EDEVICE naming the path when it
 * is missing, busy or not a tty. *out is owned by the caller: probe_serial_close(). */
int probe_serial_open(struct probe_serial **out, const char *path, struct err *e);

/* Restores the saved settings, closes the tty and frees everything; NULL is allowed. */
void probe_serial_close(struct probe_serial *s);

/* The descriptor, for a caller's poll() loop (readable = bytes waiting). */
int probe_serial_fd(const struct probe_serial *s);

/* Sets speed and framing, keeping raw mode. Succeeds when the speed read back is the one
 * asked for; GW_EINVAL for a speed termios does not know, GW_EDEVICE when the driver kept
 * another speed or the device is gone. */
int probe_serial_configure(struct probe_serial *s, unsigned baud, enum probe_framing f,
                           struct err *e);

/* The speed and framing in force. */
unsigned probe_serial_baud(const struct probe_serial *s);
enum probe_framing probe_serial_framing(const struct probe_serial *s);

/* Raises (1) or drops (0) DTR and RTS, which some probes draw their power from. Returns
 * GW_OK also when the device has no modem lines (a pty): *supported tells which (may be
 * NULL). GW_EDEVICE when the device is gone. */
int probe_serial_set_lines(struct probe_serial *s, int dtr, int rts, int *supported, struct err *e);

/* Discards whatever is waiting in both directions, and any pending echo. */
void probe_serial_flush(struct probe_serial *s);

/* Writes all n bytes within timeout_ms and waits until the driver has sent them. When echo
 * filtering is on, the bytes are remembered so that their echo is dropped on reading.
 * GW_ETIMEOUT, or GW_EDEVICE when the probe was unplugged. */
int probe_serial_write(struct probe_serial *s, const void *buf, size_t n, int timeout_ms,
                       struct err *e);

/* Reads what is waiting, without blocking, into buf: 7-bit framings are masked and the echo
 * of the last write is removed. *got may be 0. GW_EDEVICE when the device is gone
 * (unplugged). */
int probe_serial_read(struct probe_serial *s, uint8_t *buf, size_t cap, size_t *got, struct err *e);

/* Turns the echo filter on or off (on by default). */
void probe_serial_set_echo_filter(struct probe_serial *s, int on);
/* Bytes dropped as echo so far (tells the user the head echoes). */
size_t probe_serial_echo_dropped(const struct probe_serial *s);

/* Appends a free-text note ("baud 9600 7E1") to the transcript. */
void probe_serial_note(struct probe_serial *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The transcript so far: text lines "+SSS.mmm TX|RX|EC hex..." or "+SSS.mmm -- note".
 * Owned by s; valid until the next call on s. */
const char *probe_serial_transcript(const struct probe_serial *s, size_t *len);

/* Microseconds the bytes sent and received so far need on the wire (start, data, parity
 * and stop bits at the speed in force), echo excluded. */
uint64_t probe_serial_wire_us(const struct probe_serial *s);

/* Bits on the wire per character for a framing (10 or 11). */
unsigned probe_framing_bits(enum probe_framing f);

/* Milliseconds since an arbitrary fixed point (CLOCK_MONOTONIC). */
int64_t probe_now_ms(void);

#endif
