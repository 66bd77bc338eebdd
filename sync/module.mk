# sync/: the wire format and bundles (shared), the hub server, the tablet's sync agent.
MODULES += syncwire
syncwire_SRCS := sync/wire.c sync/bundle.c sync/sbuf.c
syncwire_PKGS := jansson libcrypto libarchive

MODULES += hub
hub_SRCS := sync/hub_store.c sync/hub_tree.c sync/hub_http.c
hub_PKGS := sqlite3 libmicrohttpd uuid jansson libcrypto libarchive

PROGRAMS += gridwalk-hub
gridwalk-hub_SRCS := sync/hub_main.c
gridwalk-hub_MODULES := hub syncwire app
gridwalk-hub_LDLIBS := -lpthread

UNIT_TESTS += test_wire
test_wire_SRCS := tests/unit/test_wire.c
test_wire_MODULES := syncwire data

MODULES += syncagent
syncagent_SRCS := sync/agent.c
syncagent_PKGS := libcurl jansson
syncagent_LDLIBS := -lm

PROGRAMS += gridwalk-syncd
gridwalk-syncd_SRCS := sync/syncd_main.c
gridwalk-syncd_MODULES := syncagent syncwire data app

TOOLS += gw-sync-fill
gw-sync-fill_SRCS := sync/tools/fill.c
gw-sync-fill_MODULES := data syncwire

# The tablet side's outbox and pull live in data/ (shared with the app); their test is ours.
UNIT_TESTS += test_outbox
test_outbox_SRCS := tests/unit/test_outbox.c
test_outbox_MODULES := data

TOOLS += gw-nfq-delay
gw-nfq-delay_SRCS := sync/tools/nfq_delay.c
gw-nfq-delay_PKGS := libnetfilter_queue

UNIT_TESTS += test_hub
test_hub_SRCS := tests/unit/test_hub.c
test_hub_MODULES := hub syncwire app

UNIT_TESTS += test_hub_tasks
test_hub_tasks_SRCS := tests/unit/test_hub_tasks.c
test_hub_tasks_MODULES := hub syncwire app
