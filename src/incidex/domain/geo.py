"""Great-circle distance, shared by the gazetteer, the pipeline and evaluation."""

from __future__ import annotations

import math


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


# The store's spatial index: a 1-degree grid. A bounding-box query becomes "cell IN (...)", which SQLite and
# PostgreSQL both answer from an ordinary B-tree (no SpatiaLite or PostGIS to install).
CELL_DEG = 1
MAX_QUERY_CELLS = 2_000  # a box wider than this many cells is not selective: the query skips the grid


def grid_cell(lat: float | None, lon: float | None) -> int | None:
    """The 1-degree cell of a point (row-major from -90/-180), or None for a point without coordinates."""
    if lat is None or lon is None:
        return None
    row = min(179, max(0, int(math.floor(lat + 90))))
    col = min(359, max(0, int(math.floor(lon + 180))))
    return row * 360 + col


def cells_covering(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> list[int] | None:
    """Every cell a bounding box touches; None when there are more than MAX_QUERY_CELLS (or the box is empty)."""
    if max_lat < min_lat or max_lon < min_lon:
        return None
    r0, r1 = (min(179, max(0, int(math.floor(v + 90)))) for v in (min_lat, max_lat))
    c0, c1 = (min(359, max(0, int(math.floor(v + 180)))) for v in (min_lon, max_lon))
    if (r1 - r0 + 1) * (c1 - c0 + 1) > MAX_QUERY_CELLS:
        return None
    return [r * 360 + c for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]
