# 20-search.sh - a few customer searches on the demo store, as `gridwalk search` prints them:
# a surname, a two-character street fragment, an account-number fragment and a form-style
# query with qualified terms. Sourced by scripts/demo after the store exists.
demo_search() {
    echo "demo: gridwalk search $*"
    "$GRIDWALK_BUILD/bin/gridwalk" search --db "$GRIDWALK_DB" --limit 3 "$@" | sed 's/^/    /' || true
}
demo_search 杨
demo_search 德胜
demo_search 3310011
demo_search name:李 kv:380
unset -f demo_search
