#!/usr/bin/env bash
# geo-tsplib.sh - bounded fuzzing of the TSPLIB reader and the planner behind it: mutated
# instance files (bit flips, cut lines, huge or negative numbers, duplicated sections) fed to
# the ASan build of `gridwalk route --tsplib`. Every run must end with status 0 (solved) or 1
# (refused with a message), never a crash or a sanitizer report. About 10 seconds.
: "${GRIDWALK_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$GRIDWALK_TOP/tests/lib/tap.sh"
gw=$GRIDWALK_TOP/build/asan/bin/gridwalk
[ -x "$gw" ] || gw=$GRIDWALK_BUILD/bin/gridwalk
scratch=$(mktemp -d /tmp/gw-geo-fuzz-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1

python3 - "$GRIDWALK_TOP/tests/data/tsplib" "$scratch" <<'PY'
import os, random, sys
src, out = sys.argv[1], sys.argv[2]
rnd = random.Random(20261122)
seeds = [open(os.path.join(src, f), "rb").read() for f in ("berlin52.tsp", "gr666.tsp")]
tokens = [b"DIMENSION : 0", b"DIMENSION : -5", b"DIMENSION : 99999999999", b"DIMENSION: 3",
          b"NODE_COORD_SECTION", b"EOF", b"EDGE_WEIGHT_TYPE : EXPLICIT", b"EDGE_WEIGHT_TYPE : GEO",
          b"1 nan nan", b"2 1e308 -1e308", b"3 inf 0", b"0 1 1", b"TYPE : ATSP", b"\x00", b"\xff\xfe"]
for i in range(150):
    data = bytearray(rnd.choice(seeds))
    lines = data.split(b"\n")
    for _ in range(rnd.randint(1, 6)):
        op = rnd.randrange(5)
        if op == 0 and data:
            j = rnd.randrange(len(lines))
            lines[j] = rnd.choice(tokens)
        elif op == 1:
            lines.insert(rnd.randrange(len(lines) + 1), rnd.choice(tokens))
        elif op == 2 and len(lines) > 2:
            del lines[rnd.randrange(len(lines))]
        elif op == 3:
            j = rnd.randrange(len(lines))
            b = bytearray(lines[j])
            if b:
                b[rnd.randrange(len(b))] ^= 1 << rnd.randrange(8)
            lines[j] = bytes(b)
        else:
            lines = lines[: rnd.randrange(1, len(lines) + 1)]
    open(os.path.join(out, "case%03d.tsp" % i), "wb").write(b"\n".join(lines))
PY

crashes=0 solved=0 refused=0
for f in "$scratch"/case*.tsp; do
    "$gw" route --tsplib "$f" --iterations 3 >/dev/null 2>"$f.err"
    rc=$?
    if [ "$rc" -eq 0 ]; then
        solved=$((solved + 1))
    elif [ "$rc" -eq 1 ] && ! grep -q "Sanitizer\|runtime error" "$f.err"; then
        refused=$((refused + 1))
    else
        crashes=$((crashes + 1))
        diag "$(basename "$f"): status $rc: $(head -c 300 "$f.err")"
    fi
done
diag "$solved solved, $refused refused, $crashes crashed"
ok "150 mutated TSPLIB files: each solved or refused, none crashed" test "$crashes" -eq 0
ok "some mutations are still valid instances and get solved" test "$solved" -gt 0
ok "some are refused with a message" test "$refused" -gt 0
tap_done
