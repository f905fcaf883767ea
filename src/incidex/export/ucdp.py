"""UCDP GED-style CSV: organised violence (Battles, Explosions/Remote violence, Violence against civilians).

Column names follow UCDP GED. ``date_prec`` 1 exact day, 2 two to six days,
3 a week, 4 a month, 5 longer or unknown; ``where_prec`` 1 the exact place,
2 within about 25 km, 3 a second-order division, 4 a first-order division,
5 a line (front), 6 the country, 7 unclear. Deaths: ``low`` / ``best`` /
``high`` over the claims (groups add up, competing claims give the range);
``deaths_civilians``, ``deaths_a`` / ``deaths_b`` when the party killed is a
side, ``deaths_unknown`` otherwise (all at the lowest claimed figure).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from incidex.domain.models import Casualty, Event, Location
from incidex.export.common import country, lowest, sides, write_csv

if TYPE_CHECKING:
    from incidex.store.repository import StoredRecord

COLUMNS = [
    "id", "year", "type_of_violence", "side_a", "side_b", "source_article", "source_office", "source_date",
    "source_headline", "where_prec", "where_coordinates", "adm_1", "adm_2", "latitude", "longitude", "country",
    "iso3", "event_clarity", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians",
    "deaths_unknown", "low", "best", "high",
]
VIOLENT = {"Battles": 1, "Explosions/Remote violence": 1, "Violence against civilians": 3}


def date_prec(e: Event) -> int:
    p = e.date.precision
    if p == "day":
        return 1
    if p == "range" and e.date.start and e.date.end:
        days = (date.fromisoformat(e.date.end) - date.fromisoformat(e.date.start)).days + 1
        return 1 if days == 1 else 2 if days <= 6 else 3 if days <= 7 else 4 if days <= 31 else 5
    return {"week": 3, "month": 4}.get(p, 5)


def where_prec(loc: Location | None) -> int:
    if loc is None:
        return 7
    if loc.feature == "country":
        return 6
    if loc.feature == "frontline":
        return 5
    if loc.feature == "region":
        return 4
    if loc.feature == "district":
        return 3
    return 1 if loc.geo_precision == 1 else 2 if loc.geo_precision == 2 else 4


def deaths(e: Event, side_a: str, side_b: str) -> dict[str, Any]:
    killed = [c for c in e.casualties if c.outcome == "killed"]
    by_group: dict[tuple[str, str], list[Casualty]] = {}
    for c in killed:
        if c.group == "civilian":
            key = "deaths_civilians"
        elif c.party and c.party.lower() in side_a.lower():
            key = "deaths_a"
        elif c.party and c.party.lower() in side_b.lower():
            key = "deaths_b"
        else:
            key = "deaths_unknown"
        by_group.setdefault((key, c.group), []).append(c)
    out: dict[str, Any] = {"deaths_a": 0, "deaths_b": 0, "deaths_civilians": 0, "deaths_unknown": 0}
    low = best = high = 0
    for (key, _), cs in by_group.items():
        lows = [v for v in (lowest(c) for c in cs) if v is not None]
        if not lows:
            continue
        out[key] += min(lows)
        low += min(lows)
        bests = [c.best if c.best is not None else lowest(c) for c in cs]
        best += min(b for b in bests if b is not None)
        high += max(c.high if c.high is not None else (lowest(c) or 0) for c in cs)
    return out | {"low": low, "best": best, "high": high}


def rows(rec: StoredRecord) -> Iterable[dict[str, Any]]:
    doc = rec.record.document
    for e in rec.record.events:
        if e.event_type not in VIOLENT:
            continue
        a, b = sides(e)
        side_a = a[0].normalized if a else ""
        side_b = b[0].normalized if b else ""
        tov = 3 if e.event_type == "Violence against civilians" or (b and b[0].kind == "civilians") else 1
        if tov == 1 and a and b and a[0].kind not in ("state_forces", "government") and \
                b[0].kind not in ("state_forces", "government"):
            tov = 2  # non-state: neither side is a government
        loc = e.locations[0] if e.locations else None
        ctry = country(loc.country_code if loc else None)
        yield {
            "id": f"{doc.id[:12]}-{e.id}", "year": (e.date.start or "")[:4], "type_of_violence": tov,
            "side_a": side_a, "side_b": side_b,
            "source_article": f"{doc.source.name or ''},{doc.published or ''},{doc.title or ''}".strip(","),
            "source_office": doc.source.publisher or doc.source.name or "", "source_date": doc.published or "",
            "source_headline": doc.title or "", "where_prec": where_prec(loc),
            "where_coordinates": loc.name if loc else "", "adm_1": (loc.admin1 if loc else "") or "",
            "adm_2": (loc.admin2 if loc else "") or "", "latitude": "" if not loc or loc.lat is None else loc.lat,
            "longitude": "" if not loc or loc.lon is None else loc.lon, "country": ctry.get("name", ""),
            "iso3": ctry.get("iso3", ""), "event_clarity": 1 if e.certainty == "asserted" else 2,
            "date_prec": date_prec(e), "date_start": e.date.start or "", "date_end": e.date.end or e.date.start or "",
            **deaths(e, side_a, side_b),
        }


def write(records: Iterable[StoredRecord], stream: IO[str]) -> int:
    return write_csv(records, stream, COLUMNS, rows)
