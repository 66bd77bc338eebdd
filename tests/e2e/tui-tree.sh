#!/usr/bin/env bash
# The inspector's whole path in the real app, driven through tmux: search, open the
# customer, create a topic folder, an entry with the automatic name and one with typed
# remarks, edit, remove with a reason, go back; a resize in the middle; touch taps.
. "${GRIDWALK_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
. "$GRIDWALK_TOP/tests/e2e/tui-lib.sh.inc"

seed_store
start_app
ok "the app starts on the search screen" screen_has "Sync: 0 queued, last never"

keys 李四
ok "results arrive while typing" wait_for 5 screen_has "3301000002 李四"
keys Enter
ok "Enter opens the customer" wait_for 5 screen_has "Business categories"
keys Enter
ok "the category opens" wait_for 5 screen_has "No topic folders yet"
keys F3
wait_for 5 screen_has "New topic folder"
keys -l "1号变压器"
keys Enter
ok "a topic folder is created" wait_for 5 screen_has "1号变压器"
ok "the folder left one outbox row" test "$(count "SELECT count(*) FROM outbox WHERE kind='folder'")" = 1

keys Enter
wait_for 5 screen_has "No entries yet"
keys F3
wait_for 5 screen_has "New entry"
keys Enter
ok "an entry with the automatic name opens" wait_for 5 screen_has 'created.'
name=$(count "SELECT name FROM entries")
ok "the automatic name is the local creation time" \
    bash -c "[[ '$name' =~ ^20[0-9]{2}-[0-9]{2}-[0-9]{2}\ [0-9]{2}:[0-9]{2}\$ ]]"

keys F4
wait_for 5 screen_has "Edit entry"
keys Tab
keys -l "外观完好"
keys Enter
ok "editing the remarks later saves a new version" wait_for 5 screen_has "version 2"
ok "the edit is its own outbox row" test "$(count "SELECT count(*) FROM outbox WHERE kind='entry'")" = 2

tmux -L "$sock" resize-window -x 100 -y 30
ok "a resize redraws at the new width" wait_for 5 bash -c "tmux -L $sock capture-pane -p | grep -qE '10Quit *\$' && tmux -L $sock capture-pane -p | sed -n 30p | grep -q 10Quit"
tmux -L "$sock" resize-window -x 80 -y 24
wait_for 5 bash -c "tmux -L $sock capture-pane -p | sed -n 24p | grep -q 10Quit"

keys F8
wait_for 5 screen_has "Reason (required)"
keys Enter
ok "removing without a reason is refused" wait_for 5 screen_has "Give a reason"
keys -l "重复录入"
keys Enter
ok "removing with a reason goes back to the folder" wait_for 5 screen_has "No entries yet"
ok "the entry is kept with its reason" test "$(count "SELECT delete_reason FROM entries")" = "重复录入"
ok "a tombstone is queued" test "$(count "SELECT count(*) FROM outbox WHERE kind='tombstone'")" = 1

keys BSpace
ok "Backspace goes up to the category" wait_for 5 screen_has "Topic folder"
keys Escape
ok "Esc goes up to the customer" wait_for 5 screen_has "Business categories"

# Touch: the breadcrumb's first level (row 0) returns to the search.
tap 0 2
ok "a tap on the breadcrumb goes back to the search" wait_for 5 screen_has "Search: 李四"
# Tap the second row of results twice: select, then open.
keys C-u
keys -l 10kV
wait_for 5 screen_has "2 matches"
tap 5 4
tap 5 4
ok "a second tap on a row opens it" wait_for 5 screen_has "Account number      3301000002"
tap 23 74
ok "a tap on the bar's Quit leaves the app" exit_is 0
ok "the terminal is back in cooked mode" cooked
tap_done
