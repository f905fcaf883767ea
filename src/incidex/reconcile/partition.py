"""Reconciliation split into time partitions that run in parallel (on Dask workers), then stitched.

Each partition [lo, hi) is clustered on its own with ``cluster_stream``. An
incident far from both ends of its partition is final: no event of another
partition can be within ``max_gap_days`` of all its members. The incidents
near an end (a member starting before ``lo + max_gap_days + max_span_days``,
or ending after ``hi - max_gap_days``) are *edges*: they go back to the
coordinator, which clusters all edges together once more, each seeded with its
members, so incidents cut by a partition boundary are joined again as an
incremental run would join them. The edges are a thin slice of the corpus
(about ``2 * (max_gap_days + ...) / partition length``), so the stitch is small.

A report whose date range is longer than ``max_span_days`` and crosses a
boundary can miss a merge the one-process stream would make; nothing else
differs in kind from the stream's own window boundaries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from incidex.reconcile.cluster import DEFAULT, Item, Params, cluster
from incidex.reconcile.stream import cluster_stream


@dataclass(frozen=True)
class PartitionResult:
    final: list[list[Item]]  # incidents no other partition can touch
    edges: list[list[Item]]  # incidents near a boundary: to be stitched


def partitions(first: date, last: date, days: int) -> list[tuple[date, date]]:
    """[lo, hi) ranges of ``days`` days covering first..last."""
    out, lo = [], first
    while lo <= last:
        hi = lo + timedelta(days=days)
        out.append((lo, hi))
        lo = hi
    return out


def cluster_partition(items: Iterable[Item], lo: date, hi: date, p: Params = DEFAULT,
                      must: Iterable[Iterable[str]] = (), cannot: Iterable[tuple[str, str]] = ()
                      ) -> PartitionResult:
    """Cluster the items of one partition (sorted by start, all starting in [lo, hi))."""
    head = lo + timedelta(days=p.max_gap_days + p.max_span_days)
    tail = hi - timedelta(days=p.max_gap_days)
    final, edges = [], []
    for g in cluster_stream(items, p, must=must, cannot=cannot):
        dated = [x for x in g if x.start is not None]
        near = any(x.start < head for x in dated) or any((x.end or x.start) >= tail for x in dated)  # type: ignore[operator]
        (edges if near and dated else final).append(g)
    return PartitionResult(final, edges)


def stitch(edges: Sequence[list[Item]], p: Params = DEFAULT, must: Iterable[Iterable[str]] = (),
           cannot: Iterable[tuple[str, str]] = ()) -> list[list[Item]]:
    """The edge incidents of all partitions clustered together, each kept whole (seeded)."""
    items = [x for g in edges for x in g]
    return cluster(items, p, seed=[*([x.key for x in g] for g in edges), *must], cannot=cannot)
