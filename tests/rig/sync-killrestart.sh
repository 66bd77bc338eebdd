#!/usr/bin/env bash
# 500 photos and their records go up while the agent is SIGKILLed at random points 20 times
# and the hub is restarted twice; at the end the hub holds each exactly once, byte-identical,
# and the outbox is empty. Also: an interrupted large upload resumes from what the hub holds.
. "$(dirname "$0")/../lib/tap.sh"
. "$GRIDWALK_TOP/tests/lib/sync.sh"

D=$SYNC_TMP/hub
TAB=$SYNC_TMP/tab/gw.db
hub_setup "$D" || { tap_fail "hub setup"; tap_done; }
hub_start "$D" || { tap_fail "hub starts"; tap_done; }
"$FILL" --db "$TAB" --photos 500 --size 40000 --per-entry 10 --account 1001 --name 张三 --seed 11
TOTAL=$(sqlite3 "$TAB" 'SELECT count(*) FROM outbox')
ok "the tablet queued 500 photos and their records ($TOTAL rows)" test "$TOTAL" = 551

RANDOM=4242
# Kill points follow the work, not the clock: each round lets the hub complete a random 2-9
# more photos (or 1.5 s pass), then waits a random 0-20 ms more and SIGKILLs the agent
# wherever it is. The agent runs capped at 2 MB/s (--max-rate, what a metered cell link
# gets), so a fast machine cannot finish the 20 MB between two looks and every one of the
# 20 kills lands in the middle of the work on any machine.
blobs_now() { find "$D/blobs" -path "$D/blobs/partial" -prune -o -type f -print | wc -l; }
kills=0 restarts=0 busy=0
for round in $(seq 1 20); do
    "$SYNCD" --db "$TAB" --hub "$HUB_URL" --token-file "$SYNC_TMP/token" --interval 1 \
        --backoff-max 1 --batch 20 --max-rate 2M 2>>"$SYNC_TMP/agent.log" &
    apid=$!
    base=$(blobs_now) want=$((RANDOM % 8 + 2))
    for _ in $(seq 1 150); do
        [ $(($(blobs_now) - base)) -ge "$want" ] && break
        sleep 0.01
    done
    sleep "0.0$((RANDOM % 3))"
    left=$(outbox_left "$TAB")
    kill -KILL "$apid" 2>/dev/null && kills=$((kills + 1))
    wait "$apid" 2>/dev/null
    [ "$left" -gt 0 ] && busy=$((busy + 1))
    diag "kill $round: $left rows were left, $(blobs_now) photos on the hub"
    # Restart the hub twice: once cleanly (SIGTERM), once as a crash (SIGKILL).
    if [ "$round" = 7 ] || [ "$round" = 14 ]; then
        if [ "$round" = 14 ]; then
            kill -KILL "$HUB_PID"
            wait "$HUB_PID" 2>/dev/null
            HUB_PID=""
        else
            hub_stop
        fi
        hub_start "$D" "$HUB_ADDR" && restarts=$((restarts + 1))
    fi
done
diag "after 20 kills: $(outbox_left "$TAB") rows left"
ok "the agent was SIGKILLed 20 times" test "$kills" = 20
ok "  ...every one of them in the middle of the work ($busy)" test "$busy" = 20
ok "the hub was restarted twice (one of them after SIGKILL)" test "$restarts" = 2

for _ in 1 2 3 4 5; do
    "$SYNCD" --db "$TAB" --hub "$HUB_URL" --token-file "$SYNC_TMP/token" --once 2>>"$SYNC_TMP/agent.log" && break
    sleep 1
done
ok "the outbox is empty" test "$(outbox_left "$TAB")" = 0
ok "the store is intact" test "$(sqlite3 "$TAB" 'PRAGMA integrity_check')" = ok
ok "the hub holds every record exactly once" \
    test "$("$HUB" stats --data "$D" | awk '/^records/ {print $2}')" = "$TOTAL"
ok "the hub holds 500 distinct photo blobs" \
    test "$("$HUB" stats --data "$D" | awk '/^photo_blobs/ {print $2}')" = 500
"$HUB" pull --data "$D" --customer 1001 --out "$SYNC_TMP/pull" >/dev/null
ok "pulling the customer gives 500 photos" test "$(find "$SYNC_TMP/pull" -type f -name '*.jpg' | wc -l)" = 500
find "$SYNC_TMP/pull" -type f -name '*.jpg' -exec sha256sum {} + | cut -c1-64 | sort >"$SYNC_TMP/hub.sums"
find "$(dirname "$TAB")/media" -type f -name '*.jpg' -exec sha256sum {} + | cut -c1-64 | sort >"$SYNC_TMP/tab.sums"
ok "every photo on the hub is byte-identical to the tablet's" cmp -s "$SYNC_TMP/hub.sums" "$SYNC_TMP/tab.sums"
ok "no partial uploads are left on the hub" test -z "$(find "$D/blobs/partial" -type f)"

# Resume: a 3 MB upload cut half-way continues from what the hub holds.
"$FILL" --db "$TAB" --photos 1 --size 3000000 --account 1002 --name 李四 --seed 99 --folder 大文件
BIG=$(sqlite3 "$TAB" "SELECT sha256 FROM outbox_blobs b JOIN outbox o ON o.seq = b.seq WHERE o.state = 'queued'")
BIGFILE=$(dirname "$TAB")/media/${BIG:0:2}/$BIG.jpg
curl -s -o /dev/null --limit-rate 400k -m 3 -T "$BIGFILE" -H "Authorization: Bearer $(cat "$SYNC_TMP/token")" \
    "$HUB_URL/api/v1/blobs/$BIG"
held=$(curl -s -I -H "Authorization: Bearer $(cat "$SYNC_TMP/token")" "$HUB_URL/api/v1/blobs/$BIG" |
    tr -d '\r' | awk -F': ' 'tolower($1) == "gridwalk-blob-offset" {print $2}')
diag "the hub held $held bytes after the cut"
ok "after a cut upload the hub reports a partial offset" test "${held:-0}" -gt 0 -a "${held:-0}" -lt 3000000
"$SYNCD" --db "$TAB" --hub "$HUB_URL" --token-file "$SYNC_TMP/token" --once --verbose 2>"$SYNC_TMP/resume.log"
ok "the agent finishes it" test "$(outbox_left "$TAB")" = 0
ok "  ...by resuming (Content-Range upload)" grep -q "resuming at byte $held" "$SYNC_TMP/resume.log"
ok "  ...and the blob is byte-identical" cmp -s "$BIGFILE" "$D/blobs/${BIG:0:2}/$BIG"

# The cap holds: 2 MB of photos at --max-rate 512K cannot go up in less than about 4 s. Only
# the lower bound is asserted; a loaded machine may take longer, never shorter.
"$FILL" --db "$TAB" --photos 40 --size 50000 --account 1003 --name 王五 --seed 7 --folder 限速
t0=$(date +%s%N)
"$SYNCD" --db "$TAB" --hub "$HUB_URL" --token-file "$SYNC_TMP/token" --once --max-rate 512K \
    2>>"$SYNC_TMP/agent.log"
ms=$((($(date +%s%N) - t0) / 1000000))
diag "2 MB at --max-rate 512K took $ms ms"
ok "a capped agent sends 2 MB at 512K/s no faster than the cap allows" test "$ms" -ge 3500
ok "  ...and still sends everything" test "$(outbox_left "$TAB")" = 0
tap_done
