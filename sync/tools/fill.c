/* fill.c - gw-sync-fill, a test and bench helper: plays the app parts' role by writing a
 * customer's folder, entries and photos into a tablet store with their outbox rows, exactly
 * as the brief's payload contract describes, and the photo files into the media store.
 *
 *   gw-sync-fill --db PATH --account A --name NAME --photos N [--size BYTES] [--per-entry K]
 *                [--folder NAME] [--seed S]
 *
 * Photo bytes are pseudo-random (incompressible, like JPEG) from the seed, so two runs with
 * different seeds never share a hash. It uses data/sql.h because it stands in for app code
 * that is not written yet; nothing in the product links it. */
#include "gridwalk/config.h"

#include "data/sql.h"
#include "data/mediastore.h"
#include "sync/wire.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void die(const char *what, const struct err *e)
{
    fprintf(stderr, "gw-sync-fill: %s: %s\n", what, e ? e->msg : strerror(errno));
    exit(1);
}

static void mkdir_for(const char *file)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", file);
    char *slash = strrchr(dir, '/');
    if (!slash)
        return;
    *slash = '\0';
    char *s2 = strrchr(dir, '/');
    if (s2) {
        *s2 = '\0';
        mkdir(dir, 0700);
        *s2 = '/';
    }
    mkdir(dir, 0700);
}

/* Runs one statement with the given text binds (NULL-terminated name/value pairs). */
static int64_t run(struct db *db, const char *sql, const char *const *kv)
{
    struct err e = {0};
    sqlite3_stmt *st = db_prepare(db, &e, sql);
    if (!st)
        die("prepare", &e);
    for (int i = 0; kv && kv[i]; i += 2)
        db_bind_text(st, kv[i], kv[i + 1]);
    int rc = db_step(db, st, &e);
    if (rc < 0)
        die("step", &e);
    int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return v;
}

static char *text_of(struct db *db, const char *sql, const char *const *kv)
{
    struct err e = {0};
    sqlite3_stmt *st = db_prepare(db, &e, sql);
    if (!st)
        die("prepare", &e);
    for (int i = 0; kv && kv[i]; i += 2)
        db_bind_text(st, kv[i], kv[i + 1]);
    if (db_step(db, st, &e) != SQLITE_ROW)
        die("select", &e);
    char *s = strdup(db_col_text(st, 0));
    sqlite3_finalize(st);
    return s;
}

int main(int argc, char **argv)
{
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},     {"account", required_argument, NULL, 'a'},
        {"name", required_argument, NULL, 'n'},   {"photos", required_argument, NULL, 'p'},
        {"size", required_argument, NULL, 's'},   {"per-entry", required_argument, NULL, 'k'},
        {"folder", required_argument, NULL, 'f'}, {"seed", required_argument, NULL, 'r'},
        {NULL, 0, NULL, 0}};
    const char *dbp = NULL, *account = "1001", *name = "测试用户", *folder = "1号变压器";
    long photos = 10, size = 4096, per = 10;
    unsigned seed = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (ch) {
        case 'd': dbp = optarg; break;
        case 'a': account = optarg; break;
        case 'n': name = optarg; break;
        case 'p': photos = strtol(optarg, NULL, 10); break;
        case 's': size = strtol(optarg, NULL, 10); break;
        case 'k': per = strtol(optarg, NULL, 10); break;
        case 'f': folder = optarg; break;
        case 'r': seed = (unsigned)strtoul(optarg, NULL, 10); break;
        default: return 2;
        }
    }
    if (!dbp || photos < 0 || size < 16 || per < 1)
        return fprintf(stderr, "usage: gw-sync-fill --db PATH [--photos N] [--size B] ...\n"), 2;
    struct db *db = NULL;
    struct err e = {0};
    if (db_open(&db, dbp, &e))
        die(dbp, &e);
    char now[DB_TIME_LEN], fuuid[DB_UUID_LEN], euuid[DB_UUID_LEN], puuid[DB_UUID_LEN];
    db_now(now);
    run(db, "INSERT OR IGNORE INTO customers(account, name, updated_at) VALUES(:a, :n, :t)",
        (const char *[]){":a", account, ":n", name, ":t", now, NULL});
    struct db_change c;
    if (db_change_begin(db, &c, &e))
        die("begin", &e);
    db_uuid(fuuid);
    run(db, "INSERT INTO folders(uuid, customer_id, category, name, created_at, updated_at) "
            "SELECT :u, id, 1, :n, :t, :t FROM customers WHERE account = :a",
        (const char *[]){":u", fuuid, ":n", folder, ":t", now, ":a", account, NULL});
    char *payload = text_of(db,
                            "SELECT json_object('uuid', f.uuid, 'customer_account', c.account,"
                            " 'category', f.category, 'name', f.name, 'created_at', f.created_at,"
                            " 'updated_at', f.updated_at) FROM folders f JOIN customers c"
                            " ON c.id = f.customer_id WHERE f.uuid = :u",
                            (const char *[]){":u", fuuid, NULL});
    if (db_change_outbox(&c, "folder", fuuid, payload, NULL, &e))
        die("outbox", &e);
    free(payload);
    if (db_change_commit(&c, &e))
        die("commit", &e);

    unsigned char *buf = malloc((size_t)size);
    uint64_t x = 0x9E3779B97F4A7C15ull * (seed + 1);
    for (long i = 0; i < photos; i++) {
        if (i % per == 0) {
            char ename[64];
            db_uuid(euuid);
            db_now(now);
            snprintf(ename, sizeof ename, "2026-11-22 14:%02ld 第%ld条", (i / per) % 60, i / per + 1);
            if (db_change_begin(db, &c, &e))
                die("begin", &e);
            run(db, "INSERT INTO entries(uuid, folder_id, name, created_at, updated_at) "
                    "SELECT :u, id, :n, :t, :t FROM folders WHERE uuid = :f",
                (const char *[]){":u", euuid, ":n", ename, ":t", now, ":f", fuuid, NULL});
            payload = text_of(db,
                              "SELECT json_object('uuid', e.uuid, 'folder_uuid', f.uuid,"
                              " 'customer_account', c.account, 'name', e.name,"
                              " 'appearance_remark', e.appearance_remark,"
                              " 'nameplate_remark', e.nameplate_remark, 'created_at',"
                              " e.created_at, 'updated_at', e.updated_at, 'version', e.version,"
                              " 'lat', e.lat, 'lon', e.lon, 'accuracy_m', e.accuracy_m)"
                              " FROM entries e JOIN folders f ON f.id = e.folder_id"
                              " JOIN customers c ON c.id = f.customer_id WHERE e.uuid = :u",
                              (const char *[]){":u", euuid, NULL});
            if (db_change_outbox(&c, "entry", euuid, payload, NULL, &e))
                die("outbox", &e);
            free(payload);
            if (db_change_commit(&c, &e))
                die("commit", &e);
        }
        for (long k = 0; k < size; k++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            buf[k] = (unsigned char)(x >> 24);
        }
        buf[0] = 0xFF, buf[1] = 0xD8; /* looks like the start of a JPEG to `file` */
        char sha[WIRE_SHA_LEN], path[4096], tmp[4200], bytes[32], taken[DB_TIME_LEN];
        wire_sha256_hex(buf, (size_t)size, sha);
        mediastore_file_for(dbp, sha, path, sizeof path);
        mkdir_for(path);
        snprintf(tmp, sizeof tmp, "%s.tmp", path);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || write(fd, buf, (size_t)size) != size || fsync(fd) != 0 || close(fd) != 0 ||
            rename(tmp, path) != 0)
            die(path, NULL);
        db_uuid(puuid);
        db_now(taken);
        snprintf(bytes, sizeof bytes, "%ld", size);
        if (db_change_begin(db, &c, &e))
            die("begin", &e);
        run(db, "INSERT INTO photos(uuid, entry_id, folder, sha256, bytes, source, taken_at, "
                "created_at) SELECT :u, id, :sub, :sha, :b, 'camera', :t, :t FROM entries "
                "WHERE uuid = :e",
            (const char *[]){":u", puuid, ":sub", (i % 2) ? "nameplate" : "appearance", ":sha",
                             sha, ":b", bytes, ":t", taken, ":e", euuid, NULL});
        payload = text_of(db,
                          "SELECT json_object('uuid', p.uuid, 'entry_uuid', e.uuid, 'folder',"
                          " p.folder, 'sha256', p.sha256, 'bytes', p.bytes, 'width', p.width,"
                          " 'height', p.height, 'source', p.source, 'taken_at', p.taken_at,"
                          " 'original_sha256', p.original_sha256) FROM photos p"
                          " JOIN entries e ON e.id = p.entry_id WHERE p.uuid = :u",
                          (const char *[]){":u", puuid, NULL});
        const char *blobs[] = {sha, NULL};
        if (db_change_outbox(&c, "photo", puuid, payload, blobs, &e))
            die("outbox", &e);
        free(payload);
        if (db_change_commit(&c, &e))
            die("commit", &e);
    }
    free(buf);
    db_close(db);
    return 0;
}
