#!/usr/bin/env bash
# 10-import.sh - customer import: 1,000,000 demo customers as CSV into a fresh store, with
# every index (and whatever triggers the schema has), against sqlite3's own `.import --csv`
# of the same file into a plain table. Targets: under 90 s, under 400 MB.
# Leaves the store at $BENCH_DIR/customers-1m.db for the other benchmarks.
set -u
gw=$GRIDWALK_BUILD/bin/gridwalk
n=${BENCH_IMPORT_ROWS:-1000000}
csv=$BENCH_DIR/customers-1m.csv
store=$BENCH_DIR/customers-1m.db
fresh=$BENCH_DIR/import-run.db
peer=$BENCH_DIR/import-peer.db

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
mb() { # total size of a store and its side files, in MB
    local t=0 f
    for f in "$1" "$1-wal" "$1-journal"; do
        [ -e "$f" ] && t=$((t + $(stat -c %s "$f")))
    done
    awk -v b="$t" 'BEGIN { printf "%.0f", b / 1048576 }'
}

[ -x "$gw" ] || { echo "   $gw is missing: run make first"; exit 1; }
command -v sqlite3 >/dev/null || echo "   (sqlite3 is missing: no peer figure)"

t0=$(now)
"$gw" demo-data --csv "$csv" --customers "$n" --seed 1 || exit 1
t1=$(now)
echo "   generate $n customers as CSV:      $(secs "$t0" "$t1") s ($(( $(stat -c %s "$csv") / 1048576 )) MB of CSV)"

rm -f "$fresh" "$fresh-wal" "$fresh-shm"
"$gw" demo-data --db "$fresh" --customers 0 >/dev/null || exit 1 # schema only
t0=$(now)
"$gw" import-customers --db "$fresh" "$csv" >/dev/null || exit 1
t1=$(now)
ours=$(secs "$t0" "$t1")
size=$(mb "$fresh")
echo "   gridwalk import-customers:          $ours s (target < 90 s), store $size MB (target < 400 MB)"
rm -f "$store" "$store-wal" "$store-shm"
mv "$fresh" "$store"
rm -f "$fresh-wal" "$fresh-shm"

if command -v sqlite3 >/dev/null; then
    rm -f "$peer"
    t0=$(now)
    sqlite3 "$peer" ".import --csv $csv customers" || exit 1
    t1=$(now)
    theirs=$(secs "$t0" "$t1")
    echo "   peer: sqlite3 .import --csv:        $theirs s, $(mb "$peer") MB (plain table: no indexes, no upsert, no checks)"
    awk -v a="$ours" -v b="$theirs" 'BEGIN { if (b > 0) printf "   ratio ours/peer: %.1fx\n", a / b }'
    rm -f "$peer"
fi
echo "   the 1M store for other benchmarks:  $store"
