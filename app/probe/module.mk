# app/probe: the optical probe (serial line, IEC 62056-21, DL/T 645). A leaf: libc only.
MODULES += probe
probe_SRCS := $(wildcard app/probe/*.c)

# The meter simulator on a pty (rig tests and `make bench`).
TOOLS += metersim
metersim_SRCS := tests/tools/metersim.c
metersim_MODULES := probe
metersim_LDLIBS := -lutil
