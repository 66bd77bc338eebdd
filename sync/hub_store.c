/* hub_store.c - the hub's SQLite schema and queries, and its blob store (see hub_store.h).
 *
 * Why the evidence tables exist beside `records`: records are the immutable log of what each
 * device sent (idempotency and conflicts are decided there); folders/entries/photos are the
 * evidence tree rebuilt from that log, so listing a folder is one indexed query. Entries keep
 * every version (the newest wins in listings); folders are renamable (newest updated_at
 * wins); photos and readings never change once received. */
#include "gridwalk/config.h"

#include "sync/hub_store.h"
#include "sync/wire.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <uuid/uuid.h>

#define PBKDF2_ITERATIONS 120000
#define CATEGORY_MAX 64

#define STMT_CACHE 64

struct hub_store {
    sqlite3 *h;
    char *dir;
    char categories[3][CATEGORY_MAX * 4];
    /* Prepared statements kept across requests, keyed by their SQL literal: preparing costs
     * more than running most of these, and the hub runs the same few thousands of times. */
    struct {
        const char *sql;
        sqlite3_stmt *st;
    } cache[STMT_CACHE];
    int ncache;
};

static const char *const schema_v1 =
    "CREATE TABLE devices(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    "  token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, revoked_at TEXT);"
    "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    "  role TEXT NOT NULL CHECK(role IN ('supervisor','admin')), region TEXT NOT NULL DEFAULT '',"
    "  salt TEXT NOT NULL, hash TEXT NOT NULL, iterations INTEGER NOT NULL,"
    "  created_at TEXT NOT NULL);"
    "CREATE TABLE customers(account TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '',"
    "  meter TEXT NOT NULL DEFAULT '', capacity TEXT NOT NULL DEFAULT '',"
    "  address TEXT NOT NULL DEFAULT '', line TEXT NOT NULL DEFAULT '',"
    "  voltage TEXT NOT NULL DEFAULT '', region TEXT NOT NULL DEFAULT '',"
    "  lat REAL, lon REAL, coord_accuracy_m REAL, coord_source TEXT, updated_at TEXT NOT NULL);"
    "CREATE TABLE tasks(uuid TEXT PRIMARY KEY, device_id INTEGER NOT NULL REFERENCES devices(id),"
    "  kind TEXT NOT NULL CHECK(kind IN ('inspection','meter-reading')), account TEXT NOT NULL,"
    "  due_date TEXT, instructions TEXT NOT NULL DEFAULT '', priority INTEGER NOT NULL DEFAULT 0,"
    "  state TEXT NOT NULL DEFAULT 'assigned', reason_code TEXT, result TEXT,"
    "  assigned_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE TABLE changes(rev INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,"
    "  key TEXT NOT NULL, device_id INTEGER, data TEXT NOT NULL);"
    "CREATE TABLE records(id TEXT PRIMARY KEY, kind TEXT NOT NULL, entity TEXT NOT NULL,"
    "  version INTEGER NOT NULL, digest TEXT NOT NULL, record TEXT NOT NULL, device_id INTEGER,"
    "  received_at TEXT NOT NULL);"
    "CREATE INDEX records_received ON records(received_at);"
    "CREATE TABLE folders(uuid TEXT PRIMARY KEY, account TEXT NOT NULL, category INTEGER NOT NULL,"
    "  name TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE INDEX folders_account ON folders(account, category);"
    "CREATE TABLE entries(uuid TEXT NOT NULL, version INTEGER NOT NULL, folder_uuid TEXT NOT NULL,"
    "  account TEXT NOT NULL, name TEXT NOT NULL, appearance_remark TEXT NOT NULL DEFAULT '',"
    "  nameplate_remark TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL, digest TEXT NOT NULL, PRIMARY KEY(uuid, version));"
    "CREATE INDEX entries_folder ON entries(folder_uuid);"
    "CREATE TABLE photos(uuid TEXT PRIMARY KEY, entry_uuid TEXT NOT NULL, folder TEXT NOT NULL,"
    "  sha256 TEXT NOT NULL, bytes INTEGER NOT NULL, taken_at TEXT NOT NULL,"
    "  digest TEXT NOT NULL);"
    "CREATE INDEX photos_entry ON photos(entry_uuid, folder);"
    "CREATE TABLE readings(uuid TEXT PRIMARY KEY, account TEXT NOT NULL, digest TEXT NOT NULL,"
    "  payload TEXT NOT NULL);"
    "CREATE TABLE tombstones(uuid TEXT PRIMARY KEY, kind TEXT NOT NULL, reason TEXT,"
    "  deleted_at TEXT);"
    "PRAGMA user_version = 1;";

/* Version 2: where an entry was made, what each device reported of a task (times, position,
 * who), and the readings' columns the evidence tree sorts by. Rows of version 1 are filled
 * from the records log, which kept every payload whole. */
static const char *const schema_v2 =
    "ALTER TABLE entries ADD COLUMN lat REAL;"
    "ALTER TABLE entries ADD COLUMN lon REAL;"
    "ALTER TABLE entries ADD COLUMN accuracy_m REAL;"
    "UPDATE entries SET (lat, lon, accuracy_m) = (SELECT json_extract(r.record, '$.payload.lat'),"
    "  json_extract(r.record, '$.payload.lon'), json_extract(r.record, '$.payload.accuracy_m')"
    "  FROM records r WHERE r.kind = 'entry' AND r.entity = entries.uuid"
    "  AND r.version = entries.version LIMIT 1);"
    "ALTER TABLE readings ADD COLUMN read_at TEXT;"
    "UPDATE readings SET read_at = json_extract(payload, '$.read_at');"
    "CREATE INDEX readings_account ON readings(account, read_at);"
    "ALTER TABLE tasks ADD COLUMN started_at TEXT;"
    "ALTER TABLE tasks ADD COLUMN finished_at TEXT;"
    "ALTER TABLE tasks ADD COLUMN lat REAL;"
    "ALTER TABLE tasks ADD COLUMN lon REAL;"
    "ALTER TABLE tasks ADD COLUMN accuracy_m REAL;"
    "ALTER TABLE tasks ADD COLUMN reported_by INTEGER;"   /* device of the newest report */
    "ALTER TABLE tasks ADD COLUMN withdrawn_from INTEGER;" /* assignee it was taken back from */
    /* One row per task and device that reported work on it: the newest report of each. */
    "CREATE TABLE task_work(task_uuid TEXT NOT NULL, device_id INTEGER NOT NULL,"
    "  state TEXT NOT NULL, reason_code TEXT, result TEXT, started_at TEXT, finished_at TEXT,"
    "  lat REAL, lon REAL, accuracy_m REAL, reported_at TEXT NOT NULL,"
    "  PRIMARY KEY(task_uuid, device_id));"
    "INSERT INTO task_work SELECT entity, coalesce(device_id, 0),"
    "  json_extract(record, '$.payload.state'), json_extract(record, '$.payload.reason_code'),"
    "  json_extract(record, '$.payload.result'), json_extract(record, '$.payload.started_at'),"
    "  json_extract(record, '$.payload.finished_at'), json_extract(record, '$.payload.lat'),"
    "  json_extract(record, '$.payload.lon'), json_extract(record, '$.payload.accuracy_m'),"
    "  max(received_at) FROM records WHERE kind = 'task'"
    "  AND json_extract(record, '$.payload.state') IS NOT NULL"
    "  GROUP BY entity, coalesce(device_id, 0);"
    "UPDATE tasks SET (started_at, finished_at, lat, lon, accuracy_m, reported_by) ="
    "  (SELECT started_at, finished_at, lat, lon, accuracy_m, nullif(device_id, 0) FROM task_work w"
    "   WHERE w.task_uuid = tasks.uuid ORDER BY reported_at DESC LIMIT 1)"
    "  WHERE EXISTS(SELECT 1 FROM task_work w WHERE w.task_uuid = tasks.uuid);"
    "PRAGMA user_version = 2;";

/* Every migration in order; the store's user_version counts those applied. Never edit one
 * that has shipped: append the next. */
static const char *const migrations[] = {schema_v1, schema_v2};
#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

static void now_iso(char out[32])
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 32 - n, ".%03dZ", (int)(ts.tv_nsec / 1000000) % 1000);
}

static int db_err(struct hub_store *hs, struct err *e, const char *what)
{
    return err_set(e, GW_EDB, "hub store %s/hub.db: %s: %s", hs->dir, what, sqlite3_errmsg(hs->h));
}

static int exec(struct hub_store *hs, const char *sql, struct err *e)
{
    char *msg = NULL;
    if (sqlite3_exec(hs->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
        err_set(e, GW_EDB, "hub store %s/hub.db: %s", hs->dir, msg ? msg : "error");
        sqlite3_free(msg);
        return GW_EDB;
    }
    return GW_OK;
}

/* Prepares (or takes from the cache) a statement with positional parameters; sql must be a
 * string literal. The caller hands it back with release(). */
static sqlite3_stmt *prep(struct hub_store *hs, const char *sql, struct err *e)
{
    sqlite3_stmt *st = NULL;
    for (int i = 0; i < hs->ncache; i++)
        if (hs->cache[i].sql == sql)
            return hs->cache[i].st;
    if (sqlite3_prepare_v3(hs->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        db_err(hs, e, "preparing a query");
        return NULL;
    }
    if (hs->ncache < STMT_CACHE) {
        hs->cache[hs->ncache].sql = sql;
        hs->cache[hs->ncache].st = st;
        hs->ncache++;
    }
    return st;
}

/* Resets a cached statement for its next use (ending its read), or finalizes another. */
static void release(struct hub_store *hs, sqlite3_stmt *st)
{
    if (!st)
        return;
    for (int i = 0; i < hs->ncache; i++)
        if (hs->cache[i].st == st) {
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            return;
        }
    sqlite3_finalize(st);
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static void bind_json(sqlite3_stmt *st, int i, json_t *v)
{
    if (json_is_string(v))
        sqlite3_bind_text(st, i, json_string_value(v), -1, SQLITE_TRANSIENT);
    else if (json_is_integer(v))
        sqlite3_bind_int64(st, i, json_integer_value(v));
    else if (json_is_number(v))
        sqlite3_bind_double(st, i, json_number_value(v));
    else
        sqlite3_bind_null(st, i);
}

/* Steps a statement that returns no rows and finalizes it. */
static int run(struct hub_store *hs, sqlite3_stmt *st, struct err *e)
{
    int rc = sqlite3_step(st);
    int ext = sqlite3_extended_errcode(hs->h);
    int out = GW_OK;
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        out = (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
                  ? err_set(e, GW_EEXIST, "already there: %s", sqlite3_errmsg(hs->h))
                  : db_err(hs, e, "writing");
    release(hs, st);
    return out;
}

static int mkdir_p(const char *path, struct err *e)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return err_set(e, GW_EINVAL, "path too long: %s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0750) != 0 && errno != EEXIST)
            return err_set(e, GW_EIO, "cannot create %s: %s", buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0750) != 0 && errno != EEXIST)
        return err_set(e, GW_EIO, "cannot create %s: %s", buf, strerror(errno));
    return GW_OK;
}

/* DATA/hub.ini: only "categories = a,b,c" for now; other lines are ignored. */
static void load_config(struct hub_store *hs)
{
    static const char *const defaults[3] = {"用电检查", "计量装置", "营业服务"};
    for (int i = 0; i < 3; i++)
        snprintf(hs->categories[i], sizeof hs->categories[i], "%s", defaults[i]);
    char path[4096];
    snprintf(path, sizeof path, "%s/hub.ini", hs->dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        char *eq = strchr(line, '=');
        if (!eq || strncmp(line, "categories", 10) != 0)
            continue;
        char *save = NULL, *tok = strtok_r(eq + 1, ",\r\n", &save);
        for (int i = 0; i < 3 && tok; i++, tok = strtok_r(NULL, ",\r\n", &save)) {
            while (*tok == ' ')
                tok++;
            size_t l = strlen(tok);
            while (l && tok[l - 1] == ' ')
                tok[--l] = '\0';
            if (wire_name_valid(tok))
                snprintf(hs->categories[i], sizeof hs->categories[i], "%s", tok);
        }
    }
    fclose(f);
}

const char *hub_category_name(const struct hub_store *hs, int category)
{
    return (category >= 1 && category <= 3) ? hs->categories[category - 1] : "?";
}

int hub_store_open(struct hub_store **out, const char *data_dir, struct err *e)
{
    int rc = GW_OK;
    char path[4096];
    *out = NULL;
    struct hub_store *hs = calloc(1, sizeof *hs);
    if (!hs || !(hs->dir = strdup(data_dir)))
        abort();
    snprintf(path, sizeof path, "%s/blobs/partial", data_dir);
    if ((rc = mkdir_p(path, e)))
        goto fail;
    snprintf(path, sizeof path, "%s/hub.db", data_dir);
    if (sqlite3_open_v2(path, &hs->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        rc = err_set(e, GW_EDB, "cannot open %s: %s", path,
                     hs->h ? sqlite3_errmsg(hs->h) : "out of memory");
        goto fail;
    }
    sqlite3_extended_result_codes(hs->h, 1);
    sqlite3_busy_timeout(hs->h, 10000);
    if ((rc = exec(hs, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", e)))
        goto fail;
    sqlite3_stmt *st = prep(hs, "PRAGMA user_version", e);
    if (!st) {
        rc = GW_EDB;
        goto fail;
    }
    int version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    release(hs, st);
    if (version >= 0 && version < SCHEMA_VERSION) {
        if ((rc = exec(hs, "BEGIN IMMEDIATE", e)))
            goto fail;
        /* Another process may have migrated it while we waited for the lock. */
        st = prep(hs, "PRAGMA user_version", e);
        version = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
        release(hs, st);
        for (int v = version; v >= 0 && v < SCHEMA_VERSION; v++)
            if ((rc = exec(hs, migrations[v], e))) {
                exec(hs, "ROLLBACK", NULL);
                err_prefix(e, "migrating to hub schema version %d: ", v + 1);
                goto fail;
            }
        if ((rc = exec(hs, "COMMIT", e)))
            goto fail;
    } else if (version != SCHEMA_VERSION) {
        rc = err_set(e, GW_EDB, "%s has hub schema version %d; this gridwalk-hub knows up to %d",
                     path, version, SCHEMA_VERSION);
        goto fail;
    }
    load_config(hs);
    *out = hs;
    return GW_OK;
fail:
    hub_store_close(hs);
    return rc;
}

void hub_store_close(struct hub_store *hs)
{
    if (!hs)
        return;
    for (int i = 0; i < hs->ncache; i++)
        sqlite3_finalize(hs->cache[i].st);
    sqlite3_close(hs->h);
    free(hs->dir);
    free(hs);
}

const char *hub_store_dir(const struct hub_store *hs)
{
    return hs->dir;
}

/* ---- devices and users ---- */

static void hex(const unsigned char *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", p[i]);
}

int hub_device_add(struct hub_store *hs, const char *name, char token[HUB_TOKEN_LEN],
                   struct err *e)
{
    unsigned char raw[32];
    char hash[WIRE_SHA_LEN], now[32];
    if (!wire_name_valid(name) || strlen(name) > 63)
        return err_set(e, GW_EINVAL, "a device name must be 1-63 bytes without '/' or controls");
    if (RAND_bytes(raw, sizeof raw) != 1)
        return err_set(e, GW_EINTERNAL, "the system random generator failed");
    memcpy(token, "gw1_", 4);
    hex(raw, sizeof raw, token + 4);
    wire_sha256_hex(token, strlen(token), hash);
    now_iso(now);
    sqlite3_stmt *st = prep(hs, "INSERT INTO devices(name, token_hash, created_at) "
                                "VALUES(?1, ?2, ?3)", e);
    if (!st)
        return GW_EDB;
    bind_text(st, 1, name);
    bind_text(st, 2, hash);
    bind_text(st, 3, now);
    int rc = run(hs, st, e);
    if (rc == GW_EEXIST)
        return err_set(e, GW_EEXIST, "a device named \"%s\" is already enrolled", name);
    return rc;
}

int hub_device_id(struct hub_store *hs, const char *name, int64_t *device_id, struct err *e)
{
    *device_id = 0;
    sqlite3_stmt *st = prep(hs, "SELECT id FROM devices WHERE name = ?1 AND revoked_at IS NULL", e);
    if (!st)
        return GW_EDB;
    bind_text(st, 1, name);
    if (sqlite3_step(st) == SQLITE_ROW)
        *device_id = sqlite3_column_int64(st, 0);
    release(hs, st);
    if (!*device_id)
        return err_set(e, GW_ENOTFOUND, "no device \"%s\" on this hub (gridwalk-hub device add %s)",
                       name, name);
    return GW_OK;
}

int hub_device_auth(struct hub_store *hs, const char *token, int64_t *device_id, char *name,
                    size_t n, struct err *e)
{
    char hash[WIRE_SHA_LEN];
    wire_sha256_hex(token, strlen(token), hash);
    sqlite3_stmt *st = prep(hs, "SELECT id, name FROM devices WHERE token_hash = ?1 "
                                "AND revoked_at IS NULL", e);
    if (!st)
        return GW_EDB;
    bind_text(st, 1, hash);
    int rc = GW_OK;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *device_id = sqlite3_column_int64(st, 0);
        if (name && n)
            snprintf(name, n, "%s", (const char *)sqlite3_column_text(st, 1));
    } else
        rc = err_set(e, GW_EAUTH, "unknown or revoked device token");
    release(hs, st);
    return rc;
}

static void pbkdf2(const char *password, const unsigned char *salt, size_t saltlen, int iter,
                   unsigned char out[32])
{
    PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, (int)saltlen, iter, EVP_sha256(),
                      32, out);
}

static int unhex(const char *s, unsigned char *out, size_t n)
{
    if (strlen(s) != 2 * n)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned int v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (unsigned char)v;
    }
    return 0;
}

int hub_user_add(struct hub_store *hs, const char *name, const char *role, const char *region,
                 const char *password, struct err *e)
{
    unsigned char salt[16], dk[32];
    char salt_hex[33], dk_hex[65], now[32];
    if (!wire_name_valid(name) || strlen(name) > 63 || strchr(name, ':'))
        return err_set(e, GW_EINVAL, "a user name must be 1-63 bytes without '/', ':' or controls");
    if (strcmp(role, "supervisor") != 0 && strcmp(role, "admin") != 0)
        return err_set(e, GW_EINVAL, "role must be supervisor or admin");
    if (strlen(password) < 8)
        return err_set(e, GW_EINVAL, "the password must have at least 8 characters");
    if (RAND_bytes(salt, sizeof salt) != 1)
        return err_set(e, GW_EINTERNAL, "the system random generator failed");
    pbkdf2(password, salt, sizeof salt, PBKDF2_ITERATIONS, dk);
    hex(salt, sizeof salt, salt_hex);
    hex(dk, sizeof dk, dk_hex);
    now_iso(now);
    sqlite3_stmt *st = prep(hs,
                            "INSERT INTO users(name, role, region, salt, hash, iterations, "
                            "created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(name) DO "
                            "UPDATE SET role = excluded.role, region = excluded.region, "
                            "salt = excluded.salt, hash = excluded.hash, "
                            "iterations = excluded.iterations",
                            e);
    if (!st)
        return GW_EDB;
    bind_text(st, 1, name);
    bind_text(st, 2, role);
    bind_text(st, 3, region ? region : "");
    bind_text(st, 4, salt_hex);
    bind_text(st, 5, dk_hex);
    sqlite3_bind_int(st, 6, PBKDF2_ITERATIONS);
    bind_text(st, 7, now);
    return run(hs, st, e);
}

int hub_user_check(struct hub_store *hs, const char *name, const char *password,
                   struct hub_user *out, struct err *e)
{
    unsigned char salt[16], want[32], got[32];
    int rc = GW_EAUTH;
    sqlite3_stmt *st = prep(hs, "SELECT id, name, role, region, salt, hash, iterations FROM users "
                                "WHERE name = ?1", e);
    if (!st)
        return GW_EDB;
    bind_text(st, 1, name);
    if (sqlite3_step(st) == SQLITE_ROW &&
        unhex((const char *)sqlite3_column_text(st, 4), salt, sizeof salt) == 0 &&
        unhex((const char *)sqlite3_column_text(st, 5), want, sizeof want) == 0) {
        pbkdf2(password, salt, sizeof salt, sqlite3_column_int(st, 6), got);
        if (CRYPTO_memcmp(got, want, sizeof got) == 0) {
            out->id = sqlite3_column_int64(st, 0);
            snprintf(out->name, sizeof out->name, "%s", sqlite3_column_text(st, 1));
            snprintf(out->role, sizeof out->role, "%s", sqlite3_column_text(st, 2));
            snprintf(out->region, sizeof out->region, "%s", sqlite3_column_text(st, 3));
            rc = GW_OK;
        }
    }
    release(hs, st);
    if (rc)
        err_set(e, GW_EAUTH, "wrong user name or password");
    return rc;
}

/* ---- customers, tasks, changes ---- */

/* Appends the current row of a customer to the change log every device pulls. */
static int log_customer(struct hub_store *hs, const char *account, struct err *e)
{
    sqlite3_stmt *st = prep(
        hs,
        "INSERT INTO changes(kind, key, device_id, data) SELECT 'customer', account, NULL,"
        " json_object('account', account, 'name', name, 'meter', meter, 'capacity', capacity,"
        "  'address', address, 'line', line, 'voltage', voltage, 'lat', lat, 'lon', lon,"
        "  'coord_accuracy_m', coord_accuracy_m, 'updated_at', updated_at)"
        " FROM customers WHERE account = ?1",
        e);
    if (!st)
        return GW_EDB;
    bind_text(st, 1, account);
    return run(hs, st, e);
}

/* One CSV record into fields (RFC 4180 quoting; quoted fields may span lines). Returns the
 * field count, 0 at end of file. Fields are capped so a hostile file cannot eat memory. */
#define CSV_MAX_FIELDS 32
#define CSV_MAX_FIELD 2048
static int csv_record(FILE *f, char fields[CSV_MAX_FIELDS][CSV_MAX_FIELD])
{
    int nf = 0, c, quoted = 0, any = 0;
    size_t len = 0;
    fields[0][0] = '\0';
    while ((c = fgetc(f)) != EOF) {
        any = 1;
        if (quoted) {
            if (c == '"') {
                int d = fgetc(f);
                if (d == '"')
                    goto put;
                quoted = 0;
                if (d == EOF)
                    break;
                ungetc(d, f);
                continue;
            }
            goto put;
        }
        if (c == '"' && len == 0) {
            quoted = 1;
            continue;
        }
        if (c == ',') {
            fields[nf][len] = '\0';
            if (nf + 1 < CSV_MAX_FIELDS)
                nf++;
            len = 0;
            fields[nf][0] = '\0';
            continue;
        }
        if (c == '\r')
            continue;
        if (c == '\n')
            break;
    put:
        if (len + 1 < CSV_MAX_FIELD)
            fields[nf][len++] = (char)c;
    }
    if (!any)
        return 0;
    fields[nf][len] = '\0';
    return nf + 1;
}

static int csv_column(const char *h)
{
    static const char *const keys[][3] = {
        {"account", "户号", NULL},   {"name", "户名", NULL},
        {"meter", "表计局号", NULL}, {"capacity", "合同容量", NULL},
        {"address", "用电地址", NULL}, {"line", "线路名称", NULL},
        {"voltage", "供电电压等级", NULL}, {"lat", "纬度", "latitude"},
        {"lon", "经度", "longitude"},   {"region", "区域", "供电单位"}, {"lng", NULL, NULL},
    };
    if (strncmp(h, "\xEF\xBB\xBF", 3) == 0)
        h += 3; /* a UTF-8 byte-order mark, as spreadsheet exports write */
    for (int i = 0; i < (int)(sizeof keys / sizeof keys[0]); i++)
        for (int j = 0; j < 3 && keys[i][j]; j++)
            if (strcasecmp(h, keys[i][j]) == 0)
                return i == 10 ? 8 : i; /* "lng" is longitude */
    return -1;
}

/* 1 when s is well-formed UTF-8 (the marketing system may export GB18030 instead). */
static int utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2
                : (*p & 0xF8) == 0xF0 ? 3 : -1;
        if (n < 0 || (n == 1 && *p < 0xC2))
            return 0;
        p++;
        for (int i = 0; i < n; i++, p++)
            if ((*p & 0xC0) != 0x80)
                return 0;
    }
    return 1;
}

int hub_import_customers(struct hub_store *hs, FILE *csv, const char *region_default,
                         int64_t *count, struct err *e)
{
    static char fields[CSV_MAX_FIELDS][CSV_MAX_FIELD];
    int col[CSV_MAX_FIELDS], rc = GW_OK, line = 1;
    char now[32];
    *count = 0;
    int nf = csv_record(csv, fields);
    if (nf == 0)
        return err_set(e, GW_EINVAL, "the CSV file is empty");
    int have_account = 0;
    for (int i = 0; i < nf; i++) {
        col[i] = csv_column(fields[i]);
        have_account |= col[i] == 0;
    }
    if (!have_account)
        return err_set(e, GW_EINVAL, "the CSV header has no account (户号) column");
    now_iso(now);
    if ((rc = exec(hs, "BEGIN IMMEDIATE", e)))
        return rc;
    sqlite3_stmt *st = prep(
        hs,
        "INSERT INTO customers(account, name, meter, capacity, address, line, voltage, lat, lon,"
        " region, coord_source, updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
        " CASE WHEN ?8 IS NULL THEN NULL ELSE 'import' END, ?11)"
        " ON CONFLICT(account) DO UPDATE SET name = excluded.name, meter = excluded.meter,"
        " capacity = excluded.capacity, address = excluded.address, line = excluded.line,"
        " voltage = excluded.voltage, region = excluded.region, updated_at = excluded.updated_at,"
        " lat = coalesce(excluded.lat, lat), lon = coalesce(excluded.lon, lon),"
        " coord_source = CASE WHEN excluded.lat IS NULL THEN coord_source ELSE 'import' END"
        " WHERE (name, meter, capacity, address, line, voltage, region, lat, lon) IS NOT"
        " (excluded.name, excluded.meter, excluded.capacity, excluded.address, excluded.line,"
        "  excluded.voltage, excluded.region, coalesce(excluded.lat, lat),"
        "  coalesce(excluded.lon, lon))",
        e);
    if (!st) {
        exec(hs, "ROLLBACK", NULL);
        return GW_EDB;
    }
    int n;
    while ((n = csv_record(csv, fields)) > 0) {
        const char *v[10] = {0};
        line++;
        if (n == 1 && fields[0][0] == '\0')
            continue;
        for (int i = 0; i < n && i < nf; i++)
            if (col[i] >= 0)
                v[col[i]] = fields[i];
        int bad_utf8 = 0;
        for (int i = 0; i < n && i < nf; i++)
            bad_utf8 |= !utf8_valid(fields[i]);
        if (bad_utf8) {
            rc = err_set(e, GW_EINVAL,
                         "line %d is not UTF-8; if the file is GB18030, convert it first "
                         "(iconv -f GB18030 -t UTF-8)", line);
            break;
        }
        if (!v[0] || !wire_name_valid(v[0]) || strlen(v[0]) > 64) {
            rc = err_set(e, GW_EINVAL, "line %d: the account is empty or unsafe", line);
            break;
        }
        sqlite3_reset(st);
        for (int i = 0; i < 7; i++)
            bind_text(st, i + 1, v[i] ? v[i] : "");
        for (int i = 7; i < 9; i++) {
            char *end = NULL;
            double d = v[i] && *v[i] ? strtod(v[i], &end) : 0;
            if (v[i] && *v[i] && end && *end == '\0')
                sqlite3_bind_double(st, i + 1, d);
            else
                sqlite3_bind_null(st, i + 1);
        }
        bind_text(st, 10, v[9] && *v[9] ? v[9] : (region_default ? region_default : ""));
        bind_text(st, 11, now);
        if (sqlite3_step(st) != SQLITE_DONE) {
            rc = db_err(hs, e, "importing customers");
            err_prefix(e, "line %d: ", line);
            break;
        }
        if (sqlite3_changes(hs->h) > 0 && (rc = log_customer(hs, v[0], e)))
            break;
        (*count)++;
    }
    release(hs, st);
    if (rc) {
        exec(hs, "ROLLBACK", NULL);
        return rc;
    }
    return exec(hs, "COMMIT", e);
}

/* 1 when s is a calendar date YYYY-MM-DD (what "late" compares against). */
static int date_valid(const char *s)
{
    int y, m, d;
    char tail;
    return strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && m >= 1 &&
           m <= 12 && d >= 1 && d <= 31;
}

/* Logs a task's change for a device: its current row, or (withdrawn) a notice that the
 * device is to drop it. In the caller's transaction. */
static int log_task(struct hub_store *hs, const char *uuid, int64_t device_id, int withdrawn,
                    struct err *e)
{
    sqlite3_stmt *st = prep(
        hs,
        "INSERT INTO changes(kind, key, device_id, data) SELECT 'task', uuid,"
        " coalesce(nullif(?2, 0), device_id),"
        " json_object('uuid', uuid, 'kind', kind, 'account', account, 'due_date', due_date,"
        "  'instructions', instructions, 'priority', priority, 'state',"
        "  CASE WHEN ?3 AND state <> 'cancelled' THEN 'withdrawn' ELSE state END,"
        "  'withdrawn', json(CASE WHEN ?3 THEN 'true' ELSE 'false' END),"
        "  'assigned_at', assigned_at) FROM tasks WHERE uuid = ?1",
        e);
    if (!st)
        return GW_EDB;
    bind_text(st, 1, uuid);
    sqlite3_bind_int64(st, 2, device_id);
    sqlite3_bind_int(st, 3, withdrawn);
    return run(hs, st, e);
}

/* Inserts one task and its change inside the caller's transaction. */
static int task_insert(struct hub_store *hs, const char *device, const char *kind,
                       const char *account, const char *due_date, const char *instructions,
                       int priority, char uuid[37], struct err *e)
{
    char now[32];
    uuid_t u;
    int rc;
    if (!kind || (strcmp(kind, "inspection") != 0 && strcmp(kind, "meter-reading") != 0))
        return err_set(e, GW_EINVAL, "a task kind is inspection or meter-reading, not '%s'",
                       kind ? kind : "");
    if (due_date && *due_date && !date_valid(due_date))
        return err_set(e, GW_EINVAL, "the due date '%s' is not YYYY-MM-DD", due_date);
    uuid_generate_random(u);
    uuid_unparse_lower(u, uuid);
    now_iso(now);
    sqlite3_stmt *st = prep(
        hs,
        "INSERT INTO tasks(uuid, device_id, kind, account, due_date, instructions, priority,"
        " assigned_at, updated_at) SELECT ?1, d.id, ?2, c.account, ?3, ?4, ?8, ?5, ?5"
        " FROM devices d, customers c WHERE d.name = ?6 AND c.account = ?7",
        e);
    if (!st)
        return GW_EDB;
    bind_text(st, 1, uuid);
    bind_text(st, 2, kind);
    bind_text(st, 3, due_date && *due_date ? due_date : NULL);
    bind_text(st, 4, instructions ? instructions : "");
    bind_text(st, 5, now);
    bind_text(st, 6, device);
    bind_text(st, 7, account);
    sqlite3_bind_int(st, 8, priority);
    if ((rc = run(hs, st, e)))
        return rc;
    if (sqlite3_changes(hs->h) == 0)
        return err_set(e, GW_ENOTFOUND, "no device \"%s\" or no customer \"%s\" on this hub",
                       device ? device : "", account ? account : "");
    return log_task(hs, uuid, 0, 0, e);
}

int hub_task_add(struct hub_store *hs, const char *device, const char *kind, const char *account,
                 const char *due_date, const char *instructions, char uuid[37], struct err *e)
{
    int rc;
    if ((rc = exec(hs, "BEGIN IMMEDIATE", e)))
        return rc;
    if ((rc = task_insert(hs, device, kind, account, due_date, instructions, 0, uuid, e))) {
        exec(hs, "ROLLBACK", NULL);
        return rc;
    }
    return exec(hs, "COMMIT", e);
}

int hub_changes(struct hub_store *hs, int64_t device_id, int64_t since, int limit, json_t **page,
                int64_t *next, int *more, struct err *e)
{
    *page = json_array();
    *next = since;
    *more = 0;
    sqlite3_stmt *st = prep(hs, "SELECT rev, kind, data FROM changes WHERE rev > ?1 AND "
                                "(device_id IS NULL OR device_id = ?2) ORDER BY rev LIMIT ?3", e);
    if (!st)
        return GW_EDB;
    sqlite3_bind_int64(st, 1, since);
    sqlite3_bind_int64(st, 2, device_id);
    sqlite3_bind_int(st, 3, limit + 1);
    int n = 0, step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == limit) {
            *more = 1;
            break;
        }
        json_t *data = json_loads((const char *)sqlite3_column_text(st, 2), 0, NULL);
        *next = sqlite3_column_int64(st, 0);
        json_array_append_new(*page, json_pack("{s:I, s:s, s:o}", "rev", (json_int_t)*next, "kind",
                                               (const char *)sqlite3_column_text(st, 1), "data",
                                               data ? data : json_null()));
        n++;
    }
    release(hs, st);
    if (step != SQLITE_ROW && step != SQLITE_DONE) {
        json_decref(*page);
        *page = NULL;
        return db_err(hs, e, "reading changes");
    }
    return GW_OK;
}

/* ---- blobs ---- */

static void blob_final(const struct hub_store *hs, const char *sha, char *buf, size_t n)
{
    snprintf(buf, n, "%s/blobs/%.2s/%s", hs->dir, sha, sha);
}

static void blob_partial(const struct hub_store *hs, const char *sha, char *buf, size_t n)
{
    snprintf(buf, n, "%s/blobs/partial/%s", hs->dir, sha);
}

int hub_blob_path(const struct hub_store *hs, const char *sha, char *buf, size_t n)
{
    if (!wire_sha_valid(sha))
        return GW_EINVAL;
    blob_final(hs, sha, buf, n);
    return GW_OK;
}

enum hub_blob_state hub_blob_state(struct hub_store *hs, const char *sha, int64_t *size)
{
    char path[4096];
    struct stat sb;
    *size = 0;
    blob_final(hs, sha, path, sizeof path);
    if (stat(path, &sb) == 0) {
        *size = sb.st_size;
        return HUB_BLOB_COMPLETE;
    }
    blob_partial(hs, sha, path, sizeof path);
    if (stat(path, &sb) == 0) {
        *size = sb.st_size;
        return HUB_BLOB_PARTIAL;
    }
    return HUB_BLOB_NONE;
}

int hub_blob_begin(struct hub_store *hs, const char *sha, int64_t start, int *fd, struct err *e)
{
    char path[4096];
    int64_t have = 0;
    *fd = -1;
    if (hub_blob_state(hs, sha, &have) != HUB_BLOB_PARTIAL)
        have = 0;
    if (start > have)
        return err_set(e, GW_EINVAL, "the hub holds %lld bytes of this blob; resume from there",
                       (long long)have);
    blob_partial(hs, sha, path, sizeof path);
    *fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0640);
    if (*fd < 0)
        return err_set(e, GW_EIO, "cannot write %s: %s", path, strerror(errno));
    if (ftruncate(*fd, start) != 0 || lseek(*fd, start, SEEK_SET) < 0) {
        close(*fd);
        *fd = -1;
        return err_set(e, GW_EIO, "cannot resize %s: %s", path, strerror(errno));
    }
    return GW_OK;
}

int hub_blob_finish(struct hub_store *hs, const char *sha, int64_t total, struct err *e)
{
    char part[4096], final[4096], dir[4096], got[WIRE_SHA_LEN];
    struct stat sb;
    blob_partial(hs, sha, part, sizeof part);
    if (stat(part, &sb) != 0)
        return err_set(e, GW_EIO, "the partial upload vanished: %s", strerror(errno));
    if (sb.st_size < total)
        return err_set(e, GW_EINVAL, "incomplete: the hub holds %lld of %lld bytes",
                       (long long)sb.st_size, (long long)total);
    int rc = wire_sha256_file(part, got, e);
    if (rc)
        return rc;
    if (sb.st_size > total || strcmp(got, sha) != 0) {
        unlink(part);
        return err_set(e, GW_ECORRUPT,
                       "the bytes received hash to %s, not to %s; nothing was stored", got, sha);
    }
    int fd = open(part, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    snprintf(dir, sizeof dir, "%s/blobs/%.2s", hs->dir, sha);
    if ((rc = mkdir_p(dir, e)))
        return rc;
    blob_final(hs, sha, final, sizeof final);
    if (rename(part, final) != 0)
        return err_set(e, GW_EIO, "cannot move the blob into place: %s", strerror(errno));
    /* The rename is durable only once the directory is on disk. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return GW_OK;
}

int hub_blob_sweep(struct hub_store *hs, int64_t max_age)
{
    char dir[4096], path[4400];
    snprintf(dir, sizeof dir, "%s/blobs/partial", hs->dir);
    DIR *d = opendir(dir);
    struct dirent *de;
    struct stat sb;
    int n = 0;
    time_t now = time(NULL);
    if (!d)
        return 0;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && now - sb.st_mtime > max_age &&
            unlink(path) == 0)
            n++;
    }
    closedir(d);
    return n;
}

/* ---- records ---- */

const char *hub_ingest_name(enum hub_ingest s)
{
    static const char *const names[] = {"stored",  "duplicate", "conflict",
                                        "missing-blobs", "invalid", "error"};
    return names[s];
}

int hub_ingest_http(enum hub_ingest s)
{
    static const int codes[] = {200, 200, 409, 422, 400, 503};
    return codes[s];
}

int hub_batch_begin(struct hub_store *hs, struct err *e)
{
    return exec(hs, "BEGIN IMMEDIATE", e);
}

int hub_batch_commit(struct hub_store *hs, struct err *e)
{
    int rc = exec(hs, "COMMIT", e);
    if (rc)
        exec(hs, "ROLLBACK", NULL);
    return rc;
}

/* Looks up one text column of one row; 1 found (copied), 0 none, -1 error. */
static int lookup(struct hub_store *hs, const char *sql, const char *a, int64_t b, char *out,
                  size_t n)
{
    sqlite3_stmt *st = prep(hs, sql, NULL);
    if (!st)
        return -1;
    bind_text(st, 1, a);
    if (sqlite3_bind_parameter_count(st) >= 2)
        sqlite3_bind_int64(st, 2, b);
    int step = sqlite3_step(st), found = 0;
    if (step == SQLITE_ROW) {
        snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
        found = 1;
    } else if (step != SQLITE_DONE)
        found = -1;
    release(hs, st);
    return found;
}

static const char *jstr(json_t *p, const char *key)
{
    return json_string_value(json_object_get(p, key));
}

/* A device's report of a task (state, result, times, position). Kept per device in
 * task_work; the task's row shows the newest report. A report from a device the task is no
 * longer assigned to means that device started it before a reassignment (a device reports only
 * work, and keeps a withdrawn task only when work started): the work is accepted and
 * attributed to it, and unless the new assignee has reported work too, the task is withdrawn
 * from the new assignee so that two people do not do the same job. device_id 0 = a bundle. */
static int task_report(struct hub_store *hs, int64_t device_id, json_t *p, const char *now,
                       struct err *e)
{
    int rc;
    sqlite3_stmt *st = prep(
        hs,
        "INSERT INTO task_work(task_uuid, device_id, state, reason_code, result, started_at,"
        " finished_at, lat, lon, accuracy_m, reported_at)"
        " SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11 WHERE EXISTS(SELECT 1 FROM tasks"
        "  WHERE uuid = ?1)"
        " ON CONFLICT(task_uuid, device_id) DO UPDATE SET state = excluded.state,"
        " reason_code = excluded.reason_code, result = excluded.result,"
        " started_at = coalesce(excluded.started_at, started_at),"
        " finished_at = excluded.finished_at, lat = coalesce(excluded.lat, lat),"
        " lon = coalesce(excluded.lon, lon), accuracy_m = coalesce(excluded.accuracy_m,"
        " accuracy_m), reported_at = excluded.reported_at",
        e);
    if (!st)
        return GW_EDB;
    bind_text(st, 1, jstr(p, "uuid"));
    sqlite3_bind_int64(st, 2, device_id);
    bind_text(st, 3, jstr(p, "state"));
    bind_text(st, 4, jstr(p, "reason_code"));
    bind_json(st, 5, json_object_get(p, "result"));
    bind_text(st, 6, jstr(p, "started_at"));
    bind_text(st, 7, jstr(p, "finished_at"));
    bind_json(st, 8, json_object_get(p, "lat"));
    bind_json(st, 9, json_object_get(p, "lon"));
    bind_json(st, 10, json_object_get(p, "accuracy_m"));
    bind_text(st, 11, now);
    if ((rc = run(hs, st, e)))
        return rc;
    st = prep(hs,
              "UPDATE tasks SET state = ?2, reason_code = ?3, result = ?4, updated_at = ?5,"
              " started_at = coalesce(?6, started_at), finished_at = ?7, lat = coalesce(?8, lat),"
              " lon = coalesce(?9, lon), accuracy_m = coalesce(?10, accuracy_m),"
              " reported_by = nullif(?11, 0),"
              /* The assignee kept it after all (it had started too): no longer withdrawn. */
              " withdrawn_from = CASE WHEN device_id = ?11 THEN NULL ELSE withdrawn_from END"
              " WHERE uuid = ?1",
              e);
    if (!st)
        return GW_EDB;
    bind_text(st, 1, jstr(p, "uuid"));
    bind_text(st, 2, jstr(p, "state"));
    bind_text(st, 3, jstr(p, "reason_code"));
    bind_json(st, 4, json_object_get(p, "result"));
    bind_text(st, 5, now);
    bind_text(st, 6, jstr(p, "started_at"));
    bind_text(st, 7, jstr(p, "finished_at"));
    bind_json(st, 8, json_object_get(p, "lat"));
    bind_json(st, 9, json_object_get(p, "lon"));
    bind_json(st, 10, json_object_get(p, "accuracy_m"));
    sqlite3_bind_int64(st, 11, device_id);
    if ((rc = run(hs, st, e)))
        return rc;
    if (device_id <= 0)
        return GW_OK;
    /* The assignee, when another device reported work and the assignee has reported none
     * and was not already told. */
    int64_t assignee = 0;
    st = prep(hs,
              "SELECT t.device_id FROM tasks t WHERE t.uuid = ?1 AND t.device_id <> ?2"
              " AND t.withdrawn_from IS NOT t.device_id AND t.state <> 'cancelled'"
              " AND NOT EXISTS(SELECT 1 FROM task_work w WHERE w.task_uuid = t.uuid"
              "  AND w.device_id = t.device_id)",
              e);
    if (!st)
        return GW_EDB;
    bind_text(st, 1, jstr(p, "uuid"));
    sqlite3_bind_int64(st, 2, device_id);
    if (sqlite3_step(st) == SQLITE_ROW)
        assignee = sqlite3_column_int64(st, 0);
    release(hs, st);
    if (!assignee)
        return GW_OK;
    if ((rc = log_task(hs, jstr(p, "uuid"), assignee, 1, e)))
        return rc;
    st = prep(hs, "UPDATE tasks SET withdrawn_from = device_id WHERE uuid = ?1", e);
    if (!st)
        return GW_EDB;
    bind_text(st, 1, jstr(p, "uuid"));
    return run(hs, st, e);
}

/* Writes the evidence row(s) a record stands for. Returns an ingest status. */
static enum hub_ingest apply_record(struct hub_store *hs, int64_t device_id,
                                    const struct wire_record *r, const char *digest, char *msg,
                                    size_t n)
{
    json_t *p = r->payload;
    char have[WIRE_SHA_LEN + 8], now[32];
    sqlite3_stmt *st = NULL;
    struct err e = {0};
    int found;
    now_iso(now);
    switch (r->kind) {
    case WK_FOLDER:
        st = prep(hs,
                  "INSERT INTO folders(uuid, account, category, name, created_at, updated_at)"
                  " VALUES(?1, ?2, ?3, ?4, coalesce(?5, ?7), coalesce(?6, ?7))"
                  " ON CONFLICT(uuid) DO UPDATE SET name = excluded.name,"
                  " category = excluded.category, updated_at = excluded.updated_at"
                  " WHERE excluded.updated_at >= folders.updated_at",
                  &e);
        if (!st)
            break;
        bind_text(st, 1, jstr(p, "uuid"));
        bind_text(st, 2, jstr(p, "customer_account"));
        bind_json(st, 3, json_object_get(p, "category"));
        bind_text(st, 4, jstr(p, "name"));
        bind_text(st, 5, jstr(p, "created_at"));
        bind_text(st, 6, jstr(p, "updated_at"));
        bind_text(st, 7, now);
        return run(hs, st, &e) ? HUB_IN_ERROR : HUB_IN_STORED;
    case WK_ENTRY:
        found = lookup(hs, "SELECT digest FROM entries WHERE uuid = ?1 AND version = ?2",
                       jstr(p, "uuid"), r->version, have, sizeof have);
        if (found < 0)
            break;
        if (found) {
            if (strcmp(have, digest) == 0)
                return HUB_IN_DUPLICATE;
            snprintf(msg, n,
                     "entry %s version %lld was already received with other content; an edit "
                     "must be sent as a new version",
                     jstr(p, "uuid"), (long long)r->version);
            return HUB_IN_CONFLICT;
        }
        st = prep(hs,
                  "INSERT INTO entries(uuid, version, folder_uuid, account, name,"
                  " appearance_remark, nameplate_remark, created_at, updated_at, digest, lat,"
                  " lon, accuracy_m) VALUES(?1, ?2, ?3, ?4, ?5, coalesce(?6, ''),"
                  " coalesce(?7, ''), coalesce(?8, ?10), coalesce(?9, ?8, ?10), ?11, ?12, ?13,"
                  " ?14)",
                  &e);
        if (!st)
            break;
        bind_text(st, 1, jstr(p, "uuid"));
        sqlite3_bind_int64(st, 2, r->version);
        bind_text(st, 3, jstr(p, "folder_uuid"));
        bind_text(st, 4, jstr(p, "customer_account"));
        bind_text(st, 5, jstr(p, "name"));
        bind_text(st, 6, jstr(p, "appearance_remark"));
        bind_text(st, 7, jstr(p, "nameplate_remark"));
        bind_text(st, 8, jstr(p, "created_at"));
        bind_text(st, 9, jstr(p, "updated_at"));
        bind_text(st, 10, now);
        bind_text(st, 11, digest);
        bind_json(st, 12, json_object_get(p, "lat"));
        bind_json(st, 13, json_object_get(p, "lon"));
        bind_json(st, 14, json_object_get(p, "accuracy_m"));
        return run(hs, st, &e) ? HUB_IN_ERROR : HUB_IN_STORED;
    case WK_PHOTO:
    case WK_READING: {
        int photo = r->kind == WK_PHOTO;
        found = lookup(hs,
                       photo ? "SELECT digest FROM photos WHERE uuid = ?1"
                             : "SELECT digest FROM readings WHERE uuid = ?1",
                       jstr(p, "uuid"), 0, have, sizeof have);
        if (found < 0)
            break;
        if (found) {
            if (strcmp(have, digest) == 0)
                return HUB_IN_DUPLICATE;
            snprintf(msg, n, "%s %s was already received with other content", r->kind_name,
                     jstr(p, "uuid"));
            return HUB_IN_CONFLICT;
        }
        if (photo) {
            int64_t bytes = 0;
            hub_blob_state(hs, jstr(p, "sha256"), &bytes);
            st = prep(hs,
                      "INSERT INTO photos(uuid, entry_uuid, folder, sha256, bytes, taken_at, "
                      "digest) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                      &e);
            if (!st)
                break;
            bind_text(st, 1, jstr(p, "uuid"));
            bind_text(st, 2, jstr(p, "entry_uuid"));
            bind_text(st, 3, jstr(p, "folder"));
            bind_text(st, 4, jstr(p, "sha256"));
            sqlite3_bind_int64(st, 5, bytes);
            bind_text(st, 6, jstr(p, "taken_at"));
            bind_text(st, 7, digest);
        } else {
            char *text = json_dumps(p, JSON_COMPACT);
            st = prep(hs, "INSERT INTO readings(uuid, account, digest, payload, read_at) "
                          "VALUES(?1, ?2, ?3, ?4, coalesce(?5, ?6))", &e);
            if (st) {
                bind_text(st, 1, jstr(p, "uuid"));
                bind_text(st, 2, jstr(p, "customer_account"));
                bind_text(st, 3, digest);
                bind_text(st, 4, text);
                bind_text(st, 5, jstr(p, "read_at"));
                bind_text(st, 6, now);
            }
            free(text);
            if (!st)
                break;
        }
        return run(hs, st, &e) ? HUB_IN_ERROR : HUB_IN_STORED;
    }
    case WK_CUSTOMER:
        st = prep(hs,
                  "INSERT INTO customers(account, lat, lon, coord_accuracy_m, coord_source, "
                  "updated_at) VALUES(?1, ?2, ?3, ?4, 'pinned', coalesce(?5, ?6))"
                  " ON CONFLICT(account) DO UPDATE SET lat = excluded.lat, lon = excluded.lon,"
                  " coord_accuracy_m = excluded.coord_accuracy_m, coord_source = 'pinned',"
                  " updated_at = excluded.updated_at",
                  &e);
        if (!st)
            break;
        bind_text(st, 1, jstr(p, "account"));
        bind_json(st, 2, json_object_get(p, "lat"));
        bind_json(st, 3, json_object_get(p, "lon"));
        bind_json(st, 4, json_object_get(p, "coord_accuracy_m"));
        bind_text(st, 5, jstr(p, "updated_at"));
        bind_text(st, 6, now);
        if (run(hs, st, &e) || log_customer(hs, jstr(p, "account"), &e))
            break;
        return HUB_IN_STORED;
    case WK_TOMBSTONE:
        st = prep(hs, "INSERT OR IGNORE INTO tombstones(uuid, kind, reason, deleted_at) "
                      "VALUES(?1, ?2, ?3, coalesce(?4, ?5))", &e);
        if (!st)
            break;
        bind_text(st, 1, jstr(p, "uuid"));
        bind_text(st, 2, jstr(p, "kind"));
        bind_text(st, 3, jstr(p, "reason"));
        bind_text(st, 4, jstr(p, "deleted_at"));
        bind_text(st, 5, now);
        return run(hs, st, &e) ? HUB_IN_ERROR : HUB_IN_STORED;
    case WK_TASK:
        return task_report(hs, device_id, p, now, &e) ? HUB_IN_ERROR : HUB_IN_STORED;
    case WK_UNKNOWN:
        break;
    }
    snprintf(msg, n, "the hub's store failed: %s", e.msg[0] ? e.msg : sqlite3_errmsg(hs->h));
    return HUB_IN_ERROR;
}

/* The blobs a record needs: those it lists, plus a photo's own hashes. */
static const char *missing_blob(struct hub_store *hs, const struct wire_record *r)
{
    size_t i;
    json_t *b;
    int64_t size;
    json_array_foreach(r->blobs, i, b)
    {
        if (hub_blob_state(hs, json_string_value(b), &size) != HUB_BLOB_COMPLETE)
            return json_string_value(b);
    }
    if (r->kind == WK_PHOTO) {
        const char *keys[] = {"sha256", "original_sha256"};
        for (int k = 0; k < 2; k++) {
            const char *sha = jstr(r->payload, keys[k]);
            if (sha && hub_blob_state(hs, sha, &size) != HUB_BLOB_COMPLETE)
                return sha;
        }
    }
    return NULL;
}

enum hub_ingest hub_ingest_record(struct hub_store *hs, int64_t device_id, json_t *rec,
                                  char *msg, size_t n)
{
    struct wire_record r;
    struct err e = {0};
    char digest[WIRE_SHA_LEN], have[WIRE_SHA_LEN + 8], now[32];
    msg[0] = '\0';
    if (wire_record_check(rec, &r, &e)) {
        snprintf(msg, n, "%s", e.msg);
        return HUB_IN_INVALID;
    }
    wire_digest(rec, digest);
    int found = lookup(hs, "SELECT digest FROM records WHERE id = ?1", r.id, 0, have, sizeof have);
    if (found < 0) {
        snprintf(msg, n, "the hub's store failed: %s", sqlite3_errmsg(hs->h));
        return HUB_IN_ERROR;
    }
    if (found) {
        if (strcmp(have, digest) == 0)
            return HUB_IN_DUPLICATE;
        snprintf(msg, n, "record %s was already received with other content", r.id);
        return HUB_IN_CONFLICT;
    }
    const char *miss = missing_blob(hs, &r);
    if (miss) {
        snprintf(msg, n, "record %s names blob %s, which the hub does not hold yet; upload it "
                         "first", r.id, miss);
        return HUB_IN_MISSING_BLOBS;
    }
    if (exec(hs, "SAVEPOINT rec", &e)) {
        snprintf(msg, n, "%s", e.msg);
        return HUB_IN_ERROR;
    }
    char payload_digest[WIRE_SHA_LEN];
    wire_digest(r.payload, payload_digest);
    enum hub_ingest s = apply_record(hs, device_id, &r, payload_digest, msg, n);
    if (s == HUB_IN_STORED || s == HUB_IN_DUPLICATE) {
        char *text = json_dumps(rec, JSON_COMPACT);
        now_iso(now);
        sqlite3_stmt *st = prep(hs,
                                "INSERT INTO records(id, kind, entity, version, digest, record,"
                                " device_id, received_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                &e);
        if (st) {
            bind_text(st, 1, r.id);
            bind_text(st, 2, r.kind_name);
            bind_text(st, 3, r.entity_uuid);
            sqlite3_bind_int64(st, 4, r.version);
            bind_text(st, 5, digest);
            bind_text(st, 6, text);
            if (device_id > 0)
                sqlite3_bind_int64(st, 7, device_id);
            bind_text(st, 8, now);
        }
        free(text);
        if (!st || run(hs, st, &e)) {
            snprintf(msg, n, "the hub's store failed: %s", e.msg);
            s = HUB_IN_ERROR;
        }
    }
    if (s == HUB_IN_STORED || s == HUB_IN_DUPLICATE)
        exec(hs, "RELEASE rec", NULL);
    else
        exec(hs, "ROLLBACK TO rec; RELEASE rec", NULL);
    return s;
}

/* ---- tree queries ---- */

static int query_rows(struct hub_store *hs, sqlite3_stmt *st, hub_row_fn row, void *ctx,
                      struct err *e)
{
    int step, nc = sqlite3_column_count(st);
    const char *cols[16];
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < nc && i < 16; i++) {
            const unsigned char *t = sqlite3_column_text(st, i);
            cols[i] = t ? (const char *)t : "";
        }
        row(ctx, cols);
    }
    release(hs, st);
    return step == SQLITE_DONE ? GW_OK : db_err(hs, e, "listing");
}

int hub_q_customers(struct hub_store *hs, const struct hub_user *u, const char *account,
                    hub_row_fn row, void *ctx, struct err *e)
{
    sqlite3_stmt *st = prep(
        hs,
        "SELECT f.account, coalesce(c.name, ''), max(f.t) FROM"
        " (SELECT account, updated_at AS t FROM folders x"
        "   WHERE NOT EXISTS(SELECT 1 FROM tombstones t WHERE t.uuid = x.uuid)"
        "  UNION ALL SELECT account, read_at FROM readings) f"
        " LEFT JOIN customers c ON c.account = f.account"
        " WHERE (?1 = '' OR coalesce(c.region, '') = ?1) AND (?2 IS NULL OR f.account = ?2)"
        " GROUP BY f.account ORDER BY f.account",
        e);
    if (!st)
        return GW_EDB;
    bind_text(st, 1, u && strcmp(u->role, "admin") != 0 ? u->region : "");
    bind_text(st, 2, account);
    return query_rows(hs, st, row, ctx, e);
}

int hub_q_folders(struct hub_store *hs, const char *account, int category, hub_row_fn row,
                  void *ctx, struct err *e)
{
    sqlite3_stmt *st = prep(hs,
                            "SELECT uuid, name, updated_at FROM folders f WHERE account = ?1"
                            " AND category = ?2 AND NOT EXISTS(SELECT 1 FROM tombstones t"
                            " WHERE t.uuid = f.uuid) ORDER BY created_at, uuid",
                            e);
    if (!st)
        return GW_EDB;
    bind_text(st, 1, account);
    sqlite3_bind_int(st, 2, category);
    return query_rows(hs, st, row, ctx, e);
}

int hub_q_entries(struct hub_store *hs, const char *folder_uuid, const char *since,
                  hub_row_fn row, void *ctx, struct err *e)
{
    sqlite3_stmt *st = prep(
        hs,
        "SELECT uuid, name, updated_at, appearance_remark, nameplate_remark, version,"
        " created_at, lat, lon, accuracy_m FROM entries e WHERE folder_uuid = ?1"
        "  AND version = (SELECT max(version) FROM entries x WHERE x.uuid = e.uuid)"
        "  AND NOT EXISTS(SELECT 1 FROM tombstones t WHERE t.uuid = e.uuid)"
        "  AND (?2 = '' OR updated_at >= ?2) ORDER BY created_at, uuid",
        e);
    if (!st)
        return GW_EDB;
    bind_text(st, 1, folder_uuid);
    bind_text(st, 2, since ? since : "");
    return query_rows(hs, st, row, ctx, e);
}

int hub_q_entry(struct hub_store *hs, const char *uuid, hub_row_fn row, void *ctx,
                struct err *e)
{
    sqlite3_stmt *st = prep(
        hs,
        "SELECT uuid, name, updated_at, appearance_remark, nameplate_remark, version,"
        " created_at, lat, lon, accuracy_m FROM entries WHERE uuid = ?1"
        " ORDER BY version DESC LIMIT 1",
        e);
    if (!st)
        return GW_EDB;
    bind_text(st, 1, uuid);
    return query_rows(hs, st, row, ctx, e);
}

int hub_q_readings(struct hub_store *hs, const char *account, const char *uuid,
                   const char *since, hub_row_fn row, void *ctx, struct err *e)
{
    sqlite3_stmt *st = prep(hs,
                            "SELECT uuid, read_at, payload FROM readings WHERE account = ?1"
                            " AND (?2 IS NULL OR uuid = ?2) AND (?3 = '' OR read_at >= ?3)"
                            " ORDER BY read_at, uuid",
                            e);
    if (!st)
        return GW_EDB;
    bind_text(st, 1, account);
    bind_text(st, 2, uuid);
    bind_text(st, 3, since ? since : "");
    return query_rows(hs, st, row, ctx, e);
}

int hub_q_photos(struct hub_store *hs, const char *entry_uuid, const char *sub, hub_row_fn row,
                 void *ctx, struct err *e)
{
    sqlite3_stmt *st = prep(hs,
                            "SELECT uuid, sha256, bytes, taken_at FROM photos p"
                            " WHERE entry_uuid = ?1 AND folder = ?2 AND NOT EXISTS(SELECT 1"
                            " FROM tombstones t WHERE t.uuid = p.uuid) ORDER BY taken_at, uuid",
                            e);
    if (!st)
        return GW_EDB;
    bind_text(st, 1, entry_uuid);
    bind_text(st, 2, sub);
    return query_rows(hs, st, row, ctx, e);
}

int hub_list_records(struct hub_store *hs, FILE *out, int limit, struct err *e)
{
    sqlite3_stmt *st = prep(hs,
                            "SELECT r.received_at, coalesce(d.name, '(bundle)'), r.kind, r.entity,"
                            " r.version FROM records r LEFT JOIN devices d ON d.id = r.device_id"
                            " ORDER BY r.received_at DESC, r.rowid DESC LIMIT ?1",
                            e);
    if (!st)
        return GW_EDB;
    sqlite3_bind_int(st, 1, limit);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        fprintf(out, "%s  %-16s %-9s %s v%lld\n", sqlite3_column_text(st, 0),
                sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
                sqlite3_column_text(st, 3), (long long)sqlite3_column_int64(st, 4));
    release(hs, st);
    return step == SQLITE_DONE ? GW_OK : db_err(hs, e, "listing records");
}

int hub_stats(struct hub_store *hs, int64_t *records, int64_t *blobs, struct err *e)
{
    sqlite3_stmt *st = prep(hs, "SELECT count(*), (SELECT count(DISTINCT sha256) FROM photos) "
                                "FROM records", e);
    if (!st)
        return GW_EDB;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *records = sqlite3_column_int64(st, 0);
        *blobs = sqlite3_column_int64(st, 1);
    }
    release(hs, st);
    return GW_OK;
}

/* ---- tasks: bulk import, the office's list, cancel and reassign ---- */

int hub_task_import(struct hub_store *hs, FILE *csv, int64_t *count, struct err *e)
{
    static char fields[CSV_MAX_FIELDS][CSV_MAX_FIELD];
    static const char *const names[] = {"kind", "account", "due", "assignee", "instructions",
                                        "priority"};
    int col[CSV_MAX_FIELDS], have[6] = {0}, rc = GW_OK, line = 1, n;
    *count = 0;
    int nf = csv_record(csv, fields);
    if (nf == 0)
        return err_set(e, GW_EINVAL, "the CSV file is empty");
    for (int i = 0; i < nf; i++) {
        const char *h = fields[i];
        if (i == 0 && strncmp(h, "\xEF\xBB\xBF", 3) == 0)
            h += 3;
        col[i] = -1;
        for (int k = 0; k < 6; k++)
            if (strcasecmp(h, names[k]) == 0) {
                col[i] = k;
                have[k] = 1;
            }
    }
    for (int k = 0; k < 4; k++)
        if (!have[k])
            return err_set(e, GW_EINVAL,
                           "the CSV header has no %s column (kind,account,due,assignee,"
                           "instructions[,priority])", names[k]);
    if ((rc = exec(hs, "BEGIN IMMEDIATE", e)))
        return rc;
    while ((n = csv_record(csv, fields)) > 0) {
        const char *v[6] = {0};
        char uuid[37];
        line++;
        if (n == 1 && fields[0][0] == '\0')
            continue;
        for (int i = 0; i < n && i < nf; i++)
            if (col[i] >= 0)
                v[col[i]] = fields[i];
        int prio = 0;
        if (v[5] && *v[5]) {
            char *end = NULL;
            long p = strtol(v[5], &end, 10);
            if (*end || p < -1000 || p > 1000) {
                rc = err_set(e, GW_EINVAL, "line %d: priority '%s' is not a whole number", line,
                             v[5]);
                break;
            }
            prio = (int)p;
        }
        if (!utf8_valid(v[4] ? v[4] : "") || !v[1] || !*v[1] || !v[3] || !*v[3]) {
            rc = err_set(e, GW_EINVAL, "line %d: account and assignee are required (and text "
                         "must be UTF-8)", line);
            break;
        }
        if ((rc = task_insert(hs, v[3], v[0], v[1], v[2], v[4], prio, uuid, e))) {
            err_prefix(e, "line %d: ", line);
            break;
        }
        (*count)++;
    }
    if (rc) {
        exec(hs, "ROLLBACK", NULL);
        *count = 0;
        return err_prefix(e, "nothing imported: ");
    }
    return exec(hs, "COMMIT", e);
}

/* Withdraws a task from its device (cancel: new_device NULL; reassign: moves it there). */
static int task_move(struct hub_store *hs, const char *uuid, const char *new_device,
                     struct err *e)
{
    int rc, step;
    int64_t old_dev = 0, new_dev = 0;
    char now[32], state[32] = "";
    now_iso(now);
    if ((rc = exec(hs, "BEGIN IMMEDIATE", e)))
        return rc;
    sqlite3_stmt *st = prep(hs, "SELECT device_id, state FROM tasks WHERE uuid = ?1", e);
    if (!st)
        goto fail;
    bind_text(st, 1, uuid);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        old_dev = sqlite3_column_int64(st, 0);
        snprintf(state, sizeof state, "%s", (const char *)sqlite3_column_text(st, 1));
    }
    release(hs, st);
    if (step != SQLITE_ROW) {
        rc = err_set(e, GW_ENOTFOUND, "no task %s on this hub", uuid);
        goto fail;
    }
    if (strcmp(state, "done") == 0 || strcmp(state, "skipped") == 0 ||
        strcmp(state, "failed") == 0 || strcmp(state, "cancelled") == 0) {
        rc = err_set(e, GW_EINVAL, "task %s is already %s", uuid, state);
        goto fail;
    }
    if (new_device) {
        if ((rc = hub_device_id(hs, new_device, &new_dev, e)))
            goto fail;
        if (new_dev == old_dev) {
            rc = err_set(e, GW_EINVAL, "task %s is already on %s", uuid, new_device);
            goto fail;
        }
    }
    if (!new_dev) {
        st = prep(hs, "UPDATE tasks SET state = 'cancelled', updated_at = ?2 WHERE uuid = ?1", e);
        if (!st)
            goto fail;
        bind_text(st, 1, uuid);
        bind_text(st, 2, now);
        if ((rc = run(hs, st, e)) || (rc = log_task(hs, uuid, old_dev, 1, e)))
            goto fail;
    } else {
        /* The old device is told first, then the task is the new device's afresh. */
        if ((rc = log_task(hs, uuid, old_dev, 1, e)))
            goto fail;
        st = prep(hs, "UPDATE tasks SET device_id = ?2, state = 'assigned', reason_code = NULL,"
                      " result = NULL, started_at = NULL, finished_at = NULL, lat = NULL,"
                      " lon = NULL, accuracy_m = NULL, reported_by = NULL, withdrawn_from = NULL,"
                      " assigned_at = ?3, updated_at = ?3 WHERE uuid = ?1", e);
        if (!st)
            goto fail;
        bind_text(st, 1, uuid);
        sqlite3_bind_int64(st, 2, new_dev);
        bind_text(st, 3, now);
        if ((rc = run(hs, st, e)) || (rc = log_task(hs, uuid, new_dev, 0, e)))
            goto fail;
    }
    return exec(hs, "COMMIT", e);
fail:
    exec(hs, "ROLLBACK", NULL);
    return rc ? rc : GW_EDB;
}

int hub_task_cancel(struct hub_store *hs, const char *uuid, struct err *e)
{
    return task_move(hs, uuid, NULL, e);
}

int hub_task_reassign(struct hub_store *hs, const char *uuid, const char *device, struct err *e)
{
    return task_move(hs, uuid, device, e);
}

/* Evidence counts from the task's assignment, or from when a device started it if earlier:
 * a device that started before a reassignment keeps its photos and readings as evidence. */
#define TASK_SINCE                                                                            \
    "coalesce((SELECT min(w.started_at) FROM task_work w WHERE w.task_uuid = t.uuid"         \
    "  AND w.started_at < t.assigned_at), t.assigned_at)"

/* One JSON object per task; late = due date passed and not finished. Evidence: readings that
 * name the task (or, naming none, its customer since TASK_SINCE) and photos of entries of its
 * customer made since then. */
static const char task_list_sql[] =
    "SELECT json_object('uuid', t.uuid, 'kind', t.kind, 'account', t.account,"
    "  'device', d.name, 'due_date', t.due_date, 'priority', t.priority, 'state', t.state,"
    "  'reason_code', t.reason_code, 'result', t.result, 'instructions', t.instructions,"
    "  'assigned_at', t.assigned_at, 'updated_at', t.updated_at,"
    "  'started_at', t.started_at, 'finished_at', t.finished_at, 'lat', t.lat, 'lon', t.lon,"
    "  'accuracy_m', t.accuracy_m,"
    "  'reported_by', (SELECT name FROM devices x WHERE x.id = t.reported_by),"
    "  'withdrawn_from', (SELECT name FROM devices x WHERE x.id = t.withdrawn_from),"
    "  'work', (SELECT json_group_array(json_object('device', w.name, 'state', w.state,"
    "       'reason_code', w.reason_code, 'result', w.result, 'started_at', w.started_at,"
    "       'finished_at', w.finished_at, 'lat', w.lat, 'lon', w.lon,"
    "       'accuracy_m', w.accuracy_m, 'reported_at', w.reported_at))"
    "     FROM (SELECT w.*, coalesce(x.name, '(bundle)') AS name FROM task_work w"
    "       LEFT JOIN devices x ON x.id = w.device_id WHERE w.task_uuid = t.uuid"
    "       ORDER BY w.reported_at) w),"
    "  'late', json(CASE WHEN t.due_date < ?4 AND t.state IN ('assigned','in-progress')"
    "           THEN 'true' ELSE 'false' END),"
    "  'readings', (SELECT json_group_array(json_object('uuid', r.uuid,"
    "       'method', json_extract(r.payload, '$.method'),"
    "       'validation', json_extract(r.payload, '$.validation'),"
    "       'reason_code', json_extract(r.payload, '$.reason_code'),"
    "       'registers', json_extract(r.payload, '$.registers'),"
    "       'read_at', json_extract(r.payload, '$.read_at')))"
    "     FROM readings r WHERE json_extract(r.payload, '$.task_uuid') = t.uuid"
    "       OR (json_extract(r.payload, '$.task_uuid') IS NULL AND r.account = t.account"
    "           AND json_extract(r.payload, '$.read_at') >= " TASK_SINCE ")),"
    "  'photos', (SELECT json_group_array(p.sha256) FROM (SELECT DISTINCT p.uuid, p.sha256"
    "     FROM photos p JOIN entries en ON en.uuid = p.entry_uuid"
    "     WHERE en.account = t.account AND en.created_at >= " TASK_SINCE ") p))"
    " FROM tasks t JOIN devices d ON d.id = t.device_id"
    " WHERE (?1 IS NULL OR t.state = ?1) AND (?2 IS NULL OR d.name = ?2)"
    "   AND (NOT ?3 OR (t.due_date < ?4 AND t.state IN ('assigned','in-progress')))"
    "   AND (NOT ?5 OR t.state = 'failed' OR (t.due_date < ?4"
    "        AND t.state IN ('assigned','in-progress')))"
    " ORDER BY d.name, t.due_date, t.account";

/* Adds "worked_by" (the devices that reported work, in order) and "note", which says in
 * words who did the work when a task was reassigned after work had started. */
static void task_explain(json_t *o)
{
    const char *assignee = json_string_value(json_object_get(o, "device"));
    const char *withdrawn = json_string_value(json_object_get(o, "withdrawn_from"));
    json_t *work = json_object_get(o, "work"), *by = json_array(), *w;
    char others[256] = "", note[512] = "";
    int assignee_worked = 0;
    size_t i, k = 0;
    json_array_foreach(work, i, w)
    {
        const char *d = json_string_value(json_object_get(w, "device"));
        if (!d)
            continue;
        json_array_append_new(by, json_string(d));
        if (assignee && strcmp(d, assignee) == 0) {
            assignee_worked = 1;
            continue;
        }
        size_t len = strlen(others);
        snprintf(others + len, sizeof others - len, "%s%s", k++ ? " and " : "", d);
    }
    if (k && assignee_worked)
        snprintf(note, sizeof note, "worked by both %s and %s: %s started it before it was "
                 "reassigned to %s, who started it too; both devices keep it", others,
                 assignee, others, assignee);
    else if (k && withdrawn)
        snprintf(note, sizeof note, "worked by %s, reassigned to %s: withdrawn from %s because "
                 "%s had started it", others, withdrawn, withdrawn, others);
    else if (k)
        snprintf(note, sizeof note, "%s started it before it was reassigned to %s", others,
                 assignee ? assignee : "another device");
    json_object_set_new(o, "worked_by", by);
    json_object_set_new(o, "note", note[0] ? json_string(note) : json_null());
}

int hub_task_list(struct hub_store *hs, const struct hub_task_query *q, int as_json, FILE *out,
                  struct err *e)
{
    char today[32];
    now_iso(today);
    today[10] = '\0';
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(hs->h, task_list_sql, -1, &st, NULL) != SQLITE_OK)
        return db_err(hs, e, "listing tasks");
    bind_text(st, 1, q->state);
    bind_text(st, 2, q->device);
    sqlite3_bind_int(st, 3, q->late);
    bind_text(st, 4, q->today && *q->today ? q->today : today);
    sqlite3_bind_int(st, 5, q->attention);
    int step, first = 1;
    if (as_json)
        fputs("[", out);
    else
        fprintf(out, "%-36s %-13s %-10s %-10s %-10s %-11s %-10s %6s %8s %-16s %-16s %-12s %s\n",
                "uuid", "kind", "account", "device", "due", "state", "code", "photos",
                "readings", "started", "finished", "worked by", "result");
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *row = (const char *)sqlite3_column_text(st, 0);
        json_t *o = json_loads(row, 0, NULL);
        if (!o)
            continue;
        task_explain(o);
        if (as_json) {
            char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
            fprintf(out, "%s\n%s", first ? "" : ",", text ? text : "null");
            free(text);
            json_decref(o);
            first = 0;
            continue;
        }
        const char *late = json_is_true(json_object_get(o, "late")) ? " LATE" : "";
        char by[128] = "-";
        size_t i;
        json_t *d;
        json_array_foreach(json_object_get(o, "worked_by"), i, d)
        {
            size_t len = i ? strlen(by) : 0;
            snprintf(by + len, sizeof by - len, "%s%s", i ? "," : "", json_string_value(d));
        }
        const char *sa = json_string_value(json_object_get(o, "started_at"));
        const char *fa = json_string_value(json_object_get(o, "finished_at"));
        fprintf(out, "%-36s %-13s %-10s %-10s %-10s %-11s %-10s %6zu %8zu %-16.16s %-16.16s "
                "%-12s %s%s\n",
                json_string_value(json_object_get(o, "uuid")),
                json_string_value(json_object_get(o, "kind")),
                json_string_value(json_object_get(o, "account")),
                json_string_value(json_object_get(o, "device")),
                json_is_string(json_object_get(o, "due_date"))
                    ? json_string_value(json_object_get(o, "due_date")) : "-",
                json_string_value(json_object_get(o, "state")),
                json_is_string(json_object_get(o, "reason_code"))
                    ? json_string_value(json_object_get(o, "reason_code")) : "-",
                json_array_size(json_object_get(o, "photos")),
                json_array_size(json_object_get(o, "readings")), sa ? sa : "-", fa ? fa : "-", by,
                json_is_string(json_object_get(o, "result"))
                    ? json_string_value(json_object_get(o, "result")) : "", late);
        if (json_is_string(json_object_get(o, "note")))
            fprintf(out, "    ^ %s\n", json_string_value(json_object_get(o, "note")));
        json_decref(o);
    }
    if (as_json)
        fputs("]\n", out);
    int rc = step == SQLITE_DONE ? GW_OK : db_err(hs, e, "listing tasks");
    sqlite3_finalize(st);
    return rc;
}
