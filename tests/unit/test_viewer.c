/* test_viewer.c - the photo viewer (scr_viewer.c), headless (tig style): real JPEGs written
 * with the media encoder, stored through the real "Pick file" job into an entry's appearance
 * folder, then opened from the photo list. Checks what a user would notice: which photo shows
 * and its size, moving with Left/Right, the buttons and taps, a file removed by hand or
 * damaged said in place of the picture, and the screen of a small real picture (a golden). */
#include "gridwalk/config.h"

#include "media/image.h"
#include "tests/unit/ui_fixture.h"
#include "ui/hooks.h"
#include "ui/loop_internal.h"

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define F(state) ((struct ui_fixture *)*(state))

/* A real JPEG of w x h pixels: four flat quadrants (red, green, blue, white), so the symbols
 * chafa picks are the same on every run. */
static void make_jpeg(struct ui_fixture *f, const char *rel, int w, int h)
{
    char p[1024];
    struct media_image img = {malloc((size_t)w * (size_t)h * 3), w, h};
    unsigned char *jpg = NULL;
    size_t len = 0;
    struct err e = {0};
    static const unsigned char quad[4][3] = {
        {220, 30, 30}, {30, 200, 40}, {30, 40, 210}, {250, 250, 250}};
    assert_non_null(img.px);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const unsigned char *c = quad[(y >= h / 2) * 2 + (x >= w / 2)];
            memcpy(img.px + ((size_t)y * (size_t)w + (size_t)x) * 3, c, 3);
        }
    assert_int_equal(media_jpeg_encode(&img, 90, &jpg, &len, &e), GW_OK);
    snprintf(p, sizeof p, "%s/%s", f->dir, rel);
    FILE *fp = fopen(p, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(jpg, 1, len, fp), len);
    fclose(fp);
    free(jpg);
    media_image_done(&img);
}

/* The stored file of photo id, as the media store names it. */
static void media_file(struct ui_fixture *f, int id, char *buf, size_t n)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT sha256 FROM photos WHERE id = %d", id);
    const char *sha = fx_text(f, sql);
    snprintf(buf, n, "%s/media/%.2s/%s.jpg", f->dir, sha, sha);
}

/* Customer 李四, a new topic folder with a new entry; three pictures picked into its
 * appearance folder by the real job (a.jpg 64x48, b.jpg 1600x1200, c.jpg 48x64); then the
 * folder's photo list. */
static void store_three(struct ui_fixture *f)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/pics", f->dir);
    assert_int_equal(mkdir(p, 0755), 0);
    snprintf(f->cfg.pick_folders, sizeof f->cfg.pick_folders, "%s", p);
    setenv("GRIDWALK_MEDIA_DIRS", "", 1);
    make_jpeg(f, "pics/a.jpg", 64, 48);
    make_jpeg(f, "pics/b.jpg", 1600, 1200);
    make_jpeg(f, "pics/c.jpg", 48, 64);
    fx_keys(f, "type:李四 Enter Enter F3 type:1号变压器 Enter Enter F3 Enter");
    fx_model_has(f, "stack.4=entry\n");
    fx_keys(f, "f Enter Enter A F6");
    fx_pump_job();
    assert_int_equal(fx_count(f, "SELECT count(*) FROM photos WHERE folder='appearance'"), 3);
    fx_keys(f, "a");
    fx_model_has(f, "stack.5=photos\nphotos.folder=appearance\nphotos.count=3\n");
}

static int viewer_setup(void **state)
{
    /* A fixed TMPDIR keeps the scratch path's length the same from run to run. */
    setenv("TMPDIR", "/tmp", 1);
    int rc = fixture_setup(state);
    if (rc)
        return rc;
    ui_media_install();
    return 0;
}

static int viewer_teardown(void **state)
{
    unsetenv("GRIDWALK_MEDIA_DIRS");
    memset(&ui_hooks, 0, sizeof ui_hooks);
    return fixture_teardown(state);
}

static void test_open_and_move(void **state)
{
    struct ui_fixture *f = F(state);
    store_three(f);
    /* Enter on the first row opens it: still only queued, the local file shows. */
    fx_keys(f, "Enter");
    fx_model_has(f, "stack.6=viewer\nviewer.index=0\nviewer.count=3\nviewer.photo=1 ");
    fx_model_has(f, "viewer.size=64x48 ");
    fx_model_has(f, "viewer.sync=queued\nviewer.decoded=64x48\n");
    /* Right: the 1600 px photo, decoded at half size (enough for 80 columns), fitted into
     * the 80x17 picture area with its 4:3 shape. */
    fx_keys(f, "Right");
    fx_model_has(f, "viewer.index=1\n");
    fx_model_has(f, "viewer.size=1600x1200 ");
    fx_model_has(f, "viewer.decoded=800x600\nviewer.cells=45x16\n");
    /* A bigger terminal renders again from the same decode. */
    fx_keys(f, "resize:120x40");
    fx_model_has(f, "viewer.decoded=800x600\nviewer.cells=88x33\n");
    fx_keys(f, "resize:80x24");
    /* Past the last one it stays and says so; the Prev button and Left go back. */
    fx_keys(f, "Right Right");
    fx_model_has(f, "viewer.index=2\n");
    fx_model_has(f, "message=This is the last photo.\n");
    fx_keys(f, "tap:21,2");
    fx_model_has(f, "viewer.index=1\n");
    fx_keys(f, "Left Left");
    fx_model_has(f, "viewer.index=0\n");
    fx_model_has(f, "message=This is the first photo.\n");
    /* Taps on the right and left thirds of the picture, the bar's F4 and the '<' key. */
    fx_keys(f, "tap:8,75");
    fx_model_has(f, "viewer.index=1\n");
    fx_keys(f, "tap:8,3");
    fx_model_has(f, "viewer.index=0\n");
    fx_keys(f, "F4 F4");
    fx_model_has(f, "viewer.index=2\n");
    fx_keys(f, "<");
    fx_model_has(f, "viewer.index=1\n");
    /* Esc and Backspace go back to the list. */
    fx_keys(f, "Esc");
    fx_model_has(f, "depth=6\n");
    fx_model_has(f, "stack.5=photos\n");
    fx_keys(f, "Down Down Enter");
    fx_model_has(f, "viewer.index=2\n");
    fx_keys(f, "Backspace");
    fx_model_has(f, "stack.5=photos\n");
    /* A tap selects a row; a second tap on it opens it. */
    fx_keys(f, "tap:3,1");
    fx_model_has(f, "photos.sel=1\n");
    fx_keys(f, "tap:3,1");
    fx_model_has(f, "stack.6=viewer\nviewer.index=1\n");
}

static void test_missing_and_damaged(void **state)
{
    struct ui_fixture *f = F(state);
    char p[1024];
    store_three(f);
    /* The second file removed by hand, the third overwritten with junk. */
    media_file(f, 2, p, sizeof p);
    assert_int_equal(unlink(p), 0);
    media_file(f, 3, p, sizeof p);
    FILE *fp = fopen(p, "wb");
    assert_non_null(fp);
    fputs("\xff\xd8\xff\xe0 not a picture after all", fp);
    fclose(fp);
    fx_keys(f, "Enter Right");
    fx_model_has(f, "viewer.index=1\n");
    fx_model_has(f, "viewer.error=The picture file is not on this tablet.\n");
    fx_golden(f, "viewer-missing", 0);
    fx_keys(f, "Right");
    fx_model_has(f, "viewer.error=The picture file is damaged and cannot be shown.\n");
    /* Still usable: back to one that is there. */
    fx_keys(f, "Left Left");
    fx_model_has(f, "viewer.decoded=64x48\n");
}

/* The screen of a small real picture, with the position the photo was taken at. */
static void test_golden_picture(void **state)
{
    struct ui_fixture *f = F(state);
    store_three(f);
    sqlite3_exec_for_tests(
        f, "UPDATE photos SET lat = 30.274085, lon = 120.15507, accuracy_m = 6 WHERE id = 1");
    fx_keys(f, "Esc a Enter");
    fx_model_has(f, "viewer.index=0\n");
    fx_golden(f, "viewer-picture", 0);
}

/* The colours of the picture cell at (y, x): its pair's foreground and background. */
static void cell_colours(int y, int x, int *fg, int *bg, int *pair)
{
    cchar_t cc;
    wchar_t wc[CCHARW_MAX + 1];
    attr_t a;
    short spair;
    *pair = 0;
    *fg = *bg = -1;
    assert_int_equal(mvin_wch(y, x, &cc), OK);
    getcchar(&cc, wc, &a, &spair, pair);
    if (*pair > 0)
        assert_int_equal(extended_pair_content(*pair, fg, bg), OK);
}

/* On a 256-colour terminal the red and white quadrants of the first picture are drawn in
 * xterm's red (160) and white (231); on the plain 8-colour xterm the picture and the rest
 * of the app stay without colour. */
static void test_colours(void **state)
{
    struct ui_fixture *f = F(state);
    int fg, bg, pair;
    store_three(f);
    fx_keys(f, "Enter");
    fx_model_has(f, "viewer.cells=45x16\n");
    /* The picture is at columns 17..61, rows 1..16 (80x24). */
    cell_colours(3, 22, &fg, &bg, &pair);
    assert_true(pair > 0);
    assert_true(fg == 160 || bg == 160);
    cell_colours(14, 55, &fg, &bg, &pair);
    assert_true(pair > 0);
    assert_true(fg == 231 || bg == 231);
    /* The caption and the frame keep the terminal's colours. */
    cell_colours(18, 2, &fg, &bg, &pair);
    assert_int_equal(pair, 0);
    cell_colours(0, 2, &fg, &bg, &pair);
    assert_int_equal(pair, 0);
}

static void test_monochrome(void **state)
{
    struct ui_fixture *f = F(state);
    int fg, bg, pair;
    store_three(f);
    fx_keys(f, "Enter");
    cell_colours(3, 22, &fg, &bg, &pair);
    assert_int_equal(pair, 0);
    cell_colours(14, 55, &fg, &bg, &pair);
    assert_int_equal(pair, 0);
}

static int viewer_256_setup(void **state)
{
    setenv("GW_TEST_TERM", "xterm-256color", 1);
    int rc = viewer_setup(state);
    unsetenv("GW_TEST_TERM");
    return rc;
}

static void test_chinese(void **state)
{
    struct ui_fixture *f = F(state);
    store_three(f);
    fx_keys(f, "End Enter");
    fx_golden(f, "viewer-zh", 0);
}

static int viewer_zh_setup(void **state)
{
    setenv("GW_TEST_LANG", "zh_CN", 1);
    int rc = viewer_setup(state);
    unsetenv("GW_TEST_LANG");
    return rc;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_and_move, viewer_setup, viewer_teardown),
        cmocka_unit_test_setup_teardown(test_missing_and_damaged, viewer_setup, viewer_teardown),
        cmocka_unit_test_setup_teardown(test_golden_picture, viewer_setup, viewer_teardown),
        cmocka_unit_test_setup_teardown(test_chinese, viewer_zh_setup, viewer_teardown),
        cmocka_unit_test_setup_teardown(test_colours, viewer_256_setup, viewer_teardown),
        cmocka_unit_test_setup_teardown(test_monochrome, viewer_setup, viewer_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
