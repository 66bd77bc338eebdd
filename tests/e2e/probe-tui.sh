#!/usr/bin/env bash
# The meter reader's path in the real app, through tmux, against the meter simulator on a pty:
# open the customer, press r (Read meter), watch the read arrive through the UI loop, the
# reading stored with its outbox row; read again: no consumption is a warning Enter confirms.
. "${GRIDWALK_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
. "$GRIDWALK_TOP/tests/e2e/tui-lib.sh.inc"
. "$GRIDWALK_TOP/scripts/probe-rig.sh"
trap 'probe_rig_stop; cleanup' EXIT

seed_store
probe_rig_start "$work" --meter 330100654321 "$GRIDWALK_TOP/tests/data/probe/meter-a.txt" ||
    tap_fail "metersim starts"
start_app "GRIDWALK_PROBE_PORT=$PROBE_PORT"
keys 李四
wait_for 5 screen_has "3301000002 李四"
keys Enter
ok "the customer page opens" wait_for 5 screen_has "Read meter"
keys r
ok "r opens the reading screen" wait_for 5 screen_has "Meter reading for 3301000002"
ok "the read arrives and is stored" wait_for 20 screen_has "Reading stored (no-history)"
ok "the registers are shown" screen_has "12345.67"
ok "one reading and its outbox row" test \
    "$(count "SELECT count(*) FROM readings")$(count "SELECT count(*) FROM outbox WHERE kind='reading'")" = 11
keys r
ok "reading again: no consumption needs confirming" wait_for 20 screen_has "no consumption"
keys Enter
ok "Enter confirms and stores" wait_for 5 screen_has "Reading stored (zero,confirmed)"
ok "two readings now" test "$(count "SELECT count(*) FROM readings")" = 2
keys Tab
ok "Tab shows the byte transcript" wait_for 5 screen_has "TX FE FE FE FE 68"
tap_done
