"""Load and validate gold annotations (``shared/spec/gold-format.md``; ``eval/gold/README.md``).

A gold file is JSON Lines, one source text per line. A line carries its text
inline (``"text"``) or references it in the read-only shared folder
(``"text_ref"``), resolved here at run time so the repository never holds a
copy. Every structural problem is an ``EvalError`` (E501) naming the file and
the line; a referenced file that is missing (shared folder absent) only skips
the line, with a warning, as the gold README asks.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from incidex.domain.taxonomy import EVENT_TYPES, SUB_TYPES
from incidex.errors import Codes, EvalError, InputError
from incidex.evaluation.paths import shared_dir

DATE_PRECISIONS = frozenset({"day", "week", "month", "year", "range", "unknown"})
GEO_PRECISIONS = frozenset({"exact", "town", "near", "admin2", "admin1", "region", "country", "unknown"})
ROLES = frozenset({"initiator", "target", "victim", "signatory", "mediator"})
OUTCOMES = frozenset({"killed", "injured", "missing", "captured", "detained", "displaced"})
GROUPS = frozenset({"civilian", "military", "unknown"})
QUALIFIERS = frozenset({"exact", "at_least", "more_than", "about", "up_to", "several", "unknown"})
CERTAINTIES = frozenset({"asserted", "reported", "alleged", "denied"})
OPEN_QUALIFIERS = frozenset({"at_least", "more_than"})  # open-ended: no upper bound
REQUIRED_KEYS = ("id", "publication_date", "publisher", "stance", "events", "aggregates", "legal_refs",
                 "loaded_terms")


@dataclass(frozen=True)
class GoldCasualty:
    outcome: str
    group: str
    low: int | None
    high: int | None
    qualifier: str
    attributed_to: str | None = None


@dataclass(frozen=True)
class GoldLocation:
    name: str | None
    country: str | None
    lat: float | None
    lon: float | None
    precision: str

    @property
    def point(self) -> tuple[float, float] | None:
        return (self.lat, self.lon) if self.lat is not None and self.lon is not None else None


@dataclass(frozen=True)
class GoldEvent:
    event_type: str
    sub_type: str
    event_date: date | None
    date_start: date | None
    date_end: date | None
    date_precision: str
    location: GoldLocation | None
    casualties: tuple[GoldCasualty, ...]
    evidence: str

    @property
    def interval(self) -> tuple[date, date] | None:
        """The event's date interval; ``None`` when the gold records no date (it then matches any)."""
        if self.event_date is not None:
            return self.event_date, self.event_date
        if self.date_start is None and self.date_end is None:
            return None
        lo = self.date_start or self.date_end
        hi = self.date_end or self.date_start
        assert lo is not None and hi is not None
        return lo, hi


@dataclass(frozen=True)
class GoldAggregate:
    period_start: date | None
    period_end: date | None
    casualties: tuple[GoldCasualty, ...]
    evidence: str


@dataclass(frozen=True)
class GoldDoc:
    id: str
    text: str
    publication_date: str | None
    publisher: str | None
    stance: str
    events: tuple[GoldEvent, ...]
    aggregates: tuple[GoldAggregate, ...]
    legal_refs: tuple[str, ...]
    loaded_terms: tuple[str, ...]
    origin: str = ""  # "file:line", for messages


@dataclass
class GoldSet:
    docs: list[GoldDoc] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class _Invalid(ValueError):
    """A validation problem inside one record; turned into E501 with file and line."""


# -- small typed readers ------------------------------------------------------------------------

def _obj(v: Any, where: str) -> dict[str, Any]:
    if not isinstance(v, dict):
        raise _Invalid(f"{where} must be an object")
    return v


def _list(v: Any, where: str) -> list[Any]:
    if not isinstance(v, list):
        raise _Invalid(f"{where} must be a list")
    return v


def _str(v: Any, where: str, optional: bool = False) -> str | None:
    if v is None and optional:
        return None
    if not isinstance(v, str) or not v:
        raise _Invalid(f"{where} must be a non-empty string{' or null' if optional else ''}")
    return v


def _int(v: Any, where: str) -> int | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise _Invalid(f"{where} must be a non-negative integer or null, not {v!r}")
    return v


def _num(v: Any, where: str, lo: float, hi: float) -> float | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int | float) or not lo <= float(v) <= hi:
        raise _Invalid(f"{where} must be a number in [{lo}, {hi}] or null, not {v!r}")
    return float(v)


def _date(v: Any, where: str) -> date | None:
    if v is None:
        return None
    if not isinstance(v, str):
        raise _Invalid(f"{where} must be an ISO date string or null")
    try:
        return date.fromisoformat(v)
    except ValueError:
        raise _Invalid(f"{where} {v!r} is not an ISO date YYYY-MM-DD") from None


def _vocab(v: Any, where: str, allowed: Iterable[str]) -> str:
    allowed = frozenset(allowed)
    if v not in allowed:
        raise _Invalid(f"{where} {v!r} is not one of {', '.join(sorted(allowed))}")
    return str(v)


def _casualty(raw: Any, where: str) -> GoldCasualty:
    c = _obj(raw, where)
    for k in ("outcome", "group", "low", "high", "qualifier"):
        if k not in c:
            raise _Invalid(f"{where} lacks {k!r}")
    q = _vocab(c["qualifier"], f"{where}.qualifier", QUALIFIERS)
    low, high = _int(c["low"], f"{where}.low"), _int(c["high"], f"{where}.high")
    if q == "exact" and (low is None or low != high):
        raise _Invalid(f"{where}: an exact figure needs low == high")
    if q in OPEN_QUALIFIERS and high is not None:
        raise _Invalid(f"{where}: qualifier {q} is open-ended, high must be null")
    if low is None and high is None:
        raise _Invalid(f"{where}: low and high are both null")
    if low is not None and high is not None and high < low:
        raise _Invalid(f"{where}: high < low")
    return GoldCasualty(
        outcome=_vocab(c["outcome"], f"{where}.outcome", OUTCOMES),
        group=_vocab(c["group"], f"{where}.group", GROUPS),
        low=low, high=high, qualifier=q,
        attributed_to=_str(c.get("attributed_to"), f"{where}.attributed_to", optional=True),
    )


def _evidence(raw: Any, where: str, text: str) -> str:
    ev = _str(raw, f"{where}.evidence")
    assert ev is not None
    if ev not in text:
        raise _Invalid(f"{where}.evidence is not a verbatim substring of the text: {ev[:60]!r}")
    return ev


def _event(raw: Any, where: str, text: str) -> GoldEvent:
    e = _obj(raw, where)
    for k in ("event_type", "sub_type", "event_date", "date_precision", "location", "casualties", "evidence"):
        if k not in e:
            raise _Invalid(f"{where} lacks {k!r}")
    et = _vocab(e["event_type"], f"{where}.event_type", EVENT_TYPES)
    st = _vocab(e["sub_type"], f"{where}.sub_type", SUB_TYPES)
    if SUB_TYPES[st] != et:
        raise _Invalid(f"{where}: sub_type {st!r} does not belong to event_type {et!r}")
    if "actors" in e:
        for j, a in enumerate(_list(e["actors"], f"{where}.actors")):
            a = _obj(a, f"{where}.actors[{j}]")
            _str(a.get("name"), f"{where}.actors[{j}].name")
            _vocab(a.get("role"), f"{where}.actors[{j}].role", ROLES)
    if "certainty" in e:
        _vocab(e["certainty"], f"{where}.certainty", CERTAINTIES)
    loc = None
    if e["location"] is not None:
        lo = _obj(e["location"], f"{where}.location")
        lat = _num(lo.get("lat"), f"{where}.location.lat", -90, 90)
        lon = _num(lo.get("lon"), f"{where}.location.lon", -180, 180)
        if (lat is None) != (lon is None):
            raise _Invalid(f"{where}.location: lat and lon must both be set or both null")
        loc = GoldLocation(
            name=_str(lo.get("name"), f"{where}.location.name", optional=True),
            country=_str(lo.get("country"), f"{where}.location.country", optional=True),
            lat=lat, lon=lon,
            precision=_vocab(lo.get("precision", "unknown"), f"{where}.location.precision", GEO_PRECISIONS),
        )
    ev = GoldEvent(
        event_type=et, sub_type=st,
        event_date=_date(e["event_date"], f"{where}.event_date"),
        date_start=_date(e.get("date_start"), f"{where}.date_start"),
        date_end=_date(e.get("date_end"), f"{where}.date_end"),
        date_precision=_vocab(e["date_precision"], f"{where}.date_precision", DATE_PRECISIONS),
        location=loc,
        casualties=tuple(_casualty(c, f"{where}.casualties[{j}]")
                         for j, c in enumerate(_list(e["casualties"], f"{where}.casualties"))),
        evidence=_evidence(e["evidence"], where, text),
    )
    if ev.date_start and ev.date_end and ev.date_end < ev.date_start:
        raise _Invalid(f"{where}: date_end is before date_start")
    return ev


def _aggregate(raw: Any, where: str, text: str) -> GoldAggregate:
    a = _obj(raw, where)
    for k in ("casualties", "evidence"):
        if k not in a:
            raise _Invalid(f"{where} lacks {k!r}")
    return GoldAggregate(
        period_start=_date(a.get("period_start"), f"{where}.period_start"),
        period_end=_date(a.get("period_end"), f"{where}.period_end"),
        casualties=tuple(_casualty(c, f"{where}.casualties[{j}]")
                         for j, c in enumerate(_list(a["casualties"], f"{where}.casualties"))),
        evidence=_evidence(a["evidence"], where, text),
    )


# -- text_ref resolution --------------------------------------------------------------------------

class _Missing(Exception):
    """The referenced shared file is absent: skip the line with a warning."""


class TextResolver:
    """Resolves ``text_ref`` against the shared folder; tables are read once per file."""

    def __init__(self, shared: Path | None = None) -> None:
        self.shared = shared or shared_dir()
        self._tables: dict[Path, list[dict[str, Any]]] = {}

    def _rows(self, path: Path) -> list[dict[str, Any]]:
        if path not in self._tables:
            if path.suffix == ".csv":
                with path.open(encoding="utf-8", newline="") as f:
                    self._tables[path] = [dict(r) for r in csv.DictReader(f)]
            elif path.suffix == ".jsonl":
                rows = []
                with path.open(encoding="utf-8") as f:
                    for line in f:
                        if line.strip():
                            rows.append(json.loads(line))
                self._tables[path] = rows
            else:
                raise _Invalid(f"text_ref.path {path.name!r}: only .csv and .jsonl files can be keyed")
        return self._tables[path]

    def resolve(self, ref: Any) -> str:
        r = _obj(ref, "text_ref")
        rel = _str(r.get("path"), "text_ref.path")
        assert rel is not None
        if Path(rel).is_absolute() or ".." in Path(rel).parts:
            raise _Invalid("text_ref.path must be relative to the shared folder, without '..'")
        path = self.shared / rel
        if not path.is_file():
            raise _Missing(str(path))
        keyed = [k in r for k in ("key", "value", "field")]
        if not any(keyed):
            return path.read_text(encoding="utf-8")
        if not all(keyed):
            raise _Invalid("text_ref needs all of key, value and field, or none of them")
        key, value, fld = r["key"], r["value"], r["field"]
        hits = [row for row in self._rows(path) if row.get(key) == value]
        if len(hits) != 1:
            raise _Invalid(f"text_ref {key}={value!r} matches {len(hits)} rows of {rel} (expected exactly 1)")
        text = hits[0].get(fld)
        if not isinstance(text, str) or not text:
            raise _Invalid(f"text_ref field {fld!r} of {key}={value!r} in {rel} is missing or empty")
        return text


# -- records and files ------------------------------------------------------------------------------

def parse_record(raw: Any, resolver: TextResolver, origin: str = "") -> GoldDoc:
    """One gold line (already JSON-decoded) to a ``GoldDoc``; raises ``_Invalid`` or ``_Missing``."""
    r = _obj(raw, "the record")
    for k in REQUIRED_KEYS:
        if k not in r:
            raise _Invalid(f"missing key {k!r}")
    if ("text" in r) == ("text_ref" in r):
        raise _Invalid("exactly one of 'text' and 'text_ref' is required")
    text = _str(r["text"], "text") if "text" in r else resolver.resolve(r["text_ref"])
    assert text is not None
    stance = _str(r["stance"], "stance") or ""
    if stance not in ("neutral", "advocacy") and not (stance.startswith("party:") and len(stance) > 6):
        raise _Invalid(f"stance {stance!r} must be neutral, advocacy or party:<name>")
    pub = _date(r["publication_date"], "publication_date")
    terms = tuple(_str(t, "loaded_terms[]") or "" for t in _list(r["loaded_terms"], "loaded_terms"))
    low_text = text.lower()
    for t in terms:
        if t.lower() not in low_text:
            raise _Invalid(f"loaded term {t!r} does not occur in the text")
    return GoldDoc(
        id=_str(r["id"], "id") or "",
        text=text,
        publication_date=pub.isoformat() if pub else None,
        publisher=_str(r["publisher"], "publisher", optional=True),
        stance=stance,
        events=tuple(_event(e, f"events[{i}]", text) for i, e in enumerate(_list(r["events"], "events"))),
        aggregates=tuple(_aggregate(a, f"aggregates[{i}]", text)
                         for i, a in enumerate(_list(r["aggregates"], "aggregates"))),
        legal_refs=tuple(_str(x, "legal_refs[]") or "" for x in _list(r["legal_refs"], "legal_refs")),
        loaded_terms=terms,
        origin=origin,
    )


def load_gold(path: Path, shared: Path | None = None, limit: int | None = None,
              resolver: TextResolver | None = None) -> GoldSet:
    """Read and validate one gold JSONL file (the first ``limit`` records when given)."""
    if not path.is_file():
        raise InputError(Codes.E101, path=str(path))
    resolver = resolver or TextResolver(shared)
    out = GoldSet()
    seen: dict[str, int] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise EvalError(Codes.E501, path=str(path), line=0, detail=f"not UTF-8: {exc.reason}") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if limit is not None and len(out.docs) >= limit:
            break
        try:
            raw = json.loads(line)
            doc = parse_record(raw, resolver, origin=f"{path.name}:{n}")
        except json.JSONDecodeError as exc:
            raise EvalError(Codes.E501, path=str(path), line=n, detail=f"not JSON: {exc.msg}") from None
        except _Invalid as exc:
            raise EvalError(Codes.E501, path=str(path), line=n, detail=str(exc)) from None
        except _Missing as exc:
            out.warnings.append(f"{path}:{n}: skipped, referenced text not found at {exc}")
            continue
        if doc.id in seen:
            raise EvalError(Codes.E501, path=str(path), line=n,
                            detail=f"duplicate id {doc.id!r} (first on line {seen[doc.id]})")
        seen[doc.id] = n
        out.docs.append(doc)
    return out


def load_gold_files(paths: list[Path], shared: Path | None = None, limit: int | None = None) -> GoldSet:
    """Several gold files as one set; ``limit`` applies to each file; ids must be unique across files."""
    resolver = TextResolver(shared)
    out = GoldSet()
    origins: dict[str, str] = {}
    for p in paths:
        part = load_gold(p, limit=limit, resolver=resolver)
        for d in part.docs:
            if d.id in origins:
                line = int(d.origin.rsplit(":", 1)[1])
                raise EvalError(Codes.E501, path=str(p), line=line,
                                detail=f"id {d.id!r} also appears at {origins[d.id]}")
            origins[d.id] = d.origin
        out.docs += part.docs
        out.warnings += part.warnings
    return out
