"""Which events describe the same happening: blocking, a pairwise score, constrained single linkage.

Blocking: every event with a date and a coordinate is indexed under
(day, lat cell, lon cell) for each day of its date range (cells of
``Params.cell_deg`` degrees, 0.5 by default). Candidate pairs are only looked
up in the neighbouring cells and within ``max_gap_days`` days, so the number of
pairs grows with the local density of events, not with the square of their
number. Events without a date or a coordinate are never merged: nothing says
where or when they happened.

Score (0-1) = weighted date, place, type and actor agreement, with hard gates:
a pair of two events of the *same document* is never merged (a document that
reports two events says they are two), nor incompatible types (a protest and a
battle), nor dates more than ``max_gap_days`` apart, nor places more than
``max_km`` apart. Pairs at or above ``threshold`` are merged best-first; a
merge is refused when it would put two events of one document in one incident
(cannot-link), which keeps "same town, same day, two incidents" apart when one
source tells them apart.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from incidex.domain.geo import haversine_km as _haversine

# ACLED event types that can describe one happening seen from different sides: an air strike reported
# by one side and a clash reported by the other, shelling of a town and an attack on its civilians.
# Protests, riots and strategic developments are their own world (a protest and a battle never merge).
_TYPE_COMPAT: dict[frozenset[str], float] = {
    frozenset({"Battles", "Explosions/Remote violence"}): 0.7,
    frozenset({"Explosions/Remote violence", "Violence against civilians"}): 0.7,
    frozenset({"Battles", "Violence against civilians"}): 0.5,
    frozenset({"Protests", "Riots"}): 0.7,
    frozenset({"Riots", "Violence against civilians"}): 0.4,
}
# actor names that say nothing about who was involved
_GENERIC_ACTORS = frozenset({"", "unidentified armed group", "civilians", "unknown", "protesters", "rioters"})


@dataclass(frozen=True)
class Params:
    """The knobs of the clustering, with the documented defaults (docs/RECONCILE.md)."""

    threshold: float = 0.70  # merge a pair scoring at least this
    threshold_denied: float = 0.60  # ... or this when one side is a denial (denials carry few details)
    max_gap_days: int = 2  # dates further apart never merge
    max_km: float = 30.0  # places further apart never merge
    near_km: float = 5.0  # places this close count as the same place
    cell_deg: float = 0.5  # blocking cell size
    max_span_days: int = 14  # a date range longer than this is indexed on its first and last days only
    w_date: float = 0.30
    w_place: float = 0.30
    w_type: float = 0.25
    w_actor: float = 0.15


DEFAULT = Params()


@dataclass(frozen=True)
class Item:
    """One event as the clustering sees it. ``payload`` carries whatever the caller needs back."""

    key: str  # unique among the items
    document_id: str
    event_type: str
    sub_type: str
    start: date | None
    end: date | None
    points: tuple[tuple[float, float], ...] = ()  # (lat, lon) of its places
    actors: frozenset[str] = frozenset()  # normalized names of who was involved
    certainty: str = "asserted"
    seq: int = 0  # arrival order: the earliest member names the incident
    payload: Any = field(default=None, compare=False, hash=False)

    @property
    def blockable(self) -> bool:
        return self.start is not None and bool(self.points)


def iso(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


# -- the pairwise score -------------------------------------------------------------------------------

def type_compat(a: Item, b: Item) -> float:
    if a.event_type == b.event_type:
        if a.event_type == "Strategic developments":  # an arrest and an agreement are not one happening
            return 1.0 if a.sub_type == b.sub_type else 0.0
        return 1.0 if a.sub_type == b.sub_type else 0.85
    return _TYPE_COMPAT.get(frozenset({a.event_type, b.event_type}), 0.0)


def day_gap(a: Item, b: Item) -> int | None:
    """Days between the two date ranges (0 when they overlap); None when either is unknown."""
    if a.start is None or b.start is None:
        return None
    a_end, b_end = a.end or a.start, b.end or b.start
    if a.start <= b_end and b.start <= a_end:
        return 0
    return min(abs((a.start - b_end).days), abs((b.start - a_end).days))


def haversine_km(p: tuple[float, float], q: tuple[float, float]) -> float:
    return _haversine(p[0], p[1], q[0], q[1])


def distance_km(a: Item, b: Item) -> float | None:
    if not a.points or not b.points:
        return None
    return min(haversine_km(p, q) for p in a.points for q in b.points)


def _specific(actors: frozenset[str]) -> frozenset[str]:
    return frozenset(x for x in actors if x.lower() not in _GENERIC_ACTORS)


def actor_overlap(a: Item, b: Item) -> float:
    """Jaccard overlap of the named actors; 0.5 (no evidence either way) when one side names none."""
    x, y = _specific(a.actors), _specific(b.actors)
    if not x or not y:
        return 0.5
    return len(x & y) / len(x | y)


def compatible(a: Item, b: Item, p: Params = DEFAULT) -> bool:
    """The hard gates only (type, date gap, distance); unknown dates or places do not veto here."""
    if type_compat(a, b) == 0.0:
        return False
    gap, km = day_gap(a, b), distance_km(a, b)
    return (gap is None or gap <= p.max_gap_days) and (km is None or km <= p.max_km)


def score(a: Item, b: Item, p: Params = DEFAULT) -> float:
    """How strongly two events look like one happening, 0-1; 0 when a hard gate says no."""
    if a.document_id == b.document_id:
        return 0.0
    t = type_compat(a, b)
    gap = day_gap(a, b)
    km = distance_km(a, b)
    if t == 0.0 or gap is None or km is None or gap > p.max_gap_days or km > p.max_km:
        return 0.0
    s_date = 1.0 - gap / (p.max_gap_days + 1)  # 1, 0.67, 0.33 for 0, 1, 2 days apart
    if max(_span(a), _span(b)) > 7:  # a week or a month overlapping a day says little
        s_date = min(s_date, 0.6)
    s_place = 1.0 if km <= p.near_km else max(0.0, 1.0 - (km - p.near_km) / (p.max_km - p.near_km))
    return p.w_date * s_date + p.w_place * s_place + p.w_type * t + p.w_actor * actor_overlap(a, b)


def _span(x: Item) -> int:
    return ((x.end or x.start) - x.start).days if x.start else 0


# -- blocking ----------------------------------------------------------------------------------------

def _cells(x: Item, p: Params) -> set[tuple[int, int]]:
    return {(math.floor(lat / p.cell_deg), math.floor(lon / p.cell_deg)) for lat, lon in x.points}


def _days(x: Item, p: Params) -> list[date]:
    assert x.start is not None
    end = x.end or x.start
    n = (end - x.start).days
    if n > p.max_span_days:
        return [x.start, end]
    return [x.start + timedelta(days=i) for i in range(n + 1)]


def candidate_pairs(items: Sequence[Item], p: Params = DEFAULT) -> set[tuple[int, int]]:
    """Index pairs (i < j) that share a neighbouring (day, cell): the only pairs worth scoring."""
    index: dict[tuple[date, int, int], list[int]] = {}
    for i, x in enumerate(items):
        if not x.blockable:
            continue
        for d in _days(x, p):
            for cy, cx in _cells(x, p):
                index.setdefault((d, cy, cx), []).append(i)
    pairs: set[tuple[int, int]] = set()
    for (d, cy, cx), members in index.items():
        # look forward in time only (and at the same day): each pair is found from its earlier bucket
        for dd in range(0, p.max_gap_days + 1):
            day = d + timedelta(days=dd)
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    other = index.get((day, cy + dy, cx + dx))
                    if not other:
                        continue
                    for i in members:
                        for j in other:
                            if i < j:
                                pairs.add((i, j))
                            elif j < i:
                                pairs.add((j, i))
    return pairs


# -- clustering --------------------------------------------------------------------------------------

def cluster(items: Sequence[Item], p: Params = DEFAULT,
            seed: Iterable[Iterable[str]] = (),
            cannot: Iterable[tuple[str, str]] = ()) -> list[list[Item]]:
    """Group the items; ``seed`` lists groups of keys already known to belong together (kept together: existing
    incidents, an analyst's merge), ``cannot`` pairs of keys that must never share an incident (an analyst's
    split). A cannot-link wins over a seed: a seeded union that would join a cannot-linked pair is skipped.

    Returns the clusters, each sorted by ``seq``, in order of their first member.
    """
    n = len(items)
    parent = list(range(n))
    docs: list[set[str]] = [{x.document_id} for x in items]
    pos = {x.key: i for i, x in enumerate(items)}
    apart: dict[int, set[int]] = {}
    for a, b in cannot:
        if a in pos and b in pos and a != b:
            apart.setdefault(pos[a], set()).add(pos[b])
            apart.setdefault(pos[b], set()).add(pos[a])

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    members: list[list[int]] = [[i] for i in range(n)]

    def union(i: int, j: int, force: bool = False) -> bool:
        ri, rj = find(i), find(j)
        if ri == rj:
            return True
        if apart and any(apart.get(a, set()) & set(members[rj]) for a in members[ri]):
            return False  # an analyst split them
        if not force:
            if docs[ri] & docs[rj]:
                return False  # cannot-link: one document's two events stay two incidents
            # every pair of the merged incident must pass the hard gates: no chaining from 10 March
            # to 20 March through a report of "fighting on 15-21 March"
            if not all(compatible(items[a], items[b], p) for a in members[ri] for b in members[rj]):
                return False
        parent[rj] = ri
        docs[ri] |= docs[rj]
        members[ri] += members[rj]
        return True

    for group in seed:
        idx = [pos[k] for k in group if k in pos]
        for j in idx[1:]:
            union(idx[0], j, force=True)

    scored = []
    for i, j in candidate_pairs(items, p):
        s = score(items[i], items[j], p)
        limit = p.threshold_denied if "denied" in (items[i].certainty, items[j].certainty) else p.threshold
        if s >= limit:
            scored.append((-s, items[i].seq, items[j].seq, i, j))
    for _, _, _, i, j in sorted(scored):
        union(i, j)

    groups: dict[int, list[Item]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(items[i])
    out = [sorted(g, key=lambda x: (x.seq, x.key)) for g in groups.values()]
    return sorted(out, key=lambda g: (g[0].seq, g[0].key))
