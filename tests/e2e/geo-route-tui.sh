#!/usr/bin/env bash
# The route screen in the real app, through tmux: a demo store with a few tasks, gpsd absent
# (its port is one where nothing listens). The app opens on Today; back on the search screen F4
# opens the route; the screen
# says plainly that there is no fix and shows no made-up distance; the order is saved; Next
# opens the next stop's customer page and starts its task; Skip with a reason re-plans; the
# zoom button under the map answers a tap. Also: pinning's accuracy limit comes from
# config.ini's [gps] min_pin_accuracy_m.
. "${GRIDWALK_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
. "$GRIDWALK_TOP/tests/e2e/tui-lib.sh.inc"

"$GW" demo-data --db "$db" --customers 12 --seed 7 >/dev/null || tap_fail "demo-data makes a store"
# Four tasks around West Lake, one customer without coordinates among them.
sqlite3 "$db" "
  UPDATE customers SET lat = NULL, lon = NULL;
  UPDATE customers SET lat = 30.2740, lon = 120.1550 WHERE id = (SELECT min(id) FROM customers);
  UPDATE customers SET lat = 30.2752, lon = 120.1571 WHERE id = (SELECT min(id) + 1 FROM customers);
  UPDATE customers SET lat = 30.2731, lon = 120.1592 WHERE id = (SELECT min(id) + 2 FROM customers);
  INSERT INTO tasks(uuid, kind, customer_id, state, updated_at)
    SELECT 'task-' || id, 'meter-reading', id, 'assigned', '2026-11-22T00:00:00.000Z'
    FROM customers ORDER BY id LIMIT 4;" || tap_fail "tasks seeded"
first_name=$(sqlite3 "$db" "SELECT name FROM customers ORDER BY id LIMIT 1")

port=$(free_port)
start_app "GRIDWALK_GPSD_PORT=$port GRIDWALK_GPSD_HOST=127.0.0.1"
ok "with tasks the app opens on Today" wait_for 5 screen_has "Today: 0 done, 4 left"
keys Escape
ok "the search screen offers Route" wait_for 5 screen_has "4Route"
keys F4
ok "F4 opens the route screen" wait_for 5 screen_has "3 to go, 0 done, 0 skipped, 1 without coordinates"
ok "it says plainly that there is no fix" screen_has "distance and bearing n/a: no GPS fix"
ok "the status line says GPS n/a" screen_has "GPS: n/a"
ok "no distance is invented" bash -c "! tmux -L '$sock' capture-pane -p | grep -q ' m, bearing'"
ok "the order is saved" test "$(count "SELECT count(*) FROM tasks WHERE route_pos IS NOT NULL")" = 3
next=$(count "SELECT c.name FROM tasks t JOIN customers c ON c.id = t.customer_id WHERE route_pos = 0")
ok "the card names the saved first stop" screen_has "Next: 1. $next"

keys x
ok "Skip asks for a reason" wait_for 5 screen_has "Reason (required):"
keys -l "no access"
keys Tab Enter
ok "Skip stores the reason" wait_for 5 test \
    "$(count "SELECT count(*) FROM tasks WHERE state = 'skipped' AND reason_code = 'no access'")" = 1
ok "the route is planned again" wait_for 5 screen_has "2 to go, 0 done, 1 skipped"

keys N
ok "Next opens the stop's customer page" wait_for 5 screen_has "Locate"
ok "its task is started" test "$(count "SELECT count(*) FROM tasks WHERE state = 'in-progress'")" = 1
keys Escape
ok "back on the route" wait_for 5 screen_has "2 to go"

scale() { screen | grep -F '|_' | head -1; }
before=$(scale)
test_changed() { test "$(scale)" != "$before"; }
tap 21 12
ok "a tap on the zoom-out button changes the scale" wait_for 5 test_changed
screen >keys q2; keys q
ok "the app ends cleanly" exit_is 0

# Pinning reads its limit from config.ini.
mkdir -p "$XDG_CONFIG_HOME/gridwalk"
printf '[gps]\nmin_pin_accuracy_m = 3\n' >"$XDG_CONFIG_HOME/gridwalk/config.ini"
acc=$(count "SELECT account FROM customers ORDER BY id DESC LIMIT 1")
ok "a 4 m fix is refused under a 3 m limit" bash -c \
    "! '$GW' pin --db '$db' --customer $acc --lat 30.27 --lon 120.16 --accuracy 4 >/dev/null 2>&1"
ok "a 2 m fix is taken" "$GW" pin --db "$db" --customer "$acc" --lat 30.27 --lon 120.16 --accuracy 2
unused=$first_name
tap_done
