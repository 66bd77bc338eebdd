# sync.sh - helpers for the sync rig tests (tests/rig/sync-*.sh), sourced after tap.sh.
#
# Starts the real gridwalk-hub on a free loopback port (or an address given), enrols a device,
# adds a supervisor, and stops everything it started by PID. Each test gets a scratch folder
# $SYNC_TMP removed on exit.
SYNC_BIN=$GRIDWALK_BUILD/bin
SYNC_TOOLS=$GRIDWALK_BUILD/tools
HUB=$SYNC_BIN/gridwalk-hub
SYNCD=$SYNC_BIN/gridwalk-syncd
GW=$SYNC_BIN/gridwalk
FILL=$SYNC_TOOLS/gw-sync-fill
SYNC_TMP=$(mktemp -d "${TMPDIR:-/tmp}/gw-sync.XXXXXX")
HUB_PID=""
SUP_USER=sup
SUP_PASS=supervisor-pw-1
_sync_pids=()

sync_cleanup() {
    local p
    for p in "${_sync_pids[@]}" $HUB_PID; do
        kill -TERM "$p" 2>/dev/null
    done
    for p in "${_sync_pids[@]}" $HUB_PID; do
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null
    done
    rm -rf "$SYNC_TMP"
}

# sync_track PID: kill this process at exit too.
sync_track() { _sync_pids+=("$1"); }

# hub_setup DATA: a device "tab1" (token in $SYNC_TMP/token), a supervisor, two customers.
hub_setup() {
    local data=$1
    "$HUB" device add tab1 --data "$data" >"$SYNC_TMP/token" || return 1
    chmod 600 "$SYNC_TMP/token"
    echo "$SUP_PASS" | "$HUB" user add "$SUP_USER" --role supervisor --data "$data" 2>/dev/null || return 1
    printf 'account,name,address,region\n1001,张三,东大街1号,north\n1002,李四,西大街2号,south\n' >"$SYNC_TMP/customers.csv"
    "$HUB" import-customers "$SYNC_TMP/customers.csv" --data "$data" >/dev/null
}

_hub_up() {
    curl -s -o /dev/null -D - "http://$HUB_ADDR/api/v1/ping" 2>/dev/null | grep -qi '^gridwalk-protocol: 1'
}

# hub_start DATA [ADDR:PORT] [extra args]: starts the hub, waits until it answers.
hub_start() {
    local data=$1
    HUB_ADDR=${2:-127.0.0.1:${HUB_PORT:=$(free_port)}}
    shift 2 2>/dev/null
    "$HUB" serve --data "$data" --listen "$HUB_ADDR" "$@" 2>>"$SYNC_TMP/hub.log" &
    HUB_PID=$!
    HUB_URL=http://$HUB_ADDR
    wait_for 10 _hub_up
}

hub_stop() {
    [ -n "$HUB_PID" ] || return 0
    kill -TERM "$HUB_PID" 2>/dev/null
    wait "$HUB_PID" 2>/dev/null
    HUB_PID=""
}

# outbox_left DB: rows not yet sent.
outbox_left() { sqlite3 "$1" "SELECT count(*) FROM outbox WHERE state <> 'sent'"; }

trap sync_cleanup EXIT

# outbox_empty DB: true when every row was sent (for wait_for).
outbox_empty() { [ "$(outbox_left "$1")" = 0 ]; }
