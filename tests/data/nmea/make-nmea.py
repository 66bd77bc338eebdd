#!/usr/bin/env python3
"""make-nmea.py - writes the NMEA 0183 logs the gpsd rig replays through gpsfake.

Synthetic but realistic sentences (GGA, GSA, RMC and two GSV per 1 Hz epoch, correct
checksums) for a walk in Hangzhou near 30.27N 120.15E:
  walk.nmea       30 epochs walking north along Hubin Road, good 3D fix (HDOP 0.9)
  lossfix.nmea    10 epochs with a fix, then 15 epochs without one (under a bridge)
  demo-walk.nmea  a 20-minute loop around the demo district, for `make demo`
Run it again to regenerate; the output is deterministic."""
import math

SATS = [(3, 62, 41, 44), (6, 48, 112, 42), (9, 35, 188, 40), (12, 27, 240, 38),
        (17, 71, 300, 45), (19, 22, 20, 35), (22, 40, 150, 41), (28, 15, 330, 33)]


def cs(body):
    c = 0
    for ch in body:
        c ^= ord(ch)
    return "$%s*%02X" % (body, c)


def dm(v, lat):
    a = abs(v)
    d = int(a)
    m = (a - d) * 60
    if lat:
        return "%02d%07.4f" % (d, m), "N" if v >= 0 else "S"
    return "%03d%07.4f" % (d, m), "E" if v >= 0 else "W"


def epoch(t, lat, lon, fix, speed_mps=0.0, course=0.0):
    hh, mm, ss = t // 3600, (t // 60) % 60, t % 60
    tm = "%02d%02d%02d.00" % (hh, mm, ss)
    date = "221126"
    out = []
    if fix:
        la, ns = dm(lat, True)
        lo, ew = dm(lon, False)
        out.append(cs("GPGGA,%s,%s,%s,%s,%s,1,08,0.9,12.4,M,7.1,M,," % (tm, la, ns, lo, ew)))
        ids = ",".join("%02d" % s[0] for s in SATS) + ",,,,"
        out.append(cs("GPGSA,A,3,%s,1.6,0.9,1.3" % ids))
        out.append(cs("GPRMC,%s,A,%s,%s,%s,%s,%.2f,%.1f,%s,,,A" %
                      (tm, la, ns, lo, ew, speed_mps * 1.943844, course, date)))
        snr = True
    else:
        out.append(cs("GPGGA,%s,,,,,0,00,99.9,,M,,M,," % tm))
        out.append(cs("GPGSA,A,1,,,,,,,,,,,,,99.9,99.9,99.9"))
        out.append(cs("GPRMC,%s,V,,,,,,,%s,,,N" % (tm, date)))
        snr = False
    for part in range(2):
        fields = []
        for s in SATS[part * 4:part * 4 + 4]:
            fields.append("%02d,%02d,%03d,%s" % (s[0], s[1], s[2], "%02d" % s[3] if snr else ""))
        out.append(cs("GPGSV,2,%d,08,%s" % (part + 1, ",".join(fields))))
    return out


def walk(path, t0, lat0, lon0, legs):
    """legs: list of (bearing_deg, seconds, speed_mps, fix)"""
    lines, lat, lon, t = [], lat0, lon0, t0
    for brg, secs, v, fix in legs:
        for _ in range(secs):
            lines += epoch(t, lat, lon, fix, v if fix else 0.0, brg)
            dn = v * math.cos(math.radians(brg))
            de = v * math.sin(math.radians(brg))
            lat += dn / 110850.0
            lon += de / (111320.0 * math.cos(math.radians(lat)))
            t += 1
    with open(path, "w") as f:
        f.write("# %s: synthetic NMEA walk in Hangzhou, written by make-nmea.py\n" % path)
        f.write("\n".join(lines) + "\n")


walk("walk.nmea", 6 * 3600, 30.25900, 120.16400, [(0, 30, 1.4, True)])
walk("lossfix.nmea", 6 * 3600 + 600, 30.26100, 120.16410, [(0, 10, 1.4, True), (0, 15, 1.4, False)])
walk("demo-walk.nmea", 6 * 3600, 30.27000, 120.15000,
     [(0, 300, 1.3, True), (90, 300, 1.3, True), (180, 300, 1.3, True), (270, 300, 1.3, True)])
