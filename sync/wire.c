/* wire.c - envelope, record encoding and validation for the sync protocol (see wire.h).
 *
 * Validation is deliberately strict about what ends up in a path or a join on the hub (names,
 * UUIDs, hashes) and lenient about the rest, so the app parts can add fields without a
 * protocol bump: unknown members are kept as they are. */
#include "gridwalk/config.h"

#include "sync/wire.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {"folder",   "entry",     "photo", "reading",
                                         "customer", "tombstone", "task"};

enum wire_kind wire_kind_from(const char *name)
{
    for (int i = 0; i < WK_UNKNOWN; i++)
        if (name && strcmp(name, kind_names[i]) == 0)
            return (enum wire_kind)i;
    return WK_UNKNOWN;
}

int wire_sha_valid(const char *s)
{
    if (!s || strlen(s) != 64)
        return 0;
    for (int i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

int wire_uuid_valid(const char *s)
{
    if (!s || strlen(s) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return 0;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return 0;
    }
    return 1;
}

int wire_name_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > WIRE_MAX_NAME)
        return 0;
    if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f || c == '/' || c == '\\')
            return 0;
    }
    return 1;
}

/* Field helpers: each returns 0 when fine, else fills e naming the record and field. */
static int need_str(json_t *p, const char *key, const char *id, const char **out, struct err *e)
{
    json_t *v = json_object_get(p, key);
    if (!json_is_string(v))
        return err_set(e, GW_EINVAL, "record %s: \"%s\" must be a string", id, key);
    *out = json_string_value(v);
    return GW_OK;
}

static int need_uuid(json_t *p, const char *key, const char *id, struct err *e)
{
    const char *s = NULL;
    if (need_str(p, key, id, &s, e))
        return GW_EINVAL;
    if (!wire_uuid_valid(s))
        return err_set(e, GW_EINVAL, "record %s: \"%s\" is not a UUID", id, key);
    return GW_OK;
}

static int need_name(json_t *p, const char *key, const char *id, struct err *e)
{
    const char *s = NULL;
    if (need_str(p, key, id, &s, e))
        return GW_EINVAL;
    if (!wire_name_valid(s))
        return err_set(e, GW_EINVAL,
                       "record %s: \"%s\" is not a safe name (1-%d bytes, no '/', '\\', "
                       "control characters, not '.' or '..')",
                       id, key, WIRE_MAX_NAME);
    return GW_OK;
}

static int check_payload(struct wire_record *r, struct err *e)
{
    json_t *p = r->payload;
    const char *id = r->id, *s = NULL;
    json_t *v;
    switch (r->kind) {
    case WK_FOLDER:
        if (need_uuid(p, "uuid", id, e) || need_name(p, "customer_account", id, e) ||
            need_name(p, "name", id, e))
            return GW_EINVAL;
        v = json_object_get(p, "category");
        if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 3)
            return err_set(e, GW_EINVAL, "record %s: \"category\" must be 1, 2 or 3", id);
        break;
    case WK_ENTRY:
        if (need_uuid(p, "uuid", id, e) || need_uuid(p, "folder_uuid", id, e) ||
            need_name(p, "customer_account", id, e) || need_name(p, "name", id, e))
            return GW_EINVAL;
        v = json_object_get(p, "version");
        if (!json_is_integer(v) || json_integer_value(v) < 1)
            return err_set(e, GW_EINVAL, "record %s: \"version\" must be an integer >= 1", id);
        r->version = json_integer_value(v);
        break;
    case WK_PHOTO:
        if (need_uuid(p, "uuid", id, e) || need_uuid(p, "entry_uuid", id, e) ||
            need_str(p, "folder", id, &s, e))
            return GW_EINVAL;
        if (strcmp(s, "appearance") != 0 && strcmp(s, "nameplate") != 0)
            return err_set(e, GW_EINVAL,
                           "record %s: \"folder\" must be \"appearance\" or \"nameplate\"", id);
        if (need_str(p, "sha256", id, &s, e))
            return GW_EINVAL;
        if (!wire_sha_valid(s))
            return err_set(e, GW_EINVAL, "record %s: \"sha256\" is not 64 hex digits", id);
        v = json_object_get(p, "original_sha256");
        if (v && !json_is_null(v) && !wire_sha_valid(json_string_value(v)))
            return err_set(e, GW_EINVAL, "record %s: \"original_sha256\" is not 64 hex digits",
                           id);
        if (need_str(p, "taken_at", id, &s, e))
            return GW_EINVAL;
        break;
    case WK_READING:
        if (need_uuid(p, "uuid", id, e) || need_name(p, "customer_account", id, e))
            return GW_EINVAL;
        break;
    case WK_CUSTOMER:
        if (need_name(p, "account", id, e))
            return GW_EINVAL;
        break;
    case WK_TOMBSTONE:
        if (need_uuid(p, "uuid", id, e) || need_str(p, "kind", id, &s, e))
            return GW_EINVAL;
        if (strcmp(s, "folder") != 0 && strcmp(s, "entry") != 0 && strcmp(s, "photo") != 0)
            return err_set(e, GW_EINVAL,
                           "record %s: a tombstone's \"kind\" must be folder, entry or photo", id);
        break;
    case WK_TASK:
        if (need_uuid(p, "uuid", id, e) || need_str(p, "state", id, &s, e))
            return GW_EINVAL;
        break;
    case WK_UNKNOWN:
        return err_set(e, GW_EINVAL, "record %s: unknown kind", id);
    }
    return GW_OK;
}

int wire_record_check(json_t *rec, struct wire_record *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    out->version = 1;
    if (!json_is_object(rec))
        return err_set(e, GW_EINVAL, "a record must be a JSON object");
    json_t *id = json_object_get(rec, "id");
    if (!json_is_string(id) || !wire_uuid_valid(json_string_value(id)))
        return err_set(e, GW_EINVAL, "a record's \"id\" must be a UUID");
    out->id = json_string_value(id);
    json_t *kind = json_object_get(rec, "kind");
    out->kind_name = json_is_string(kind) ? json_string_value(kind) : "";
    out->kind = wire_kind_from(out->kind_name);
    if (out->kind == WK_UNKNOWN)
        return err_set(e, GW_EINVAL, "record %s: unknown kind \"%s\"", out->id, out->kind_name);
    json_t *ent = json_object_get(rec, "entity_uuid");
    if (!json_is_string(ent) || !wire_name_valid(json_string_value(ent)))
        return err_set(e, GW_EINVAL, "record %s: \"entity_uuid\" is missing or unsafe", out->id);
    out->entity_uuid = json_string_value(ent);
    out->payload = json_object_get(rec, "payload");
    if (!json_is_object(out->payload))
        return err_set(e, GW_EINVAL, "record %s: \"payload\" must be an object", out->id);
    out->blobs = json_object_get(rec, "blobs");
    if (out->blobs && !json_is_array(out->blobs))
        return err_set(e, GW_EINVAL, "record %s: \"blobs\" must be an array", out->id);
    size_t i;
    json_t *b;
    json_array_foreach(out->blobs, i, b)
    {
        if (!wire_sha_valid(json_string_value(b)))
            return err_set(e, GW_EINVAL, "record %s: blob %zu is not a SHA-256", out->id, i);
    }
    return check_payload(out, e);
}

int wire_record_new(json_t **out, const char *id, const char *kind, const char *entity_uuid,
                    const char *payload_json, const char *const *blobs, struct err *e)
{
    json_error_t je;
    *out = NULL;
    json_t *payload = json_loads(payload_json, 0, &je);
    if (!payload)
        return err_set(e, GW_EINVAL, "outbox row %s: payload is not JSON: %s", id, je.text);
    json_t *arr = json_array();
    for (size_t i = 0; blobs && blobs[i]; i++)
        json_array_append_new(arr, json_string(blobs[i]));
    *out = json_pack("{s:s, s:s, s:s, s:o, s:o}", "id", id, "kind", kind, "entity_uuid",
                     entity_uuid, "payload", payload, "blobs", arr);
    if (!*out)
        return err_set(e, GW_EINVAL, "outbox row %s: cannot encode the record", id);
    return GW_OK;
}

void wire_sha256_hex(const void *p, size_t n, char out[WIRE_SHA_LEN])
{
    unsigned char md[32];
    unsigned int len = 0;
    EVP_Digest(p, n, md, &len, EVP_sha256(), NULL);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

int wire_sha256_file(const char *path, char out[WIRE_SHA_LEN], struct err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return err_set(e, GW_EIO, "cannot read %s: %m", path);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx)
        abort();
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    unsigned char buf[65536];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0)
        EVP_DigestUpdate(ctx, buf, got);
    int bad = ferror(f);
    fclose(f);
    unsigned char md[32];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx, md, &len);
    EVP_MD_CTX_free(ctx);
    if (bad)
        return err_set(e, GW_EIO, "error reading %s", path);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    return GW_OK;
}

void wire_digest(const json_t *j, char out[WIRE_SHA_LEN])
{
    char *s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII);
    if (!s)
        abort();
    wire_sha256_hex(s, strlen(s), out);
    free(s);
}

char *wire_ok_body(json_t *extra)
{
    json_t *o = json_object();
    json_object_set_new(o, "ok", json_true());
    if (extra) {
        json_object_update(o, extra);
        json_decref(extra);
    }
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!s)
        abort();
    return s;
}

char *wire_error_body(const char *code, const char *fmt, ...)
{
    char msg[GW_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *o = json_pack("{s:b, s:{s:s, s:s}}", "ok", 0, "error", "code", code, "message", msg);
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!s)
        abort();
    return s;
}

int wire_parse_envelope(const char *body, size_t len, json_t **out, struct err *e)
{
    json_error_t je;
    *out = NULL;
    json_t *o = body ? json_loadb(body, len, 0, &je) : NULL;
    if (!json_is_object(o) || !json_is_boolean(json_object_get(o, "ok"))) {
        json_decref(o);
        return err_set(e, GW_ENET,
                       "the answer did not come from a gridwalk hub (a captive portal or a "
                       "proxy login page?); nothing was counted as delivered");
    }
    if (!json_is_true(json_object_get(o, "ok"))) {
        json_t *err = json_object_get(o, "error");
        const char *msg = json_string_value(json_object_get(err, "message"));
        const char *code = json_string_value(json_object_get(err, "code"));
        err_set(e, GW_EINVAL, "hub refused (%s): %s", code ? code : "error",
                msg ? msg : "no reason given");
        json_decref(o);
        return GW_EINVAL;
    }
    *out = o;
    return GW_OK;
}
