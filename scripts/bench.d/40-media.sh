#!/usr/bin/env bash
# 40-media.sh - photo resize: our pipeline (media-thumb: DCT-scaled decode, Lanczos-3, JPEG
# encode) beside vipsthumbnail on the same ~12-megapixel real photographs, to the same size
# (1600 px long edge, quality 85), in the same run. Prints photos per second and peak memory
# (maximum resident set, /usr/bin/time) of each; each tool's best of three runs.
set -u
: "${GRIDWALK_TOP:?}" "${GRIDWALK_BUILD:?}" "${BENCH_DIR:?}"
thumb=$GRIDWALK_BUILD/tools/media-thumb
for need in vips vipsthumbnail /usr/bin/time; do
    command -v "$need" >/dev/null || { echo "   needs $need (libvips-tools, time)"; exit 1; }
done
[ -x "$thumb" ] || { echo "   needs $thumb (make all)"; exit 1; }
work=$BENCH_DIR/media
mkdir -p "$work/src" "$work/ours" "$work/vips"

# ~12 MP sources: the ukui wallpapers (3840x2400, 9.2 MP) upscaled by 1.14 with vips, once.
i=0
for p in $(dpkg -L ukui-wallpapers 2>/dev/null | grep -i '\.jpg$' | head -5); do
    [ -s "$work/src/p$i.jpg" ] || vips resize "$p" "$work/src/p$i.jpg[Q=92]" 1.1402 || exit 1
    i=$((i + 1))
done
[ "$i" -gt 0 ] || { echo "   needs ukui-wallpapers"; exit 1; }
files=()
for r in 1 2 3 4; do
    for p in "$work"/src/p*.jpg; do
        ln -sf "$p" "$work/src/r${r}_$(basename "$p")"
        files+=("$work/src/r${r}_$(basename "$p")")
    done
done
n=${#files[@]}
mp=$(vipsheader -f width "$work/src/p0.jpg")x$(vipsheader -f height "$work/src/p0.jpg")

# run LABEL CMD... -> "seconds kilobytes" of the best of three runs
run() {
    local best_s="" best_k="" s k
    for _ in 1 2 3; do
        /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err"; return 1; }
        read -r s k <"$work/time"
        if [ -z "$best_s" ] || awk -v a="$s" -v b="$best_s" 'BEGIN{exit !(a < b)}'; then best_s=$s; fi
        if [ -z "$best_k" ] || [ "$k" -gt "$best_k" ]; then best_k=$k; fi
    done
    echo "$best_s $best_k"
}
read -r os ok_ < <(run "$thumb" -s 1600 -q 85 -o "$work/ours" "${files[@]}")
read -r o2s o2k < <(run "$thumb" -j 2 -s 1600 -q 85 -o "$work/ours" "${files[@]}")
read -r vs vk < <(run vipsthumbnail -s 1600 -o "$work/vips/%s.jpg[Q=85]" "${files[@]}")
# The whole pipeline as `gridwalk photo add` runs it (resize, EXIF, SHA-256, fsync'd store,
# row and outbox row), for scale: not the peer comparison.
gw=$GRIDWALK_BUILD/bin/gridwalk
store=$work/store
rm -rf "$store"
mkdir -p "$store"
"$gw" photo add --db "$store/gw.db" --entry x /dev/null >/dev/null 2>&1
sqlite3 "$store/gw.db" "INSERT INTO customers(id,account,name,updated_at) VALUES(1,'b','bench','2026-01-01T00:00:00.000Z');
INSERT INTO folders(id,uuid,customer_id,category,name,created_at,updated_at) VALUES(1,'bf',1,1,'bench','x','x');
INSERT INTO entries(id,uuid,folder_id,name,created_at,updated_at) VALUES(1,'be',1,'bench','x','x');"
read -r gs gk < <(run "$gw" photo add --db "$store/gw.db" --entry 1 "${files[@]}")
rate() { awk -v n="$n" -v s="$1" 'BEGIN{printf "%.2f", n / s}'; }
printf '   %d photos of %s to 1600 px, quality 85 (best of 3; peak RSS the highest of 3)\n' "$n" "$mp"
printf '   %-34s %6s photos/s   peak %5d MB\n' "gridwalk media-thumb (1 thread)" "$(rate "$os")" $((ok_ / 1024))
printf '   %-34s %6s photos/s   peak %5d MB\n' "gridwalk media-thumb (2 threads)" "$(rate "$o2s")" $((o2k / 1024))
printf '   %-34s %6s photos/s   peak %5d MB\n' "vipsthumbnail $(vips --version | cut -d- -f2)" "$(rate "$vs")" $((vk / 1024))
printf '   %-34s %6s photos/s   peak %5d MB\n' "gridwalk photo add (whole pipeline)" "$(rate "$gs")" $((gk / 1024))
printf '   ratio ours(1 thread)/vipsthumbnail: %s x speed, %s x memory\n' \
    "$(awk -v a="$vs" -v b="$os" 'BEGIN{printf "%.2f", a / b}')" \
    "$(awk -v a="$ok_" -v b="$vk" 'BEGIN{printf "%.2f", a / b}')"
