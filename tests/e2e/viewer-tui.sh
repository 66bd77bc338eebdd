#!/usr/bin/env bash
# viewer-tui.sh - the photo viewer in the real app (tmux, a 256-colour terminal): two real
# photos picked into an entry's appearance folder, Enter on the first shows it in colour with
# its caption, Right moves to the second, a resize redraws it, a file removed by hand is said
# in place of the picture, Esc goes back to the list.
. "${GRIDWALK_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
. "$GRIDWALK_TOP/tests/e2e/tui-lib.sh.inc"

seed_store
mkdir -p "$work/pics" "$XDG_CONFIG_HOME/gridwalk"
for p in $(dpkg -L ukui-wallpapers | grep -i '\.jpg$' | head -2); do cp "$p" "$work/pics/"; done
printf '[paths]\npick_folders=%s\n[photo]\nlong_edge=1600\n' "$work/pics" >"$XDG_CONFIG_HOME/gridwalk/config.ini"
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
wait_for 5 screen_has 'created.'
keys f
wait_for 5 screen_has "Into which folder?"
keys Enter
wait_for 5 screen_has "$work/pics"
keys Enter
wait_for 5 screen_has "Modified"
keys A
wait_for 5 screen_has "2 selected"
keys i
ok "two photos stored" wait_for 30 screen_has "2 stored"
keys a
ok "the appearance folder lists them" wait_for 5 screen_has "queued"

keys Enter
ok "Enter shows the first photo with its caption" wait_for 10 screen_has "1/2 · "
ok "the caption says its pixels and that it is still queued" screen_has "1600x"
screen_has "queued" || diag "$(screen)"
# The picture's cells carry 256-colour pairs: capture-pane -e shows their SGR codes.
colours() { tmux -L "$sock" capture-pane -p -e | sed -n '2,10p' | grep -c '\[[0-9;]*38;5;[0-9]*'; }
ok "the picture is drawn in colour" test "$(colours)" -gt 0
ok "the bar offers Prev and Next" screen_has "3Prev"

keys Right
ok "Right shows the second" wait_for 5 screen_has "2/2 · "
tmux -L "$sock" resize-window -x 120 -y 40
ok "a bigger terminal redraws it" wait_for 5 bash -c "tmux -L $sock capture-pane -p | sed -n 40p | grep -q 10Quit && tmux -L $sock capture-pane -p | grep -q '2/2 · '"
tmux -L "$sock" resize-window -x 80 -y 24
wait_for 5 bash -c "tmux -L $sock capture-pane -p | sed -n 24p | grep -q 10Quit"

sha=$(count "SELECT sha256 FROM photos ORDER BY id LIMIT 1")
rm -f "$work/media/${sha:0:2}/$sha.jpg"
keys Left
ok "a file removed by hand is said in place of the picture" wait_for 5 screen_has "The picture file is not on this tablet."
ok "the app is still there" screen_has "10Quit"
screen_has "10Quit" || diag "$(screen)"
keys Escape
ok "Esc goes back to the list" wait_for 5 screen_has "Pixels"
keys q
ok "the app ends cleanly" exit_is 0
tap_done
