# 50-probe.sh (sourced by scripts/demo) - a meter on a pseudo-terminal for the optical-probe
# screen and `gridwalk read-meter`: the simulator serves DL/T 645 and IEC 62056-21 with the
# meter number of the first demo customer, so a read of that customer matches.
if [ -x "$GRIDWALK_BUILD/tools/metersim" ]; then
    demo_meter=$(sqlite3 "$GRIDWALK_DB" "SELECT meter FROM customers WHERE meter <> '' ORDER BY id LIMIT 1" 2>/dev/null || true)
    demo_account=$(sqlite3 "$GRIDWALK_DB" "SELECT account FROM customers WHERE meter <> '' ORDER BY id LIMIT 1" 2>/dev/null || true)
    # A DL/T 645 address holds 12 digits: the last 12 of a longer asset number.
    demo_digits=$(printf '%s' "${demo_meter:-330100012345}" | tr -cd '0-9' | tail -c 12)
    sed "s/^meter .*/meter ${demo_digits:-330100012345}/" "$GRIDWALK_TOP/tests/data/probe/meter-a.txt" \
        >"$DEMO_DIR/meter.txt"
    "$GRIDWALK_BUILD/tools/metersim" "$DEMO_DIR/meter.txt" >"$DEMO_DIR/metersim.out" \
        2>"$DEMO_DIR/metersim.log" &
    DEMO_PIDS="$DEMO_PIDS $!"
    for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$DEMO_DIR/metersim.out" ] && break; sleep 0.1; done
    GRIDWALK_PROBE_PORT=$(head -1 "$DEMO_DIR/metersim.out")
    export GRIDWALK_PROBE_PORT
    echo "demo: a meter simulator is on $GRIDWALK_PROBE_PORT; try" \
        "gridwalk read-meter --port $GRIDWALK_PROBE_PORT --customer ${demo_account:-ACCOUNT} --db $GRIDWALK_DB"
else
    echo "demo: no meter simulator (build/tools/metersim not built)"
fi
