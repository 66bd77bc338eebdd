/* wire.h - the sync protocol's wire format, shared by gridwalk-syncd, gridwalk-hub and bundles.
 *
 * Owns: the protocol header and version, the JSON envelope every hub answer carries
 * ({"ok":true,...} or {"ok":false,"error":{"code","message"}}), the record encoding a batch or a
 * bundle carries ({"id","kind","entity_uuid","payload","blobs"}), record validation (the
 * hub refuses what this refuses), canonical digests for "same UUID, same content?" and SHA-256
 * helpers. It does no I/O except reading a file to hash it, and knows nothing of HTTP or SQL.
 * See sync/PROTOCOL.md for the protocol itself. */
#ifndef GRIDWALK_SYNC_WIRE_H
#define GRIDWALK_SYNC_WIRE_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_HEADER "Gridwalk-Protocol"
#define WIRE_VERSION "1"
/* Hard caps both sides agree on (the hub may be configured lower, never higher). */
#define WIRE_MAX_BATCH 500                 /* records in one POST /api/v1/records */
#define WIRE_MAX_RECORDS_BODY (8u << 20)   /* bytes of one records request */
#define WIRE_MAX_NAME 200                  /* bytes of a folder or entry name */
#define WIRE_SHA_LEN 65                    /* 64 hex digits plus NUL */

enum wire_kind {
    WK_FOLDER,
    WK_ENTRY,
    WK_PHOTO,
    WK_READING,
    WK_CUSTOMER,
    WK_TOMBSTONE,
    WK_TASK,
    WK_UNKNOWN
};

/* A validated record; the pointers borrow from the json_t it came from. */
struct wire_record {
    const char *id;          /* the outbox row's UUID: one version of one change */
    enum wire_kind kind;
    const char *kind_name;
    const char *entity_uuid; /* the entity's UUID (account for "customer") */
    json_t *payload;         /* borrowed */
    json_t *blobs;           /* borrowed array of SHA-256 hex, maybe empty */
    int64_t version;         /* entry: payload.version; otherwise 1 */
};

/* "folder" -> WK_FOLDER ...; WK_UNKNOWN for anything else. */
enum wire_kind wire_kind_from(const char *name);

/* 1 when s is exactly 64 lower-case hex digits. */
int wire_sha_valid(const char *s);
/* 1 when s is a UUID in canonical text form (36 characters, hex and dashes). */
int wire_uuid_valid(const char *s);
/* 1 when s may be a file name on the hub: 1..WIRE_MAX_NAME bytes, no '/', '\', control
 * characters, not "." or "..". Names are refused, never silently rewritten. */
int wire_name_valid(const char *s);

/* Checks one record of a batch or bundle and fills *out. GW_EINVAL with a message naming the
 * record and the field when something is missing, of the wrong type or unsafe. */
int wire_record_check(json_t *rec, struct wire_record *out, struct err *e);

/* Builds a record from an outbox row; payload_json must parse (GW_EINVAL otherwise). blobs is
 * a NULL-terminated list (may be NULL). Returns a new reference in *out. */
int wire_record_new(json_t **out, const char *id, const char *kind, const char *entity_uuid,
                    const char *payload_json, const char *const *blobs, struct err *e);

/* SHA-256 (hex) of the canonical form of j: keys sorted, compact, UTF-8. Two payloads with
 * the same digest are the same content whatever their key order or spacing. */
void wire_digest(const json_t *j, char out[WIRE_SHA_LEN]);

/* SHA-256 hex of a memory buffer, and of a whole file (GW_EIO naming the file). */
void wire_sha256_hex(const void *p, size_t n, char out[WIRE_SHA_LEN]);
int wire_sha256_file(const char *path, char out[WIRE_SHA_LEN], struct err *e);

/* An envelope answer as a malloc'd JSON string (caller frees): success with the members of
 * extra (may be NULL; stolen), or an error with a machine code and a message. */
char *wire_ok_body(json_t *extra);
char *wire_error_body(const char *code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses a hub answer. Anything that is not a JSON object with a boolean "ok" is GW_ENET
 * ("not the hub's answer", e.g. a captive portal); {"ok":false} gives the hub's message with
 * GW_EINVAL. On success *out owns the parsed object. */
int wire_parse_envelope(const char *body, size_t len, json_t **out, struct err *e);

#endif
