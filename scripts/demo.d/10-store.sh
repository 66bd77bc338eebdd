# 10-store.sh - the demo store: made-up customers of a Hangzhou branch (gridwalk demo-data),
# made once; an existing store is left as it is, with whatever the demo did to it.
# DEMO_CUSTOMERS (default 20000) and DEMO_SEED (default 1) choose the data set.
if [ ! -s "$GRIDWALK_DB" ]; then
    echo "demo: making a store with ${DEMO_CUSTOMERS:-20000} customers at $GRIDWALK_DB"
    "$GRIDWALK_BUILD/bin/gridwalk" demo-data --db "$GRIDWALK_DB" \
        --customers "${DEMO_CUSTOMERS:-20000}" --seed "${DEMO_SEED:-1}"
fi
