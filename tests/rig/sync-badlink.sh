#!/usr/bin/env bash
# Over a bad link between two network namespaces (10% packet loss each way, 300 ms delay each
# way, and the link cut for 30 s in the middle) the agent completes with nothing lost or
# doubled. Needs root (namespaces, iptables); says so and fails otherwise.
. "$(dirname "$0")/../lib/tap.sh"
. "$GRIDWALK_TOP/tests/lib/sync.sh"

if [ "$(id -u)" != 0 ]; then
    tap_fail "bad-link rig" "needs root for network namespaces and iptables"
    tap_done
fi
NA=gwsyncA$$ NB=gwsyncB$$
DELAY=$SYNC_TOOLS/gw-nfq-delay
netns_cleanup() {
    ip netns pids "$NA" 2>/dev/null | xargs -r kill -TERM 2>/dev/null
    ip netns pids "$NB" 2>/dev/null | xargs -r kill -TERM 2>/dev/null
    sleep 0.3
    ip netns pids "$NA" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
    ip netns pids "$NB" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
    ip netns del "$NA" 2>/dev/null
    ip netns del "$NB" 2>/dev/null
    sync_cleanup
}
trap netns_cleanup EXIT
inA() { ip netns exec "$NA" "$@"; }
inB() { ip netns exec "$NB" "$@"; }

ip netns add "$NA" && ip netns add "$NB" &&
    ip link add vA netns "$NA" type veth peer name vB netns "$NB" &&
    inA ip addr add 192.0.2.1/24 dev vA && inB ip addr add 192.0.2.2/24 dev vB &&
    inA ip link set vA up && inB ip link set vB up && inA ip link set lo up && inB ip link set lo up
ok "two namespaces joined by a veth pair" test "$(inA ip -o link show vA | grep -c 'state UP')" = 1
ok "10% random loss each way (iptables statistic)" sh -c "
    ip netns exec $NA iptables -A OUTPUT -o vA -m statistic --mode random --probability 0.10 -j DROP &&
    ip netns exec $NA iptables -A INPUT -i vA -m statistic --mode random --probability 0.10 -j DROP"
inA "$DELAY" --queue 7 --delay-ms 300 2>"$SYNC_TMP/nfq.log" &
sync_track $!
sleep 0.3
ok "300 ms delay each way (NFQUEUE helper)" sh -c "
    ip netns exec $NA iptables -A OUTPUT -o vA -j NFQUEUE --queue-num 7 --queue-bypass &&
    ip netns exec $NA iptables -A INPUT -i vA -j NFQUEUE --queue-num 7 --queue-bypass"

D=$SYNC_TMP/hub
TAB=$SYNC_TMP/tab/gw.db
hub_setup "$D" || tap_fail "hub setup"
PORT=$(free_port)
inB "$HUB" serve --data "$D" --listen "192.0.2.2:$PORT" 2>>"$SYNC_TMP/hub.log" &
sync_track $!
HUB_URL=http://192.0.2.2:$PORT
wait_for 20 inA curl -s -m 5 -o /dev/null "$HUB_URL/api/v1/ping"
# A TCP handshake is one round trip: with 300 ms each way it cannot take less than 600 ms.
rtt=$(inA curl -s -m 20 -o /dev/null -w '%{time_connect}' "$HUB_URL/api/v1/ping" | awk '{print int($1 * 1000)}')
diag "TCP connect over the link: ${rtt:-?} ms"
ok "  ...the round trip really is slow (>= 600 ms)" test "${rtt:-0}" -ge 600
"$FILL" --db "$TAB" --photos 30 --size 3000 --per-entry 5 --account 1001 --name 张三 --seed 21
TOTAL=$(sqlite3 "$TAB" 'SELECT count(*) FROM outbox')

inA "$SYNCD" --db "$TAB" --hub "$HUB_URL" --token-file "$SYNC_TMP/token" --interval 2 \
    --backoff-max 4 --batch 5 2>>"$SYNC_TMP/agent.log" &
sync_track $!
start=$SECONDS
wait_for 90 sh -c "test \$(sqlite3 '$TAB' \"SELECT count(*) FROM outbox WHERE state <> 'sent'\") -lt $((TOTAL * 2 / 3))"
diag "$(outbox_left "$TAB") of $TOTAL rows left after $((SECONDS - start)) s; cutting the link for 30 s"
ok "the agent makes progress over the lossy, slow link" test "$(outbox_left "$TAB")" -lt "$TOTAL"
inA iptables -I OUTPUT 1 -o vA -j DROP
inA iptables -I INPUT 1 -i vA -j DROP
before=$(outbox_left "$TAB")
# 30 s: longer than the agent's 20 s stall limit, so a request caught in flight by the cut
# ends in an error the agent must report, not in a transfer that merely resumes.
sleep 30
during=$(outbox_left "$TAB")
inA iptables -D OUTPUT -o vA -j DROP
inA iptables -D INPUT -i vA -j DROP
diag "rows left: $before when cut, $during after 30 s without a link"
ok "nothing was confirmed while the link was cut" test "$during" = "$before"
wait_for 150 sh -c "test \$(sqlite3 '$TAB' \"SELECT count(*) FROM outbox WHERE state <> 'sent'\") = 0"
diag "finished $((SECONDS - start)) s after the agent started"
ok "after the cut the agent completes: outbox empty" test "$(outbox_left "$TAB")" = 0
ok "  ...having said plainly that the hub was unreachable" grep -q 'cannot reach the hub' "$SYNC_TMP/agent.log"
ok "the hub holds every record exactly once" \
    test "$("$HUB" stats --data "$D" | awk '/^records/ {print $2}')" = "$TOTAL"
"$HUB" pull --data "$D" --customer 1001 --out "$SYNC_TMP/pull" >/dev/null
find "$SYNC_TMP/pull" -type f -name '*.jpg' -exec sha256sum {} + | cut -c1-64 | sort >"$SYNC_TMP/hub.sums"
find "$(dirname "$TAB")/media" -type f -name '*.jpg' -exec sha256sum {} + | cut -c1-64 | sort >"$SYNC_TMP/tab.sums"
ok "every photo arrived once, byte-identical" cmp -s "$SYNC_TMP/hub.sums" "$SYNC_TMP/tab.sums"
tap_done
