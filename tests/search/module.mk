# The customer search: its unit tests and its benchmark tool (scripts/bench.d/20-search.sh).
UNIT_TESTS += test_query test_search
test_query_SRCS := tests/unit/test_query.c
test_query_MODULES := app data
test_search_SRCS := tests/unit/test_search.c
test_search_MODULES := app data

TOOLS += search-bench
search-bench_SRCS := tests/search/search_bench.c
search-bench_MODULES := app data
