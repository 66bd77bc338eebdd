#!/usr/bin/env bash
# Customer search over 1,000,000 customers: our first page of 50 beside a plain LIKE '%q%'
# scan and `fzf --filter` over the same records, in the same run (tests/search/search_bench.c),
# the store's size with and without the search index, and what the index adds to an import.
#
# The store is $BENCH_DIR/customers-1m.db, left there by the import benchmark, else made with
# `gridwalk demo-data --customers 1000000`. SEARCH_BENCH_QUERIES (default 200) queries per
# kind; SEARCH_BENCH_IMPORT=0 skips the import measurement (two 1,000,000-row copies);
# SEARCH_BENCH_CPU=1 adds a second run timed in CPU time (steadier when other work shares
# the cores; without fzf, whose time is its own process's).
set -u
top=${GRIDWALK_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${GRIDWALK_BUILD:-$top/build}
dir=${BENCH_DIR:-$build/bench}
store=$dir/customers-1m.db
tool=$build/tools/search-bench
mkdir -p "$dir"

if [ ! -x "$tool" ]; then
    echo "   search-bench is not built (make all)"
    exit 0
fi
if [ ! -s "$store" ]; then
    if "$build/bin/gridwalk" --help 2>/dev/null | grep -q 'demo-data'; then
        echo "   making $store with gridwalk demo-data (1,000,000 customers)..."
        start=$(date +%s)
        if ! "$build/bin/gridwalk" demo-data --customers 1000000 --db "$store" >/dev/null; then
            echo "   gridwalk demo-data failed; no search benchmark"
            rm -f "$store"
            exit 0
        fi
        echo "   made in $(($(date +%s) - start)) s"
    else
        echo "   no $store and this gridwalk has no demo-data command; no search benchmark"
        exit 0
    fi
fi

args=(--db "$store" --queries "${SEARCH_BENCH_QUERIES:-200}")
if command -v fzf >/dev/null; then
    args+=(--export "$dir/customers-1m.txt")
else
    echo "   fzf is not installed (scripts/install-deps): its column stays n/a"
    args+=(--no-fzf)
fi
[ "${SEARCH_BENCH_IMPORT:-1}" = 0 ] || args+=(--import-cost 1000000)
echo "   load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
"$tool" "${args[@]}" | sed 's/^/   /'
if [ "${SEARCH_BENCH_CPU:-0}" = 1 ]; then
    echo "   the same in CPU time:"
    BENCH_CPU=1 "$tool" --db "$store" --queries "${SEARCH_BENCH_QUERIES:-200}" --no-fzf |
        sed -n 's/^/   /; /^   query kind/,$p'
fi
exit 0
