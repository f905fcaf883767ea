"""Lookup side of the gazetteer: an SQLite file of places and folded names.

Names are folded (transliterated to ASCII, lower case, apostrophes dropped,
hyphens as spaces) so that Aghdam/Ağdam, Mariupol/Mariupol' meet. Opening the
index is a file open; lookups are indexed queries, cached per process.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from incidex.errors import Codes, GazetteerError

SCHEMA_VERSION = "3"
_APOS = re.compile(r"[’'`ʼ‘ʻ´]")
_NONWORD = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=200_000)
def fold(name: str) -> str:
    from unidecode import unidecode

    s = unidecode(_APOS.sub("", name)).lower()
    return _NONWORD.sub(" ", s).strip()


@dataclass(frozen=True)
class Candidate:
    id: str
    name: str
    country_code: str | None
    admin1: str | None
    admin2: str | None
    lat: float
    lon: float
    feature: str
    population: int
    match: str  # exact | alternate | fuzzy


class Gazetteer:
    """Read-only access to a built index (see ``incidex.gazetteer.build``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.exists():
            raise GazetteerError(Codes.E201, path=str(path), detail="no such file")
        try:
            self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            row = self.conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise GazetteerError(Codes.E201, path=str(path), detail=str(exc)) from None
        if row is None or row[0] != SCHEMA_VERSION:
            raise GazetteerError(Codes.E201, path=str(path), detail="unknown schema version")
        self._lookup = lru_cache(maxsize=50_000)(self._lookup_uncached)

    def stats(self) -> dict[str, int]:
        places = self.conn.execute("SELECT COUNT(*) FROM places").fetchone()[0]
        names = self.conn.execute("SELECT COUNT(*) FROM names").fetchone()[0]
        return {"places": int(places), "names": int(names)}

    def _lookup_uncached(self, folded: str) -> tuple[Candidate, ...]:
        rows = self.conn.execute(
            "SELECT p.id, p.name, p.country_code, p.admin1, p.admin2, p.lat, p.lon, p.feature, p.population,"
            " MAX(n.is_primary) FROM names n JOIN places p ON p.id = n.place_id WHERE n.folded = ?"
            " GROUP BY p.id ORDER BY p.population DESC LIMIT 50",
            (folded,),
        ).fetchall()
        return tuple(
            Candidate(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8] or 0, "exact" if r[9] else "alternate")
            for r in rows
        )

    def lookup(self, name: str) -> tuple[Candidate, ...]:
        """Candidates whose name or alternate name folds to the same string."""
        f = fold(name)
        if not f:
            return ()
        return self._lookup(f)

    def lookup_fuzzy(self, name: str, min_ratio: float = 88.0) -> tuple[Candidate, ...]:
        """Near misses ("Mariupoll", "Stepanakertt") when the exact lookup finds nothing: names that share
        the first three folded letters and score at least ``min_ratio`` with rapidfuzz; ``match='fuzzy'``."""
        f = fold(name)
        if len(f) < 5 or self._lookup(f):
            return ()
        return self._fuzzy(f, min_ratio)

    @lru_cache(maxsize=10_000)  # noqa: B019 - one gazetteer per process
    def _fuzzy(self, f: str, min_ratio: float) -> tuple[Candidate, ...]:
        from rapidfuzz import fuzz

        prefix = f[:3]
        rows = self.conn.execute(
            "SELECT DISTINCT folded FROM names WHERE folded >= ? AND folded < ? LIMIT 20000",
            (prefix, prefix + "\uffff"),
        ).fetchall()
        scored = sorted(((fuzz.ratio(f, r[0]), r[0]) for r in rows if abs(len(r[0]) - len(f)) <= 2), reverse=True)
        if not scored or scored[0][0] < min_ratio:
            return ()
        best = scored[0][0]
        out: list[Candidate] = []
        for ratio, name in scored:
            if ratio < best:
                break
            out.extend(Candidate(c.id, c.name, c.country_code, c.admin1, c.admin2, c.lat, c.lon, c.feature,
                                 c.population, "fuzzy") for c in self._lookup(name))
        return tuple(out[:50])

    def known(self, name: str) -> bool:
        return bool(self.lookup(name))

    def country(self, code: str) -> Candidate | None:
        return self._lookup_country(code)

    @lru_cache(maxsize=4096)  # noqa: B019 - one gazetteer per process
    def country_name(self, word: str) -> tuple[str, str] | None:
        """(ISO code, canonical name) when ``word`` names a country or is its ISO code."""
        if len(word) == 2 and word.isupper():
            c = self.country(word)
            return (word, c.name) if c else None
        for c in self.lookup(word):
            if c.feature == "country" and c.country_code:
                return c.country_code, c.name
        return None

    @lru_cache(maxsize=4096)  # noqa: B019 - one gazetteer per process
    def demonym(self, word: str) -> str | None:
        """ISO code of the country whose demonym is ``word`` ("Azerbaijani" -> "AZ")."""
        f = fold(word)
        if f.endswith("s") and len(f) > 4:
            row = self.conn.execute("SELECT country_code FROM demonyms WHERE folded IN (?, ?)", (f, f[:-1])).fetchone()
        else:
            row = self.conn.execute("SELECT country_code FROM demonyms WHERE folded = ?", (f,)).fetchone()
        return str(row[0]) if row else None

    @lru_cache(maxsize=512)  # noqa: B019 - one gazetteer per process
    def _lookup_country(self, code: str) -> Candidate | None:
        r = self.conn.execute(
            "SELECT id, name, country_code, admin1, admin2, lat, lon, feature, population FROM places"
            " WHERE feature='country' AND country_code=?",
            (code,),
        ).fetchone()
        return Candidate(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8] or 0, "exact") if r else None


_OPEN: dict[str, Gazetteer] = {}


def open_gazetteer(path: Path | None = None, build_if_missing: bool = True) -> Gazetteer:
    """The process-wide gazetteer; builds the index on first use when allowed."""
    from incidex.config import get_settings

    p = path or get_settings().gazetteer_path
    key = str(p)
    if key not in _OPEN:
        if not p.exists() and build_if_missing:
            from incidex.gazetteer.build import build_index

            build_index(p)
        _OPEN[key] = Gazetteer(p)
    return _OPEN[key]
