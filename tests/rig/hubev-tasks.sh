#!/usr/bin/env bash
# Task results on the hub, and a task reassigned after work started, with two real devices
# (two tablet stores, each synced by gridwalk-syncd with its own token) on a loopback hub:
# the hub keeps each report's times, position and device; the old device's report is
# accepted and attributed to it; the new assignee loses the task unless it had started it too,
# and the office's task list says which.
. "$(dirname "$0")/../lib/tap.sh"
. "$GRIDWALK_TOP/tests/lib/sync.sh"

D=$SYNC_TMP/hub
TAB=$SYNC_TMP/tab1/gw.db
TAB2=$SYNC_TMP/tab2/gw.db
mkdir -p "$SYNC_TMP/tab1" "$SYNC_TMP/tab2"
export HOME=$SYNC_TMP XDG_CONFIG_HOME=$SYNC_TMP/config XDG_DATA_HOME=$SYNC_TMP/data TZ=UTC
hub_setup "$D" || { tap_fail "hub setup"; tap_done; }
"$HUB" device add tab2 --data "$D" >"$SYNC_TMP/token2" && chmod 600 "$SYNC_TMP/token2"
printf 'account,name,region\n1003,王五,north\n1004,赵六,north\n' >"$SYNC_TMP/more.csv"
"$HUB" import-customers "$SYNC_TMP/more.csv" --data "$D" >/dev/null
add() { "$HUB" task add --data "$D" --device tab1 --account "$1" --kind inspection --due 2026-11-30; }
T_DONE=$(add 1001) T_MOVED=$(add 1002) T_BOTH=$(add 1003) T_IDLE=$(add 1004)
hub_start "$D" || { tap_fail "hub starts"; tap_done; }
sync1() { "$SYNCD" --db "$TAB" --hub "$HUB_URL" --token-file "$SYNC_TMP/token" --once 2>>"$SYNC_TMP/agent1.log"; }
sync2() { "$SYNCD" --db "$TAB2" --hub "$HUB_URL" --token-file "$SYNC_TMP/token2" --once 2>>"$SYNC_TMP/agent2.log"; }
tid() { sqlite3 -cmd ".timeout 5000" "$1" "SELECT id FROM tasks WHERE uuid = '$2'"; }
has() { test "$(sqlite3 -cmd ".timeout 5000" "$1" "SELECT count(*) FROM tasks WHERE uuid = '$2'")" = 1; }
hasnt() { ! has "$@"; }
has2() { has "$1" "$3" && has "$2" "$3"; }
hq() { jq -r "$1" "$SYNC_TMP/list.json"; }
list() { "$HUB" task list --json --data "$D" >"$SYNC_TMP/list.json"; }
t() { hq ".[] | select(.uuid == \"$1\") | $2"; }

sync1
ok "tab1 has its four tasks" sh -c "test \"\$(sqlite3 '$TAB' 'SELECT count(*) FROM tasks')\" = 4"
# A task done where nobody reassigned anything: the hub keeps times, position and device.
"$GW" task start "$(tid "$TAB" "$T_IDLE")" --db "$TAB" >/dev/null
"$FILL" --db "$TAB" --account 1004 --name 赵六 --photos 1 --seed 7 >/dev/null
"$GW" task done "$(tid "$TAB" "$T_IDLE")" --db "$TAB" --result "seal intact" --lat 30.2741 --lon 120.1551 \
    --accuracy 6 >/dev/null 2>>"$SYNC_TMP/cli.err"
sync1
list
ok "the hub keeps when the task was started and finished" \
    sh -c "test -n '$(t "$T_IDLE" .started_at)' -a '$(t "$T_IDLE" .started_at)' != null -a '$(t "$T_IDLE" .finished_at)' != null"
ok "  ...where it was finished (position and accuracy)" test "$(t "$T_IDLE" '[.lat, .lon, .accuracy_m] | join(",")')" = "30.2741,120.1551,6"
ok "  ...which device reported it" test "$(t "$T_IDLE" .reported_by)" = tab1
ok "  ...and its result" test "$(t "$T_IDLE" '.state + " " + .result')" = "done seal intact"
ok "  ...with no note, nothing being unusual" test "$(t "$T_IDLE" .note)" = null
"$HUB" task list --data "$D" >"$SYNC_TMP/list.txt"
ok "the table shows started, finished and who worked it" \
    grep -Eq "^$T_IDLE .* done .* 20[0-9-]{8}T[0-9:]{5} +20[0-9-]{8}T[0-9:]{5} +tab1 +seal intact" "$SYNC_TMP/list.txt"

# Work starts on tab1, which is offline when the office moves three tasks to tab2: the hub
# does not know yet that tab1 had started two of them.
"$GW" task start "$(tid "$TAB" "$T_DONE")" --db "$TAB" >/dev/null
"$FILL" --db "$TAB" --account 1001 --name 张三 --photos 2 --per-entry 2 --seed 8 >/dev/null
"$GW" task start "$(tid "$TAB" "$T_BOTH")" --db "$TAB" >/dev/null
sleep 0.01 # the office acts after the tablet started (times are to the millisecond)
"$HUB" task reassign "$T_DONE" --device tab2 --data "$D"
"$HUB" task reassign "$T_MOVED" --device tab2 --data "$D"
"$HUB" task reassign "$T_BOTH" --device tab2 --data "$D"
sync2
ok "tab2 gets the three reassigned tasks" sh -c "test \"\$(sqlite3 '$TAB2' 'SELECT count(*) FROM tasks')\" = 3"
"$GW" task start "$(tid "$TAB2" "$T_BOTH")" --db "$TAB2" >/dev/null # tab2 starts one too, offline
sync1
ok "tab1 drops the reassigned task it had not started" hasnt "$TAB" "$T_MOVED"
kept2() { has "$TAB" "$T_DONE" && has "$TAB" "$T_BOTH"; }
ok "  ...and keeps the two it had started" kept2
"$GW" task done "$(tid "$TAB" "$T_DONE")" --db "$TAB" --result "meter box sealed" --lat 30.5001 --lon 120.5001 \
    --accuracy 4 >/dev/null 2>>"$SYNC_TMP/cli.err"
sync1
list
ok "the old device's report is accepted after the reassignment" test "$(t "$T_DONE" '.state + " " + .result')" = "done meter box sealed"
ok "  ...and attributed to the device that did the work" test "$(t "$T_DONE" '.reported_by + " " + (.worked_by | join(","))')" = "tab1 tab1"
ok "  ...with its times and position" test "$(t "$T_DONE" '[.lat, .lon, .accuracy_m, (.finished_at != null)] | join(",")')" = "30.5001,120.5001,4,true"
ok "  ...its photos, taken before the reassignment, counted as its evidence" test "$(t "$T_DONE" '.photos | length')" = 2
ok "the list says it plainly" test "$(t "$T_DONE" .note)" = \
    "worked by tab1, reassigned to tab2: withdrawn from tab2 because tab1 had started it"
ok "  ...in the table too" grep -A1 "^$T_DONE" <("$HUB" task list --data "$D") | grep -q '^    ^ worked by tab1, reassigned to tab2'
sync2
ok "the new assignee loses the task the old device had started" hasnt "$TAB2" "$T_DONE"
ok "  ...keeps the one nobody had started" has "$TAB2" "$T_MOVED"
ok "  ...and keeps the one it had started too" has "$TAB2" "$T_BOTH"
sync1
list
ok "a task both devices started is kept on both" has2 "$TAB" "$TAB2" "$T_BOTH"
ok "  ...the hub has both devices' work" test "$(t "$T_BOTH" '[.work[] | .device + ":" + .state] | sort | join(",")')" = "tab1:in-progress,tab2:in-progress"
ok "  ...and the list says so plainly" test "$(t "$T_BOTH" .note)" = \
    "worked by both tab1 and tab2: tab1 started it before it was reassigned to tab2, who started it too; both devices keep it"
ok "the task nobody had started is simply tab2's" \
    test "$(t "$T_MOVED" '.device + " " + .state + " " + (.worked_by | length | tostring) + " " + (.note // "-")')" = "tab2 assigned 0 -"
ok "--device tab2 lists the tasks assigned to tab2" test "$("$HUB" task list --json --device tab2 --data "$D" | jq length)" = 3
ok "nothing was left unsent on either device" sh -c "test '$(outbox_left "$TAB")' = 0 -a '$(outbox_left "$TAB2")' = 0"
tap_done
