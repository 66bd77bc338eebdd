/* test_pick.c - the file chooser behind the entry page's "Pick file", headless (tig style):
 * the real hook (ui_media_install), real folders under the fixture's scratch HOME, real JPEG
 * files written with the media encoder, and the real photo job on its worker thread. Screens
 * are compared with golden files (tests/golden/ui/pick-*.txt); the store is checked after an
 * import and after a cancel. */
#include "gridwalk/config.h"

#include "media/image.h"
#include "tests/unit/ui_fixture.h"
#include "ui/hooks.h"
#include "ui/loop_internal.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define F(state) ((struct ui_fixture *)*(state))

static void path_in(struct ui_fixture *f, char *buf, size_t n, const char *rel)
{
    snprintf(buf, n, "%s/%s", f->dir, rel);
}

static void make_dir(struct ui_fixture *f, const char *rel)
{
    char p[1024];
    path_in(f, p, sizeof p, rel);
    assert_int_equal(mkdir(p, 0755), 0);
}

/* A real JPEG of w x h pixels (a gradient), with a fixed modification time. */
static void make_jpeg(struct ui_fixture *f, const char *rel, int w, int h)
{
    char p[1024];
    struct media_image img = {malloc((size_t)w * (size_t)h * 3), w, h};
    unsigned char *jpg = NULL;
    size_t len = 0;
    struct err e = {0};
    assert_non_null(img.px);
    for (int i = 0; i < w * h * 3; i++)
        img.px[i] = (unsigned char)(i * 7 / 3);
    assert_int_equal(media_jpeg_encode(&img, 85, &jpg, &len, &e), GW_OK);
    path_in(f, p, sizeof p, rel);
    FILE *fp = fopen(p, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(jpg, 1, len, fp), len);
    fclose(fp);
    free(jpg);
    media_image_done(&img);
}

/* A file of a given size (sparse), for the size column. */
static void make_sized(struct ui_fixture *f, const char *rel, off_t size)
{
    char p[1024];
    path_in(f, p, sizeof p, rel);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, size), 0);
    close(fd);
}

static void make_link(struct ui_fixture *f, const char *target_rel, const char *rel)
{
    char p[1024], t[1024];
    path_in(f, p, sizeof p, rel);
    path_in(f, t, sizeof t, target_rel);
    assert_int_equal(symlink(t, p), 0);
}

/* pics/ (the pick folder) with Chinese names, a sub-folder and an empty one; sd/ standing in
 * for a mounted SD card; outside/ that no root contains, linked to from inside pics/. */
static void make_tree(struct ui_fixture *f)
{
    make_dir(f, "pics");
    make_dir(f, "pics/现场照片");
    make_dir(f, "pics/空文件夹");
    make_dir(f, "sd");
    make_dir(f, "sd/DCIM");
    make_dir(f, "outside");
    make_jpeg(f, "pics/配电房外观_正面.jpg", 64, 48);
    make_jpeg(f, "pics/a.png", 48, 64);
    make_sized(f, "pics/计量箱内部接线情况_全景_2026年11月巡检第三次复查_高清原图.jpeg",
               3 * 1024 * 1024 + 300 * 1024);
    make_sized(f, "pics/notes.txt", 100);
    make_sized(f, "pics/.hidden.jpg", 100);
    make_jpeg(f, "pics/现场照片/变压器铭牌.jpg", 64, 64);
    make_jpeg(f, "pics/现场照片/柜内.jpg", 32, 32);
    make_jpeg(f, "sd/DCIM/IMG_0001.JPG", 40, 30);
    make_jpeg(f, "outside/secret.jpg", 16, 16);
    make_link(f, "outside/secret.jpg", "pics/leak.jpg");
    make_link(f, "outside", "pics/escape");
}

static void set_roots(struct ui_fixture *f, const char *pick_rel, const char *media_rel)
{
    char p[1024];
    path_in(f, p, sizeof p, pick_rel);
    snprintf(f->cfg.pick_folders, sizeof f->cfg.pick_folders, "%s", p);
    if (media_rel) {
        path_in(f, p, sizeof p, media_rel);
        setenv("GRIDWALK_MEDIA_DIRS", p, 1);
    } else {
        setenv("GRIDWALK_MEDIA_DIRS", "", 1);
    }
}

/* Customer 李四, a new topic folder with a new entry, "Pick file", the appearance folder. */
static void open_chooser(struct ui_fixture *f)
{
    fx_keys(f, "type:李四 Enter Enter F3 type:1号变压器 Enter Enter F3 Enter");
    fx_model_has(f, "stack.4=entry\n");
    fx_keys(f, "f Enter");
    fx_model_has(f, "stack.5=pick\n");
}

static int pick_setup(void **state)
{
    /* A fixed TMPDIR keeps the scratch path's length, so goldens line up (the random part
     * is masked by fx_golden). */
    setenv("TMPDIR", "/tmp", 1);
    int rc = fixture_setup(state);
    if (rc)
        return rc;
    ui_media_install();
    make_tree(F(state));
    return 0;
}

static int pick_teardown(void **state)
{
    unsetenv("GRIDWALK_MEDIA_DIRS");
    memset(&ui_hooks, 0, sizeof ui_hooks);
    return fixture_teardown(state);
}

static void test_roots(void **state)
{
    struct ui_fixture *f = F(state);
    set_roots(f, "pics", "sd");
    open_chooser(f);
    fx_golden(f, "pick-roots", 0);
    fx_model_has(f, "pick.dir=\npick.count=2\n");
    /* At the roots, Up and Backspace stay there; Enter opens the SD card. */
    fx_keys(f, "Backspace u");
    fx_model_has(f, "pick.dir=\n");
    fx_keys(f, "Down Enter");
    fx_model_has(f, "pick.0=DCIM/\n");
    fx_keys(f, "Enter");
    fx_model_has(f, "pick.0=IMG_0001.JPG\n");
    /* Up twice: the card, then the roots with the card's row selected. */
    fx_keys(f, "Left Backspace");
    fx_model_has(f, "pick.dir=\npick.count=2\npick.pictures=0\npick.sel=1\n");
}

static void test_folder_with_chinese_names(void **state)
{
    struct ui_fixture *f = F(state);
    set_roots(f, "pics", "sd");
    open_chooser(f);
    fx_keys(f, "Enter");
    /* Folders first, then pictures by name; no text file, no hidden file, and nothing that
     * leads out of the roots (the links to outside/). */
    fx_model_has(f, "pick.count=5\npick.pictures=3\n");
    fx_model_has(f, "pick.0=现场照片/\npick.1=空文件夹/\n");
    fx_model_lacks(f, "notes.txt");
    fx_model_lacks(f, "hidden");
    fx_model_lacks(f, "leak.jpg");
    fx_model_lacks(f, "escape");
    fx_model_lacks(f, "secret");
    /* Two pictures here by Space (which moves on), one in the sub-folder by a tap. */
    fx_keys(f, "Down Down Space Space");
    fx_model_has(f, "pick.selected=2\n");
    fx_keys(f, "Home Enter");
    fx_model_has(f, "pick.0=变压器铭牌.jpg\n");
    fx_keys(f, "tap:4,1");
    fx_model_has(f, "pick.selected=3\n");
    fx_golden(f, "pick-subfolder", 0);
    fx_keys(f, "Backspace");
    fx_model_has(f, "pick.sel=0\n"); /* back on 现场照片 */
    fx_golden(f, "pick-folder-zh", 0);
    /* A tap on a ticked box unticks it; the larger screen lines up the same way. */
    fx_keys(f, "tap:5,2");
    fx_model_has(f, "pick.selected=2\n");
    fx_keys(f, "resize:100x30");
    fx_golden(f, "pick-folder-100x30", 0);
    fx_keys(f, "resize:80x24");
    /* Cancel (Esc) closes the chooser and stores nothing. */
    fx_keys(f, "Esc");
    fx_model_has(f, "depth=5\n");
    fx_model_has(f, "stack.4=entry\n");
    assert_int_equal(fx_count(f, "SELECT count(*) FROM photos"), 0);
}

static void test_import_three(void **state)
{
    struct ui_fixture *f = F(state);
    set_roots(f, "pics", NULL);
    open_chooser(f);
    /* All in pics (two real JPEGs and one that is not a picture at all), then untick that
     * one, add one picture of the sub-folder, Import by its button. */
    fx_keys(f, "Enter A");
    fx_model_has(f, "pick.selected=3\n");
    fx_keys(f, "A");
    fx_model_has(f, "pick.selected=0\n");
    fx_keys(f, "A Down Down Down m");
    fx_model_has(f, "pick.selected=2\n");
    fx_keys(f, "Home Enter Space F6");
    /* The chooser gives way to the import's progress box, which closes at the end. */
    fx_model_has(f, "stack.4=entry\n");
    fx_model_has(f, "stack.5=job\n");
    fx_pump_job();
    fx_model_lacks(f, "stack.5");
    assert_int_equal(fx_count(f, "SELECT count(*) FROM photos WHERE source='file' AND "
                                 "folder='appearance' AND entry_id=1"),
                     3);
    assert_int_equal(fx_count(f, "SELECT count(*) FROM outbox WHERE kind='photo'"), 3);
    fx_model_has(f, "message=3 stored\n");
}

static void test_nothing_selected(void **state)
{
    struct ui_fixture *f = F(state);
    set_roots(f, "pics", NULL);
    open_chooser(f);
    fx_keys(f, "i");
    fx_model_has(f, "message=error: nothing selected");
    fx_model_has(f, "stack.5=pick\n");
}

static void test_empty_folder(void **state)
{
    struct ui_fixture *f = F(state);
    set_roots(f, "pics", NULL);
    open_chooser(f);
    fx_keys(f, "Enter Down Enter");
    fx_model_has(f, "pick.count=0\n");
    fx_keys(f, "A");
    fx_golden(f, "pick-empty", 0);
}

static void test_no_roots(void **state)
{
    struct ui_fixture *f = F(state);
    set_roots(f, "not-there", NULL);
    open_chooser(f);
    fx_golden(f, "pick-no-roots", 0);
    fx_keys(f, "Enter Space A i");
    fx_model_has(f, "pick.count=0\n");
    fx_keys(f, "Esc");
    fx_model_has(f, "stack.4=entry\n");
}

static void test_folder_gone(void **state)
{
    struct ui_fixture *f = F(state);
    char p[1024];
    set_roots(f, "pics", NULL);
    open_chooser(f);
    fx_keys(f, "Enter Down");
    path_in(f, p, sizeof p, "pics/空文件夹");
    assert_int_equal(rmdir(p), 0);
    fx_keys(f, "Enter");
    fx_model_has(f, "pick.error=cannot open folder");
    fx_golden(f, "pick-folder-gone", 0);
    /* Still usable: Up goes back to pics. */
    fx_keys(f, "u");
    fx_model_has(f, "pick.count=4\n");
}

static void test_five_thousand(void **state)
{
    struct ui_fixture *f = F(state);
    char rel[64];
    make_dir(f, "many");
    for (int i = 0; i < 5000; i++) {
        snprintf(rel, sizeof rel, "many/IMG_%05d.jpg", i);
        make_sized(f, rel, 1000);
    }
    set_roots(f, "many", NULL);
    open_chooser(f);
    fx_keys(f, "Enter");
    fx_model_has(f, "pick.count=5000\n");
    fx_keys(f, "End");
    fx_model_has(f, "pick.sel=4999\n");
    fx_keys(f, "PgUp PgUp");
    fx_golden(f, "pick-many", 0);
    fx_keys(f, "A");
    fx_model_has(f, "pick.selected=5000\n");
    fx_keys(f, "Esc");
    fx_model_has(f, "stack.4=entry\n");
}

/* A deep folder keeps the end of its path in the header, where one is. */
static void test_deep_folder(void **state)
{
    struct ui_fixture *f = F(state);
    make_dir(f, "pics/现场照片/2026年11月巡检");
    make_dir(f, "pics/现场照片/2026年11月巡检/第三次复查_东风线10kV配电房_计量箱与变压器铭牌照片");
    make_jpeg(
        f,
        "pics/现场照片/2026年11月巡检/第三次复查_东风线10kV配电房_计量箱与变压器铭牌照片/铭牌.jpg",
        32, 24);
    set_roots(f, "pics", NULL);
    open_chooser(f);
    fx_keys(f, "Enter Enter Enter Enter");
    fx_model_has(f, "pick.0=铭牌.jpg\n");
    fx_golden(f, "pick-deep", 0);
    /* Up, step by step, to the roots and never above them. */
    fx_keys(f, "u u u u u u");
    fx_model_has(f, "pick.dir=\npick.count=1\n");
}

/* The chooser in Chinese: translated labels keep the columns where they are. */
static void test_chinese_labels(void **state)
{
    struct ui_fixture *f = F(state);
    set_roots(f, "pics", "sd");
    open_chooser(f);
    fx_golden(f, "pick-zh-roots", 0);
    fx_keys(f, "Enter Down Down Space");
    fx_golden(f, "pick-zh-folder", 0);
}

static int pick_zh_setup(void **state)
{
    setenv("GW_TEST_LANG", "zh_CN", 1);
    int rc = pick_setup(state);
    unsetenv("GW_TEST_LANG");
    return rc;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_roots, pick_setup, pick_teardown),
        cmocka_unit_test_setup_teardown(test_folder_with_chinese_names, pick_setup, pick_teardown),
        cmocka_unit_test_setup_teardown(test_import_three, pick_setup, pick_teardown),
        cmocka_unit_test_setup_teardown(test_nothing_selected, pick_setup, pick_teardown),
        cmocka_unit_test_setup_teardown(test_empty_folder, pick_setup, pick_teardown),
        cmocka_unit_test_setup_teardown(test_no_roots, pick_setup, pick_teardown),
        cmocka_unit_test_setup_teardown(test_folder_gone, pick_setup, pick_teardown),
        cmocka_unit_test_setup_teardown(test_five_thousand, pick_setup, pick_teardown),
        cmocka_unit_test_setup_teardown(test_deep_folder, pick_setup, pick_teardown),
        cmocka_unit_test_setup_teardown(test_chinese_labels, pick_zh_setup, pick_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
