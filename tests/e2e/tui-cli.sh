#!/usr/bin/env bash
# The directory tree from the command line: the same operations as the screens, with the
# same rules (names, reasons), each leaving its outbox row; `tree --json` shows it all.
. "${GRIDWALK_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
. "$GRIDWALK_TOP/tests/e2e/tui-lib.sh.inc"

seed_store
fid=$("$GW" folder new --customer 3301000002 --category 2 "1号表箱" --db "$db")
ok "folder new prints the new folder's ID" test "$fid" = 1
e1=$("$GW" entry new --folder "$fid" --db "$db")
e2=$("$GW" entry new --folder "$fid" --name "复查" --appearance "外壳完好" --nameplate "铭牌清晰" --db "$db")
ok "entry new prints the new entry's ID" test "$e1,$e2" = "1,2"
ok "an entry without --name gets the automatic name" \
    bash -c "[[ \"\$(sqlite3 '$db' 'SELECT name FROM entries WHERE id=1')\" =~ ^20[0-9]{2}-[0-9]{2}-[0-9]{2}\ [0-9]{2}:[0-9]{2}\$ ]]"
# A change wakes the sync agent through its FIFO beside the store.
mkfifo "$work/syncd.wake"
(timeout 5 cat "$work/syncd.wake" >"$work/woke") &
reader=$!
sleep 0.2
"$GW" entry new --folder "$fid" --name "唤醒" --db "$db" >/dev/null
wait "$reader"
ok "a new entry nudges gridwalk-syncd" test "$(cat "$work/woke")" = "!"
rm -f "$work/syncd.wake"
"$GW" entry remove 3 --reason "测试唤醒" --db "$db" >/dev/null
ok "entry edit changes a remark" "$GW" entry edit "$e2" --nameplate "铭牌已更换" --db "$db"
ok "the edit is version 2" test "$(count "SELECT version FROM entries WHERE id=$e2")" = 2
ok "folder rename" "$GW" folder rename "$fid" "1号计量箱" --db "$db"
ok "each change queued its record (folder, 3 entries, a tombstone, an edit, a rename)" \
    test "$(count "SELECT group_concat(kind) FROM outbox")" = "folder,entry,entry,entry,tombstone,entry,folder"

json=$("$GW" tree 3301000002 --json --db "$db")
ok "tree --json is JSON with the whole tree" test "$(printf '%s' "$json" | python3 -c '
import json, sys
t = json.load(sys.stdin)
f = t["categories"][1]["folders"][0]
print(t["account"], len(t["categories"]), f["name"], len(f["entries"]), f["entries"][1]["nameplate_remark"], f["photos"])
')" = "3301000002 3 1号计量箱 2 铭牌已更换 0"
ok "tree prints the text form" bash -c "'$GW' tree 3301000002 --db '$db' | grep -q '\[1\] 1号计量箱'"

out=$("$GW" folder new --customer 3301000002 --category 1 "a/b" --db "$db" 2>&1)
ok "a bad name is refused with exit status 1" test $? -eq 1
says_why() { grep -qF "must not contain '/'" <<<"$out"; }
ok "and says why" says_why
"$GW" entry remove "$e1" --db "$db" >/dev/null 2>&1
ok "remove without --reason is a usage error (2)" test $? -eq 2
"$GW" entry remove "$e1" --reason "  " --db "$db" >/dev/null 2>&1
ok "a blank reason is refused" test $? -eq 1
ok "entry remove with a reason" "$GW" entry remove "$e1" --reason "重复" --db "$db"
"$GW" entry remove "$e1" --reason "重复" --db "$db" >/dev/null 2>&1
ok "removing twice says it is gone" test $? -eq 1
ok "folder remove with a reason" "$GW" folder remove "$fid" --reason "建错" --db "$db"
ok "three tombstones queued" test "$(count "SELECT count(*) FROM outbox WHERE kind='tombstone'")" = 3
ok "nothing hard-deleted" test "$(count "SELECT count(*) FROM entries")" = 3
"$GW" photo remove 99 --reason x --db "$db" >/dev/null 2>&1
ok "photo remove of an unknown photo fails" test $? -eq 1
"$GW" tree 9999 --db "$db" >/dev/null 2>&1
ok "tree of an unknown customer fails" test $? -eq 1
mkdir -p "$XDG_CONFIG_HOME/gridwalk"
printf '[photo]\nlong_edge=1600\nquality=high\n' >"$XDG_CONFIG_HOME/gridwalk/config.ini"
out=$("$GW" --db "$db" 2>&1 </dev/null)
ok "a bad config line stops the app with its file and line" \
    test "$out" = "gridwalk: configuration: $XDG_CONFIG_HOME/gridwalk/config.ini:3: 'high' is not a whole number from 1 to 100"
printf '[tree]\ncategories=巡检,计量,营业\n' >"$XDG_CONFIG_HOME/gridwalk/config.ini"
ok "configured category names are used" bash -c "'$GW' tree 3301000002 --db '$db' | grep -q '^2 计量\$'"
printf '[sync]\nhub = https://hub.example/\ndb = %s\n' "$db" >"$XDG_CONFIG_HOME/gridwalk/config.ini"
ok "the store named in [sync] db is used without --db" bash -c "'$GW' tree 3301000002 | grep -q '^3301000002 李四'"
rm "$XDG_CONFIG_HOME/gridwalk/config.ini"
out=$("$GW" --db "$db" 2>&1 </dev/null)
ok "without a terminal the app says what to do" bash -c "grep -q 'needs a terminal' <<<'$out'"
ok "--help lists the tree commands" bash -c "'$GW' --help | grep -q '^  entry '"
ok "--version" bash -c "'$GW' --version | grep -q '^gridwalk '"
tap_done
