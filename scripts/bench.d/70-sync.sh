#!/usr/bin/env bash
# Sync overhead against plain curl, hub ingest rate, peak memory of agent and hub.
#
# 1. 1,000 photos of about 300 KB go up through gridwalk-syncd and gridwalk-hub on loopback
#    (blob queries, resumable PUTs, record batches, marking the outbox), beside one curl
#    process PUTting the same files to another empty hub (the peer: bytes only, no records).
# 2. Records per second the hub ingests: batches of 500 entry records POSTed by curl.
# 3. Peak resident memory (VmHWM) of the agent and of the hub during step 1.
# Never fails the build; prints what it could not measure. N_PHOTOS/PHOTO_SIZE override.
set -u
top=${GRIDWALK_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${GRIDWALK_BUILD:-$top/build}
. "$top/tests/lib/tap.sh"
HUB=$build/bin/gridwalk-hub SYNCD=$build/bin/gridwalk-syncd FILL=$build/tools/gw-sync-fill
for b in "$HUB" "$SYNCD" "$FILL"; do
    [ -x "$b" ] || { echo "   sync: $b is not built (make all)"; exit 0; }
done
N=${N_PHOTOS:-1000} SIZE=${PHOTO_SIZE:-300000}
W=$(mktemp -d "${TMPDIR:-/tmp}/gw-bench-sync.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT

start_hub() { # start_hub DATA -> sets URL, HPID
    local port
    port=$(free_port)
    "$HUB" serve --data "$1" --listen "127.0.0.1:$port" 2>>"$W/hub.log" &
    HPID=$!
    pids+=("$HPID")
    URL=http://127.0.0.1:$port
    wait_for 10 sh -c "curl -s -o /dev/null -D - $URL/api/v1/ping | grep -qi gridwalk-protocol"
}
hwm() { awk '/^VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null; }
now() { date +%s.%N; }

"$FILL" --db "$W/tab/gw.db" --photos "$N" --size "$SIZE" --per-entry 10 --account 1001 --name bench
ROWS=$(sqlite3 "$W/tab/gw.db" 'SELECT count(*) FROM outbox')
cp "$W/tab/gw.db" "$W/gw.db.orig"
find "$W/tab/media" -name '*.jpg' >"$W/files"

# Three rounds, alternating ours and the peer on fresh hubs; the best time of each counts, so a
# burst of load from elsewhere on the machine does not decide the ratio.
ours="" peer="" arss_best="" hub_rss=""
for round in 1 2 3; do
    rm -f "$W/tab/gw.db-wal" "$W/tab/gw.db-shm"
    cp "$W/gw.db.orig" "$W/tab/gw.db"
    "$HUB" device add bench --data "$W/a$round" >"$W/token" && chmod 600 "$W/token"
    start_hub "$W/a$round"
    sync # start each timed run with no dirty pages of the previous one waiting for the disk
    t0=$(now)
    /usr/bin/time -f '%M' -o "$W/agent.rss" "$SYNCD" --db "$W/tab/gw.db" --hub "$URL" \
        --token-file "$W/token" --once 2>"$W/agent.log"
    t1=$(now)
    hub_rss=$(hwm "$HPID")
    arss_best=$(cat "$W/agent.rss" 2>/dev/null)
    left=$(sqlite3 "$W/tab/gw.db" "SELECT count(*) FROM outbox WHERE state <> 'sent'")
    kill -TERM "$HPID"; wait "$HPID" 2>/dev/null
    ours=$(awk -v a="$ours" -v b="$(awk "BEGIN {print $t1 - $t0}")" 'BEGIN {print (a == "" || b < a) ? b : a}')

    "$HUB" device add bench --data "$W/b$round" >"$W/token2"
    start_hub "$W/b$round"
    {
        echo "header = \"Authorization: Bearer $(cat "$W/token2")\""
        echo 'silent'
        echo 'fail'
        while read -r f; do
            echo "upload-file = \"$f\""
            echo "url = \"$URL/api/v1/blobs/$(basename "$f" .jpg)\""
            echo "output = /dev/null"
        done <"$W/files"
    } >"$W/curl.cfg"
    sync
    t2=$(now)
    curl -K "$W/curl.cfg"
    curl_ok=$?
    t3=$(now)
    peer=$(awk -v a="$peer" -v b="$(awk "BEGIN {print $t3 - $t2}")" 'BEGIN {print (a == "" || b < a) ? b : a}')
    [ "$round" = 3 ] || { kill -TERM "$HPID"; wait "$HPID" 2>/dev/null; }
done

# Ingest: 10 batches of 500 entry records, each for a new entry, no blobs needed.
python3 - "$W" <<'PY'
import json, sys, uuid
w = sys.argv[1]
folder = str(uuid.uuid4())
for b in range(10):
    recs = []
    for i in range(500):
        e = str(uuid.uuid4())
        recs.append({"id": str(uuid.uuid4()), "kind": "entry", "entity_uuid": e, "blobs": [],
                     "payload": {"uuid": e, "folder_uuid": folder, "customer_account": "1001",
                                 "name": "2026-11-22 14:%02d" % (i % 60), "version": 1,
                                 "created_at": "2026-11-22T10:00:00.000Z",
                                 "updated_at": "2026-11-22T10:00:00.000Z",
                                 "appearance_remark": "", "nameplate_remark": "",
                                 "lat": None, "lon": None, "accuracy_m": None}})
    json.dump({"records": recs}, open("%s/batch%d.json" % (w, b), "w"))
PY
# `next` separates requests in a curl config; without it the bodies would be joined.
for b in 0 1 2 3 4 5 6 7 8 9; do
    [ "$b" = 0 ] || echo 'next'
    echo "header = \"Authorization: Bearer $(cat "$W/token2")\""
    echo 'header = "Content-Type: application/json"'
    echo 'silent'
    echo "data-binary = \"@$W/batch$b.json\""
    echo "url = \"$URL/api/v1/records\""
    echo "output = /dev/null"
done >"$W/ingest.cfg"
t4=$(now)
curl -K "$W/ingest.cfg"
t5=$(now)
stored=$("$HUB" stats --data "$W/b3" | awk '/^records/ {print $2}')

awk -v n="$N" -v size="$SIZE" -v ours="$ours" \
    -v peer="$peer" -v ing="$(awk "BEGIN {print $t5 - $t4}")" -v stored="$stored" -v rows="$ROWS" -v left="$left" \
    -v arss="$arss_best" -v hrss="$hub_rss" 'BEGIN {
    printf "   upload %d photos of %d KB on loopback (best of 3): gridwalk-syncd+hub %.2f s (%d records, %d left)\n", n, size / 1000, ours, rows, left
    printf "                                       curl, same files, one process, to an empty hub %.2f s\n", peer
    printf "   ratio ours/curl: %.2fx (target <= 1.3x)\n", ours / peer
    printf "   hub ingest: %d records in %.2f s = %.0f records/s (batches of 500, via curl)\n", stored, ing, stored / ing
    printf "   peak memory: gridwalk-syncd %.1f MB, gridwalk-hub %.1f MB\n", arss / 1024, hrss / 1024
}'
[ "$curl_ok" = 0 ] || echo "   (curl reported an error; its figure may be wrong)"
exit 0
