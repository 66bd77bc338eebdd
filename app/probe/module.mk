# app/probe: the optical probe (serial line, IEC 62056-21, DL/T 645). A leaf: libc only.
MODULES += probe
probe_SRCS := $(wildcard app/probe/*.c)

# The meter simulator on a pty (rig tests and `make bench`).
TOOLS += metersim
metersim_SRCS := tests/tools/metersim.c
metersim_MODULES := probe
metersim_LDLIBS := -lutil

UNIT_TESTS += test_dlt645 test_iec62056 test_probe_serial test_probe_session
test_dlt645_SRCS := tests/unit/test_dlt645.c
test_dlt645_MODULES := probe
test_iec62056_SRCS := tests/unit/test_iec62056.c
test_iec62056_MODULES := probe
test_probe_serial_SRCS := tests/unit/test_probe_serial.c
test_probe_serial_MODULES := probe
test_probe_serial_LDLIBS := -lutil
test_probe_session_SRCS := tests/unit/test_probe_session.c
test_probe_session_MODULES := app probe data
test_probe_session_LDLIBS := -lpthread

# The reading flow above the probe (app/reading_check.c, app/readflow.c, data/readings.c).
UNIT_TESTS += test_reading_check test_readflow
test_reading_check_SRCS := tests/unit/test_reading_check.c
test_reading_check_MODULES := app
test_reading_check_LDLIBS := -lm
test_readflow_SRCS := tests/unit/test_readflow.c
test_readflow_MODULES := app probe data

# The meter-reading screen (ui/screen_reading.c), headless against the simulator.
ifneq ($(wildcard ui/module.mk),)
UNIT_TESTS += test_ui_reading
test_ui_reading_SRCS := tests/unit/test_ui_reading.c tests/unit/ui_fixture.c
test_ui_reading_MODULES := ui app probe geo data
endif
