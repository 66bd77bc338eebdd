MODULES += ui
ui_SRCS := $(wildcard ui/*.c)
ui_PKGS := ncursesw

UNIT_TESTS += test_ui
test_ui_SRCS := tests/unit/test_ui.c tests/unit/ui_fixture.c
test_ui_MODULES := ui app data
