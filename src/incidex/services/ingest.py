"""ingest and import: read documents, extract what is new, store each document in one transaction.

Idempotent by hash: a document whose sha256 (the incidex/1 document id) is
already stored is neither extracted again nor stored twice, and the result
says so. A bad file is reported and the batch goes on, as in ``extract``.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from incidex import PIPELINE_VERSION, __version__
from incidex.domain.document import RawDocument
from incidex.domain.ids import document_id
from incidex.domain.models import Extraction
from incidex.errors import Codes, IncidexError, StoreError
from incidex.services.extract import ExtractOptions, default_extractor, read_documents

if TYPE_CHECKING:
    from incidex.store.repository import Repository


STORE_CHUNK = 32  # documents per store transaction


@dataclass(frozen=True)
class IngestResult:
    origin: str
    document_id: str
    stored: bool  # False: it was already in the store
    events: int = 0


def current_user(user: str | None = None) -> str:
    if user:
        return user
    try:
        return os.environ.get("USER") or getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def config_hash(extractor: object) -> str:
    """What, besides the pipeline version, decides the claims: the NLP model and the gazetteer."""
    from incidex.config import get_settings

    s = get_settings()
    annotator = getattr(extractor, "annotator", None)
    cfg = {"incidex": __version__, "model": s.model, "gazetteer": s.gazetteer_path.name,
           "annotator": getattr(annotator, "name", type(annotator).__name__)}
    return hashlib.sha256(json.dumps(cfg, sort_keys=True).encode()).hexdigest()[:16]


def store_extractions(repo: Repository, items: Iterable[tuple[RawDocument, Extraction]], cfg_hash: str,
                      collector: str | None = None, chunk: int = STORE_CHUNK) -> Iterator[IngestResult]:
    """Store extracted documents, ``chunk`` documents per transaction (a crash stores all of a chunk or none
    of it; one transaction per document costs a commit each: 4x slower on PostgreSQL, see PERFORMANCE.md)."""
    from incidex.store.repository import Provenance, utcnow

    batch: list[tuple[RawDocument, Extraction]] = []

    def flush() -> Iterator[IngestResult]:
        provs = [Provenance(text=raw.text, pipeline_version=PIPELINE_VERSION, config_hash=cfg_hash,
                            retrieved_at=utcnow(), collector=collector, origin=raw.origin) for raw, _ in batch]
        stored = repo.add_extractions([(rec, prov) for (_, rec), prov in zip(batch, provs, strict=True)])
        for (raw, rec), ok in zip(batch, stored, strict=True):
            yield IngestResult(raw.origin, rec.document.id, ok, len(rec.events) if ok else 0)
        batch.clear()

    for item in items:
        batch.append(item)
        if len(batch) >= chunk:
            yield from flush()
    if batch:
        yield from flush()


def ingest(inputs: list[str], repo: Repository, opts: ExtractOptions | None = None,
           extractor: object | None = None, collector: str | None = None
           ) -> Iterator[IngestResult | IncidexError]:
    """Store every new document of ``inputs``; documents already stored are skipped before extraction."""
    from incidex.pipeline.assemble import Extractor

    opts = opts or ExtractOptions()
    collector = current_user(collector)
    ex = extractor
    batch: list[RawDocument] = []
    seen: set[str] = set()

    def flush() -> Iterator[IngestResult]:
        nonlocal ex
        if not batch:
            return
        if ex is None:
            ex = default_extractor()
        assert isinstance(ex, Extractor)
        yield from store_extractions(repo, zip(batch, ex.extract_many(batch), strict=True), config_hash(ex),
                                     collector)
        batch.clear()

    for item in read_documents(inputs, opts):
        if isinstance(item, IncidexError):
            yield item
            continue
        doc_id = document_id(item.text)
        if doc_id in seen or repo.has_document(doc_id):
            yield IngestResult(item.origin, doc_id, stored=False)
            continue
        seen.add(doc_id)
        batch.append(item)
        if len(batch) >= opts.batch_size:
            yield from flush()
    yield from flush()


def import_jsonl(path: Path, repo: Repository, collector: str | None = None) -> Iterator[IngestResult | IncidexError]:
    """Store the records of an ``incidex export --format jsonl`` file (each carries its text in ``store``)."""
    from datetime import datetime

    from pydantic import ValidationError

    from incidex.store.repository import Provenance, utcnow

    if not path.exists():
        from incidex.errors import InputError

        yield InputError(Codes.E101, path=str(path))
        return
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                store = data.pop("store", None) or {}
                rec = Extraction.model_validate(data)
                text = store.get("text")
                if not isinstance(text, str):
                    raise ValueError("no store.text: the document text is needed (export with --format jsonl)")
                if document_id(text) != rec.document.id:
                    raise ValueError("store.text does not hash to document.id")
                retrieved = store.get("retrieved_at")
                prov = Provenance(
                    text=text, pipeline_version=store.get("pipeline_version") or PIPELINE_VERSION,
                    config_hash=store.get("config_hash") or "imported",
                    retrieved_at=datetime.fromisoformat(retrieved) if retrieved else utcnow(),
                    collector=store.get("collector") or current_user(collector), origin=store.get("origin"),
                )
            except (ValueError, ValidationError) as exc:  # JSONDecodeError is a ValueError
                detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                yield StoreError(Codes.E306, path=str(path), line=n, detail=detail)
                continue
            stored = repo.add_extraction(rec, prov)
            yield IngestResult(prov.origin or f"{path}#{n}", rec.document.id, stored, len(rec.events) if stored else 0)
