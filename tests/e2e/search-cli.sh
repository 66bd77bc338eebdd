#!/usr/bin/env bash
# `gridwalk search` as a user runs it, on customers loaded with `gridwalk import-customers`:
# aligned lines, one JSON object per hit with the keys in order, nothing on stdout and exit 0
# when nothing matches, exit 2 and a message naming the keys for an unknown one, options
# after the query, the default store under $XDG_DATA_HOME.
. "${GRIDWALK_TOP:-$(dirname "$0")/../..}/tests/lib/tap.sh"
gw=$GRIDWALK_BUILD/bin/gridwalk
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
store=$tmp/s.db

cat >"$tmp/customers.csv" <<'CSV'
account,name,meter,capacity,address,line,voltage,lat,lon
3301000001,张伟,3330000000001,50,浙江省杭州市上城区解放路12号,10kV城东1线,交流380V,30.25,120.17
3301000002,王芳,3330000000002,30,浙江省杭州市上城区解放路120号3幢,10kV城东1线,交流220V,,
3301000004,张建国,3330000001234,315,浙江省杭州市拱墅区湖墅南路5号,10kV城东2线,交流10kV,,
3301000006,杭州张小泉刀剪有限公司,3330000009999,630,浙江省杭州市上城区河坊街张小泉路1号,10kV城东3线,交流10kV,,
CSV
"$gw" import-customers --db "$store" "$tmp/customers.csv" >/dev/null
ok "customers imported" test $? -eq 0

out=$("$gw" search --db "$store" 张)
ok "plain: one line per hit, best tier first" \
    test "$(echo "$out" | cut -c1-10 | tr '\n' ' ')" = "3301000001 3301000004 3301000006 "
# Columns line up: the meter column starts at the same display column on every line
# (a Chinese character takes two).
meter_columns() {
    python3 -c 'import sys, unicodedata
w = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
print(len({w(l[:l.index("3330")]) for l in sys.stdin.read().splitlines()}))'
}
ok "plain: columns aligned" test "$(echo "$out" | meter_columns)" = 1
ok "plain: all seven fields" grep -q '3301000006  杭州张小泉刀剪有限公司  3330000009999  630  浙江省杭州市上城区河坊街张小泉路1号  10kV城东3线  交流10kV' <<<"$out"

json=$("$gw" search --db "$store" --json name:张 line:城东 kv:10)
want='{"account":"3301000004","name":"张建国","meter":"3330000001234","capacity":"315","address":"浙江省杭州市拱墅区湖墅南路5号","line":"10kV城东2线","voltage":"交流10kV","lat":null,"lon":null,"tier":"prefix"}'
ok "json: keys in order, null for unknown coordinates" test "$(echo "$json" | head -1)" = "$want"
ok "json: one object per hit" test "$(echo "$json" | wc -l)" -eq 2
ok "json: coordinates when known" grep -q '"lat":30.25,"lon":120.17' <<<"$("$gw" search --db "$store" --json 张伟)"

out=$("$gw" search --db "$store" 赵钱孙李 2>"$tmp/err")
ok "no match: exit 0" test $? -eq 0
ok "no match: nothing on stdout" test -z "$out"
ok "no match: said on stderr" grep -q "no customers match" "$tmp/err"

"$gw" search --db "$store" zip:310000 2>"$tmp/err" >/dev/null
ok "unknown key: exit 2" test $? -eq 2
ok "unknown key: names the keys" grep -q "unknown search field 'zip:'.*kv:" "$tmp/err"

ok "options after the query" test "$("$gw" search --db "$store" 解放路 --limit 1 --offset 1 | cut -c1-10)" = 3301000002
ok "metacharacters are text" test -z "$("$gw" search --db "$store" "%" "'" 2>/dev/null)"

XDG_DATA_HOME=$tmp/xdg "$gw" search 张 2>/dev/null
ok "default store under XDG_DATA_HOME" test -f "$tmp/xdg/gridwalk/gridwalk.db"
tap_done
