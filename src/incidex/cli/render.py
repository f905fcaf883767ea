"""Rich tables that summarise extraction results for people."""

from __future__ import annotations

from collections import Counter
from typing import Any

from incidex.domain.models import Extraction


def summary_tables(results: list[tuple[str, Extraction]], console: Any) -> None:
    """``results`` pairs each record with where it came from (file name, or file#line for JSONL)."""
    from rich.table import Table

    docs = Table(title=f"{len(results)} documents")
    for col in ("source", "title", "stance", "events", "aggregates", "legal refs", "framing flags", "warnings"):
        docs.add_column(col, overflow="fold")
    for origin, r in results:
        docs.add_row(origin.rsplit("/", 1)[-1], (r.document.title or "")[:48], r.document.stance,
                     str(len(r.events)), str(len(r.aggregates)), str(len(r.legal_references)),
                     str(len(r.framing)), str(len(r.warnings)))
    recs = [r for _, r in results]
    console.print(docs)

    types: Counter[tuple[str, str]] = Counter((e.event_type, e.sub_type) for r in recs for e in r.events)
    t = Table(title="events per type")
    t.add_column("event type")
    t.add_column("sub-type")
    t.add_column("events", justify="right")
    for (et, st), n in sorted(types.items(), key=lambda kv: -kv[1]):
        t.add_row(et, st, str(n))
    console.print(t)

    places: Counter[tuple[str, str, str]] = Counter()
    for r in recs:
        for e in r.events:
            for loc in e.locations:
                coords = f"{loc.lat:.3f}, {loc.lon:.3f}" if loc.lat is not None and loc.lon is not None else "-"
                places[(loc.name, loc.country_code or "", coords)] += 1
    p = Table(title="places")
    for col in ("place", "country", "lat, lon", "events"):
        p.add_column(col)
    for (name, cc, coords), n in places.most_common(25):
        p.add_row(name, cc, coords, str(n))
    console.print(p)

    c = Table(title="casualty claims")
    for col in ("claimed by", "outcome", "group", "figure", "as written", "kind"):
        c.add_column(col)
    for r in recs:
        for e in r.events:
            for x in e.casualties:
                c.add_row(x.claimed_by[:40], x.outcome, x.group, _fig(x.low, x.best, x.high), x.text, "event")
        for a in r.aggregates:
            for x in a.casualties:
                c.add_row(x.claimed_by[:40], x.outcome, x.group, _fig(x.low, x.best, x.high), x.text, "aggregate")
    console.print(c)

    f: Counter[tuple[str, str, str]] = Counter(
        (x.term.lower(), x.category, x.neutral_alternative) for r in recs for x in r.framing)
    ft = Table(title="framing flags")
    for col in ("term", "category", "neutral alternative", "count"):
        ft.add_column(col)
    for (term, cat, alt), n in f.most_common(30):
        ft.add_row(term, cat, alt or "(omit)", str(n))
    console.print(ft)


def _fig(low: int | None, best: int | None, high: int | None) -> str:
    return f"{'' if low is None else low}/{'' if best is None else best}/{'' if high is None else high}"
