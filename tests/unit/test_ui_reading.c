/* test_ui_reading.c - the meter-reading screen, headless (tig style), against the meter
 * simulator on a pty: reached from the customer page's "Read meter", the loop's descriptor
 * brings the result in, a matching meter is stored, another customer's meter is refused
 * loudly, a typed reading needs two matching entries, no probe configured says so. */
#include "gridwalk/config.h"

#include "tests/unit/ui_fixture.h"
#include "ui/hooks.h"
#include "ui/loop_internal.h"
#include "ui/reading.h"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

extern char **environ;

static pid_t sim_pid;

/* Starts the simulator with meter number `meter`; writes the pty path into port. */
static void sim_start(const char *meter, char *port, size_t n)
{
    char tool[512], regs[512];
    const char *build = getenv("GRIDWALK_BUILD"), *top = getenv("GRIDWALK_TOP");
    snprintf(tool, sizeof tool, "%s/tools/metersim", build && *build ? build : "build");
    snprintf(regs, sizeof regs, "%s/tests/data/probe/meter-a.txt", top ? top : ".");
    char *argv[] = {tool, "--protocol", "dlt", "--meter", (char *)meter, regs, NULL};
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
    posix_spawn_file_actions_addclose(&fa, fd[0]);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", 1, 0);
    assert_int_equal(posix_spawn(&sim_pid, tool, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    close(fd[1]);
    FILE *f = fdopen(fd[0], "r");
    assert_non_null(fgets(port, (int)n, f));
    port[strcspn(port, "\n")] = '\0';
    fclose(f);
}

static void sim_stop(void)
{
    kill(sim_pid, SIGTERM);
    waitpid(sim_pid, NULL, 0);
}

/* Runs the loop's descriptors (as ui_run would) until the model shows `want` or 20 s. */
static int run_until(struct ui_fixture *f, const char *want)
{
    for (int i = 0; i < 200; i++) {
        struct pollfd fds[UI_LOOP_MAX_FDS];
        int n = ui_loop_fill(fds, UI_LOOP_MAX_FDS);
        if (n && poll(fds, (nfds_t)n, 100) > 0)
            ui_loop_dispatch(fds, n);
        ui_draw(f->ui);
        char *m = fx_model(f);
        int hit = strstr(m, want) != NULL;
        free(m);
        if (hit)
            return 1;
    }
    return 0;
}

static int screen_has(const char *text)
{
    char path[] = "/tmp/gw-ui-reading-XXXXXX";
    int fd = mkstemp(path);
    FILE *out = fdopen(fd, "w+");
    ui_dump_screen(out);
    fflush(out);
    rewind(out);
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, out);
    buf[n] = '\0';
    fclose(out);
    unlink(path);
    return strstr(buf, text) != NULL;
}

static void test_read_and_store(void **state)
{
    struct ui_fixture *f = *state;
    ui_reading_install();
    sim_start("330100654321", f->cfg.probe, sizeof f->cfg.probe); /* 李四's meter */
    fx_keys(f, "type:李四 Enter r");
    assert_true(run_until(f, "reading.state=stored"));
    char *m = fx_model(f);
    assert_non_null(strstr(m, "stack.2=reading"));
    assert_non_null(strstr(m, "reading.reg.energy_fwd_total=12345.67 kWh"));
    assert_non_null(strstr(m, "reading.validation=no-history"));
    free(m);
    assert_true(screen_has("Meter reading for 3301000002"));
    assert_true(screen_has("energy_fwd_total"));
    assert_int_equal(fx_count(f, "SELECT count(*) FROM readings WHERE method='probe'"), 1);
    assert_int_equal(fx_count(f, "SELECT count(*) FROM outbox WHERE kind='reading'"), 1);
    /* Tab shows the transcript. */
    fx_keys(f, "Tab");
    assert_true(screen_has("TX FE FE FE FE 68 AA AA AA AA AA AA 68 13 00 DF 16"));
    /* Read again: the same value is zero consumption, stored only after Enter confirms. */
    fx_keys(f, "Tab r");
    assert_true(run_until(f, "reading.warn=1"));
    assert_int_equal(fx_count(f, "SELECT count(*) FROM readings"), 1);
    assert_true(screen_has("no consumption"));
    fx_keys(f, "Enter");
    m = fx_model(f);
    assert_non_null(strstr(m, "reading.state=stored"));
    assert_non_null(strstr(m, "reading.validation=zero,confirmed"));
    free(m);
    assert_int_equal(fx_count(f, "SELECT count(*) FROM readings"), 2);
    sim_stop();
    ui_hooks.read_meter = NULL;
}

static void test_wrong_meter_is_refused_loudly(void **state)
{
    struct ui_fixture *f = *state;
    ui_reading_install();
    sim_start("330100999999", f->cfg.probe, sizeof f->cfg.probe);
    fx_keys(f, "type:李四 Enter r");
    assert_true(run_until(f, "reading.state=read\n"));
    char *m = fx_model(f);
    assert_non_null(strstr(m, "reading.meter_match=0"));
    assert_non_null(strstr(m, "reading.note=WRONG METER"));
    free(m);
    assert_true(screen_has("WRONG METER"));
    fx_keys(f, "Enter"); /* no confirming a wrong meter */
    assert_int_equal(fx_count(f, "SELECT count(*) FROM readings"), 0);
    sim_stop();
    ui_hooks.read_meter = NULL;
}

static void test_no_probe_then_typed_twice(void **state)
{
    struct ui_fixture *f = *state;
    ui_reading_install();
    f->cfg.probe[0] = '\0';
    fx_keys(f, "type:李四 Enter r");
    char *m = fx_model(f);
    assert_non_null(strstr(m, "reading.state=failed"));
    assert_non_null(strstr(m, "No probe configured"));
    free(m);
    fx_keys(f, "e type:12400.5 Tab type:12400.6 Tab Tab Enter");
    ui_draw(f->ui);
    assert_true(screen_has("differ")); /* the dialog stays open and says why */
    assert_int_equal(fx_count(f, "SELECT count(*) FROM readings"), 0);
    fx_keys(f, "Esc e type:12400.5 Tab type:12400.50 Tab Tab Enter");
    assert_int_equal(fx_count(f, "SELECT count(*) FROM readings WHERE method='manual' AND "
                                 "reason_code='PROBE_FAILED'"),
                     1);
    fx_keys(f, "n type:DOG Tab Enter");
    assert_int_equal(fx_count(f, "SELECT count(*) FROM readings WHERE reason_code='DOG'"), 1);
    ui_hooks.read_meter = NULL;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_read_and_store, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_wrong_meter_is_refused_loudly, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_no_probe_then_typed_twice, fixture_setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
