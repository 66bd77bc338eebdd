/* iec62056.h - the IEC 62056-21 (formerly IEC 61107) readout codec.
 *
 * Pure functions over bytes: the sign-on request ("/?!" or "/?ADDRESS!"), the
 * identification line ("/MMMZ\W...ident" with manufacturer and baud letter), the
 * acknowledgement/option select message for mode C, and the data message
 * (STX data-sets "!" CR LF ETX BCC) with its block check character, parsed into registers
 * (OBIS code, value, unit). Read-only: programming-mode messages (SOH ...) are refused.
 * Owns nothing, does no I/O; all input is hostile (fuzzed). Values stay text. */
#ifndef GRIDWALK_PROBE_IEC62056_H
#define GRIDWALK_PROBE_IEC62056_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"

#include <stddef.h>
#include <stdint.h>

#define IEC_SOH 0x01
#define IEC_STX 0x02
#define IEC_ETX 0x03
#define IEC_ACK 0x06
#define IEC_NAK 0x15

/* Caps on what a meter may send (the standard's field limits, with margin). */
#define IEC_IDENT_MAX 128
#define IEC_BLOCK_MAX (64 * 1024)

enum iec_mode { IEC_MODE_A, IEC_MODE_B, IEC_MODE_C };

struct iec_ident {
    char manufacturer[4];      /* three letters; a lower-case third letter means 20 ms reaction */
    char baud_char;            /* as sent */
    enum iec_mode mode;        /* from the baud character: digit = C, A-I = B, else A */
    unsigned baud;             /* the top speed it offers (300 for mode A) */
    char ident[IEC_IDENT_MAX]; /* the rest of the line, without "\W" sequences */
};

struct iec_register {
    char code[24]; /* the address as sent ("1-0:1.8.0*255") */
    char obis[28]; /* normalized C.D.E ("1.8.0"); empty for a historical value */
    char value[40];
    char unit[12];
};

/* The sign-on request into out (cap bytes): "/?!\r\n", or with a device address of up to 32
 * characters. Returns its length, 0 when the address is too long or has bad characters. */
size_t iec_build_signon(char *out, size_t cap, const char *address);

/* The mode C acknowledgement for a data readout at the speed of baud_char: ACK '0' Z '0'
 * CR LF. Never the programming mode ('1'). Returns 6. */
size_t iec_build_ack(uint8_t out[6], char baud_char);

/* The speed of a baud character in mode C ('0'..'6') or B ('A'..'I'); 0 if none. */
unsigned iec_baud_of(char c, enum iec_mode mode);
/* The mode C character for a speed, or 0. */
char iec_char_of_baud(unsigned baud);

/* Looks for a complete identification line (through CR LF) in buf. Returns 1 with *used and
 * *id filled; 0 when more bytes are needed; -1 with e (GW_ECORRUPT) for a line that is not
 * an identification or is over the cap. */
int iec_parse_ident(const uint8_t *buf, size_t n, struct iec_ident *id, size_t *used,
                    struct err *e);

/* Looks for a complete data message (STX ... ETX BCC) in buf, checking the BCC. Returns 1
 * with *start and *len (the data between STX and ETX) and *used; 0 when more bytes are needed;
 * -1 with e: GW_ECORRUPT for a BCC mismatch or garbage, GW_EINVAL for a programming-mode
 * message (SOH), GW_ETOOBIG over IEC_BLOCK_MAX. A NAK alone is reported as GW_ECORRUPT. */
int iec_find_block(const uint8_t *buf, size_t n, size_t *start, size_t *len, size_t *used,
                   struct err *e);

/* Parses the data of a data message into at most cap registers (*count set); data sets
 * beyond the cap are counted in *count but not stored. An error message "(ERROR)" without
 * an address gives GW_EDEVICE with its text. GW_ECORRUPT for a malformed data set. */
int iec_parse_data(const char *data, size_t len, struct iec_register *regs, size_t cap,
                   size_t *count, struct err *e);

/* The canonical id (shared with dlt645_items) of a normalized OBIS code, or NULL. */
const char *iec_canonical_id(const char *obis);
/* The OBIS code gridwalk maps to a canonical id (the simulator's table), or NULL. */
const char *iec_obis_of(const char *canonical_id);

#endif
