MODULES += ui
ui_SRCS := $(wildcard ui/*.c)
ui_PKGS := ncursesw
