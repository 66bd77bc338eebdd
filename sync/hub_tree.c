/* hub_tree.c - the evidence tree over the hub's tables (see hub_tree.h). */
#include "gridwalk/config.h"

#include "app/naming.h"
#include "sync/hub_tree.h"
#include "sync/sbuf.h"
#include "sync/wire.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void tree_root(struct tree_node *out)
{
    memset(out, 0, sizeof *out);
    out->level = TL_ROOT;
    snprintf(out->name, sizeof out->name, "/");
    /* The root changes whenever anything arrives; "now" is the honest modification time. */
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out->mtime, sizeof out->mtime, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

void tree_list_free(struct tree_list *l)
{
    free(l->v);
    memset(l, 0, sizeof *l);
}

static struct tree_node *push(struct tree_list *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        struct tree_node *nv = realloc(l->v, (size_t)l->cap * sizeof *nv);
        if (!nv)
            abort();
        l->v = nv;
    }
    struct tree_node *t = &l->v[l->n++];
    memset(t, 0, sizeof *t);
    return t;
}

struct ctx {
    struct tree_list *l;
    const struct tree_node *dir;
};

/* ---- the text files ---- */

#define REMARKS_NAME "remarks.txt"

static void put_value(struct sbuf *b, json_t *v)
{
    if (json_is_string(v))
        sbuf_printf(b, "%s", json_string_value(v));
    else if (!v || json_is_null(v))
        sbuf_printf(b, "-");
    else {
        char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
        sbuf_printf(b, "%s", t ? t : "?");
        free(t);
    }
}

/* "lat, lon (±acc m)" or unknown; lat/lon/acc are the store's text ("" = unknown). */
static void put_position(struct sbuf *b, const char *lat, const char *lon, const char *acc)
{
    sbuf_printf(b, "Position / 位置: ");
    if (!lat[0] || !lon[0]) {
        sbuf_printf(b, "unknown / 未知\n");
        return;
    }
    sbuf_printf(b, "%s, %s", lat, lon);
    if (acc[0])
        sbuf_printf(b, " (accuracy / 精度 ±%s m)", acc);
    sbuf_printf(b, "\n");
}

static void put_remark(struct sbuf *b, const char *label, const char *text)
{
    sbuf_printf(b, "\n%s:\n%s\n", label, text[0] ? text : "(none / 无)");
}

/* cols as hub_q_entry gives them. */
static void render_entry(struct sbuf *b, const char *const *c)
{
    sbuf_printf(b, "Entry / 条目: %s\n", c[1]);
    sbuf_printf(b, "Created / 创建时间: %s\n", c[6]);
    sbuf_printf(b, "Updated / 更新时间: %s\n", c[2]);
    sbuf_printf(b, "Version / 版本: %s\n", c[5]);
    put_position(b, c[7], c[8], c[9]);
    sbuf_printf(b, "Entry ID / 条目编号: %s\n", c[0]);
    put_remark(b, "Appearance remark / 外观备注", c[3]);
    put_remark(b, "Nameplate remark / 铭牌备注", c[4]);
}

static void put_hex(struct sbuf *b, const char *b64)
{
    size_t n = strlen(b64);
    if (n == 0 || n % 4) {
        sbuf_printf(b, "%s\n", n ? "(not valid base64 / 编码无效)" : "(none / 无)");
        return;
    }
    unsigned char *raw = malloc(n / 4 * 3 + 1);
    if (!raw)
        abort();
    int len = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)n);
    if (len < 0) {
        sbuf_printf(b, "(not valid base64 / 编码无效)\n");
        free(raw);
        return;
    }
    for (size_t k = n; k > 0 && b64[k - 1] == '=' && len > 0; k--)
        len--; /* EVP_DecodeBlock counts the padding as zero bytes */
    /* The probe's transcript is mostly a readable log: show it as text too when it is. */
    int printable = len > 0;
    for (int i = 0; i < len && printable; i++)
        printable = raw[i] >= 0x20 ? raw[i] != 0x7f : (raw[i] == '\n' || raw[i] == '\t');
    if (printable) {
        sbuf_put(b, (const char *)raw, (size_t)len);
        if (raw[len - 1] != '\n')
            sbuf_put(b, "\n", 1);
        sbuf_printf(b, "\nThe same bytes in hex / 十六进制:\n");
    }
    for (int i = 0; i < len; i += 16) {
        sbuf_printf(b, "%06x ", i);
        for (int j = i; j < i + 16 && j < len; j++)
            sbuf_printf(b, " %02x", raw[j]);
        sbuf_printf(b, "\n");
    }
    if (len == 0)
        sbuf_printf(b, "(empty / 空)\n");
    free(raw);
}

/* uuid, read_at, payload (the device's JSON). */
static void render_reading(struct sbuf *b, const char *const *c)
{
    json_t *p = json_loads(c[2], 0, NULL), *regs, *r;
    size_t i;
    char num[3][64];
    static const char *const pos[] = {"lat", "lon", "accuracy_m"};
    sbuf_printf(b, "Customer / 户号: ");
    put_value(b, json_object_get(p, "customer_account"));
    sbuf_printf(b, "\nRead at / 抄读时间: %s\n", c[1]);
    sbuf_printf(b, "Method / 方式: ");
    put_value(b, json_object_get(p, "method"));
    sbuf_printf(b, "\nMeter number reported / 电表报告的表号: ");
    put_value(b, json_object_get(p, "meter_reported"));
    sbuf_printf(b, "\nProtocol / 规约: ");
    put_value(b, json_object_get(p, "protocol"));
    sbuf_printf(b, "\nRegisters / 寄存器:\n");
    regs = json_object_get(p, "registers");
    if (json_array_size(regs) == 0)
        sbuf_printf(b, "  (none / 无)\n");
    json_array_foreach(regs, i, r)
    {
        sbuf_printf(b, "  ");
        put_value(b, json_object_get(r, "id"));
        sbuf_printf(b, " = ");
        put_value(b, json_object_get(r, "value"));
        json_t *u = json_object_get(r, "unit");
        if (json_is_string(u) && json_string_value(u)[0])
            sbuf_printf(b, " %s", json_string_value(u));
        sbuf_printf(b, "\n");
    }
    sbuf_printf(b, "Validation / 校验结果: ");
    put_value(b, json_object_get(p, "validation"));
    sbuf_printf(b, "\nReason code / 原因代码: ");
    put_value(b, json_object_get(p, "reason_code"));
    sbuf_printf(b, "\nTask / 任务: ");
    put_value(b, json_object_get(p, "task_uuid"));
    sbuf_printf(b, "\n");
    for (int k = 0; k < 3; k++) {
        json_t *v = json_object_get(p, pos[k]);
        num[k][0] = '\0';
        if (json_is_number(v))
            snprintf(num[k], sizeof num[k], "%.15g", json_number_value(v));
    }
    put_position(b, num[0], num[1], num[2]);
    sbuf_printf(b, "Reading ID / 读数编号: %s\n", c[0]);
    sbuf_printf(b, "\nProbe transcript / 通信记录:\n");
    const char *t = json_string_value(json_object_get(p, "transcript_b64"));
    put_hex(b, t ? t : "");
    json_decref(p);
}

struct text_ctx {
    int kind; /* TF_REMARKS or TF_READING */
    struct sbuf b;
    int found;
};

static void on_text_row(void *p, const char *const *c)
{
    struct text_ctx *x = p;
    x->found = 1;
    if (x->kind == TF_REMARKS)
        render_entry(&x->b, c);
    else
        render_reading(&x->b, c);
}

int tree_text(struct hub_store *hs, const struct tree_node *file, char **buf, size_t *len,
              struct err *e)
{
    struct text_ctx x = {(int)file->file, {0}, 0};
    int rc;
    *buf = NULL;
    *len = 0;
    if (file->level != TL_FILE || file->file == TF_PHOTO)
        return err_set(e, GW_EINVAL, "%s is not a text file", file->name);
    if (file->file == TF_REMARKS)
        rc = hub_q_entry(hs, file->key, on_text_row, &x, e);
    else
        rc = hub_q_readings(hs, file->owner, file->key, NULL, on_text_row, &x, e);
    if (rc == GW_OK && !x.found)
        rc = err_set(e, GW_ENOTFOUND, "%s is no longer on the hub", file->name);
    if (rc) {
        sbuf_done(&x.b);
        return rc;
    }
    if (!x.b.p)
        sbuf_put(&x.b, "", 0);
    *buf = sbuf_take(&x.b, len);
    return GW_OK;
}

/* Fills a text node's size and hash from its bytes. */
static void text_stat(struct tree_node *t, struct sbuf *b)
{
    t->size = (int64_t)b->n;
    wire_sha256_hex(b->p ? b->p : "", b->n, t->sha);
}

static void on_remarks(void *p, const char *const *c)
{
    struct ctx *x = p;
    struct tree_node *t = push(x->l);
    struct sbuf b = {0};
    render_entry(&b, c);
    t->level = TL_FILE;
    t->file = TF_REMARKS;
    snprintf(t->key, sizeof t->key, "%s", c[0]);
    snprintf(t->name, sizeof t->name, "%s", REMARKS_NAME);
    snprintf(t->mtime, sizeof t->mtime, "%s", c[2]);
    text_stat(t, &b);
    sbuf_done(&b);
}

static void on_reading(void *p, const char *const *c)
{
    struct ctx *x = p;
    struct tree_node *t = push(x->l);
    struct sbuf b = {0};
    char stamp[32] = "", raw[160];
    json_t *pl = json_loads(c[2], 0, NULL);
    const char *method = json_string_value(json_object_get(pl, "method"));
    /* "2026-11-22T08:15:00.123Z" -> "2026-11-22T08-15-00Z": sortable, safe everywhere. */
    size_t k = 0;
    for (size_t i = 0; c[1][i] && c[1][i] != '.' && c[1][i] != 'Z' && k + 2 < sizeof stamp; i++)
        stamp[k++] = c[1][i] == ':' ? '-' : c[1][i];
    if (k)
        stamp[k++] = 'Z';
    stamp[k] = '\0';
    snprintf(raw, sizeof raw, "%s %.40s.txt", k ? stamp : "reading", method ? method : "reading");
    json_decref(pl);
    render_reading(&b, c);
    t->level = TL_FILE;
    t->file = TF_READING;
    snprintf(t->key, sizeof t->key, "%s", c[0]);
    snprintf(t->owner, sizeof t->owner, "%s", x->dir->key);
    naming_safe(raw, t->name, sizeof t->name);
    snprintf(t->mtime, sizeof t->mtime, "%s", c[1]);
    text_stat(t, &b);
    sbuf_done(&b);
}

static void count_row(void *p, const char *const *c)
{
    (void)c;
    (*(int *)p)++;
}

static void on_customer(void *p, const char *const *c)
{
    struct ctx *x = p;
    struct tree_node *t = push(x->l);
    char raw[512];
    t->level = TL_CUSTOMER;
    snprintf(t->key, sizeof t->key, "%s", c[0]);
    snprintf(raw, sizeof raw, "%s%s%s", c[0], c[1][0] ? " " : "", c[1]);
    naming_safe(raw, t->name, sizeof t->name);
    snprintf(t->mtime, sizeof t->mtime, "%s", c[2]);
}

static void on_folder(void *p, const char *const *c)
{
    struct ctx *x = p;
    struct tree_node *t = push(x->l);
    t->level = TL_FOLDER;
    snprintf(t->key, sizeof t->key, "%s", c[0]);
    naming_safe(c[1], t->name, sizeof t->name);
    snprintf(t->mtime, sizeof t->mtime, "%s", c[2]);
}

static void on_entry(void *p, const char *const *c)
{
    struct ctx *x = p;
    struct tree_node *t = push(x->l);
    t->level = TL_ENTRY;
    snprintf(t->key, sizeof t->key, "%s", c[0]);
    naming_safe(c[1], t->name, sizeof t->name);
    snprintf(t->mtime, sizeof t->mtime, "%s", c[2]);
}

static void on_photo(void *p, const char *const *c)
{
    struct ctx *x = p;
    struct tree_node *t = push(x->l);
    const char *ta = c[3];
    char stamp[32] = "";
    size_t k = 0;
    /* "2026-11-22T14:03:07.123Z" -> "20261122-140307": sortable, safe everywhere. */
    for (size_t i = 0; ta[i] && ta[i] != '.' && k + 1 < sizeof stamp; i++) {
        if (ta[i] >= '0' && ta[i] <= '9')
            stamp[k++] = ta[i];
        else if (ta[i] == 'T')
            stamp[k++] = '-';
    }
    stamp[k] = '\0';
    t->level = TL_FILE;
    snprintf(t->key, sizeof t->key, "%s", c[0]);
    snprintf(t->sha, sizeof t->sha, "%s", c[1]);
    t->size = strtoll(c[2], NULL, 10);
    snprintf(t->name, sizeof t->name, "%s_%.8s.jpg", stamp[0] ? stamp : "photo", c[1]);
    snprintf(t->mtime, sizeof t->mtime, "%s", ta);
}

/* Siblings with the same safe name get " (2)", " (3)"... in listing (creation) order. */
static void make_unique(struct tree_list *l)
{
    for (int i = 1; i < l->n; i++) {
        int dup = 1;
        for (int j = 0; j < i; j++)
            if (strcmp(l->v[i].name, l->v[j].name) == 0)
                dup++;
        if (dup == 1)
            continue;
        char base[256], ext[16] = "";
        snprintf(base, sizeof base, "%s", l->v[i].name);
        char *dot = l->v[i].level == TL_FILE ? strrchr(base, '.') : NULL;
        if (dot) {
            snprintf(ext, sizeof ext, "%s", dot);
            *dot = '\0';
        }
        snprintf(l->v[i].name, sizeof l->v[i].name, "%.200s (%d)%s", base, dup, ext);
    }
}

int tree_children(struct hub_store *hs, const struct hub_user *u, const struct tree_node *dir,
                  const char *since, struct tree_list *l, struct err *e)
{
    struct ctx x = {l, dir};
    int rc = GW_OK;
    l->n = 0;
    switch (dir->level) {
    case TL_ROOT:
        rc = hub_q_customers(hs, u, NULL, on_customer, &x, e);
        break;
    case TL_CUSTOMER: {
        int readings = 0;
        for (int c = 1; c <= 3; c++) {
            struct tree_node *t = push(l);
            t->level = TL_CATEGORY;
            t->category = c;
            snprintf(t->key, sizeof t->key, "%s", dir->key);
            naming_safe(hub_category_name(hs, c), t->name, sizeof t->name);
            snprintf(t->mtime, sizeof t->mtime, "%s", dir->mtime);
        }
        /* readings/ only where there are some, so an inspection-only customer looks as before. */
        rc = hub_q_readings(hs, dir->key, NULL, since, count_row, &readings, e);
        if (rc == GW_OK && readings > 0) {
            struct tree_node *t = push(l);
            t->level = TL_READINGS;
            snprintf(t->key, sizeof t->key, "%s", dir->key);
            snprintf(t->name, sizeof t->name, "readings");
            snprintf(t->mtime, sizeof t->mtime, "%s", dir->mtime);
        }
        break;
    }
    case TL_READINGS:
        rc = hub_q_readings(hs, dir->key, NULL, since, on_reading, &x, e);
        break;
    case TL_CATEGORY:
        rc = hub_q_folders(hs, dir->key, dir->category, on_folder, &x, e);
        break;
    case TL_FOLDER:
        rc = hub_q_entries(hs, dir->key, since, on_entry, &x, e);
        break;
    case TL_ENTRY:
        for (int s = 0; s < 2; s++) {
            struct tree_node *t = push(l);
            t->level = TL_SUB;
            snprintf(t->key, sizeof t->key, "%s", dir->key);
            snprintf(t->sub, sizeof t->sub, "%s", s ? "nameplate" : "appearance");
            snprintf(t->name, sizeof t->name, "%s", t->sub);
            snprintf(t->mtime, sizeof t->mtime, "%s", dir->mtime);
        }
        rc = hub_q_entry(hs, dir->key, on_remarks, &x, e);
        break;
    case TL_SUB:
        rc = hub_q_photos(hs, dir->key, dir->sub, on_photo, &x, e);
        break;
    case TL_FILE:
        break;
    }
    make_unique(l);
    return rc;
}

int tree_resolve(struct hub_store *hs, const struct hub_user *u, const char *path,
                 struct tree_node *out, struct err *e)
{
    struct tree_list l = {0};
    char name[512];
    int rc = GW_OK;
    tree_root(out);
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len >= sizeof name || out->level == TL_FILE) {
            rc = err_set(e, GW_ENOTFOUND, "no such folder or file");
            goto out;
        }
        memcpy(name, p, len);
        name[len] = '\0';
        if ((rc = tree_children(hs, u, out, NULL, &l, e)))
            goto out;
        int found = -1;
        for (int i = 0; i < l.n && found < 0; i++)
            if (strcmp(l.v[i].name, name) == 0)
                found = i;
        if (found < 0) {
            rc = err_set(e, GW_ENOTFOUND, "no such folder or file: %s", name);
            goto out;
        }
        *out = l.v[found];
        p += len;
    }
out:
    tree_list_free(&l);
    return rc;
}
