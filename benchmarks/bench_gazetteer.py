"""The gazetteer: opening the index, toponyms resolved per second, resident memory, each next to a baseline.

The toponyms are the gold toponyms of the geoparsing corpora in ``../shared/data/geoparse``, read at run time
(never copied into the repository). Each measurement runs in a fresh child process, so caches start cold:

(a) open: ``Gazetteer(path)`` (connect, schema check, integrity check); baseline: ``sqlite3.connect`` on the
    same file plus one query. Target < 0.2 s.
(b) resolve: per document, what ``incidex extract`` does with the gazetteer once the mentions are known: the
    country focus (``Extractor._focus``), the cue words (``places._assign_cues``) and ``places.resolve``
    (candidate lookup, the document context, ranking, proximity), timed over all documents; toponyms per
    second on the first pass (cold caches) and on a second pass (warm caches); and candidate generation
    alone (``lookup``, else ``lookup_fuzzy``, fresh caches), the gazetteer's own share. Baseline: a bare
    ``sqlite3`` exact-match query loop (names joined to places, names folded beforehand) over the same
    toponyms, in its own process. Target >= 5,000 toponyms/s on one core. Each rate also per CPU second
    (``time.process_time``), which other jobs on a shared machine disturb less than the wall clock.
(c) memory: RSS added by opening the index and resolving every document (psutil, current RSS after minus
    before, the corpus already in memory); baseline: the RSS the bare loop adds. Target < 150 MB.

    python benchmarks/bench_gazetteer.py [--corpora lgl,trnews,gwn,geovirus,wiktor] [--limit N] [--rounds 3]
                                         [--record docs/PERFORMANCE.md] [--note TEXT]
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _record import machine_line, record  # noqa: E402

CORPORA = ("lgl", "trnews", "gwn", "geovirus", "wiktor")


def _docs(corpora: list[str], limit: int | None) -> list[Any]:
    from incidex.evaluation.geoparse import read_corpus

    out = []
    for c in corpora:
        # the gold points are not read here; repairing WikToR's signs would open a gazetteer of its own and look up
        # every toponym before the timed pass (warming the file, and its caches counted in the RSS baseline)
        docs, _ = read_corpus(c, limit, repair_signs=False)
        out.extend(d for d in docs if d.gold)
    return out


def _rss_mb() -> float:
    import psutil

    return float(psutil.Process().memory_info().rss) / 2**20


def child_incidex(path: Path, corpora: list[str], limit: int | None) -> dict[str, float]:
    from incidex.evaluation.geoparse import _focus, _NoAnnotator
    from incidex.gazetteer.index import Gazetteer, fold
    from incidex.pipeline import places
    from incidex.pipeline.assemble import Extractor

    docs = _docs(corpora, limit)
    # the transliteration tables load once per process, not per index: a non-ASCII name, since an ASCII one
    # is folded without unidecode and would leave its import to the timed pass
    fold("Ağdam")
    fold.cache_clear()
    gc.collect()
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    gaz = Gazetteer(path)
    open_s = time.perf_counter() - t0
    rss_open = _rss_mb()
    # numpy (distance tables) and rapidfuzz (near misses) are imported on first use: once per process, and
    # numpy is loaded already by spaCy in ``incidex extract``. Imported here, after ``rss0`` (the RSS added still
    # counts them) and before the clock starts (70 + 20 ms, not a cost per toponym)
    import numpy  # noqa: F401
    import rapidfuzz.process  # noqa: F401
    extractor = Extractor(_NoAnnotator(), gaz)  # type: ignore[arg-type]

    def one_pass() -> tuple[int, float, float]:
        n = 0
        t0, c0 = time.perf_counter(), time.process_time()
        for doc in docs:
            focus = _focus(extractor, doc.text)
            mentions = [places.PlaceMention(t.start, t.end, doc.text[t.start:t.end]) for t in doc.gold]
            places._assign_cues(doc.text, mentions)
            places.resolve(mentions, gaz, focus, doc.text)  # type: ignore[arg-type]
            n += len(mentions)
        return n, time.perf_counter() - t0, time.process_time() - c0

    n, cold_s, cold_cpu = one_pass()
    rss_cold = _rss_mb()
    _, warm_s, warm_cpu = one_pass()
    rss = max(rss_cold, _rss_mb()) - rss0
    # candidate generation alone, as resolve asks for it: exact (folded) lookup, else a near miss
    written = [doc.text[t.start:t.end] for doc in docs for t in doc.gold]
    fresh = Gazetteer(path)
    fold.cache_clear()
    t0 = time.perf_counter()
    for w in written:
        fresh.lookup(w) or fresh.lookup_fuzzy(w)
    lookup_s = time.perf_counter() - t0
    return {"open_s": open_s, "toponyms": n, "docs": len(docs), "cold": n / cold_s, "warm": n / warm_s,
            "cold_cpu": n / cold_cpu, "warm_cpu": n / warm_cpu,
            "lookup": len(written) / lookup_s, "rss_open": rss_open - rss0, "rss": rss}


def child_bare(path: Path, corpora: list[str], limit: int | None) -> dict[str, float]:
    import sqlite3

    from incidex.gazetteer.index import fold

    docs = _docs(corpora, limit)
    names = [fold(doc.text[t.start:t.end]) for doc in docs for t in doc.gold]
    gc.collect()
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    open_s = time.perf_counter() - t0
    sql = ("SELECT p.id, p.name, p.country_code, p.admin1, p.admin2, p.lat, p.lon, p.feature, p.population"
           " FROM names n JOIN places p ON p.id = n.place_id WHERE n.folded = ? ORDER BY p.population DESC LIMIT 50")
    t0, c0 = time.perf_counter(), time.process_time()
    for f in names:
        conn.execute(sql, (f,)).fetchall()
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"open_s": open_s, "toponyms": len(names), "docs": len(docs), "cold": len(names) / secs,
            "cold_cpu": len(names) / cpu, "rss": _rss_mb() - rss0}


def _run_child(kind: str, args: argparse.Namespace) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--child", kind, "--corpora", args.corpora, "--index", str(args.index)]
    if args.limit:
        cmd += ["--limit", str(args.limit)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpora", default=",".join(CORPORA))
    ap.add_argument("--limit", type=int, default=None, help="documents per corpus (all by default)")
    ap.add_argument("--rounds", type=int, default=3, help="fresh processes per side, alternating; medians")
    ap.add_argument("--index", type=Path, default=None, help="the index (default: the configured one)")
    ap.add_argument("--record", type=Path, default=None, help="write the figures into this Markdown file")
    ap.add_argument("--note", default="", help="a sentence recorded under the machine line (load, what changed)")
    ap.add_argument("--child", choices=("incidex", "bare"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.index is None:
        from incidex.gazetteer.index import open_gazetteer

        args.index = open_gazetteer().path  # builds the index when missing, before anything is timed
    corpora = [c for c in args.corpora.split(",") if c]
    if args.child:
        fn = child_incidex if args.child == "incidex" else child_bare
        print(json.dumps(fn(args.index, corpora, args.limit)))
        return

    runs: dict[str, list[dict[str, float]]] = {"incidex": [], "bare": []}
    for _ in range(args.rounds):
        for kind in ("incidex", "bare"):
            runs[kind].append(_run_child(kind, args))

    def med(kind: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[kind])

    first = runs["incidex"][0]
    size_mb = args.index.stat().st_size / 2**20
    lines = [
        f"index: {args.index.name}, {size_mb:.0f} MB; {first['docs']:,.0f} documents of {', '.join(corpora)}, "
        f"{first['toponyms']:,.0f} gold toponyms; medians of {args.rounds} fresh processes per side",
        f"open the index       : {med('incidex', 'open_s') * 1000:8.1f} ms    (target < 200 ms)",
        f"  baseline           : {med('bare', 'open_s') * 1000:8.1f} ms    (sqlite3.connect + one query)",
        f"resolve, cold caches : {med('incidex', 'cold'):8,.0f} toponyms/s (target >= 5,000; focus + cues + "
        f"places.resolve, first pass)",
        f"resolve, warm caches : {med('incidex', 'warm'):8,.0f} toponyms/s (second pass over the same documents)",
        f"candidates only, cold: {med('incidex', 'lookup'):8,.0f} toponyms/s (Gazetteer.lookup, else lookup_fuzzy)",
        f"  baseline           : {med('bare', 'cold'):8,.0f} toponyms/s (bare sqlite3 exact-match loop, "
        f"pre-folded names)",
        f"  ratio resolve/bare : {med('incidex', 'cold') / med('bare', 'cold'):8.2f}",
        f"  ratio lookup/bare  : {med('incidex', 'lookup') / med('bare', 'cold'):8.2f}",
        "per CPU second (process time: what one core does while other jobs share the machine):",
        f"resolve, cold caches : {med('incidex', 'cold_cpu'):8,.0f} toponyms/s (warm: "
        f"{med('incidex', 'warm_cpu'):,.0f}/s)",
        f"  baseline           : {med('bare', 'cold_cpu'):8,.0f} toponyms/s (the bare loop)",
        f"  ratio resolve/bare : {med('incidex', 'cold_cpu') / med('bare', 'cold_cpu'):8.2f}",
        f"RSS added            : {med('incidex', 'rss'):8.1f} MB    (target < 150 MB; opening: "
        f"{med('incidex', 'rss_open'):.1f} MB)",
        f"  baseline           : {med('bare', 'rss'):8.1f} MB    (the bare loop)",
    ]
    print("\n".join(lines))
    if args.record:
        heading = "## Gazetteer (`benchmarks/bench_gazetteer.py`)"
        note = f"; {args.note}" if args.note else ""
        record(args.record, heading,
               f"{heading}\n\n{machine_line()}{note}\n\n```\n" + "\n".join(lines) + "\n```\n")


if __name__ == "__main__":
    main()
