/* dlt645.h - the DL/T 645 frame codec, 2007 and 1997 editions.
 *
 * Pure functions over byte buffers: building request frames (wake-up preamble, address,
 * control code, length, data scrambled by +33H, checksum, end byte), finding and checking a
 * frame in received bytes, and decoding the BCD data of the registers gridwalk reads. Owns
 * nothing and does no I/O; every input from the meter is treated as hostile (the parser is
 * fuzzed). Register values are decimal text exactly as the meter's BCD says, never floats.
 *
 * Frame: [FE..] 68 A0..A5 68 C L D0..D(L-1) CS 16, address low byte first, CS the byte sum
 * from the first 68 up to the last data byte. */
#ifndef GRIDWALK_PROBE_DLT645_H
#define GRIDWALK_PROBE_DLT645_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"

#include <stddef.h>
#include <stdint.h>

enum dlt645_edition { DLT645_2007 = 2007, DLT645_1997 = 1997 };

/* Control codes (master to meter). The meter answers with bit 7 set, bit 6 for an abnormal
 * answer and bit 5 when follow-up frames exist. */
#define DLT645_C07_READ 0x11
#define DLT645_C07_READ_MORE 0x12
#define DLT645_C07_READ_ADDR 0x13
#define DLT645_C97_READ 0x01
#define DLT645_C97_READ_MORE 0x02

#define DLT645_C_REPLY 0x80
#define DLT645_C_ABNORMAL 0x40
#define DLT645_C_FOLLOWUP 0x20

#define DLT645_MAX_DATA 255
#define DLT645_MAX_FRAME (4 + 12 + DLT645_MAX_DATA)

struct dlt645_frame {
    uint8_t addr[6]; /* as on the wire: low byte first */
    uint8_t control;
    uint8_t len;
    uint8_t data[DLT645_MAX_DATA]; /* already unscrambled (-33H) */
};

/* The wildcard address that any meter answers (reading the address). */
extern const uint8_t dlt645_addr_wildcard[6];

/* Builds a frame with the wake-up preamble (preamble FE bytes, 0..4) into out (capacity
 * cap); data is given plain and scrambled here. Returns the length, or 0 when cap is too
 * small or len is over 200. */
size_t dlt645_build(uint8_t *out, size_t cap, unsigned preamble, const uint8_t addr[6],
                    uint8_t control, const uint8_t *data, size_t len);

/* Builds a read request for data identifier di: 4 bytes for 2007, 2 bytes for 1997. */
size_t dlt645_build_read(uint8_t *out, size_t cap, enum dlt645_edition ed, const uint8_t addr[6],
                         uint32_t di);

/* Looks for one frame in buf[0..n): skips leading FE bytes and noise before a 68.
 * Returns 1 with *used (bytes up to and including the end byte) and *f filled when a whole
 * valid frame is there; 0 when more bytes are needed; -1 with e set (GW_ECORRUPT: bad
 * checksum, no end byte, length over the cap) when the bytes cannot become a frame. */
int dlt645_parse(const uint8_t *buf, size_t n, struct dlt645_frame *f, size_t *used, struct err *e);

/* The 12-digit address text of a frame address ("000012345678"); out has 13 bytes. An
 * address with non-BCD nibbles is written with '?' in their place. */
void dlt645_addr_text(const uint8_t addr[6], char out[13]);
/* The reverse: 1..12 decimal digits, left-padded with zeros. GW_EINVAL otherwise. */
int dlt645_addr_parse(const char *text, uint8_t addr[6], struct err *e);

/* The meaning of an abnormal answer's error byte, for a person ("no data for that item"). */
const char *dlt645_error_text(enum dlt645_edition ed, uint8_t code);

/* How a register is encoded in a data field. */
enum dlt645_format {
    DLT_FMT_DECIMAL, /* BCD, `decimals` after the point, optional sign bit in the top byte */
    DLT_FMT_DATE,    /* YYMMDDWW -> "20YY-MM-DD" */
    DLT_FMT_TIME,    /* hhmmss -> "hh:mm:ss" */
    DLT_FMT_DIGITS,  /* BCD digits as text, leading zeros kept (meter number) */
};

/* One register gridwalk reads: its canonical id (shared with IEC 62056-21), the data
 * identifiers in both editions (0 = not defined there), and its encoding per edition. */
struct dlt645_item {
    const char *id;
    const char *unit;
    uint32_t di07;
    uint16_t di97;
    enum dlt645_format fmt;
    uint8_t bytes07, decimals07;
    uint8_t bytes97, decimals97;
    uint8_t is_signed;
};

/* The table of known items, terminated by an entry with id NULL. */
extern const struct dlt645_item dlt645_items[];
/* The item with this canonical id, or NULL. */
const struct dlt645_item *dlt645_item_find(const char *id);

/* Decodes a register's value bytes (low byte first, already unscrambled) into text.
 * GW_ECORRUPT when the length is wrong or a nibble is not BCD. */
int dlt645_decode_value(const struct dlt645_item *it, enum dlt645_edition ed, const uint8_t *p,
                        size_t n, char *out, size_t cap, struct err *e);

/* Encodes decimal text as the item's value bytes (the simulator and tests use it). Returns
 * the number of bytes, 0 when the text does not fit the format. */
size_t dlt645_encode_value(const struct dlt645_item *it, enum dlt645_edition ed, const char *text,
                           uint8_t *out, size_t cap);

#endif
