"""``ingest`` on a Dask cluster: the same use case as ``services.ingest``, with extraction spread over workers.

The client reads the inputs, hashes every document and skips those already stored (so a re-run resumes
where the last one stopped), then submits batches of documents to the cluster, keeping a bounded number in
flight so that memory does not grow with the corpus. Each worker process loads the spaCy model and the
gazetteer once (``plugin.IngestPlugin`` warms it up when the worker starts; tasks find it in a module-level cache)
and extracts whole batches. On PostgreSQL a worker stores its batch itself through its own ``Repository``;
on SQLite, which has one writer, the extractions come back and the client stores them. A batch whose
worker dies is run again elsewhere by Dask (and failing tasks are retried); storage is idempotent by
document hash, so a batch that was half stored before its worker died is completed, never duplicated.

Dask is imported inside the functions: importing this module is cheap.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from incidex.domain.document import RawDocument
from incidex.domain.ids import document_id
from incidex.domain.models import Extraction
from incidex.errors import IncidexError
from incidex.services.extract import ExtractOptions, read_documents
from incidex.services.ingest import IngestResult, config_hash, current_user, store_extractions

if TYPE_CHECKING:
    from distributed import Client
    from rich.console import Console
    from rich.progress import Progress

    from incidex.pipeline.assemble import Extractor
    from incidex.store.repository import Repository

ENV_SCHEDULER = "INCIDEX_DASK_SCHEDULER"
RETRIES = 3  # a batch that raises is tried this many more times (a dead worker's batch is rescheduled anyway)


class SchedulerUnreachable(Exception):
    """The Dask scheduler at the given address did not answer."""

    def __init__(self, address: str, detail: str) -> None:
        self.address, self.detail = address, detail
        super().__init__(f"cannot reach the Dask scheduler at {address} ({detail}); check --scheduler / "
                         f"{ENV_SCHEDULER} and that `dask scheduler` is running")


# -- on the workers --------------------------------------------------------------------------------------

_LOCK = threading.Lock()
_REPOS: dict[str, Repository] = {}


def worker_extractor() -> Extractor:
    """This process's extractor: spaCy model and gazetteer loaded on first use, then reused by every task."""
    from incidex.services.extract import default_extractor

    with _LOCK:  # the plugin's warm-up thread and a first task must not load the model twice
        return default_extractor()


def warm_up() -> None:
    """Load the extractor and run it once: the event classifier is fitted at first use, not at load."""
    worker_extractor().extract(RawDocument(text="On 3 March 2024, shelling killed two civilians in Osh.",
                                           origin="<warm-up>", published="2024-03-04"))


def worker_repository(url: str) -> Repository:
    """This process's connection pool to the store at ``url`` (one per worker, not one per task)."""
    from incidex.store.repository import Repository

    with _LOCK:
        repo = _REPOS.get(url)
        if repo is None:
            repo = _REPOS[url] = Repository.open(url)
        return repo


def close_repositories() -> None:
    with _LOCK:
        for repo in _REPOS.values():
            repo.close()
        _REPOS.clear()


@dataclass
class BatchOutcome:
    """What a worker sends back for one batch."""

    worker: str
    docs: int
    extract_s: float
    extract_cpu_s: float = 0.0  # CPU time of this task's thread: unlike wall time, not inflated by a busy machine
    store_s: float = 0.0
    store_cpu_s: float = 0.0
    results: list[IngestResult] = field(default_factory=list)  # stored by the worker (PostgreSQL)
    extracted: list[tuple[RawDocument, Extraction]] = field(default_factory=list)  # for the client (SQLite)
    cfg_hash: str = ""
    errors: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # (class, code, params)


def ingest_batch(batch: list[RawDocument], db_url: str | None, collector: str) -> BatchOutcome:
    """Extract a batch; with ``db_url`` (PostgreSQL) store it too. Runs on a worker."""
    ex = worker_extractor()
    t0, c0 = time.perf_counter(), time.thread_time()
    records = list(ex.extract_many(batch))
    t1, c1 = time.perf_counter(), time.thread_time()
    out = BatchOutcome(worker=f"{socket.gethostname()}:{os.getpid()}", docs=len(batch), extract_s=t1 - t0,
                       extract_cpu_s=c1 - c0, cfg_hash=config_hash(ex))
    if db_url is None:
        out.extracted = list(zip(batch, records, strict=True))
        return out
    try:
        repo = worker_repository(db_url)
        out.results = list(store_extractions(repo, zip(batch, records, strict=True), out.cfg_hash, collector))
    except IncidexError as exc:
        # IncidexError does not survive pickling (its args are the formatted message): send its parts
        out.errors.append((type(exc).__name__, exc.code, exc.params))
    out.store_s, out.store_cpu_s = time.perf_counter() - t1, time.thread_time() - c1
    return out


# -- on the client ---------------------------------------------------------------------------------------

@dataclass
class ScaleStats:
    """Where the time went, for the progress line, the benchmark and docs/SCALING.md."""

    workers: int = 0
    batches: int = 0
    submitted: int = 0  # documents sent to the cluster
    stored: int = 0
    skipped: int = 0
    failed: int = 0
    wall_s: float = 0.0
    extract_s: dict[str, float] = field(default_factory=dict)  # per worker process
    extract_docs: dict[str, int] = field(default_factory=dict)
    extract_cpu_s: dict[str, float] = field(default_factory=dict)
    store_s: float = 0.0
    store_cpu_s: float = 0.0  # worker-side (PostgreSQL) or client-side (SQLite) storing time
    stored_by: str = ""  # "workers" or "client"

    def extract_s_per_doc(self) -> float:
        docs = sum(self.extract_docs.values())
        return sum(self.extract_s.values()) / docs if docs else 0.0

    def extract_cpu_s_per_doc(self) -> float:
        docs = sum(self.extract_docs.values())
        return sum(self.extract_cpu_s.values()) / docs if docs else 0.0

    def store_s_per_doc(self) -> float:
        docs = sum(self.extract_docs.values())
        return self.store_s / docs if docs else 0.0


def scheduler_address(scheduler: str | None = None) -> str | None:
    return scheduler or os.environ.get(ENV_SCHEDULER) or None


@contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None,
                connect_timeout: str = "15s") -> Iterator[Client]:
    """A client of the cluster at ``scheduler``, or of a new local cluster of ``workers`` processes.

    Local workers run one thread each: extraction is CPU-bound Python, so threads would share one core.
    """
    import logging

    from distributed import Client, LocalCluster

    if workers is None and scheduler:
        try:
            client = Client(scheduler, timeout=connect_timeout)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as exc:
            raise SchedulerUnreachable(scheduler, str(exc).splitlines()[0] if str(exc) else type(exc).__name__) \
                from None
        try:
            yield client
        finally:
            client.close()  # type: ignore[no-untyped-call]
        return
    cluster = LocalCluster(n_workers=workers or 2, threads_per_worker=1, processes=True, dashboard_address=None,  # type: ignore[no-untyped-call]
                           silence_logs=logging.ERROR)
    client = Client(cluster)  # type: ignore[no-untyped-call]
    try:
        yield client
    finally:
        client.close()  # type: ignore[no-untyped-call]
        cluster.close()


def prepare(client: Client) -> int:
    """Install the worker plugin (each worker loads the extractor once); the number of workers."""
    from incidex.scale.plugin import IngestPlugin

    client.register_plugin(IngestPlugin())
    return max(1, len(client.scheduler_info().get("workers", {})))


def stored_ids(repo: Repository, ids: list[str]) -> set[str]:
    """Which of ``ids`` are stored: one query for a whole batch (``has_document`` costs a round trip each,
    ~15x the client CPU per document on PostgreSQL)."""
    from sqlalchemy import select

    from incidex.store.schema import documents

    if not ids:
        return set()
    with repo.engine.connect() as conn:
        return set(conn.execute(select(documents.c.id).where(documents.c.id.in_(ids))).scalars())


def _plan(inputs: list[str], repo: Repository, opts: ExtractOptions, batch_size: int,
          ) -> Iterator[IngestResult | IncidexError | list[RawDocument]]:
    """Read and hash on the client: errors and already-stored documents come out, new ones in batches."""
    batch: list[RawDocument] = []
    seen: set[str] = set()
    candidates: list[tuple[str, RawDocument]] = []

    def sift() -> Iterator[IngestResult]:
        stored = stored_ids(repo, [doc_id for doc_id, _ in candidates])
        for doc_id, raw in candidates:
            if doc_id in stored:
                yield IngestResult(raw.origin, doc_id, stored=False)
            else:
                batch.append(raw)
        candidates.clear()

    for item in read_documents(inputs, opts):
        if isinstance(item, IncidexError):
            yield item
            continue
        doc_id = document_id(item.text)
        if doc_id in seen:
            yield IngestResult(item.origin, doc_id, stored=False)
            continue
        seen.add(doc_id)
        candidates.append((doc_id, item))
        if len(candidates) >= batch_size:
            yield from sift()
        if len(batch) >= batch_size:
            yield batch[:batch_size]
            del batch[:batch_size]
    yield from sift()
    while batch:
        yield batch[:batch_size]
        del batch[:batch_size]


def ingest_on_dask(inputs: list[str], repo: Repository, client: Client, opts: ExtractOptions | None = None,
                   collector: str | None = None, batch_size: int | None = None, stats: ScaleStats | None = None,
                   in_flight: int | None = None) -> Iterator[IngestResult | IncidexError]:
    """Like ``services.ingest.ingest``, with extraction (and, on PostgreSQL, storage) on the cluster.

    Results come in the order batches finish, not the order of the inputs.
    """
    from distributed import as_completed

    from incidex.errors import Codes

    opts = opts or ExtractOptions()
    collector = current_user(collector)
    stats = stats if stats is not None else ScaleStats()
    stats.workers = prepare(client)
    on_workers = repo.engine.dialect.name == "postgresql"  # SQLite has one writer: this process
    stats.stored_by = "workers" if on_workers else "client"
    db_url = repo.engine.url.render_as_string(hide_password=False) if on_workers else None
    # enough batches queued that no worker waits for the next, few enough that memory stays flat
    limit = in_flight or 3 * stats.workers
    size = batch_size or opts.batch_size
    run = uuid.uuid4().hex[:8]
    plan = _plan(inputs, repo, opts, size)
    done_reading = False
    ready: list[IngestResult | IncidexError] = []
    futures = as_completed()  # type: ignore[no-untyped-call]
    n_flight = 0
    t_start = time.perf_counter()

    def top_up() -> None:
        nonlocal n_flight, done_reading
        while not done_reading and n_flight < limit:
            item = next(plan, None)
            if item is None:
                done_reading = True
            elif isinstance(item, list):
                stats.batches += 1
                stats.submitted += len(item)
                futures.add(client.submit(ingest_batch, item, db_url, collector, retries=RETRIES, pure=False,  # type: ignore[no-untyped-call]
                                          key=f"incidex-ingest-{run}-{stats.batches}"))
                n_flight += 1
            else:
                if isinstance(item, IncidexError):
                    stats.failed += 1
                else:
                    stats.skipped += 1
                ready.append(item)

    top_up()
    yield from ready
    ready.clear()
    while n_flight:
        fut = next(futures)
        n_flight -= 1
        out: BatchOutcome = fut.result()
        fut.release()
        top_up()  # keep the workers busy while this batch is being stored or reported
        stats.extract_s[out.worker] = stats.extract_s.get(out.worker, 0.0) + out.extract_s
        stats.extract_docs[out.worker] = stats.extract_docs.get(out.worker, 0) + out.docs
        stats.extract_cpu_s[out.worker] = stats.extract_cpu_s.get(out.worker, 0.0) + out.extract_cpu_s
        results = out.results
        if out.extracted:
            t0, c0 = time.perf_counter(), time.thread_time()
            results = list(store_extractions(repo, out.extracted, out.cfg_hash, collector))
            stats.store_s += time.perf_counter() - t0
            stats.store_cpu_s += time.thread_time() - c0
        else:
            stats.store_s += out.store_s
            stats.store_cpu_s += out.store_cpu_s
        for r in results:
            if r.stored:
                stats.stored += 1
            else:
                stats.skipped += 1
            yield r
        for cls_name, code, params in out.errors:
            stats.failed += 1
            yield _rebuild(cls_name, Codes[code], params)
        yield from ready
        ready.clear()
        stats.wall_s = time.perf_counter() - t_start
    stats.wall_s = time.perf_counter() - t_start


def _rebuild(cls_name: str, code: Any, params: dict[str, Any]) -> IncidexError:
    import incidex.errors as errors

    cls = getattr(errors, cls_name, IncidexError)
    return cls(code, **params) if isinstance(cls, type) and issubclass(cls, IncidexError) else \
        IncidexError(code, **params)


def cluster_progress(console: Console, total: int, disable: bool = False) -> Progress:
    """A progress bar for the whole cluster: documents done of total, rate, elapsed time and ETA."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:5.1f} docs/s" if speed else "  -- docs/s", style="progress.data.speed")

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), Rate(),
                    TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=console,
                    disable=disable, transient=True)


def worker_memory(client: Client) -> dict[str, dict[str, float]]:
    """Each worker's current RSS (psutil) and peak RSS since it started (getrusage), in MB."""
    return dict(client.run(_memory))


def _memory() -> dict[str, float]:
    import resource

    import psutil

    return {"rss_mb": psutil.Process().memory_info().rss / 2**20,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "pid": float(os.getpid())}
