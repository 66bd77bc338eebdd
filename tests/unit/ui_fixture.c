/* ui_fixture.c - see ui_fixture.h. Test code may use data/sql.h to seed and inspect the
 * store directly; the app never does. */
#include "gridwalk/config.h"

#include "tests/unit/ui_fixture.h"

#include "app/i18n.h"
#include "data/sql.h"
#include "ui/loop_internal.h"

#include <ctype.h>
#include <locale.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

time_t pinned_at(void)
{
    struct tm tm = {.tm_year = 126, .tm_mon = 10, .tm_mday = 22, .tm_hour = 14, .tm_min = 3};
    return timegm(&tm);
}

static const char SEED[] =
    "INSERT INTO customers(account,name,meter,capacity,address,line,voltage,updated_at) VALUES"
    "('3301000001','杭州市西湖区张三食品有限公司','330100123456','315 kVA',"
    "  '浙江省杭州市西湖区文三路 100 号','10kV 东风线','10kV','2026-11-01T00:00:00.000Z'),"
    "('3301000002','李四','330100654321','50 kW','浙江省杭州市上城区解放路 8 号',"
    "  '10kV 解放线','0.4kV','2026-11-01T00:00:00.000Z'),"
    "('3301000003','王五电器商行','330100777777','100 kVA','浙江省宁波市海曙区中山路 21 号',"
    "  '10kV 东风线','10kV','2026-11-01T00:00:00.000Z'),"
    "('3302000004','赵六','330200888888','630 kVA','浙江省宁波市江北区人民路 5 号',"
    "  '35kV 江北线','35kV','2026-11-01T00:00:00.000Z'),"
    "('3302000005','A张三甲乙丙丁戊己庚辛壬癸子丑寅','330200555555','80 kVA',"
    "  '浙江省温州市鹿城区边界路 1 号','10kV 边界线','10kV','2026-11-01T00:00:00.000Z'),"
    "('3302000006','钱七','330200999999','200 kVA','浙江省绍兴市越城区胜利路 9 号',"
    "  '10kV 胜利线','10kV','2026-11-01T00:00:00.000Z');"
    "UPDATE customers SET lat = 30.274085, lon = 120.155070, coord_accuracy_m = 8,"
    " coord_source = 'import' WHERE account = '3301000002';";

int fixture_setup(void **state)
{
    struct ui_fixture *f = calloc(1, sizeof *f);
    struct err e = {0};
    const char *tmp = getenv("TMPDIR");
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "%s/gw-ui-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(f->dir));
    setenv("HOME", f->dir, 1);
    setenv("XDG_CONFIG_HOME", f->dir, 1);
    setenv("XDG_DATA_HOME", f->dir, 1);
    setenv("TZ", "UTC", 1);
    setenv("LINES", "24", 1);
    setenv("COLUMNS", "80", 1);
    tzset();
    if (!getenv("GW_TEST_LANG"))
        unsetenv("LANGUAGE");
    else
        setenv("LANGUAGE", getenv("GW_TEST_LANG"), 1);
    setlocale(LC_ALL, "C.UTF-8");
    char localedir[512];
    const char *build = getenv("GRIDWALK_BUILD");
    snprintf(localedir, sizeof localedir, "%s/locale", build && *build ? build : "build");
    setenv("GRIDWALK_LOCALEDIR", localedir, 1);
    i18n_init();
    snprintf(f->db_path, sizeof f->db_path, "%s/gridwalk.db", f->dir);
    assert_int_equal(db_open(&f->db, f->db_path, &e), GW_OK);
    assert_int_equal(db_exec(f->db, &e, SEED), GW_OK);
    config_defaults(&f->cfg);
    f->out = fopen("/dev/null", "w");
    f->in = fopen("/dev/null", "r");
    assert_non_null(f->out);
    assert_non_null(f->in);
    /* GW_TEST_TERM: a test of colour (the photo viewer) asks for a 256-colour terminal. */
    const char *term = getenv("GW_TEST_TERM");
    f->scr = newterm(term && *term ? term : "xterm", f->out, f->in);
    assert_non_null(f->scr);
    set_term(f->scr);
    f->ui = ui_new(f->db, &f->cfg);
    ui_set_clock(f->ui, pinned_at);
    ui_draw(f->ui);
    *state = f;
    return 0;
}

int fixture_teardown(void **state)
{
    struct ui_fixture *f = *state;
    char cmd[600];
    ui_free(f->ui);
    endwin();
    delscreen(f->scr);
    fclose(f->out);
    fclose(f->in);
    db_close(f->db);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "# could not remove %s\n", f->dir);
    free(f);
    return 0;
}

void fx_keys(struct ui_fixture *f, const char *script)
{
    assert_true(ui_script(f->ui, script) >= 0);
}

/* Times that come from the real clock (created_at, updated_at) differ from run to run:
 * mask every "YYYY-MM-DD HH:MM" except the pinned automatic name. */
static void mask_times(char *s)
{
    for (char *p = s; *p; p++) {
        static const char shape[] = "dddd-dd-dd dd:dd";
        size_t n = sizeof shape - 1, i;
        for (i = 0; i < n && p[i]; i++)
            if (shape[i] == 'd' ? !isdigit((unsigned char)p[i]) : p[i] != shape[i])
                break;
        if (i == n && strncmp(p, FIXTURE_AUTONAME, n) != 0) {
            for (i = 0; i < n; i++)
                if (isdigit((unsigned char)p[i]))
                    p[i] = '#';
            p += n - 1;
        }
    }
}

static char *read_all(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return NULL;
    char *buf = NULL;
    size_t cap = 0;
    FILE *mem = open_memstream(&buf, &cap);
    int c;
    while ((c = fgetc(fp)) != EOF)
        fputc(c, mem);
    fclose(fp);
    fclose(mem);
    return buf;
}

static void compare_golden(char *got, const char *name, const char *ext);

void fx_golden(struct ui_fixture *f, const char *name, int attrs)
{
    char *got = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&got, &len);
    ui_dump_screen(mem);
    if (attrs) {
        fputs("-- attributes --\n", mem);
        ui_dump_attrs(mem);
    }
    fclose(mem);
    /* Screens that show files under the scratch folder (the file chooser): its random
     * mkdtemp suffix becomes XXXXXX, keeping every column where it was. */
    size_t dl = strlen(f->dir);
    for (char *p = got; dl > 6 && (p = strstr(p, f->dir)) != NULL; p += dl)
        memset(p + dl - 6, 'X', 6);
    compare_golden(got, name, "txt");
}

void fx_golden_model(struct ui_fixture *f, const char *name)
{
    compare_golden(fx_model(f), name, "model");
}

/* Compares got (freed here) with tests/golden/ui/NAME.EXT, or rewrites it. */
static void compare_golden(char *got, const char *name, const char *ext)
{
    char path[1024];
    mask_times(got);
    const char *top = getenv("GRIDWALK_TOP");
    snprintf(path, sizeof path, "%s/tests/golden/ui/%s.%s", top && *top ? top : ".", name, ext);
    if (getenv("GOLDEN_UPDATE") && strcmp(getenv("GOLDEN_UPDATE"), "1") == 0) {
        FILE *fp = fopen(path, "w");
        assert_non_null(fp);
        fputs(got, fp);
        fclose(fp);
        free(got);
        return;
    }
    char *want = read_all(path);
    if (!want || strcmp(want, got) != 0) {
        fprintf(stderr, "# %s differs from %s (GOLDEN_UPDATE=1 rewrites it):\n", name, path);
        /* Show the differing rows side by side. */
        char *w = want ? want : (char *)"", *g = got;
        for (int row = 0; *w || *g; row++) {
            size_t wl = strcspn(w, "\n"), gl = strcspn(g, "\n");
            if (wl != gl || strncmp(w, g, wl) != 0)
                fprintf(stderr, "# row %2d want: %.*s\n# row %2d got:  %.*s\n", row, (int)wl, w,
                        row, (int)gl, g);
            w += wl + (w[wl] ? 1 : 0);
            g += gl + (g[gl] ? 1 : 0);
        }
        free(want);
        free(got);
        fail_msg("%s.%s does not match its golden file", name, ext);
    }
    free(want);
    free(got);
}

/* Not inlined: open_memstream() writes through &buf, and gcc 12, inlining this into a caller
 * that searches the result, takes the result for a pointer to that local (-Wdangling-pointer). */
__attribute__((noinline)) char *fx_model(struct ui_fixture *f)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    ui_dump_model(f->ui, mem);
    fclose(mem);
    return buf;
}

int64_t fx_count(struct ui_fixture *f, const char *sql)
{
    struct err e = {0};
    sqlite3_stmt *st = db_prepare(f->db, &e, sql);
    assert_non_null(st);
    assert_int_equal(db_step(f->db, st, &e), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

const char *fx_text(struct ui_fixture *f, const char *sql)
{
    static char buf[4096];
    struct err e = {0};
    sqlite3_stmt *st = db_prepare(f->db, &e, sql);
    assert_non_null(st);
    buf[0] = '\0';
    if (db_step(f->db, st, &e) == SQLITE_ROW)
        db_col_copy(st, 0, buf, sizeof buf);
    sqlite3_finalize(st);
    return buf;
}

void sqlite3_exec_for_tests(struct ui_fixture *f, const char *sql)
{
    struct err e = {0};
    if (db_exec(f->db, &e, sql) != GW_OK)
        fail_msg("%s", e.msg);
}

char *fx_screen(void)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    ui_dump_screen(f);
    fclose(f);
    return buf;
}

void fx_has(const char *hay, const char *needle)
{
    if (!strstr(hay, needle)) {
        fprintf(stderr, "# lacks \"%s\":\n%s", needle, hay);
        fail();
    }
}

void fx_model_has(struct ui_fixture *f, const char *text)
{
    char *m = fx_model(f);
    if (!strstr(m, text)) {
        fprintf(stderr, "# model lacks \"%s\":\n%s", text, m);
        free(m);
        fail();
    }
    free(m);
}

void fx_model_lacks(struct ui_fixture *f, const char *text)
{
    char *m = fx_model(f);
    if (strstr(m, text)) {
        fprintf(stderr, "# model should not have \"%s\":\n%s", text, m);
        free(m);
        fail();
    }
    free(m);
}

const char *fx_value(struct ui_fixture *f, const char *key)
{
    static char val[1024];
    char *m = fx_model(f);
    char want[128];
    snprintf(want, sizeof want, "\n%s=", key);
    const char *hit = strstr(m, want);
    val[0] = '\0';
    if (hit) {
        size_t at = (size_t)(hit - m) + strlen(want), n = strcspn(m + at, "\n");
        snprintf(val, sizeof val, "%.*s", (int)(n < sizeof val ? n : sizeof val - 1), m + at);
    }
    free(m);
    return val;
}

void fx_pump_job(void)
{
    for (int i = 0; i < 600; i++) {
        struct pollfd fds[UI_LOOP_MAX_FDS];
        int n = ui_loop_fill(fds, UI_LOOP_MAX_FDS);
        if (n == 0)
            return;
        if (poll(fds, (nfds_t)n, 1000) > 0)
            ui_loop_dispatch(fds, n);
    }
    fail_msg("the photo job did not finish");
}

int fixture_setup_zh(void **state)
{
    setenv("GW_TEST_LANG", "zh_CN", 1);
    int rc = fixture_setup(state);
    unsetenv("GW_TEST_LANG");
    return rc;
}
