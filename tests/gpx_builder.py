"""Tiny, valid GPX documents built in tests (no corpus needed)."""

from __future__ import annotations

import pandas as pd


def gpx_bytes(
    start: str = "2026-05-04T06:00:00Z",
    n: int = 120,
    step_s: int = 5,
    lat0: float = 52.52,
    lon0: float = 13.40,
    speed_mps: float = 3.0,
    hr: int = 145,
    cad_per_leg: int = 85,
) -> bytes:
    """A straight run north with Garmin TrackPointExtension HR and per-leg cadence."""
    t0 = pd.Timestamp(start)
    pts = []
    for i in range(n):
        t = (t0 + pd.Timedelta(seconds=i * step_s)).strftime("%Y-%m-%dT%H:%M:%SZ")
        lat = lat0 + i * step_s * speed_mps / 111_195.0
        pts.append(
            f'<trkpt lat="{lat:.7f}" lon="{lon0:.7f}"><ele>{35 + i % 3}</ele><time>{t}</time>'
            f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{hr}</gpxtpx:hr>"
            f"<gpxtpx:cad>{cad_per_leg}</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions>"
            "</trkpt>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<trk><name>Test run</name><type>running</type><trkseg>{''.join(pts)}</trkseg></trk></gpx>"
    ).encode()
