#!/usr/bin/env bash
# import-cli.sh - `gridwalk import-customers` and `gridwalk demo-data` as a person runs them:
# exit statuses, the "line N: reason" lines, the summary, and demo data going through a CSV
# file and back into a store.
. "${GRIDWALK_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
gw=$GRIDWALK_BUILD/bin/gridwalk
data=$GRIDWALK_TOP/tests/data/import
dir=$(mktemp -d /tmp/gw-e2e-import-XXXXXX)
trap 'rm -rf "$dir"' EXIT
export XDG_DATA_HOME=$dir/xdg # never the user's own store

"$gw" import-customers --db "$dir/a.db" "$data/malformed.csv" >"$dir/out" 2>"$dir/err"
ok "a file with bad rows fails as a whole (exit 1)" test $? -eq 1
ok "each bad row is named with its line and reason" \
    grep -q 'malformed.csv: line 3: missing account number (户号)' "$dir/err"
ok "the stray quote on line 11 is reported" grep -q 'line 11: a quote in the wrong place' "$dir/err"
ok "it says nothing was imported and how to import the rest" \
    grep -q 'nothing was imported.*--skip-bad' "$dir/err"

"$gw" import-customers --db "$dir/a.db" --skip-bad "$data/malformed.csv" >"$dir/out" 2>"$dir/err"
ok "--skip-bad imports the good rows (exit 0)" test $? -eq 0
ok "the summary counts inserted, updated and skipped rows" \
    grep -q '14 rows: 4 inserted, 0 updated, 0 unchanged, 10 skipped as bad' "$dir/out"

"$gw" import-customers --db "$dir/a.db" "$data/duplicates.csv" >"$dir/out" 2>"$dir/err"
ok "repeated accounts are allowed and said in the summary" \
    grep -q '3 rows repeated the account of an earlier row' "$dir/out"

"$gw" import-customers --db "$dir/a.db" "$data/gb18030.csv" >"$dir/out" 2>"$dir/err"
ok "a GB18030 file is detected" grep -q '(GB18030): 3 rows: 3 inserted' "$dir/out"
ok "its unknown column is named in a warning" grep -q "warning: column 5 '备注'" "$dir/err"

"$gw" import-customers --db "$dir/a.db" "$data/truncated.csv" >"$dir/out" 2>"$dir/err"
ok "a truncated file is an error (exit 1)" test $? -eq 1
ok "that names where the open quote starts" grep -q 'line 3: a quoted field that starts here is never closed' "$dir/err"

"$gw" import-customers --db "$dir/a.db" --encoding latin1 "$data/good.csv" 2>"$dir/err"
ok "an unknown encoding is bad usage (exit 2)" test $? -eq 2
"$gw" import-customers --db "$dir/a.db" 2>"$dir/err"
ok "no file is bad usage (exit 2)" test $? -eq 2

"$gw" demo-data --csv "$dir/demo.csv" --customers 3000 --seed 4 >/dev/null
ok "demo-data writes a CSV with the English header" \
    test "$(head -1 "$dir/demo.csv")" = "account,name,meter,capacity,address,line,voltage,lat,lon"
ok "with one line per customer" test "$(wc -l <"$dir/demo.csv")" -eq 3001
"$gw" import-customers --db "$dir/b.db" "$dir/demo.csv" >"$dir/out" 2>"$dir/err"
ok "which import-customers reads back without a bad row" grep -q '3000 rows: 3000 inserted.*0 skipped' "$dir/out"
"$gw" demo-data --db "$dir/b.db" --customers 3000 --seed 4 >"$dir/out"
ok "and the same seed into the store finds them all there already" grep -q '3000 demo customers (seed 4): 0 new' "$dir/out"
"$gw" demo-data --customers 3000 --seed 4 --csv "$dir/again.csv" >/dev/null
ok "the same seed makes the same file" cmp -s "$dir/demo.csv" "$dir/again.csv"
"$gw" demo-data --db "$dir/c.db" 2>/dev/null
ok "demo-data without --customers is bad usage (exit 2)" test $? -eq 2
tap_done
