/* hub_http.c - the hub's HTTP handlers (see hub_http.h and sync/PROTOCOL.md).
 *
 * libmicrohttpd calls the access handler several times per request: once with the headers
 * (where we authenticate, route and refuse early, e.g. an oversized Content-Length), then
 * once per chunk of body, then once with no data, where the answer is queued. Blob bodies go
 * straight to the partial file on disk, so an upload cut anywhere keeps what arrived and the
 * next try resumes from there (HEAD reports the offset). */
#include "gridwalk/config.h"

#include "sync/hub_http.h"
#include "sync/hub_tree.h"
#include "sync/sbuf.h"
#include "sync/wire.h"

#include <archive.h>
#include <archive_entry.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define AUTH_CACHE 32
#define MAX_CONNECTIONS 256
#define AUTH_CACHE_SECONDS 600
#define QUERY_MAX_BODY (256 * 1024)

struct auth_slot {
    char key[WIRE_SHA_LEN]; /* SHA-256 of "user\0password" */
    struct hub_user user;
    time_t until;
};

struct hub_http {
    struct MHD_Daemon *d;
    struct hub_store *hs;
    struct hub_limits lim;
    /* Password checks are slow on purpose (PBKDF2); a WebDAV client sends the same basic
     * credentials with every request, so a verified pair is remembered for a while. */
    struct auth_slot cache[AUTH_CACHE];
    int cache_next;
    /* Uploads in progress. A new upload of a blob that is still being received supersedes
     * the old one (typically a connection the client gave up on but the server has not
     * noticed yet, after a cut): the old one stops writing, so the two never interleave. */
    struct req *active[MAX_CONNECTIONS];
};

enum req_kind { RQ_NONE, RQ_BLOB, RQ_BODY };

struct req {
    enum req_kind kind;
    int fd;
    char sha[WIRE_SHA_LEN];
    int64_t start, end_excl, total, received;
    int write_failed, too_big;
    char *buf;
    size_t len, limit;
    int64_t device_id;
    char device[64];
    struct hub_user user;
    struct req **slot; /* this upload's place in hub_http.active, cleared when it ends */
    int superseded;    /* a newer upload of the same blob took over */
};

/* ---- answers ---- */

static enum MHD_Result send_body(struct MHD_Connection *c, unsigned status, const char *type,
                                 char *body, size_t len)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, WIRE_HEADER, WIRE_VERSION);
    MHD_add_response_header(r, "Content-Type", type);
    if (status == 401)
        MHD_add_response_header(r, "WWW-Authenticate", "Bearer realm=\"gridwalk\"");
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, char *body)
{
    return send_body(c, status, "application/json; charset=utf-8", body, strlen(body));
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *code,
                                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *code,
                                  const char *fmt, ...)
{
    char msg[GW_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "gridwalk-hub: %u %s: %s\n", status, code, msg);
    return send_json(c, status, wire_error_body(code, "%s", msg));
}

static enum MHD_Result send_basic_challenge(struct MHD_Connection *c)
{
    static const char page[] = "<!doctype html><title>401</title><p>Sign in with a supervisor "
                               "account of this hub.</p>";
    struct MHD_Response *r =
        MHD_create_response_from_buffer(sizeof page - 1, (void *)page, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, WIRE_HEADER, WIRE_VERSION);
    MHD_add_response_header(r, "Content-Type", "text/html; charset=utf-8");
    MHD_add_response_header(r, "WWW-Authenticate", "Basic realm=\"gridwalk evidence\", "
                                                   "charset=\"UTF-8\"");
    enum MHD_Result ok = MHD_queue_response(c, 401, r);
    MHD_destroy_response(r);
    return ok;
}

/* ---- authentication ---- */

static int bearer_auth(struct hub_http *h, struct MHD_Connection *c, struct req *q)
{
    const char *a = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (!a || strncasecmp(a, "Bearer ", 7) != 0)
        return -1;
    const char *tok = a + 7;
    while (*tok == ' ')
        tok++;
    if (strlen(tok) > 128)
        return -2;
    return hub_device_auth(h->hs, tok, &q->device_id, q->device, sizeof q->device, NULL) ? -2 : 0;
}

static int basic_auth(struct hub_http *h, struct MHD_Connection *c, struct req *q)
{
    const char *a = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    unsigned char dec[400];
    if (!a || strncasecmp(a, "Basic ", 6) != 0)
        return -1;
    const char *b64 = a + 6;
    while (*b64 == ' ')
        b64++;
    size_t n = strlen(b64);
    if (n == 0 || n > 4 * (sizeof dec / 3) - 4 || n % 4)
        return -2;
    int len = EVP_DecodeBlock(dec, (const unsigned char *)b64, (int)n);
    if (len < 0)
        return -2;
    while (len > 0 && b64[n - 1] == '=' && n--)
        len--; /* EVP_DecodeBlock counts the padding as zero bytes */
    dec[len] = '\0';
    char *colon = strchr((char *)dec, ':');
    if (!colon || memchr(dec, 0, (size_t)len) != NULL)
        return -2;
    *colon = '\0';
    char key[WIRE_SHA_LEN];
    wire_sha256_hex(dec, (size_t)len, key);
    time_t now = time(NULL);
    for (int i = 0; i < AUTH_CACHE; i++)
        if (h->cache[i].until > now && strcmp(h->cache[i].key, key) == 0) {
            q->user = h->cache[i].user;
            return 0;
        }
    if (hub_user_check(h->hs, (char *)dec, colon + 1, &q->user, NULL))
        return -2;
    struct auth_slot *s = &h->cache[h->cache_next];
    h->cache_next = (h->cache_next + 1) % AUTH_CACHE;
    snprintf(s->key, sizeof s->key, "%s", key);
    s->user = q->user;
    s->until = now + AUTH_CACHE_SECONDS;
    return 0;
}

/* ---- the device API ---- */

static int64_t header_int(struct MHD_Connection *c, const char *name, int64_t dflt)
{
    const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
    if (!v || !*v)
        return dflt;
    char *end = NULL;
    long long x = strtoll(v, &end, 10);
    return (end && *end == '\0' && x >= 0) ? x : -2;
}

static enum MHD_Result blob_head(struct hub_http *h, struct MHD_Connection *c, const char *sha)
{
    int64_t size = 0;
    enum hub_blob_state s = hub_blob_state(h->hs, sha, &size);
    char num[32];
    struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, WIRE_HEADER, WIRE_VERSION);
    MHD_add_response_header(r, "Gridwalk-Blob-State",
                            s == HUB_BLOB_COMPLETE ? "complete"
                            : s == HUB_BLOB_PARTIAL ? "partial"
                                                    : "none");
    snprintf(num, sizeof num, "%" PRId64, s == HUB_BLOB_COMPLETE ? size : 0);
    MHD_add_response_header(r, "Gridwalk-Blob-Size", num);
    snprintf(num, sizeof num, "%" PRId64, s == HUB_BLOB_PARTIAL ? size : 0);
    MHD_add_response_header(r, "Gridwalk-Blob-Offset", num);
    enum MHD_Result ok = MHD_queue_response(c, s == HUB_BLOB_COMPLETE ? 200 : 404, r);
    MHD_destroy_response(r);
    return ok;
}

/* First call of PUT /api/v1/blobs/{sha}: checks size and range, opens the partial file.
 * Content-Range "bytes START-END/TOTAL" resumes; without it the body is the whole blob. */
static enum MHD_Result blob_put_start(struct hub_http *h, struct MHD_Connection *c,
                                      struct req *q, const char *sha)
{
    struct err e = {0};
    int64_t have = 0;
    int64_t len = header_int(c, "Content-Length", -1);
    if (len == -2)
        return send_error(c, 400, "bad-request", "Content-Length is not a number");
    q->start = 0;
    q->total = len;
    const char *range = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Range");
    if (range) {
        long long s, en, t;
        if (sscanf(range, "bytes %lld-%lld/%lld", &s, &en, &t) != 3 || s < 0 || en < s - 1 ||
            t <= en)
            return send_error(c, 400, "bad-range", "Content-Range must be bytes START-END/TOTAL");
        q->start = s;
        q->total = t;
        q->end_excl = en + 1;
        if (len >= 0 && len != en + 1 - s)
            return send_error(c, 400, "bad-range", "Content-Range does not match Content-Length");
    } else
        q->end_excl = len;
    if (q->total > h->lim.max_blob)
        return send_error(c, 413, "too-large", "a blob may have at most %" PRId64 " bytes",
                          h->lim.max_blob);
    snprintf(q->sha, sizeof q->sha, "%s", sha);
    if (hub_blob_state(h->hs, sha, &have) == HUB_BLOB_COMPLETE) {
        /* Nothing to store; answering now drops the rest of the body with the connection. */
        return send_json(c, 200, wire_ok_body(json_pack("{s:s, s:I}", "state", "complete",
                                                        "size", (json_int_t)have)));
    }
    int slot = -1;
    for (int i = 0; i < MAX_CONNECTIONS; i++) {
        if (h->active[i] && strcmp(h->active[i]->sha, sha) == 0) {
            h->active[i]->superseded = 1;
            h->active[i]->slot = NULL;
            h->active[i] = NULL;
        }
        if (slot < 0 && !h->active[i])
            slot = i;
    }
    if (slot < 0)
        return send_error(c, 503, "busy", "too many uploads at once");
    if (hub_blob_begin(h->hs, sha, q->start, &q->fd, &e)) {
        int64_t off = 0;
        hub_blob_state(h->hs, sha, &off);
        char *body = wire_error_body("bad-offset", "%s", e.msg);
        json_t *o = json_loads(body, 0, NULL);
        free(body);
        json_object_set_new(o, "offset", json_integer(off));
        char *out = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        return send_json(c, e.code == GW_EINVAL ? 416 : 507, out);
    }
    q->kind = RQ_BLOB;
    q->received = 0;
    h->active[slot] = q;
    q->slot = &h->active[slot];
    return MHD_YES;
}

static void blob_put_data(struct req *q, const char *data, size_t n)
{
    if (q->write_failed || q->too_big || q->superseded)
        return;
    if (q->end_excl >= 0 && q->start + q->received + (int64_t)n > q->end_excl) {
        q->too_big = 1;
        return;
    }
    while (n > 0) {
        ssize_t w = write(q->fd, data, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            q->write_failed = errno ? errno : EIO;
            return;
        }
        data += w;
        n -= (size_t)w;
        q->received += w;
    }
}

static enum MHD_Result blob_put_end(struct hub_http *h, struct MHD_Connection *c, struct req *q)
{
    struct err e = {0};
    close(q->fd);
    q->fd = -1;
    q->kind = RQ_NONE;
    if (q->slot) {
        *q->slot = NULL;
        q->slot = NULL;
    }
    if (q->superseded)
        return send_error(c, 409, "superseded", "a newer upload of this blob took over");
    if (q->too_big)
        return send_error(c, 413, "too-large", "the body is longer than announced");
    if (q->write_failed)
        return send_error(c, 507, "storage", "the hub cannot write the blob: %s",
                          strerror(q->write_failed));
    int64_t at = q->start + q->received;
    int64_t total = q->total >= 0 ? q->total : at;
    if (at < total)
        return send_json(c, 202, wire_ok_body(json_pack("{s:s, s:I}", "state", "partial",
                                                        "offset", (json_int_t)at)));
    int rc = hub_blob_finish(h->hs, q->sha, total, &e);
    if (rc == GW_ECORRUPT)
        return send_error(c, 422, "hash-mismatch", "%s", e.msg);
    if (rc)
        return send_error(c, 500, "storage", "%s", e.msg);
    return send_json(c, 201, wire_ok_body(json_pack("{s:s, s:I}", "state", "complete", "size",
                                                    (json_int_t)total)));
}

static json_t *parse_body(struct MHD_Connection *c, struct req *q, enum MHD_Result *res)
{
    json_error_t je;
    json_t *j = json_loadb(q->buf ? q->buf : "", q->len, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(j)) {
        json_decref(j);
        *res = send_error(c, 400, "bad-json", "the body is not a JSON object: %s (line %d)",
                          je.text, je.line);
        return NULL;
    }
    return j;
}

static enum MHD_Result blobs_query(struct hub_http *h, struct MHD_Connection *c, struct req *q)
{
    enum MHD_Result res = MHD_NO;
    json_t *j = parse_body(c, q, &res);
    if (!j)
        return res;
    json_t *list = json_object_get(j, "sha256");
    if (!json_is_array(list) || json_array_size(list) > 1000) {
        json_decref(j);
        return send_error(c, 400, "bad-request", "\"sha256\" must be an array of at most 1000");
    }
    json_t *out = json_object();
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        const char *sha = json_string_value(v);
        if (!wire_sha_valid(sha)) {
            json_decref(out);
            json_decref(j);
            return send_error(c, 400, "bad-sha", "item %zu is not a SHA-256 in hex", i);
        }
        int64_t size = 0;
        enum hub_blob_state s = hub_blob_state(h->hs, sha, &size);
        json_object_set_new(out, sha,
                            json_pack("{s:s, s:I}", "state",
                                      s == HUB_BLOB_COMPLETE  ? "complete"
                                      : s == HUB_BLOB_PARTIAL ? "partial"
                                                              : "none",
                                      s == HUB_BLOB_COMPLETE ? "size" : "offset",
                                      (json_int_t)size));
    }
    json_decref(j);
    return send_json(c, 200, wire_ok_body(json_pack("{s:o}", "blobs", out)));
}

static enum MHD_Result records_post(struct hub_http *h, struct MHD_Connection *c, struct req *q)
{
    enum MHD_Result res = MHD_NO;
    struct err e = {0};
    json_t *j = parse_body(c, q, &res);
    if (!j)
        return res;
    json_t *recs = json_object_get(j, "records");
    if (!json_is_array(recs)) {
        json_decref(j);
        return send_error(c, 400, "bad-request", "\"records\" must be an array");
    }
    if ((int)json_array_size(recs) > h->lim.max_batch) {
        json_decref(j);
        return send_error(c, 413, "too-large", "at most %d records in one request",
                          h->lim.max_batch);
    }
    if (hub_batch_begin(h->hs, &e)) {
        json_decref(j);
        return send_error(c, 503, "busy", "%s", e.msg);
    }
    json_t *results = json_array();
    unsigned status = 200;
    size_t i;
    json_t *rec;
    char msg[GW_ERR_MSG_MAX];
    json_array_foreach(recs, i, rec)
    {
        enum hub_ingest s = hub_ingest_record(h->hs, q->device_id, rec, msg, sizeof msg);
        const char *id = json_string_value(json_object_get(rec, "id"));
        json_t *r = json_pack("{s:s?, s:s}", "id", id, "status", hub_ingest_name(s));
        if (msg[0]) {
            json_object_set_new(r, "message", json_string(msg));
            fprintf(stderr, "gridwalk-hub: record %s from %s: %s: %s\n", id ? id : "?", q->device,
                    hub_ingest_name(s), msg);
        }
        json_array_append_new(results, r);
        if (status == 200 && hub_ingest_http(s) != 200)
            status = (unsigned)hub_ingest_http(s);
    }
    json_decref(j);
    if (hub_batch_commit(h->hs, &e)) {
        json_decref(results);
        return send_error(c, 503, "busy", "%s", e.msg);
    }
    /* The envelope is ok:true whenever the batch was read: per-record statuses say the rest,
     * and the HTTP status is that of the first refusal so a plain client notices too. */
    return send_json(c, status, wire_ok_body(json_pack("{s:o}", "results", results)));
}

static enum MHD_Result changes_get(struct hub_http *h, struct MHD_Connection *c, struct req *q)
{
    struct err e = {0};
    const char *s = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "since");
    const char *l = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit");
    char *end = NULL;
    long long since = s ? strtoll(s, &end, 10) : 0;
    if (s && (!end || *end || since < 0))
        return send_error(c, 400, "bad-cursor", "since must be a cursor the hub gave");
    int limit = l ? (int)strtol(l, NULL, 10) : 500;
    if (limit < 1 || limit > 1000)
        limit = 500;
    json_t *page = NULL;
    int64_t next = since;
    int more = 0;
    if (hub_changes(h->hs, q->device_id, since, limit, &page, &next, &more, &e))
        return send_error(c, 503, "busy", "%s", e.msg);
    return send_json(c, 200, wire_ok_body(json_pack("{s:o, s:I, s:b}", "changes", page, "next",
                                                    (json_int_t)next, "more", more)));
}

/* ---- evidence: HTML, files, zip, WebDAV ---- */

static void http_date(const char *iso, char *out, size_t n)
{
    struct tm tm = {0};
    time_t t = 0;
    if (iso && strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm))
        t = timegm(&tm);
    gmtime_r(&t, &tm);
    strftime(out, n, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* A text file of the tree (remarks.txt, a reading): made now, with the hash of its bytes as
 * its ETag, the same as the listing showed. */
static enum MHD_Result send_text(struct hub_http *h, struct MHD_Connection *c,
                                 const struct tree_node *t, int head)
{
    struct err e = {0};
    char *text = NULL, lm[64], etag[80], sha[WIRE_SHA_LEN];
    size_t len = 0;
    if (tree_text(h->hs, t, &text, &len, &e))
        return send_error(c, e.code == GW_ENOTFOUND ? 404 : 503, "not-found", "%s", e.msg);
    wire_sha256_hex(text, len, sha);
    /* For HEAD libmicrohttpd sends the headers (with this Content-Length) and no body. */
    (void)head;
    struct MHD_Response *r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, WIRE_HEADER, WIRE_VERSION);
    MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
    http_date(t->mtime, lm, sizeof lm);
    MHD_add_response_header(r, "Last-Modified", lm);
    snprintf(etag, sizeof etag, "\"%s\"", sha);
    MHD_add_response_header(r, "ETag", etag);
    enum MHD_Result ok = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result send_file(struct hub_http *h, struct MHD_Connection *c,
                                 const struct tree_node *t, int head)
{
    char path[4096], lm[64];
    if (t->file != TF_PHOTO)
        return send_text(h, c, t, head);
    hub_blob_path(h->hs, t->sha, path, sizeof path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        if (fd >= 0)
            close(fd);
        return send_error(c, 500, "storage", "the blob of %s is missing on the hub", t->name);
    }
    /* For HEAD libmicrohttpd sends the headers (with the file's Content-Length) and no body. */
    (void)head;
    struct MHD_Response *r = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
    MHD_add_response_header(r, WIRE_HEADER, WIRE_VERSION);
    MHD_add_response_header(r, "Content-Type", "image/jpeg");
    http_date(t->mtime, lm, sizeof lm);
    MHD_add_response_header(r, "Last-Modified", lm);
    char etag[80];
    snprintf(etag, sizeof etag, "\"%s\"", t->sha);
    MHD_add_response_header(r, "ETag", etag);
    enum MHD_Result ok = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ok;
}

/* The supervisors' view of the day on the evidence root page: tasks late or failed. (All
 * regions: tasks carry no region of their own yet.) */
static void attention_section(struct hub_http *h, struct sbuf *b)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    struct hub_task_query tq = {NULL, NULL, 0, 1, NULL};
    int rc = m ? hub_task_list(h->hs, &tq, 1, m, NULL) : GW_ENOMEM;
    if (m)
        fclose(m);
    json_t *arr = rc == GW_OK && buf ? json_loads(buf, 0, NULL) : NULL;
    free(buf);
    sbuf_printf(b, "<h2>Tasks needing attention (late or failed)</h2>\n");
    if (!json_is_array(arr) || json_array_size(arr) == 0) {
        sbuf_printf(b, "<p>%s</p>\n", arr ? "none" : "the task list is not available now");
        json_decref(arr);
        return;
    }
    sbuf_printf(b, "<table class=\"attention\">\n<tr><th>account</th><th>kind</th>"
                   "<th>device</th><th>due</th><th>state</th><th>code</th></tr>\n");
    size_t i;
    json_t *t;
    json_array_foreach(arr, i, t)
    {
        static const char *const keys[] = {"account", "kind", "device", "due_date", "reason_code"};
        sbuf_printf(b, "<tr>");
        for (int k = 0; k < 5; k++) {
            const char *v = json_string_value(json_object_get(t, keys[k]));
            if (k == 4) {
                sbuf_printf(b, "<td>");
                sbuf_xml(b, json_is_true(json_object_get(t, "late")) ? "late" : "failed");
                sbuf_printf(b, "</td>");
            }
            sbuf_printf(b, "<td>");
            sbuf_xml(b, v ? v : "-");
            sbuf_printf(b, "</td>");
        }
        sbuf_printf(b, "</tr>\n");
    }
    sbuf_printf(b, "</table>\n");
    json_decref(arr);
}

static enum MHD_Result send_listing(struct hub_http *h, struct MHD_Connection *c, struct req *q,
                                    const struct tree_node *dir, const char *prefix,
                                    const char *path)
{
    struct tree_list l = {0};
    struct err e = {0};
    struct sbuf b = {0};
    if (tree_children(h->hs, &q->user, dir, NULL, &l, &e))
        return send_error(c, 503, "busy", "%s", e.msg);
    sbuf_printf(&b, "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>gridwalk: ");
    sbuf_xml(&b, *path ? path : "/");
    sbuf_printf(&b, "</title><style>body{font-family:sans-serif;margin:2em}td{padding:2px 1em}"
                    "</style></head><body>\n<h1>");
    sbuf_xml(&b, *path ? path : "evidence");
    sbuf_printf(&b, "</h1>\n<p>");
    if (dir->level != TL_ROOT)
        sbuf_printf(&b, "<a href=\"../\">up</a> | ");
    sbuf_printf(&b, "<a href=\"?zip\">download this folder as zip</a></p>\n<table>\n");
    for (int i = 0; i < l.n; i++) {
        struct tree_node *t = &l.v[i];
        sbuf_printf(&b, "<tr><td><a href=\"");
        sbuf_url(&b, t->name, 0);
        sbuf_printf(&b, "%s\">", t->level == TL_FILE ? "" : "/");
        sbuf_xml(&b, t->name);
        sbuf_printf(&b, "%s</a></td><td>", t->level == TL_FILE ? "" : "/");
        if (t->level == TL_FILE)
            sbuf_printf(&b, "%" PRId64 " bytes", t->size);
        else {
            sbuf_printf(&b, "<a href=\"");
            sbuf_url(&b, t->name, 0);
            sbuf_printf(&b, "/?zip\">zip</a>");
        }
        sbuf_printf(&b, "</td><td>");
        sbuf_xml(&b, t->mtime);
        sbuf_printf(&b, "</td></tr>\n");
    }
    sbuf_printf(&b, "</table>\n");
    if (dir->level == TL_ROOT)
        attention_section(h, &b);
    sbuf_printf(&b, "<p>Also mountable read-only over WebDAV at ");
    sbuf_xml(&b, "/dav/");
    sbuf_printf(&b, "</p></body></html>\n");
    (void)prefix;
    tree_list_free(&l);
    size_t len;
    char *body = sbuf_take(&b, &len);
    return send_body(c, 200, "text/html; charset=utf-8", body, len);
}

/* Adds dir (recursively) to the archive under the name base. */
static int zip_add(struct hub_http *h, struct req *q, struct archive *a, const struct tree_node *dir,
                   const char *base, struct err *e)
{
    struct tree_list l = {0};
    int rc = tree_children(h->hs, &q->user, dir, NULL, &l, e);
    struct archive_entry *ent = archive_entry_new();
    char path[4096], blob[4096], buf[65536];
    for (int i = 0; i < l.n && rc == GW_OK; i++) {
        struct tree_node *t = &l.v[i];
        snprintf(path, sizeof path, "%s/%s", base, t->name);
        struct tm tm = {0};
        time_t mt = strptime(t->mtime, "%Y-%m-%dT%H:%M:%S", &tm) ? timegm(&tm) : time(NULL);
        archive_entry_clear(ent);
        archive_entry_set_pathname_utf8(ent, path);
        archive_entry_set_mtime(ent, mt, 0);
        if (t->level != TL_FILE) {
            archive_entry_set_filetype(ent, AE_IFDIR);
            archive_entry_set_perm(ent, 0755);
            if (archive_write_header(a, ent) != ARCHIVE_OK)
                rc = err_set(e, GW_EIO, "zip: %s", archive_error_string(a));
            else
                rc = zip_add(h, q, a, t, path, e);
            continue;
        }
        if (t->file != TF_PHOTO) {
            char *text = NULL;
            size_t len = 0;
            if ((rc = tree_text(h->hs, t, &text, &len, e)))
                break;
            archive_entry_set_filetype(ent, AE_IFREG);
            archive_entry_set_perm(ent, 0644);
            archive_entry_set_size(ent, (la_int64_t)len);
            if (archive_write_header(a, ent) != ARCHIVE_OK ||
                (len && archive_write_data(a, text, len) != (la_ssize_t)len))
                rc = err_set(e, GW_EIO, "zip: %s", archive_error_string(a));
            free(text);
            continue;
        }
        hub_blob_path(h->hs, t->sha, blob, sizeof blob);
        int fd = open(blob, O_RDONLY | O_CLOEXEC);
        struct stat sb;
        if (fd < 0 || fstat(fd, &sb) != 0) {
            if (fd >= 0)
                close(fd);
            rc = err_set(e, GW_EIO, "the blob of %s is missing on the hub", path);
            break;
        }
        archive_entry_set_filetype(ent, AE_IFREG);
        archive_entry_set_perm(ent, 0644);
        archive_entry_set_size(ent, sb.st_size);
        if (archive_write_header(a, ent) != ARCHIVE_OK)
            rc = err_set(e, GW_EIO, "zip: %s", archive_error_string(a));
        ssize_t got;
        while (rc == GW_OK && (got = read(fd, buf, sizeof buf)) > 0)
            if (archive_write_data(a, buf, (size_t)got) != got)
                rc = err_set(e, GW_EIO, "zip: %s", archive_error_string(a));
        close(fd);
    }
    archive_entry_free(ent);
    tree_list_free(&l);
    return rc;
}

/* The zip is written to an unlinked temporary file and then sent from it: memory stays flat
 * whatever the folder's size, and a failure is reported before the first byte is sent. */
static enum MHD_Result send_zip(struct hub_http *h, struct MHD_Connection *c, struct req *q,
                                const struct tree_node *dir)
{
    struct err e = {0};
    char tmpl[4096];
    snprintf(tmpl, sizeof tmpl, "%s/blobs/partial/zip-XXXXXX", hub_store_dir(h->hs));
    int fd = mkostemp(tmpl, O_CLOEXEC);
    if (fd < 0)
        return send_error(c, 507, "storage", "cannot make a temporary zip: %s", strerror(errno));
    unlink(tmpl);
    struct archive *a = archive_write_new();
    archive_write_set_format_zip(a);
    archive_write_set_options(a, "zip:compression=store,zip:hdrcharset=UTF-8");
    int rc = GW_OK;
    const char *base = dir->level == TL_ROOT ? "evidence" : dir->name;
    if (archive_write_open_fd(a, fd) != ARCHIVE_OK)
        rc = err_set(&e, GW_EIO, "zip: %s", archive_error_string(a));
    else
        rc = zip_add(h, q, a, dir, base, &e);
    if (archive_write_close(a) != ARCHIVE_OK && !rc)
        rc = err_set(&e, GW_EIO, "zip: %s", archive_error_string(a));
    archive_write_free(a);
    struct stat sb;
    if (rc || fstat(fd, &sb) != 0) {
        close(fd);
        return send_error(c, 500, "zip", "%s", e.msg[0] ? e.msg : "cannot build the zip");
    }
    struct MHD_Response *r = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
    MHD_add_response_header(r, WIRE_HEADER, WIRE_VERSION);
    MHD_add_response_header(r, "Content-Type", "application/zip");
    struct sbuf cd = {0};
    sbuf_printf(&cd, "attachment; filename=\"evidence.zip\"; filename*=UTF-8''");
    sbuf_url(&cd, base, 0);
    sbuf_printf(&cd, ".zip");
    MHD_add_response_header(r, "Content-Disposition", cd.p);
    sbuf_done(&cd);
    enum MHD_Result ok = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ok;
}

static void dav_response(struct sbuf *b, const char *href, const struct tree_node *t)
{
    char lm[64];
    http_date(t->mtime, lm, sizeof lm);
    sbuf_printf(b, "<D:response><D:href>");
    sbuf_xml(b, href);
    sbuf_printf(b, "</D:href><D:propstat><D:prop><D:displayname>");
    sbuf_xml(b, t->level == TL_ROOT ? "dav" : t->name);
    sbuf_printf(b, "</D:displayname><D:getlastmodified>%s</D:getlastmodified>", lm);
    if (t->level == TL_FILE)
        sbuf_printf(b,
                    "<D:resourcetype/><D:getcontentlength>%" PRId64 "</D:getcontentlength>"
                    "<D:getcontenttype>%s</D:getcontenttype>"
                    "<D:getetag>\"%s\"</D:getetag>",
                    t->size, t->file == TF_PHOTO ? "image/jpeg" : "text/plain; charset=utf-8",
                    t->sha);
    else
        sbuf_printf(b, "<D:resourcetype><D:collection/></D:resourcetype>");
    sbuf_printf(b, "</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>\n");
}

static enum MHD_Result dav_propfind(struct hub_http *h, struct MHD_Connection *c, struct req *q,
                                    const struct tree_node *node, const char *path)
{
    const char *depth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Depth");
    struct sbuf b = {0}, href = {0};
    struct err e = {0};
    sbuf_printf(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                    "<D:multistatus xmlns:D=\"DAV:\">\n");
    sbuf_printf(&href, "/dav/");
    sbuf_url(&href, path, 1);
    if (node->level != TL_FILE && href.p[href.n - 1] != '/')
        sbuf_put(&href, "/", 1);
    if (node->level == TL_FILE && href.p[href.n - 1] == '/')
        href.p[--href.n] = '\0';
    dav_response(&b, href.p, node);
    /* Depth infinity is answered as depth 1 (RFC 4918 lets a server refuse it; clients that
     * walk a tree ask one level at a time anyway). */
    if (node->level != TL_FILE && !(depth && strcmp(depth, "0") == 0)) {
        struct tree_list l = {0};
        if (tree_children(h->hs, &q->user, node, NULL, &l, &e)) {
            sbuf_done(&b);
            sbuf_done(&href);
            return send_error(c, 503, "busy", "%s", e.msg);
        }
        for (int i = 0; i < l.n; i++) {
            struct sbuf ch = {0};
            sbuf_put(&ch, href.p, href.n);
            sbuf_url(&ch, l.v[i].name, 0);
            if (l.v[i].level != TL_FILE)
                sbuf_put(&ch, "/", 1);
            dav_response(&b, ch.p, &l.v[i]);
            sbuf_done(&ch);
        }
        tree_list_free(&l);
    }
    sbuf_printf(&b, "</D:multistatus>\n");
    sbuf_done(&href);
    size_t len;
    char *body = sbuf_take(&b, &len);
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, WIRE_HEADER, WIRE_VERSION);
    MHD_add_response_header(r, "Content-Type", "application/xml; charset=utf-8");
    MHD_add_response_header(r, "DAV", "1");
    enum MHD_Result ok = MHD_queue_response(c, 207, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result has_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    (void)kind;
    (void)value;
    if (strcmp(key, "zip") == 0)
        *(int *)cls = 1;
    return MHD_YES;
}

static enum MHD_Result evidence(struct hub_http *h, struct MHD_Connection *c, struct req *q,
                                const char *method, const char *prefix, const char *path)
{
    int dav = strcmp(prefix, "/dav/") == 0;
    if (strcmp(method, "OPTIONS") == 0) {
        struct MHD_Response *r =
            MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(r, WIRE_HEADER, WIRE_VERSION);
        MHD_add_response_header(r, "DAV", "1");
        MHD_add_response_header(r, "Allow", "OPTIONS, GET, HEAD, PROPFIND");
        enum MHD_Result ok = MHD_queue_response(c, 200, r);
        MHD_destroy_response(r);
        return ok;
    }
    int get = strcmp(method, "GET") == 0, head = strcmp(method, "HEAD") == 0;
    int propfind = dav && strcmp(method, "PROPFIND") == 0;
    if (!get && !head && !propfind) {
        struct MHD_Response *r =
            MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(r, WIRE_HEADER, WIRE_VERSION);
        MHD_add_response_header(r, "Allow", dav ? "OPTIONS, GET, HEAD, PROPFIND" : "GET, HEAD");
        enum MHD_Result ok = MHD_queue_response(c, dav ? 403 : 405, r);
        MHD_destroy_response(r);
        return ok;
    }
    struct tree_node node;
    struct err e = {0};
    if (tree_resolve(h->hs, &q->user, path, &node, &e))
        return send_error(c, e.code == GW_ENOTFOUND ? 404 : 503, "not-found", "%s", e.msg);
    if (propfind)
        return dav_propfind(h, c, q, &node, path);
    if (node.level == TL_FILE)
        return send_file(h, c, &node, head);
    int zip = 0;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, has_arg, &zip);
    if (zip)
        return send_zip(h, c, q, &node);
    /* A folder URL without its slash would break the page's relative links. */
    size_t pl = strlen(path);
    if (pl > 0 && path[pl - 1] != '/') {
        struct sbuf loc = {0};
        sbuf_printf(&loc, "%s", prefix);
        sbuf_url(&loc, path, 1);
        sbuf_put(&loc, "/", 1);
        struct MHD_Response *r =
            MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(r, WIRE_HEADER, WIRE_VERSION);
        MHD_add_response_header(r, "Location", loc.p);
        sbuf_done(&loc);
        enum MHD_Result ok = MHD_queue_response(c, 301, r);
        MHD_destroy_response(r);
        return ok;
    }
    return send_listing(h, c, q, &node, prefix, path);
}

/* ---- routing ---- */

static enum MHD_Result api_first(struct hub_http *h, struct MHD_Connection *c, struct req *q,
                                 const char *url, const char *method)
{
    int a = bearer_auth(h, c, q);
    if (a == -1)
        return send_error(c, 401, "unauthorized",
                          "this hub needs the device's token (Authorization: Bearer ...)");
    if (a == -2)
        return send_error(c, 401, "unauthorized",
                          "the device token is unknown or revoked; enrol the device again "
                          "(gridwalk-hub device add NAME)");
    if (strncmp(url, "/api/v1/blobs/", 14) == 0 && strcmp(url + 14, "query") != 0) {
        const char *sha = url + 14;
        if (!wire_sha_valid(sha))
            return send_error(c, 400, "bad-sha",
                              "a blob is named by its SHA-256 in 64 lower-case hex digits");
        if (strcmp(method, "HEAD") == 0 || strcmp(method, "GET") == 0)
            return blob_head(h, c, sha);
        if (strcmp(method, "PUT") == 0)
            return blob_put_start(h, c, q, sha);
        return send_error(c, 405, "method", "blobs take HEAD and PUT");
    }
    int records = strcmp(url, "/api/v1/records") == 0;
    int query = strcmp(url, "/api/v1/blobs/query") == 0;
    if (records || query) {
        if (strcmp(method, "POST") != 0)
            return send_error(c, 405, "method", "%s takes POST", url);
        int64_t len = header_int(c, "Content-Length", -1);
        if (len == -2)
            return send_error(c, 400, "bad-request", "Content-Length is not a number");
        /* A body over the limit but not absurd is read and dropped before the 413: a client
         * still sending when the answer comes may see a reset connection instead of it, and
         * the agent needs to see the 413 to split its batch. */
        /* --max-request caps records; a blob query (1,000 hashes at most) has its own cap. */
        int64_t cap = records ? h->lim.max_body : QUERY_MAX_BODY;
        if (len > cap && len > h->lim.max_blob)
            return send_error(c, 413, "too-large", "a request may have at most %" PRId64 " bytes",
                              cap);
        q->kind = RQ_BODY;
        q->limit = (size_t)cap;
        return MHD_YES;
    }
    if (strcmp(method, "GET") != 0)
        return send_error(c, 405, "method", "%s takes GET", url);
    return MHD_YES;
}

static enum MHD_Result api_last(struct hub_http *h, struct MHD_Connection *c, struct req *q,
                                const char *url)
{
    if (q->kind == RQ_BLOB)
        return blob_put_end(h, c, q);
    if (q->kind == RQ_BODY && q->too_big)
        return send_error(c, 413, "too-large", "the hub takes at most %zu bytes in one request",
                          q->limit);
    if (strcmp(url, "/api/v1/records") == 0)
        return records_post(h, c, q);
    if (strcmp(url, "/api/v1/blobs/query") == 0)
        return blobs_query(h, c, q);
    if (strcmp(url, "/api/v1/changes") == 0)
        return changes_get(h, c, q);
    if (strcmp(url, "/api/v1/ping") == 0)
        return send_json(c, 200, wire_ok_body(json_pack("{s:s, s:i}", "device", q->device,
                                                        "protocol", 1)));
    return send_error(c, 404, "not-found", "no such API: %s", url);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *data_size, void **con_cls)
{
    struct hub_http *h = cls;
    struct req *q = *con_cls;
    (void)version;
    int api = strncmp(url, "/api/", 5) == 0;
    if (!q) {
        q = calloc(1, sizeof *q);
        if (!q)
            return MHD_NO;
        q->fd = -1;
        *con_cls = q;
        if (api)
            return api_first(h, c, q, url, method);
        if (strncmp(url, "/evidence/", 10) != 0 && strncmp(url, "/dav/", 5) != 0 &&
            strcmp(url, "/evidence") != 0 && strcmp(url, "/dav") != 0 && strcmp(url, "/") != 0)
            return send_error(c, 404, "not-found", "nothing here; see /evidence/");
        int a = basic_auth(h, c, q);
        if (a != 0)
            return send_basic_challenge(c);
        /* PROPFIND bodies (which properties) are read and ignored: we always send ours. */
        q->kind = RQ_BODY;
        q->limit = 64 * 1024;
        return MHD_YES;
    }
    if (*data_size > 0) {
        if (q->kind == RQ_BLOB)
            blob_put_data(q, data, *data_size);
        else if (q->kind == RQ_BODY && !q->too_big) {
            if (q->len + *data_size > q->limit)
                q->too_big = 1;
            else {
                char *nb = realloc(q->buf, q->len + *data_size + 1);
                if (!nb) {
                    q->too_big = 1;
                } else {
                    q->buf = nb;
                    memcpy(q->buf + q->len, data, *data_size);
                    q->len += *data_size;
                    q->buf[q->len] = '\0';
                }
            }
        }
        *data_size = 0;
        return MHD_YES;
    }
    if (api)
        return api_last(h, c, q, url);
    if (q->too_big)
        return send_error(c, 413, "too-large", "the request body is too large");
    /* WebDAV clients often name the mount without its slash and do not follow redirects
     * for PROPFIND: answer them as the root. */
    if (strcmp(url, "/dav") == 0 && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return evidence(h, c, q, method, "/dav/", "");
    if (strcmp(url, "/") == 0 || strcmp(url, "/evidence") == 0 || strcmp(url, "/dav") == 0) {
        struct MHD_Response *r =
            MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(r, "Location", strcmp(url, "/dav") == 0 ? "/dav/" : "/evidence/");
        enum MHD_Result ok = MHD_queue_response(c, 301, r);
        MHD_destroy_response(r);
        return ok;
    }
    int dav = strncmp(url, "/dav/", 5) == 0;
    return evidence(h, c, q, method, dav ? "/dav/" : "/evidence/", url + (dav ? 5 : 10));
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode why)
{
    struct req *q = *con_cls;
    (void)cls;
    (void)c;
    if (!q)
        return;
    if (q->fd >= 0) {
        /* A cut upload: what reached the disk stays in blobs/partial for the resume. */
        if (why != MHD_REQUEST_TERMINATED_COMPLETED_OK)
            fprintf(stderr, "gridwalk-hub: upload of %.12s cut after %" PRId64 " bytes; kept\n",
                    q->sha, q->start + q->received);
        close(q->fd);
    }
    if (q->slot)
        *q->slot = NULL;
    free(q->buf);
    free(q);
    *con_cls = NULL;
}

static int parse_listen(const char *s, struct sockaddr_storage *ss, struct err *e)
{
    char host[128];
    const char *colon = strrchr(s, ':');
    memset(ss, 0, sizeof *ss);
    if (!colon || colon - s >= (long)sizeof host)
        return err_set(e, GW_EINVAL, "--listen takes ADDR:PORT, e.g. 127.0.0.1:8443");
    char *end = NULL;
    long port = strtol(colon + 1, &end, 10);
    if (!end || *end || port < 0 || port > 65535)
        return err_set(e, GW_EINVAL, "bad port in %s", s);
    snprintf(host, sizeof host, "%.*s", (int)(colon - s), s);
    if (host[0] == '[') {
        size_t n = strlen(host);
        if (n < 2 || host[n - 1] != ']')
            return err_set(e, GW_EINVAL, "bad IPv6 address in %s", s);
        host[n - 1] = '\0';
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
            return err_set(e, GW_EINVAL, "bad IPv6 address in %s", s);
        return GW_OK;
    }
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    if (host[0] == '\0' || strcmp(host, "*") == 0)
        a4->sin_addr.s_addr = htonl(INADDR_ANY);
    else if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
        return err_set(e, GW_EINVAL, "bad IPv4 address in %s", s);
    return GW_OK;
}

int hub_http_start(struct hub_http **out, struct hub_store *hs, const char *listen,
                   const struct hub_limits *lim, struct err *e)
{
    struct sockaddr_storage ss;
    *out = NULL;
    int rc = parse_listen(listen, &ss, e);
    if (rc)
        return rc;
    struct hub_http *h = calloc(1, sizeof *h);
    if (!h)
        return err_set(e, GW_ENOMEM, "out of memory");
    h->hs = hs;
    h->lim = *lim;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    uint16_t port = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                             : ntohs(((struct sockaddr_in *)&ss)->sin_port);
    h->d = MHD_start_daemon(flags, port, NULL, NULL, on_request, h, MHD_OPTION_SOCK_ADDR, &ss,
                            MHD_OPTION_NOTIFY_COMPLETED, on_done, h,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(256 * 1024),
                            MHD_OPTION_END);
    if (!h->d) {
        free(h);
        return err_set(e, GW_ENET, "cannot listen on %s (in use, or not an address of this "
                                   "machine?)", listen);
    }
    *out = h;
    return GW_OK;
}

void hub_http_stop(struct hub_http *h)
{
    if (!h)
        return;
    MHD_stop_daemon(h->d);
    free(h);
}
