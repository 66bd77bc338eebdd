# app/geo: the gpsd client, geodesy, the route planner and the walked trip, the TSPLIB reader,
# the map canvas and the map view (the map screen without curses).
# A leaf: no SQL, no screens.
MODULES += geo
geo_SRCS := $(wildcard app/geo/*.c)
geo_PKGS := libgps
geo_LDLIBS := -lm

UNIT_TESTS += test_geodesy test_route test_canvas test_trip test_mapview
test_geodesy_SRCS := tests/unit/test_geodesy.c
test_geodesy_MODULES := geo
test_route_SRCS := tests/unit/test_route.c
test_route_MODULES := geo
test_canvas_SRCS := tests/unit/test_canvas.c
test_canvas_MODULES := geo
test_trip_SRCS := tests/unit/test_trip.c
test_trip_MODULES := geo
test_mapview_SRCS := tests/unit/test_mapview.c
test_mapview_MODULES := geo

# Pinning lives in data/ (data/pin.c); its test runs against real SQLite.
UNIT_TESTS += test_pin
test_pin_SRCS := tests/unit/test_pin.c
test_pin_MODULES := data

# The map screen in the real UI, headless (ui/scr_map.c, ui/geo.c).
UNIT_TESTS += test_ui_map
test_ui_map_SRCS := tests/unit/test_ui_map.c tests/unit/ui_fixture.c
test_ui_map_MODULES := ui app geo data

# The route screen and the map's taps and buttons, headless (ui/scr_route.c, ui/scr_map.c).
UNIT_TESTS += test_ui_route
test_ui_route_SRCS := tests/unit/test_ui_route.c tests/unit/ui_fixture.c
test_ui_route_MODULES := ui app geo data
