#!/usr/bin/env bash
# Hub task import rate: `gridwalk-hub task import` of N_TASKS (default 20,000) tasks from a CSV
# (each row checked, inserted and logged as a change for its device, all in one transaction),
# beside the peer: the sqlite3 shell's `.import` of the same CSV into a plain table (bytes into
# rows, no checks, no change log). Also the device side: one gridwalk-syncd pass pulling them.
# Never fails the build.
set -u
top=${GRIDWALK_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${GRIDWALK_BUILD:-$top/build}
. "$top/tests/lib/tap.sh"
HUB=$build/bin/gridwalk-hub SYNCD=$build/bin/gridwalk-syncd
for b in "$HUB" "$SYNCD"; do
    [ -x "$b" ] || { echo "   today: $b is not built (make all)"; exit 0; }
done
command -v sqlite3 >/dev/null || { echo "   today: no sqlite3 shell for the peer"; exit 0; }
N=${N_TASKS:-20000}
W=$(mktemp -d "${TMPDIR:-/tmp}/gw-bench-today.XXXXXX")
HPID=""
cleanup() { [ -n "$HPID" ] && kill -TERM "$HPID" 2>/dev/null; wait 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { t = b - a; printf "%.0f", (t > 0 ? n / t : 0) }'; }

"$HUB" device add tab1 --data "$W/hub" >"$W/token"
awk -v n="$N" 'BEGIN { print "account,name,region"; for (i = 1; i <= n; i++) printf "%d,客户%d,north\n", 7000000 + i, i }' >"$W/c.csv"
"$HUB" import-customers "$W/c.csv" --data "$W/hub" >/dev/null
awk -v n="$N" 'BEGIN { print "kind,account,due,assignee,instructions,priority"
    for (i = 1; i <= n; i++) printf "%s,%d,2026-12-01,tab1,抄表 %d,0\n", (i % 10 ? "meter-reading" : "inspection"), 7000000 + i, i }' >"$W/t.csv"

t0=$(now)
"$HUB" task import "$W/t.csv" --data "$W/hub" >/dev/null || { echo "   today: task import failed"; exit 0; }
t1=$(now)
sqlite3 "$W/peer.db" "CREATE TABLE t(kind, account, due, assignee, instructions, priority)"
t2=$(now)
sqlite3 "$W/peer.db" ".mode csv" ".import --skip 1 '$W/t.csv' t"
t3=$(now)
printf '   hub task import: %s tasks/s   (peer sqlite3 .import: %s rows/s)   %s tasks\n' \
    "$(rate "$N" "$t0" "$t1")" "$(rate "$N" "$t2" "$t3")" "$N"

port=$(free_port)
"$HUB" serve --data "$W/hub" --listen "127.0.0.1:$port" 2>>"$W/hub.log" &
HPID=$!
wait_for 10 sh -c "curl -s -o /dev/null -D - http://127.0.0.1:$port/api/v1/ping | grep -qi gridwalk-protocol"
t4=$(now)
"$SYNCD" --db "$W/tab/gw.db" --hub "http://127.0.0.1:$port" --token-file "$W/token" --once 2>>"$W/agent.log"
t5=$(now)
got=$(sqlite3 "$W/tab/gw.db" "SELECT count(*) FROM tasks" 2>/dev/null || echo 0)
printf '   device pull: %s tasks/s (customers too; %s tasks landed through tasks_apply_from_hub)\n' \
    "$(rate "$got" "$t4" "$t5")" "$got"
