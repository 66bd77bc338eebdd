#!/usr/bin/env bash
# geo-gpsd.sh - the gpsd client against a real gpsd fed by gpsfake: a walk, the end of the
# data (stale fix), gpsd going away, gpsd coming back (restart) with a log that loses its
# fix, a third start, and pinning a customer from gpsd's fix. `gridwalk gps --follow --json`
# prints every change; the states the
# app would show must follow each event, and a position is never reported as 0 or invented.
: "${GRIDWALK_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$GRIDWALK_TOP/tests/lib/tap.sh"
gw=$GRIDWALK_BUILD/bin/gridwalk
nmea=$GRIDWALK_TOP/tests/data/nmea
rig=$GRIDWALK_TOP/scripts/rig-gpsd
scratch=$(mktemp -d /tmp/gw-geo-gpsd-XXXXXX)
# A scratch config: the tablet's own config.ini must not change what this rig sees.
export XDG_CONFIG_HOME=$scratch/config HOME=$scratch
client=
cleanup() {
    "$rig" stop "$scratch/rig" 2>/dev/null
    [ -n "$client" ] && kill "$client" 2>/dev/null && wait "$client" 2>/dev/null
    [ -n "${GEO_KEEP:-}" ] && echo "# kept $scratch" || rm -rf "$scratch"
}
trap cleanup EXIT

if ! command -v gpsfake >/dev/null; then
    tap_fail "gpsfake is installed (package gpsd-clients)" "install it with scripts/install-deps"
    tap_done
fi
port=$(free_port)
out=$scratch/states.jsonl
# The client first: it must keep retrying until gpsd appears.
"$gw" gps --port "$port" --follow 150 --json --stale 1 >"$out" 2>"$scratch/client.err" &
client=$!

# last_state: the state of the newest line; count_lines STATE
last_state() { tail -n 1 "$out" | python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["state"])'; }
has() { python3 - "$out" "$@" <<'PY'
import json, sys
path, want = sys.argv[1], sys.argv[2:]
rows = [json.loads(l) for l in open(path) if l.strip()]
# want: key=value pairs that one row must all match (values compared as text)
for r in rows:
    if all(str(r.get(k)) == v for k, v in (w.split("=", 1) for w in want)):
        sys.exit(0)
sys.exit(1)
PY
}
fixes_at_least() { python3 -c '
import json,sys
rows=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]
sys.exit(0 if rows and rows[-1]["fixes"] >= int(sys.argv[2]) else 1)' "$out" "$1"; }

ok "before gpsd runs, the client says no-gpsd" wait_for 5 has state=no-gpsd connects=0

# 1. The walk: 30 one-second epochs, each reported once.
mkdir -p "$scratch/rig"
ok "gpsfake starts with the walk" "$rig" start "$scratch/rig" "$port" "$nmea/walk.nmea"
ok "the client connects and gets a fix" wait_for 10 has state=fix connects=1
ok "all 30 epochs of the walk arrive, each counted once" wait_for 15 fixes_at_least 30
ok "no more than 30 distinct fixes (repeated epochs deduplicated)" \
    python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; sys.exit(0 if max(x["fixes"] for x in r)==30 else 1)' "$out"
ok "the last position is the walk's end (30.25937N 120.16400E), with accuracy and satellites" \
    has state=fix fixes=30 lat=30.2593667 lon=120.164 sats_used=8
ok "after the log ends the fix turns stale" wait_for 10 has state=stale fixes=30

# 2. gpsd goes away at the end of a single-shot run.
ok "when gpsd exits the client says no-gpsd and keeps the last fix" \
    wait_for 15 has state=no-gpsd connects=1 fixes=30 lat=30.2593667
"$rig" stop "$scratch/rig"

# 3. gpsd restarts with a log that loses its fix after 10 epochs.
ok "gpsfake restarts with the loss-of-fix log" "$rig" start "$scratch/rig" "$port" "$nmea/lossfix.nmea"
ok "the client reconnects by itself and gets a fix" wait_for 30 has state=fix connects=2
# (After a reconnect an old fix shows as stale, so no-fix here can only be the receiver's.)
ok "when the receiver loses its fix the client says no-fix" wait_for 30 has state=no-fix connects=2
"$rig" stop "$scratch/rig"
ok "a killed gpsd is noticed (no-gpsd after the second run)" wait_for 20 has state=no-gpsd connects=2

# 4. A third start: the walk again.
ok "gpsfake starts a third time, looping the walk" \
    "$rig" start "$scratch/rig" "$port" "$nmea/walk.nmea" --loop
ok "the client reconnects a second time and has a fix again" wait_for 30 has state=fix connects=3

# 5. Pinning on site from gpsd's fix: gpsd reports about 17 m (95%) for this receiver.
db=$scratch/gw.db
"$gw" pin --db "$db" --customer none --lat 1 --lon 1 --accuracy 1 >/dev/null 2>&1 # makes the store
sqlite3 "$db" "INSERT INTO customers(account, name, updated_at)
               VALUES ('3300009', '王小明', '2026-11-01T00:00:00.000Z')"
"$gw" pin --db "$db" --customer 3300009 --gps --port "$port" --wait 3 --max-accuracy 5 \
    >"$scratch/pin-strict.txt" 2>&1
ok "pinning from gpsd with a 5 m limit is refused (the fix is not that good)" test $? -eq 1
ok "  ... saying what the GPS has" grep -q "no fix within 5 m" "$scratch/pin-strict.txt"
ok "  ... and the customer still has no coordinates" \
    test "$(sqlite3 "$db" "SELECT count(*) FROM customers WHERE lat IS NULL")" = 1
# The limit comes from config.ini ([gps] min_pin_accuracy_m, 10 m by default): too strict for
# this receiver, so the tablet's admin sets 25 m.
"$gw" pin --db "$db" --customer 3300009 --gps --port "$port" --wait 3 >"$scratch/pin-default.txt" 2>&1
ok "pinning from gpsd with the default 10 m limit is refused" test $? -eq 1
mkdir -p "$XDG_CONFIG_HOME/gridwalk"
printf '[gps]\nmin_pin_accuracy_m = 25\n' >"$XDG_CONFIG_HOME/gridwalk/config.ini"
"$gw" pin --db "$db" --customer 3300009 --gps --port "$port" --wait 5 >"$scratch/pin.txt" 2>&1
ok "pinning from gpsd with config.ini's 25 m limit succeeds" test $? -eq 0
ok "  ... at the walk's position, with gpsd's accuracy, queued for sync" \
    test "$(sqlite3 "$db" "SELECT count(*) FROM customers c JOIN outbox o ON o.entity_uuid = c.account
        WHERE c.account = '3300009' AND abs(c.lat - 30.2592) < 0.001 AND abs(c.lon - 120.164) < 0.001
        AND c.coord_accuracy_m BETWEEN 1 AND 25 AND c.coord_source = 'pinned'")" = 1
"$rig" stop "$scratch/rig"

ok "no reported fix ever lacks a position or sits at 0,0" python3 -c '
import json,sys
for l in open(sys.argv[1]):
    r=json.loads(l)
    if r["state"] in ("fix","stale"):
        assert r["lat"] is not None and r["lon"] is not None, l
        assert abs(r["lat"]-30.26) < 0.01 and abs(r["lon"]-120.164) < 0.01, l
    if r["state"] == "fix":
        assert r["eph_m"] is not None, l
' "$out"
diag "states seen: $(python3 -c 'import json,sys; s=[]; [s.append(json.loads(l)["state"]) for l in open(sys.argv[1])]; print(" ".join(x for i,x in enumerate(s) if i==0 or s[i-1]!=x))' "$out")"
tap_done
