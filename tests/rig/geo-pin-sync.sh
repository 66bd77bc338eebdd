#!/usr/bin/env bash
# geo-pin-sync.sh - a customer pinned on site reaches the real hub like any other change: over
# the network with gridwalk-syncd, and by a bundle on a USB stick. The hub then holds the
# pinned coordinates with their accuracy, and pinning again is a new record, not an overwrite
# of what was sent.
: "${GRIDWALK_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$GRIDWALK_TOP/tests/lib/tap.sh"
. "$GRIDWALK_TOP/tests/lib/sync.sh"

D=$SYNC_TMP/hub
TAB=$SYNC_TMP/tab/gw.db
hub_setup "$D" || { tap_fail "hub setup"; tap_done; }
hub_coords() { sqlite3 "$D/hub.db" "SELECT lat, lon, coord_accuracy_m, coord_source FROM customers WHERE account = '$1'"; }

mkdir -p "$(dirname "$TAB")"
"$GW" pin --db "$TAB" --customer none --lat 1 --lon 1 --accuracy 1 >/dev/null 2>&1 # makes the store
sqlite3 "$TAB" "INSERT INTO customers(account, name, updated_at)
                VALUES ('1001', '张三', '2026-11-01T00:00:00.000Z'),
                       ('1002', '李四', '2026-11-01T00:00:00.000Z')"

# Over the network.
"$GW" pin --db "$TAB" --customer 1001 --lat 30.26712 --lon 120.16183 --accuracy 4.5 >/dev/null
ok "pinning queues one record" test "$(outbox_left "$TAB")" = 1
hub_start "$D" || tap_fail "the hub starts"
"$SYNCD" --db "$TAB" --hub "$HUB_URL" --token-file "$SYNC_TMP/token" --once 2>"$SYNC_TMP/agent.log"
ok "the sync agent sends it" test "$(outbox_left "$TAB")" = 0
ok "the hub holds the pinned coordinates and their accuracy" \
    test "$(hub_coords 1001)" = "30.26712|120.16183|4.5|pinned"

# A second pin of the same customer is a new record and moves the hub's coordinates.
"$GW" pin --db "$TAB" --customer 1001 --lat 30.26715 --lon 120.16190 --accuracy 3 >/dev/null
"$SYNCD" --db "$TAB" --hub "$HUB_URL" --token-file "$SYNC_TMP/token" --once 2>>"$SYNC_TMP/agent.log"
ok "pinning again sends a second record" \
    test "$(sqlite3 "$TAB" "SELECT count(*) FROM outbox WHERE kind = 'customer' AND state = 'sent'")" = 2
ok "  ... and the hub has the newer coordinates" \
    test "$(hub_coords 1001)" = "30.26715|120.1619|3.0|pinned"
hub_stop

# By a bundle on a USB stick.
"$GW" pin --db "$TAB" --customer 1002 --lat 30.27150 --lon 120.16550 --accuracy 6 >/dev/null
"$GW" export-bundle --db "$TAB" "$SYNC_TMP/stick.gwb" >/dev/null
"$HUB" import-bundle "$SYNC_TMP/stick.gwb" --data "$D" >"$SYNC_TMP/import.out" 2>&1
ok "a bundle carries a pin to the hub" test "$(hub_coords 1002)" = "30.2715|120.1655|6.0|pinned"
tap_done
