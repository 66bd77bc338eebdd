#!/usr/bin/env bash
# The full-screen app over 1,000,000 customers: time from start to the first drawn screen
# (target under 150 ms) and the app's peak memory (target under 40 MB), also for a session
# that searches and opens a customer. The peer, measured in the same run: fzf reading and
# filtering the same customers' names (fzf is what a shell user would reach for).
#
# Reuses $BENCH_DIR/customers-1m.db when present, else makes it with
# `gridwalk demo-data --customers 1000000`.
set -u
GW=$GRIDWALK_BUILD/bin/gridwalk
db=$BENCH_DIR/customers-1m.db
runs=${TUI_BENCH_RUNS:-10}

if [ ! -s "$db" ]; then
    if ! "$GW" --help 2>/dev/null | grep -q '^  demo-data '; then
        echo "   skipped: $db is missing and this build has no 'gridwalk demo-data'"
        exit 0
    fi
    echo "   making $db with gridwalk demo-data --customers 1000000 ..."
    "$GW" demo-data --customers 1000000 --db "$db" >/dev/null || {
        echo "   skipped: demo-data failed"
        exit 0
    }
fi

# run_pty SCRIPT: runs the app on a fresh pseudo-terminal (80x24) with GRIDWALK_UI_SCRIPT set
# (the app runs those steps after its first drawn screen, then leaves); prints
# "<wall ms> <peak KB>".
run_pty() {
    python3 - "$GW" "$db" "$1" <<'PY'
import os, pty, resource, subprocess, sys, threading, time, fcntl, termios, struct
gw, db, script = sys.argv[1:4]
master, slave = pty.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
env = dict(os.environ, TERM="xterm-256color", LC_ALL="C.UTF-8", GRIDWALK_UI_SCRIPT=script,
           HOME=os.environ.get("BENCH_HOME", "/tmp"))
def drain():
    try:
        while os.read(master, 65536):
            pass
    except OSError:
        pass
threading.Thread(target=drain, daemon=True).start()
t0 = time.perf_counter()
p = subprocess.Popen([gw, "--db", db], stdin=slave, stdout=slave, stderr=slave, env=env,
                     start_new_session=True)
p.wait()
ms = (time.perf_counter() - t0) * 1000
print("%.1f %d" % (ms, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
PY
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# A store fresh from demo-data may still have its search index queue to flush; the first
# search pays for that. Do it here, timed, so the session below measures the app.
if "$GW" --help | grep -q '^  search '; then
    t0=$(date +%s.%N)
    "$GW" search 张 --limit 1 --db "$db" >/dev/null 2>&1
    t1=$(date +%s.%N)
    printf '   first search of this store (index flush if pending): %.1f s\n' \
        "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')"
fi

export BENCH_HOME=$BENCH_DIR/tui-home
mkdir -p "$BENCH_HOME"
n=$(sqlite3 "$db" "SELECT count(*) FROM customers")
run_pty "" >/dev/null # warm the page cache
first=$(for _ in $(seq "$runs"); do run_pty ""; done)
first_ms=$(awk '{print $1}' <<<"$first" | median)
first_kb=$(awk '{print $2}' <<<"$first" | sort -n | tail -1)
session=$(run_pty "type:张 Down Down Enter Enter F3 Esc Backspace Backspace type:华 PgDn")
sess_ms=$(awk '{print $1}' <<<"$session")
sess_kb=$(awk '{print $2}' <<<"$session")

sqlite3 "$db" "SELECT name FROM customers" >"$BENCH_DIR/tui-names.txt"
peer=$( { /usr/bin/time -f "%e %M" fzf --filter 张 <"$BENCH_DIR/tui-names.txt" >/dev/null; } 2>&1 | tail -1)
peer_ms=$(awk '{printf "%.1f", $1 * 1000}' <<<"$peer")
peer_kb=$(awk '{print $2}' <<<"$peer")
rm -f "$BENCH_DIR/tui-names.txt"

printf '   customers in the store:              %d\n' "$n"
printf '   start to first drawn screen:         %8.1f ms (median of %d, target < 150 ms)\n' "$first_ms" "$runs"
printf '   peak memory, start and draw:         %8.1f MB (target < 40 MB)\n' "$(awk "BEGIN {print $first_kb / 1024}")"
printf '   a session (search, open, back):      %8.1f ms, peak %.1f MB\n' "$sess_ms" "$(awk "BEGIN {print $sess_kb / 1024}")"
printf '   peer: fzf --filter over the names:   %8.1f ms, peak %.1f MB\n' "$peer_ms" "$(awk "BEGIN {print $peer_kb / 1024}")"
