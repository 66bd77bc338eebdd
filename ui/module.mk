MODULES += ui
ui_SRCS := $(wildcard ui/*.c)
ui_PKGS := ncursesw

UNIT_TESTS += test_ui
test_ui_SRCS := tests/unit/test_ui.c tests/unit/ui_fixture.c
test_ui_MODULES := ui app geo data

# The tree store, naming rules and config file belong to this part too (data/tree.c,
# app/naming.c, app/config.c); their tests are declared here.
UNIT_TESTS += test_tree test_naming test_config
test_tree_SRCS := tests/unit/test_tree.c
test_tree_MODULES := data
test_naming_SRCS := tests/unit/test_naming.c
test_naming_MODULES := app
test_config_SRCS := tests/unit/test_config.c
test_config_MODULES := app

UNIT_TESTS += test_today
test_today_SRCS := tests/unit/test_today.c tests/unit/ui_fixture.c
test_today_MODULES := ui app geo data

UNIT_TESTS += test_ui_sync
test_ui_sync_SRCS := tests/unit/test_ui_sync.c tests/unit/ui_fixture.c
test_ui_sync_MODULES := ui app geo data

# The file chooser behind "Pick file", through the real hook and photo job (media).
UNIT_TESTS += test_pick
test_pick_SRCS := tests/unit/test_pick.c tests/unit/ui_fixture.c
test_pick_MODULES := ui app geo data media

UNIT_TESTS += test_ui_job
test_ui_job_SRCS := tests/unit/test_ui_job.c tests/unit/ui_fixture.c tests/unit/syscall_wait.c
test_ui_job_MODULES := ui app geo data media

# The photo viewer (scr_viewer.c): real JPEGs stored through the real photo job, decoded and
# drawn with media/.
UNIT_TESTS += test_viewer
test_viewer_SRCS := tests/unit/test_viewer.c tests/unit/ui_fixture.c
test_viewer_MODULES := ui app geo data media
