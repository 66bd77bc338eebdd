#!/usr/bin/env bash
# geo-route-cli.sh - `gridwalk route` and `gridwalk pin` as a meter reader and a benchmark
# would use them, on a real store: the day's tasks in order with the customers lacking
# coordinates listed apart, pinning one of them on site, and TSPLIB tours in TSPLIB format.
: "${GRIDWALK_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$GRIDWALK_TOP/tests/lib/tap.sh"
gw=$GRIDWALK_BUILD/bin/gridwalk
scratch=$(mktemp -d /tmp/gw-geo-cli-XXXXXX)
# A scratch config: the limit for pinning comes from config.ini (10 m by default).
export XDG_CONFIG_HOME=$scratch/config HOME=$scratch
trap 'rm -rf "$scratch"' EXIT
db=$scratch/gw.db

"$gw" route --db "$db" --tasks >"$scratch/empty.txt" 2>&1
ok "an empty store has nothing to route, and says so" grep -q "no stops with coordinates" "$scratch/empty.txt"

sqlite3 "$db" "
INSERT INTO customers(account, name, lat, lon, coord_source, updated_at) VALUES
 ('3300001', '杭州西湖宾馆', 30.26710, 120.16180, 'import', '2026-11-01T00:00:00.000Z'),
 ('3300002', '王小明', 30.26840, 120.16420, 'import', '2026-11-01T00:00:00.000Z'),
 ('3300003', '浙江大学附属医院配电房', 30.26990, 120.16300, 'import', '2026-11-01T00:00:00.000Z'),
 ('3300004', '李华', NULL, NULL, NULL, '2026-11-01T00:00:00.000Z'),
 ('3300005', '湖滨银泰', 30.27060, 120.16800, 'import', '2026-11-01T00:00:00.000Z');
INSERT INTO tasks(uuid, kind, customer_id, state, updated_at)
 SELECT 'task-' || account, 'meter-reading', id, 'assigned', '2026-11-22T00:00:00.000Z' FROM customers;
UPDATE tasks SET state = 'done' WHERE uuid = 'task-3300005';"

"$gw" route --db "$db" --tasks --from 30.26620,120.16150 >"$scratch/tasks.txt" 2>&1
ok "route --tasks succeeds" test $? -eq 0
ok "it routes the three open tasks with coordinates" grep -q "3 stops" "$scratch/tasks.txt"
ok "the first stop is the nearest (the hotel, 100 m away)" \
    awk '$1 == "1" && $2 == "3300001" { f = 1 } END { exit !f }' "$scratch/tasks.txt"
ok "the customer without coordinates is listed apart, not dropped" \
    grep -q "without coordinates (not routed; pin them on site): 1" "$scratch/tasks.txt"
ok "  ... by account and name" grep -q "3300004 *李华" "$scratch/tasks.txt"
ok "the finished task is not on the route" bash -c "! grep -q 3300005 '$scratch/tasks.txt'"

"$gw" route --db "$db" --from 30.26620,120.16150 3300002 nosuch >"$scratch/acc.txt" 2>&1
ok "an unknown account makes route fail" test $? -eq 1
ok "  ... naming it" grep -q "nosuch" "$scratch/acc.txt"

"$gw" route --db "$db" --tasks --from 30.26620,120.16150 --pin 3300003 >"$scratch/pin.txt" 2>&1
ok "a stop pinned by hand comes first" \
    awk '$1 == "1" && $2 == "3300003" { f = 1 } END { exit !f }' "$scratch/pin.txt"

# Pinning on site: a poor fix is refused, a good one sets the coordinates and queues a record.
"$gw" pin --db "$db" --customer 3300004 --lat 30.27150 --lon 120.16550 --accuracy 60 \
    >"$scratch/pin1.txt" 2>&1
ok "pinning with a 60 m fix is refused" test $? -eq 1
ok "  ... saying why" grep -q "worse than the 10 m limit" "$scratch/pin1.txt"
ok "  ... and nothing is queued" test "$(sqlite3 "$db" 'SELECT count(*) FROM outbox')" = 0
"$gw" pin --db "$db" --customer 3300004 --lat 30.27150 --lon 120.16550 --accuracy 4 >/dev/null
ok "pinning with a 4 m fix succeeds" test $? -eq 0
ok "  ... and queues one customer record" \
    test "$(sqlite3 "$db" "SELECT count(*) FROM outbox WHERE kind = 'customer' AND
        payload->>'coord_source' = 'pinned' AND payload->>'coord_accuracy_m' = 4.0")" = 1
"$gw" route --db "$db" --tasks --from 30.26620,120.16150 --save >"$scratch/tasks2.txt" 2>&1
ok "the pinned customer is now on the route" grep -q "4 stops" "$scratch/tasks2.txt"
ok "--save stores the order for the app" grep -q "saved the order of 4 tasks" "$scratch/tasks2.txt"
ok "  ... the first stop has route position 0" \
    test "$(sqlite3 "$db" "SELECT c.account FROM tasks t JOIN customers c ON c.id = t.customer_id
        WHERE t.route_pos = 0")" = 3300001
"$gw" tasks --db "$db" >"$scratch/tasklist.txt" 2>&1
ok "  ... and 'gridwalk tasks' lists them in that order" \
    python3 -c 'import sys; t=open(sys.argv[1]).read(); a=[t.find(x) for x in ("3300001","3300002","3300003","3300004")]; sys.exit(0 if all(v >= 0 for v in a) and a[0] < a[1] else 1)' "$scratch/tasklist.txt"

# The map, as the customer page's "Locate" opens it and as the day's route.
"$gw" map --db "$db" --customer 3300002 --from 30.26620,120.16150 --size 80x24 >"$scratch/map.txt"
ok "map --customer draws 24 rows" test "$(wc -l <"$scratch/map.txt")" = 24
ok "  ... with the distance and bearing to the customer on top" \
    grep -q "王小明: 356 m, bearing 47 NE" "$scratch/map.txt"
ok "  ... the customer at the centre, the device and the customers around labelled" \
    python3 - "$scratch/map.txt" <<'PY'
import sys
rows = open(sys.argv[1]).read().split("\n")
assert rows[12][40] == "O", rows[12]  # the centre cell of an 80 x 24 map
text = "\n".join(rows)
assert "@" in text and "杭州西湖宾馆" in text, text
PY
"$gw" map --db "$db" --tasks --from 30.26620,120.16150 --size 120x40 >"$scratch/tmap.txt"
ok "map --tasks numbers the stops in walking order" \
    bash -c "grep -q '1.杭州西湖宾馆' '$scratch/tmap.txt' && grep -q '2.王小明' '$scratch/tmap.txt'"
"$gw" map --db "$db" --customer nosuch --from 30.26620,120.16150 >/dev/null 2>"$scratch/maperr.txt"
ok "map of an unknown customer fails, naming it" grep -q "nosuch" "$scratch/maperr.txt"

# TSPLIB: a closed tour in TOUR format whose stated length is the real one.
"$gw" route --tsplib "$GRIDWALK_TOP/tests/data/tsplib/berlin52.tsp" --iterations 500 \
    >"$scratch/b52.tour"
ok "route --tsplib writes a tour" grep -q "^TOUR_SECTION" "$scratch/b52.tour"
ok "the tour visits all 52 nodes once and ends with -1 EOF" python3 - "$scratch/b52.tour" <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")
i = lines.index("TOUR_SECTION")
nodes = [int(x) for x in lines[i + 1:] if x.strip() not in ("", "EOF")]
assert nodes[-1] == -1, nodes[-1]
nodes = nodes[:-1]
assert sorted(nodes) == list(range(1, 53)), nodes
PY
ok "its length is within 1% of the optimum 7542" python3 - "$scratch/b52.tour" \
    "$GRIDWALK_TOP/tests/data/tsplib/berlin52.tsp" <<'PY'
import math, sys, re
tour = open(sys.argv[1]).read()
stated = int(re.search(r"Length = (\d+)", tour).group(1))
lines = tour.split("\n")
order = [int(x) for x in lines[lines.index("TOUR_SECTION") + 1:] if x.strip() not in ("", "EOF", "-1")]
pts = {}
sec = False
for l in open(sys.argv[2]):
    l = l.strip()
    if l == "NODE_COORD_SECTION":
        sec = True
        continue
    if sec and l and l != "EOF":
        i, x, y = l.split()
        pts[int(i)] = (float(x), float(y))
d = lambda a, b: int(math.hypot(pts[a][0] - pts[b][0], pts[a][1] - pts[b][1]) + 0.5)
real = sum(d(order[k], order[(k + 1) % len(order)]) for k in range(len(order)))
assert real == stated, (real, stated)
assert real <= 7542 * 1.01, real
PY
"$gw" route --tsplib /nonexistent.tsp >/dev/null 2>"$scratch/err.txt"
ok "a missing instance is an error naming the file" grep -q "nonexistent.tsp" "$scratch/err.txt"
tap_done
