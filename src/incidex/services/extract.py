"""extract_documents: read inputs, run the pipeline, yield results or per-file errors.

A bad file never stops the batch: its error is yielded in order and the rest
goes on. Documents are annotated in batches with ``nlp.pipe``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from incidex.config import get_settings
from incidex.domain.document import RawDocument
from incidex.domain.models import Extraction
from incidex.errors import IncidexError

if TYPE_CHECKING:  # the pipeline (spaCy, scikit-learn) is imported lazily at run time
    from incidex.pipeline.assemble import Extractor


@dataclass(frozen=True)
class ExtractOptions:
    published: str | None = None
    source: str | None = None
    publisher: str | None = None
    max_chars: int = get_settings().max_chars
    batch_size: int = 16


def read_documents(inputs: list[str], opts: ExtractOptions) -> Iterator[RawDocument | IncidexError]:
    from incidex.pipeline.read import iter_paths, read_input

    try:
        paths = list(iter_paths(inputs))
    except IncidexError as exc:
        yield exc
        return
    for p in paths:
        try:
            for item in read_input(p, opts.max_chars):
                if isinstance(item, RawDocument):
                    yield replace(
                        item,
                        published=opts.published or item.published,
                        publisher=opts.publisher or item.publisher,
                        source_name=opts.source or item.source_name or opts.publisher or item.publisher,
                    )
                else:
                    yield item
        except IncidexError as exc:
            yield exc
        except OSError as exc:
            from incidex.errors import Codes, InputError

            yield InputError(Codes.E103, path=str(p), detail=exc.strerror or type(exc).__name__)


_EXTRACTOR: Extractor | None = None


def default_extractor() -> Extractor:
    """The process-wide extractor: spaCy model and gazetteer loaded once."""
    global _EXTRACTOR
    if _EXTRACTOR is None:
        from incidex.gazetteer.index import open_gazetteer
        from incidex.nlp.spacy_nlp import SpacyAnnotator
        from incidex.pipeline.assemble import Extractor

        _EXTRACTOR = Extractor(SpacyAnnotator(get_settings().model), open_gazetteer())
    return _EXTRACTOR


def extract_documents(
    inputs: list[str], opts: ExtractOptions | None = None, extractor: Extractor | None = None
) -> Iterator[tuple[RawDocument, Extraction] | IncidexError]:
    opts = opts or ExtractOptions()
    ex = extractor or default_extractor()
    batch: list[RawDocument] = []

    def flush() -> Iterator[tuple[RawDocument, Extraction]]:
        yield from zip(batch, ex.extract_many(batch), strict=True)
        batch.clear()

    for item in read_documents(inputs, opts):
        if isinstance(item, IncidexError):
            yield from flush()
            yield item
            continue
        batch.append(item)
        if len(batch) >= opts.batch_size:
            yield from flush()
    yield from flush()


def extract_text(text: str, published: str | None = None, publisher: str | None = None,
                 extractor: Extractor | None = None) -> Extraction:
    """Convenience for tests and the API: one text in, one record out."""
    ex = extractor or default_extractor()
    return ex.extract(RawDocument(text=text, origin="<text>", published=published, publisher=publisher,
                                  source_name=publisher))


def count_inputs(inputs: list[str]) -> int:
    n = 0
    for item in inputs:
        p = Path(item)
        n += sum(1 for f in p.rglob("*") if f.is_file()) if p.is_dir() else 1
    return n
