"""Reconciliation streamed by time window gives the incidents of one clustering over everything."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from incidex.reconcile.cluster import Item, cluster
from incidex.reconcile.stream import cluster_stream

DEMO_GOLD = Path(__file__).resolve().parents[1] / "eval" / "gold" / "demo.jsonl"


def _partition(groups) -> set[frozenset[str]]:  # type: ignore[no-untyped-def]
    return {frozenset(x.key for x in g) for g in groups}


def _by_start(items: list[Item]) -> list[Item]:
    return sorted(items, key=lambda x: (x.start or date.min, x.seq))


@pytest.mark.parametrize("window", [1, 3, 14, 365])
def test_stream_equals_one_clustering_on_the_demo_gold(window: int) -> None:
    from incidex.services.reconcile import gold_items

    items, _ = gold_items(DEMO_GOLD)
    assert len(items) > 20
    whole = _partition(cluster(items))
    assert any(len(g) > 1 for g in whole)  # the corpus has multi-source incidents to get right
    assert _partition(cluster_stream(_by_start(items), window_days=window)) == whole


def _item(k: int, doc: str, day: date, lat: float = 40.0, lon: float = 71.0, et: str = "Battles") -> Item:
    return Item(key=f"{doc}:{k}", document_id=doc, event_type=et, sub_type="Armed clash", start=day, end=day,
                points=((lat, lon),), seq=k)


def test_an_incident_across_a_window_boundary_stays_one() -> None:
    d0 = date(2024, 3, 1)
    items = [_item(0, "a", d0 + timedelta(days=13)), _item(1, "b", d0 + timedelta(days=14)),
             _item(2, "c", d0 + timedelta(days=15)), _item(3, "d", d0 + timedelta(days=40))]
    # the first window is d0+13 .. d0+27: make the boundary fall between a and b with a 1-day window
    out = _partition(cluster_stream(items, window_days=1))
    assert frozenset({"a:0", "b:1", "c:2"}) in out and frozenset({"d:3"}) in out


def test_closed_incidents_leave_memory_while_the_stream_goes_on() -> None:
    d0 = date(2020, 1, 1)
    produced = 0

    def gen():  # type: ignore[no-untyped-def]
        nonlocal produced
        for i in range(200):
            produced += 1
            yield _item(i, f"d{i}", d0 + timedelta(days=3 * i))

    lag = [produced - int(g[0].key.split(":")[1]) for g in cluster_stream(gen(), window_days=7)]
    assert len(lag) == 200
    assert max(lag) <= 5  # each incident leaves a few events after its own, not at the end of the stream


def test_unsorted_input_is_refused() -> None:
    d0 = date(2020, 1, 1)
    items = [_item(0, "a", d0 + timedelta(days=30)), _item(1, "b", d0)]
    with pytest.raises(ValueError, match="sorted by start date"):
        list(cluster_stream(items, window_days=7))


def test_undated_events_are_their_own_incidents() -> None:
    x = Item(key="u:0", document_id="u", event_type="Battles", sub_type="Armed clash", start=None, end=None)
    assert _partition(cluster_stream([x, _item(1, "a", date(2020, 1, 1))])) == {frozenset({"u:0"}),
                                                                                  frozenset({"a:1"})}
