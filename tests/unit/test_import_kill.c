/* test_import_kill.c - kill -9 in the middle of a 100,000-row import.
 *
 * Runs the real `gridwalk import-customers --progress` against a store that already has
 * customers (some of which the file changes), and SIGKILLs it when its progress says it is
 * 10%, 50% and 90% through, and once more right as it starts to commit. After each kill the
 * store must hold exactly the customers it held before and pass integrity_check; the last
 * kill may also land after the commit, and then the store must hold the whole file. A final
 * uninterrupted import shows that the file does change the store, so the comparison can
 * fail. The child is the real program built beside this test ($GRIDWALK_BUILD/bin). */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "data/customers.h"
#include "data/sql.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROWS 100000
#define EXISTING 3000

static char scratch[256], store[300], csv[300], gridwalk[PATH_MAX];

static void find_gridwalk(void)
{
    const char *build = getenv("GRIDWALK_BUILD");
    if (build && *build) {
        snprintf(gridwalk, sizeof gridwalk, "%s/bin/gridwalk", build);
        if (access(gridwalk, X_OK) == 0)
            return;
    }
    /* Beside this test: BUILD/tests/test_import_kill -> BUILD/bin/gridwalk. */
    char self[PATH_MAX - 32];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            snprintf(gridwalk, sizeof gridwalk, "%s/../bin/gridwalk", self);
            if (access(gridwalk, X_OK) == 0)
                return;
        }
    }
    fail_msg("cannot find the gridwalk program; build it with `make` (or set GRIDWALK_BUILD)");
}

/* Runs gridwalk with args, output to /dev/null; returns its exit status. */
static int run_gridwalk(const char *const *args)
{
    char *argv[16];
    int n = 0;
    argv[n++] = gridwalk;
    for (; args[n - 1] && n < 15; n++)
        argv[n] = (char *)args[n - 1];
    argv[n] = NULL;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        execv(gridwalk, argv);
        _exit(127);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

struct digest {
    int64_t rows;
    uint64_t hash;
};

/* Opens the store as the app would after a crash (SQLite recovers the WAL), checks it and
 * fingerprints every column of every customer (or only counts them: quick under valgrind). */
static struct digest store_digest_of(int full)
{
    struct db *db = NULL;
    struct err e = {0};
    struct digest d = {0, 1469598103934665603ull};
    if (db_open(&db, store, &e) != GW_OK)
        fail_msg("reopening the store: %s", e.msg);
    if (db_check_integrity(db, &e) != GW_OK)
        fail_msg("after the kill: %s", e.msg);
    sqlite3_stmt *st = db_prepare(db, &e,
                                  full ? "SELECT id, account, name, meter, capacity, address, "
                                         "line, voltage, lat, lon, coord_source, updated_at "
                                         "FROM customers ORDER BY id"
                                       : "SELECT count(*) FROM customers");
    assert_non_null(st);
    if (!full) {
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        d.rows = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        db_close(db);
        return d;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        d.rows++;
        for (int col = 0; col < 12; col++) {
            const unsigned char *t = sqlite3_column_text(st, col);
            for (const unsigned char *p = t ? t : (const unsigned char *)"<null>"; *p; p++)
                d.hash = (d.hash ^ *p) * 1099511628211ull;
            d.hash = (d.hash ^ 0x1F) * 1099511628211ull;
        }
    }
    sqlite3_finalize(st);
    db_close(db);
    return d;
}

static struct digest store_digest(void)
{
    return store_digest_of(1);
}

static int setup(void **state)
{
    (void)state;
    char n[32];
    find_gridwalk();
    snprintf(scratch, sizeof scratch, "/tmp/gw-test-import-kill-XXXXXX");
    if (!mkdtemp(scratch))
        return -1;
    snprintf(store, sizeof store, "%s/store.db", scratch);
    snprintf(csv, sizeof csv, "%s/customers.csv", scratch);
    snprintf(n, sizeof n, "%d", EXISTING);
    const char *make_store[] = {"demo-data", "--db", store, "--customers", n, "--seed", "7", NULL};
    if (run_gridwalk(make_store) != 0)
        return -1;
    snprintf(n, sizeof n, "%d", ROWS);
    const char *make_csv[] = {"demo-data", "--csv", csv, "--customers", n, "--seed", "7", NULL};
    if (run_gridwalk(make_csv) != 0)
        return -1;
    /* Half the existing customers were renamed since: the file updates them. */
    struct db *db = NULL;
    if (db_open(&db, store, NULL) != GW_OK)
        return -1;
    int rc = db_exec(db, NULL, "UPDATE customers SET name = name || '（旧）' WHERE id % 2 = 0");
    db_close(db);
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
    return system(cmd);
}

/* Starts the import and SIGKILLs it once it reports `rows` rows read. Returns the wait
 * status. */
static int import_and_kill_at(long rows)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl(gridwalk, gridwalk, "import-customers", "--db", store, "--progress", csv,
              (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    FILE *progress = fdopen(fds[0], "r");
    assert_non_null(progress);
    char line[256];
    int killed = 0;
    while (fgets(line, sizeof line, progress)) {
        long n = strtol(line, NULL, 10);
        if (!killed && n >= rows) {
            kill(pid, SIGKILL);
            killed = 1;
        }
    }
    fclose(progress);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

static void test_kill_mid_import_leaves_store_unchanged(void **state)
{
    (void)state;
    struct digest before = store_digest();
    assert_int_equal(before.rows, EXISTING);

    static const long points[] = {ROWS / 10, ROWS / 2, ROWS * 9 / 10};
    for (size_t i = 0; i < sizeof points / sizeof points[0]; i++) {
        int status = import_and_kill_at(points[i]);
        if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
            fail_msg("the import at %ld rows ended by itself (status %d) before the kill",
                     points[i], status);
        struct digest now = store_digest();
        if (now.rows != before.rows || now.hash != before.hash)
            fail_msg("killed at %ld rows: the store has %lld customers (had %lld) or changed "
                     "content",
                     points[i], (long long)now.rows, (long long)before.rows);
    }

    /* The last progress line comes just before the commit: the kill lands before, during
     * or after it. Whichever it is, the store is all-before or all-after, never between. */
    import_and_kill_at(ROWS);
    struct digest at_commit = store_digest_of(0);
    int committed = at_commit.rows != before.rows;
    if (committed)
        at_commit = store_digest();
    else
        at_commit.hash = store_digest().hash;

    /* An uninterrupted import does change the store: the comparisons above could fail. */
    const char *full[] = {"import-customers", "--db", store, csv, NULL};
    assert_int_equal(run_gridwalk(full), 0);
    struct digest after = store_digest_of(committed);
    assert_int_equal(after.rows, ROWS);
    if (!(at_commit.rows == before.rows && at_commit.hash == before.hash) &&
        !(committed && at_commit.rows == after.rows && at_commit.hash == after.hash))
        fail_msg("killed at the commit: the store is neither as before nor fully imported "
                 "(%lld customers)",
                 (long long)at_commit.rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_kill_mid_import_leaves_store_unchanged, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
