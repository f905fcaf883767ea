"""Extraction throughput against bare spaCy, in one run, and peak memory.

Runs the same corpus through (a) bare ``nlp.pipe`` of the pinned spaCy model and (b) the full
incidex pipeline (which includes that same spaCy pass), alternating rounds so machine noise
hits both, and prints docs/s for each and their ratio. Target: ratio >= 0.8, peak RSS < 500 MB.
The corpus is the synthetic demo corpus repeated (and the seed statement when ../shared exists).

    python benchmarks/bench_extract.py [--rounds 3] [--copies 20] [--record docs/PERFORMANCE.md]
"""

from __future__ import annotations

import argparse
import platform
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def corpus(copies: int) -> list[str]:
    from incidex.pipeline.read import iter_paths, read_input

    texts = []
    for p in iter_paths([str(REPO / "src" / "incidex" / "demo" / "corpus")]):
        for d in read_input(p, 5_000_000):
            if not isinstance(d, Exception):
                texts.append(d.text)
    seed = REPO.parent / "shared" / "seed" / "000_d90ec356df9cc146.txt"
    if seed.exists():
        texts.append(seed.read_text(encoding="utf-8"))
    # vary each copy slightly so no per-text cache can help the pipeline
    return [f"{t}\n\nRef {i}-{j}." for i in range(copies) for j, t in enumerate(texts)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--copies", type=int, default=20)
    ap.add_argument("--record", type=Path, default=None)
    args = ap.parse_args()

    from incidex.domain.document import RawDocument
    from incidex.services.extract import default_extractor

    ex = default_extractor()
    nlp = ex.annotator.nlp  # type: ignore[attr-defined]
    texts = corpus(args.copies)
    raws = [RawDocument(text=t, origin=f"bench{i}") for i, t in enumerate(texts)]
    chars = sum(len(t) for t in texts)
    list(ex.extract_many(raws[:20]))  # warm-up: model, classifier, gazetteer caches

    bare_t, full_t = [], []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=32):
            pass
        bare_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for _res in ex.extract_many(raws):
            pass
        full_t.append(time.perf_counter() - t0)
    bare, full = min(bare_t), min(full_t)
    n = len(texts)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ratio = bare / full
    lines = [
        f"corpus: {n} documents, {chars / n:.0f} chars on average; best of {args.rounds} alternating rounds",
        f"bare spaCy nlp.pipe : {n / bare:8.1f} docs/s",
        f"full incidex        : {n / full:8.1f} docs/s",
        f"ratio full/bare     : {ratio:8.2f}  (target >= 0.80)",
        f"peak RSS            : {rss_mb:8.0f} MB (target < 500 MB)",
    ]
    print("\n".join(lines))
    if args.record:
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip()
        section = (f"## Extraction vs bare spaCy (`benchmarks/bench_extract.py`)\n\n"
                   f"{date.today().isoformat()}, commit {commit}, {platform.processor() or platform.machine()}, "
                   f"Python {sys.version.split()[0]}, {platform.system()}\n\n```\n" + "\n".join(lines) + "\n```\n")
        _record(args.record, "## Extraction vs bare spaCy", section)


def _record(path: Path, heading: str, section: str) -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n\nFigures are ratios against a baseline measured in the same run.\n\n"
    if heading in old:
        start = old.index(heading)
        nxt = old.find("\n## ", start + 1)
        old = old[:start] + section + (old[nxt + 1:] if nxt != -1 else "")
    else:
        old = old.rstrip() + "\n\n" + section
    path.write_text(old, encoding="utf-8")


if __name__ == "__main__":
    main()
