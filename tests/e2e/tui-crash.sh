#!/usr/bin/env bash
# Killing the app never half-writes an entry: SIGKILL right after the keystroke that creates
# an entry leaves either the entry with exactly one outbox row or neither, and the store
# opens clean. SIGTERM and a crash (SIGSEGV) give the terminal back in cooked mode.
. "${GRIDWALK_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
. "$GRIDWALK_TOP/tests/e2e/tui-lib.sh.inc"

seed_store
"$GW" folder new --customer 3301000002 --category 1 "1号变压器" --db "$db" >/dev/null

open_folder() {
    start_app
    keys 李四
    wait_for 5 screen_has "3301000002 李四"
    keys Enter
    wait_for 5 screen_has "Business categories"
    keys Enter
    wait_for 5 screen_has "1号变压器"
    keys Enter
    wait_for 5 screen_has "Appearance"
}

for delay in 0 0.005 0.02 0.1; do
    open_folder
    keys F3
    wait_for 5 screen_has "New entry"
    pid=$(app_pid)
    keys Enter
    sleep "$delay"
    kill -KILL "$pid" 2>/dev/null
    exit_is 137
    entries=$(count "SELECT count(*) FROM entries")
    rows=$(count "SELECT count(*) FROM outbox WHERE kind='entry'")
    ok "SIGKILL ${delay}s after Enter: $entries entries, $rows entry outbox rows" test "$entries" = "$rows"
    ok "every entry has exactly one outbox row (after ${delay}s)" test \
        "$(count "SELECT count(*) FROM entries e WHERE (SELECT count(*) FROM outbox o WHERE o.entity_uuid=e.uuid)=1")" = "$entries"
done
ok "the store passes its integrity check" test "$(count 'PRAGMA integrity_check')" = ok

open_folder
n=$(count "SELECT count(*) FROM entries")
ok "the reopened app lists what survived ($n entries)" test "$(screen | grep -cE '^20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} ')" = "$n"

kill -TERM "$(app_pid)"
ok "SIGTERM: the app leaves cleanly" exit_is 0
ok "SIGTERM: the terminal is back in cooked mode" cooked

start_app
kill -SEGV "$(app_pid)"
ok "a crash still ends the app" exit_is 139
ok "a crash: the terminal is back in cooked mode" cooked
tap_done
