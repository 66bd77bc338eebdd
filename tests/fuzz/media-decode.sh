#!/usr/bin/env bash
# media-decode.sh - bounded mutation fuzzing (MEDIA_FUZZ_SECONDS, 10 s) of the JPEG/PNG
# decoders, the EXIF reader and MJPEG frame completion, under ASan+UBSan. Seeds: small JPEGs
# (baseline, with EXIF orientation, progressive, grey) and PNGs (RGB, palette, interlaced,
# alpha, 16-bit)
# made here from a real photograph (ukui-wallpapers) with vips.
. "${GRIDWALK_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
asan=${GRIDWALK_ASAN_BUILD:-$GRIDWALK_TOP/build/asan}
fuzz=$asan/tools/media-fuzz
[ -x "$fuzz" ] || fuzz=$GRIDWALK_BUILD/tools/media-fuzz
[ -x "$fuzz" ] || { tap_fail "media-fuzz is built" "make tests"; tap_done; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gw-fuzz.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
src=$(dpkg -L ukui-wallpapers | grep -i '\.jpg$' | head -1)
vips thumbnail "$src" "$tmp/base.v" 96 2>/dev/null || vipsthumbnail "$src" -s 96 -o "$tmp/base.v"
vips jpegsave "$tmp/base.v" "$tmp/a.jpg" --Q 80
vips jpegsave "$tmp/base.v" "$tmp/p.jpg" --Q 70 --interlace
vips colourspace "$tmp/base.v" "$tmp/g.v" b-w && vips jpegsave "$tmp/g.v" "$tmp/g.jpg"
vips copy "$tmp/base.v" "$tmp/o.jpg[Q=75]" && exiftool -q -overwrite_original -n -Orientation=6 "$tmp/o.jpg"
vips pngsave "$tmp/base.v" "$tmp/a.png"
vips pngsave "$tmp/base.v" "$tmp/pal.png" --palette
vips pngsave "$tmp/base.v" "$tmp/int.png" --interlace
vips bandjoin_const "$tmp/base.v" "$tmp/alpha.png" 200
vips cast "$tmp/base.v" "$tmp/w.v" ushort && vips linear "$tmp/w.v" "$tmp/w16.png" 256 0 --uchar=false 2>/dev/null || true
seeds=$(ls "$tmp"/*.jpg "$tmp"/*.png)
ok "seed inputs made ($(echo "$seeds" | wc -l))" test "$(echo "$seeds" | wc -l)" -ge 6
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
seed=${MEDIA_FUZZ_SEED:-$RANDOM$RANDOM}
# shellcheck disable=SC2086
out=$("$fuzz" "${MEDIA_FUZZ_SECONDS:-10}" "$seed" $seeds 2>"$tmp/err")
rc=$?
diag "$out (MEDIA_FUZZ_SEED=$seed repeats it)"
ok "no crash, no memory error, no leak" test "$rc" = 0
[ "$rc" = 0 ] || diag "$(head -30 "$tmp/err")"
ok "it ran" grep -q "rounds" <<<"$out"
tap_done
