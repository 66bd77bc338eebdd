#!/usr/bin/env bash
# media-tui.sh - the entry page's buttons in the real app (tmux): "File" imports the pictures
# ticked in the chooser (All of a pick folder here) on a worker thread with progress on the
# status line, "Scan" scans a page from the SANE test backend, "Photo" without a camera says
# so plainly and keeps "pick from file" in view; the photos land with their outbox rows.
. "${GRIDWALK_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
. "$GRIDWALK_TOP/tests/e2e/tui-lib.sh.inc"

seed_store
mkdir -p "$work/pics" "$XDG_CONFIG_HOME/gridwalk"
for p in $(dpkg -L ukui-wallpapers | grep -i '\.jpg$' | head -2); do cp "$p" "$work/pics/"; done
printf '[paths]\npick_folders=%s\n[photo]\nlong_edge=800\n' "$work/pics" >"$XDG_CONFIG_HOME/gridwalk/config.ini"
bash "$GRIDWALK_TOP/scripts/rig-sane" "$work/sane" plain
start_app SANE_CONFIG_DIR="$work/sane" GRIDWALK_MEDIA_DIRS=

keys 李四
wait_for 5 screen_has "3301000002 李四"
keys Enter
wait_for 5 screen_has "Business categories"
keys Enter
wait_for 5 screen_has "No topic folders yet"
keys F3
wait_for 5 screen_has "New topic folder"
keys -l "计量箱"
keys Enter
wait_for 5 screen_has "计量箱"
keys Enter
wait_for 5 screen_has "No entries yet"
keys F3
wait_for 5 screen_has "New entry"
keys Enter
ok "an entry is open" wait_for 5 screen_has 'created.'

keys f
ok "File asks which folder" wait_for 5 screen_has "Into which folder?"
keys Enter
ok "then the chooser lists the pick folder" wait_for 5 screen_has "$work/pics"
keys Enter
wait_for 5 screen_has "Modified"
keys A
ok "All ticks the folder's two pictures" wait_for 5 screen_has "2 selected"
keys i
ok "Import stores them" wait_for 30 screen_has "2 stored"
ok "two file photos with their outbox rows" test "$(count "SELECT count(*) FROM photos p JOIN outbox o ON o.entity_uuid = p.uuid WHERE p.source='file' AND p.width=800")" = 2

keys s
wait_for 5 screen_has "Into which folder?"
keys Right
keys Enter
ok "Scan stores a page in the nameplate folder" wait_for 30 screen_has "1 stored"
ok "the scanned page is recorded" test "$(count "SELECT count(*) FROM photos WHERE source='scan' AND folder='nameplate'")" = 1

keys p
wait_for 5 screen_has "Into which folder?"
keys Enter
# The configured camera ([devices] camera, /dev/video0 by default) is named in the message.
ok "Photo without a camera says so plainly, naming it" wait_for 15 screen_has "camera /dev/video0 is not there"
screen_has "camera /dev/video0 is not there" || diag "$(screen)"
ok "the app is still there" screen_has "10Quit"
tap_done
