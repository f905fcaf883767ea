"""The store at scale, on SQLite and PostgreSQL, each figure against a baseline measured in the same run.

Builds a synthetic store of N events (default 1,000,000: one document per 10 events, one place per event,
dates spread over 2015-2024, places over the land boxes of the globe, ACLED types in realistic shares),
inserted in bulk straight into the store's tables (SQLAlchemy Core executemany), then measures:

(a) query: ``Repository.find_events``: events of one type, starting in a date range, with a place in a
    bounding box, first page of 50 in date order, p50/p95 over random queries; baseline: the same 50-row
    page by primary key range.
    Target p95 < 50 ms.
(b) ingest: extracted claims (events, places, actors, casualties, aggregates, legal references, framing)
    per second through ``Repository.add_extractions`` (32 documents a transaction, as ``incidex ingest``) and
    through ``add_extraction`` (one transaction per document), into the big store;
    baseline: one raw executemany of as many rows into one table. Target >= 5,000 claims/s.
(c) export: the whole store as JSONL in a child process, peak RSS for the store of N and of N/10 events
    (streaming: RSS does not grow with N).

PostgreSQL runs in a dedicated schema, dropped afterwards; SQLite in a temporary directory.

    python benchmarks/bench_store.py [--events 1000000] [--backends sqlite,postgresql] [--record docs/PERFORMANCE.md]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _record import machine_line, record  # noqa: E402

PG_SERVER = os.environ.get("INCIDEX_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
EVENTS_PER_DOC = 10
CHUNK = 20_000  # events per executemany
PAGE = 50
STORE_CHUNK = 32  # as incidex.services.ingest.STORE_CHUNK
DAY0, DAYS = date(2015, 1, 1), (date(2024, 12, 31) - date(2015, 1, 1)).days + 1

# (min lon, min lat, max lon, max lat, weight, ISO code used for the box): land boxes of the globe
LAND = [
    (-10, 36, 30, 60, 10, "FR"), (30, 45, 60, 60, 6, "UA"), (26, 36, 45, 42, 5, "TR"), (35, 29, 48, 37, 8, "SY"),
    (38, 30, 60, 38, 6, "IQ"), (44, 12, 53, 19, 5, "YE"), (60, 29, 75, 38, 6, "AF"), (68, 8, 88, 32, 9, "IN"),
    (92, 10, 101, 28, 5, "MM"), (100, 22, 122, 42, 6, "CN"), (95, -8, 125, 8, 4, "ID"), (-17, 4, 15, 20, 9, "NG"),
    (15, 3, 35, 22, 8, "SD"), (28, -12, 42, 5, 7, "KE"), (12, -18, 32, -2, 6, "CD"), (15, -34, 35, -18, 3, "ZA"),
    (-118, 14, -87, 32, 7, "MX"), (-80, -5, -66, 12, 6, "CO"), (-75, -34, -38, -4, 6, "BR"), (-125, 30, -70, 49, 4, "US"),
]
TYPES = [  # ACLED event type, share of events
    ("Protests", 36), ("Battles", 18), ("Violence against civilians", 15), ("Explosions/Remote violence", 14),
    ("Riots", 11), ("Strategic developments", 6),
]


# -- the synthetic store -------------------------------------------------------------------------------------

def _subtypes() -> dict[str, tuple[str, ...]]:
    from incidex.domain.taxonomy import EVENT_TYPES

    return EVENT_TYPES


def _doc_text(i: int) -> str:
    return f"Synthetic report {i}. Forces clashed near the town; at least 3 people were killed, officials said."


def fill(url: str, n_events: int, seed: int = 7) -> dict[str, int]:
    """Bulk-insert ``n_events`` events (and their documents, runs and places) into an empty store at ``url``."""
    from sqlalchemy import func, insert, select, text

    from incidex.domain.geo import grid_cell
    from incidex.domain.ids import document_id
    from incidex.store.repository import Repository, utcnow
    from incidex.store.schema import documents, event_locations, events, extraction_runs

    rng = random.Random(seed)
    subs = _subtypes()
    type_names, type_w = [t for t, _ in TYPES], [w for _, w in TYPES]
    boxes, box_w = LAND, [b[4] for b in LAND]
    repo = Repository.open(url)  # creates the schema at the head revision
    now = utcnow()
    n_docs = -(-n_events // EVENTS_PER_DOC)
    eng = repo.engine
    with eng.begin() as conn:
        base_doc = int(conn.execute(select(func.count()).select_from(documents)).scalar_one())
    eid = 0
    for d0 in range(0, n_docs, CHUNK // EVENTS_PER_DOC):
        d1 = min(n_docs, d0 + CHUNK // EVENTS_PER_DOC)
        docs, runs, evs, locs = [], [], [], []
        for d in range(d0, d1):
            t = _doc_text(base_doc + d)
            did = document_id(t)
            docs.append({"id": did, "text": t, "title": f"Report {d}", "source_name": "Synthetic Monitor",
                         "publisher": "Synthetic Monitor", "url": f"https://example.org/r/{d}",
                         "published": None, "retrieved_at": now, "collector": "bench", "origin": "bench",
                         "language": "en", "stance": "neutral", "stance_evidence": [], "chars": len(t)})
            runs.append({"id": base_doc + d + 1, "document_id": did, "pipeline_version": "bench",
                         "config_hash": "0" * 64, "created_at": now, "is_current": True, "warnings": []})
            sent = {"start": 0, "end": t.index(".") + 1, "quote": t[: t.index(".") + 1]}
            for k in range(min(EVENTS_PER_DOC, n_events - d * EVENTS_PER_DOC)):
                eid += 1
                et = rng.choices(type_names, type_w)[0]
                day = DAY0 + timedelta(days=rng.randrange(DAYS))
                end = day + timedelta(days=rng.choice((0, 0, 0, 0, 1, 3)))
                box = rng.choices(boxes, box_w)[0]
                evs.append({
                    "id": eid, "document_id": did, "run_id": base_doc + d + 1, "ordinal": k,
                    "review_status": "machine", "origin": "machine", "event_key": f"e{k + 1}", "event_type": et,
                    "sub_type": rng.choice(subs[et]), "summary": f"Synthetic Monitor reports a {et.lower()} event.",
                    "date_start": day.isoformat(), "date_end": end.isoformat(),
                    "date_precision": "day" if end == day else "range", "date_text": None, "date_anchor": "explicit",
                    "date_span_start": None, "date_span_end": None, "date_quote": None,
                    "claimed_by": "Synthetic Monitor", "certainty": "reported", "confidence": 0.7,
                    "evidence": [sent], "span_start": sent["start"], "span_end": sent["end"], "quote": sent["quote"],
                })
                lat, lon = round(rng.uniform(box[1], box[3]), 5), round(rng.uniform(box[0], box[2]), 5)
                locs.append({
                    "event_type": et, "event_date": day.isoformat(), "cell": grid_cell(lat, lon),
                    "event_id": eid, "document_id": did, "ordinal": 0, "review_status": "machine",
                    "name": f"Place {eid % 5000}", "name_as_written": f"Place {eid % 5000}", "country_code": box[5],
                    "admin1": None, "admin2": None, "lat": lat, "lon": lon, "feature": "town", "geo_precision": 1,
                    "gazetteer_id": None, "candidates": 1, "span_start": None, "span_end": None, "quote": None,
                })
        with eng.begin() as conn:
            conn.execute(insert(documents), docs)
            conn.execute(insert(extraction_runs), runs)
            conn.execute(insert(events), evs)
            conn.execute(insert(event_locations), locs)
    with eng.begin() as conn:
        if conn.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            for t in ("events", "event_locations", "extraction_runs"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), "
                                  f"(SELECT coalesce(max(id), 1) FROM {t}))"))
        else:
            conn.execute(text("ANALYZE"))
    if eng.dialect.name == "postgresql":  # statistics and the visibility map (index-only scans), as autovacuum would
        with eng.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    repo.close()
    return {"documents": n_docs, "events": eid}


@contextmanager
def store(backend: str, tmp: Path, name: str, keep: Path | None = None) -> Iterator[str]:
    """An empty database: a SQLite file, or a PostgreSQL schema dropped afterwards. With ``keep`` the
    database stays (SQLite in that directory, PostgreSQL in schema incidex_keep_NAME) for a later run."""
    if backend == "sqlite":
        yield f"sqlite:///{(keep or tmp) / (name + '.sqlite')}"
        return
    import sqlalchemy as sa

    schema = f"incidex_keep_{name}" if keep else f"incidex_bench_{name}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_SERVER)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    try:
        yield f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    finally:
        if not keep:
            with admin.begin() as conn:
                conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def filled_or_fill(url: str, n: int, keep: Path | None) -> tuple[dict[str, int], float | None]:
    """Fill the store, unless ``keep`` and it already holds the events of an earlier run (fill time None)."""
    if keep:
        from sqlalchemy import func, select

        from incidex.store.repository import Repository
        from incidex.store.schema import documents, events

        repo = Repository.open(url)
        with repo.engine.connect() as conn:
            have = int(conn.execute(select(func.count()).select_from(events)).scalar_one())
            docs = int(conn.execute(select(func.count()).select_from(documents)).scalar_one())
        repo.close()
        if have >= n:
            return {"events": have, "documents": docs}, None
    t0 = time.perf_counter()
    got = fill(url, n)
    return got, time.perf_counter() - t0


# -- (a) the query -------------------------------------------------------------------------------------------

def bench_query(url: str, n_events: int, n_queries: int, seed: int = 11) -> dict[str, float]:
    """``Repository.find_events`` (the query behind the API's event list): events of one type starting in a
    date range with a place in a bounding box, the first page in date order. Baseline: the same 50-row page
    by primary key, also on a connection taken from the pool per query."""
    from sqlalchemy import select

    from incidex.store.db import make_engine
    from incidex.store.repository import EventFilter, Repository
    from incidex.store.schema import events

    rng = random.Random(seed)
    type_names, type_w = [t for t, _ in TYPES], [w for _, w in TYPES]

    def params() -> EventFilter:
        et = rng.choices(type_names, type_w)[0]
        start = DAY0 + timedelta(days=rng.randrange(DAYS - 30))
        end = start + timedelta(days=rng.randint(30, 730))
        b = rng.choices(LAND, [x[4] for x in LAND])[0]
        w, h = rng.uniform(5, 30), rng.uniform(5, 20)
        cx, cy = rng.uniform(b[0], b[2]), rng.uniform(b[1], b[3])
        return EventFilter(since=start.isoformat(), until=end.isoformat(), event_types=(et,),
                           bbox=(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))

    engine = make_engine(url)
    repo = Repository(engine)
    qs = [params() for _ in range(n_queries)]
    ks = [rng.randint(1, max(1, n_events - PAGE)) for _ in range(n_queries)]
    base = [select(events).where(events.c.id >= k).order_by(events.c.id).limit(PAGE) for k in ks]

    def by_pk(q: Any) -> None:
        with engine.connect() as conn:
            conn.execute(q).fetchall()

    cold = []
    for f, bq in zip(qs, base, strict=True):  # first pass: the pages come from disk (cold page cache) once
        t0 = time.perf_counter()
        repo.find_events(f, limit=PAGE)
        cold.append((time.perf_counter() - t0) * 1000)
        by_pk(bq)
    q_ms, b_ms, rows = [], [], []
    for f, bq in zip(qs, base, strict=True):  # alternate so machine noise hits both
        t0 = time.perf_counter()
        got = repo.find_events(f, limit=PAGE)
        q_ms.append((time.perf_counter() - t0) * 1000)
        rows.append(len(got))
        t0 = time.perf_counter()
        by_pk(bq)
        b_ms.append((time.perf_counter() - t0) * 1000)
    engine.dispose()
    return {"p50": _pct(q_ms, 50), "p95": _pct(q_ms, 95), "b50": _pct(b_ms, 50), "b95": _pct(b_ms, 95),
            "c50": _pct(cold, 50), "c95": _pct(cold, 95),
            "rows": statistics.mean(rows), "full": sum(r == PAGE for r in rows) / len(rows)}


def _pct(xs: list[float], p: int) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


# -- (b) ingest ----------------------------------------------------------------------------------------------

def synthetic_extraction(i: int, run: str = "") -> tuple[Any, Any]:
    """A record like the pipeline's: 3 events (a place, 2 actors, a casualty each), an aggregate with a
    casualty, a legal reference and a framing term: 17 claims."""
    from incidex.domain.ids import document_id
    from incidex.domain.models import (
        Actor,
        Aggregate,
        Casualty,
        DateInfo,
        DocumentInfo,
        Event,
        Extraction,
        Framing,
        LegalRef,
        Location,
        Source,
        Span,
    )
    from incidex.store.repository import Provenance, utcnow

    text = (f"Bulletin {i}{run}. On 4 October 2020, army units shelled Ganja, killing at least 5 civilians. "
            "Rebels attacked a checkpoint in Barda; 2 soldiers were killed. Police dispersed a protest in Baku, "
            "injuring 4 people. This violates international humanitarian law. The martyred victims were buried. "
            "Since September, 94 civilians were killed.")

    def sp(q: str) -> Span:
        k = text.index(q)
        return Span.of(text, k, k + len(q))

    pub = "Synthetic Monitor"
    specs = [("Explosions/Remote violence", "Shelling/artillery/missile attack", "Ganja", 40.68, 46.36, "at least 5",
              "killed", "civilian", 5, "army units"),
             ("Battles", "Armed clash", "Barda", 40.37, 47.13, "2 soldiers", "killed", "military", 2, "Rebels"),
             ("Protests", "Excessive force against protesters", "Baku", 40.41, 49.87, "4 people", "injured",
              "civilian", 4, "Police")]
    evs = []
    for k, (et, st, place, lat, lon, cq, outcome, group, num, actor) in enumerate(specs):
        evs.append(Event(
            id=f"e{k + 1}", event_type=et, sub_type=st, summary=f"{pub} reports {st.lower()} in {place}.",
            date=DateInfo(start="2020-10-04", end="2020-10-04", precision="day", text="4 October 2020",
                          span=sp("4 October 2020"), anchor="explicit"),
            locations=[Location(name=place, name_as_written=place, country_code="AZ", lat=lat, lon=lon,
                                feature="city", geo_precision=1, candidates=1, span=sp(place))],
            actors=[Actor(name=actor, normalized=actor.title(), kind="state_forces", role="initiator",
                          span=sp(actor)),
                    Actor(name="civilians", normalized="Civilians", kind="civilians", role="victim",
                          span=sp("civilians"))],
            casualties=[Casualty(outcome=outcome, group=group, low=num, qualifier="exact", text=cq, claimed_by=pub,
                                 span=sp(cq))],
            claimed_by=pub, certainty="reported", evidence=[sp(place)], confidence=0.7))
    rec = Extraction(
        document=DocumentInfo(id=document_id(text), title=f"Bulletin {i}", chars=len(text),
                              source=Source(name=pub, publisher=pub)),
        events=evs,
        aggregates=[Aggregate(period=DateInfo(start="2020-09-01", end="2020-10-04", precision="range",
                                              text="Since September", span=sp("Since September"), anchor="explicit"),
                              casualties=[Casualty(outcome="killed", group="civilian", low=94, text="94",
                                                   claimed_by=pub, span=sp("94"))],
                              claimed_by=pub, evidence=[sp("Since September, 94 civilians were killed.")])],
        legal_references=[LegalRef(instrument="international humanitarian law", kind="body_of_law",
                                   span=sp("international humanitarian law"))],
        framing=[Framing(term="martyred", category="victimhood_or_sacralisation", neutral_alternative="killed",
                         span=sp("martyred"))],
    )
    prov = Provenance(text=text, pipeline_version="bench", config_hash="0" * 64, retrieved_at=utcnow(),
                      collector="bench", origin="bench")
    return rec, prov


def claims_of(rec: Any) -> int:
    return (len(rec.events) + sum(len(e.locations) + len(e.actors) + len(e.casualties) for e in rec.events)
            + len(rec.aggregates) + sum(len(a.casualties) for a in rec.aggregates)
            + len(rec.legal_references) + len(rec.framing))


def bench_ingest(url: str, n_docs: int) -> dict[str, float]:
    from sqlalchemy import insert, select

    from incidex.store.repository import Repository
    from incidex.store.schema import extraction_runs, framing

    repo = Repository.open(url)
    run = f"-{uuid.uuid4().hex[:8]}"  # new documents on every run, also into a kept store
    items = [synthetic_extraction(i, run) for i in range(2 * n_docs)]  # built before timing: the store is under test
    batched, single = items[:n_docs], items[n_docs:]
    n_claims = sum(claims_of(r) for r, _ in batched)
    t0 = time.perf_counter()
    for k in range(0, len(batched), STORE_CHUNK):  # what `incidex ingest` does: STORE_CHUNK documents a transaction
        assert all(repo.add_extractions(batched[k:k + STORE_CHUNK]))
    ingest_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for rec, prov in single:  # one transaction per document
        assert repo.add_extraction(rec, prov)
    single_s = time.perf_counter() - t0
    # baseline: as many rows in one executemany into one table, one transaction (rolled back)
    with repo.engine.connect() as conn:
        doc_id, run_id = conn.execute(select(extraction_runs.c.document_id, extraction_runs.c.id).limit(1)).one()
        conn.rollback()
        rows = [{"document_id": doc_id, "run_id": run_id, "ordinal": k, "review_status": "machine",
                 "origin": "machine", "term": "martyred", "category": "victimhood_or_sacralisation",
                 "neutral_alternative": "killed", "span_start": 0, "span_end": 8, "quote": "martyred"}
                for k in range(n_claims)]
        trans = conn.begin()
        t0 = time.perf_counter()
        conn.execute(insert(framing), rows)
        raw_s = time.perf_counter() - t0
        trans.rollback()
    repo.close()
    return {"docs": n_docs, "claims": n_claims, "rate": n_claims / ingest_s, "raw": n_claims / raw_s,
            "single": n_claims / single_s}


# -- (c) export ----------------------------------------------------------------------------------------------

def bench_export(url: str, fmt: str) -> dict[str, float]:
    child = subprocess.run([sys.executable, __file__, "--export-child", url, "--format", fmt],
                           capture_output=True, text=True, check=True)
    rows, secs, rss = child.stdout.strip().splitlines()[-1].split()
    return {"rows": int(rows), "s": float(secs), "rss": float(rss)}


def _export_child(url: str, fmt: str) -> None:
    from incidex.export import export_stream
    from incidex.store.repository import Repository

    repo = Repository.open(url)
    t0 = time.perf_counter()
    with open(os.devnull, "w", encoding="utf-8") as sink:
        n = export_stream(sink, fmt, repo.iter_records())
    secs = time.perf_counter() - t0
    repo.close()
    print(n, f"{secs:.1f}", f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")


# -- the run -------------------------------------------------------------------------------------------------

def run_backend(backend: str, args: argparse.Namespace, tmp: Path) -> list[str]:
    n = args.events
    lines = [f"{backend}:"]
    if args.only_fill:
        for name, size in ((f"big{n}", n), (f"small{n // 10}", n // 10)):
            with store(backend, tmp, name, args.keep) as url:
                print(backend, name, filled_or_fill(url, size, args.keep), flush=True)
        return []
    with store(backend, tmp, f"big{n}", args.keep) as url:
        filled, fill_s = filled_or_fill(url, n, args.keep)
        how = (f"bulk-inserted in {fill_s:.0f} s ({2 * filled['events'] / fill_s:,.0f} rows/s)" if fill_s
               else "kept from an earlier run (--keep)")
        lines.append(f"  synthetic store     : {filled['events']:,} events, {filled['documents']:,} documents, {how}")
        print("\n".join(lines), flush=True)
        parts = args.parts.split(",")
        if "query" not in parts:
            q = None
        else:
            q = bench_query(url, n, args.queries)
        lines += [] if q is None else [
            f"  query page (type + date range + bbox, {PAGE} rows, {args.queries} random queries):",
            f"    p50 / p95         : {q['p50']:7.2f} / {q['p95']:7.2f} ms   (target p95 < 50 ms; second pass over "
            f"the same queries, the database's pages in memory as on a serving machine)",
            f"    first pass        : {q['c50']:7.2f} / {q['c95']:7.2f} ms   (as they come: pages possibly cold)",
            f"    baseline by pk    : {q['b50']:7.2f} / {q['b95']:7.2f} ms   (the same {PAGE}-row page by primary key)",
            f"    ratio p95         : {q['p95'] / q['b95']:7.1f} x baseline; {q['rows']:.0f} rows on average, "
            f"{q['full']:.0%} of queries fill the page",
        ]
        print("\n".join(lines[-5:]), flush=True)
        ing = bench_ingest(url, args.ingest_docs) if "ingest" in parts else None
        lines += [] if ing is None else [
            f"  ingest              : {ing['rate']:8,.0f} claims/s   (target >= 5,000; Repository.add_extractions, "
            f"{ing['docs']:,.0f} documents, {ing['claims']:,.0f} claims, {STORE_CHUNK} documents a transaction)",
            f"    one per document  : {ing['single']:8,.0f} claims/s   (add_extraction: a transaction per document)",
            f"    baseline raw      : {ing['raw']:8,.0f} rows/s     (one executemany into one table)",
            f"    ratio             : {ing['rate'] / ing['raw']:8.2f}",
        ]
        print("\n".join(lines[-4:]), flush=True)
        if "export" not in parts:
            return lines
        big = bench_export(url, args.format)
    with store(backend, tmp, f"small{n // 10}", args.keep) as url:
        filled_or_fill(url, n // 10, args.keep)
        small = bench_export(url, args.format)
    lines += [
        f"  export {args.format} (child process, whole store):",
        f"    N    = {n:>9,} events: {big['rows']:>9,} rows in {big['s']:6.0f} s "
        f"({big['rows'] / max(big['s'], 1e-9):,.0f} rows/s), peak RSS {big['rss']:5.0f} MB",
        f"    N/10 = {n // 10:>9,} events: {small['rows']:>9,} rows in {small['s']:6.0f} s, "
        f"peak RSS {small['rss']:5.0f} MB",
        f"    RSS ratio N / N/10: {big['rss'] / small['rss']:.2f}  (streaming: ~1.0 while the store grows 10x)",
    ]
    print("\n".join(lines[-4:]), flush=True)
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--ingest-docs", type=int, default=1000)
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--format", default="jsonl", choices=("jsonl", "acled-csv"))
    ap.add_argument("--record", type=Path, default=None)
    ap.add_argument("--note", default="", help="a line recorded under the figures")
    ap.add_argument("--keep", type=Path, default=None,
                    help="keep the synthetic stores (SQLite files in this directory, PostgreSQL schemas "
                         "incidex_keep_*) and reuse them on the next run: fill once, measure again on a quiet machine")
    ap.add_argument("--only-fill", action="store_true", help="with --keep: build the stores and stop")
    ap.add_argument("--parts", default="query,ingest,export", help="which measurements to run")
    ap.add_argument("--export-child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.export_child:
        _export_child(args.export_child, args.format)
        return
    lines = []
    with tempfile.TemporaryDirectory(prefix="incidex-bench-") as tmp:
        for backend in args.backends.split(","):
            lines += run_backend(backend, args, Path(tmp))
    print("\n".join(lines))
    if args.record:
        heading = "## Store (" if args.parts == "query,ingest,export" else f"## Store, --parts {args.parts} ("
        section = (f"{heading}`benchmarks/bench_store.py`)\n\n{machine_line()}; {args.events:,} synthetic events"
                   f"{'; ' + args.note if args.note else ''}\n\n```\n" + "\n".join(lines) + "\n```\n")
        record(args.record, heading, section)


if __name__ == "__main__":
    main()
