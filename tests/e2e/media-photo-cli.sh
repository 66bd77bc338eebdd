#!/usr/bin/env bash
# media-photo-cli.sh - `gridwalk photo add` end to end on real photographs (ukui-wallpapers):
# what it prints (text and --json), what exiftool and exif read back from the stored JPEG, the
# original kept byte for byte, and broken input (truncated, corrupt, a PNG with a lying header,
# a non-image, a 30000x30000 bomb) refused with nothing stored.
. "${GRIDWALK_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
gw=$GRIDWALK_BUILD/bin/gridwalk
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gw-photo-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
db=$tmp/store/gw.db
entry=e0000000-0000-4000-8000-000000000002
photos=$(dpkg -L ukui-wallpapers | grep -i '\.jpg$' | head -3)
first=$(echo "$photos" | head -1)
[ -n "$first" ] || { tap_fail "ukui-wallpapers is installed" "scripts/install-deps"; tap_done; }

mkdir -p "$tmp/store"
"$gw" photo add --db "$db" --entry x /dev/null >/dev/null 2>&1
sqlite3 "$db" "INSERT INTO customers(id,account,name,updated_at) VALUES(1,'3003','Wang Wu','2026-01-01T00:00:00.000Z');
INSERT INTO folders(id,uuid,customer_id,category,name,created_at,updated_at) VALUES(1,'f1',1,2,'Meter box 7',
 '2026-01-01T00:00:00.000Z','2026-01-01T00:00:00.000Z');
INSERT INTO entries(id,uuid,folder_id,name,created_at,updated_at) VALUES(1,'$entry',1,'2026-11-22 10:15',
 '2026-01-01T00:00:00.000Z','2026-01-01T00:00:00.000Z');"
count() { sqlite3 "$db" "SELECT count(*) FROM photos"; }
files() { find "$tmp/store/media" -type f -name '*.*' ! -name '.lock' | wc -l; }

# shellcheck disable=SC2086
out=$("$gw" photo add --db "$db" --entry "$entry" --folder nameplate --json --keep-original \
    --lat 31.2304 --lon 121.4737 --alt 8.5 --accuracy 3.5 $photos 2>"$tmp/err")
ok "three photos stored" test "$(echo "$out" | grep -c '"source":"file"')" = 3
ok "JSON names the folder and size" grep -q '"folder":"nameplate"' <<<"$out"
ok "stored at the 1600 px long edge" test "$(echo "$out" | grep -c '"width":1600')" = 3
ok "with position" test "$(echo "$out" | grep -c '"position":true')" = 3
path=$(echo "$out" | head -1 | sed 's/.*"path":"\([^"]*\)".*/\1/')
sha=$(echo "$out" | head -1 | sed 's/.*"sha256":"\([0-9a-f]*\)".*/\1/')
orig=$(echo "$out" | head -1 | sed 's/.*"original_sha256":"\([0-9a-f]*\)".*/\1/')
ok "the file's SHA-256 is the one recorded" test "$(sha256sum "$path" | cut -d' ' -f1)" = "$sha"
ok "its name is media/xx/<sha256>.jpg" test "$path" = "$tmp/store/media/${sha:0:2}/$sha.jpg"
ok "the original is kept byte for byte" test "$(sha256sum "$first" | cut -d' ' -f1)" = "$orig"
ok "the original is in the store" test -f "$tmp/store/media/${orig:0:2}/$orig.jpg"

x() { exiftool -s3 -n "-$1" "$path"; }
ok "exiftool: DateTimeOriginal" test -n "$(x DateTimeOriginal)"
ok "exiftool: OffsetTimeOriginal" test "$(x OffsetTimeOriginal)" = "+00:00"
ok "exiftool: GPS latitude" awk -v v="$(x GPSLatitude)" 'BEGIN{exit !(v > 31.23039 && v < 31.23041)}'
ok "exiftool: GPS longitude" awk -v v="$(x GPSLongitude)" 'BEGIN{exit !(v > 121.47369 && v < 121.47371)}'
ok "exiftool: GPS altitude" test "$(x GPSAltitude)" = "8.5"
ok "exiftool: GPS accuracy" test "$(x GPSHPositioningError)" = "3.5"
ok "exiftool: description names customer and entry" sh -c "exiftool -s3 -ImageDescription '$path' | grep -q 'customer 3003 Wang Wu; entry 2026-11-22 10:15 ($entry); nameplate'"
ok "exiftool: serial is this device" test "$(x SerialNumber)" = "$(sqlite3 "$db" "SELECT value FROM settings WHERE key='device.id'")"
ok "exiftool: orientation upright" test "$(x Orientation)" = 1
ok "exif (libexif) reads it too" sh -c "exif -m -t DateTimeOriginal '$path' | grep -qE '^[0-9]{4}:[0-9]{2}:[0-9]{2} '"
ok "the row has the position" test "$(sqlite3 "$db" "SELECT count(*) FROM photos WHERE lat=31.2304 AND accuracy_m=3.5")" = 3

out=$("$gw" photo add --db "$db" --entry 1 "$first" 2>"$tmp/err")
ok "without a position it says so plainly" grep -q "no position" "$tmp/err"
ok "and stores no GPS tags" test -z "$(exiftool -s3 -GPSLatitude "$(echo "$out" | sed -n 's/^  file //p')")"

# A PNG is stored as a JPEG like any photo; its kept original stays a PNG (under the one
# blob name rule, <sha256>.jpg).
vipsthumbnail "$first" -s 800 -o "$tmp/screen.png"
out=$("$gw" photo add --db "$db" --entry 1 --json --keep-original "$tmp/screen.png" 2>/dev/null)
porig=$(sed -n 's/.*"original_sha256":"\([0-9a-f]*\)".*/\1/p' <<<"$out")
ok "a PNG is stored as a JPEG" test "$(exiftool -s3 -FileType "$(sed -n 's/.*"path":"\([^"]*\)".*/\1/p' <<<"$out")")" = JPEG
ok "its original is kept as a PNG" test "$(exiftool -s3 -FileType "$tmp/store/media/${porig:0:2}/$porig.jpg")" = PNG

# The store's settings configure the pipeline; options given on the command line win.
sqlite3 "$db" "INSERT INTO settings(key,value) VALUES('photo.long_edge','1000'),('photo.keep_original','1')"
out=$("$gw" photo add --db "$db" --entry 1 --json "$first" 2>/dev/null)
ok "setting photo.long_edge is honoured" grep -q '"width":1000' <<<"$out"
ok "setting photo.keep_original is honoured" grep -q '"original_sha256":"[0-9a-f]\{64\}"' <<<"$out"
out=$("$gw" photo add --db "$db" --entry 1 --json --long-edge 1200 "$first" 2>/dev/null)
ok "an option overrides the setting" grep -q '"width":1200' <<<"$out"
sqlite3 "$db" "UPDATE settings SET value='huge' WHERE key='photo.long_edge'"
ok "a bad setting is a clear error naming it" sh -c "'$gw' photo add --db '$db' --entry 1 '$first' 2>&1 | grep -q \"setting photo.long_edge is 'huge'\""
sqlite3 "$db" "DELETE FROM settings WHERE key LIKE 'photo.%'"

# Broken input, each a clear error, nothing half-stored.
n=$(count)
f=$(files)
head -c 200000 "$first" >"$tmp/truncated.jpg"
cp "$first" "$tmp/corrupt.jpg"
printf '\xff\xda\x00\x0c\xde\xad\xbe\xef\xff\xd9' | dd of="$tmp/corrupt.jpg" bs=1 seek=400000 conv=notrunc 2>/dev/null
dd if=/dev/urandom of="$tmp/corrupt.jpg" bs=1 seek=400010 count=20000 conv=notrunc 2>/dev/null
printf '\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x07\xd0\x00\x00\x05\xdc\x08\x02\x00\x00\x00' >"$tmp/lying.png"
printf 'account;meter\n3003;A-17\n' >"$tmp/notes.jpg"
python3 - "$tmp/bomb.jpg" <<'PY'
import sys, struct
# SOI, a quantisation table, a frame header claiming 30000x30000, Huffman tables omitted.
d = b'\xff\xd8' + b'\xff\xdb' + struct.pack('>H', 67) + b'\x00' + bytes([1] * 64)
d += b'\xff\xc0' + struct.pack('>HBHHB', 11, 8, 30000, 30000, 1) + b'\x01\x11\x00'
d += b'\xff\xda' + struct.pack('>HB', 8, 1) + b'\x01\x00\x00\x3f\x00' + b'\x00' * 64 + b'\xff\xd9'
open(sys.argv[1], 'wb').write(d)
PY
for bad in truncated.jpg corrupt.jpg lying.png notes.jpg bomb.jpg; do
    "$gw" photo add --db "$db" --entry 1 "$tmp/$bad" >/dev/null 2>"$tmp/$bad.err"
    ok "$bad refused" test $? = 1
    diag "$(grep -v 'no position' "$tmp/$bad.err")"
done
ok "the truncated JPEG is called damaged or truncated" grep -q "truncated" "$tmp/truncated.jpg.err"
ok "the lying PNG is called damaged" grep -q "PNG" "$tmp/lying.png.err"
ok "the non-image is called that" grep -q "not a JPEG or PNG" "$tmp/notes.jpg.err"
ok "the bomb is refused by its size" grep -q "30000x30000" "$tmp/bomb.jpg.err"
ok "no row for any of them" test "$(count)" = "$n"
ok "no file for any of them" test "$(files)" = "$f"
ok "no temporary left behind" test "$(find "$tmp/store/media" -name '.tmp-*' | wc -l)" = 0
ok "a missing entry is a clear error" sh -c "'$gw' photo add --db '$db' --entry 999 '$first' 2>&1 | grep -q \"no entry '999'\""
ok "the store is intact" test "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok
tap_done
