"""Extraction throughput against bare spaCy, in one run, and peak memory.

Runs the same corpus through (a) bare ``nlp.pipe`` of the pinned spaCy model, all its components,
and (b) the full incidex pipeline (which runs that model's tokenizer, sentence recogniser and NER;
it leaves out the tagger, lemmatizer and parser it does not use), alternating rounds so machine noise
hits both, and prints docs/s for each and their ratio. Target: ratio >= 0.8, peak RSS < 500 MB.
The corpus is the synthetic demo corpus repeated (and the seed statement when ../shared exists).
``--no-embeddings`` runs the event classifier without its sentence-embedding model (TF-IDF and cues
only, as ``INCIDEX_EMBEDDINGS=0``), to measure what the embeddings cost.

    python benchmarks/bench_extract.py [--rounds 3] [--copies 20] [--no-embeddings] [--record docs/PERFORMANCE.md]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _record import machine_line, record  # noqa: E402

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
    ap.add_argument("--no-embeddings", action="store_true", help="classify without sentence embeddings")
    ap.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.no_embeddings:
        os.environ["INCIDEX_EMBEDDINGS"] = "0"  # read at first use; inherited by the memory child
    if args.memory_child:
        _memory_child(args.copies)
        return

    from incidex.domain.document import RawDocument
    from incidex.nlp.spacy_nlp import load_model
    from incidex.services.extract import default_extractor

    ex = default_extractor()
    nlp = load_model(fast=False)  # the baseline: the whole pinned pipeline, as installed
    texts = corpus(args.copies)
    raws = [RawDocument(text=t, origin=f"bench{i}") for i, t in enumerate(texts)]
    chars = sum(len(t) for t in texts)
    t0 = time.perf_counter()
    list(ex.extract_many(raws[:20]))  # warm-up: model, classifier, gazetteer caches
    warm = time.perf_counter() - t0
    from incidex.pipeline.classify import embedding_model

    classifier = "TF-IDF + cues + MiniLM embeddings" if embedding_model() is not None else "TF-IDF + cues"

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
    # peak memory of incidex alone, in a fresh process (this one also holds the baseline model)
    child = subprocess.run([sys.executable, __file__, "--memory-child", "--copies", str(args.copies)],
                           capture_output=True, text=True, check=True)
    rss_mb = float(child.stdout.strip().splitlines()[-1])
    ratio = bare / full
    lines = [
        f"corpus: {n} documents, {chars / n:.0f} chars on average; best of {args.rounds} alternating rounds",
        f"bare spaCy nlp.pipe : {n / bare:8.1f} docs/s",
        f"full incidex        : {n / full:8.1f} docs/s",
        f"ratio full/bare     : {ratio:8.2f}  (target >= 0.80)",
        f"peak RSS, incidex   : {rss_mb:8.0f} MB (target < 500 MB; a separate process extracting the corpus)",
        f"event classifier    : {classifier}; first 20 documents incl. loading and training {warm:.1f} s",
    ]
    print("\n".join(lines))
    if args.record:
        section = (f"## Extraction vs bare spaCy (`benchmarks/bench_extract.py`)\n\n{machine_line()}\n\n```\n"
                   + "\n".join(lines) + "\n```\n")
        record(args.record, "## Extraction vs bare spaCy", section)


def _memory_child(copies: int) -> None:
    from incidex.domain.document import RawDocument
    from incidex.services.extract import default_extractor

    ex = default_extractor()
    raws = [RawDocument(text=t, origin=f"m{i}") for i, t in enumerate(corpus(copies))]
    for k in range(0, len(raws), 16):  # the CLI's batch size
        for _res in ex.extract_many(raws[k:k + 16]):
            pass
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


if __name__ == "__main__":
    main()
