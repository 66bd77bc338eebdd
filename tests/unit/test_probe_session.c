/* test_probe_session.c - the read session (app/probe/session.c) driven step by step against
 * the meter simulator, forked on a pty, so that ASan and valgrind see the session code:
 * both protocols, progress between steps, a cancel from another thread, a failing meter
 * keeping its transcript. Needs build/tools/metersim ($GRIDWALK_BUILD/tools/metersim). */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/probe/session.h"
#include "app/readjob.h"

#include <poll.h>

#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct sim {
    pid_t pid;
    char port[128];
};

static const char *regs_file = "meter-a.txt";

static void sim_start(struct sim *s, const char *const *flags)
{
    char tool[512], regs[512];
    const char *build = getenv("GRIDWALK_BUILD"), *top = getenv("GRIDWALK_TOP");
    snprintf(tool, sizeof tool, "%s/tools/metersim", build ? build : "build");
    snprintf(regs, sizeof regs, "%s/tests/data/probe/%s", top ? top : ".", regs_file);
    char *argv[16];
    int n = 0, fd[2];
    argv[n++] = tool;
    for (; flags && *flags && n < 14; flags++)
        argv[n++] = (char *)*flags;
    argv[n++] = regs;
    argv[n] = NULL;
    assert_int_equal(pipe(fd), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
    posix_spawn_file_actions_addclose(&fa, fd[0]);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", 1, 0);
    assert_int_equal(posix_spawn(&s->pid, tool, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    close(fd[1]);
    FILE *f = fdopen(fd[0], "r");
    assert_non_null(f);
    assert_non_null(fgets(s->port, sizeof s->port, f));
    s->port[strcspn(s->port, "\n")] = '\0';
    fclose(f);
}

static void sim_stop(struct sim *s)
{
    kill(s->pid, SIGTERM);
    waitpid(s->pid, NULL, 0);
}

static void test_dlt645_step_by_step(void **state)
{
    (void)state;
    struct sim sim;
    const char *flags[] = {"--protocol", "dlt", NULL};
    sim_start(&sim, flags);
    struct probe_serial *s = NULL;
    struct probe_session *ss = NULL;
    struct err e = {0};
    const char *const regs[] = {"meter_number", "energy_fwd_total", "voltage_a", NULL};
    struct probe_options o = {.protocol = PROBE_DLT645, .dlt_baud = 9600, .registers = regs};
    assert_int_equal(probe_serial_open(&s, sim.port, &e), GW_OK);
    assert_int_equal(probe_session_new(&ss, s, &o, &e), GW_OK);
    int finished = 0, steps = 0, done = 0, total = 0;
    const char *what = NULL;
    while (!finished) {
        assert_int_equal(probe_session_step(ss, &finished, &e), GW_OK);
        probe_session_progress(ss, &done, &total, &what);
        assert_true(done <= total);
        steps++;
    }
    assert_int_equal(total, 4);
    assert_int_equal(done, 4);
    assert_int_equal(steps, 4); /* address, then one exchange per register */
    struct probe_result r;
    probe_session_result(ss, &r);
    assert_string_equal(r.protocol, "dlt645-2007");
    assert_string_equal(r.meter_reported, "330100012345");
    assert_string_equal(probe_result_reg(&r, "energy_fwd_total")->value, "12345.67");
    assert_string_equal(probe_result_reg(&r, "voltage_a")->value, "229.8");
    assert_non_null(strstr(r.transcript, "TX FE FE FE FE 68 AA AA AA AA AA AA 68 13 00 DF 16"));
    assert_true(r.wire_us > 0);
    probe_result_done(&r);
    probe_session_free(ss);
    probe_serial_close(s);
    sim_stop(&sim);
}

static void test_iec_blocking_read(void **state)
{
    (void)state;
    struct sim sim;
    const char *flags[] = {"--protocol", "iec", NULL};
    sim_start(&sim, flags);
    struct probe_result r;
    struct err e = {0};
    /* (auto's fallback from a silent DL/T 645 is the rig's business: it costs 6 s.) */
    struct probe_options o = {.protocol = PROBE_IEC62056, .iec_max_baud = 19200};
    assert_int_equal(probe_read_meter(sim.port, &o, &r, &e), GW_OK);
    assert_string_equal(r.protocol, "iec62056-21");
    assert_string_equal(r.ident, "GWS5 GWSIM-DDZY1");
    assert_string_equal(probe_result_reg(&r, "energy_fwd_t3")->value, "2765.44");
    assert_int_equal(probe_result_reg(&r, "balance")->status, PROBE_REG_ABSENT);
    assert_int_equal(r.mandated_ms, 400);
    probe_result_done(&r);
    sim_stop(&sim);
}

static void test_failure_keeps_transcript(void **state)
{
    (void)state;
    struct sim sim;
    const char *flags[] = {"--bad-checksum", NULL};
    sim_start(&sim, flags);
    struct probe_result r;
    struct err e = {0};
    struct probe_options o = {.protocol = PROBE_DLT645, .dlt_baud = 9600};
    assert_int_equal(probe_read_meter(sim.port, &o, &r, &e), GW_ECORRUPT);
    assert_non_null(strstr(e.msg, "checksum"));
    assert_non_null(r.transcript);
    assert_non_null(strstr(r.transcript, "retry 3 of 3"));
    probe_result_done(&r);
    sim_stop(&sim);
}

static void *cancel_later(void *arg)
{
    usleep(300000);
    probe_session_cancel(arg);
    return NULL;
}

static void test_cancel_from_another_thread(void **state)
{
    (void)state;
    struct sim sim;
    const char *flags[] = {"--silent", NULL};
    sim_start(&sim, flags);
    struct probe_serial *s = NULL;
    struct probe_session *ss = NULL;
    struct err e = {0};
    assert_int_equal(probe_serial_open(&s, sim.port, &e), GW_OK);
    assert_int_equal(probe_session_new(&ss, s, NULL, &e), GW_OK);
    pthread_t t;
    pthread_create(&t, NULL, cancel_later, ss);
    int finished = 0, rc;
    while ((rc = probe_session_step(ss, &finished, &e)) == GW_OK && !finished)
        ;
    pthread_join(t, NULL);
    assert_int_equal(rc, GW_ECANCEL);
    probe_session_free(ss);
    probe_serial_close(s);
    sim_stop(&sim);
}

static void test_unknown_register_refused(void **state)
{
    (void)state;
    struct probe_session *ss = NULL;
    struct err e = {0};
    const char *const regs[] = {"energy_fwd_total", "flux_capacitor", NULL};
    struct probe_options o = {.registers = regs};
    assert_int_equal(probe_session_new(&ss, NULL, &o, &e), GW_EINVAL);
    assert_null(ss);
    assert_non_null(strstr(e.msg, "flux_capacitor"));
}

/* A three-phase meter: all phases, a negative current (sign bit), both protocols alike. */
static void test_three_phase_both_protocols(void **state)
{
    (void)state;
    struct sim sim;
    regs_file = "meter-3p.txt";
    sim_start(&sim, NULL);
    regs_file = "meter-a.txt";
    static const enum probe_protocol protos[] = {PROBE_DLT645, PROBE_IEC62056};
    for (int i = 0; i < 2; i++) {
        struct probe_result r;
        struct err e = {0};
        struct probe_options o = {.protocol = protos[i], .dlt_baud = 9600};
        assert_int_equal(probe_read_meter(sim.port, &o, &r, &e), GW_OK);
        assert_string_equal(r.meter_reported, "330200067890");
        assert_string_equal(probe_result_reg(&r, "voltage_b")->value, "229.7");
        assert_string_equal(probe_result_reg(&r, "current_b")->value, "-0.250");
        assert_string_equal(probe_result_reg(&r, "current_c")->value, "11.000");
        assert_string_equal(probe_result_reg(&r, "energy_rev_total")->value, "12.34");
        assert_int_equal(probe_result_reg(&r, "balance")->status, PROBE_REG_ABSENT);
        probe_result_done(&r);
    }
    sim_stop(&sim);
}

/* The worker-thread runner a screen uses: progress through a pollable descriptor. */
static void test_readjob_reports_progress_through_fd(void **state)
{
    (void)state;
    struct sim sim;
    sim_start(&sim, NULL);
    struct readjob *j = NULL;
    struct err e = {0};
    const char *const regs[] = {"energy_fwd_total", "energy_fwd_t1", NULL};
    struct probe_options o = {.protocol = PROBE_DLT645, .dlt_baud = 9600, .registers = regs};
    assert_int_equal(readjob_start(&j, sim.port, &o, &e), GW_OK);
    struct readjob_status st = {0};
    int wakeups = 0, max_done = 0;
    while (!st.finished) {
        struct pollfd pf = {.fd = readjob_fd(j), .events = POLLIN};
        assert_true(poll(&pf, 1, 10000) > 0); /* never silent for 10 s */
        readjob_status(j, &st);
        wakeups++;
        if (st.done > max_done)
            max_done = st.done;
    }
    assert_true(wakeups >= 2);
    assert_int_equal(max_done, 3);
    struct probe_result r;
    assert_int_equal(readjob_finish(j, &r, &e), GW_OK);
    assert_string_equal(probe_result_reg(&r, "energy_fwd_t1")->value, "3012.34");
    probe_result_done(&r);
    readjob_free(j);
    /* Cancelled while the meter keeps silent. */
    sim_stop(&sim);
    const char *silent[] = {"--silent", NULL};
    sim_start(&sim, silent);
    assert_int_equal(readjob_start(&j, sim.port, NULL, &e), GW_OK);
    usleep(200000);
    readjob_cancel(j);
    assert_int_equal(readjob_finish(j, &r, &e), GW_ECANCEL);
    assert_non_null(r.transcript);
    probe_result_done(&r);
    readjob_free(j);
    sim_stop(&sim);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dlt645_step_by_step),
        cmocka_unit_test(test_iec_blocking_read),
        cmocka_unit_test(test_failure_keeps_transcript),
        cmocka_unit_test(test_cancel_from_another_thread),
        cmocka_unit_test(test_unknown_register_refused),
        cmocka_unit_test(test_three_phase_both_protocols),
        cmocka_unit_test(test_readjob_reports_progress_through_fd),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
