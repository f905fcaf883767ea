"""Lookup side of the gazetteer: an SQLite file of places and folded names.

Names are folded (transliterated to ASCII, lower case, apostrophes dropped,
hyphens as spaces) so that Ağdam/Agdam, Cəbrayıl/Cebrayil, Mariupol/Mariupol' meet
(Aghdam/Agdam meet through GeoNames' alternate names, not folding). Opening the
index is a file open and a cheap integrity check (schema version, file length);
lookups are indexed queries, cached per process. ``lookup_many`` answers a whole
document's names in one query, and the bitmap of names the build keeps in ``meta``
spares the query for the names that are not in the index, most of a text's
capitalised phrases (one query per name cost ~50 us; docs/GEOPARSER.md). ``search`` answers partial and
multi-word queries from an FTS5 table over the folded names. A missing, truncated
or otherwise unreadable index is a ``GazetteerError`` (E201) that tells the user to
run ``incidex gazetteer build``, never a raw ``sqlite3`` traceback.
"""

from __future__ import annotations

import json
import re
import sqlite3
import zlib
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from incidex.errors import Codes, GazetteerError

SCHEMA_VERSION = "4"
# ids of the places only the US postal list names (``build.us_postal_places``): hamlets with no population figure
POSTAL_ID_PREFIX = "usps:"
_APOS = re.compile(r"[’'`ʼ‘ʻ´ʾʿʹˈ]")  # ʾ ʿ: hamza and ayn in Arabic transliterations
_NONWORD = re.compile(r"[^a-z0-9]+")
LOOKUP_CACHE = 100_000  # folded names (places and misses) kept per gazetteer, least recently used dropped
_PREFETCH_CHUNK = 500  # names per bulk query (well under SQLite's limit of bound parameters)
_CANDIDATE_SQL = ("SELECT p.id, p.name, p.country_code, p.admin1, p.admin2, p.lat, p.lon, p.feature, p.population,"
                  " n.is_primary{extra} FROM names n JOIN places p ON p.id = n.place_id WHERE n.folded {where}")


# letters unidecode does not turn into a letter: the Azerbaijani schwa becomes "@" (Gəncə -> "g@nc@"), which
# split names into fragments that collided ("g nc" was both Ganja and Yevlakh) and kept Cəbrayıl from Cebrayil
_LETTERS = str.maketrans({"ə": "e", "Ə": "E", "ǝ": "e", "Ǝ": "E", "ɚ": "er"})


@lru_cache(maxsize=200_000)
def fold(name: str) -> str:
    if name.isascii() and "'" not in name and "`" not in name:
        return _NONWORD.sub(" ", name.lower()).strip()  # what the steps below make of it, without unidecode
    from unidecode import unidecode

    s = unidecode(_APOS.sub("", name).translate(_LETTERS)).lower()
    return _NONWORD.sub(" ", s).strip()


# Romanisations of Arabic, Persian, Pashto and Urdu place names vary ("Menoufia" / "Minufiyah", "Deir ez-Zor" /
# "Dayr az Zawr", "Hodeidah" / "Al Hudaydah"): ``skeleton`` is a key they share, and the build indexes it for the
# places of the countries where such names are written (``VARIANT_COUNTRIES``), in the table ``skeletons``
_ARTICLES = frozenset("al el ad ar as az an ash at ath adh ed er es ez en ul ud ur us".split())
_SKELETON_SUBS = (("ou", "u"), ("oo", "u"), ("ee", "i"), ("q", "k"), ("dh", "d"), ("gh", "g"), ("kh", "k"),
                  ("w", "u"), ("y", "i"))
_VOWELS = re.compile(r"[aeiou]+")
_DOUBLED = re.compile(r"(.)\1+")
VARIANT_COUNTRIES = frozenset("AE AF BH DJ DZ EG EH IQ IR JO KW LB LY MA MR OM PK PS QA SA SD SO SS SY TD TN YE"
                              .split())


def skeleton(folded: str) -> str:
    """The key romanisations of one Arabic, Persian or Pashto name share: articles dropped ("al", "ez"), a final
    "h" dropped, q/k, dh/d, gh/g, kh/k, ou/oo/w as u, ee/y as i, every run of vowels one vowel, doubled letters
    once. "menoufia" and "minufiyah" -> "manafa"; "deir ez zor" and "dayr az zawr" -> "dar zar"."""
    out = []
    for w in folded.split():
        if w in _ARTICLES:
            continue
        if len(w) > 3 and w.endswith("h"):
            w = w[:-1]
        for a, b in _SKELETON_SUBS:
            w = w.replace(a, b)
        out.append(_DOUBLED.sub(r"\1", _VOWELS.sub("a", w)))
    return " ".join(out)


# ``meta.name_bits``: a bitmap with the bit ``name_bit(f)`` set for every folded name ``f`` of the index (4 MB;
# with ~800,000 names about 2 % of the names that are not there find their bit set, and cost a query)
NAME_BITS = 1 << 25


def name_bit(folded: str) -> int:
    return zlib.crc32(folded.encode("utf-8")) & (NAME_BITS - 1)


# Abbreviations news writes for words GeoNames spells out ("St. Marc" is Saint-Marc, "Mt. Kenya", "Ft. Hood"): a
# folded name with one of these words that finds nothing is looked up again with the words written out
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}


def expand_abbreviations(folded: str) -> str | None:
    """``folded`` with its abbreviated words written out ("st marc" -> "saint marc"); None when it has none, and
    for a single word ("St" alone is no place)."""
    if " " not in folded:
        return None
    words = folded.split(" ")
    if not any(w in ABBREVIATIONS for w in words):
        return None
    return " ".join(ABBREVIATIONS.get(w, w) for w in words)


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
    match: str  # exact | alternate | fuzzy | partial (``search`` only)


class Gazetteer:
    """Read-only access to a built index (see ``incidex.gazetteer.build``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.is_file():
            raise GazetteerError(Codes.E201, path=str(path), detail="no such file")
        try:
            self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            row = self.conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is not None and row[0] == SCHEMA_VERSION:
                # a truncated copy still opens and answers the first queries; its header knows its length
                pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
                page_size = self.conn.execute("PRAGMA page_size").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise GazetteerError(Codes.E201, path=str(path), detail=str(exc)) from None
        if row is None or row[0] != SCHEMA_VERSION:
            found = "none" if row is None else row[0]
            raise GazetteerError(Codes.E201, path=str(path),
                                 detail=f"schema version {found}, this incidex needs {SCHEMA_VERSION}")
        if path.stat().st_size < pages * page_size:
            raise GazetteerError(Codes.E201, path=str(path),
                                 detail=f"truncated: {path.stat().st_size:,} bytes of {pages * page_size:,}")
        self._cache: OrderedDict[str, tuple[Candidate, ...]] = OrderedDict()
        self._countries: frozenset[str] | None = None  # folded names of countries (meta), read on first use
        self._countries_read = False
        self._bits: bytes | None = None  # meta.name_bits, read on first use
        self._bits_read = False
        self._demonyms: dict[str, str] | None = None

    def _rows(self, sql: str, params: tuple[object, ...]) -> list[tuple[Any, ...]]:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:  # damaged pages surface only when a query reads them
            raise GazetteerError(Codes.E201, path=str(self.path), detail=str(exc)) from None

    def stats(self) -> dict[str, int]:
        places = self._rows("SELECT COUNT(*) FROM places", ())[0][0]
        names = self._rows("SELECT COUNT(*) FROM names", ())[0][0]
        return {"places": int(places), "names": int(names)}

    def meta(self) -> dict[str, str]:
        """The index's metadata: schema version, sources, build time, imported dumps."""
        return {str(k): str(v) for k, v in self._rows("SELECT key, value FROM meta", ())}

    def _lookup_uncached(self, folded: str) -> tuple[Candidate, ...]:
        # (folded, place_id) is the key of names: one row per place, no GROUP BY needed
        rows = self._rows(
            _CANDIDATE_SQL.format(extra="", where="= ?")
            # ties by id, descending: the order schema 3 gave, so that rankings (stable sorts) do not move
            + " ORDER BY p.population DESC, p.id DESC LIMIT 50",
            (folded,),
        )
        return tuple(_candidate(r) for r in rows)

    def _lookup(self, folded: str) -> tuple[Candidate, ...]:
        hit = self._cache.get(folded)
        if hit is not None:
            try:
                self._cache.move_to_end(folded)
            except KeyError:  # dropped by another thread meanwhile (the API shares one gazetteer)
                pass
            return hit
        found = self._lookup_uncached(folded) if self._may_exist(folded) else ()
        if not found:
            written_out = expand_abbreviations(folded)
            if written_out is not None:
                found = self._lookup(written_out)
        self._remember(folded, found)
        return found

    def _may_exist(self, folded: str) -> bool:
        """False when no name folds to ``folded`` (its bit is not set); True when one may."""
        bits = self._name_bits()
        if bits is None:
            return True
        b = name_bit(folded)
        return bool(bits[b >> 3] & (1 << (b & 7)))

    def _name_bits(self) -> bytes | None:
        if not self._bits_read:
            row = self._rows("SELECT value FROM meta WHERE key = 'name_bits'", ())
            if row and isinstance(row[0][0], bytes) and len(row[0][0]) == NAME_BITS // 8:
                self._bits = row[0][0]
            self._bits_read = True
        return self._bits  # None: an index built before the bitmap existed, where every name costs a query

    def _remember(self, folded: str, cands: tuple[Candidate, ...]) -> None:
        self._cache[folded] = cands
        while len(self._cache) > LOOKUP_CACHE:
            try:
                self._cache.popitem(last=False)
            except KeyError:  # emptied by another thread meanwhile
                break

    def lookup_many(self, names: list[str]) -> list[tuple[Candidate, ...]]:
        """``[lookup(n) for n in names]``, in one query per ``_PREFETCH_CHUNK`` names not in memory yet (a
        document's capitalised phrases: one query each cost ~50 us)."""
        folded = [fold(n) for n in names]
        self._prefetch(folded)
        return [self._lookup(f) if f else () for f in folded]

    def prefetch(self, names: Iterable[str]) -> None:
        """Look up many names in one query per ``_PREFETCH_CHUNK``: what ``lookup`` then answers from memory.
        The same candidates, in the same order, as one ``lookup`` each."""
        self._prefetch(map(fold, names))

    def _prefetch(self, folded: Iterable[str]) -> None:
        todo = []
        abbreviated: dict[str, str] = {}  # name -> its abbreviations written out, as ``_lookup`` tries them
        bits, cache, crc, mask = self._name_bits(), self._cache, zlib.crc32, NAME_BITS - 1
        for f in dict.fromkeys(folded):
            if f and f not in cache:
                b = crc(f.encode("utf-8")) & mask  # name_bit, inline: most of a text's phrases are no place
                if bits is None or bits[b >> 3] & (1 << (b & 7)):
                    todo.append(f)
                elif (written_out := expand_abbreviations(f)) is None:
                    self._remember(f, ())
                else:
                    abbreviated[f] = written_out
        for i in range(0, len(todo), _PREFETCH_CHUNK):
            chunk = todo[i:i + _PREFETCH_CHUNK]
            found: dict[str, list[tuple[Any, ...]]] = {f: [] for f in chunk}
            for r in self._rows(_CANDIDATE_SQL.format(extra=", n.folded", where=f"IN ({','.join('?' * len(chunk))})"),
                                tuple(chunk)):
                found[r[10]].append(r)
            for f, rows in found.items():
                # the order of ``_lookup_uncached``: population descending (NULL last), then id descending
                rows.sort(key=lambda r: (-1 if r[8] is None else r[8], r[0]), reverse=True)
                if not rows and (written_out := expand_abbreviations(f)) is not None:
                    abbreviated[f] = written_out
                    continue
                self._remember(f, tuple(_candidate(r) for r in rows[:50]))
        if abbreviated:
            # the names that found nothing as written, by their written-out forms (which abbreviate nothing)
            self._prefetch(abbreviated.values())
            for f, written_out in abbreviated.items():
                self._remember(f, self._lookup(written_out))

    def lookup(self, name: str) -> tuple[Candidate, ...]:
        """Candidates whose name or alternate name folds to the same string."""
        f = fold(name)
        if not f:
            return ()
        return self._lookup(f)

    def lookup_variant(self, name: str) -> tuple[Candidate, ...]:
        """Places whose name is another romanisation of ``name`` (``skeleton``; ``match='fuzzy'``), when the exact
        lookup finds nothing; only places of ``VARIANT_COUNTRIES``, and nothing from an index built before the
        table existed."""
        f = fold(name)
        key = skeleton(f)
        if len(key.replace(" ", "")) < 5 or self._lookup(f):
            return ()
        return self._variant(key)

    @lru_cache(maxsize=10_000)  # noqa: B019 - one gazetteer per process
    def _variant(self, key: str) -> tuple[Candidate, ...]:
        try:
            rows = self.conn.execute("SELECT folded FROM skeletons WHERE key = ? LIMIT 20", (key,)).fetchall()
        except sqlite3.OperationalError:  # no such table: an index built before it
            return ()
        out = {c.id: Candidate(c.id, c.name, c.country_code, c.admin1, c.admin2, c.lat, c.lon, c.feature,
                               c.population, "fuzzy") for (folded,) in rows for c in self._lookup(folded)}
        return tuple(sorted(out.values(), key=lambda c: (-c.population, c.id))[:50])

    def lookup_fuzzy(self, name: str, min_ratio: float = 88.0) -> tuple[Candidate, ...]:
        """Near misses ("Mariupoll", "Stepanakertt") when the exact lookup finds nothing: names that share
        the first three folded letters and score at least ``min_ratio`` with rapidfuzz; ``match='fuzzy'``."""
        f = fold(name)
        if len(f) < 5 or self._lookup(f):
            return ()
        return self._fuzzy(f, min_ratio)

    @lru_cache(maxsize=10_000)  # noqa: B019 - one gazetteer per process
    def _fuzzy(self, f: str, min_ratio: float) -> tuple[Candidate, ...]:
        from rapidfuzz import fuzz, process

        prefix = f[:3]
        # names within two letters of the query's length, filtered in SQL and scored in C (rapidfuzz.process)
        rows = self._rows(
            "SELECT DISTINCT folded FROM names WHERE folded >= ? AND folded < ? AND length(folded) BETWEEN ? AND ?"
            " LIMIT 20000",
            (prefix, prefix + "\uffff", len(f) - 2, len(f) + 2),
        )
        scored = process.extract(f, [r[0] for r in rows], scorer=fuzz.ratio, score_cutoff=min_ratio, limit=None)
        if not scored:
            return ()
        best = max(s for _, s, _ in scored)
        out: list[Candidate] = []
        for name in sorted((n for n, s, _ in scored if s == best), reverse=True):
            out.extend(Candidate(c.id, c.name, c.country_code, c.admin1, c.admin2, c.lat, c.lon, c.feature,
                                 c.population, "fuzzy") for c in self._lookup(name))
        return tuple(out[:50])

    def search(self, text: str, limit: int = 20) -> tuple[Candidate, ...]:
        """Candidates for a partial or multi-word query ("Stepanak", "nagorno karab"), from the FTS5 table over
        folded names: every word of the query must start a word of the name. Names that fold to the query
        come first (``match`` exact/alternate, as ``lookup``), then names that start with it, then the rest
        (``match='partial'``); most populous first within each group."""
        f = fold(text)
        if not f or limit <= 0:
            return ()
        return self._search(f, limit)

    @lru_cache(maxsize=2048)  # noqa: B019 - one gazetteer per process
    def _search(self, f: str, limit: int) -> tuple[Candidate, ...]:
        # folded text is [a-z0-9 ]: quoting each word keeps FTS5 operators out. Words are prefixes; a one-letter
        # word only when it ends a longer query ("san f"), since "a*" alone would match a third of the index
        words = f.split()
        query = " ".join(f'"{w}"*' if len(w) > 1 or (i == len(words) - 1 and i > 0) else f'"{w}"'
                         for i, w in enumerate(words))
        try:
            names = [r[0] for r in self.conn.execute(
                "SELECT folded FROM name_search WHERE name_search MATCH ? ORDER BY rank LIMIT ?",
                (query, max(50, 5 * limit))).fetchall()]
        except sqlite3.DatabaseError as exc:
            raise GazetteerError(Codes.E201, path=str(self.path), detail=str(exc)) from None
        ranked: dict[str, tuple[tuple[int, int], Candidate]] = {}
        for name in names:
            tier = 0 if name == f else (1 if name.startswith(f) else 2)
            for c in self._lookup(name):
                if tier:
                    c = Candidate(c.id, c.name, c.country_code, c.admin1, c.admin2, c.lat, c.lon, c.feature,
                                  c.population, "partial")
                key = (tier, -c.population)
                if c.id not in ranked or key < ranked[c.id][0]:
                    ranked[c.id] = (key, c)
        return tuple(c for _, c in sorted(ranked.values(), key=lambda kc: kc[0])[:limit])

    def known(self, name: str) -> bool:
        return bool(self.lookup(name))

    def country(self, code: str) -> Candidate | None:
        return self._lookup_country(code)

    @lru_cache(maxsize=65_536)  # noqa: B019 - one gazetteer per process; every capitalised word of a text
    def country_name(self, word: str) -> tuple[str, str] | None:
        """(ISO code, canonical name) when ``word`` names a country or is its ISO code."""
        if len(word) == 2 and word.isupper():
            c = self.country(word)
            return (word, c.name) if c else None
        if not self._countries_read:
            # the build's list of country names (about 1,300): most capitalised words name no country, and
            # need no query then; an index built before the list existed queries every word
            row = self._rows("SELECT value FROM meta WHERE key = 'country_names'", ())
            self._countries = frozenset(json.loads(row[0][0])) if row else None
            self._countries_read = True
        if self._countries is not None and fold(word) not in self._countries:
            return None
        for c in self.lookup(word):
            if c.feature == "country" and c.country_code:
                return c.country_code, c.name
        return None

    @lru_cache(maxsize=65_536)  # noqa: B019 - one gazetteer per process; every capitalised word of a text
    def demonym(self, word: str) -> str | None:
        """ISO code of the country whose demonym is ``word`` ("Azerbaijani" -> "AZ"; a plural too)."""
        if self._demonyms is None:  # a few hundred rows, read once instead of one query per capitalised word
            self._demonyms = {str(f): str(cc) for f, cc in self._rows("SELECT folded, country_code FROM demonyms", ())}
        f = fold(word)
        if f.endswith("s") and len(f) > 4:
            # as "folded IN (f, f[:-1])" answered: the singular sorts first
            return self._demonyms.get(f[:-1]) or self._demonyms.get(f)
        return self._demonyms.get(f)

    @lru_cache(maxsize=512)  # noqa: B019 - one gazetteer per process
    def _lookup_country(self, code: str) -> Candidate | None:
        rows = self._rows(
            "SELECT id, name, country_code, admin1, admin2, lat, lon, feature, population FROM places"
            " WHERE feature='country' AND country_code=? ORDER BY population DESC LIMIT 1",
            (code,),
        )
        r = rows[0] if rows else None
        return Candidate(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8] or 0, "exact") if r else None


def _candidate(r: tuple[Any, ...]) -> Candidate:
    return Candidate(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8] or 0, "exact" if r[9] else "alternate")


_OPEN: dict[str, Gazetteer] = {}


def open_gazetteer(path: Path | None = None, build_if_missing: bool = True) -> Gazetteer:
    """The process-wide gazetteer; builds the index on first use when allowed (a corrupt index is never
    rebuilt silently: that is E201, and the user decides)."""
    from incidex.config import get_settings

    p = path or get_settings().gazetteer_path
    key = str(p)
    if key not in _OPEN:
        if not p.exists() and build_if_missing:
            from incidex.gazetteer.build import build_index

            build_index(p)
        _OPEN[key] = Gazetteer(p)
    return _OPEN[key]
