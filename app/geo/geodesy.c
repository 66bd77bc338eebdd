/* geodesy.c - WGS-84 distances (Vincenty), bearings and the local projection. */
#include "gridwalk/config.h"

#include "app/geo/geodesy.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define DEG (M_PI / 180.0)

double geo_haversine_m(double lat1, double lon1, double lat2, double lon2)
{
    double p1 = lat1 * DEG, p2 = lat2 * DEG;
    double dp = p2 - p1, dl = (lon2 - lon1) * DEG;
    double a = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);
    if (a > 1)
        a = 1;
    return 2 * GEO_MEAN_RADIUS_M * asin(sqrt(a));
}

double geo_fast_distance_m(double lat1, double lon1, double lat2, double lon2)
{
    const double a = GEO_WGS84_A, f = GEO_WGS84_F;
    double e2 = f * (2 - f);
    double pm = (lat1 + lat2) / 2 * DEG, sp = sin(pm);
    double w2 = 1 - e2 * sp * sp, w = sqrt(w2);
    double M = a * (1 - e2) / (w2 * w), N = a / w;
    double dl = lon2 - lon1;
    if (dl > 180)
        dl -= 360;
    else if (dl < -180)
        dl += 360;
    double dy = (lat2 - lat1) * DEG * M, dx = dl * DEG * N * cos(pm);
    return sqrt(dx * dx + dy * dy);
}

double geo_bearing_deg(double lat1, double lon1, double lat2, double lon2)
{
    double az;
    geo_inverse(lat1, lon1, lat2, lon2, &az);
    return az;
}

double geo_inverse(double lat1, double lon1, double lat2, double lon2, double *az1_deg)
{
    const double a = GEO_WGS84_A, f = GEO_WGS84_F, b = a * (1 - f);
    if (az1_deg)
        *az1_deg = NAN;
    if (isnan(lat1) || isnan(lon1) || isnan(lat2) || isnan(lon2))
        return NAN;
    double L = (lon2 - lon1) * DEG;
    double U1 = atan((1 - f) * tan(lat1 * DEG)), U2 = atan((1 - f) * tan(lat2 * DEG));
    double sinU1 = sin(U1), cosU1 = cos(U1), sinU2 = sin(U2), cosU2 = cos(U2);
    double lambda = L, lambda_prev;
    double sin_sigma = 0, cos_sigma = 0, sigma = 0, cos2_alpha = 0, cos_2sm = 0;
    double sin_l = 0, cos_l = 0;
    int iter = 0;
    do {
        sin_l = sin(lambda);
        cos_l = cos(lambda);
        double t1 = cosU2 * sin_l, t2 = cosU1 * sinU2 - sinU1 * cosU2 * cos_l;
        sin_sigma = sqrt(t1 * t1 + t2 * t2);
        if (sin_sigma == 0)
            return 0; /* coincident points: azimuth stays NaN */
        cos_sigma = sinU1 * sinU2 + cosU1 * cosU2 * cos_l;
        sigma = atan2(sin_sigma, cos_sigma);
        double sin_alpha = cosU1 * cosU2 * sin_l / sin_sigma;
        cos2_alpha = 1 - sin_alpha * sin_alpha;
        /* On the equator cos2_alpha is 0 and the term vanishes. */
        cos_2sm = cos2_alpha != 0 ? cos_sigma - 2 * sinU1 * sinU2 / cos2_alpha : 0;
        double C = f / 16 * cos2_alpha * (4 + f * (4 - 3 * cos2_alpha));
        lambda_prev = lambda;
        lambda = L + (1 - C) * f * sin_alpha *
                         (sigma +
                          C * sin_sigma * (cos_2sm + C * cos_sigma * (-1 + 2 * cos_2sm * cos_2sm)));
    } while (fabs(lambda - lambda_prev) > 1e-12 && ++iter < 200);
    if (iter >= 200) {
        /* Nearly antipodal: Vincenty does not converge. A field route never gets here. */
        if (az1_deg) {
            double y = sin(L) * cos(lat2 * DEG);
            double x =
                cos(lat1 * DEG) * sin(lat2 * DEG) - sin(lat1 * DEG) * cos(lat2 * DEG) * cos(L);
            *az1_deg = fmod(atan2(y, x) / DEG + 360.0, 360.0);
        }
        return geo_haversine_m(lat1, lon1, lat2, lon2);
    }
    double u2 = cos2_alpha * (a * a - b * b) / (b * b);
    double A = 1 + u2 / 16384 * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
    double B = u2 / 1024 * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
    double dsigma = B * sin_sigma *
                    (cos_2sm + B / 4 *
                                   (cos_sigma * (-1 + 2 * cos_2sm * cos_2sm) -
                                    B / 6 * cos_2sm * (-3 + 4 * sin_sigma * sin_sigma) *
                                        (-3 + 4 * cos_2sm * cos_2sm)));
    if (az1_deg) {
        double az = atan2(cosU2 * sin_l, cosU1 * sinU2 - sinU1 * cosU2 * cos_l) / DEG;
        *az1_deg = fmod(az + 360.0, 360.0);
    }
    return b * A * (sigma - dsigma);
}

double geo_distance_m(double lat1, double lon1, double lat2, double lon2)
{
    return geo_inverse(lat1, lon1, lat2, lon2, NULL);
}

const char *geo_compass8(double bearing_deg)
{
    static const char *const names[] = {"N", "NE", "E", "SE", "S", "SW", "W", "NW"};
    if (isnan(bearing_deg))
        return "?";
    double b = fmod(fmod(bearing_deg, 360.0) + 360.0, 360.0);
    return names[(int)floor((b + 22.5) / 45.0) % 8];
}

void geo_proj_init(struct geo_proj *p, double lat0, double lon0)
{
    const double a = GEO_WGS84_A, f = GEO_WGS84_F;
    double e2 = f * (2 - f), s = sin(lat0 * DEG);
    double w = sqrt(1 - e2 * s * s);
    double M = a * (1 - e2) / (w * w * w); /* meridional radius of curvature */
    double N = a / w;                      /* prime vertical radius of curvature */
    p->lat0 = lat0;
    p->lon0 = lon0;
    p->m_per_deg_lat = M * DEG;
    p->m_per_deg_lon = N * cos(lat0 * DEG) * DEG;
}

void geo_project(const struct geo_proj *p, double lat, double lon, double *x, double *y)
{
    double dl = lon - p->lon0;
    if (dl > 180)
        dl -= 360;
    else if (dl < -180)
        dl += 360;
    *x = dl * p->m_per_deg_lon;
    *y = (lat - p->lat0) * p->m_per_deg_lat;
}

void geo_unproject(const struct geo_proj *p, double x, double y, double *lat, double *lon)
{
    *lat = p->lat0 + y / p->m_per_deg_lat;
    *lon = p->lon0 + (p->m_per_deg_lon != 0 ? x / p->m_per_deg_lon : 0);
}

int geo_valid(double lat, double lon)
{
    if (!isfinite(lat) || !isfinite(lon))
        return 0;
    if (lat < -90 || lat > 90 || lon < -180 || lon > 180)
        return 0;
    return !(lat == 0 && lon == 0);
}

int geo_parse_latlon(const char *s, double *lat, double *lon)
{
    char *end;
    errno = 0;
    double a = strtod(s, &end);
    if (end == s || errno)
        return -1;
    while (*end == ' ')
        end++;
    if (*end != ',')
        return -1;
    const char *t = end + 1;
    double b = strtod(t, &end);
    if (end == t || errno)
        return -1;
    while (*end == ' ')
        end++;
    if (*end || !geo_valid(a, b))
        return -1;
    *lat = a;
    *lon = b;
    return 0;
}

void geo_format_distance(double m, char *buf, size_t n)
{
    if (isnan(m))
        snprintf(buf, n, "n/a");
    else if (m < 1000)
        snprintf(buf, n, "%.0f m", m);
    else if (m < 100000)
        snprintf(buf, n, "%.1f km", m / 1000);
    else
        snprintf(buf, n, "%.0f km", m / 1000);
}
