#!/usr/bin/env bash
# media-vivid.sh - media/camera.c against a real V4L2 driver: the kernel's vivid camera in a
# qemu VM (scripts/rig-vivid). One boot runs every case: listing, YUYV and RGB24 capture with
# the colour bars checked, resolution negotiation, an MJPEG request on a camera without MJPEG,
# vivid's error injection (a bad frame, a refused stream start, a camera that goes silent),
# a busy camera, an unplug mid-stream (the driver unbound, then the module force-removed), and
# `gridwalk photo capture` itself with its live preview (dynamically linked, its libraries
# copied into the guest) whose stored JPEG comes back over the console for exiftool.
# (The MJPEG decoding path is tested on recorded frames in test_media_camera; vivid has no
# MJPEG.)
. "${GRIDWALK_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
tool=$GRIDWALK_BUILD/tools/media-vivid-capture
if [ ! -x "$tool" ]; then
    tap_fail "the static capture tool is built" "missing $tool: run make tests"
    tap_done
fi
gw=$GRIDWALK_BUILD/bin/gridwalk
work=$(mktemp -d "${TMPDIR:-/tmp}/gw-vivid.XXXXXX")
trap 'rm -rf "$work"' EXIT
guest=$work/guest.sh
log=$work/console.log
entry=e0000000-0000-4000-8000-00000000000c
# The store the guest captures into, made here with the real binary and a customer/entry.
"$gw" photo add --db "$work/gw.db" --entry x /dev/null >/dev/null 2>&1
sqlite3 "$work/gw.db" "PRAGMA journal_mode=DELETE;
INSERT INTO customers(id,account,name,updated_at) VALUES(1,'5005','Sun Qi','2026-01-01T00:00:00.000Z');
INSERT INTO folders(id,uuid,customer_id,category,name,created_at,updated_at) VALUES(1,'f1',1,1,'Transformer 3',
 '2026-01-01T00:00:00.000Z','2026-01-01T00:00:00.000Z');
INSERT INTO entries(id,uuid,folder_id,name,created_at,updated_at) VALUES(1,'$entry',1,'2026-11-22 12:00',
 '2026-01-01T00:00:00.000Z','2026-01-01T00:00:00.000Z');" >/dev/null
cat >"$guest" <<'GUEST'
c() { name=$1; shift; echo "CASE $name: $(media-vivid-capture "$@" 2>&1 | tr '\n' ' ')"; }
c list --list
c yuyv --fourcc YUYV --max 1280x720
c rgb24 --fourcc RGB3 --max 640x480
c largest --warmup 0
c bounded --max 1000x1000 --warmup 0
c mjpeg --fourcc MJPG --max 640x480 --warmup 0
mkdir -p /store && cp /data/gw.db /store/gw.db
echo "CASE cli-list: $(gridwalk photo capture --list 2>&1 | tr '\n' ' ')"
echo "CASE cli: $(gridwalk photo capture --db /store/gw.db --entry ENTRY --folder nameplate --json \
    --camera-size 1920x1080 --warmup 2 --long-edge 800 --lat 31.2 --lon 121.4 --accuracy 5 \
    2>&1 | tr '\n' ' ')"
echo "BEGIN-JPEG"
base64 "$(ls /store/media/*/*.jpg | head -1)"
echo "END-JPEG"
# The live preview: frames drawn on the console until Enter (here after 2 s), then the shot.
echo "PREVIEW-BEGIN"
(sleep 2; echo) | gridwalk photo capture --db /store/gw.db --entry ENTRY --camera-size 640x360 \
    --preview --json >/dev/console 2>&1
echo "PREVIEW-END"
# vivid's error injection: a frame marked bad is skipped, a refused stream start is named,
# a camera that stops delivering times out.
v4l2-ctl -d /dev/video0 --set-ctrl inject_v4l2_buf_flag_error=1
c badframe --max 320x180 --warmup 0
v4l2-ctl -d /dev/video0 --set-ctrl inject_vidioc_streamon_error=1
c streamon --max 320x180 --warmup 0
v4l2-ctl -d /dev/video0 --set-ctrl percentage_of_dropped_buffers=100
c silent --max 320x180 --warmup 0 --timeout 800
v4l2-ctl -d /dev/video0 --set-ctrl percentage_of_dropped_buffers=0
media-vivid-capture --max 320x180 --warmup 1000 >/tmp/long.txt 2>&1 &
long=$!
sleep 1
c busy --max 320x180 --warmup 0
# A module in use cannot be removed, so the unplug is the driver's own removal (what a USB
# disconnect does), then the module goes too.
rmmod vivid 2>/dev/null && echo "CASE rmmod-busy: removed" || echo "CASE rmmod-busy: refused"
echo vivid.0 >/sys/bus/platform/drivers/vivid/unbind
wait $long
echo "CASE unplug: $(cat /tmp/long.txt)"
rmmod vivid && echo "CASE rmmod-after: removed" || echo "CASE rmmod-after: refused"
# And the module itself pulled out mid-stream (Debian's kernel allows a forced unload).
insmod /mods/vivid.ko n_devs=1 node_types=0x1
i=0; while [ ! -e /dev/video0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
media-vivid-capture --max 320x180 --warmup 1000 >/tmp/long2.txt 2>&1 &
long=$!
sleep 1
rmmod -f vivid 2>/dev/null && echo "CASE rmmod-force: removed" || echo "CASE rmmod-force: refused"
wait $long
echo "CASE rmmod-unplug: $(cat /tmp/long2.txt)"
c gone --device /dev/video0
c none
GUEST
sed -i "s/ENTRY/$entry/" "$guest"

t0=$(date +%s.%N)
bash "$GRIDWALK_TOP/scripts/rig-vivid" "$guest" "$tool" "$gw" "$(command -v v4l2-ctl)" \
    "$work/gw.db=/data/gw.db" >"$log" 2>&1
rc=$?
t1=$(date +%s.%N)
diag "vivid rig: boot, 15 captures, error injection, two unplugs (unbind, rmmod -f), gridwalk photo capture and its live preview took $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b - a}') s (exit $rc)"
if ! grep -q '^RIG-BEGIN' "$log"; then
    tap_fail "the VM booted and loaded vivid" "$(tail -20 "$log")"
    tap_done
fi
case_of() { grep -a "^CASE $1: " "$log" | head -1 | sed "s/^CASE $1: //"; }
has() { case "$(case_of "$1")" in *$2*) return 0 ;; *) diag "case $1: $(case_of "$1")"; return 1 ;; esac; }

# Colour at bar N, "R,G,B" -> checks with awk.
bar() { case_of "$1" | sed -n "s/.*bar$2=\([0-9,]*\).*/\1/p"; }
is_grey() { echo "$1" | awk -F, '{exit !($1>170 && $2>170 && $3>170 && $1<210)}'; }
is_yellow() { echo "$1" | awk -F, '{exit !($1>160 && $2>160 && $3<60)}'; }

ok "lists /dev/video0 with its name" has list "camera /dev/video0 card=vivid driver=vivid"
ok "YUYV capture at the size asked" has yuyv "ok fourcc=YUYV size=1280x720"
ok "YUYV converts to the right colours (grey bar)" is_grey "$(bar yuyv 1)"
ok "YUYV converts to the right colours (yellow bar)" is_yellow "$(bar yuyv 2)"
ok "RGB24 capture" has rgb24 "ok fourcc=RGB3 size=640x480"
ok "RGB24 colours (grey bar)" is_grey "$(bar rgb24 1)"
ok "RGB24 colours (yellow bar)" is_yellow "$(bar rgb24 2)"
ok "negotiates the largest resolution by default" has largest "size=3840x2160"
ok "negotiates the largest resolution within a bound" has bounded "size=640x480"
ok "no MJPEG on vivid: falls back to YUYV" has mjpeg "ok fourcc=YUYV size=640x480"
ok "a frame the driver marks bad is skipped" has badframe "ok fourcc=YUYV size=320x180"
ok "a refused stream start is a clear error naming the device" has streamon \
    "error code=6 msg=camera /dev/video0 (vivid): stream start failed"
ok "a camera that sends nothing times out cleanly" has silent \
    "error code=7 msg=camera /dev/video0 (vivid) sent no picture for 800 ms"
ok "a camera in use says busy, naming it" has busy "camera /dev/video0 (vivid) is busy"
ok "rmmod is refused while streaming" has rmmod-busy "refused"
ok "unplug mid-stream: a clear error naming the device" has unplug \
    "error code=6 msg=camera /dev/video0 (vivid) was unplugged during capture"
ok "the message keeps 'pick from file' in view" has unplug "pick a photo from a file"
ok "the module is removed once the stream is closed" has rmmod-after "removed"
ok "rmmod -f pulls the module out mid-stream" has rmmod-force "removed"
ok "rmmod mid-stream: a clear error naming the device" has rmmod-unplug \
    "error code=6 msg=camera /dev/video0 (vivid) was unplugged during capture"
ok "a removed camera is said to be missing" has gone "camera /dev/video0 is not there"
ok "no camera at all is said plainly" has none "no camera found"

# gridwalk photo capture, end to end.
ok "gridwalk photo capture --list names the camera" has cli-list "/dev/video0    vivid (vivid, platform:vivid-000)"
ok "gridwalk photo capture stores a camera photo" has cli '"source":"camera"'
ok "at the configured long edge from the 1920x1080 frame" has cli '"width":800,"height":450'
ok "with the position given" has cli '"position":true'
tr -d '\r' <"$log" | sed -n '/^BEGIN-JPEG/,/^END-JPEG/p' | sed '1d;$d' | base64 -d >"$work/cap.jpg" 2>/dev/null
sha=$(case_of cli | sed -n 's/.*"sha256":"\([0-9a-f]*\)".*/\1/p')
ok "the stored file came back whole (its SHA-256 is the recorded one)" \
    test "$(sha256sum "$work/cap.jpg" | cut -d' ' -f1)" = "$sha"
ok "exiftool: Make is the camera's driver" test "$(exiftool -s3 -Make "$work/cap.jpg")" = vivid
ok "exiftool: Model is the camera's name" test "$(exiftool -s3 -Model "$work/cap.jpg")" = vivid
ok "exiftool: GPS accuracy" test "$(exiftool -s3 -n -GPSHPositioningError "$work/cap.jpg")" = 5
preview() { tr -d '\r' <"$log" | sed -n '/^PREVIEW-BEGIN/,/^PREVIEW-END/p'; }
preview_has() { preview | grep -a -q -- "$1"; }
colour_cells() { [ "$(preview | grep -a -o $'\x1b\\[[34]8;2;' | wc -l)" -gt 100 ]; }
ok "the live preview draws frames in colour" colour_cells
ok "the live preview names the camera" preview_has "/dev/video0 (vivid): Enter takes the photo"
ok "after Enter the shot is stored" preview_has '"source":"camera"'
ok "exiftool: the entry is named" sh -c "exiftool -s3 -ImageDescription '$work/cap.jpg' | grep -q 'customer 5005 Sun Qi; entry 2026-11-22 12:00'"
tap_done
