#!/usr/bin/env bash
# probe.sh - fuzzes the optical probe's two parsers (DL/T 645, IEC 62056-21) with libFuzzer,
# ASan and UBSan for a bounded time each (PROBE_FUZZ_SECONDS, default 20). Built with clang
# straight from the sources; the seed corpora in tests/fuzz/corpus/ are copied, not grown.
set -u
. "${GRIDWALK_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
secs=${PROBE_FUZZ_SECONDS:-20}
out=$GRIDWALK_BUILD/fuzz
mkdir -p "$out"
if ! command -v clang >/dev/null; then
    tap_fail "clang is installed" "install clang and libclang-rt-14-dev (scripts/install-deps)"
    tap_done
fi
for target in dlt645 iec62056; do
    bin=$out/fuzz_$target
    if ! clang -std=c11 -g -O1 -Iinclude -I. -I"$GRIDWALK_TOP/include" -I"$GRIDWALK_TOP" \
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
        -o "$bin" "$GRIDWALK_TOP/tests/fuzz/fuzz_$target.c" "$GRIDWALK_TOP/app/probe/$target.c" \
        >"$out/build-$target.log" 2>&1; then
        tap_fail "fuzz_$target builds" "$(head -5 "$out/build-$target.log")"
        continue
    fi
    work=$(mktemp -d /tmp/gw-fuzz-XXXXXX)
    cp "$GRIDWALK_TOP/tests/fuzz/corpus/$target/"* "$work/"
    (cd "$out" && UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$bin" -max_total_time="$secs" \
        -max_len=4096 -timeout=5 -rss_limit_mb=1024 "$work" >"$out/run-$target.log" 2>&1)
    rc=$?
    ok "fuzz_$target: ${secs}s without a crash or sanitizer report" test "$rc" -eq 0
    [ "$rc" -eq 0 ] || diag "$(grep -m5 -E 'ERROR|runtime error|SUMMARY' "$out/run-$target.log")"
    diag "fuzz_$target: $(grep -E '^Done [0-9]+ runs' "$out/run-$target.log" | head -1)"
    rm -rf "$work"
done
tap_done
