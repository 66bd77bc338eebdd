#!/usr/bin/env bash
# media-kill.sh - SIGKILL at random moments during a batch of 50 imports, repeated: never a
# database row without its file, never a partial file under a final name, every photo row with
# its outbox row; the next start sweeps the orphans and temporaries a kill leaves.
. "${GRIDWALK_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
gw=$GRIDWALK_BUILD/bin/gridwalk
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gw-kill.XXXXXX")
pid=""
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
db=$tmp/store/gw.db
rounds=${MEDIA_KILL_ROUNDS:-10}

# Five real photographs at 2000 px so one import takes a few tens of milliseconds and the kills
# land in every phase (decode, encode, write, fsync, rename, insert).
i=0
for p in $(dpkg -L ukui-wallpapers | grep -i '\.jpg$' | head -5); do
    vipsthumbnail "$p" -s 2000 -o "$tmp/src$i.jpg[Q=90]" && i=$((i + 1))
done
[ "$i" -gt 0 ] || { tap_fail "source photos" "ukui-wallpapers and libvips-tools are needed"; tap_done; }
batch=()
for n in $(seq 0 49); do batch+=("$tmp/src$((n % i)).jpg"); done

mkdir -p "$tmp/store"
"$gw" photo add --db "$db" --entry x /dev/null >/dev/null 2>&1
sqlite3 "$db" "INSERT INTO customers(id,account,name,updated_at) VALUES(1,'4004','Zhao Liu','2026-01-01T00:00:00.000Z');
INSERT INTO folders(id,uuid,customer_id,category,name,created_at,updated_at) VALUES(1,'f1',1,1,'Line 9',
 '2026-01-01T00:00:00.000Z','2026-01-01T00:00:00.000Z');
INSERT INTO entries(id,uuid,folder_id,name,created_at,updated_at) VALUES(1,'e1',1,'2026-11-22 11:00',
 '2026-01-01T00:00:00.000Z','2026-01-01T00:00:00.000Z');"

# Every row's files exist with the recorded content.
rows_have_files() {
    local sha
    for sha in $(sqlite3 "$db" "SELECT sha256 FROM photos UNION SELECT original_sha256 FROM photos WHERE original_sha256 IS NOT NULL"); do
        local f=$tmp/store/media/${sha:0:2}/$sha.jpg
        [ -f "$f" ] || { echo "row $sha has no file"; return 1; }
        [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$sha" ] || { echo "row $sha: file differs"; return 1; }
    done
}
# Every file under a final name is complete: its content hashes to its name.
final_names_complete() {
    local f
    for f in "$tmp"/store/media/*/*.jpg; do
        [ -e "$f" ] || continue
        [ "$(sha256sum "$f" | cut -d' ' -f1).jpg" = "$(basename "$f")" ] || { echo "partial $f"; return 1; }
    done
}
outbox_complete() {
    [ "$(sqlite3 "$db" "SELECT count(*) FROM photos p WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.entity_uuid = p.uuid)")" = 0 ]
}

bad_rows=0 bad_files=0 bad_outbox=0 kills=0
for r in $(seq 1 "$rounds"); do
    keep=""
    [ $((r % 2)) = 0 ] && keep=--keep-original
    "$gw" photo add --db "$db" --entry 1 $keep "${batch[@]}" >/dev/null 2>&1 &
    pid=$!
    sleep "0.$(printf '%03d' $((RANDOM % 900 + 20)))"
    kill -9 "$pid" 2>/dev/null && kills=$((kills + 1))
    wait "$pid" 2>/dev/null
    pid=""
    rows_have_files >>"$tmp/why" || bad_rows=$((bad_rows + 1))
    final_names_complete >>"$tmp/why" || bad_files=$((bad_files + 1))
    outbox_complete || bad_outbox=$((bad_outbox + 1))
done
diag "$kills of $rounds batches killed mid-way; $(sqlite3 "$db" 'SELECT count(*) FROM photos') photos stored; $(find "$tmp/store/media" -name '.tmp-*' | wc -l) temporaries and some orphans left"
[ -s "$tmp/why" ] && diag "$(head -5 "$tmp/why")"
ok "most batches were killed mid-way" test "$kills" -ge $((rounds / 2))
ok "no row without its file, after every kill" test "$bad_rows" = 0
ok "no partial file under a final name, after every kill" test "$bad_files" = 0
ok "every photo row has its outbox row, after every kill" test "$bad_outbox" = 0
ok "the store is intact" test "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok

# The next start sweeps: no temporaries, no file without a row.
"$gw" photo add --db "$db" --entry 1 "$tmp/src0.jpg" >/dev/null 2>&1
ok "the next start leaves no temporaries" test "$(find "$tmp/store/media" -name '.tmp-*' | wc -l)" = 0
orphans=0
for f in "$tmp"/store/media/*/*.jpg; do
    s=$(basename "$f" .jpg)
    [ "$(sqlite3 "$db" "SELECT count(*) FROM photos WHERE sha256='$s' OR original_sha256='$s'")" = 0 ] && orphans=$((orphans + 1))
done
ok "the next start leaves no orphan files" test "$orphans" = 0
ok "and every row still has its file" rows_have_files
tap_done
