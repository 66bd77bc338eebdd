/* agent.c - one sync pass over libcurl (see agent.h and sync/PROTOCOL.md).
 *
 * Why blobs are asked about in bulk first (POST /api/v1/blobs/query): it costs one round
 * trip per batch instead of one HEAD per photo, and it says how many bytes of an interrupted
 * upload the hub already holds, so the PUT continues from there with Content-Range. */
#include "gridwalk/config.h"

#include "sync/agent.h"
#include "sync/wire.h"
#include "data/outbox.h"
#include "data/mediastore.h"
#include "data/pull.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_ANSWER (4u << 20) /* bytes of a hub answer we are willing to read */

struct agent {
    struct db *db;
    char *db_path;
    struct agent_config cfg;
    CURL *curl;
    struct curl_slist *auth;
    volatile sig_atomic_t *stop;
    double last_progress;
    double last_status;
    const char *progress_what;
    double pace_t0;    /* monotonic time the paced bytes are counted from */
    double pace_bytes; /* bytes sent since pace_t0 */
};

struct answer {
    long status;
    int proto; /* the Gridwalk-Protocol header was present */
    char *body;
    size_t len;
    int overflow;
};

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void time_after(double seconds, char out[DB_TIME_LEN])
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    double t = (double)ts.tv_sec + ts.tv_nsec / 1e9 + seconds;
    time_t s = (time_t)t;
    gmtime_r(&s, &tm);
    size_t n = strftime(out, DB_TIME_LEN, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, DB_TIME_LEN - n, ".%03dZ", (int)((t - (double)s) * 1000) % 1000);
}

double agent_backoff(const struct agent_config *cfg, int n)
{
    double d = cfg->backoff_base * pow(2.0, n > 30 ? 30 : n);
    if (d > cfg->backoff_max)
        d = cfg->backoff_max;
    return d * (0.5 + 0.5 * ((double)random() / RAND_MAX));
}

static void status(struct agent *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void status(struct agent *a, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    outbox_setting_set(a->db, OUTBOX_KEY_STATUS, line, NULL);
}

int agent_new(struct agent **out, struct db *db, const char *db_path,
              const struct agent_config *cfg, struct err *e)
{
    *out = NULL;
    if (!cfg->hub_url || !*cfg->hub_url)
        return err_set(e, GW_EINVAL, "no hub URL: give --hub URL or set hub = in config.ini [sync]");
    if (!cfg->token || !*cfg->token)
        return err_set(e, GW_EAUTH, "no device token: enrol the device on the hub "
                                    "(gridwalk-hub device add NAME) and save the token");
    struct agent *a = calloc(1, sizeof *a);
    if (!a)
        abort();
    a->db = db;
    a->db_path = strdup(db_path);
    a->cfg = *cfg;
    a->pace_t0 = mono_now();
    if (a->cfg.batch < 1 || a->cfg.batch > WIRE_MAX_BATCH)
        a->cfg.batch = 100;
    a->curl = curl_easy_init();
    if (!a->db_path || !a->curl)
        abort();
    char hdr[256];
    snprintf(hdr, sizeof hdr, "Authorization: Bearer %s", cfg->token);
    a->auth = curl_slist_append(NULL, hdr);
    *out = a;
    return GW_OK;
}

void agent_free(struct agent *a)
{
    if (!a)
        return;
    curl_slist_free_all(a->auth);
    curl_easy_cleanup(a->curl);
    free(a->db_path);
    free(a);
}

/* ---- HTTP ---- */

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct answer *ans = ud;
    size_t len = size * n;
    if (ans->len + len > MAX_ANSWER) {
        ans->overflow = 1;
        return len; /* keep reading, keep nothing: the connection stays usable */
    }
    char *nb = realloc(ans->body, ans->len + len + 1);
    if (!nb)
        abort();
    ans->body = nb;
    memcpy(ans->body + ans->len, p, len);
    ans->len += len;
    ans->body[ans->len] = '\0';
    return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    struct answer *ans = ud;
    size_t len = size * n, hl = strlen(WIRE_HEADER);
    if (len > hl + 1 && strncasecmp(p, WIRE_HEADER, hl) == 0 && p[hl] == ':') {
        const char *v = p + hl + 1;
        while (*v == ' ')
            v++;
        ans->proto = strncmp(v, WIRE_VERSION, strlen(WIRE_VERSION)) == 0;
    }
    return len;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    struct agent *a = ud;
    (void)dltotal;
    (void)dlnow;
    if (a->stop && *a->stop)
        return 1; /* aborts the transfer: SIGTERM must not wait for a slow upload */
    double now = mono_now();
    if (a->progress_what && ultotal > 0 && now - a->last_progress >= 1.0) {
        char line[256];
        snprintf(line, sizeof line, "%s: %" CURL_FORMAT_CURL_OFF_T " of %" CURL_FORMAT_CURL_OFF_T
                 " KB", a->progress_what, ulnow / 1024, ultotal / 1024);
        outbox_setting_set(a->db, OUTBOX_KEY_PROGRESS, line, NULL);
        a->last_progress = now;
    }
    return 0;
}

struct upload {
    int fd;
    int64_t left;
};

static size_t on_read(char *p, size_t size, size_t n, void *ud)
{
    struct upload *u = ud;
    size_t want = size * n;
    if ((int64_t)want > u->left)
        want = (size_t)u->left;
    if (want == 0)
        return 0;
    ssize_t got = read(u->fd, p, want);
    if (got < 0)
        return CURL_READFUNC_ABORT;
    u->left -= got;
    return (size_t)got;
}

/* Waits until the bytes already sent fit under cfg.max_rate. Idle time earns no credit, so a
 * capped agent never bursts above the cap after a pause (or after a restart). */
static void pace(struct agent *a)
{
    if (a->cfg.max_rate <= 0)
        return;
    double now = mono_now(), due = a->pace_t0 + a->pace_bytes / a->cfg.max_rate;
    if (due <= now) {
        a->pace_t0 = now;
        a->pace_bytes = 0;
        return;
    }
    while (due > now && !(a->stop && *a->stop)) {
        double d = due - now > 0.05 ? 0.05 : due - now;
        struct timespec ts = {0, (long)(d * 1e9)};
        nanosleep(&ts, NULL);
        now = mono_now();
    }
}

/* Sends one request. GW_ENET for transport failures and for answers that are not the hub's;
 * GW_EAUTH for 401/403; GW_ECANCEL when stopped; otherwise GW_OK with the answer filled
 * (the caller judges the status). */
static int request(struct agent *a, const char *method, const char *path, const char *body,
                   struct upload *up, const char *content_range, struct answer *ans,
                   struct err *e)
{
    char url[2048], range[128];
    CURL *c = a->curl;
    memset(ans, 0, sizeof *ans);
    snprintf(url, sizeof url, "%s%s", a->cfg.hub_url, path);
    curl_easy_reset(c);
    struct curl_slist *h = NULL;
    for (struct curl_slist *s = a->auth; s; s = s->next)
        h = curl_slist_append(h, s->data);
    h = curl_slist_append(h, "Accept: application/json");
    h = curl_slist_append(h, "Expect:"); /* no 100-continue round trip per photo */
    if (body)
        h = curl_slist_append(h, "Content-Type: application/json");
    if (content_range) {
        snprintf(range, sizeof range, "Content-Range: %s", content_range);
        h = curl_slist_append(h, range);
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "gridwalk-syncd/" GRIDWALK_VERSION);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, ans);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, ans);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, a);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
    /* A link that goes dead mid-transfer (tunnel, blackhole) is noticed within 20 s: long
     * enough for TCP's retransmissions on a lossy cell link, short enough that a cut the
     * user can see is reported while it lasts. An abandoned upload resumes where it was. */
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 20L);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    if (a->cfg.ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, a->cfg.ca_file);
    if (up) {
        curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(c, CURLOPT_READDATA, up);
        curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)up->left);
    } else if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0 && !up)
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (a->cfg.max_rate > 0) {
        /* curl paces inside a large upload; pace() paces between requests, which is what
         * caps a stream of small photos that each fit in one send. */
        curl_easy_setopt(c, CURLOPT_MAX_SEND_SPEED_LARGE, (curl_off_t)a->cfg.max_rate);
        pace(a);
    }
    CURLcode cc = curl_easy_perform(c);
    curl_slist_free_all(h);
    if (a->cfg.max_rate > 0) {
        curl_off_t sent = 0;
        curl_easy_getinfo(c, CURLINFO_SIZE_UPLOAD_T, &sent);
        a->pace_bytes += (double)sent;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &ans->status);
    if (a->cfg.verbose)
        fprintf(stderr, "gridwalk-syncd: %s %s -> %ld%s\n", method, path, ans->status,
                cc ? " (transport error)" : "");
    if (cc == CURLE_ABORTED_BY_CALLBACK && a->stop && *a->stop)
        return err_set(e, GW_ECANCEL, "stopped");
    if (cc != CURLE_OK)
        return err_set(e, GW_ENET, "cannot reach the hub at %s: %s", a->cfg.hub_url,
                       curl_easy_strerror(cc));
    if (!ans->proto)
        return err_set(e, GW_ENET,
                       "HTTP %ld from %s did not come from a gridwalk hub (no %s header: a "
                       "captive portal, proxy or wrong URL?); nothing counted as delivered",
                       ans->status, a->cfg.hub_url, WIRE_HEADER);
    if (ans->status == 401 || ans->status == 403) {
        struct err he = {0};
        json_t *j = NULL;
        wire_parse_envelope(ans->body, ans->len, &j, &he);
        json_decref(j);
        return err_set(e, GW_EAUTH, "the hub refused this device's token (HTTP %ld: %s); "
                                    "uploads stop until a valid token is installed",
                       ans->status, he.msg[0] ? he.msg : "no reason given");
    }
    if (ans->status >= 500)
        return err_set(e, GW_ENET, "the hub is in trouble (HTTP %ld); will retry", ans->status);
    return GW_OK;
}

static void answer_free(struct answer *ans)
{
    free(ans->body);
    memset(ans, 0, sizeof *ans);
}

/* Parses the envelope of an answer that must be ok:true. */
static int answer_json(struct answer *ans, json_t **out, struct err *e)
{
    if (ans->overflow)
        return err_set(e, GW_ENET, "the hub's answer was larger than %u bytes", MAX_ANSWER);
    return wire_parse_envelope(ans->body, ans->len, out, e);
}

/* ---- pull ---- */

static int pull_changes(struct agent *a, struct agent_report *r, struct err *e)
{
    for (;;) {
        int64_t since = pull_cursor(a->db, e);
        if (since < 0)
            return GW_EDB;
        char path[128];
        struct answer ans;
        json_t *j = NULL;
        snprintf(path, sizeof path, "/api/v1/changes?since=%" PRId64 "&limit=500", since);
        int rc = request(a, "GET", path, NULL, NULL, NULL, &ans, e);
        if (rc == GW_OK && ans.status != 200)
            rc = err_set(e, GW_ENET, "the hub answered HTTP %ld to a changes request",
                         ans.status);
        if (rc == GW_OK)
            rc = answer_json(&ans, &j, e);
        answer_free(&ans);
        if (rc)
            return rc;
        json_t *changes = json_object_get(j, "changes");
        json_t *next = json_object_get(j, "next");
        int more = json_is_true(json_object_get(j, "more"));
        if (!json_is_array(changes) || !json_is_integer(next)) {
            json_decref(j);
            return err_set(e, GW_ENET, "the hub's changes answer lacks changes/next");
        }
        char *page = json_dumps(changes, JSON_COMPACT);
        rc = page ? pull_apply(a->db, page, json_integer_value(next), e) : GW_ENOMEM;
        r->pulled += (int)json_array_size(changes);
        free(page);
        json_decref(j);
        if (rc || !more)
            return rc;
    }
}

/* ---- push ---- */

static int blob_query(struct agent *a, json_t *shas, json_t **states, struct err *e)
{
    struct answer ans;
    json_t *j = NULL;
    json_t *req = json_pack("{s:O}", "sha256", shas);
    char *body = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    int rc = request(a, "POST", "/api/v1/blobs/query", body, NULL, NULL, &ans, e);
    free(body);
    if (rc == GW_OK && ans.status != 200)
        rc = err_set(e, GW_ENET, "the hub answered HTTP %ld to a blob query", ans.status);
    if (rc == GW_OK)
        rc = answer_json(&ans, &j, e);
    answer_free(&ans);
    if (rc)
        return rc;
    *states = json_incref(json_object_get(j, "blobs"));
    json_decref(j);
    if (!json_is_object(*states)) {
        json_decref(*states);
        *states = NULL;
        return err_set(e, GW_ENET, "the hub's blob query answer lacks blobs");
    }
    return GW_OK;
}

/* Uploads one blob from `offset`. GW_OK when the hub holds it complete; GW_ECORRUPT when
 * the hub says the bytes do not hash to sha; GW_ENOTFOUND when the local file is missing;
 * GW_ENET/GW_EAUTH/GW_ECANCEL from the transport. */
static int blob_upload(struct agent *a, const char *sha, int64_t offset, struct err *e)
{
    char path[4096], range[128], what[128], url[128];
    if (mediastore_file_for(a->db_path, sha, path, sizeof path))
        return err_set(e, GW_EINVAL, "store path too long");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        int err = errno;
        if (fd >= 0)
            close(fd);
        return err_set(e, GW_ENOTFOUND, "the photo file %s is missing from the media store (%s)",
                       path, strerror(err));
    }
    if (offset < 0 || offset >= sb.st_size || lseek(fd, offset, SEEK_SET) != offset)
        offset = 0;
    if (offset && a->cfg.verbose)
        fprintf(stderr, "gridwalk-syncd: photo %.12s: resuming at byte %" PRId64 "\n", sha,
                offset);
    struct upload up = {fd, sb.st_size - offset};
    if (offset)
        snprintf(range, sizeof range, "bytes %" PRId64 "-%" PRId64 "/%" PRId64, offset,
                 (int64_t)sb.st_size - 1, (int64_t)sb.st_size);
    snprintf(what, sizeof what, "photo %.8s", sha);
    snprintf(url, sizeof url, "/api/v1/blobs/%s", sha);
    a->progress_what = what;
    a->last_progress = mono_now();
    struct answer ans;
    int rc = request(a, "PUT", url, NULL, &up, offset ? range : NULL, &ans, e);
    a->progress_what = NULL;
    close(fd);
    if (rc == GW_OK) {
        json_t *j = NULL;
        struct err he = {0};
        int env = wire_parse_envelope(ans.body, ans.len, &j, &he);
        const char *state = json_string_value(json_object_get(j, "state"));
        if ((ans.status == 200 || ans.status == 201) && env == GW_OK && state &&
            strcmp(state, "complete") == 0)
            rc = GW_OK;
        else if (ans.status == 422)
            rc = err_set(e, GW_ECORRUPT, "%s", he.msg);
        else if (ans.status == 413)
            rc = err_set(e, GW_ETOOBIG, "%s", he.msg);
        else
            rc = err_set(e, GW_ENET, "the hub did not take photo %.12s (HTTP %ld: %s); will "
                                     "resume", sha, ans.status, he.msg[0] ? he.msg : "partial");
        json_decref(j);
    }
    answer_free(&ans);
    return rc;
}

static void fail_item(struct agent *a, const struct outbox_item *it, const char *msg, int hold,
                      double wait)
{
    char next[DB_TIME_LEN];
    if (!hold)
        time_after(wait >= 0 ? wait : agent_backoff(&a->cfg, it->attempts), next);
    outbox_mark_failed(a->db, it->seq, msg, hold ? NULL : next, NULL);
    fprintf(stderr, "gridwalk-syncd: %s %s: %s%s\n", it->kind, it->entity_uuid, msg,
            hold ? " (held until retried by hand)" : "");
}

/* What one records request is about: items[idx[k]] went out as recs[k]; done[i] is set as
 * item i gets its outcome (sent, or failed and marked), so a network failure later marks
 * only an item still without one. */
struct post {
    struct agent *a;
    struct outbox_item *items;
    const int *idx;
    json_t *recs;
    char *done;
    int64_t *sent;
    int nsent;
    struct agent_report *r;
};

/* POSTs recs[from, from+count). A hub that answers 413 (request too large) gets the same
 * records again in two halves, down to one record; only a single record that is too large by
 * itself is held, with the hub's limit in its error. GW_ENET/GW_EAUTH/GW_ECANCEL stop. */
static int post_records(struct post *p, size_t from, size_t count, struct err *e)
{
    struct agent *a = p->a;
    struct answer ans = {0};
    json_t *j = NULL, *part = json_array();
    for (size_t k = from; k < from + count; k++)
        json_array_append(part, json_array_get(p->recs, k));
    json_t *req = json_pack("{s:o}", "records", part);
    char *body = json_dumps(req, JSON_COMPACT);
    size_t body_len = body ? strlen(body) : 0;
    json_decref(req);
    status(a, "sending %zu records", count);
    int rc = request(a, "POST", "/api/v1/records", body, NULL, NULL, &ans, e);
    free(body);
    if (rc)
        goto out;
    if (ans.status == 413) {
        struct err he = {0};
        json_t *ej = NULL;
        wire_parse_envelope(ans.body, ans.len, &ej, &he);
        json_decref(ej);
        answer_free(&ans);
        if (count > 1) {
            if (a->cfg.verbose)
                fprintf(stderr, "gridwalk-syncd: %zu records (%zu bytes) are too large for the "
                        "hub in one request; sending them in two halves\n", count, body_len);
            rc = post_records(p, from, count / 2, e);
            if (rc == GW_OK)
                rc = post_records(p, from + count / 2, count - count / 2, e);
            return rc;
        }
        int i = p->idx[from];
        char text[900];
        snprintf(text, sizeof text,
                 "%s %s is too large for the hub: sent alone it makes a request of %zu bytes, "
                 "over the hub's limit (%s); held until the hub's limit is raised "
                 "(gridwalk-hub serve --max-request) or the record is made smaller",
                 p->items[i].kind, p->items[i].entity_uuid, body_len,
                 he.msg[0] ? he.msg : "HTTP 413");
        fail_item(a, &p->items[i], text, 1, -1);
        p->done[i] = 1;
        p->r->failed++;
        goto out;
    }
    if ((rc = answer_json(&ans, &j, e))) {
        /* 400 for a malformed batch: the whole request was refused. */
        if (rc == GW_EINVAL) {
            for (size_t k = from; k < from + count; k++) {
                fail_item(a, &p->items[p->idx[k]], e->msg, 1, -1);
                p->done[p->idx[k]] = 1;
                p->r->failed++;
            }
            rc = GW_OK;
        }
        goto out;
    }
    json_t *results = json_object_get(j, "results");
    if (!json_is_array(results)) {
        rc = err_set(e, GW_ENET, "the hub's answer to a batch lacks results");
        goto out;
    }
    for (size_t k = from; k < from + count; k++) {
        int i = p->idx[k];
        json_t *res = json_array_get(results, k - from);
        const char *id = json_string_value(json_object_get(res, "id"));
        const char *st = json_string_value(json_object_get(res, "status"));
        const char *msg = json_string_value(json_object_get(res, "message"));
        char text[600];
        p->done[i] = 1;
        if (!id || strcmp(id, p->items[i].uuid) != 0 || !st) {
            fail_item(a, &p->items[i], "the hub's answer does not match the batch", 0, -1);
            p->r->failed++;
        } else if (strcmp(st, "stored") == 0 || strcmp(st, "duplicate") == 0) {
            p->sent[p->nsent++] = p->items[i].seq;
        } else {
            int hold = strcmp(st, "conflict") == 0 || strcmp(st, "invalid") == 0;
            snprintf(text, sizeof text, "hub: %s: %s", st, msg ? msg : "no reason given");
            fail_item(a, &p->items[i], text, hold, -1);
            p->r->failed++;
        }
    }
out:
    json_decref(j);
    answer_free(&ans);
    return rc;
}

/* One batch: its blobs, then its records. Returns like agent_pass. */
static int push_batch(struct agent *a, struct outbox_item *items, int n, struct agent_report *r,
                      struct err *e)
{
    int rc = GW_OK;
    char *skip = calloc((size_t)n, 1);
    json_t *shas = json_array(), *states = NULL, *seen = json_object();
    json_t *records = json_array();
    int64_t *sent = calloc((size_t)n, sizeof *sent);
    int *idx = calloc((size_t)n, sizeof *idx);
    int marked = 0;
    if (!skip || !sent || !idx)
        abort();
    for (int i = 0; i < n; i++)
        for (size_t k = 0; items[i].blobs && items[i].blobs[k]; k++)
            if (!json_object_get(seen, items[i].blobs[k])) {
                json_object_set_new(seen, items[i].blobs[k], json_true());
                json_array_append_new(shas, json_string(items[i].blobs[k]));
            }
    if (json_array_size(shas) > 0 && (rc = blob_query(a, shas, &states, e)))
        goto net;
    /* Blobs first, each one at most once, in the order the records need them. */
    for (int i = 0; i < n; i++) {
        for (size_t k = 0; items[i].blobs && items[i].blobs[k] && !skip[i]; k++) {
            const char *sha = items[i].blobs[k];
            json_t *st = json_object_get(states, sha);
            const char *state = json_string_value(json_object_get(st, "state"));
            if (state && strcmp(state, "complete") == 0)
                continue;
            int64_t off = 0;
            if (state && strcmp(state, "partial") == 0)
                off = json_integer_value(json_object_get(st, "offset"));
            /* At most two status writes a second: each is a store transaction, and on a fast
             * link a photo takes less time than that. */
            if (mono_now() - a->last_status >= 0.5) {
                status(a, "uploading: %s %d of %d in this batch (photo %.8s)", items[i].kind,
                       i + 1, n, sha);
                a->last_status = mono_now();
            }
            struct err be = {0};
            int brc = blob_upload(a, sha, off, &be);
            if (brc == GW_OK) {
                json_object_set_new(states, sha, json_pack("{s:s}", "state", "complete"));
                r->blobs++;
                continue;
            }
            if (brc == GW_ENET || brc == GW_EAUTH || brc == GW_ECANCEL) {
                *e = be;
                rc = brc;
                if (brc == GW_ENET) {
                    fail_item(a, &items[i], be.msg, 0, 0);
                    marked = 1;
                }
                goto net;
            }
            /* A problem of this item alone: record it, go on with the others. */
            /* A missing or damaged media file, or one over the hub's limit, will not heal by
             * retrying: hold it for a person. */
            fail_item(a, &items[i], be.msg,
                      brc == GW_ECORRUPT || brc == GW_ETOOBIG || brc == GW_ENOTFOUND, -1);
            skip[i] = 1;
            r->failed++;
        }
    }
    for (int i = 0; i < n; i++) {
        json_t *rec = NULL;
        struct err re = {0};
        if (skip[i])
            continue;
        if (wire_record_new(&rec, items[i].uuid, items[i].kind, items[i].entity_uuid,
                            items[i].payload, (const char *const *)items[i].blobs, &re)) {
            fail_item(a, &items[i], re.msg, 1, -1);
            skip[i] = 1;
            r->failed++;
            continue;
        }
        idx[json_array_size(records)] = i;
        json_array_append_new(records, rec);
    }
    if (json_array_size(records) == 0)
        goto out;
    struct post p = {a, items, idx, records, skip, sent, 0, r};
    rc = post_records(&p, 0, json_array_size(records), e);
    /* What the hub confirmed is marked even when a later half of the batch failed. */
    if (p.nsent > 0) {
        struct err me = {0};
        int mrc = outbox_mark_sent(a->db, sent, p.nsent, &me);
        if (mrc == GW_OK)
            r->sent += p.nsent;
        else if (rc == GW_OK) {
            *e = me;
            rc = mrc;
        }
    }
    if (rc == GW_ENET || rc == GW_EAUTH || rc == GW_ECANCEL)
        goto net;
    goto out;
net:
    /* The hub was unreachable, refused us or we were stopped: the first unsent item carries
     * the error so the app can show it; the rest simply stay queued, in order. */
    if (rc == GW_EAUTH)
        outbox_setting_set(a->db, OUTBOX_KEY_AUTH, e->msg, NULL);
    for (int i = 0; i < n && rc == GW_ENET && !marked; i++)
        if (!skip[i]) {
            fail_item(a, &items[i], e->msg, 0, 0);
            marked = 1;
        }
out:
    free(idx);
    json_decref(records);
    json_decref(states);
    json_decref(shas);
    json_decref(seen);
    free(skip);
    free(sent);
    return rc;
}

int agent_pass(struct agent *a, volatile sig_atomic_t *stop, struct agent_report *r,
               struct err *e)
{
    char now[DB_TIME_LEN];
    int rc = GW_OK, prc = GW_OK;
    struct err pe = {0};
    memset(r, 0, sizeof *r);
    a->stop = stop;
    status(a, "contacting the hub");
    prc = pull_changes(a, r, &pe);
    if (prc == GW_ENET || prc == GW_EAUTH || prc == GW_ECANCEL) {
        *e = pe;
        rc = prc;
        goto out;
    }
    /* A page the store refuses must not block uploads: say so and carry on pushing. */
    if (prc)
        fprintf(stderr, "gridwalk-syncd: cannot apply the hub's changes: %s\n", pe.msg);
    outbox_setting_clear(a->db, OUTBOX_KEY_AUTH, NULL);
    int64_t after = 0;
    for (;;) {
        struct outbox_item *items = NULL;
        int n = 0;
        if (stop && *stop) {
            rc = err_set(e, GW_ECANCEL, "stopped");
            break;
        }
        db_now(now);
        /* Rows that failed earlier in this pass are not taken again in this pass. */
        if ((rc = outbox_take(a->db, now, after, a->cfg.batch, 0, &items, &n, e)))
            break;
        if (n == 0) {
            outbox_items_free(items, n);
            break;
        }
        after = items[n - 1].seq;
        rc = push_batch(a, items, n, r, e);
        outbox_items_free(items, n);
        if (rc)
            break;
    }
out:
    outbox_setting_set(a->db, OUTBOX_KEY_PROGRESS, "", NULL);
    if (rc == GW_OK) {
        db_now(now);
        outbox_setting_set(a->db, OUTBOX_KEY_LAST_SUCCESS, now, NULL);
        struct outbox_counts c;
        outbox_counts(a->db, &c, NULL);
        if (prc)
            status(a, "uploads done, but the hub's changes could not be applied: %s", pe.msg);
        else if (c.queued + c.retrying + c.held == 0)
            status(a, "all sent");
        else
            status(a, "%lld waiting to retry, %lld need attention", (long long)(c.queued + c.retrying),
                   (long long)c.held);
    } else if (rc == GW_EAUTH) {
        outbox_setting_set(a->db, OUTBOX_KEY_AUTH, e->msg, NULL);
        status(a, "the hub refused this device: %s", e->msg);
    } else if (rc != GW_ECANCEL)
        status(a, "not synced: %s", e->msg);
    /* The app's status line says "hub unreachable" in the user's language from this. */
    if (rc != GW_ECANCEL)
        outbox_setting_set(a->db, OUTBOX_KEY_REACH, rc == GW_ENET ? "offline" : "online", NULL);
    return rc;
}
