# 75-today.sh - demo part (sourced by scripts/demo, after 70-sync.sh): the demo hub assigns
# today's work to the demo tablet, 30 meter readings and 10 inspections for customers of the
# demo store, once per demo folder; the running agent is nudged to bring them down and the
# route planner orders them, so the app opens on Today with the stops in walking order.
if [ -n "${_hub:-}" ] && [ -x "${_hub:-}" ] && [ -n "${_port:-}" ] && [ ! -e "$DEMO_DIR/tasks.assigned" ]; then
    sqlite3 -csv -header "$GRIDWALK_DB" \
        "SELECT account, name, address, lat, lon FROM customers ORDER BY id LIMIT 40" \
        >"$DEMO_DIR/today-customers.csv"
    "$_hub" import-customers "$DEMO_DIR/today-customers.csv" --data "$_data" >/dev/null
    _due=$(date -u +%Y-%m-%d)
    sqlite3 -csv "$GRIDWALK_DB" \
        "SELECT CASE WHEN rowid % 4 = 0 THEN 'inspection' ELSE 'meter-reading' END, account,
                '$_due', 'demo-tablet',
                CASE WHEN rowid % 4 = 0 THEN '检查计量箱封印与外观' ELSE '月度抄表' END,
                CASE WHEN rowid % 7 = 0 THEN 5 ELSE 0 END
         FROM (SELECT row_number() OVER (ORDER BY id) AS rowid, account FROM customers ORDER BY id LIMIT 40)" |
        { echo "kind,account,due,assignee,instructions,priority"; cat; } >"$DEMO_DIR/today-tasks.csv"
    if "$_hub" task import "$DEMO_DIR/today-tasks.csv" --data "$_data" >/dev/null; then
        touch "$DEMO_DIR/tasks.assigned"
        # The running agent pulls on a nudge: a byte in its wake FIFO next to the store.
        _wake=$(dirname "$GRIDWALK_DB")/syncd.wake
        for _ in $(seq 1 50); do
            [ -p "$_wake" ] && { printf x >"$_wake" & } && break
            sleep 0.1
        done
        for _ in $(seq 1 50); do
            [ "$(sqlite3 "$GRIDWALK_DB" "SELECT count(*) FROM tasks" 2>/dev/null)" -gt 0 ] && break
            sleep 0.1
        done
        # The day's route, so Today lists the stops in walking order.
        "$GRIDWALK_BUILD/bin/gridwalk" route --db "$GRIDWALK_DB" --tasks --save >/dev/null 2>&1 || true
        echo "demo: the hub assigned 40 tasks to demo-tablet (gridwalk tasks; gridwalk-hub task list --data $_data)"
    fi
fi
