# tap.sh - TAP output for the shell tests (rig, e2e, fuzz), sourced by each test script.
#
#   . "$GRIDWALK_TOP/tests/lib/tap.sh"
#   ok "the hub answered 201" test "$code" = 201
#   tap_done          # last line of the script: exits non-zero if anything failed
#
# `ok DESC CMD...` runs CMD and reports its outcome; `tap_fail DESC WHY` reports a failure
# directly; `diag` writes a comment line. Cleanup belongs in a `trap ... EXIT` of the script.
_tap_n=0
_tap_failed=0
: "${GRIDWALK_TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${GRIDWALK_BUILD:=$GRIDWALK_TOP/build}"
export GRIDWALK_TOP GRIDWALK_BUILD

diag() { printf '# %s\n' "$*"; }

ok() {
    local desc=$1
    shift
    _tap_n=$((_tap_n + 1))
    if "$@"; then
        printf 'ok %d - %s\n' "$_tap_n" "$desc"
    else
        printf 'not ok %d - %s\n' "$_tap_n" "$desc"
        _tap_failed=$((_tap_failed + 1))
    fi
}

tap_fail() {
    _tap_n=$((_tap_n + 1))
    _tap_failed=$((_tap_failed + 1))
    printf 'not ok %d - %s\n' "$_tap_n" "$1"
    [ $# -gt 1 ] && diag "$2"
    return 0
}

tap_done() {
    printf '1..%d\n' "$_tap_n"
    [ "$_tap_failed" -eq 0 ]
    exit $?
}

# A free TCP port on loopback for a server under test.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_for SECONDS CMD... : polls CMD every 0.1 s until it succeeds or time runs out.
wait_for() {
    local limit=$1 i=0
    shift
    while ! "$@" 2>/dev/null; do
        i=$((i + 1))
        [ "$i" -ge $((limit * 10)) ] && return 1
        sleep 0.1
    done
}
