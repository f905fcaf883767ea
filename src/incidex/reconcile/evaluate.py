"""B-cubed precision and recall of a clustering against a hand-made truth (eval/reconcile/truth.json).

The truth lists incidents, each as members keyed by what a reader can check in
the source: file (``name.jsonl#N`` for the N-th record of a JSONL file), place,
date (``YYYY-MM-DD`` or ``start/end``) and ACLED event type. An extracted event
is matched to a truth member of the same file whose place it names and whose
date is within ``MATCH_DAYS`` days, one member per event (same type first, then
the closest dates); an event that matches none is its own incident in the truth
(it is a spurious or a duplicate extraction, and merging it anywhere is an
error). B-cubed (Bagga & Baldwin 1998) averages, over events, the share of an
event's predicted cluster that is in its true cluster (precision) and the share
of its true cluster that is in its predicted cluster (recall).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from incidex.reconcile.cluster import iso

MATCH_DAYS = 2


@dataclass(frozen=True)
class Member:
    incident: str
    file: str
    places: tuple[str, ...]
    start: date
    end: date
    event_type: str


@dataclass(frozen=True)
class BCubed:
    precision: float
    recall: float
    f1: float
    items: int
    matched: int  # items matched to a truth member
    predicted_clusters: int
    true_clusters: int
    matched_f1: float | None = None  # the same measure over the matched items only (the unmatched are easy singletons)


def fold(name: str) -> str:
    """Place names compared without case, accents, hyphens or apostrophes (Kara-Suu = Kara Suu, Qo‘qon = Qoqon)."""
    s = unicodedata.normalize("NFKD", name.lower())
    return "".join(ch for ch in s if ch.isalnum())


def load_truth(data: dict[str, Any]) -> list[Member]:
    out = []
    for inc in data["incidents"]:
        for m in inc["members"]:
            start, _, end = m["date"].partition("/")
            d0, d1 = iso(start), iso(end or start)
            assert d0 is not None and d1 is not None, m
            places = tuple(fold(p) for p in [m["place"], *m.get("aliases", [])])
            out.append(Member(inc["id"], m["file"], places, d0, d1, m["type"]))
    return out


def _gap(a0: date, a1: date, b0: date, b1: date) -> int:
    if a0 <= b1 and b0 <= a1:
        return 0
    return min(abs((a0 - b1).days), abs((b0 - a1).days))


@dataclass(frozen=True)
class Observed:
    """An event to be matched: its key, file, place names, dates and type."""

    key: str
    file: str
    places: tuple[str, ...]
    start: date | None
    end: date | None
    event_type: str


def match(observed: Sequence[Observed], truth: Sequence[Member]) -> dict[str, str]:
    """Event key -> truth incident id, one truth member per event; unmatched events are left out."""
    options = []
    for o in observed:
        if o.start is None:
            continue
        names = {fold(p) for p in o.places}
        for i, m in enumerate(truth):
            if m.file != o.file or not names & set(m.places):
                continue
            gap = _gap(o.start, o.end or o.start, m.start, m.end)
            if gap <= MATCH_DAYS:
                exact = abs((o.start - m.start).days) + abs(((o.end or o.start) - m.end).days)
                options.append((o.event_type != m.event_type, gap, exact, o.key, i))
    out: dict[str, str] = {}
    used: set[int] = set()
    for *_, key, i in sorted(options):
        if key in out or i in used:
            continue
        out[key] = truth[i].incident
        used.add(i)
    return out


def bcubed(predicted: Iterable[Iterable[str]], gold: dict[str, str]) -> BCubed:
    """``predicted``: clusters of item keys; ``gold``: item key -> true cluster id (missing = singleton)."""
    clusters = [c for c in (list(c) for c in predicted) if c]
    keys = [k for c in clusters for k in c]
    true_of = {k: gold.get(k, f"__single__{k}") for k in keys}
    true_size: dict[str, int] = {}
    for k in keys:
        true_size[true_of[k]] = true_size.get(true_of[k], 0) + 1
    p_sum = r_sum = 0.0
    for c in clusters:
        counts: dict[str, int] = {}
        for k in c:
            counts[true_of[k]] = counts.get(true_of[k], 0) + 1
        for k in c:
            same = counts[true_of[k]]
            p_sum += same / len(c)
            r_sum += same / true_size[true_of[k]]
    n = len(keys)
    p, r = (p_sum / n, r_sum / n) if n else (1.0, 1.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    matched = sum(1 for k in keys if k in gold)
    sub = None
    if matched < n:
        sub = bcubed(([k for k in c if k in gold] for c in clusters), gold).f1
    return BCubed(p, r, f, n, matched, len(clusters), len(true_size), sub)
