# 30-gpsd.sh (sourced by scripts/demo) - gpsd fed by gpsfake, looping a recorded 20-minute
# walk around the demo district in Hangzhou, so the map, the route's "next stop" and pinning
# have a live position. Exports GRIDWALK_GPSD_PORT for the app; without gpsfake the demo runs
# on and the app shows "gpsd not running".
if command -v gpsfake >/dev/null 2>&1; then
    demo_gps_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    if "$GRIDWALK_TOP/scripts/rig-gpsd" start "$DEMO_DIR/gpsd" "$demo_gps_port" \
        "$GRIDWALK_TOP/tests/data/nmea/demo-walk.nmea" --loop --cycle 0.2; then
        export GRIDWALK_GPSD_PORT=$demo_gps_port
        demo_gps_pid=$(cat "$DEMO_DIR/gpsd/gpsfake.pid")
        # The gpsd child first: SIGTERM to gpsfake alone sometimes leaves it hanging.
        DEMO_PIDS="$(ps -o pid= --ppid "$demo_gps_pid" | tr -d ' ' | tr '\n' ' ')$demo_gps_pid $DEMO_PIDS"
        echo "demo: gpsd (gpsfake, a recorded walk) on port $demo_gps_port"
    else
        echo "demo: gpsd could not start; the app will show 'gpsd not running'"
    fi
else
    echo "demo: gpsfake is not installed (gpsd-clients); the app will show 'gpsd not running'"
fi
