/* geodesy.h - distances, bearings and a local map projection on the WGS-84 ellipsoid.
 *
 * Pure functions over latitude/longitude in degrees: the ellipsoidal (Vincenty) distance and
 * forward azimuth the route planner and the map report, a fast spherical distance for
 * neighbour search, and a local tangent-plane projection (metres east/north of a centre) the
 * map canvas and the planner's grid use. Owns no memory, does no I/O; knows nothing of gpsd,
 * screens or the store. NaN in, NaN out: "unknown" is never turned into 0. */
#ifndef GRIDWALK_GEO_GEODESY_H
#define GRIDWALK_GEO_GEODESY_H

#include "gridwalk/config.h"

#include <stddef.h>

#define GEO_WGS84_A 6378137.0
#define GEO_WGS84_F (1.0 / 298.257223563)
#define GEO_MEAN_RADIUS_M 6371008.8

/* Geodesic distance in metres between two points on the WGS-84 ellipsoid (Vincenty's
 * inverse method, accurate to well under a millimetre); *az1_deg (may be NULL) gets the
 * forward azimuth at the first point, 0..360 clockwise from true north (NaN for coincident
 * points). Nearly antipodal points, where the iteration does not converge, fall back to the
 * spherical distance. */
double geo_inverse(double lat1, double lon1, double lat2, double lon2, double *az1_deg);

/* geo_inverse's distance only. */
double geo_distance_m(double lat1, double lon1, double lat2, double lon2);

/* Great-circle (haversine) distance on the mean-radius sphere: about 0.5% from the
 * ellipsoid at worst, cheap enough for neighbour search. */
double geo_haversine_m(double lat1, double lon1, double lat2, double lon2);

/* Ellipsoidal distance by the mid-latitude formula (radii of curvature at the mean latitude):
 * within a part in 10^5 of geo_distance_m up to some tens of km, and several times faster;
 * the planner's matrix for big routes. */
double geo_fast_distance_m(double lat1, double lon1, double lat2, double lon2);

/* Initial bearing 0..360 from the first point to the second (NaN for coincident points). */
double geo_bearing_deg(double lat1, double lon1, double lat2, double lon2);

/* The 8-point compass name of a bearing ("N", "NE", ... "NW"); "?" for NaN. Static text. */
const char *geo_compass8(double bearing_deg);

/* A local tangent-plane projection: metres east (x) and north (y) of a centre, using the
 * ellipsoid's radii of curvature at the centre. Within a city (tens of km) it is good to a
 * few parts in 10^5, plenty for a map and for the planner's neighbour grid. */
struct geo_proj {
    double lat0, lon0;
    double m_per_deg_lat, m_per_deg_lon;
};
void geo_proj_init(struct geo_proj *p, double lat0, double lon0);
void geo_project(const struct geo_proj *p, double lat, double lon, double *x, double *y);
void geo_unproject(const struct geo_proj *p, double x, double y, double *lat, double *lon);

/* True when lat/lon are finite and within range (and not both exactly 0, the null island
 * that broken sources write for "unknown"). */
int geo_valid(double lat, double lon);

/* Parses "LAT,LON" in decimal degrees (e.g. "30.2741,120.1551"). 0 on success, -1 when the
 * text is not two numbers in range. */
int geo_parse_latlon(const char *s, double *lat, double *lon);

/* Formats a distance for people: "850 m", "12.3 km", "n/a" for NaN. */
void geo_format_distance(double m, char *buf, size_t n);

#endif
