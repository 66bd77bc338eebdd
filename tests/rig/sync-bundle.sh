#!/usr/bin/env bash
# Manual transfer: `gridwalk export-bundle` on the tablet, `gridwalk-hub import-bundle` on the
# hub, with the same idempotency as the network path.
. "$(dirname "$0")/../lib/tap.sh"
. "$GRIDWALK_TOP/tests/lib/sync.sh"

D=$SYNC_TMP/hub
TAB=$SYNC_TMP/tab/gw.db
hub_setup "$D" || { tap_fail "hub setup"; tap_done; }
"$FILL" --db "$TAB" --photos 20 --size 6000 --per-entry 5 --account 1001 --name 张三 --seed 3
ROWS=$(sqlite3 "$TAB" 'SELECT count(*) FROM outbox')
"$GW" export-bundle --db "$TAB" "$SYNC_TMP/stick.gwb" >"$SYNC_TMP/export.out"
ok "export-bundle writes the file" test -s "$SYNC_TMP/stick.gwb"
ok "  ...and leaves no temporary file" test ! -e "$SYNC_TMP/stick.gwb.tmp"
ok "  ...and the rows stay queued until the hub confirms them" test "$(outbox_left "$TAB")" = "$ROWS"
"$HUB" import-bundle "$SYNC_TMP/stick.gwb" --data "$D" >"$SYNC_TMP/import.out" 2>&1
ok "import-bundle succeeds" test $? = 0
ok "  ...storing every record" grep -q "20 blobs new, $ROWS records stored, 0 already here, 0 refused" "$SYNC_TMP/import.out"
"$HUB" import-bundle "$SYNC_TMP/stick.gwb" --data "$D" >"$SYNC_TMP/import2.out" 2>&1
ok "importing the same bundle again stores nothing twice" \
    grep -q "0 blobs new, 0 records stored, $ROWS already here, 0 refused" "$SYNC_TMP/import2.out"
ok "the hub holds each record once" test "$("$HUB" stats --data "$D" | awk '/^records/ {print $2}')" = "$ROWS"
"$HUB" pull --data "$D" --customer 1001 --out "$SYNC_TMP/pull" >/dev/null
find "$SYNC_TMP/pull" -type f -name '*.jpg' -exec sha256sum {} + | cut -c1-64 | sort >"$SYNC_TMP/hub.sums"
find "$(dirname "$TAB")/media" -type f -name '*.jpg' -exec sha256sum {} + | cut -c1-64 | sort >"$SYNC_TMP/tab.sums"
ok "the photos arrived byte-identical" cmp -s "$SYNC_TMP/hub.sums" "$SYNC_TMP/tab.sums"

hub_start "$D" || tap_fail "hub starts"
"$SYNCD" --db "$TAB" --hub "$HUB_URL" --token-file "$SYNC_TMP/token" --once 2>"$SYNC_TMP/agent.log"
ok "the network path afterwards confirms the same rows" test "$(outbox_left "$TAB")" = 0
ok "  ...without storing anything twice" \
    test "$("$HUB" stats --data "$D" | awk '/^records/ {print $2}')" = "$ROWS"

# A task's report carried on a stick counts as the work of the tablet the admin names.
"$HUB" task add --kind inspection --account 1002 --device tab1 --data "$D" >/dev/null
"$SYNCD" --db "$TAB" --hub "$HUB_URL" --token-file "$SYNC_TMP/token" --once 2>>"$SYNC_TMP/agent.log"
TID=$(sqlite3 "$TAB" "SELECT id FROM tasks LIMIT 1")
TUUID=$(sqlite3 "$TAB" "SELECT uuid FROM tasks LIMIT 1")
"$GW" task skip "$TID" --db "$TAB" --code NO_ACCESS >/dev/null
"$GW" export-bundle --db "$TAB" "$SYNC_TMP/task.gwb" >/dev/null
"$HUB" import-bundle "$SYNC_TMP/task.gwb" --device tab9 --data "$D" >"$SYNC_TMP/task0.out" 2>&1
ok "import-bundle --device refuses a tablet the hub does not know" test $? != 0
ok "  ...saying which and how to enrol it" grep -q 'no device "tab9" on this hub (gridwalk-hub device add tab9)' "$SYNC_TMP/task0.out"
"$HUB" import-bundle "$SYNC_TMP/task.gwb" --device tab1 --data "$D" >"$SYNC_TMP/task1.out" 2>&1
ok "import-bundle --device takes the task report" test $? = 0
ok "  ...as the named tablet's work" test "$("$HUB" task list --json --data "$D" |
    jq -r --arg u "$TUUID" '.[] | select(.uuid == $u) | "\(.state) \(.reported_by)"')" = "skipped tab1"

# A damaged bundle: a blob whose bytes do not match its name is refused, with its records.
mkdir -p "$SYNC_TMP/evil/blobs"
head -c 100 /dev/urandom >"$SYNC_TMP/evil/blobs/$(printf 'a%.0s' $(seq 64))"
: >"$SYNC_TMP/evil/records.jsonl"
echo '{"format":"gridwalk-bundle","version":1}' >"$SYNC_TMP/evil/manifest.json"
tar -C "$SYNC_TMP/evil" -cf "$SYNC_TMP/evil.gwb" blobs manifest.json records.jsonl
"$HUB" import-bundle "$SYNC_TMP/evil.gwb" --data "$D" >"$SYNC_TMP/evil.out" 2>&1
ok "a bundle with a blob that fails its hash is refused" test $? != 0
ok "  ...and the blob is not kept" test ! -e "$D/blobs/aa/$(printf 'a%.0s' $(seq 64))"
echo "not a bundle" >"$SYNC_TMP/junk.gwb"
"$HUB" import-bundle "$SYNC_TMP/junk.gwb" --data "$D" >/dev/null 2>&1
ok "a file that is not a bundle is refused" test $? != 0
tap_done
