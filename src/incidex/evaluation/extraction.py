"""`incidex eval extract`: run the pipeline on each gold text and score it with the gold-format rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from incidex.domain.models import Extraction
from incidex.evaluation.gold import GoldDoc, load_gold_files
from incidex.evaluation.score import METRICS, DocScore, Totals, score_document, total

Extract = Callable[[GoldDoc], Extraction]


@dataclass
class ExtractEval:
    files: list[str]
    docs: list[DocScore] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def totals(self) -> Totals:
        return total(self.docs)

    def as_dict(self) -> dict[str, Any]:
        t = self.totals
        return {
            "files": self.files,
            "documents": t.documents,
            "overall": {m: t.prf[m].as_dict() for m in METRICS},
            "neutrality_violations": t.neutrality,
            "double_counting": t.double_counting,
            "per_document": [
                {"id": d.doc_id, **{m: d.scores[m].prf.as_dict() for m in METRICS},
                 "neutrality_violations": list(d.neutrality), "double_counting": list(d.double_counting),
                 "misses": {m: {"missed": list(d.scores[m].missed), "spurious": list(d.scores[m].spurious)}
                            for m in METRICS}}
                for d in self.docs
            ],
            "warnings": self.warnings,
        }


def pipeline_extract(doc: GoldDoc) -> Extraction:
    """The real pipeline on a gold text, with the gold's publication date and publisher as inputs."""
    from incidex.services.extract import extract_text

    return extract_text(doc.text, published=doc.publication_date, publisher=doc.publisher)


def evaluate_docs(docs: Iterable[GoldDoc], extract: Extract = pipeline_extract) -> list[DocScore]:
    return [score_document(d, extract(d)) for d in docs]


def evaluate_extraction(gold_files: list[Path], limit: int | None = None,
                        extract: Extract = pipeline_extract) -> ExtractEval:
    """Load the gold files (``limit`` records from each) and score the pipeline on them."""
    gold = load_gold_files(gold_files, limit=limit)
    out = ExtractEval(files=[str(p) for p in gold_files], warnings=list(gold.warnings))
    out.docs = evaluate_docs(gold.docs, extract)
    return out
