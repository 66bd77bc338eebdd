MODULES += app
app_SRCS := $(filter-out app/main.c app/cmd_%.c,$(wildcard app/*.c))

PROGRAMS += gridwalk
gridwalk_SRCS := app/main.c $(wildcard app/cmd_*.c)
gridwalk_MODULES := ui app probe geo media data syncwire
app_PKGS += inih
gridwalk_PKGS := jansson
app_LDLIBS += -lcsv

UNIT_TESTS += test_import test_demodata test_import_kill
test_import_SRCS := tests/unit/test_import.c
test_import_MODULES := app data
test_demodata_SRCS := tests/unit/test_demodata.c
test_demodata_MODULES := app data
test_import_kill_SRCS := tests/unit/test_import_kill.c
test_import_kill_MODULES := app data
