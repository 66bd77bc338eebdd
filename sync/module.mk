# sync/: the wire format and bundles (shared), the hub server, the tablet's sync agent.
MODULES += syncwire
syncwire_SRCS := sync/wire.c sync/bundle.c sync/sbuf.c
syncwire_PKGS := jansson libcrypto libarchive

MODULES += hub
hub_SRCS := sync/hub_store.c sync/hub_tree.c sync/hub_http.c
hub_PKGS := sqlite3 libmicrohttpd uuid jansson libcrypto libarchive

PROGRAMS += gridwalk-hub
gridwalk-hub_SRCS := sync/hub_main.c
gridwalk-hub_MODULES := hub syncwire
gridwalk-hub_LDLIBS := -lpthread

UNIT_TESTS += test_wire
test_wire_SRCS := tests/unit/test_wire.c
test_wire_MODULES := syncwire
