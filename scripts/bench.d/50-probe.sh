#!/usr/bin/env bash
# 50-probe.sh - a full read of the core registers against the meter simulator at 1200 and
# 9600 baud, DL/T 645-2007 and IEC 62056-21, beside the physical floor measured in the same
# run: the time the session's bytes need on the wire (10 or 11 bits a character at the
# speeds used) plus the delays the protocol mandates (IEC: the meter's 200 ms reaction time
# before each answer). Target: within 15% of the floor. Best of three runs.
set -u
top=${GRIDWALK_TOP:?}
build=${GRIDWALK_BUILD:-$top/build}
. "$top/scripts/probe-rig.sh"
tmp=$(mktemp -d /tmp/gw-bench-probe-XXXXXX)
trap 'probe_rig_stop; rm -rf "$tmp"' EXIT
regs=$top/tests/data/probe/meter-a.txt
if [ ! -x "$build/tools/metersim" ] || [ ! -x "$build/bin/gridwalk" ]; then
    echo "   metersim or gridwalk not built; run make first"
    exit 0
fi
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
printf '   %-12s %6s %10s %10s %8s %9s\n' protocol baud "read ms" "floor ms" ratio "wire ms"
for proto in dlt645 iec62056; do
    for baud in 1200 9600; do
        if [ "$proto" = iec62056 ]; then
            probe_rig_start "$tmp" --protocol iec --iec-baud "$baud" "$regs" || exit 0
        else
            probe_rig_start "$tmp" --protocol dlt "$regs" || exit 0
        fi
        best=
        for run in 1 2 3; do
            t0=$(date +%s%N)
            "$build/bin/gridwalk" read-meter --port "$PROBE_PORT" --protocol "$proto" \
                --baud "$baud" --json >"$tmp/r.json" 2>/dev/null || { echo "   $proto $baud: read failed"; continue; }
            t1=$(date +%s%N)
            ms=$(((t1 - t0) / 1000000))
            if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then
                best=$ms
                wire=$(field "$tmp/r.json" wire_ms)
                mand=$(field "$tmp/r.json" mandated_ms)
            fi
        done
        [ -n "$best" ] || continue
        python3 - "$proto" "$baud" "$best" "$wire" "$mand" <<'PY'
import sys
proto, baud, best, wire, mand = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
floor = wire + mand
ratio = best / floor if floor else float('nan')
verdict = "within 15%" if ratio <= 1.15 else "OVER the 15% target"
print(f"   {proto:<12} {baud:>6} {best:>10} {floor:>10.0f} {ratio:>8.3f} {wire:>9.0f}   {verdict}")
PY
    done
done
