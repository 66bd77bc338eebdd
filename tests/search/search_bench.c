/* search_bench.c - `search-bench`: customer search latency beside its peers, same store, same run.
 *
 *   search-bench --db STORE [--queries N] [--export FILE] [--no-fzf] [--import-cost N]
 *                [--slow MS]     (prints each query of ours slower than MS)
 *                [--query TEXT]  (times only this query, --queries times)
 *
 * For each query kind it draws N fragments from random customers of the store and times the
 * first page of 50 results of search_run (query parsing included), a plain
 * `LIKE '%q%'` scan over the seven fields with LIMIT 50, and `fzf --filter` over the same
 * records exported as lines (fewer runs of the slow peers: they take 0.1-4 s each). Prints
 * median and p95 per kind, the store's size with and without the search index, and with
 * --import-cost N the time the search triggers and the index flush add to copying N rows
 * into a fresh store, row by row as an importer does. A benchmark, not a test: it never
 * fails on a figure. Uses data/ internals (sql.h) for the peers' queries. */
#include "gridwalk/config.h"

#include "app/query.h"
#include "data/db.h"
#include "data/search.h"
#include "data/sql.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum kind { K_NAME2, K_ADDR3, K_ACCT6, K_METER8, K_COMBINED, K_NOMATCH, K_COUNT };
static const char *const kind_name[K_COUNT] = {"name, 2 chars",     "address, 3+ chars",
                                               "account, 6 digits", "meter, 8 digits",
                                               "name+line+kv",      "no match"};

static unsigned long long rng = 0x9E3779B97F4A7C15ULL;
static unsigned rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng >> 11);
}

/* Wall time; CPU time of this process with BENCH_CPU set (steadier on a busy machine,
 * for comparing two versions of the code, never for the reported figures). */
static int cpu_time(void)
{
    static int cpu = -1;
    if (cpu < 0)
        cpu = getenv("BENCH_CPU") != NULL;
    return cpu;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(cpu_time() ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

struct stats {
    double med, p95;
    double hits; /* mean hits per query */
    int n;
};

static struct stats summarize(double *t, int n, long hits)
{
    struct stats s = {NAN, NAN, NAN, n};
    if (n == 0)
        return s;
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    s.med = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
    int i = (int)ceil(0.95 * n) - 1;
    s.p95 = t[i < 0 ? 0 : i];
    s.hits = (double)hits / n;
    return s;
}

/* Byte offsets of the UTF-8 characters of s; returns how many (at most max). */
static int chars(const char *s, int *off, int max)
{
    int k = 0;
    for (int i = 0; s[i] && k < max; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            off[k++] = i;
    return k;
}

/* Copies characters [from, from+count) of s into out. */
static void sub_chars(const char *s, int from, int count, char *out, size_t cap)
{
    int off[1024];
    int k = chars(s, off, 1024);
    if (from + count > k)
        count = k - from;
    if (count <= 0) {
        out[0] = '\0';
        return;
    }
    int a = off[from], b = from + count < k ? off[from + count] : (int)strlen(s);
    snprintf(out, cap, "%.*s", b - a, s + a);
}

struct row {
    char account[64], name[192], meter[64], address[384], line[192], voltage[32];
};

static int random_row(struct db *db, int64_t max_id, struct row *r)
{
    sqlite3_stmt *st = db_prepare(db, NULL,
                                  "SELECT account, name, meter, address, line, voltage "
                                  "FROM customers WHERE id >= :id ORDER BY id LIMIT 1");
    int ok = 0;
    if (!st)
        return 0;
    db_bind_int64(
        st, ":id",
        1 + (int64_t)(((unsigned long long)rnd() << 20 ^ rnd()) % (unsigned long long)max_id));
    if (sqlite3_step(st) == SQLITE_ROW) {
        db_col_copy(st, 0, r->account, sizeof r->account);
        db_col_copy(st, 1, r->name, sizeof r->name);
        db_col_copy(st, 2, r->meter, sizeof r->meter);
        db_col_copy(st, 3, r->address, sizeof r->address);
        db_col_copy(st, 4, r->line, sizeof r->line);
        db_col_copy(st, 5, r->voltage, sizeof r->voltage);
        ok = 1;
    }
    sqlite3_finalize(st);
    return ok;
}

/* A fragment of `len` characters at a random place of s (all of s when shorter). */
static void fragment(const char *s, int len, char *out, size_t cap)
{
    int off[1024];
    int k = chars(s, off, 1024);
    int from = k > len ? (int)(rnd() % (unsigned)(k - len + 1)) : 0;
    sub_chars(s, from, len, out, cap);
}

/* The peers' query parts: free text for ours and fzf, and up to three (field, text) pairs
 * for the LIKE scan (field NULL: any field). */
struct q {
    char ours[256], fzf[256];
    const char *like_field[3];
    char like_text[3][128];
    int nlike;
};

static void make_query(struct db *db, int64_t max_id, enum kind k, struct q *q)
{
    struct row r;
    memset(q, 0, sizeof *q);
    if (k == K_NOMATCH) {
        /* Rare ideographs (U+9F80..U+9FA5) in a row: no customer name or address has them. */
        char *p = q->ours;
        for (int i = 0; i < 3; i++) {
            unsigned cp = 0x9F80 + rnd() % 0x26;
            *p++ = (char)(0xE0 | (cp >> 12));
            *p++ = (char)(0x80 | ((cp >> 6) & 0x3F));
            *p++ = (char)(0x80 | (cp & 0x3F));
        }
        *p = '\0';
        snprintf(q->fzf, sizeof q->fzf, "%s", q->ours);
        q->like_field[0] = NULL;
        snprintf(q->like_text[0], sizeof q->like_text[0], "%s", q->ours);
        q->nlike = 1;
        return;
    }
    while (!random_row(db, max_id, &r))
        ;
    char frag[128];
    switch (k) {
    case K_NAME2:
        fragment(r.name, 2, frag, sizeof frag);
        break;
    case K_ADDR3:
        fragment(r.address, 3 + (int)(rnd() % 3), frag, sizeof frag);
        break;
    case K_ACCT6:
        fragment(r.account, 6, frag, sizeof frag);
        break;
    case K_METER8:
        fragment(r.meter, 8, frag, sizeof frag);
        break;
    default: {
        /* name:<first character> line:<two letters of the line's name> kv:<its digits> */
        char n1[16], l2[64] = "", kv[16] = "";
        int off[256], nc = chars(r.line, off, 256);
        sub_chars(r.name, 0, 1, n1, sizeof n1);
        for (int i = 0; i < nc; i++)
            if ((unsigned char)r.line[off[i]] >= 0x80) {
                sub_chars(r.line, i, 2, l2, sizeof l2);
                break;
            }
        size_t m = 0;
        for (const char *c = r.voltage; *c && m + 1 < sizeof kv; c++)
            if (*c >= '0' && *c <= '9')
                kv[m++] = *c;
        kv[m] = '\0';
        snprintf(q->ours, sizeof q->ours, "name:%s line:%s kv:%s", n1, l2, kv);
        snprintf(q->fzf, sizeof q->fzf, "%s %s %s", n1, l2, kv);
        q->like_field[0] = "name";
        q->like_field[1] = "line";
        q->like_field[2] = "voltage";
        snprintf(q->like_text[0], sizeof q->like_text[0], "%s", n1);
        snprintf(q->like_text[1], sizeof q->like_text[1], "%s", l2);
        snprintf(q->like_text[2], sizeof q->like_text[2], "%s", kv);
        q->nlike = 3;
        return;
    }
    }
    snprintf(q->ours, sizeof q->ours, "%s", frag);
    snprintf(q->fzf, sizeof q->fzf, "%s", frag);
    q->like_field[0] = NULL;
    snprintf(q->like_text[0], sizeof q->like_text[0], "%s", frag);
    q->nlike = 1;
}

static int run_ours(struct db *db, const struct q *q, struct search_hit *hits, double *ms)
{
    struct search_query sq;
    struct err e = {0};
    int n = 0;
    double t0 = now_ms();
    if (query_parse(q->ours, &sq, &e) || search_run(db, &sq, 0, 50, hits, &n, &e)) {
        fprintf(stderr, "search-bench: %s: %s\n", q->ours, e.msg);
        return -1;
    }
    *ms = now_ms() - t0;
    return n;
}

static int run_like(struct db *db, const struct q *q, double *ms)
{
    char sql[1024];
    size_t used = (size_t)snprintf(sql, sizeof sql,
                                   "SELECT id, account, name, meter, capacity, address, line, "
                                   "voltage, lat, lon FROM customers WHERE ");
    for (int i = 0; i < q->nlike; i++) {
        if (q->like_field[i])
            used += (size_t)snprintf(sql + used, sizeof sql - used, "%s%s LIKE :p%d",
                                     i ? " AND " : "", q->like_field[i], i);
        else
            used += (size_t)snprintf(sql + used, sizeof sql - used,
                                     "(account LIKE :p%d OR name LIKE :p%d OR meter LIKE :p%d OR "
                                     "capacity LIKE :p%d OR address LIKE :p%d OR line LIKE :p%d "
                                     "OR voltage LIKE :p%d)",
                                     i, i, i, i, i, i, i);
    }
    snprintf(sql + used, sizeof sql - used, " LIMIT 50");
    double t0 = now_ms();
    sqlite3_stmt *st = db_prepare(db, NULL, sql);
    if (!st)
        return -1;
    for (int i = 0; i < q->nlike; i++) {
        char name[16], pat[160];
        snprintf(name, sizeof name, ":p%d", i);
        snprintf(pat, sizeof pat, "%%%s%%", q->like_text[i]);
        db_bind_text(st, name, pat);
    }
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW)
        n++;
    sqlite3_finalize(st);
    *ms = now_ms() - t0;
    return n;
}

/* Wall time always: fzf runs in a child process, whose CPU time is not ours. */
static double wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int run_fzf(const char *export_path, const struct q *q, double *ms)
{
    double t0 = wall_ms();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int in = open(export_path, O_RDONLY), out = open("/dev/null", O_WRONLY);
        if (in < 0 || out < 0)
            _exit(127);
        dup2(in, 0);
        dup2(out, 1);
        execlp("fzf", "fzf", "--filter", q->fzf, (char *)NULL);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) == 127)
        return -1;
    *ms = wall_ms() - t0;
    return 0;
}

static int export_lines(struct db *db, const char *path)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && sb.st_size > 0)
        return 0;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return -1;
    sqlite3_stmt *st = db_prepare(db, NULL,
                                  "SELECT account, name, meter, capacity, address, line, voltage "
                                  "FROM customers ORDER BY id");
    while (st && sqlite3_step(st) == SQLITE_ROW)
        for (int i = 0; i < 7; i++)
            fprintf(f, "%s%c", db_col_text(st, i), i == 6 ? '\n' : '\t');
    sqlite3_finalize(st);
    if (fclose(f) != 0 || !st)
        return -1;
    return rename(tmp, path);
}

static double table_mb(struct db *db, const char *like)
{
    sqlite3_stmt *st =
        db_prepare(db, NULL, "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE :n");
    double mb = NAN;
    if (!st)
        return mb;
    db_bind_text(st, ":n", like);
    if (sqlite3_step(st) == SQLITE_ROW)
        mb = sqlite3_column_double(st, 0) / 1e6;
    sqlite3_finalize(st);
    return mb;
}

/* Copies up to n rows of src into a fresh store at path, one INSERT ... ON CONFLICT per row
 * in transactions of 10,000 as an importer does, with or without the search triggers.
 * Returns seconds spent, flush included; *flush_s gets the flush's share. */
static double copy_rows(const char *src, const char *path, long n, int with_index, double *flush_s)
{
    struct db *db = NULL;
    struct err e = {0};
    char sql[4096];
    double t0, t1;
    unlink(path);
    if (db_open(&db, path, &e)) {
        fprintf(stderr, "search-bench: %s\n", e.msg);
        return NAN;
    }
    if (!with_index)
        db_exec(db, NULL,
                "DROP TRIGGER customers_search_ai; DROP TRIGGER customers_search_au; "
                "DROP TRIGGER customers_search_ad;");
    snprintf(sql, sizeof sql, "ATTACH '%s' AS src", src);
    if (db_exec(db, &e, sql)) {
        fprintf(stderr, "search-bench: %s\n", e.msg);
        db_close(db);
        return NAN;
    }
    snprintf(sql, sizeof sql,
             "SELECT account, name, meter, capacity, address, line, voltage, lat, lon "
             "FROM src.customers ORDER BY id LIMIT %ld",
             n);
    sqlite3_stmt *rd = db_prepare(db, NULL, sql);
    sqlite3_stmt *wr = db_prepare(
        db, NULL,
        "INSERT INTO customers(account, name, meter, capacity, address, line, voltage, lat, "
        "lon, coord_source, updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'import', "
        "'2026-11-22T00:00:00.000Z') ON CONFLICT(account) DO UPDATE SET name = excluded.name, "
        "meter = excluded.meter, capacity = excluded.capacity, address = excluded.address, "
        "line = excluded.line, voltage = excluded.voltage, updated_at = excluded.updated_at");
    if (!rd || !wr) {
        sqlite3_finalize(rd);
        sqlite3_finalize(wr);
        db_close(db);
        return NAN;
    }
    /* Read everything first so only the writing is timed. */
    struct {
        char *v[9];
    } *rows = calloc((size_t)n, sizeof *rows);
    long got = 0;
    while (rows && got < n && sqlite3_step(rd) == SQLITE_ROW) {
        for (int i = 0; i < 9; i++) {
            const char *t = (const char *)sqlite3_column_text(rd, i);
            rows[got].v[i] = t ? strdup(t) : NULL;
        }
        got++;
    }
    sqlite3_finalize(rd);
    db_exec(db, NULL, "DETACH src");
    t0 = now_ms();
    db_exec(db, NULL, "BEGIN");
    for (long i = 0; i < got; i++) {
        for (int c = 0; c < 9; c++)
            sqlite3_bind_text(wr, c + 1, rows[i].v[c], -1, SQLITE_STATIC);
        sqlite3_step(wr);
        sqlite3_reset(wr);
        if (i % 10000 == 9999)
            db_exec(db, NULL, "COMMIT; BEGIN");
    }
    db_exec(db, NULL, "COMMIT");
    sqlite3_finalize(wr);
    t1 = now_ms();
    if (with_index && search_index_flush(db, &e))
        fprintf(stderr, "search-bench: %s\n", e.msg);
    *flush_s = (now_ms() - t1) / 1e3;
    double total = (now_ms() - t0) / 1e3;
    for (long i = 0; i < got; i++)
        for (int c = 0; c < 9; c++)
            free(rows[i].v[c]);
    free(rows);
    db_close(db);
    unlink(path);
    char side[4200];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return total;
}

static void print_stats(struct stats s)
{
    if (s.n == 0 || isnan(s.med))
        printf(" %21s", "n/a");
    else
        printf(" %9.2f / %9.2f", s.med, s.p95);
}

int main(int argc, char **argv)
{
    const char *path = NULL, *export_path = NULL;
    int nq = 100, fzf = 1;
    long import_n = 0;
    double slow_ms = 0;
    const char *one_query = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            path = argv[++i];
        else if (strcmp(argv[i], "--queries") == 0 && i + 1 < argc)
            nq = (int)strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--export") == 0 && i + 1 < argc)
            export_path = argv[++i];
        else if (strcmp(argv[i], "--slow") == 0 && i + 1 < argc)
            slow_ms = strtod(argv[++i], NULL);
        else if (strcmp(argv[i], "--query") == 0 && i + 1 < argc)
            one_query = argv[++i];
        else if (strcmp(argv[i], "--no-fzf") == 0)
            fzf = 0;
        else if (strcmp(argv[i], "--import-cost") == 0 && i + 1 < argc)
            import_n = strtol(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "usage: search-bench --db STORE [--queries N] [--export FILE] "
                            "[--no-fzf] [--import-cost N] [--slow MS]\n");
            return 2;
        }
    }
    if (!path || nq < 1)
        return 2;
    struct db *db = NULL;
    struct err e = {0};
    if (db_open(&db, path, &e)) {
        fprintf(stderr, "search-bench: %s\n", e.msg);
        return 1;
    }
    int64_t pending = search_index_pending(db);
    if (pending > 0) {
        double t0 = now_ms();
        if (search_index_flush(db, &e)) {
            fprintf(stderr, "search-bench: %s\n", e.msg);
            return 1;
        }
        printf("flushed %lld queued rows into the search index in %.1f s\n", (long long)pending,
               (now_ms() - t0) / 1e3);
    }
    int64_t count = 0, max_id = 0;
    sqlite3_stmt *st = db_prepare(db, NULL, "SELECT count(*), max(id) FROM customers");
    if (st && sqlite3_step(st) == SQLITE_ROW) {
        count = sqlite3_column_int64(st, 0);
        max_id = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    if (count < 1) {
        fprintf(stderr, "search-bench: %s has no customers\n", path);
        return 1;
    }
    if (fzf && export_path && export_lines(db, export_path) != 0) {
        fprintf(stderr, "search-bench: cannot export records to %s\n", export_path);
        fzf = 0;
    }
    if (!export_path)
        fzf = 0;

    struct stat sb;
    double file_mb = stat(path, &sb) == 0 ? sb.st_size / 1e6 : NAN;
    double idx_mb = table_mb(db, "customer_search%") + table_mb(db, "search_%");
    printf("store %s: %lld customers, %.0f MB on disk; search index %.0f MB, so %.0f MB "
           "without it\n",
           path, (long long)count, file_mb, idx_mb, file_mb - idx_mb);
    printf("first page of 50; ours %d queries per kind, LIKE scan %d, fzf %d; "
           "%s in ms, median / p95\n",
           nq, nq < 10 ? nq : 10, fzf ? 3 : 0,
           cpu_time() ? "CPU time of this process (fzf: wall time)" : "wall-clock times");
    printf("%-18s %21s %21s %21s %9s %9s\n", "query kind", "ours", "LIKE '%q%' scan",
           "fzf --filter", "hits ours", "hits LIKE");

    struct search_hit *hits = calloc(50, sizeof *hits);
    if (one_query) {
        /* Times one query: for looking into a slow one. */
        struct q q1;
        double t[200];
        int n = 0;
        memset(&q1, 0, sizeof q1);
        snprintf(q1.ours, sizeof q1.ours, "%s", one_query);
        for (int i = 0; i < nq && i < 200; i++)
            n = run_ours(db, &q1, hits, &t[i]);
        struct stats so = summarize(t, nq < 200 ? nq : 200, 0);
        printf("%s: %d hits, median %.2f ms, p95 %.2f ms\n", one_query, n, so.med, so.p95);
        free(hits);
        db_close(db);
        return 0;
    }
    double *t_ours = calloc((size_t)nq, sizeof(double));
    double t_like[10], t_fzf[3];
    struct q *qs = calloc((size_t)nq, sizeof *qs);
    if (!hits || !t_ours || !qs)
        abort();
    for (int k = 0; k < K_COUNT; k++) {
        long h_ours = 0, h_like = 0;
        int n_ours = 0, n_like = 0, n_fzf = 0;
        for (int i = 0; i < nq; i++)
            make_query(db, max_id, (enum kind)k, &qs[i]);
        /* One untimed run so every method starts with the same warm page cache. */
        double dummy;
        run_ours(db, &qs[0], hits, &dummy);
        for (int i = 0; i < nq; i++) {
            int n = run_ours(db, &qs[i], hits, &t_ours[n_ours]);
            if (n >= 0 && slow_ms > 0 && t_ours[n_ours] > slow_ms)
                printf("  slow: %.2f ms, %d hits: %s\n", t_ours[n_ours], n, qs[i].ours);
            if (n >= 0) {
                h_ours += n;
                n_ours++;
            }
        }
        for (int i = 0; i < nq && i < 10; i++) {
            int n = run_like(db, &qs[i], &t_like[n_like]);
            if (n >= 0) {
                h_like += n;
                n_like++;
            }
        }
        for (int i = 0; fzf && i < 3 && i < nq; i++)
            if (run_fzf(export_path, &qs[i], &t_fzf[n_fzf]) == 0)
                n_fzf++;
        struct stats so = summarize(t_ours, n_ours, h_ours);
        struct stats sl = summarize(t_like, n_like, h_like);
        struct stats sf = summarize(t_fzf, n_fzf, 0);
        printf("%-18s", kind_name[k]);
        print_stats(so);
        print_stats(sl);
        print_stats(sf);
        printf(" %9.1f %9.1f   e.g. %s\n", so.hits, sl.hits, qs[0].ours);
        fflush(stdout);
    }
    free(hits);
    free(t_ours);
    free(qs);
    db_close(db);

    if (import_n > 0) {
        char tmp[4096];
        double flush_s = 0, none_flush = 0;
        snprintf(tmp, sizeof tmp, "%s.import-bench.db", path);
        double without = copy_rows(path, tmp, import_n, 0, &none_flush);
        double with = copy_rows(path, tmp, import_n, 1, &flush_s);
        printf("import of %ld rows (one upsert per row, 10,000 per transaction): %.1f s "
               "without the search index, %.1f s with it (of which %.1f s the final "
               "search_index_flush): the index adds %.1f s\n",
               import_n, without, with, flush_s, with - without);
    }
    return 0;
}
