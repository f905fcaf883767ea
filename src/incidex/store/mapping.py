"""Mapping between incidex/1 models and table rows, in both directions.

``extraction_rows`` flattens one Extraction into plain dicts per table;
``row_to_*`` rebuild the models from rows. The two are inverse: a record
stored and read back is equal to the record extracted (a test holds this).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from incidex.domain.models import (
    Actor,
    Aggregate,
    Casualty,
    DateInfo,
    Event,
    Framing,
    LegalRef,
    Location,
    Span,
)

Row = Mapping[str, Any]


def span_cols(span: Span | None, prefix: str = "") -> dict[str, Any]:
    if span is None:
        return {f"{prefix}span_start": None, f"{prefix}span_end": None, f"{prefix}quote": None}
    return {f"{prefix}span_start": span.start, f"{prefix}span_end": span.end, f"{prefix}quote": span.quote}


def span_of(row: Row, prefix: str = "") -> Span | None:
    start = row[f"{prefix}span_start"]
    if start is None:
        return None
    return Span(start=start, end=row[f"{prefix}span_end"], quote=row[f"{prefix}quote"])


def spans_json(spans: list[Span]) -> list[dict[str, Any]]:
    return [s.model_dump() for s in spans]


def _first(spans: list[Span]) -> Span | None:
    return spans[0] if spans else None


def event_cols(e: Event) -> dict[str, Any]:
    return {
        "event_key": e.id, "event_type": e.event_type, "sub_type": e.sub_type, "summary": e.summary,
        "date_start": e.date.start, "date_end": e.date.end, "date_precision": e.date.precision,
        "date_text": e.date.text, "date_anchor": e.date.anchor, **span_cols(e.date.span, "date_"),
        "claimed_by": e.claimed_by, "certainty": e.certainty, "confidence": e.confidence,
        "evidence": spans_json(e.evidence), **span_cols(_first(e.evidence)),
    }


def location_cols(loc: Location) -> dict[str, Any]:
    d = loc.model_dump(exclude={"span"})
    return {**d, **span_cols(loc.span)}


def actor_cols(a: Actor) -> dict[str, Any]:
    return {**a.model_dump(exclude={"span"}), **span_cols(a.span)}


def casualty_cols(c: Casualty) -> dict[str, Any]:
    d = c.model_dump(exclude={"span", "group"})
    return {**d, "casualty_group": c.group, **span_cols(c.span)}


def aggregate_cols(a: Aggregate) -> dict[str, Any]:
    p = a.period
    return {
        "period_start": p.start, "period_end": p.end, "period_precision": p.precision, "period_text": p.text,
        "period_anchor": p.anchor, **span_cols(p.span, "period_"),
        "area": a.area.model_dump(mode="json") if a.area else None, "claimed_by": a.claimed_by,
        "evidence": spans_json(a.evidence), **span_cols(_first(a.evidence)),
    }


def legal_cols(r: LegalRef) -> dict[str, Any]:
    return {**r.model_dump(exclude={"span"}), **span_cols(r.span)}


def framing_cols(f: Framing) -> dict[str, Any]:
    return {**f.model_dump(exclude={"span"}), **span_cols(f.span)}


def _spans(value: Any) -> list[Span]:
    return [Span(**s) for s in value or []]


def row_to_location(r: Row) -> Location:
    return Location(
        name=r["name"], name_as_written=r["name_as_written"], country_code=r["country_code"], admin1=r["admin1"],
        admin2=r["admin2"], lat=r["lat"], lon=r["lon"], feature=r["feature"], geo_precision=r["geo_precision"],
        gazetteer_id=r["gazetteer_id"], candidates=r["candidates"], span=span_of(r),
    )


def row_to_actor(r: Row) -> Actor:
    return Actor(name=r["name"], normalized=r["normalized"], kind=r["kind"], country_code=r["country_code"],
                 role=r["role"], span=span_of(r))


def row_to_casualty(r: Row) -> Casualty:
    span = span_of(r)
    assert span is not None
    return Casualty(outcome=r["outcome"], group=r["casualty_group"], party=r["party"], low=r["low"],
                    best=r["best"], high=r["high"], qualifier=r["qualifier"], text=r["text"],
                    claimed_by=r["claimed_by"], span=span)


def row_to_event(r: Row, locations: list[Location], actors: list[Actor], casualties: list[Casualty]) -> Event:
    return Event(
        id=r["event_key"], event_type=r["event_type"], sub_type=r["sub_type"], summary=r["summary"],
        date=DateInfo(start=r["date_start"], end=r["date_end"], precision=r["date_precision"],
                      text=r["date_text"], span=span_of(r, "date_"), anchor=r["date_anchor"]),
        locations=locations, actors=actors, casualties=casualties, claimed_by=r["claimed_by"],
        certainty=r["certainty"], evidence=_spans(r["evidence"]), confidence=r["confidence"],
    )


def row_to_aggregate(r: Row, casualties: list[Casualty]) -> Aggregate:
    return Aggregate(
        period=DateInfo(start=r["period_start"], end=r["period_end"], precision=r["period_precision"],
                        text=r["period_text"], span=span_of(r, "period_"), anchor=r["period_anchor"]),
        area=Location(**r["area"]) if r["area"] else None, casualties=casualties,
        claimed_by=r["claimed_by"], evidence=_spans(r["evidence"]),
    )


def row_to_legal(r: Row) -> LegalRef:
    span = span_of(r)
    assert span is not None
    return LegalRef(instrument=r["instrument"], identifier=r["identifier"], year=r["year"], kind=r["kind"], span=span)


def row_to_framing(r: Row) -> Framing:
    span = span_of(r)
    assert span is not None
    return Framing(term=r["term"], category=r["category"], neutral_alternative=r["neutral_alternative"], span=span)


# Validating an edited row = rebuilding its model; nested lists are irrelevant to the check.
VALIDATORS: dict[str, Any] = {
    "event": lambda r: row_to_event(r, [], [], []),
    "location": row_to_location,
    "actor": row_to_actor,
    "casualty": row_to_casualty,
    "aggregate": lambda r: row_to_aggregate(r, []),
    "legal": row_to_legal,
    "framing": row_to_framing,
}
