# 70-sync.sh - demo part (sourced by scripts/demo): a demo hub on a free loopback port with a
# supervisor account, this demo tablet enrolled, and gridwalk-syncd running against it.
# The evidence web page is printed for a browser; the WebDAV mount is /dav/ on the same port.
_hub=$GRIDWALK_BUILD/bin/gridwalk-hub
_syncd=$GRIDWALK_BUILD/bin/gridwalk-syncd
if [ -x "$_hub" ] && [ -x "$_syncd" ]; then
    _data=$DEMO_DIR/hub
    _port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    if [ ! -s "$DEMO_DIR/device.token" ]; then
        "$_hub" device add demo-tablet --data "$_data" >"$DEMO_DIR/device.token"
        chmod 600 "$DEMO_DIR/device.token"
        echo "demo-password" | "$_hub" user add demo --role admin --data "$_data" 2>/dev/null
    fi
    "$_hub" serve --data "$_data" --listen "127.0.0.1:$_port" 2>>"$DEMO_DIR/hub.log" &
    DEMO_PIDS="$DEMO_PIDS $!"
    sleep 0.3
    "$_syncd" --db "$GRIDWALK_DB" --hub "http://127.0.0.1:$_port" --token-file "$DEMO_DIR/device.token" \
        --interval 15 2>>"$DEMO_DIR/syncd.log" &
    DEMO_PIDS="$DEMO_PIDS $!"
    echo "demo: hub at http://127.0.0.1:$_port/evidence/ (user demo, password demo-password); WebDAV at /dav/"
else
    echo "demo: sync programs not built; skipping the hub"
fi
