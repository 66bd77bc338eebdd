/* test_ui.c - the app's screens, headless (tig style): scripted keys and taps by name,
 * screens and models compared with golden files under tests/golden/ui/, and the store
 * checked after each change (one outbox row per change, tombstones with reasons). */
#include "gridwalk/config.h"

#include "tests/unit/ui_fixture.h"
#include "ui/actions.h"
#include "ui/hooks.h"
#include "ui/loop_internal.h"

#include <poll.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define F(state) ((struct ui_fixture *)*(state))

static void test_start_screen(void **state)
{
    fx_golden(F(state), "start", 0);
    fx_model_has(F(state), "stack.0=search\n");
}

/* The box matches each of the seven fields. */
static void test_search_each_field(void **state)
{
    struct ui_fixture *f = F(state);
    static const struct {
        const char *typed, *hit;
    } cases[] = {
        {"3301000002", "search.hit.0=3301000002 李四\n"},     /* account */
        {"赵六", "search.hit.0=3302000004 赵六\n"},           /* name */
        {"330200999999", "search.hit.0=3302000006 钱七\n"},   /* meter */
        {"630_kVA", "search.hit.0=3302000004 赵六\n"},        /* capacity */
        {"中山路", "search.hit.0=3301000003 王五电器商行\n"}, /* address */
        {"解放线", "search.hit.0=3301000002 李四\n"},         /* line */
        {"0.4kV", "search.hit.0=3301000002 李四\n"},          /* voltage */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char script[256];
        snprintf(script, sizeof script, "Ctrl-u type:%s", cases[i].typed);
        fx_keys(f, script);
        fx_model_has(f, cases[i].hit);
        fx_model_has(f, "search.hits=1\n");
    }
    /* The line matched is shown (it is not a column of its own), highlighted. */
    fx_keys(f, "Ctrl-u type:江北线");
    fx_golden(f, "search-line", 1);
}

/* The form: fields combined with AND. */
static void test_search_form_combined(void **state)
{
    struct ui_fixture *f = F(state);
    fx_keys(f, "Ctrl-f Tab Tab Tab Tab Tab type:东风线");
    fx_model_has(f, "search.mode=form\n");
    fx_model_has(f, "search.hits=2\n");
    fx_keys(f, "Tab type:10kV BTab BTab BTab BTab BTab type:王");
    fx_model_has(f, "search.hits=1\n");
    fx_model_has(f, "search.hit.0=3301000003 王五电器商行\n");
    fx_golden(f, "search-form", 1);
    fx_golden_model(f, "search-form");
    fx_keys(f, "Enter");
    fx_model_has(f, "customer.account=3301000003\n");
}

/* Results come a page at a time while scrolling, up to a cap. */
static void test_search_pages(void **state)
{
    struct ui_fixture *f = F(state);
    sqlite3_exec_for_tests(
        f, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200)"
           " INSERT INTO customers(account, name, address, updated_at)"
           " SELECT printf('44%08d', i), '批量客户' || i, '批量路 ' || i || ' 号',"
           " '2026-11-01T00:00:00.000Z' FROM n");
    fx_keys(f, "type:批量客户");
    fx_model_has(f, "search.hits=100\nsearch.more=1\n");
    fx_golden(f, "search-pages", 0);
    fx_keys(f, "PgDn PgDn PgDn PgDn PgDn PgDn");
    fx_model_has(f, "search.hits=200\n");
    char many[1024] = "";
    for (int i = 0; i < 80; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "PgDn ");
    fx_keys(f, many);
    /* The cap: the last row is the thousandth, and the line says to type more. */
    fx_model_has(f, "search.hits=1000\nsearch.more=1\nsearch.sel=999\n");
    fx_golden(f, "search-cap", 0);
    fx_keys(f, "Ctrl-u type:批量客户119");
    fx_model_has(f, "search.hits=11\nsearch.more=0\n");
}

static void test_open_customer(void **state)
{
    struct ui_fixture *f = F(state);
    fx_keys(f, "type:李四 Enter");
    fx_model_has(f, "stack.1=customer\n");
    fx_golden(f, "customer", 0);
    /* A customer without coordinates says so. */
    fx_keys(f, "F2 Ctrl-u type:赵六 Enter");
    fx_golden(f, "customer-no-coordinates", 0);
}

static void open_category(struct ui_fixture *f)
{
    fx_keys(f, "type:李四 Enter Enter");
    fx_model_has(f, "stack.2=category\n");
}

static void test_create_folder(void **state)
{
    struct ui_fixture *f = F(state);
    open_category(f);
    fx_golden(f, "category-empty", 0);
    fx_keys(f, "F3 type:1号变压器");
    fx_golden(f, "folder-dialog", 0);
    fx_keys(f, "Enter");
    fx_model_has(f, "category.folder.0=1号变压器 entries=0 photos=0 sync=queued\n");
    assert_int_equal(fx_count(f, "SELECT count(*) FROM folders"), 1);
    assert_int_equal(fx_count(f, "SELECT count(*) FROM outbox WHERE kind='folder'"), 1);
    assert_string_equal(fx_text(f, "SELECT json_extract(payload,'$.customer_account') FROM outbox"),
                        "3301000002");
    fx_golden(f, "category-one-folder", 0);
    fx_golden_model(f, "category-one-folder");
    /* A name with a slash is refused with a message, and nothing is written. */
    fx_keys(f, "F3 type:a/b Enter");
    fx_model_has(f, "dialog.error=");
    assert_int_equal(fx_count(f, "SELECT count(*) FROM folders"), 1);
    fx_keys(f, "Esc");
    fx_model_lacks(f, "dialog");
    /* Rename. */
    fx_keys(f, "F4 Ctrl-u type:2号箱变 Enter");
    fx_model_has(f, "category.folder.0=2号箱变 ");
    assert_int_equal(fx_count(f, "SELECT count(*) FROM outbox WHERE kind='folder'"), 2);
}

static void open_folder(struct ui_fixture *f)
{
    open_category(f);
    fx_keys(f, "F3 type:1号变压器 Enter Enter");
    fx_model_has(f, "stack.3=folder\n");
}

static void test_entry_automatic_name(void **state)
{
    struct ui_fixture *f = F(state);
    open_folder(f);
    fx_keys(f, "F3");
    fx_golden(f, "entry-dialog", 0);
    fx_model_has(f, "dialog.field.0=" FIXTURE_AUTONAME "\n");
    fx_keys(f, "Enter");
    fx_model_has(f, "stack.4=entry\n");
    fx_model_has(f, "entry.name=" FIXTURE_AUTONAME "\n");
    fx_golden(f, "entry-page", 0);
    fx_golden_model(f, "entry-page");
    assert_int_equal(fx_count(f, "SELECT count(*) FROM entries"), 1);
    assert_int_equal(fx_count(f, "SELECT count(*) FROM outbox WHERE kind='entry'"), 1);
    /* Clearing the name and pressing OK still gives the automatic name. */
    fx_keys(f, "Backspace F3 Ctrl-u Enter");
    assert_string_equal(fx_text(f, "SELECT name FROM entries ORDER BY id DESC"), FIXTURE_AUTONAME);
    assert_int_equal(fx_count(f, "SELECT count(*) FROM outbox WHERE kind='entry'"), 2);
}

static void test_entry_typed_remarks(void **state)
{
    struct ui_fixture *f = F(state);
    open_folder(f);
    fx_keys(
        f,
        "F3 Tab "
        "type:外壳锈蚀，门锁损坏，箱体左侧有明显撞击凹陷，接地线松脱，需通知客户于三日内整改并复查 "
        "Tab type:铭牌字迹清晰 Enter");
    fx_golden(f, "entry-long-remark", 0);
    fx_model_has(
        f,
        "entry.appearance_remark="
        "外壳锈蚀，门锁损坏，箱体左侧有明显撞击凹陷，接地线松脱，需通知客户于三日内整改并复查\n");
    fx_model_has(f, "entry.nameplate_remark=铭牌字迹清晰\n");
    assert_string_equal(
        fx_text(f,
                "SELECT json_extract(payload,'$.nameplate_remark') FROM outbox WHERE kind='entry'"),
        "铭牌字迹清晰");
    assert_int_equal(fx_count(f, "SELECT count(*) FROM outbox WHERE kind='entry'"), 1);
}

static void test_edit_remarks_later(void **state)
{
    struct ui_fixture *f = F(state);
    open_folder(f);
    fx_keys(f, "F3 Tab type:初查 Enter");
    fx_keys(f, "F4");
    fx_golden(f, "entry-edit-dialog", 0);
    fx_golden_model(f, "entry-edit-dialog");
    fx_keys(f, "Tab Ctrl-u type:复查：已整改 Tab type:更换铭牌 Enter");
    fx_model_has(f, "entry.appearance_remark=复查：已整改\n");
    fx_model_has(f, "entry.nameplate_remark=更换铭牌\n");
    fx_model_has(f, "entry.version=2\n");
    assert_int_equal(fx_count(f, "SELECT count(*) FROM outbox WHERE kind='entry'"), 2);
    assert_int_equal(
        fx_count(f, "SELECT max(json_extract(payload,'$.version')) FROM outbox WHERE kind='entry'"),
        2);
    /* The first version stays as it was sent. */
    assert_string_equal(fx_text(f, "SELECT json_extract(payload,'$.appearance_remark') FROM outbox "
                                   "WHERE kind='entry' ORDER BY seq LIMIT 1"),
                        "初查");
}

static void test_remove_with_reason(void **state)
{
    struct ui_fixture *f = F(state);
    open_folder(f);
    fx_keys(f, "F3 Enter");
    /* From the entry page: the reason is required. */
    fx_keys(f, "F8 Enter");
    fx_golden(f, "remove-needs-reason", 0);
    assert_int_equal(fx_count(f, "SELECT count(*) FROM entries WHERE deleted_at IS NULL"), 1);
    fx_keys(f, "type:重复录入 Enter");
    fx_model_has(f, "stack.3=folder\n");
    fx_model_has(f, "folder.entries=0\n");
    assert_int_equal(fx_count(f, "SELECT count(*) FROM entries"), 1); /* kept on the tablet */
    assert_string_equal(fx_text(f, "SELECT delete_reason FROM entries"), "重复录入");
    assert_string_equal(
        fx_text(f, "SELECT json_extract(payload,'$.reason') FROM outbox WHERE kind='tombstone'"),
        "重复录入");
    /* And a folder, from the category screen. */
    fx_keys(f, "Backspace F8 type:建错了 Enter");
    fx_model_has(f, "category.folders=0\n");
    assert_int_equal(fx_count(f, "SELECT count(*) FROM outbox WHERE kind='tombstone'"), 2);
    assert_int_equal(fx_count(f, "SELECT count(*) FROM folders"), 1);
}

static void test_back_navigation(void **state)
{
    struct ui_fixture *f = F(state);
    open_folder(f);
    fx_keys(f, "F3 Enter a");
    fx_model_has(f, "stack.5=photos\n");
    fx_golden(f, "photos-empty", 0);
    fx_keys(f, "Backspace");
    fx_model_has(f, "depth=5\n");
    fx_keys(f, "Esc");
    fx_model_has(f, "depth=4\n");
    fx_keys(f, "F9");
    fx_model_has(f, "depth=3\n");
    /* A tap on the breadcrumb's first level goes back to the search. */
    fx_keys(f, "tap:0,1");
    fx_model_has(f, "depth=1\n");
    /* Backspace at the root edits the box, never leaves it. */
    fx_keys(f, "Backspace Backspace Backspace");
    fx_model_has(f, "depth=1\n");
}

static void test_resize_in_the_middle(void **state)
{
    struct ui_fixture *f = F(state);
    open_folder(f);
    fx_keys(f, "F3 Tab type:变压器外观 resize:100x30");
    fx_golden(f, "resize-100x30", 0);
    fx_keys(f, "resize:80x24");
    fx_golden(f, "resize-80x24", 0);
    fx_keys(f, "Enter");
    fx_model_has(f, "entry.appearance_remark=变压器外观\n");
    fx_keys(f, "resize:30x8");
    fx_golden(f, "resize-too-small", 0);
    fx_keys(f, "resize:80x24");
    fx_golden(f, "resize-back", 0);
}

static void test_chinese_at_column_edge(void **state)
{
    struct ui_fixture *f = F(state);
    /* "A" then double-width characters: the 20-column name column must end on a character
     * boundary with an ellipsis, and the meter column must start where it always does. */
    fx_keys(f, "type:3302000005");
    fx_golden(f, "chinese-edge", 1);
    fx_keys(f, "Ctrl-u type:张三");
    fx_golden(f, "chinese-two-hits", 1);
}

static void test_touch(void **state)
{
    struct ui_fixture *f = F(state);
    fx_keys(f, "type:10kV");
    /* Rows start at 3 (box, info, header). First tap selects, second opens. */
    fx_keys(f, "tap:5,5");
    fx_model_has(f, "search.sel=1\n");
    fx_keys(f, "tap:5,5");
    fx_model_has(f, "stack.1=customer\n");
    /* Tap the "Open category" button (row 14 at 80x24), then the bar's F3 slot (Add). */
    fx_keys(f, "tap:15,3");
    fx_model_has(f, "stack.2=category\n");
    fx_keys(f, "tap:23,17");
    fx_model_has(f, "dialog.title=");
    fx_keys(f, "type:配电房");
    /* The dialog's OK button. */
    fx_golden(f, "touch-dialog", 0);
    fx_keys(f, "tap:12,8");
    fx_model_has(f, "category.folder.0=配电房 ");
}

static void test_help_screen(void **state)
{
    struct ui_fixture *f = F(state);
    fx_keys(f, "F1");
    fx_model_has(f, "stack.1=help\n");
    fx_golden(f, "help", 0);
    fx_keys(f, "Esc");
    fx_model_has(f, "depth=1\n");
}

static void test_hooks_absent(void **state)
{
    struct ui_fixture *f = F(state);
    open_folder(f);
    fx_keys(f, "F3 Enter F5");
    fx_model_has(f, "message=error: not available in this build: camera\n");
    fx_golden(f, "no-camera", 0);
    fx_keys(f, "Backspace Backspace Backspace l");
    fx_model_has(f, "message=error: not available in this build: map\n");
}

static int photo_hook(const struct ui_hook_target *t, void *ctx, struct err *e)
{
    (void)e;
    snprintf(ctx, 64, "%s/%lld/%s", t->account, (long long)t->entry_id, t->folder);
    ui_hook_message(t->ui, 0, "photo saved");
    return GW_OK;
}

static int failing_scan(const struct ui_hook_target *t, void *ctx, struct err *e)
{
    (void)t;
    (void)ctx;
    return err_set(e, GW_EDEVICE, "no scanner answers on test:0");
}

static void test_hook_gets_target(void **state)
{
    struct ui_fixture *f = F(state);
    char seen[64] = "";
    ui_hooks.take_photo = photo_hook;
    ui_hooks.ctx = seen;
    open_folder(f);
    fx_keys(f, "F3 Enter F5");
    fx_golden(f, "capture-choice", 0);
    fx_keys(f, "Tab Enter");
    ui_hooks.take_photo = NULL;
    assert_string_equal(seen, "3301000002/1/nameplate");
    fx_model_has(f, "message=photo saved\n");
    fx_model_has(f, "stack.4=entry\n");
    /* In a photo folder the hook gets that folder without asking; its error is shown. */
    ui_hooks.scan = failing_scan;
    fx_keys(f, "a F7");
    fx_model_has(f, "message=error: scanner: no scanner answers on test:0\n");
    ui_hooks.scan = NULL;
    ui_hooks.ctx = NULL;
}

static void seed_photos(struct ui_fixture *f)
{
    char sql[2048];
    int64_t eid = fx_count(f, "SELECT max(id) FROM entries");
    /* Photo rows as the media part writes them; one of them already synced. */
    snprintf(sql, sizeof sql,
             "INSERT INTO photos(uuid,entry_id,folder,sha256,bytes,width,height,source,"
             "taken_at,created_at) VALUES"
             "('p-1',%lld,'appearance',printf('%%064d',1),1843200,1600,1200,'camera',"
             "'2026-11-22T14:05:00.000Z','2026-11-22T14:05:00.000Z'),"
             "('p-2',%lld,'appearance',printf('%%064d',2),307200,NULL,NULL,'file',"
             "'2026-11-22T14:06:00.000Z','2026-11-22T14:06:00.000Z'),"
             "('p-3',%lld,'nameplate',printf('%%064d',3),512000,1200,1600,'scan',"
             "'2026-11-22T14:07:00.000Z','2026-11-22T14:07:00.000Z');"
             "INSERT INTO outbox(uuid,kind,entity_uuid,payload,created_at,state) VALUES"
             "('o-p1','photo','p-1','{}','2026-11-22T14:05:00.000Z','sent');"
             "INSERT INTO settings VALUES('sync.last_success','2026-11-22T14:10:00.000Z');",
             (long long)eid, (long long)eid, (long long)eid);
    sqlite3_exec_for_tests(f, sql);
}

static void test_photo_folders(void **state)
{
    struct ui_fixture *f = F(state);
    open_folder(f);
    fx_keys(f, "F3 Enter");
    seed_photos(f);
    fx_keys(f, "Backspace Enter");
    fx_model_has(f, "entry.appearance_photos=2\n");
    fx_model_has(f, "entry.nameplate_photos=1\n");
    fx_keys(f, "a");
    fx_model_has(f, "photos.count=2\n");
    fx_golden(f, "photos-appearance", 0);
    fx_golden_model(f, "photos-appearance");
    fx_keys(f, "Down F8 type:拍错了_重拍 Enter");
    fx_model_has(f, "photos.count=1\n");
    assert_string_equal(fx_text(f, "SELECT delete_reason FROM photos WHERE uuid='p-2'"),
                        "拍错了 重拍");
    assert_string_equal(fx_text(f, "SELECT json_extract(payload,'$.kind') || ' ' || "
                                   "json_extract(payload,'$.uuid') FROM outbox WHERE "
                                   "kind='tombstone'"),
                        "photo p-2");
    fx_keys(f, "Backspace b");
    fx_model_has(f, "photos.folder=nameplate\n");
    fx_golden(f, "photos-nameplate", 0);
}

static void fixed_fix(void *ctx, struct ui_gps_fix *out)
{
    (void)ctx;
    out->state = UI_GPS_FIX;
    out->lat = 30.274085;
    out->lon = 120.155070;
    out->accuracy_m = 4.6;
    out->at = pinned_at() - 12;
}

static void test_gps_in_status_and_entry(void **state)
{
    struct ui_fixture *f = F(state);
    ui_hooks.gps_fix = fixed_fix;
    open_folder(f);
    fx_keys(f, "F3 Enter");
    fx_golden(f, "entry-with-fix", 0);
    ui_hooks.gps_fix = NULL;
    assert_string_equal(
        fx_text(f, "SELECT json_extract(payload,'$.lat') || ',' || json_extract(payload,'$.lon') "
                   "|| ',' || json_extract(payload,'$.accuracy_m') FROM outbox WHERE kind='entry'"),
        "30.274085,120.15507,4.6");
}

static void lost_fix(void *ctx, struct ui_gps_fix *out)
{
    (void)ctx;
    fixed_fix(ctx, out);
    out->state = UI_GPS_NOFIX;
    out->at = pinned_at() - 300;
}

static void no_fix(void *ctx, struct ui_gps_fix *out)
{
    (void)ctx;
    out->state = UI_GPS_NOFIX;
}

/* A lost fix is shown with its age but never stamped on a new entry. */
static void test_gps_lost(void **state)
{
    struct ui_fixture *f = F(state);
    ui_hooks.gps_fix = lost_fix;
    open_folder(f);
    fx_keys(f, "F3 Enter");
    fx_golden(f, "entry-fix-lost", 0);
    ui_hooks.gps_fix = no_fix;
    fx_keys(f, "Backspace");
    fx_golden(f, "folder-no-fix", 0);
    ui_hooks.gps_fix = NULL;
    assert_string_equal(
        fx_text(f, "SELECT json_type(payload,'$.lat') FROM outbox WHERE kind='entry'"), "null");
}

/* The status line says when the hub refuses the tablet, since retrying will not help. */
static void test_sync_refused(void **state)
{
    struct ui_fixture *f = F(state);
    sqlite3_exec_for_tests(f, "INSERT INTO settings VALUES('sync.auth_error',"
                              "'the hub refused the token (401)')");
    fx_keys(f, "type:李四 Enter Backspace");
    fx_golden(f, "sync-refused", 0);
}

static void test_chinese_catalog(void **state)
{
    struct ui_fixture *f = F(state);
    /* The fixture ran with GW_TEST_LANG=zh_CN (see main). */
    fx_keys(f, "type:李四 Enter");
    fx_golden(f, "zh-customer", 0);
}

static int on_readable(int fd, short revents, void *ctx)
{
    char c;
    int *seen = ctx;
    if ((revents & POLLIN) && read(fd, &c, 1) == 1)
        *seen = c;
    return UI_REDRAW;
}

static int on_tick(void *ctx)
{
    (*(int *)ctx)++;
    return UI_REDRAW;
}

/* The loop's registration API as the geo, probe and media parts use it. */
static void test_loop_registration(void **state)
{
    int p[2], seen = 0, ticks = 0;
    struct pollfd fds[UI_LOOP_MAX_FDS];
    (void)state;
    assert_int_equal(pipe(p), 0);
    assert_int_equal(ui_loop_add_fd(p[0], POLLIN, on_readable, &seen), 0);
    int timer = ui_loop_add_timer(1, on_tick, &ticks);
    assert_true(timer >= 0);
    int t = ui_loop_timeout();
    assert_true(t >= 0 && t <= 1);
    assert_int_equal(write(p[1], "x", 1), 1);
    int n = ui_loop_fill(fds, UI_LOOP_MAX_FDS);
    assert_int_equal(n, 1);
    assert_int_equal(poll(fds, (nfds_t)n, 1000), 1);
    poll(NULL, 0, 2); /* let the 1 ms timer fall due */
    assert_int_equal(ui_loop_dispatch(fds, n) & UI_REDRAW, UI_REDRAW);
    assert_int_equal(seen, 'x');
    assert_true(ticks >= 1);
    ui_loop_remove_fd(p[0]);
    ui_loop_remove_timer(timer);
    assert_int_equal(ui_loop_fill(fds, UI_LOOP_MAX_FDS), 0);
    assert_int_equal(ui_loop_timeout(), -1);
    /* The table is bounded and says so. */
    for (int i = 0; i < UI_LOOP_MAX_FDS; i++)
        assert_int_equal(ui_loop_add_fd(p[0], POLLIN, on_readable, &seen), 0);
    assert_int_equal(ui_loop_add_fd(p[0], POLLIN, on_readable, &seen), -1);
    ui_loop_reset();
    close(p[0]);
    close(p[1]);
}

/* Two actions on one key: the second could never be reached from the keyboard. */
static void test_keys_unique(void **state)
{
    (void)state;
    int keys[2 * ACT_COUNT], n = 0;
    for (int a = 1; a < ACT_COUNT; a++) {
        int k[2];
        ui_action_keys((enum ui_action)a, &k[0], &k[1]);
        for (int j = 0; j < 2; j++) {
            if (!k[j])
                continue;
            for (int i = 0; i < n; i++)
                if (keys[i] == k[j])
                    fail_msg("key %d is bound twice (the second time to %s)", k[j],
                             ui_action_name((enum ui_action)a));
            keys[n++] = k[j];
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_unique),
        cmocka_unit_test_setup_teardown(test_start_screen, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_search_each_field, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_search_form_combined, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_search_pages, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_open_customer, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_create_folder, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_entry_automatic_name, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_entry_typed_remarks, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_edit_remarks_later, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_remove_with_reason, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_back_navigation, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_resize_in_the_middle, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_chinese_at_column_edge, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_touch, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_help_screen, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_hooks_absent, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_hook_gets_target, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_photo_folders, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_gps_in_status_and_entry, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_gps_lost, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_sync_refused, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_chinese_catalog, fixture_setup_zh, fixture_teardown),
        cmocka_unit_test(test_loop_registration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
