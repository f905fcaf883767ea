"""Ingest throughput on Dask with 1 and 2 worker processes, into PostgreSQL, on a synthetic corpus.

Generates a corpus with ``incidex.scale.corpus`` (the issue's figure is 20,000 documents; the default is
smaller so that the run takes a few minutes), then, each into an empty PostgreSQL schema:

  serial : ``services.ingest.ingest`` in this process (no Dask): the baseline of 1 worker
  1 / 2 workers : ``ingest_on_dask`` on a ``LocalCluster`` of N single-threaded worker processes, which
           extract and store their batches themselves. Worker start-up (model load, classifier fit) is
           timed apart: throughput is documents stored per second of ingesting.

Target: 2 workers >= 1.7 x 1 worker, peak RSS per worker < 800 MB (getrusage in the worker; psutil's
current RSS beside it). It also records the per-document costs docs/SCALING.md computes with: extraction
seconds per document per worker, worker-side store seconds per document, PostgreSQL server CPU per
document (the backends of the run's own connections, found by ``application_name``), client CPU per document
(read, hash, already-stored check, scheduling) and bytes stored per document.

    python benchmarks/bench_scale.py [--docs 400] [--seed 0] [--batch-size 16] [--no-serial] [--record docs/PERFORMANCE.md]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _record import machine_line, record  # noqa: E402

# numpy single-threaded, as Dask's nanny makes it in every worker (distributed's pre-spawn-environ): the
# serial baseline then uses one core like one worker, and "1 worker / serial" is the cost of Dask alone
for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

HEADING = "## Scale-out ingest on Dask (`benchmarks/bench_scale.py`)"


@contextmanager
def pg_schema(name: str) -> Iterator[str]:
    """A PostgreSQL schema of its own, dropped afterwards (bench_store's)."""
    from bench_store import store

    with store("postgresql", Path(tempfile.gettempdir()), name) as url:
        yield url


def pg_cpu(repo: Any, app: str) -> float:
    """CPU seconds used so far by the PostgreSQL backends serving this run (its connections carry
    ``application_name=app``): other users of the server are not counted."""
    import psutil
    from sqlalchemy import text

    with repo.engine.connect() as conn:
        pids = [r[0] for r in conn.execute(text("SELECT pid FROM pg_stat_activity WHERE application_name = :a"),
                                           {"a": app})]
    total = 0.0
    for pid in pids:
        try:
            t = psutil.Process(pid).cpu_times()
        except psutil.Error:  # a backend that just ended, or one this user may not inspect
            continue
        total += t.user + t.system
    return total


def client_cpu() -> float:
    import psutil

    t = psutil.Process().cpu_times()
    return float(t.user + t.system)


def footprint(repo: Any, docs: int) -> dict[str, float]:
    """Bytes (tables and their indexes), rows of every table, and events, per stored document."""
    from sqlalchemy import func, select, text

    from incidex.store.schema import documents

    with repo.engine.connect() as conn:
        size = conn.execute(text(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r'")).scalar_one()
        counts = {name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
                  for name, t in documents.metadata.tables.items()}
    n = max(docs, 1)
    return {"bytes": float(size or 0) / n, "rows": sum(counts.values()) / n, "events": counts.get("events", 0) / n}


def run_serial(corpus: Path, batch_size: int) -> dict[str, float]:
    from incidex.services.extract import ExtractOptions
    from incidex.services.ingest import ingest
    from incidex.store.repository import Repository

    with pg_schema("serial") as url:
        repo = Repository.open(url)
        from incidex.scale.dask_ingest import warm_up

        warm_up()  # model load and classifier fit, as the workers' plugin does: not timed
        t0 = time.perf_counter()
        stored = sum(1 for r in ingest([str(corpus)], repo, ExtractOptions(batch_size=batch_size))
                     if getattr(r, "stored", False))
        wall = time.perf_counter() - t0
        repo.close()
    return {"stored": stored, "wall": wall, "rate": stored / wall}


def run_dask(corpus: Path, workers: int, batch_size: int) -> dict[str, Any]:
    from incidex.scale.dask_ingest import ScaleStats, dask_client, ingest_on_dask, prepare, worker_memory
    from incidex.store.repository import Repository

    with pg_schema(f"w{workers}") as url:
        app = f"incidex_bench_{uuid.uuid4().hex[:8]}"
        url = f"{url}&application_name={app}"
        repo = Repository.open(url)
        t0 = time.perf_counter()
        with dask_client(workers=workers) as client:
            prepare(client)  # every worker loads the model and fits the classifier once
            startup = time.perf_counter() - t0
            stats = ScaleStats()
            pg0, cl0, load0 = pg_cpu(repo, app), client_cpu(), os.getloadavg()[0]
            t1 = time.perf_counter()
            results = list(ingest_on_dask([str(corpus)], repo, client, batch_size=batch_size, stats=stats))
            wall = time.perf_counter() - t1
            pg1, cl1, load1 = pg_cpu(repo, app), client_cpu(), os.getloadavg()[0]  # backends still open
            mem = worker_memory(client)
        stored = sum(1 for r in results if getattr(r, "stored", False))
        size = footprint(repo, stored)
        repo.close()
    per_worker = {w: stats.extract_s[w] / stats.extract_docs[w] for w in stats.extract_s}
    return {"workers": workers, "stored": stored, "wall": wall, "rate": stored / wall, "startup": startup,
            "extract_per_doc": per_worker, "extract_mean": stats.extract_s_per_doc(),
            "extract_cpu": stats.extract_cpu_s_per_doc(), "store_cpu": stats.store_cpu_s / max(stored, 1),
            "load": max(load0, load1),
            "store_per_doc": stats.store_s_per_doc(), "pg_cpu_per_doc": (pg1 - pg0) / max(stored, 1),
            "client_cpu_per_doc": (cl1 - cl0) / max(stored, 1), "footprint": size,
            "peak_mb": max(m["peak_mb"] for m in mem.values()), "rss_mb": max(m["rss_mb"] for m in mem.values()),
            "batches": stats.batches}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=400, help="corpus size (the issue's figure: 20000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch-size", type=int, default=16, help="documents per Dask task")
    ap.add_argument("--no-serial", action="store_true", help="skip the in-process baseline")
    ap.add_argument("--record", type=Path, help="write the section into this Markdown file")
    args = ap.parse_args()

    from incidex.scale.corpus import write_corpus

    lines: list[str] = []

    def say(line: str) -> None:
        lines.append(line)
        print(line, flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        t0 = time.perf_counter()
        info = write_corpus(corpus, args.docs, args.seed)
        chars = sum(len(p.read_text(encoding="utf-8")) for p in corpus.glob("*.txt")) / args.docs
        say(f"corpus: {info['documents']:,} synthetic documents of {info['incidents']:,} incidents "
            f"(seed {args.seed}, {chars:,.0f} chars on average), generated in {time.perf_counter() - t0:.1f} s; "
            f"batches of {args.batch_size}; PostgreSQL store")
        serial = None
        if not args.no_serial:
            serial = run_serial(corpus, args.batch_size)
            say(f"serial (in-process, no Dask): {serial['rate']:6.1f} docs/s  ({serial['stored']:,} documents in "
                f"{serial['wall']:.0f} s)")
        runs = {}
        for w in (1, 2):
            r = runs[w] = run_dask(corpus, w, args.batch_size)
            say(f"{w} worker{'s' if w > 1 else ' '}: {r['rate']:15.1f} docs/s  ({r['stored']:,} documents in "
                f"{r['wall']:.0f} s; {r['batches']} batches; worker start-up {r['startup']:.0f} s; "
                f"load average {r['load']:.1f} on {os.cpu_count()} cores)")
        one, two = runs[1], runs[2]
        ratio = two["rate"] / one["rate"]
        say(f"ratio 2 workers / 1 worker : {ratio:5.2f}  (target >= 1.70)")
        # this run's own load is about one per worker plus one (client, scheduler, PostgreSQL)
        other = max(one["load"] - 2, two["load"] - 3)
        if other > 0.5:
            say(f"  note: load average {one['load']:.1f} (1 worker) and {two['load']:.1f} (2 workers) on "
                f"{os.cpu_count()} cores: other jobs took about {other:.1f} cores; the wall-clock rates and "
                "ratios measure them too, the CPU figures below do not")
        if serial:
            say(f"ratio 1 worker / serial    : {one['rate'] / serial['rate']:5.2f}  (the cost of Dask: ~1.0; numpy single-threaded in both)")
        say(f"peak RSS per worker        : {max(one['peak_mb'], two['peak_mb']):5.0f} MB  (target < 800 MB; "
            f"current RSS after the run {max(one['rss_mb'], two['rss_mb']):.0f} MB)")
        say("per-document costs (the inputs of docs/SCALING.md):")
        say(f"  extract, 1 worker        : {one['extract_mean'] * 1000:6.1f} ms/doc wall, "
            f"{one['extract_cpu'] * 1000:.1f} ms/doc CPU")
        say(f"  extract CPU, 2 workers   : {two['extract_cpu'] * 1000:6.1f} ms/doc  (same work per document: "
            "workers share nothing)")
        say("  extract, 2 workers       : " + ", ".join(f"{v * 1000:.1f}" for v in two['extract_per_doc'].values())
            + " ms/doc wall per worker  (2 workers + PostgreSQL + client on 2 cores)")
        say(f"  store, worker side       : {one['store_per_doc'] * 1000:6.1f} ms/doc (1 worker), "
            f"{two['store_per_doc'] * 1000:.1f} ms/doc (2 workers) wall; CPU {one['store_cpu'] * 1000:.1f} / "
            f"{two['store_cpu'] * 1000:.1f} ms/doc  (mapping, round trips, commits)")
        say(f"  PostgreSQL server CPU    : {one['pg_cpu_per_doc'] * 1000:6.1f} ms/doc (1 worker), "
            f"{two['pg_cpu_per_doc'] * 1000:.1f} ms/doc (2 workers)  (the backends of this run's connections)")
        say(f"  client CPU               : {one['client_cpu_per_doc'] * 1000:6.1f} ms/doc (1 worker), "
            f"{two['client_cpu_per_doc'] * 1000:.1f} ms/doc (2 workers)  (read, hash, stored check, scheduling)")
        fp = two["footprint"]
        say(f"  stored size              : {fp['bytes'] / 1024:6.1f} KiB/doc  (tables and indexes; "
            f"{fp['rows']:.1f} rows/doc in all tables, {fp['events']:.1f} events/doc)")
    if args.record:
        note = ""
        if args.docs < 20_000:
            note = (f"; run at {args.docs:,} documents, not the issue's 20,000: `python benchmarks/bench_scale.py "
                    "--docs 20000` takes about an hour on 2 cores")
        section = f"{HEADING}\n\n{machine_line()}{note}\n\n```\n" + "\n".join(lines) + "\n```\n"
        record(args.record, HEADING, section)
        print(f"recorded in {args.record}")


if __name__ == "__main__":
    main()
