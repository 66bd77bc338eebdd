#!/usr/bin/env bash
# pick-tui.sh - the file chooser behind "Pick file" in the real app (tmux): it lists the pick
# folder and nothing outside it (links out of it are not shown), Cancel stores nothing, and
# two pictures ticked in one folder (one by a tap, one by Space) plus one in a sub-folder are
# imported as three photos with source "file" in that entry, with their outbox rows.
# Pictures: real photographs from ukui-wallpapers, two of them turned into PNGs.
. "${GRIDWALK_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
. "$GRIDWALK_TOP/tests/e2e/tui-lib.sh.inc"

mapfile -t src < <(dpkg -L ukui-wallpapers 2>/dev/null | grep -i '\.jpg$' | head -3)
if [ "${#src[@]}" -lt 3 ] || ! command -v vipsthumbnail >/dev/null; then
    tap_fail "ukui-wallpapers and libvips-tools are installed" "scripts/install-deps"
    tap_done
fi
pics=$work/pics
mkdir -p "$pics/巡检" "$work/outside" "$XDG_CONFIG_HOME/gridwalk"
vipsthumbnail "${src[0]}" -s 1200 -o "$pics/01_配电房正面.jpg[Q=85]"
vipsthumbnail "${src[1]}" -s 1000 -o "$pics/02_计量箱铭牌.png"
vipsthumbnail "${src[2]}" -s 1200 -o "$pics/03_接线.jpg[Q=85]"
vipsthumbnail "${src[0]}" -s 900 -o "$pics/巡检/04_变压器.jpg[Q=85]"
vipsthumbnail "${src[1]}" -s 900 -o "$pics/巡检/05_柜内.png"
echo "not a picture" >"$pics/readme.txt"
cp "$pics/03_接线.jpg" "$work/outside/secret.jpg"
ln -s "$work/outside/secret.jpg" "$pics/leak.jpg"
ln -s "$work/outside" "$pics/escape"
printf '[paths]\npick_folders=%s\n[photo]\nlong_edge=800\n' "$pics" >"$XDG_CONFIG_HOME/gridwalk/config.ini"

seed_store
# No removable media from this machine: only the configured folder is a root.
start_app GRIDWALK_MEDIA_DIRS=

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
entry=$(count "SELECT max(id) FROM entries")

open_chooser() {
    keys f
    wait_for 5 screen_has "Into which folder?"
    keys Enter
    wait_for 5 screen_has "Pick pictures: choose a folder"
}

open_chooser
ok "the chooser lists the pick folder as a root" screen_has "$pics"
ok "and nothing else (no removable media, nothing outside)" test "$(screen | grep -c "$work")" = 1
keys Enter
ok "the folder opens: its sub-folder first" wait_for 5 screen_has "巡检/"
ok "then its pictures with sizes" screen_has "01_配电房正面.jpg"
ok "a PNG is listed" screen_has "02_计量箱铭牌.png"
ok "links that lead out of the roots are not listed" \
    sh -c "! tmux -L '$sock' capture-pane -p | grep -qE 'leak|escape|secret'"
ok "a text file is not listed" sh -c "! tmux -L '$sock' capture-pane -p | grep -q readme"

# The mouse wheel moves down the list (three rows a notch); Space ticks the row it reached.
# Then Cancel (Esc): nothing is stored.
wheel_down() { keys -l "$(printf '\033[Ma%b%b' "\\$(printf '%03o' $((10 + 33)))" "\\$(printf '%03o' $((5 + 33)))")"; }
wheel_down
keys Space
ok "the wheel moved to the third picture, Space ticked it" wait_for 5 screen_has "[x] 03_接线.jpg"
ok "the header counts it" screen_has "1 selected"
keys Escape
ok "Esc closes the chooser" wait_for 5 sh -c "! tmux -L '$sock' capture-pane -p | grep -q 'Pick pictures'"
sleep 1
ok "Cancel stores nothing" test "$(count "SELECT count(*) FROM photos")" = 0

# Import: 01 by a tap on its box (row 4), 02 by Space, 04 in the sub-folder by Space.
open_chooser
keys Enter
wait_for 5 screen_has "巡检/"
tap 4 1
ok "a tap ticks a picture" wait_for 5 screen_has "1 selected"
keys Down Space
ok "Space ticks another" wait_for 5 screen_has "2 selected"
keys Home Enter
ok "the sub-folder opens" wait_for 5 screen_has "04_变压器.jpg"
keys Space
ok "the selection spans folders" wait_for 5 screen_has "3 selected"
ok "the Import button counts them" screen_has "Import 3"
keys BSpace
ok "Backspace goes up to the folder" wait_for 5 screen_has "01_配电房正面.jpg"
keys F6
ok "the three pictures are stored" wait_for 30 screen_has "3 stored"
ok "three file photos in that entry" test "$(count "SELECT count(*) FROM photos WHERE entry_id=$entry AND source='file'")" = 3
ok "no other photos" test "$(count "SELECT count(*) FROM photos")" = 3
ok "each with its outbox row" test "$(count "SELECT count(*) FROM outbox WHERE kind='photo' AND json_extract(payload,'\$.source')='file'")" = 3
ok "resized like a camera photo" test "$(count "SELECT count(*) FROM photos WHERE max(width,height)=800")" = 3
ok "the app is still there" screen_has "10Quit"
tap_done
