#!/usr/bin/env bash
# media-sync.sh - photos from `gridwalk photo add` and `gridwalk scan` reach the hub: the sync
# agent finds their files in the media store by hash, the hub checks and keeps them, and a
# supervisor's pull gets the very bytes the tablet stored (same SHA-256), EXIF included.
. "$(dirname "$0")/../lib/tap.sh"
. "$GRIDWALK_TOP/tests/lib/sync.sh"
for b in "$HUB" "$SYNCD" "$GW" "$FILL"; do
    [ -x "$b" ] || { tap_fail "built: $b" "make tests"; tap_done; }
done
D=$SYNC_TMP/hub
TAB=$SYNC_TMP/tab/gw.db
hub_setup "$D" || { tap_fail "hub setup"; tap_done; }
hub_start "$D" || { tap_fail "hub starts" "$(tail -5 "$SYNC_TMP/hub.log")"; tap_done; }

# A customer folder with one entry, as the tree part writes it (gw-sync-fill plays that role).
"$FILL" --db "$TAB" --photos 1 --per-entry 1 --account 1001 --name 张三 --seed 7 --folder '变压器 T1'
ENTRY=$(sqlite3 "$TAB" "SELECT uuid FROM entries LIMIT 1")
photo=$(dpkg -L ukui-wallpapers | grep -i '\.jpg$' | head -1)
out=$("$GW" photo add --db "$TAB" --entry "$ENTRY" --folder nameplate --json --keep-original \
    --lat 39.9 --lon 116.4 --accuracy 6 "$photo" 2>/dev/null)
sha=$(sed -n 's/.*"sha256":"\([0-9a-f]*\)".*/\1/p' <<<"$out")
orig=$(sed -n 's/.*"original_sha256":"\([0-9a-f]*\)".*/\1/p' <<<"$out")
ok "a photo stored on the tablet" test -n "$sha"
sane=$SYNC_TMP/sane
bash "$GRIDWALK_TOP/scripts/rig-sane" "$sane" plain
SANE_CONFIG_DIR=$sane timeout -k 5 60 "$GW" scan --db "$TAB" --entry "$ENTRY" --dpi 60 >/dev/null 2>&1
ok "a scanned page stored on the tablet" test "$(sqlite3 "$TAB" "SELECT count(*) FROM photos WHERE source='scan'")" = 1

"$SYNCD" --db "$TAB" --hub "$HUB_URL" --token-file "$SYNC_TMP/token" --once 2>"$SYNC_TMP/agent.log"
ok "the sync agent sent everything" test "$(outbox_left "$TAB")" = 0
[ "$(outbox_left "$TAB")" = 0 ] || diag "$(tail -5 "$SYNC_TMP/agent.log")"

"$HUB" pull --data "$D" --customer 1001 --out "$SYNC_TMP/pull" >/dev/null 2>"$SYNC_TMP/pull.err"
got=$(find "$SYNC_TMP/pull" -type f -name "*_${sha:0:8}.jpg" | head -1)
ok "the supervisor's pull has the photo in the nameplate folder" sh -c "echo '$got' | grep -q '/nameplate/'"
ok "with the very bytes the tablet stored" test "$(sha256sum "$got" 2>/dev/null | cut -d' ' -f1)" = "$sha"
ok "its EXIF still names the customer" sh -c "exiftool -s3 -ImageDescription '$got' | grep -q 'customer 1001 张三'"
ok "and the position" test "$(exiftool -s3 -n -GPSHPositioningError "$got")" = 6
ssha=$(sqlite3 "$TAB" "SELECT sha256 FROM photos WHERE source='scan'")
ok "the scanned page is there too, byte for byte" test "$(find "$SYNC_TMP/pull" -path '*/appearance/*' \
    -name "*_${ssha:0:8}.jpg" -exec sha256sum {} + | cut -d' ' -f1)" = "$ssha"
ok "the hub has the kept original as a blob" sh -c "find '$D' -type f -name '*$orig*' | grep -q ."
tap_done
