# 60-media.sh (sourced by scripts/demo) - photos and scans in the demo.
# The scanner is SANE's test backend, from a private configuration (the app's "scan" button and
# `gridwalk scan` find it as test:0). If the demo store already holds an entry, two real
# photographs from ukui-wallpapers are filed in it so its appearance folder is not empty.
# There is no camera in the demo (no /dev/video*): "take photo" says so and "pick from file"
# works; the vivid camera runs in the rig VM (scripts/rig-vivid).
mkdir -p "$DEMO_DIR/sane"
echo test >"$DEMO_DIR/sane/dll.conf"
if [ -r /etc/sane.d/test.conf ]; then
    sed -e 's/^source .*/source "Automatic Document Feeder"/' /etc/sane.d/test.conf >"$DEMO_DIR/sane/test.conf"
fi
export SANE_CONFIG_DIR=$DEMO_DIR/sane
demo_entry=$(sqlite3 "$GRIDWALK_DB" "SELECT uuid FROM entries WHERE deleted_at IS NULL ORDER BY id LIMIT 1" 2>/dev/null || true)
if [ -n "$demo_entry" ] && [ "$(sqlite3 "$GRIDWALK_DB" "SELECT count(*) FROM photos" 2>/dev/null || echo 1)" = 0 ]; then
    demo_photos=$(dpkg -L ukui-wallpapers 2>/dev/null | grep -i '\.jpg$' | head -2 || true)
    if [ -n "$demo_photos" ]; then
        # shellcheck disable=SC2086
        "$GRIDWALK_BUILD/bin/gridwalk" photo add --db "$GRIDWALK_DB" --entry "$demo_entry" \
            --lat 31.2304 --lon 121.4737 --accuracy 8 $demo_photos >/dev/null 2>&1 || true
    fi
fi
unset demo_entry demo_photos
