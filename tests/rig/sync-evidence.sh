#!/usr/bin/env bash
# Supervisors get the evidence as real folders: a web page, zip downloads, read-only WebDAV
# that real clients (cadaver, rclone) copy, and `gridwalk-hub pull` for scripts; per-region
# access holds everywhere.
. "$(dirname "$0")/../lib/tap.sh"
. "$GRIDWALK_TOP/tests/lib/sync.sh"

D=$SYNC_TMP/hub
TAB=$SYNC_TMP/tab/gw.db
hub_setup "$D" || { tap_fail "hub setup"; tap_done; }
echo "north-pw-123" | "$HUB" user add north --role supervisor --region north --data "$D" 2>/dev/null
hub_start "$D" || { tap_fail "hub starts"; tap_done; }
"$FILL" --db "$TAB" --photos 12 --size 7000 --per-entry 4 --account 1001 --name 张三 --seed 1 --folder '表箱 A:1'
"$FILL" --db "$TAB" --photos 4 --size 7000 --account 1002 --name 李四 --seed 2 --folder 'Meter box'
"$SYNCD" --db "$TAB" --hub "$HUB_URL" --token-file "$SYNC_TMP/token" --once 2>"$SYNC_TMP/agent.log"
ok "the tablet synced" test "$(outbox_left "$TAB")" = 0

C1="1001 张三"
"$HUB" pull --data "$D" --customer 1001 --out "$SYNC_TMP/pull" >"$SYNC_TMP/pull.out"
ok "pull writes the customer's tree (12 photos and 3 remarks.txt)" test "$(find "$SYNC_TMP/pull/$C1" -type f | wc -l)" = 15
ok "  ...as <account> <name>/<category>/<folder>/<entry>/<appearance|nameplate>/<file>" \
    test -n "$(find "$SYNC_TMP/pull/$C1/用电检查/表箱 A-1" -path '*/appearance/*_*.jpg' | head -1)"
"$HUB" pull --data "$D" --customer 1001 --out "$SYNC_TMP/pull" >"$SYNC_TMP/pull2.out"
ok "pulling again copies nothing new" grep -q ': 0 new files' "$SYNC_TMP/pull2.out"
"$HUB" pull --data "$D" --customer 1001 --since 2999-01-01 --out "$SYNC_TMP/pull-late" >/dev/null
ok "pull --since a later date copies nothing" test "$(find "$SYNC_TMP/pull-late" -type f | wc -l)" = 0

ok "the web page needs a password" \
    test "$(curl -s -o /dev/null -w '%{http_code}' "$HUB_URL/evidence/")" = 401
ok "a wrong password is refused" \
    test "$(curl -s -o /dev/null -w '%{http_code}' -u "$SUP_USER:wrong" "$HUB_URL/evidence/")" = 401
curl -s -u "$SUP_USER:$SUP_PASS" -D "$SYNC_TMP/page.h" -o "$SYNC_TMP/page.html" "$HUB_URL/evidence/"
ok "the web page is HTML" grep -qi '^content-type: text/html' "$SYNC_TMP/page.h"
ok "  ...listing the customers as folders with zip links" \
    grep -q 'href="1001%20%E5%BC%A0%E4%B8%89/?zip"' "$SYNC_TMP/page.html"
ENC=$(python3 -c 'import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1]))' "$C1")
curl -s -u "$SUP_USER:$SUP_PASS" -o "$SYNC_TMP/c1.zip" "$HUB_URL/evidence/$ENC/?zip"
mkdir -p "$SYNC_TMP/unzip" && (cd "$SYNC_TMP/unzip" && unzip -q "$SYNC_TMP/c1.zip")
ok "the customer's zip unpacks to the same tree and bytes as pull" diff -r "$SYNC_TMP/unzip/$C1" "$SYNC_TMP/pull/$C1"
SUB=$(cd "$SYNC_TMP/pull/$C1" && find . -type d -name nameplate | head -1 | cut -c3-)
SUBENC=$(python3 -c 'import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1]))' "$C1/$SUB")
curl -s -u "$SUP_USER:$SUP_PASS" -o "$SYNC_TMP/sub.zip" "$HUB_URL/evidence/$SUBENC/?zip"
ok "any folder downloads as a zip" test "$(unzip -Z1 "$SYNC_TMP/sub.zip" | grep -c '\.jpg$')" -ge 1

# WebDAV with Debian's cadaver (credentials from ~/.netrc, as cadaver reads them).
export HOME=$SYNC_TMP/home
mkdir -p "$HOME"
printf 'machine 127.0.0.1\nlogin %s\npassword %s\n' "$SUP_USER" "$SUP_PASS" >"$HOME/.netrc"
chmod 600 "$HOME/.netrc"
python3 "$GRIDWALK_TOP/tests/lib/cadaver_copy.py" "$HUB_URL/dav/" "$C1" "$SYNC_TMP/cadaver"
ok "cadaver copies the customer's files, byte-identical" \
    sh -c "cd '$SYNC_TMP/pull/$C1' && find . -type f -exec cmp {} '$SYNC_TMP/cadaver/{}' \\; && \
           test \$(find '$SYNC_TMP/cadaver' -type f | wc -l) = 15"
if command -v rclone >/dev/null; then
    rclone copy ":webdav:/$C1" "$SYNC_TMP/rclone" --webdav-url "$HUB_URL/dav/" --webdav-vendor other \
        --webdav-user "$SUP_USER" --webdav-pass "$(rclone obscure "$SUP_PASS")" --config /dev/null -q
    ok "rclone copies the same tree" sh -c "cd '$SYNC_TMP/pull/$C1' && find . -type f -exec cmp {} '$SYNC_TMP/rclone/{}' \\; && \
        test \$(find '$SYNC_TMP/rclone' -type f | wc -l) = 15"
else
    tap_fail "rclone copies the same tree" "rclone is not installed (scripts/deps/sync.txt)"
fi
for m in PUT DELETE MKCOL MOVE; do
    ok "WebDAV is read-only: $m refused" test "$(curl -s -o /dev/null -w '%{http_code}' -X $m \
        -u "$SUP_USER:$SUP_PASS" "$HUB_URL/dav/$ENC/x.jpg")" = 403
done
curl -s -u "north:north-pw-123" -X PROPFIND -H 'Depth: 1' -o "$SYNC_TMP/north.xml" "$HUB_URL/dav/"
ok "a supervisor of region north sees customer 1001" grep -q '1001' "$SYNC_TMP/north.xml"
ok "  ...but not customer 1002 of region south" sh -c "! grep -q '1002' '$SYNC_TMP/north.xml'"
ok "  ...not even by its path" test "$(curl -s -o /dev/null -w '%{http_code}' -u north:north-pw-123 \
    "$HUB_URL/evidence/1002%20%E6%9D%8E%E5%9B%9B/")" = 404
ok "PROPFIND on /dav without its slash answers the root" test "$(curl -s -o /dev/null -w '%{http_code}' \
    -X PROPFIND -H 'Depth: 0' -u "$SUP_USER:$SUP_PASS" "$HUB_URL/dav")" = 207

# An edit is a new entry version (the newest wins); a tombstone hides a photo. Nothing is
# deleted on the hub: an older version or a hidden photo stays in its records.
AUTH="Authorization: Bearer $(cat "$SYNC_TMP/token")"
post() { curl -s -o "$SYNC_TMP/post.out" -w '%{http_code}' -H "$AUTH" --data-binary "$1" "$HUB_URL/api/v1/records"; }
EP=$(sqlite3 "$TAB" "SELECT payload FROM outbox o WHERE kind = 'entry' AND payload LIKE '%\"customer_account\":\"1001\"%' ORDER BY seq LIMIT 1")
EUUID=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["uuid"])' "$EP")
V2=$(python3 -c 'import json,sys,uuid; p=json.loads(sys.argv[1]); p["version"]=2; p["name"]="改名后的条目"; p["nameplate_remark"]="铭牌模糊"
print(json.dumps({"records":[{"id":str(uuid.uuid4()),"kind":"entry","entity_uuid":p["uuid"],"payload":p,"blobs":[]}]}))' "$EP")
ok "an entry's version 2 (renamed) is stored" test "$(post "$V2")" = 200
curl -s -u "$SUP_USER:$SUP_PASS" -X PROPFIND -H 'Depth: 1' -o "$SYNC_TMP/f.xml" \
    "$HUB_URL/dav/$ENC/%E7%94%A8%E7%94%B5%E6%A3%80%E6%9F%A5/%E8%A1%A8%E7%AE%B1%20A-1/"
ok "  ...and the folder shows the new name" grep -q '改名后的条目' "$SYNC_TMP/f.xml"
ok "  ...not the old one beside it" test "$(grep -c '<D:response>' "$SYNC_TMP/f.xml")" = 4
PH=$(sqlite3 "$TAB" "SELECT entity_uuid FROM outbox WHERE kind = 'photo' ORDER BY seq LIMIT 1")
TOMB=$(python3 -c 'import json,sys,uuid; print(json.dumps({"records":[{"id":str(uuid.uuid4()),"kind":"tombstone","entity_uuid":sys.argv[1],"payload":{"kind":"photo","uuid":sys.argv[1],"reason":"wrong customer","deleted_at":"2026-11-22T12:00:00.000Z"},"blobs":[]}]}))' "$PH")
ok "a tombstone for a photo is stored" test "$(post "$TOMB")" = 200
"$HUB" pull --data "$D" --customer 1001 --out "$SYNC_TMP/pull3" >/dev/null
ok "  ...and the photo is no longer in the tree" test "$(find "$SYNC_TMP/pull3" -type f | wc -l)" = 14
tap_done
