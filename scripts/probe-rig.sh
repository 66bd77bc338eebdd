# probe-rig.sh - starts and stops the meter simulator on a pseudo-terminal (sourced).
#
#   . "$GRIDWALK_TOP/scripts/probe-rig.sh"
#   probe_rig_start DIR [metersim flags...] REGISTER_FILE   # sets PROBE_PORT, PROBE_SIM_PID
#   probe_rig_stop                                          # by PID; also from a trap
#
# The simulator prints its pty's path on its first line; its log goes to DIR/metersim.log.
: "${GRIDWALK_BUILD:=${GRIDWALK_TOP:?}/build}"
PROBE_SIM_PID=
PROBE_PORT=

probe_rig_start() {
    local dir=$1
    shift
    probe_rig_stop
    : >"$dir/metersim.out"
    "$GRIDWALK_BUILD/tools/metersim" "$@" >"$dir/metersim.out" 2>>"$dir/metersim.log" &
    PROBE_SIM_PID=$!
    local i=0
    while [ ! -s "$dir/metersim.out" ]; do
        i=$((i + 1))
        if [ "$i" -gt 50 ] || ! kill -0 "$PROBE_SIM_PID" 2>/dev/null; then
            echo "metersim did not start (see $dir/metersim.log)" >&2
            return 1
        fi
        sleep 0.1
    done
    PROBE_PORT=$(head -1 "$dir/metersim.out")
}

probe_rig_stop() {
    if [ -n "$PROBE_SIM_PID" ]; then
        kill "$PROBE_SIM_PID" 2>/dev/null
        wait "$PROBE_SIM_PID" 2>/dev/null
    fi
    PROBE_SIM_PID=
    PROBE_PORT=
}
