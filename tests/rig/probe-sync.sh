#!/usr/bin/env bash
# probe-sync.sh - a meter read over the (simulated) probe travels to the real hub: the
# reading's outbox row is drained by gridwalk-syncd and the hub holds the registers and the
# byte transcript exactly as the tablet stored them.
. "$(dirname "$0")/../lib/tap.sh"
. "$GRIDWALK_TOP/tests/lib/sync.sh"
. "$GRIDWALK_TOP/scripts/probe-rig.sh"
trap 'probe_rig_stop; sync_cleanup' EXIT

D=$SYNC_TMP/hub
TAB=$SYNC_TMP/tab/gw.db
mkdir -p "$SYNC_TMP/tab"
hub_setup "$D" || { tap_fail "hub setup"; tap_done; }
"$GW" read-meter --customer none --db "$TAB" --skip DOG >/dev/null 2>&1 # makes the store
sqlite3 "$TAB" "INSERT INTO customers(account, name, meter, updated_at) VALUES
  ('1001', '张三', '330100012345', '2026-01-01T00:00:00.000Z')"
probe_rig_start "$SYNC_TMP" "$GRIDWALK_TOP/tests/data/probe/meter-a.txt" || tap_fail "metersim starts"
"$GW" read-meter --port "$PROBE_PORT" --baud 9600 --customer 1001 --db "$TAB" --lat 30.27 \
    --lon 120.15 --accuracy 6 >"$SYNC_TMP/read.out" 2>&1
ok "the read is stored on the tablet" grep -q "^stored " "$SYNC_TMP/read.out"
UUID=$(sqlite3 "$TAB" "SELECT uuid FROM readings")
hub_start "$D" || tap_fail "hub starts"
"$SYNCD" --db "$TAB" --hub "$HUB_URL" --token-file "$SYNC_TMP/token" --once 2>"$SYNC_TMP/agent.log"
ok "the sync agent sends the reading" test "$(outbox_left "$TAB")" = 0
hub_stop
HUBDB=$(find "$D" -maxdepth 1 -name '*.db' | head -1)
ok "the hub holds the reading under its UUID and account" test \
    "$(sqlite3 "$HUBDB" "SELECT account FROM readings WHERE uuid = '$UUID'")" = 1001
P=$(sqlite3 "$HUBDB" "SELECT payload FROM readings WHERE uuid = '$UUID'")
ok "  ...with the registers as read" test \
    "$(sqlite3 :memory: "SELECT json_extract('$P', '\$.registers[1].id') || '=' || json_extract('$P', '\$.registers[1].value')")" \
    = "energy_fwd_total=12345.67"
ok "  ...and the position" test "$(sqlite3 :memory: "SELECT json_extract('$P', '\$.lat')")" = 30.27
sqlite3 :memory: "SELECT json_extract('$P', '\$.transcript_b64')" | base64 -d >"$SYNC_TMP/hub.tr"
sqlite3 "$TAB" "SELECT writefile('$SYNC_TMP/tab.tr', transcript) FROM readings" >/dev/null
ok "  ...and the byte transcript identical to the tablet's" cmp -s "$SYNC_TMP/hub.tr" "$SYNC_TMP/tab.tr"
ok "  ...which holds the meter's answers" grep -q "RX FE FE 68 45 23 01 00 01 33 68 93" "$SYNC_TMP/hub.tr"
tap_done
