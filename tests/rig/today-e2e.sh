#!/usr/bin/env bash
# Today's work from download to done, on loopback: the real hub assigns 200 meter-reading and
# 20 inspection tasks to a tablet from a CSV, gridwalk-syncd pulls them, a scripted run works
# through a dozen (readings over the real probe code against the meter simulator, photos, one skipped, one with a trouble code, one through the
# real TUI in tmux), the agent pushes, and the hub's task list shows exactly those states and
# results with their evidence. Then cancellation and reassignment before and after work
# started, each ending as issue 8 says: gone from the device unless started; if started,
# kept there and the hub told.
. "$(dirname "$0")/../lib/tap.sh"
. "$GRIDWALK_TOP/tests/lib/sync.sh"

D=$SYNC_TMP/hub
TAB=$SYNC_TMP/tab/gw.db
TAB2=$SYNC_TMP/tab2/gw.db
mkdir -p "$SYNC_TMP/tab" "$SYNC_TMP/tab2"
export HOME=$SYNC_TMP XDG_CONFIG_HOME=$SYNC_TMP/config XDG_DATA_HOME=$SYNC_TMP/data TZ=UTC
export GRIDWALK_LOCALEDIR=$GRIDWALK_BUILD/locale
hub_setup "$D" || { tap_fail "hub setup"; tap_done; }
"$HUB" device add tab2 --data "$D" >"$SYNC_TMP/token2"
chmod 600 "$SYNC_TMP/token2"

# 220 customers; 5000001..5000200 get a meter reading, 5000201..5000220 an inspection.
{
    echo "account,name,meter,address,lat,lon,region"
    for i in $(seq 1 220); do
        printf '%d,客户%d,33010%07d,东大街%d号,30.%04d,120.%04d,north\n' $((5000000 + i)) "$i" "$i" "$i" "$i" "$i"
    done
} >"$SYNC_TMP/c.csv"
"$HUB" import-customers "$SYNC_TMP/c.csv" --data "$D" >/dev/null
{
    echo "kind,account,due,assignee,instructions,priority"
    for i in $(seq 1 200); do
        printf 'meter-reading,%d,2026-11-30,tab1,抄表 %d,\n' $((5000000 + i)) "$i"
    done
    for i in $(seq 201 220); do
        printf 'inspection,%d,2026-11-30,tab1,"check the box, the seal",%d\n' $((5000000 + i)) \
            $((i == 201 ? 9 : 1))
    done
} >"$SYNC_TMP/t.csv"
printf 'kind,account,due,assignee,instructions\nmeter-reading,5000001,2026-11-30,tab1,x\nmeter-reading,9999999,,tab1,y\n' \
    >"$SYNC_TMP/bad.csv"
"$HUB" task import "$SYNC_TMP/bad.csv" --data "$D" 2>"$SYNC_TMP/bad.err"
ok "a CSV with a bad row is refused" test $? = 1
ok "  ...naming its line" grep -q 'line 3' "$SYNC_TMP/bad.err"
ok "  ...and nothing of it is kept" test "$("$HUB" task list --json --data "$D" | jq length)" = 0
ok "200 meter readings and 20 inspections imported" \
    test "$("$HUB" task import "$SYNC_TMP/t.csv" --data "$D")" = "220 tasks imported"

hub_start "$D" || { tap_fail "hub starts"; tap_done; }
sync_once() { "$SYNCD" --db "${1:-$TAB}" --hub "$HUB_URL" --token-file "${2:-$SYNC_TMP/token}" --once 2>>"$SYNC_TMP/agent.log"; }
sync_once
ok "the tablet pulls its 220 tasks" test "$("$GW" tasks --db "$TAB" --json | jq -s length)" = 220
q() { sqlite3 -cmd ".timeout 5000" "$TAB" "$1"; }
# The day's route (the geo part's planner), from the depot, with the urgent inspection and the
# meter read in the real app below pinned first; the app lists tasks in this order.
"$GW" route --db "$TAB" --tasks --from 30.0000,120.0000 --pin 5000201 --pin 5000009 --save \
    --iterations 200 --seed 1 >"$SYNC_TMP/route.out" 2>&1
ok "the planned route is stored for the app" test "$(q "SELECT count(*) FROM tasks WHERE route_pos IS NOT NULL")" = 220
ok "  ...and gridwalk tasks lists in that order" \
    test "$("$GW" tasks --db "$TAB" --json | jq -rs '[.[0:2][] | .account] | join(",")')" = "5000201,5000009"
tid() { q "SELECT t.id FROM tasks t JOIN customers c ON c.id = t.customer_id WHERE c.account = '$1'"; }

# A reading through the real probe code: the meter simulator on a pty serves this customer's
# meter (its number as on record) and `gridwalk read-meter` reads, checks and stores it for the
# task, with its outbox row.
. "$GRIDWALK_TOP/scripts/probe-rig.sh"
trap 'probe_rig_stop; sync_cleanup' EXIT
reading() {
    local acc=$1 val=$2 i=$(($1 - 5000000))
    printf 'meter 33010%07d\nenergy_fwd_total %s\nenergy_fwd_t1 %s\ndate 2026-11-22\ntime 14:03:07\n' \
        "$i" "$val" "$val" >"$SYNC_TMP/regs-$acc.txt"
    probe_rig_start "$SYNC_TMP" "$SYNC_TMP/regs-$acc.txt" || return 1
    "$GW" read-meter --db "$TAB" --customer "$acc" --task "$(q "SELECT t.uuid FROM tasks t JOIN customers c ON c.id = t.customer_id WHERE c.account = '$acc'")" \
        --port "$PROBE_PORT" --baud 9600 >>"$SYNC_TMP/read.log" 2>&1
    local rc=$?
    probe_rig_stop
    return $rc
}

# Six meter readings done, each against the simulator.
for i in 1 2 3 4 5 6; do
    acc=$((5000000 + i))
    "$GW" task start "$(tid $acc)" --db "$TAB" >/dev/null
    reading "$acc" "$((1000 + i)).50" || diag "read-meter failed for $acc: $(tail -n 3 "$SYNC_TMP/read.log")"
    "$GW" task done "$(tid $acc)" --db "$TAB" --result "reading $((1000 + i)).50" >/dev/null 2>>"$SYNC_TMP/cli.err"
done
ok "six meter readings are done on the tablet" test "$("$GW" tasks --db "$TAB" --state done --json | jq -s length)" = 6
# Done without evidence is refused, with what is missing.
"$GW" task done "$(tid 5000007)" --db "$TAB" 2>"$SYNC_TMP/noev.err"
ok "a meter reading without a reading cannot be done" test $? != 0
ok "  ...and the message says what is missing" grep -q 'reading' "$SYNC_TMP/noev.err"
"$GW" task skip "$(tid 5000007)" --code NOACCESS --db "$TAB" >/dev/null
"$GW" task fail "$(tid 5000008)" --code METER-BROKEN --db "$TAB" >/dev/null

# Three inspections done: a topic folder, an entry and two photos each, through `gridwalk photo
# add` on real photographs when the media part is in this build, else gw-sync-fill (which
# writes the same rows, outbox records and media files).
wallpapers=$(dpkg -L ukui-wallpapers 2>/dev/null | grep -i '\.jpg$' | head -2)
if "$GW" photo 2>&1 | grep -q 'add --entry' && [ -n "$wallpapers" ]; then
    evidence() {
        local folder entry
        folder=$("$GW" folder new --db "$TAB" --customer "$1" --category 1 "计量箱") || return 1
        entry=$("$GW" entry new --db "$TAB" --folder "$folder" --appearance "箱体完好") || return 1
        entry=$(q "SELECT uuid FROM entries WHERE id = $entry")
        # shellcheck disable=SC2086
        "$GW" photo add --db "$TAB" --entry "$entry" --long-edge 640 --accuracy 5 \
            --lat "$(q "SELECT lat FROM customers WHERE account = '$1'")" \
            --lon "$(q "SELECT lon FROM customers WHERE account = '$1'")" $wallpapers >/dev/null
    }
    diag "inspection photos through gridwalk photo add"
else
    evidence() { "$FILL" --db "$TAB" --account "$1" --name "客户$2" --photos 2 --per-entry 2 --seed "$2" >/dev/null; }
    diag "gridwalk photo add not in this build: inspection photos through gw-sync-fill"
fi
for i in 202 203 204; do
    acc=$((5000000 + i))
    "$GW" task start "$(tid $acc)" --db "$TAB" >/dev/null
    evidence "$acc" "$i" || diag "no evidence for $acc"
    "$GW" task done "$(tid $acc)" --db "$TAB" --result "seal intact" >/dev/null 2>>"$SYNC_TMP/cli.err"
done
ok "three inspections are done" test "$("$GW" tasks --db "$TAB" --kind inspection --state done --json | jq -s length)" = 3

# One task through the real app: it opens on Today, the inspection of 5000201 first (highest
# priority); open it, come back, skip it with a reason code in the finish dialog.
sock="gw-today-$$-$RANDOM"
tmux -L "$sock" -f /dev/null new-session -d -x 100 -y 30 \
    "env TERM=screen-256color LC_ALL=C.UTF-8 '$GW' --db '$TAB'; sleep 30"
screen() { tmux -L "$sock" capture-pane -p; }
screen_has() { screen | grep -qF -- "$1"; }
ok "the app opens on Today" wait_for 10 screen_has "Today: 11 done, 209 left"
ok "  ...the next stop is the first of the route" screen_has "Next: 5000201"
ok "  ...listed first, in route order" bash -c "tmux -L $sock capture-pane -p | grep -m1 -E '^ *> +1 ' | grep -q 5000201"
tmux -L "$sock" send-keys Enter
ok "opening it goes to the customer's Inspection folder" wait_for 5 screen_has "No topic folders yet"
tmux -L "$sock" send-keys Escape
sleep 0.2
tmux -L "$sock" send-keys Escape
ok "coming back offers to finish it" wait_for 5 screen_has "Finish inspection for 5000201"
tmux -L "$sock" send-keys -l "GATE-LOCKED"
tmux -L "$sock" send-keys Tab Tab Enter
ok "  ...skipped with the code typed" wait_for 5 screen_has "Task skipped."
tmux -L "$sock" send-keys q
tmux -L "$sock" kill-server 2>/dev/null
ok "the TUI's skip is in the store" test "$(q "SELECT state || ' ' || reason_code FROM tasks t JOIN customers c ON c.id = t.customer_id WHERE c.account = '5000201'")" = "skipped GATE-LOCKED"

# A meter reading through the real app: Today, meter readings only (K twice), the first one
# of the route (5000009, pinned); Enter reads the simulator on the reading screen; back on Today, Complete.
printf 'meter 330100000009\nenergy_fwd_total 2009.25\ndate 2026-11-22\ntime 14:03:07\n' >"$SYNC_TMP/regs-9.txt"
probe_rig_start "$SYNC_TMP" "$SYNC_TMP/regs-9.txt" || tap_fail "metersim starts"
sock="gw-today-$$-$RANDOM"
tmux -L "$sock" -f /dev/null new-session -d -x 100 -y 30 \
    "env TERM=screen-256color LC_ALL=C.UTF-8 GRIDWALK_PROBE_PORT=$PROBE_PORT '$GW' --db '$TAB'; sleep 30"
wait_for 10 screen_has "Today:"
tmux -L "$sock" send-keys K K g
ok "the kind filter shows meter readings" wait_for 5 screen_has "kind: meter reading"
tmux -L "$sock" send-keys Enter
ok "opening a meter reading reads the meter on the reading screen" wait_for 20 screen_has "Reading stored"
tmux -L "$sock" send-keys Escape
sleep 0.2
tmux -L "$sock" send-keys Escape
ok "back on Today, finishing is offered" wait_for 5 screen_has "Finish meter reading for 5000009"
tmux -L "$sock" send-keys Tab Enter
ok "  ...and Complete takes it, the reading being there" wait_for 5 screen_has "Task done."
next=$(q "SELECT c.account FROM tasks t JOIN customers c ON c.id = t.customer_id WHERE t.kind = 'meter-reading' AND t.state IN ('assigned','in-progress') ORDER BY t.route_pos LIMIT 1")
ok "the highlight moves to the next stop of the route" screen_has "Next: $next"
tmux -L "$sock" send-keys q
tmux -L "$sock" kill-server 2>/dev/null
probe_rig_stop
ok "the reading was stored for the task" test "$(q "SELECT count(*) FROM readings r JOIN tasks t ON t.id = r.task_id WHERE t.state = 'done'")" = 7

sync_once
ok "the agent pushes everything" test "$(outbox_left "$TAB")" = 0
"$HUB" task list --json --data "$D" >"$SYNC_TMP/list.json"
hq() { jq -r "$1" "$SYNC_TMP/list.json"; }
ok "the hub shows 10 done" test "$(hq '[.[] | select(.state == "done")] | length')" = 10
ok "  ...2 skipped with their codes" test "$(hq '[.[] | select(.state == "skipped") | .account + " " + .reason_code] | sort | join(",")')" = "5000007 NOACCESS,5000201 GATE-LOCKED"
ok "  ...1 failed with its trouble code" test "$(hq '[.[] | select(.state == "failed") | .account + " " + .reason_code] | join(",")')" = "5000008 METER-BROKEN"
ok "  ...and the other 207 still assigned" test "$(hq '[.[] | select(.state == "assigned")] | length')" = 207
ok "each done meter reading has its reading attached" \
    test "$(hq '[.[] | select(.kind == "meter-reading" and .state == "done") | .readings | length] | unique | join(",")')" = 1
ok "  ...with the value the meter showed" test "$(hq '.[] | select(.account == "5000003") | .readings[0].registers[] | select(.id == "energy_fwd_total") | .value')" = 1003.50
ok "  ...read over the probe" test "$(hq '[.[] | select(.kind == "meter-reading" and .state == "done") | .readings[0].method] | unique | join(",")')" = probe
ok "each done inspection has its two photos" \
    test "$(hq '[.[] | select(.kind == "inspection" and .state == "done") | .photos | length] | unique | join(",")')" = 2
ok "the results came along" test "$(hq '.[] | select(.account == "5000202") | .result')" = "seal intact"
ok "no evidence on tasks nobody worked" \
    test "$(hq '[.[] | select(.state == "assigned") | (.photos | length) + (.readings | length)] | add')" = 0

# Withdrawn before and after work started.
huuid() { hq ".[] | select(.account == \"$1\") | .uuid"; }
U_CANCEL=$(huuid 5000010) U_CANCEL_STARTED=$(huuid 5000011)
U_MOVE=$(huuid 5000012) U_MOVE_STARTED=$(huuid 5000013)
"$GW" task start "$(tid 5000011)" --db "$TAB" >/dev/null
"$GW" task start "$(tid 5000013)" --db "$TAB" >/dev/null
"$HUB" task cancel "$U_CANCEL" --data "$D"
"$HUB" task cancel "$U_CANCEL_STARTED" --data "$D"
"$HUB" task reassign "$U_MOVE" --device tab2 --data "$D"
"$HUB" task reassign "$U_MOVE_STARTED" --device tab2 --data "$D"
sync_once
ok "cancelled before work: gone from the tablet" test "$(q "SELECT count(*) FROM tasks WHERE uuid = '$U_CANCEL'")" = 0
ok "cancelled after work started: kept on the tablet" test "$(q "SELECT state FROM tasks WHERE uuid = '$U_CANCEL_STARTED'")" = in-progress
ok "reassigned before work: gone from the tablet" test "$(q "SELECT count(*) FROM tasks WHERE uuid = '$U_MOVE'")" = 0
ok "reassigned after work started: kept on the tablet" test "$(q "SELECT state FROM tasks WHERE uuid = '$U_MOVE_STARTED'")" = in-progress
"$HUB" task list --json --data "$D" >"$SYNC_TMP/list.json"
ok "the hub shows the cancelled one cancelled" test "$(hq ".[] | select(.uuid == \"$U_CANCEL\") | .state")" = cancelled
ok "the hub was told the started one is kept" test "$(hq ".[] | select(.uuid == \"$U_CANCEL_STARTED\") | .state")" = in-progress
ok "the hub was told of the started reassigned one too" test "$(hq ".[] | select(.uuid == \"$U_MOVE_STARTED\") | .state")" = in-progress
sync_once "$TAB2" "$SYNC_TMP/token2"
ok "the new device gets the reassigned task nobody had started" \
    test "$(sqlite3 "$TAB2" "SELECT count(*) FROM tasks WHERE uuid = '$U_MOVE'")" = 1
ok "  ...but not the one the old device had started: the hub withdrew it from tab2" \
    test "$(sqlite3 "$TAB2" "SELECT count(*) FROM tasks WHERE uuid = '$U_MOVE_STARTED'")" = 0
ok "the tablet lists what it has left" test "$("$GW" tasks --db "$TAB" --json | jq -s length)" = 218

# Supervisors: late and failed.
printf 'kind,account,due,assignee,instructions\nmeter-reading,5000100,2020-01-01,tab1,overdue\n' >"$SYNC_TMP/late.csv"
"$HUB" task import "$SYNC_TMP/late.csv" --data "$D" >/dev/null
ok "--late shows the overdue task" test "$("$HUB" task list --late --json --data "$D" | jq -r '[.[].account] | join(",")')" = 5000100
ok "--attention shows late and failed" \
    test "$("$HUB" task list --attention --json --data "$D" | jq -r '[.[].account] | sort | join(",")')" = "5000008,5000100"
curl -s -u "$SUP_USER:$SUP_PASS" -o "$SYNC_TMP/root.html" "$HUB_URL/evidence/"
ok "the hub's page shows supervisors the late and the failed task" \
    bash -c "grep -A20 'needing attention' '$SYNC_TMP/root.html' | grep -q '<td>5000100</td>.*<td>late</td>' &&
             grep -A20 'needing attention' '$SYNC_TMP/root.html' | grep -q '<td>5000008</td>.*<td>failed</td>'"
ok "the table marks the late one" bash -c "'$HUB' task list --data '$D' | grep 5000100 | grep -q LATE"
tap_done
