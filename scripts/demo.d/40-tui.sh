# Sourced by scripts/demo: gives the first demo customer a small evidence tree (two topic
# folders, entries with remarks) so the app's tree has something to open. Runs once per store.
gw=$GRIDWALK_BUILD/bin/gridwalk
acct=$(sqlite3 "$GRIDWALK_DB" "SELECT account FROM customers ORDER BY id LIMIT 1" 2>/dev/null || true)
if [ -n "$acct" ] && [ "$(sqlite3 "$GRIDWALK_DB" "SELECT count(*) FROM folders")" = 0 ]; then
    f1=$("$gw" folder new --customer "$acct" --category 1 "1号变压器" --db "$GRIDWALK_DB")
    "$gw" entry new --folder "$f1" --appearance "外壳轻微锈蚀，箱门锁具完好" \
        --nameplate "铭牌字迹清晰，容量与档案一致" --db "$GRIDWALK_DB" >/dev/null
    f2=$("$gw" folder new --customer "$acct" --category 2 "计量箱 A" --db "$GRIDWALK_DB")
    "$gw" entry new --folder "$f2" --name "封印检查" --appearance "封印完好" --db "$GRIDWALK_DB" >/dev/null
    echo "demo: customer $acct has a sample evidence tree (gridwalk tree $acct)"
fi
