/* test_ui_sync.c - the sync screen in the real UI, headless (tig style).
 *
 * A folder and an entry queued in the fixture's store, then failures written the way
 * gridwalk-syncd writes them (data/outbox.h): the screen lists each failed item by customer
 * and path with its whole error, counts queued / to retry / held / sent, shows the hub's
 * refusal of the token, retries held items, and says plainly whether a sync agent was there to
 * wake (a real FIFO reader stands in for the agent's end of the wake-up channel). A tap on the
 * status line's sync part opens it. Golden screen at 80x24. */
#include "gridwalk/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "data/outbox.h"
#include "data/tree.h"
#include "tests/unit/ui_fixture.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define F(state) ((struct ui_fixture *)*(state))

/* 李四's folder 表箱 with one entry: two outbox rows, folder first. The folder's row then
 * fails for good (held), the entry's is waiting to retry. */
static void seed_failures(struct ui_fixture *f)
{
    struct err e = {0};
    int64_t cid = fx_count(f, "SELECT id FROM customers WHERE account = '3301000002'");
    int64_t folder = 0;
    assert_int_equal(tree_folder_create(f->db, cid, 2, "表箱", &folder, &e), GW_OK);
    assert_int_equal(tree_entry_create(f->db, folder, "2026-11-22 09:30", "封印完好", "", NAN,
                                       NAN, NAN, NULL, &e),
                     GW_OK);
    int64_t first = fx_count(f, "SELECT min(seq) FROM outbox");
    assert_int_equal(outbox_mark_failed(f->db, first,
                                        "the hub refused it: a folder with this id and other "
                                        "content is already there (HTTP 409)",
                                        NULL, &e),
                     GW_OK);
    assert_int_equal(outbox_mark_failed(f->db, first + 1,
                                        "cannot reach the hub at https://hub.example: "
                                        "Couldn't connect to server",
                                        "2026-11-22T14:10:00.000Z", &e),
                     GW_OK);
    assert_int_equal(outbox_setting_set(f->db, OUTBOX_KEY_STATUS, "waiting 6 min", &e), GW_OK);
}

static void test_failures_listed(void **state)
{
    struct ui_fixture *f = F(state);
    seed_failures(f);
    fx_keys(f, "F12");
    assert_string_equal(fx_value(f, "sync.failed"), "2");
    assert_string_equal(fx_value(f, "sync.held"), "1");
    assert_string_equal(fx_value(f, "sync.retrying"), "1");
    char *s = fx_screen();
    fx_has(s, "Waiting: 0 queued, 1 to retry, 1 held.  Sent: 0");
    fx_has(s, "Agent: waiting 6 min");
    /* Each item by customer and path, newest problem first; the selected one's whole error. */
    fx_has(s, "李四 › 表箱 › 2026-11-22 09:30");
    fx_has(s, "held");
    fx_has(s, "cannot reach the hub at https://hub.example: Couldn't connect to server");
    free(s);
    fx_keys(f, "Down");
    s = fx_screen();
    fx_has(s, "(HTTP 409)");
    free(s);
    fx_golden(f, "sync-failures", 0);
}

static void test_retry_and_wake(void **state)
{
    struct ui_fixture *f = F(state);
    seed_failures(f);
    fx_keys(f, "F12");
    /* No agent listens: Retry makes the items due and says that nobody will send them. */
    fx_keys(f, "T");
    assert_string_equal(fx_value(f, "sync.held"), "0");
    assert_int_equal(fx_count(f, "SELECT count(*) FROM outbox WHERE state = 'failed' AND "
                                 "(next_try_at IS NULL OR next_try_at > '2026-11-22T15')"),
                     0);
    char *s = fx_screen();
    fx_has(s, "No sync agent is running for this store");
    free(s);
    /* The agent's end of the wake-up FIFO: Send now reaches it. */
    char fifo[512];
    assert_int_equal(outbox_wake_path(f->db_path, fifo, sizeof fifo), GW_OK);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    int fd = open(fifo, O_RDONLY | O_NONBLOCK);
    assert_true(fd >= 0);
    fx_keys(f, "U");
    s = fx_screen();
    fx_has(s, "The sync agent was woken");
    free(s);
    char byte;
    assert_true(read(fd, &byte, 1) == 1);
    close(fd);
    unlink(fifo);
}

static void test_refused_token_and_tap(void **state)
{
    struct ui_fixture *f = F(state);
    struct err e = {0};
    assert_int_equal(outbox_setting_set(f->db, OUTBOX_KEY_AUTH,
                                        "the hub refused this device's token (HTTP 401: unknown "
                                        "token); uploads stop until a valid token is installed",
                                        &e),
                     GW_OK);
    fx_keys(f, "Esc"); /* the status line reads the store again */
    /* The status line's sync part, right of the message area, opens the screen. */
    char step[32];
    snprintf(step, sizeof step, "tap:%d,%d", LINES - 2, COLS - 30);
    fx_keys(f, step);
    assert_string_equal(fx_value(f, "stack.1"), "sync");
    char *s = fx_screen();
    fx_has(s, "the hub refused this device's token");
    fx_has(s, "No failures. Everything recorded here has been sent.");
    free(s);
}

/* Chinese labels and paths keep their columns at 80x24 and 120x40. */
static void test_golden_zh(void **state)
{
    struct ui_fixture *f = F(state);
    seed_failures(f);
    fx_keys(f, "F12");
    fx_golden(f, "sync-zh-80x24", 0);
    fx_keys(f, "resize:120x40");
    fx_golden(f, "sync-zh-120x40", 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_failures_listed, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_retry_and_wake, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_refused_token_and_tap, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_golden_zh, fixture_setup_zh, fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
