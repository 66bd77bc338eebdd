#!/usr/bin/env bash
# A hub with a small request limit answers 413 to a batch of records: gridwalk-syncd sends the
# batch again in halves, down to single records, so everything that fits arrives; only a
# record too large by itself is held, with an error that names it and the hub's limit.
. "$(dirname "$0")/../lib/tap.sh"
. "$GRIDWALK_TOP/tests/lib/sync.sh"

D=$SYNC_TMP/hub
TAB=$SYNC_TMP/tab/gw.db
export HOME=$SYNC_TMP XDG_CONFIG_HOME=$SYNC_TMP/config XDG_DATA_HOME=$SYNC_TMP/data TZ=UTC
LIMIT=3000
hub_setup "$D" || { tap_fail "hub setup"; tap_done; }
hub_start "$D" "" --max-request $LIMIT || { tap_fail "hub starts"; tap_done; }
q() { sqlite3 -cmd ".timeout 5000" "$TAB" "$1"; }
sync_once() { "$SYNCD" --db "$TAB" --hub "$HUB_URL" --token-file "$SYNC_TMP/token" --once --verbose 2>>"$SYNC_TMP/agent.log"; }

sync_once # the customers
# 12 photos in 4 entries (17 records, about 8 KB as one request), then an entry whose remark
# alone is larger than the hub takes in one request.
"$FILL" --db "$TAB" --photos 12 --per-entry 3 --size 2000 --account 1001 --name 张三 --seed 4 >/dev/null
FOLDER=$("$GW" folder new --db "$TAB" --customer 1001 --category 1 "计量箱") || tap_fail "folder new"
BIG=$(python3 -c 'print("封印完好，" * 126)') # 1,890 bytes; the app takes up to 2,047 per remark
ENTRY=$("$GW" entry new --db "$TAB" --folder "$FOLDER" --name "长备注" --appearance "$BIG" \
    --nameplate "$BIG") || tap_fail "entry new"
BIG_UUID=$(q "SELECT uuid FROM entries WHERE id = $ENTRY")
TOTAL=$(q "SELECT count(*) FROM outbox")
ok "the records make one request larger than the hub's limit" \
    test "$(q "SELECT sum(length(CAST(payload AS BLOB))) FROM outbox")" -gt $((2 * LIMIT))

sync_once
ok "the pass reports the record it could not deliver (exit 1)" test $? = 1
ok "the hub answered 413 to the whole batch" grep -q '413 too-large' "$SYNC_TMP/hub.log"
ok "  ...and the agent sent it again in halves" grep -q 'sending them in two halves' "$SYNC_TMP/agent.log"
ok "everything that fits arrived" test "$("$HUB" stats --data "$D" | awk '/^records/ {print $2}')" = $((TOTAL - 1))
ok "  ...and is marked sent on the tablet" test "$(outbox_left "$TAB")" = 1
ok "only the entry too large by itself is held" \
    test "$(q "SELECT kind || ' ' || entity_uuid FROM outbox WHERE state = 'failed' AND next_try_at IS NULL")" = "entry $BIG_UUID"
ERR=$(q "SELECT last_error FROM outbox WHERE state = 'failed'")
diag "held: $ERR"
ok "  ...with an error naming the record" grep -q "entry $BIG_UUID is too large for the hub" <<<"$ERR"
ok "  ...and the hub's limit" grep -q "at most $LIMIT bytes" <<<"$ERR"
ok "  ...and what to do about it" grep -q -- '--max-request' <<<"$ERR"
ok "the other photos are in the evidence tree" \
    test "$("$HUB" pull --data "$D" --customer 1001 --out "$SYNC_TMP/pull" >/dev/null; find "$SYNC_TMP/pull" -name '*.jpg' | wc -l)" = 12

tap_done
