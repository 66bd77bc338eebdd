#!/usr/bin/env bash
# LANG picks the language of the real app, also on a tablet where the zh_CN locale itself
# is not generated (the app falls back to C.UTF-8 and keeps the catalog).
. "${GRIDWALK_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
. "$GRIDWALK_TOP/tests/e2e/tui-lib.sh.inc"

seed_store
start_app LC_ALL= LANGUAGE= LANG=zh_CN.UTF-8
ok "the search screen is in Chinese" wait_for 5 screen_has "搜索："
ok "the function bar is in Chinese" screen_has "1帮助"
keys 李四
ok "Chinese typed into the box finds the customer" wait_for 5 screen_has "3301000002 李四"
keys Enter
ok "field names are the utility's own words" wait_for 5 screen_has "表计局号"
ok "default categories are translated" screen_has "用电检查"
keys F10
ok "F10 quits" exit_is 0

start_app LC_ALL= LANGUAGE= LANG=en_US.UTF-8
ok "English with LANG=en_US" wait_for 5 screen_has "Search:"
tap_done
