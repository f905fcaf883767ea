"""`incidex reconcile --workers N | --scheduler ADDR`: the time partitions of a full reconciliation as Dask tasks.

Each task (``services.reconcile.reconcile_partition``) reads its partition's events from the store, clusters
them, writes the incidents no other partition can touch and returns the ones near its boundaries; the
client stitches those (``incidex.reconcile.partition``). A retried task first deletes what an earlier
attempt of the same partition wrote, so a worker that dies mid-write leaves no duplicate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from distributed import Client

    from incidex.reconcile.cluster import Params
    from incidex.services.reconcile import ReconcileResult
    from incidex.store.repository import Repository


def dask_map(client: Client, retries: int = 2) -> Callable[..., Iterable[Any]]:
    """A ``map`` that runs on the cluster and yields results as tasks finish."""

    def run(fn: Callable[..., Any], *iterables: Iterable[Any]) -> Iterator[Any]:
        from distributed import as_completed

        futures = client.map(fn, *iterables, pure=False, retries=retries)  # type: ignore[no-untyped-call]
        for fut in as_completed(futures):  # type: ignore[no-untyped-call]
            yield fut.result()

    return run


def reconcile_on_dask(repo: Repository, client: Client, params: Params | None = None,
                      days: int = 180) -> ReconcileResult:
    from incidex.reconcile.cluster import DEFAULT
    from incidex.services.reconcile import reconcile_partitioned

    return reconcile_partitioned(repo, params or DEFAULT, days=days, map_fn=dask_map(client))
