#!/usr/bin/env bash
# The inspector's written remarks and the meter readings are part of the evidence supervisors
# pull for a dispute: remarks.txt in every entry folder and readings/<time> <method>.txt in
# the customer's folder, the same bytes in the web page, a zip, WebDAV (size, ETag and date
# as the listing says) and `gridwalk-hub pull`. An edit on the tablet updates remarks.txt.
# Real parts only: the tablet's store written by gridwalk and gw-sync-fill, a reading over the
# real probe code against the meter simulator, gridwalk-syncd, the hub on loopback.
. "$(dirname "$0")/../lib/tap.sh"
. "$GRIDWALK_TOP/tests/lib/sync.sh"
. "$GRIDWALK_TOP/scripts/probe-rig.sh"
trap 'probe_rig_stop; sync_cleanup' EXIT

D=$SYNC_TMP/hub
TAB=$SYNC_TMP/tab/gw.db
export HOME=$SYNC_TMP XDG_CONFIG_HOME=$SYNC_TMP/config XDG_DATA_HOME=$SYNC_TMP/data TZ=UTC
hub_setup "$D" || { tap_fail "hub setup"; tap_done; }
hub_start "$D" || { tap_fail "hub starts"; tap_done; }
q() { sqlite3 -cmd ".timeout 5000" "$TAB" "$1"; }
sync_once() { "$SYNCD" --db "$TAB" --hub "$HUB_URL" --token-file "$SYNC_TMP/token" --once 2>>"$SYNC_TMP/agent.log"; }

printf 'account,name,meter,address,region\n1001,张三,330100001001,东大街1号,north\n1002,李四,330100001002,西大街2号,south\n' \
    >"$SYNC_TMP/meters.csv"
"$HUB" import-customers "$SYNC_TMP/meters.csv" --data "$D" >/dev/null
sync_once # the customers with their meter numbers, from the hub
# Customer 1001: photos from gw-sync-fill, then a topic folder and an entry with remarks typed
# through the gridwalk CLI (the same store functions as the app's screens).
"$FILL" --db "$TAB" --photos 2 --per-entry 2 --size 3000 --account 1001 --name 张三 --seed 3 \
    --folder '表箱 A' >/dev/null
FOLDER=$("$GW" folder new --db "$TAB" --customer 1001 --category 1 "计量箱") || tap_fail "folder new"
ENTRY=$("$GW" entry new --db "$TAB" --folder "$FOLDER" --name "进线柜" \
    --appearance "箱体完好，锁具锈蚀，封印 No.4711 完整" --nameplate "铭牌模糊: 型号 DTZ341") || tap_fail "entry new"
# A meter reading over the probe (the simulator answers as 1001's meter), with a position.
printf 'meter 330100001001\nenergy_fwd_total 1234.50\nenergy_fwd_t1 600.25\ndate 2026-11-22\ntime 14:03:07\n' \
    >"$SYNC_TMP/regs.txt"
if probe_rig_start "$SYNC_TMP" "$SYNC_TMP/regs.txt"; then
    "$GW" read-meter --db "$TAB" --customer 1001 --port "$PROBE_PORT" --baud 9600 \
        --lat 30.274085 --lon 120.155070 --accuracy 4 >"$SYNC_TMP/read.log" 2>&1 ||
        diag "read-meter: $(tail -n 3 "$SYNC_TMP/read.log")"
    probe_rig_stop
else
    tap_fail "the meter simulator starts"
fi
# Customer 1002 has only a reading (a manual one, with its reason code): no photos at all.
"$GW" read-meter --db "$TAB" --customer 1002 --manual 88.5 --again 88.5 --reason NO_PROBE \
    >>"$SYNC_TMP/read.log" 2>&1 || diag "manual reading: $(tail -n 3 "$SYNC_TMP/read.log")"
ok "the tablet holds two readings" test "$(q "SELECT count(*) FROM readings")" = 2
sync_once
ok "the tablet synced" test "$(outbox_left "$TAB")" = 0

C1="1001 张三"
"$HUB" pull --data "$D" --customer 1001 --out "$SYNC_TMP/pull" >"$SYNC_TMP/pull.out"
R="$SYNC_TMP/pull/$C1/用电检查/计量箱/进线柜/remarks.txt"
ok "pull writes remarks.txt in the entry folder" test -s "$R"
ok "  ...in every entry folder" test "$(find "$SYNC_TMP/pull/$C1" -name remarks.txt | wc -l)" = 2
ok "  ...with the appearance remark, labelled in English and Chinese" \
    grep -A1 -qx 'Appearance remark / 外观备注:' "$R"
ok "  ...word for word" grep -qx '箱体完好，锁具锈蚀，封印 No.4711 完整' "$R"
ok "  ...and the nameplate remark" sh -c "grep -A1 -x 'Nameplate remark / 铭牌备注:' '$R' | grep -qx '铭牌模糊: 型号 DTZ341'"
ok "  ...the entry's name, times and version" sh -c "grep -qx 'Entry / 条目: 进线柜' '$R' &&
    grep -q '^Created / 创建时间: 20' '$R' && grep -q '^Updated / 更新时间: 20' '$R' && grep -qx 'Version / 版本: 1' '$R'"
ok "  ...and says plainly when the position is not known" grep -qx 'Position / 位置: unknown / 未知' "$R"
ok "  ...as UTF-8 text" sh -c "iconv -f UTF-8 -t UTF-8 '$R' >/dev/null"
ok "an entry without remarks says so" \
    grep -q '(none / 无)' "$(find "$SYNC_TMP/pull/$C1/用电检查/表箱 A" -name remarks.txt)"

RD=$(find "$SYNC_TMP/pull/$C1/readings" -name '*.txt' 2>/dev/null | head -1)
ok "the customer folder has readings/ with one file per reading" \
    test "$(find "$SYNC_TMP/pull/$C1/readings" -name '*.txt' | wc -l)" = 1
ok "  ...named <read_at> <method>.txt" \
    bash -c "[[ \"$(basename "$RD")\" =~ ^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}-[0-9]{2}-[0-9]{2}Z\ probe\.txt$ ]]"
ok "  ...with the meter number the meter reported" grep -qx 'Meter number reported / 电表报告的表号: 330100001001' "$RD"
ok "  ...its registers with units" grep -Eq '^  energy_fwd_total = 1234\.50? kWh$' "$RD"
ok "  ...the protocol, validation and position" sh -c "grep -q '^Protocol / 规约: [a-z]' '$RD' &&
    grep -q '^Validation / 校验结果: ' '$RD' && grep -qx 'Position / 位置: 30.274085, 120.15507 (accuracy / 精度 ±4 m)' '$RD'"
# The transcript as hex is the bytes the tablet stored, base64 in its payload.
B64=$(q "SELECT json_extract(payload, '$.transcript_b64') FROM outbox WHERE kind = 'reading' AND payload LIKE '%330100001001%'")
WANT=$(printf '%s' "$B64" | base64 -d | od -An -v -tx1 | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')
GOT=$(sed -n '/^The same bytes in hex/,$p' "$RD" | tail -n +2 | cut -c8- | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')
ok "  ...and the probe's transcript as hex, byte for byte" test -n "$WANT" -a "$WANT" = "$GOT"
ok "  ...and, being a readable log, as text too" grep -Eq '^\+[0-9]{4}\.[0-9]{3} -- open ' "$RD"
"$HUB" pull --data "$D" --customer 1002 --out "$SYNC_TMP/pull" >/dev/null
ok "a customer with only a manual reading is pulled too, with its reason code" \
    grep -qx 'Reason code / 原因代码: NO_PROBE' "$(find "$SYNC_TMP/pull/1002 李四/readings" -name '* manual.txt')"

# The web page, WebDAV and zip show the same files, sizes and bytes.
enc() { python3 -c 'import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
EDIR=$(enc "$C1/用电检查/计量箱/进线柜")
SIZE=$(stat -c %s "$R")
SHA=$(sha256sum "$R" | cut -c1-64)
curl -s -u "$SUP_USER:$SUP_PASS" -o "$SYNC_TMP/e.html" "$HUB_URL/evidence/$EDIR/"
ok "the web page lists remarks.txt with its exact size" grep -q "remarks.txt</a></td><td>$SIZE bytes" "$SYNC_TMP/e.html"
curl -s -u "$SUP_USER:$SUP_PASS" -D "$SYNC_TMP/get.h" -o "$SYNC_TMP/get.txt" "$HUB_URL/evidence/$EDIR/remarks.txt"
ok "  ...and serves the same bytes as pull" cmp -s "$SYNC_TMP/get.txt" "$R"
ok "  ...as UTF-8 text" grep -qi '^content-type: text/plain; charset=utf-8' "$SYNC_TMP/get.h"
curl -s -u "$SUP_USER:$SUP_PASS" -X PROPFIND -H 'Depth: 1' -o "$SYNC_TMP/p.xml" "$HUB_URL/dav/$EDIR/"
dav() { python3 - "$SYNC_TMP/p.xml" "$1" <<'EOF'
import sys, xml.etree.ElementTree as ET
ns = {"D": "DAV:"}
for r in ET.parse(sys.argv[1]).getroot().findall("D:response", ns):
    if r.find("D:href", ns).text.endswith("/remarks.txt"):
        print(r.find(".//D:" + sys.argv[2], ns).text)
EOF
}
ok "WebDAV lists remarks.txt with its exact size" test "$(dav getcontentlength)" = "$SIZE"
ok "  ...and the hash of its bytes as ETag" test "$(dav getetag)" = "\"$SHA\""
curl -s -u "$SUP_USER:$SUP_PASS" -D "$SYNC_TMP/dav.h" -o "$SYNC_TMP/dav.txt" "$HUB_URL/dav/$EDIR/remarks.txt"
ok "  ...GET gives the same bytes, ETag and date" sh -c "cmp -s '$SYNC_TMP/dav.txt' '$R' &&
    grep -qi '^etag: \"$SHA\"' '$SYNC_TMP/dav.h' && grep -qi '^last-modified: $(dav getlastmodified)' '$SYNC_TMP/dav.h'"
ok "  ...HEAD announces the size GET sends" test "$(curl -s -I -u "$SUP_USER:$SUP_PASS" "$HUB_URL/dav/$EDIR/remarks.txt" |
    tr -d '\r' | awk -F': ' 'tolower($1) == "content-length" {print $2}')" = "$SIZE"
JPG=$(cd "$SYNC_TMP/pull" && find "$C1" -name '*.jpg' | head -1)
ok "HEAD on a photo announces its size too" test "$(curl -s -I -u "$SUP_USER:$SUP_PASS" "$HUB_URL/dav/$(enc "$JPG")" |
    tr -d '\r' | awk -F': ' 'tolower($1) == "content-length" {print $2}')" = "$(stat -c %s "$SYNC_TMP/pull/$JPG")"
curl -s -u "$SUP_USER:$SUP_PASS" -o "$SYNC_TMP/c.zip" "$HUB_URL/evidence/$(enc "$C1")/?zip"
mkdir -p "$SYNC_TMP/unzip" && (cd "$SYNC_TMP/unzip" && unzip -q "$SYNC_TMP/c.zip")
ok "the customer's zip holds the same remarks and readings as pull" diff -r "$SYNC_TMP/unzip/$C1" "$SYNC_TMP/pull/$C1"
printf 'machine 127.0.0.1\nlogin %s\npassword %s\n' "$SUP_USER" "$SUP_PASS" >"$HOME/.netrc"
chmod 600 "$HOME/.netrc"
python3 "$GRIDWALK_TOP/tests/lib/cadaver_copy.py" "$HUB_URL/dav/" "$C1" "$SYNC_TMP/cadaver"
ok "cadaver (a real WebDAV client) copies remarks and readings byte-identical" \
    diff -r "$SYNC_TMP/cadaver" "$SYNC_TMP/pull/$C1"

# An edit on the tablet is a new version of the entry; remarks.txt follows it.
"$GW" entry edit "$ENTRY" --db "$TAB" --appearance "锁具已更换" >/dev/null || tap_fail "entry edit"
sync_once
"$HUB" pull --data "$D" --customer 1001 --out "$SYNC_TMP/pull" >"$SYNC_TMP/pull2.out"
ok "after an edit on the tablet, pull rewrites remarks.txt (1 file)" grep -q ': 1 new files' "$SYNC_TMP/pull2.out"
ok "  ...with the new remark and version 2" sh -c "grep -qx '锁具已更换' '$R' && grep -qx 'Version / 版本: 2' '$R' &&
    ! grep -q '锁具锈蚀' '$R'"
curl -s -u "$SUP_USER:$SUP_PASS" -X PROPFIND -H 'Depth: 1' -o "$SYNC_TMP/p.xml" "$HUB_URL/dav/$EDIR/"
SHA2=$(sha256sum "$R" | cut -c1-64)
ok "  ...WebDAV shows its new size and ETag" sh -c "test '$(stat -c %s "$R")' = '$(dav getcontentlength)' &&
    test '\"$SHA2\"' = '$(dav getetag)' && test '$SHA2' != '$SHA'"
tap_done
