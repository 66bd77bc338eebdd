#!/usr/bin/env bash
# The layering rules of STYLE.md, checked on every source file:
# ui/ never includes SQLite, curl, V4L2, SANE or gpsd headers; arrows point down only
# (ui -> app -> data); media/, app/probe/ and app/geo/ are leaves that include neither
# ui/, app/ nor data/ headers; nothing but the TUI's main includes ui/. Also the banned
# functions of the house style.
. "${GRIDWALK_TOP:-$(dirname "$0")/../..}/tests/lib/tap.sh"
cd "$GRIDWALK_TOP" || exit 1

violations() { # pattern files...
    local pat=$1
    shift
    [ $# -eq 0 ] && return 0
    grep -nE "$pat" "$@" 2>/dev/null
}

files() { git ls-files "$@" 2>/dev/null; }

check_none() { # desc pattern files...
    local desc=$1 pat=$2 out
    shift 2
    mapfile -t fl < <(files "$@")
    out=$(violations "$pat" "${fl[@]}")
    if [ -z "$out" ]; then ok "$desc" true; else tap_fail "$desc" "$(echo "$out" | head -5)"; fi
}

check_none "ui/ includes no device, network or SQL headers" \
    '#include *<(sqlite3|curl/|libv4l2|linux/videodev2|sane/|gps)\.?' 'ui/*.c' 'ui/*.h'
check_none "data/ includes nothing from app/ or ui/" '#include *"(app|ui)/' 'data/*.c' 'data/*.h'
check_none "app/ includes nothing from ui/ (except the TUI's main)" '#include *"ui/' \
    $(files 'app/*.c' 'app/*.h' | grep -v '^app/main\.c$')
check_none "media/ is a leaf" '#include *"(app|ui|data|sync)/' 'media/*.c' 'media/*.h'
check_none "app/probe/ is a leaf" '#include *"(ui|data|sync|media)/|#include *"app/[a-z_]+\.h"' \
    'app/probe/*.c' 'app/probe/*.h'
check_none "app/geo/ is a leaf" '#include *"(ui|data|sync|media)/|#include *"app/[a-z_]+\.h"' \
    'app/geo/*.c' 'app/geo/*.h'
check_none "no banned functions (sprintf, strcpy, strcat, atoi, gets)" \
    '(^|[^a-z_])(sprintf|vsprintf|strcpy|strcat|atoi|gets)\(' '*.c' '*.h'
first_include_ok() {
    local bad=""
    for f in $(files '*.c'); do
        first=$(grep -m1 '^#include' "$f")
        [ "$first" = '#include "gridwalk/config.h"' ] || bad="$bad $f"
    done
    [ -z "$bad" ] || { echo "# first include is not gridwalk/config.h in:$bad"; return 1; }
}
ok "every .c file includes gridwalk/config.h first" first_include_ok
tap_done
