"""Reconciliation of a corpus of any size in bounded memory: clustering streamed by time window.

Events arrive sorted by start date. They are clustered one window of
``window_days`` at a time together with the incidents still *open* at the
window's start, seeded with their members (the same mechanism as an incremental
``incidex reconcile``). An incident is *closed*, and emitted, as soon as no later
event can join it: every pair of an incident must pass the date gate
(``max_gap_days``), so once one member ended more than ``max_gap_days`` before
the next window starts, no event starting in that window or later can be
within the gap of all members. Events without a date or a place never merge
and are emitted at once.

Memory holds one window plus the open incidents, whatever the length of the
corpus; the time is that of ``cluster`` on each window, near-linear in the
number of events at a given density (benchmarks/bench_reconcile.py).

The result can differ from one ``cluster`` call over everything only where a
pair straddles a window boundary and a better-scoring pair would have claimed
one of its events first; on the demo corpus both give the same incidents
(tests/test_reconcile_stream.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from incidex.reconcile.cluster import DEFAULT, Item, Params, cluster

WINDOW_DAYS = 14


def cluster_stream(items: Iterable[Item], p: Params = DEFAULT, window_days: int | None = None,
                   must: Iterable[Iterable[str]] = (), cannot: Iterable[tuple[str, str]] = ()
                   ) -> Iterator[list[Item]]:
    """Clusters of ``items`` (sorted by ``start``; undated items anywhere), each emitted once it is closed.

    ``must`` and ``cannot`` are the analyst's merges and splits, as for ``cluster``. An incident holding an
    event of a merge whose other events have not arrived yet stays open until they do (or the stream ends).
    Raises ValueError when a dated item arrives earlier than the window already closed (unsorted input)."""
    window = timedelta(days=window_days or WINDOW_DAYS)
    reach = timedelta(days=p.max_gap_days)
    must = [list(g) for g in must]
    cannot = list(cannot)
    group_of = {k: i for i, g in enumerate(must) for k in g}
    waiting = [len(set(g)) for g in must]  # members of each merge not seen yet
    buf: list[Item] = []
    open_: list[list[Item]] = []
    cut: date | None = None  # the end (exclusive) of the current window

    def run() -> list[list[Item]]:
        seeds = [[x.key for x in g] for g in open_] + must
        return cluster([x for g in open_ for x in g] + buf, p, seed=seeds, cannot=cannot)

    def held(g: list[Item]) -> bool:
        return any(waiting[group_of[x.key]] > 0 for x in g if x.key in group_of)

    def flush(next_start: date) -> Iterator[list[Item]]:
        nonlocal buf, open_
        groups = run()
        open_, buf = [], []
        for g in groups:
            dated = [x.end or x.start for x in g if x.start]
            if dated and min(dated) < next_start - reach and not held(g):  # type: ignore[type-var]
                yield g
            else:
                open_.append(g)

    for x in items:
        if x.key in group_of:
            waiting[group_of[x.key]] -= 1
        if not x.blockable and x.key not in group_of:
            yield [x]
            continue
        if x.start is None:  # undated but in an analyst's merge: goes with the window at hand
            buf.append(x)
            continue
        if cut is None:
            cut = x.start + window
        if x.start < cut - window:
            raise ValueError(f"events must arrive sorted by start date: {x.start} after the window "
                             f"{cut - window}..{cut} began")
        if x.start >= cut:
            yield from flush(x.start)
            cut = x.start + window
        buf.append(x)
    if buf or open_:
        yield from run()
