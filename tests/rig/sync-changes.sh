#!/usr/bin/env bash
# The agent pulls customer and task changes by cursor and applies them without touching
# local edits that have not been uploaded yet.
. "$(dirname "$0")/../lib/tap.sh"
. "$GRIDWALK_TOP/tests/lib/sync.sh"

D=$SYNC_TMP/hub
TAB=$SYNC_TMP/tab/gw.db
hub_setup "$D" || { tap_fail "hub setup"; tap_done; }
"$HUB" device add tab2 --data "$D" >/dev/null
T1=$("$HUB" task add --device tab1 --customer 1001 --kind meter-reading --due 2026-11-30 --note '抄表' --data "$D")
"$HUB" task add --device tab2 --customer 1002 --kind inspection --data "$D" >/dev/null
hub_start "$D" || { tap_fail "hub starts"; tap_done; }
"$FILL" --db "$TAB" --photos 0 --account 1002 --name 'old name' --seed 5
q() { sqlite3 "$TAB" "$1"; }

"$SYNCD" --db "$TAB" --hub "$HUB_URL" --token-file "$SYNC_TMP/token" --once 2>"$SYNC_TMP/a1.log"
ok "first pass succeeds" test $? = 0
ok "customers arrive" test "$(q "SELECT name FROM customers WHERE account = '1001'")" = 张三
ok "  ...and update what the tablet had" test "$(q "SELECT name FROM customers WHERE account = '1002'")" = 李四
ok "this device's task arrives" test "$(q "SELECT kind || ' ' || due_date FROM tasks WHERE uuid = '$T1'")" = "meter-reading 2026-11-30"
ok "another device's task does not" test "$(q 'SELECT count(*) FROM tasks')" = 1
ok "the cursor is kept" test "$(q "SELECT value FROM settings WHERE key = 'sync.cursor'")" -gt 0
"$SYNCD" --db "$TAB" --hub "$HUB_URL" --token-file "$SYNC_TMP/token" --once 2>"$SYNC_TMP/a2.log"
ok "a second pass pulls nothing new" grep -q '0 changes pulled' "$SYNC_TMP/a2.log"

# The inspector pins customer 1002 on site (what the app writes: the row and its outbox row),
# while the office re-imports 1002 with other coordinates.
q "BEGIN; UPDATE customers SET lat = 31.5, lon = 121.5, coord_source = 'pinned' WHERE account = '1002';
   INSERT INTO outbox(uuid, kind, entity_uuid, payload, created_at)
   VALUES(lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))),2) || '-a' || substr(lower(hex(randomblob(2))),2) || '-' || lower(hex(randomblob(6))),
          'customer', '1002', json_object('account','1002','lat',31.5,'lon',121.5,'coord_accuracy_m',4.0,'coord_source','pinned','updated_at','2026-11-22T10:00:00.000Z'),
          '2026-11-22T10:00:00.000Z'); COMMIT;"
printf 'account,name,lat,lon,region\n1002,李四,10.0,20.0,south\n' >"$SYNC_TMP/c2.csv"
"$HUB" import-customers "$SYNC_TMP/c2.csv" --data "$D" >/dev/null
# Pull only (the hub unreachable for uploads is not needed: pull runs before push, so the
# pulled change meets the unsent pin).
"$SYNCD" --db "$TAB" --hub "$HUB_URL" --token-file "$SYNC_TMP/token" --once 2>"$SYNC_TMP/a3.log"
ok "an unsent local pin is not overwritten by the hub's change" \
    test "$(q "SELECT lat || ',' || lon FROM customers WHERE account = '1002'")" = "31.5,121.5"
ok "  ...and the pin is then uploaded" test "$(outbox_left "$TAB")" = 0
"$SYNCD" --db "$TAB" --hub "$HUB_URL" --token-file "$SYNC_TMP/token" --once 2>"$SYNC_TMP/a4.log"
ok "  ...and comes back from the hub as the customer's coordinates" \
    test "$(q "SELECT lat || ',' || lon || ',' || coord_source FROM customers WHERE account = '1002'")" = "31.5,121.5,hub"

# The running agent: woken at once by the app's nudge (a byte into the FIFO beside the store),
# stopped cleanly by SIGTERM.
"$SYNCD" --db "$TAB" --hub "$HUB_URL" --token-file "$SYNC_TMP/token" --interval 300 2>"$SYNC_TMP/a5.log" &
apid=$!
sync_track $apid
wait_for 10 test -p "$SYNC_TMP/tab/syncd.wake"
wait_for 10 grep -q 'pass done' "$SYNC_TMP/a5.log"
"$FILL" --db "$TAB" --photos 3 --size 2000 --account 1001 --name 张三 --seed 6
ok "new rows are queued" test "$(outbox_left "$TAB")" -gt 0
printf '!' >"$SYNC_TMP/tab/syncd.wake"
ok "a nudge makes the running agent send them at once (not after its 300 s timer)" \
    wait_for 10 outbox_empty "$TAB"
"$SYNCD" --db "$TAB" --hub "$HUB_URL" --token-file "$SYNC_TMP/token" --once 2>"$SYNC_TMP/a6.log"
ok "a second agent on the same store refuses to run beside the first" \
    sh -c "test $? = 1 && grep -q 'already syncing' '$SYNC_TMP/a6.log'"
kill -TERM $apid
wait_for 5 sh -c "! kill -0 $apid 2>/dev/null"
ok "SIGTERM stops the agent promptly" sh -c "! kill -0 $apid 2>/dev/null"
wait $apid
ok "  ...cleanly (exit 0, says so)" sh -c "test $? = 0 && grep -q stopped '$SYNC_TMP/a5.log'"
tap_done
