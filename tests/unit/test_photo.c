/* test_photo.c - the photo pipeline end to end against a real SQLite file and media folder:
 * files in, rows and outbox rows out, broken input leaves nothing behind, the orphan sweep,
 * cancel, GPS only from a recent fix, scanning with the SANE test backend (one page, several
 * pages from the feeder, cancel) and the worker-thread job the UI uses. */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/photo.h"
#include "app/photo_job.h"
#include "app/photo_pick.h"
#include "data/sql.h"
#include "media/exif.h"
#include "media/image.h"
#include "tests/unit/syscall_wait.h"

#include <dirent.h>
#include <dlfcn.h>
#include <glob.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <valgrind/valgrind.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static char scratch[64], dbpath[300], photo[300];

static void write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    fclose(f);
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)len + 1);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return buf;
}

/* A customer with one folder and one entry, written with plain SQL: the tree screens own
 * their own module; this test only needs rows to point at. */
static struct db *fixture_db(void)
{
    struct db *db = NULL;
    struct err e = {0};
    assert_int_equal(db_open(&db, dbpath, &e), 0);
    assert_int_equal(
        db_exec(db, &e,
                "INSERT OR IGNORE INTO customers(id, account, name, updated_at) "
                "VALUES(1, '1001', 'Zhang San', '2026-01-01T00:00:00.000Z');"
                "INSERT OR IGNORE INTO folders(id, uuid, customer_id, category, name, "
                "created_at, updated_at) VALUES(1, 'f0000000-0000-4000-8000-000000000001', 1, 1, "
                "'Transformer T1', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');"
                "INSERT OR IGNORE INTO entries(id, uuid, folder_id, name, created_at, updated_at) "
                "VALUES(1, 'e0000000-0000-4000-8000-000000000001', 1, '2026-11-22 14:03', "
                "'2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');"),
        0);
    return db;
}

static int64_t count(struct db *db, const char *sql)
{
    sqlite3_stmt *st = db_prepare(db, NULL, sql);
    assert_non_null(st);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* Files under media/ other than the lock. */
static int media_files(void)
{
    char pat[400];
    glob_t g;
    snprintf(pat, sizeof pat, "%s/media/*/*", scratch);
    int n = 0;
    if (glob(pat, GLOB_PERIOD, NULL, &g) != 0)
        return 0;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *b = strrchr(g.gl_pathv[i], '/') + 1;
        if (strcmp(b, ".") != 0 && strcmp(b, "..") != 0)
            n++;
    }
    globfree(&g);
    return n;
}

static int setup(void **state)
{
    (void)state;
    snprintf(scratch, sizeof scratch, "/tmp/gw-test-photo-XXXXXX");
    if (!mkdtemp(scratch))
        return -1;
    snprintf(dbpath, sizeof dbpath, "%s/gw.db", scratch);
    glob_t g;
    if (glob("/usr/share/backgrounds/*.jpg", 0, NULL, &g) != 0)
        return -1;
    snprintf(photo, sizeof photo, "%s", g.gl_pathv[0]);
    globfree(&g);
    /* The SANE test backend only, from a private configuration (RIGS.md). Not slowed down
     * (read-delay): its reader thread, cancelled while it sleeps after the last chunk, leaks
     * its buffer, which valgrind would blame on us. Slow scans are in media-sane.sh. */
    char dir[100], cmd[800];
    snprintf(dir, sizeof dir, "%s/sane", scratch);
    mkdir(dir, 0700);
    snprintf(cmd, sizeof cmd, "echo test > %s/dll.conf && cp /etc/sane.d/test.conf %s/", dir, dir);
    if (system(cmd) != 0)
        return -1;
    setenv("SANE_CONFIG_DIR", dir, 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
    return system(cmd);
}

static int reset(void **state)
{
    (void)state;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s/gw.db' '%s/gw.db-wal' '%s/gw.db-shm' '%s/media'", scratch,
             scratch, scratch, scratch);
    return system(cmd);
}

static void test_file_stored_with_row_outbox_and_exif(void **state)
{
    (void)state;
    struct db *db = fixture_db();
    struct photo_ctx ctx;
    struct photo_config cfg;
    struct err e = {0};
    struct photo_stored p;
    photo_config_defaults(&cfg);
    cfg.keep_original = 1;
    assert_int_equal(
        photo_ctx_open(&ctx, db, "e0000000-0000-4000-8000-000000000001", "nameplate", &cfg, &e), 0);
    assert_int_equal(photo_add_file(&ctx, photo, &p, &e), 0);
    assert_int_equal(p.width, 1600);
    assert_string_equal(p.source, "file");
    assert_string_equal(p.folder, "nameplate");
    assert_false(p.has_position);

    /* The file is where the row says, and its content has the recorded hash. */
    char hex[MEDIA_SHA256_HEX];
    assert_int_equal(media_sha256_file(p.path, hex, &e), 0);
    assert_string_equal(hex, p.sha256);
    assert_non_null(strstr(p.path, "/media/"));
    char want[120];
    snprintf(want, sizeof want, "/media/%.2s/%s.jpg", p.sha256, p.sha256);
    assert_non_null(strstr(p.path, want));
    /* The original is kept byte for byte, and found by its hash alone. */
    assert_int_equal(media_sha256_file(photo, hex, &e), 0);
    assert_string_equal(hex, p.original_sha256);
    char found[MEDIASTORE_PATH_MAX];
    assert_int_equal(mediastore_locate(&ctx.ms, p.original_sha256, found, sizeof found, &e), 0);
    assert_int_equal(media_sha256_file(found, hex, &e), 0);
    assert_string_equal(hex, p.original_sha256);
    assert_int_equal(mediastore_locate(&ctx.ms,
                                       "ab00000000000000000000000000000000000000000000"
                                       "000000000000000000",
                                       found, sizeof found, &e),
                     GW_ENOTFOUND);

    assert_int_equal(count(db, "SELECT count(*) FROM photos WHERE source='file' AND "
                               "folder='nameplate' AND lat IS NULL"),
                     1);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox WHERE kind='photo' AND "
                               "json_extract(payload,'$.width')=1600 AND "
                               "json_extract(payload,'$.entry_uuid')="
                               "'e0000000-0000-4000-8000-000000000001' AND "
                               "json_extract(payload,'$.original_sha256') IS NOT NULL AND "
                               "json_extract(payload,'$.source')='file'"),
                     1);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox_blobs"), 2);

    /* EXIF names the customer and the entry. */
    size_t n;
    unsigned char *buf = slurp(p.path, &n);
    struct media_exif_source src;
    media_exif_read(buf, n, &src);
    assert_true(src.have_taken);
    assert_non_null(memmem(buf, n, "customer 1001 Zhang San; entry 2026-11-22 14:03", 47));
    free(buf);
    photo_ctx_done(&ctx);
    db_close(db);
}

static void test_broken_input_stores_nothing(void **state)
{
    (void)state;
    struct db *db = fixture_db();
    struct photo_ctx ctx;
    struct err e = {0};
    struct photo_stored p;
    char bad[400];
    size_t n;
    assert_int_equal(photo_ctx_open(&ctx, db, "1", NULL, NULL, &e), 0);
    unsigned char *buf = slurp(photo, &n);
    snprintf(bad, sizeof bad, "%s/truncated.jpg", scratch);
    write_file(bad, buf, n / 3);
    assert_int_equal(photo_add_file(&ctx, bad, &p, &e), GW_ECORRUPT);
    assert_non_null(strstr(e.msg, "truncated.jpg"));
    snprintf(bad, sizeof bad, "%s/notes.jpg", scratch);
    write_file(bad, "meter 4711 reads 123\n", 21);
    assert_int_equal(photo_add_file(&ctx, bad, &p, &e), GW_EINVAL);
    assert_int_equal(photo_add_file(&ctx, "/nonexistent/x.jpg", &p, &e), GW_ENOTFOUND);
    free(buf);
    assert_int_equal(count(db, "SELECT count(*) FROM photos"), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox"), 0);
    assert_int_equal(media_files(), 0);
    photo_ctx_done(&ctx);
    assert_int_equal(photo_ctx_open(&ctx, db, "no-such-entry", NULL, NULL, &e), GW_ENOTFOUND);
    photo_ctx_done(&ctx);
    assert_int_equal(photo_ctx_open(&ctx, db, "1", "basement", NULL, &e), GW_EINVAL);
    photo_ctx_done(&ctx);
    db_close(db);
}

static void test_sweep_removes_orphans_and_temps(void **state)
{
    (void)state;
    struct db *db = fixture_db();
    struct photo_ctx ctx;
    struct err e = {0};
    struct photo_stored p;
    assert_int_equal(photo_ctx_open(&ctx, db, "1", NULL, NULL, &e), 0);
    assert_int_equal(photo_add_file(&ctx, photo, &p, &e), 0);
    photo_ctx_done(&ctx);
    /* What a crash leaves: a file no row references, and a temporary. */
    char orphan[400], tmp[400], other[400];
    const char *sha = "ab00000000000000000000000000000000000000000000000000000000000001";
    snprintf(other, sizeof other, "%s/media/ab", scratch);
    mkdir(other, 0700);
    snprintf(orphan, sizeof orphan, "%s/media/ab/%s.jpg", scratch, sha);
    snprintf(tmp, sizeof tmp, "%s/media/ab/.tmp-Xy12ab", scratch);
    write_file(orphan, "x", 1);
    write_file(tmp, "half a pho", 10);
    assert_int_equal(photo_ctx_open(&ctx, db, "1", NULL, NULL, &e), 0);
    assert_int_equal(ctx.sweep.swept, 1);
    assert_int_equal(ctx.sweep.orphans, 1);
    assert_int_equal(ctx.sweep.temps, 1);
    assert_int_not_equal(access(orphan, F_OK), 0);
    assert_int_not_equal(access(tmp, F_OK), 0);
    assert_int_equal(access(p.path, F_OK), 0);

    /* While another handle holds the store, a sweep is skipped, not run under its feet. */
    struct photo_ctx second;
    write_file(orphan, "x", 1);
    assert_int_equal(photo_ctx_open(&second, db, "1", NULL, NULL, &e), 0);
    assert_int_equal(second.sweep.swept, 0);
    assert_int_equal(access(orphan, F_OK), 0);
    photo_ctx_done(&second);
    photo_ctx_done(&ctx);
    /* The app's start-up sweep, once nobody else holds the store. */
    struct mediastore_sweep_stats st;
    assert_int_equal(photo_store_sweep(db, &st, &e), 0);
    assert_int_equal(st.swept, 1);
    assert_int_equal(st.orphans, 1);
    assert_int_not_equal(access(orphan, F_OK), 0);
    db_close(db);
}

static atomic_int cancel_flag;

static void cancel_at(void *c, const char *stage, long done, long total)
{
    (void)done, (void)total;
    if (strcmp(stage, (const char *)c) == 0)
        atomic_store(&cancel_flag, 1);
}

static void test_cancel_stores_nothing(void **state)
{
    (void)state;
    struct db *db = fixture_db();
    struct photo_ctx ctx;
    struct err e = {0};
    struct photo_stored p;
    assert_int_equal(photo_ctx_open(&ctx, db, "1", NULL, NULL, &e), 0);
    atomic_store(&cancel_flag, 0);
    ctx.cancel = &cancel_flag;
    ctx.progress = cancel_at;
    ctx.progress_ctx = (void *)"tagging";
    assert_int_equal(photo_add_file(&ctx, photo, &p, &e), GW_ECANCEL);
    assert_int_equal(count(db, "SELECT count(*) FROM photos"), 0);
    assert_int_equal(media_files(), 0);
    photo_ctx_done(&ctx);
    db_close(db);
}

static void test_position_only_from_recent_fix(void **state)
{
    (void)state;
    struct db *db = fixture_db();
    struct photo_ctx ctx;
    struct err e = {0};
    struct photo_stored p;
    assert_int_equal(photo_ctx_open(&ctx, db, "1", NULL, NULL, &e), 0);
    ctx.pos.lat = 31.25;
    ctx.pos.lon = 121.5;
    ctx.pos.accuracy_m = 6;
    ctx.pos.fix_time = time(NULL) - 3600; /* an hour old: not where the photo was taken */
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    size_t n;
    unsigned char *buf = slurp(photo, &n);
    assert_int_equal(photo_add_encoded(&ctx, buf, n, "camera", "vivid", "vivid", &now, &p, &e), 0);
    assert_false(p.has_position);
    ctx.pos.fix_time = now.tv_sec - 5;
    assert_int_equal(photo_add_encoded(&ctx, buf, n, "camera", "vivid", "vivid", &now, &p, &e), 0);
    assert_true(p.has_position);
    free(buf);
    assert_int_equal(count(db, "SELECT count(*) FROM photos WHERE lat IS NULL"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM photos WHERE lat = 31.25 AND lon = 121.5 "
                               "AND accuracy_m = 6"),
                     1);
    photo_ctx_done(&ctx);
    db_close(db);
}

static void test_file_keeps_its_own_time(void **state)
{
    (void)state;
    struct db *db = fixture_db();
    struct photo_ctx ctx;
    struct err e = {0};
    struct photo_stored p;
    char path[400];
    assert_int_equal(photo_ctx_open(&ctx, db, "1", NULL, NULL, &e), 0);
    /* A picture taken at 2024-05-01 08:30:00 +08:00 (00:30 UTC). */
    struct media_image img = {0};
    img.width = 40;
    img.height = 30;
    img.px = calloc(40 * 30, 3);
    unsigned char *jpeg = NULL, *tagged = NULL;
    size_t jn, tn;
    assert_int_equal(media_jpeg_encode(&img, 90, &jpeg, &jn, &e), 0);
    struct media_exif_fields f = {.taken = 1714523400,
                                  .utc_offset_min = 480,
                                  .lat = NAN,
                                  .lon = NAN,
                                  .alt_m = NAN,
                                  .accuracy_m = NAN};
    assert_int_equal(media_exif_attach(jpeg, jn, &f, &tagged, &tn, &e), 0);
    snprintf(path, sizeof path, "%s/old.jpg", scratch);
    write_file(path, tagged, tn);
    assert_int_equal(photo_add_file(&ctx, path, &p, &e), 0);
    assert_string_equal(p.taken_at, "2024-05-01T00:30:00.000Z");
    assert_int_equal(p.width, 40);
    free(jpeg);
    free(tagged);
    media_image_done(&img);
    photo_ctx_done(&ctx);
    db_close(db);
}

static void test_scan_one_page_and_feeder(void **state)
{
    (void)state;
    struct db *db = fixture_db();
    struct photo_ctx ctx;
    struct err e = {0};
    int stored = 0;
    assert_int_equal(photo_ctx_open(&ctx, db, "1", NULL, NULL, &e), 0);
    struct photo_scan_opts one = {NULL, NULL, "Color", 75, 0};
    assert_int_equal(photo_scan(&ctx, &one, NULL, NULL, &stored, &e), 0);
    assert_int_equal(stored, 1);
    struct photo_scan_opts three = {"test:0", "Automatic Document Feeder", "Gray", 50, 3};
    assert_int_equal(photo_scan(&ctx, &three, NULL, NULL, &stored, &e), 0);
    assert_int_equal(stored, 3);
    assert_int_equal(count(db, "SELECT count(*) FROM photos WHERE source='scan'"), 4);
    assert_int_equal(count(db, "SELECT count(DISTINCT sha256) FROM photos"), 4);
    /* The whole feeder: the test backend's ADF holds 10 pages. */
    struct photo_scan_opts all = {"test:0", "Automatic Document Feeder", "Gray", 25, 0};
    assert_int_equal(photo_scan(&ctx, &all, NULL, NULL, &stored, &e), 0);
    assert_int_equal(stored, 10);
    struct photo_scan_opts none = {"no-such-scanner", NULL, NULL, 0, 0};
    assert_int_equal(photo_scan(&ctx, &none, NULL, NULL, &stored, &e), GW_ENOTFOUND);
    assert_non_null(strstr(e.msg, "no-such-scanner"));
    photo_ctx_done(&ctx);
    db_close(db);
}

static void cancel_after_page(void *c, int page, const struct photo_stored *p)
{
    (void)c, (void)p;
    if (page == 2)
        atomic_store(&cancel_flag, 1);
}

/* Cancelled between pages (after the second): the finished pages stay, no third is fed.
 * A cancel in the middle of a page is tested through the CLI in tests/rig/media-sane.sh: the
 * SANE test backend leaks its reader's buffer when a page is cut short, which valgrind would
 * blame on this binary. */
static void test_scan_cancel_keeps_finished_pages(void **state)
{
    (void)state;
    struct db *db = fixture_db();
    struct photo_ctx ctx;
    struct err e = {0};
    int stored = 0;
    assert_int_equal(photo_ctx_open(&ctx, db, "1", NULL, NULL, &e), 0);
    atomic_store(&cancel_flag, 0);
    ctx.cancel = &cancel_flag;
    struct photo_scan_opts o = {"test:0", "Automatic Document Feeder", "Gray", 50, 5};
    assert_int_equal(photo_scan(&ctx, &o, cancel_after_page, NULL, &stored, &e), GW_ECANCEL);
    assert_non_null(strstr(e.msg, "after 2 pages"));
    assert_int_equal(stored, 2);
    assert_int_equal(count(db, "SELECT count(*) FROM photos"), 2);
    assert_int_equal(media_files(), 2);
    photo_ctx_done(&ctx);
    db_close(db);
}

static void wait_done(struct photo_job *j, int *stored_n, int *failed_n, int *progress_n,
                      struct photo_event *last)
{
    for (;;) {
        struct pollfd pfd = {photo_job_fd(j), POLLIN, 0};
        assert_true(poll(&pfd, 1, 30000) > 0);
        struct photo_event ev;
        while (photo_job_next(j, &ev)) {
            if (ev.kind == PHOTO_EV_STORED)
                (*stored_n)++;
            else if (ev.kind == PHOTO_EV_FAILED)
                (*failed_n)++;
            else if (ev.kind == PHOTO_EV_PROGRESS)
                (*progress_n)++;
            else {
                *last = ev;
                return;
            }
        }
    }
}

/* A job request for the fixture's entry, importing files into its appearance folder. */
static struct photo_job_request files_request(const char *const *files, int n)
{
    struct photo_job_request rq;
    memset(&rq, 0, sizeof rq);
    rq.kind = PHOTO_JOB_FILES;
    rq.db_path = dbpath;
    rq.entry = "e0000000-0000-4000-8000-000000000001";
    rq.folder = "appearance";
    photo_config_defaults(&rq.cfg);
    photo_position_unknown(&rq.pos);
    rq.files = files;
    rq.nfiles = n;
    return rq;
}

static void test_worker_job_files_and_scan(void **state)
{
    (void)state;
    struct db *db = fixture_db();
    db_close(db);
    char bad[400];
    snprintf(bad, sizeof bad, "%s/bad.png", scratch);
    write_file(bad, "\x89PNG\r\n\x1a\nnot really", 18);
    const char *files[] = {photo, bad, photo};
    struct photo_job_request rq = files_request(files, 3);
    struct photo_job *j = NULL;
    struct err e = {0};
    assert_int_equal(photo_job_start(&rq, &j, &e), 0);
    int s = 0, f = 0, pr = 0;
    struct photo_event last;
    wait_done(j, &s, &f, &pr, &last);
    photo_job_free(j);
    assert_int_equal(last.rc, 0);
    assert_int_equal(s, 2);
    assert_int_equal(f, 1);
    assert_true(pr >= 1);

    /* With the chooser's roots, a file outside them is refused, one inside is stored. */
    char inside[200], in_file[300];
    snprintf(inside, sizeof inside, "%s/roots", scratch);
    mkdir(inside, 0700);
    snprintf(in_file, sizeof in_file, "%s/ok.jpg", inside);
    size_t pn;
    unsigned char *pb = slurp(photo, &pn);
    write_file(in_file, pb, pn);
    free(pb);
    struct photo_pick_roots roots;
    photo_pick_roots_init(&roots, inside);
    const char *picked[] = {in_file, photo};
    rq.files = picked;
    rq.nfiles = 2;
    rq.roots = &roots;
    assert_int_equal(photo_job_start(&rq, &j, &e), 0);
    photo_pick_roots_done(&roots);
    s = f = pr = 0;
    wait_done(j, &s, &f, &pr, &last);
    photo_job_free(j);
    assert_int_equal(s, 1);
    assert_int_equal(f, 1);
    rq.roots = NULL;

    memset(&rq.scan, 0, sizeof rq.scan);
    rq.kind = PHOTO_JOB_SCAN;
    rq.scan.source = "Automatic Document Feeder";
    rq.scan.pages = 2;
    rq.scan.dpi = 50;
    assert_int_equal(photo_job_start(&rq, &j, &e), 0);
    s = f = pr = 0;
    wait_done(j, &s, &f, &pr, &last);
    photo_job_free(j);
    assert_int_equal(last.rc, 0);
    assert_int_equal(s, 2);

    /* Cancelled from the UI thread while it scans slowly: ends with GW_ECANCEL. */
    rq.scan.pages = 10;
    rq.scan.dpi = 300;
    assert_int_equal(photo_job_start(&rq, &j, &e), 0);
    photo_job_cancel(j);
    s = f = pr = 0;
    wait_done(j, &s, &f, &pr, &last);
    photo_job_free(j);
    assert_int_equal(last.rc, GW_ECANCEL);
    assert_true(s < 10);

    /* A camera that is not there: a clear message, the job ends. */
    rq.kind = PHOTO_JOB_CAPTURE;
    rq.device = "/dev/video-none";
    assert_int_equal(photo_job_start(&rq, &j, &e), 0);
    s = f = pr = 0;
    wait_done(j, &s, &f, &pr, &last);
    photo_job_free(j);
    assert_int_equal(last.rc, GW_EDEVICE);
    assert_non_null(strstr(last.err.msg, "/dev/video-none"));
    assert_non_null(strstr(last.err.msg, "file"));
}

/* The one call the entry page's buttons make: everything from the store's settings. */
/* A worker stuck inside a system call (here a blocking open() of a FIFO nobody writes, as a
 * scanner driver stuck in its read) ignores the cancel flag. Abandoning it returns at once and
 * counts it as stuck; once the call returns, the worker frees the job by itself. */
static void test_abandon_stuck_worker(void **state)
{
    (void)state;
    struct db *db = fixture_db();
    db_close(db);
    char fifo[400];
    snprintf(fifo, sizeof fifo, "%s/stuck.jpg", scratch);
    unlink(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    const char *files[] = {fifo};
    struct photo_job_request rq = files_request(files, 1);
    struct photo_job *j = NULL;
    struct err e = {0};
    assert_int_equal(photo_job_start(&rq, &j, &e), 0);
    /* Wait until the worker sits in open(), then cancel: that changes nothing. */
    assert_true(wait_thread_in_syscall(SYS_openat, 5000));
    photo_job_cancel(j);
    struct pollfd pf = {photo_job_fd(j), POLLIN, 0};
    struct photo_event ev;
    int ended = 0;
    for (int i = 0; i < 5 && !ended; i++)
        if (poll(&pf, 1, 100) > 0)
            while (photo_job_next(j, &ev))
                ended |= ev.kind == PHOTO_EV_DONE;
    assert_false(ended);
    assert_int_equal(photo_job_stuck(), 0);
    photo_job_abandon(j);
    assert_int_equal(photo_job_stuck(), 1);
    /* The call returns (a writer comes and goes): the worker ends and frees the job. */
    int w = open(fifo, O_WRONLY);
    assert_true(w >= 0);
    close(w);
    for (int i = 0; i < 100 && photo_job_stuck() > 0; i++)
        usleep(50 * 1000);
    assert_int_equal(photo_job_stuck(), 0);
    assert_int_equal(media_files(), 0);
    unlink(fifo);
}

static void test_job_for_entry_from_settings(void **state)
{
    (void)state;
    struct db *db = fixture_db();
    struct err e = {0};
    char dir[200], inside[300], sql[600];
    snprintf(dir, sizeof dir, "%s/dcim", scratch);
    mkdir(dir, 0700);
    snprintf(inside, sizeof inside, "%s/p.jpg", dir);
    size_t n;
    unsigned char *b = slurp(photo, &n);
    write_file(inside, b, n);
    free(b);
    snprintf(sql, sizeof sql,
             "INSERT INTO settings(key, value) VALUES('photo.dirs', '%s'), "
             "('photo.long_edge', '640'), ('scanner.source', 'Automatic Document Feeder'), "
             "('scanner.pages', '2'), ('scanner.dpi', '40')",
             dir);
    assert_int_equal(db_exec(db, &e, sql), 0);
    struct photo_job *j = NULL;
    struct photo_event last;
    int s = 0, f = 0, pr = 0;
    const char *files[] = {inside, photo};
    assert_int_equal(
        photo_job_for_entry(db, 1, "nameplate", PHOTO_JOB_FILES, files, 2, NULL, NULL, &j, &e), 0);
    wait_done(j, &s, &f, &pr, &last);
    photo_job_free(j);
    assert_int_equal(s, 1); /* the one inside photo.dirs */
    assert_int_equal(f, 1);
    assert_int_equal(count(db, "SELECT count(*) FROM photos WHERE width = 640 AND "
                               "folder = 'nameplate'"),
                     1);
    s = f = pr = 0;
    assert_int_equal(
        photo_job_for_entry(db, 1, "appearance", PHOTO_JOB_SCAN, NULL, 0, NULL, NULL, &j, &e), 0);
    wait_done(j, &s, &f, &pr, &last);
    photo_job_free(j);
    assert_int_equal(last.rc, 0);
    assert_int_equal(s, 2);
    assert_int_equal(db_exec(db, &e,
                             "UPDATE settings SET value = 'lots' WHERE key = "
                             "'scanner.pages'"),
                     0);
    assert_int_equal(
        photo_job_for_entry(db, 1, "appearance", PHOTO_JOB_SCAN, NULL, 0, NULL, NULL, &j, &e),
        GW_EINVAL);
    assert_non_null(strstr(e.msg, "scanner.pages"));
    assert_null(j);
    assert_int_equal(db_exec(db, &e, "DELETE FROM settings WHERE key = 'scanner.pages'"), 0);

    /* The settings file's values win over the store's: long edge, and the chooser's folders
     * (the photo outside photo.dirs is now inside). */
    char folders[400];
    snprintf(folders, sizeof folders, "%s:%.*s", dir, (int)(strrchr(photo, '/') - photo), photo);
    struct photo_overrides ov = {800, 0, -1, NULL, NULL, folders};
    s = f = pr = 0;
    assert_int_equal(
        photo_job_for_entry(db, 1, "appearance", PHOTO_JOB_FILES, files, 2, NULL, &ov, &j, &e), 0);
    wait_done(j, &s, &f, &pr, &last);
    photo_job_free(j);
    assert_int_equal(s, 2);
    assert_int_equal(count(db, "SELECT count(*) FROM photos WHERE width = 800"), 2);
    db_close(db);
}

static void test_picker_stays_inside_its_folders(void **state)
{
    (void)state;
    char roots[600], card[100], pics[100], path[400];
    snprintf(pics, sizeof pics, "%s/pics", scratch);
    snprintf(card, sizeof card, "%s/sdcard", scratch);
    snprintf(roots, sizeof roots, "%s:%s:%s/not-there", pics, card, scratch);
    mkdir(pics, 0700);
    mkdir(card, 0700);
    snprintf(path, sizeof path, "%s/DCIM", card);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/DCIM/IMG_0001.JPG", card);
    write_file(path, "x", 1);
    snprintf(path, sizeof path, "%s/b.png", pics);
    write_file(path, "x", 1);
    snprintf(path, sizeof path, "%s/a.jpeg", pics);
    write_file(path, "x", 1);
    snprintf(path, sizeof path, "%s/notes.txt", pics);
    write_file(path, "x", 1);
    snprintf(path, sizeof path, "%s/.hidden.jpg", pics);
    write_file(path, "x", 1);
    /* A link out of the roots, to a picture that exists. */
    snprintf(path, sizeof path, "%s/escape.jpg", pics);
    assert_int_equal(symlink(photo, path), 0);

    struct photo_pick_roots r;
    photo_pick_roots_init(&r, roots);
    struct photo_pick_item *items = NULL;
    int n = 0;
    struct err e = {0};
    assert_int_equal(photo_pick_list(&r, NULL, &items, &n, &e), 0);
    int mine = 0;
    for (int i = 0; i < n; i++)
        mine += strcmp(items[i].name, "pics") == 0 || strcmp(items[i].name, "sdcard") == 0;
    assert_int_equal(mine, 2);
    free(items);

    assert_int_equal(photo_pick_list(&r, pics, &items, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_string_equal(items[0].name, "a.jpeg");
    assert_string_equal(items[1].name, "b.png");
    free(items);
    assert_int_equal(photo_pick_list(&r, card, &items, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_true(items[0].is_dir);
    free(items);

    snprintf(path, sizeof path, "%s/../..", pics);
    assert_int_equal(photo_pick_list(&r, path, &items, &n, &e), GW_EINVAL);
    assert_null(items);
    assert_int_equal(photo_pick_list(&r, "/etc", &items, &n, &e), GW_EINVAL);
    snprintf(path, sizeof path, "%s/DCIM/IMG_0001.JPG", card);
    assert_true(photo_pick_allowed(&r, path));
    snprintf(path, sizeof path, "%s/escape.jpg", pics);
    assert_false(photo_pick_allowed(&r, path));
    assert_false(photo_pick_allowed(&r, photo));
    snprintf(path, sizeof path, "%s/notes.txt", pics);
    assert_false(photo_pick_allowed(&r, path));
    photo_pick_roots_done(&r);
}

/* The SANE test backend's reader thread is cancelled by the next sane_start() or
 * sane_cancel() while it may not have freed its 64 KiB buffer yet (a race inside the backend,
 * seen under ASan's timing). Keeping the backend loaded names it in the leak report, and this
 * suppresses exactly that library's leaks, nothing of ours. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libsane-test.so\n";
}

static void *keep_sane_test_loaded(void)
{
    glob_t g;
    void *h = NULL;
    if (glob("/usr/lib/*/sane/libsane-test.so.1", 0, NULL, &g) == 0) {
        h = dlopen(g.gl_pathv[0], RTLD_NOW | RTLD_NODELETE);
        globfree(&g);
    }
    return h;
}

int main(void)
{
    keep_sane_test_loaded();
    /* libjpeg-turbo's SIMD code reads the padding past a row's end, which valgrind reports as
     * uninitialised (a known false positive); its plain C code is checked instead. */
    if (RUNNING_ON_VALGRIND)
        setenv("JSIMD_FORCENONE", "1", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_file_stored_with_row_outbox_and_exif, reset),
        cmocka_unit_test_setup(test_broken_input_stores_nothing, reset),
        cmocka_unit_test_setup(test_sweep_removes_orphans_and_temps, reset),
        cmocka_unit_test_setup(test_cancel_stores_nothing, reset),
        cmocka_unit_test_setup(test_position_only_from_recent_fix, reset),
        cmocka_unit_test_setup(test_file_keeps_its_own_time, reset),
        cmocka_unit_test_setup(test_scan_one_page_and_feeder, reset),
        cmocka_unit_test_setup(test_scan_cancel_keeps_finished_pages, reset),
        cmocka_unit_test_setup(test_worker_job_files_and_scan, reset),
        cmocka_unit_test(test_picker_stays_inside_its_folders),
        cmocka_unit_test_setup(test_job_for_entry_from_settings, reset),
        cmocka_unit_test_setup(test_abandon_stuck_worker, reset),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
