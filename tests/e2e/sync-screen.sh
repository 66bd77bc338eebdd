#!/usr/bin/env bash
# The sync screen in the real app, through tmux, fed by the real sync agent: an entry made on
# the tablet, gridwalk-syncd run once against a hub address where nothing listens, and the
# app shows the queued item with the agent's own error, counts it on the status line, and
# says plainly that no agent is running when asked to send now. Then a hub appears: the agent
# sends everything and the screen says so.
. "${GRIDWALK_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
. "$GRIDWALK_TOP/tests/e2e/tui-lib.sh.inc"
. "$GRIDWALK_TOP/tests/lib/sync.sh"
trap 'cleanup; sync_cleanup' EXIT

seed_store
folder=$("$GW" folder new --db "$db" --customer 3301000002 --category 2 表箱 | awk '{print $NF}')
"$GW" entry new --db "$db" --folder "$folder" --appearance 封印完好 >/dev/null
ok "the tablet queued a folder and an entry" test "$(count "SELECT count(*) FROM outbox")" = 2

echo "not-a-real-token" >"$work/token"
chmod 600 "$work/token"
dead=http://127.0.0.1:$(free_port)
"$SYNCD" --db "$db" --hub "$dead" --token-file "$work/token" --once 2>"$work/agent.log"
ok "the agent could not reach the hub (exit 1)" test $? = 1
ok "  ...and said so in the store" test \
    "$(count "SELECT value FROM settings WHERE key = 'sync.reach'")" = offline

start_app
ok "the status line says the hub is unreachable" wait_for 5 screen_has "Sync: hub unreachable, 2 waiting"
keys F12
ok "F12 opens the sync screen" wait_for 5 screen_has "Next try"
ok "  ...saying the hub was not reachable" screen_has "not reachable at the last try"
ok "  ...with the agent's own words" screen_has "cannot reach the hub at $dead"
ok "  ...and that the items wait in the queue" screen_has "Waiting: 2 queued"
keys U
ok "Send now says no agent is running" wait_for 5 screen_has "No sync agent is running"

# A hub appears; the agent (run once, as the timer would) sends everything.
hub_setup "$SYNC_TMP/hub" >/dev/null 2>&1
"$HUB" import-customers "$work/customers.csv" --data "$SYNC_TMP/hub" >/dev/null
hub_start "$SYNC_TMP/hub"
"$SYNCD" --db "$db" --hub "$HUB_URL" --token-file "$SYNC_TMP/token" --once 2>>"$work/agent.log"
keys T
ok "after the agent sent everything the screen says so" \
    wait_for 5 screen_has "Everything recorded here has been sent"
ok "  ...and counts it" screen_has "Sent: 2"
keys q
ok "the app ends cleanly" exit_is 0
tap_done
