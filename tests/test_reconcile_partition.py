"""Time partitions clustered apart and stitched give the incidents of one clustering."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from incidex.reconcile.cluster import Item, cluster
from incidex.reconcile.partition import cluster_partition, partitions, stitch

DEMO_GOLD = Path(__file__).resolve().parents[1] / "eval" / "gold" / "demo.jsonl"


def _partition(groups) -> set[frozenset[str]]:  # type: ignore[no-untyped-def]
    return {frozenset(x.key for x in g) for g in groups}


def _run(items: list[Item], days: int) -> list[list[Item]]:
    dated = sorted((x for x in items if x.start), key=lambda x: (x.start, x.seq))
    out: list[list[Item]] = [[x] for x in items if not x.start]
    edges: list[list[Item]] = []
    for lo, hi in partitions(dated[0].start, dated[-1].start, days):  # type: ignore[arg-type]
        part = cluster_partition([x for x in dated if lo <= x.start < hi], lo, hi)  # type: ignore[operator]
        out += part.final
        edges += part.edges
    return out + stitch(edges)


@pytest.mark.parametrize("days", [1, 2, 5, 30])
def test_partitions_stitched_equal_one_clustering_on_the_demo_gold(days: int) -> None:
    from incidex.services.reconcile import gold_items

    items, _ = gold_items(DEMO_GOLD)
    assert _partition(_run(items, days)) == _partition(cluster(items))


def test_an_incident_cut_by_a_boundary_is_joined_again() -> None:
    d0 = date(2024, 3, 1)

    def it(k: int, doc: str, day: int) -> Item:
        return Item(key=f"{doc}:{k}", document_id=doc, event_type="Battles", sub_type="Armed clash",
                    start=d0 + timedelta(days=day), end=d0 + timedelta(days=day), points=((40.0, 71.0),), seq=k)

    items = [it(0, "a", 9), it(1, "b", 10), it(2, "c", 30)]
    lo, hi = d0, d0 + timedelta(days=10)
    first = cluster_partition(items[:1], lo, hi)
    assert first.final == [] and len(first.edges) == 1  # near the end of its partition: an edge
    second = cluster_partition(items[1:], hi, hi + timedelta(days=30))
    assert {x.key for g in second.final for x in g} == {"c:2"}  # far from both ends: final at once
    assert _partition(stitch(first.edges + second.edges)) == {frozenset({"a:0", "b:1"})}
