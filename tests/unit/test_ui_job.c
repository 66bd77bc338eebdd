/* test_ui_job.c - the progress box of a media job in the real UI, headless (tig style).
 *
 * A job whose worker is stuck in a real system call (a blocking open() of a FIFO, as a scanner
 * driver stuck in its read): the box shows it working, says when the device has been quiet,
 * takes Cancel, and when the job does not come back it is given up and the user told to
 * replug the device; the app goes on, and the worker frees itself once its call returns. */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/photo_job.h"
#include "data/tree.h"
#include "tests/unit/ui_fixture.h"
#include "ui/loop_internal.h"
#include "ui/media.h"
#include "tests/unit/syscall_wait.h"

#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define F(state) ((struct ui_fixture *)*(state))

/* Runs the loop's callbacks (the job's pipe and timers) for up to ms milliseconds, or until
 * nothing is registered any more. */
static void pump(int ms)
{
    for (int waited = 0; waited < ms; waited += 100) {
        struct pollfd fds[UI_LOOP_MAX_FDS];
        int n = ui_loop_fill(fds, UI_LOOP_MAX_FDS);
        if (n == 0 && ui_loop_timeout() < 0)
            return;
        poll(fds, (nfds_t)n, 100);
        ui_loop_dispatch(fds, n);
    }
}

static void test_stuck_scan_given_up(void **state)
{
    struct ui_fixture *f = F(state);
    struct err e = {0};
    int64_t cid = fx_count(f, "SELECT id FROM customers WHERE account = '3301000002'");
    int64_t folder = 0, entry = 0;
    assert_int_equal(tree_folder_create(f->db, cid, 1, "表箱", &folder, &e), GW_OK);
    assert_int_equal(tree_entry_create(f->db, folder, "2026-11-22 09:30", NULL, NULL, NAN, NAN,
                                       NAN, &entry, &e),
                     GW_OK);
    char uuid[64], fifo[512];
    snprintf(uuid, sizeof uuid, "%s", fx_text(f, "SELECT uuid FROM entries"));
    snprintf(fifo, sizeof fifo, "%s/stuck.jpg", f->dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);

    const char *files[] = {fifo};
    struct photo_job_request rq;
    memset(&rq, 0, sizeof rq);
    rq.kind = PHOTO_JOB_FILES;
    rq.db_path = f->db_path;
    rq.entry = uuid;
    rq.folder = "appearance";
    photo_config_defaults(&rq.cfg);
    photo_position_unknown(&rq.pos);
    rq.files = files;
    rq.nfiles = 1;
    struct photo_job *job = NULL;
    assert_int_equal(photo_job_start(&rq, &job, &e), GW_OK);
    assert_int_equal(ui_media_watch(f->ui, job, PHOTO_JOB_SCAN, 1, &e), GW_OK);
    fx_keys(f, "Down"); /* a redraw */
    char *m = fx_model(f);
    fx_has(m, "job.title=Scanning\n");
    free(m);
    fx_golden(f, "job-box", 0);
    /* A second job meanwhile is refused: one device, one job. */
    struct photo_job *other = NULL;
    const char *gone[] = {"/nonexistent/photo.jpg"}; /* a job that ends by itself */
    rq.files = gone;
    assert_int_equal(photo_job_start(&rq, &other, &e), GW_OK);
    assert_int_equal(ui_media_watch(f->ui, other, PHOTO_JOB_CAPTURE, 1, &e), GW_EDEVICE);
    fx_has(e.msg, "still busy");

    /* Cancel once the worker sits in its open(): the box waits for the device, then gives the
     * job up. */
    assert_true(wait_thread_in_syscall(SYS_openat, 5000));
    fx_keys(f, "Esc");
    m = fx_model(f);
    fx_has(m, "job.cancelling=1\n");
    free(m);
    char *s = fx_screen();
    fx_has(s, "Cancelling: waiting for the device");
    free(s);
    pump(5000);
    m = fx_model(f);
    assert_true(strstr(m, "job.") == NULL);
    fx_has(m, "message=error: The scanner did not answer and was given up.");
    free(m);
    assert_int_equal(photo_job_stuck(), 1);
    /* The app goes on: keys work, and a new job may start. */
    fx_keys(f, "F2");
    /* The stuck call returns; the worker ends and frees the job by itself. */
    int w = open(fifo, O_WRONLY);
    assert_true(w >= 0);
    close(w);
    for (int i = 0; i < 100 && photo_job_stuck() > 0; i++)
        usleep(50 * 1000);
    assert_int_equal(photo_job_stuck(), 0);
    assert_int_equal(fx_count(f, "SELECT count(*) FROM photos"), 0);
    unlink(fifo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_stuck_scan_given_up, fixture_setup, fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
