MODULES += app
app_SRCS := $(filter-out app/main.c app/cmd_%.c,$(wildcard app/*.c))

PROGRAMS += gridwalk
gridwalk_SRCS := app/main.c $(wildcard app/cmd_*.c)
gridwalk_MODULES := app data media
