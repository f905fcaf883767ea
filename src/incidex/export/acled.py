"""ACLED-style CSV: ACLED's 31 column names, its precision codes and its fatality rule.

One row per event and place. ``time_precision``: 1 the day is known, 2 a
week or a range of days, 3 only the month or year. ``geo_precision`` is
incidex/1's, which already follows ACLED (1 town, 2 near a town or part of a
region, 3 a larger region). ``fatalities`` is the lowest claimed figure
(ACLED's rule), coded on the event's first place only so that figures are not
multiplied across places; differing claims are spelled out in ``notes``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

from incidex.export.common import INTER, country, disputes, fatalities, sides, write_csv

if TYPE_CHECKING:
    from incidex.store.repository import StoredRecord

COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
    "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
]

TIME_PRECISION = {"day": 1, "week": 2, "range": 2, "month": 3, "year": 3, "unknown": 3}
DISORDER = {
    "Battles": "Political violence", "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence", "Protests": "Demonstrations",
    "Riots": "Demonstrations", "Strategic developments": "Strategic developments",
}


def rows(rec: StoredRecord) -> Iterable[dict[str, Any]]:
    doc = rec.record.document
    for e in rec.record.events:
        side1, side2 = sides(e)
        i1 = INTER.get(side1[0].kind) if side1 else None
        i2 = INTER.get(side2[0].kind) if side2 else None
        interaction = int(f"{min(i1, i2)}{max(i1, i2)}") if i1 and i2 else (i1 * 10 if i1 else "")
        dead, killed = fatalities(e.casualties)
        civ = any(a.kind == "civilians" and a.role in ("target", "victim") for a in e.actors)
        notes = " ".join(x for x in (e.summary, disputes(killed)) if x)
        for k, loc in enumerate(e.locations or [None]):
            cc = loc.country_code if loc else None
            ctry = country(cc)
            yield {
                "event_id_cnty": f"{ctry.get('iso3', 'XXX')}-{doc.id[:12]}-{e.id}" + (f"-{k + 1}" if k else ""),
                "event_date": e.date.start or "", "year": (e.date.start or "")[:4],
                "time_precision": TIME_PRECISION[e.date.precision], "disorder_type": DISORDER[e.event_type],
                "event_type": e.event_type, "sub_event_type": e.sub_type,
                "actor1": side1[0].normalized if side1 else "", "assoc_actor_1": "; ".join(a.normalized for a in side1[1:]),
                "inter1": i1 or "", "actor2": side2[0].normalized if side2 else "",
                "assoc_actor_2": "; ".join(a.normalized for a in side2[1:]), "inter2": i2 or "",
                "interaction": interaction, "civilian_targeting": "Civilian targeting" if civ else "",
                "iso": ctry.get("isonumeric", ""), "region": "", "country": ctry.get("name", ""),
                "admin1": (loc.admin1 if loc else "") or "", "admin2": (loc.admin2 if loc else "") or "", "admin3": "",
                "location": loc.name if loc else "", "latitude": "" if not loc or loc.lat is None else loc.lat,
                "longitude": "" if not loc or loc.lon is None else loc.lon,
                "geo_precision": loc.geo_precision if loc else 3,
                "source": doc.source.name or doc.source.publisher or "", "source_scale": "",
                "notes": notes, "fatalities": dead if k == 0 else 0, "tags": "",
                "timestamp": int(rec.provenance.retrieved_at.timestamp()),
            }


def write(records: Iterable[StoredRecord], stream: IO[str]) -> int:
    return write_csv(records, stream, COLUMNS, rows)
