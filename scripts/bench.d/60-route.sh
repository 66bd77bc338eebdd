#!/usr/bin/env bash
# 60-route.sh - the route planner against TSPLIB's proven optima, beside the textbook
# baselines run on the same instance in the same run: nearest neighbour, and 2-opt + Or-opt
# (neighbour lists, don't-look bits) from nearest neighbour. Ours ("best") is given 100 ms and
# 1 s of wall-clock time, and its gap is the mean over seeds 1..3 (a time-budgeted search
# varies from run to run). Gaps are (length - optimum) / optimum. Then the memory of a
# 20,000-stop route.
set -u
gw=$GRIDWALK_BUILD/bin/gridwalk
data=$GRIDWALK_TOP/tests/data/tsplib
[ -x "$gw" ] || { echo "   $gw is not built"; exit 1; }
run() { "$gw" route --summary "$@" 2>/dev/null | awk '{print $3}'; }
# mean_gap OPT ARGS...: the mean gap over seeds 1..3.
mean_gap() {
    local opt=$1 s sum=0 g
    shift
    for s in 1 2 3; do
        g=$(gap "$(run "$@" --seed "$s")" "$opt")
        sum=$(awk -v a="$sum" -v b="$g" 'BEGIN { print a + b }')
    done
    awk -v a="$sum" 'BEGIN { printf "%.3f", a / 3 }'
}
gap() { awk -v l="$1" -v o="$2" 'BEGIN { if (l == "") print "n/a"; else printf "%.3f", (l - o) / o * 100 }'; }
printf '   %-10s %6s %9s | %8s %8s | %9s %9s   (gap to optimum, %%)\n' \
    instance stops optimum nn 2opt+or best100ms best1s
sum_nn=0 sum_ls=0 sum_b1=0 sum_b2=0 count=0
for f in "$data"/*.tsp; do
    name=$(basename "$f" .tsp)
    opt=$(awk -v n="$name" '$1 == n { print $2 }' "$data/optima.txt")
    [ -n "$opt" ] || continue
    n=$(awk -F: '/^DIMENSION/ { gsub(/ /, "", $2); print $2 }' "$f")
    nn=$(gap "$(run --tsplib "$f" --method nn)" "$opt")
    ls=$(gap "$(run --tsplib "$f" --method 2opt-oropt)" "$opt")
    b1=$(mean_gap "$opt" --tsplib "$f" --method best --time-ms 100)
    b2=$(mean_gap "$opt" --tsplib "$f" --method best --time-ms 1000)
    printf '   %-10s %6s %9s | %8s %8s | %9s %9s\n' "$name" "$n" "$opt" "$nn" "$ls" "$b1" "$b2"
    sum_nn=$(awk -v a="$sum_nn" -v b="$nn" 'BEGIN { print a + b }')
    sum_ls=$(awk -v a="$sum_ls" -v b="$ls" 'BEGIN { print a + b }')
    sum_b1=$(awk -v a="$sum_b1" -v b="$b1" 'BEGIN { print a + b }')
    sum_b2=$(awk -v a="$sum_b2" -v b="$b2" 'BEGIN { print a + b }')
    count=$((count + 1))
done
if [ "$count" -gt 0 ]; then
    awk -v c="$count" -v a="$sum_nn" -v b="$sum_ls" -v d="$sum_b1" -v e="$sum_b2" 'BEGIN {
        printf "   %-10s %6s %9s | %8.3f %8.3f | %9.3f %9.3f   (targets: < 0.2 at 100 ms, < 0.1 at 1 s)\n",
            "mean", "", "", a / c, b / c, d / c, e / c }'
fi
echo "   20,000 random stops, 1 s (no distance matrix above 2,000 stops):"
for m in nn 2opt-oropt best; do
    out=$("$gw" route --random 20000 --seed 1 --method "$m" --time-ms 1000 2>&1)
    echo "$out" | awk -v m="$m" '{
        for (i = 6; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        printf "   %-10s length %d, %.0f ms, planner scratch %.1f MB, peak RSS %.1f MB\n",
            m, $3, $5, v["scratch_bytes"] / 1048576, v["peak_rss_kb"] / 1024 }'
done
