"""JSONL: one incidex/1 record per line, plus a ``store`` object with what ``incidex import`` needs.

``store`` carries the document text as received (spans index into it) and the
provenance (retrieved_at, collector, origin, pipeline version, configuration
hash). incidex/1 allows new optional fields; a consumer that only wants the
record drops ``store``. Rejected claims are left out; edited claims carry
their edited values.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from incidex.store.repository import StoredRecord


def line(rec: StoredRecord) -> dict[str, Any]:
    p = rec.provenance
    return {**rec.record.to_json_dict(), "store": {
        "text": p.text, "retrieved_at": p.retrieved_at.isoformat(), "collector": p.collector, "origin": p.origin,
        "pipeline_version": p.pipeline_version, "config_hash": p.config_hash,
    }}


def write(records: Iterable[StoredRecord], stream: IO[str]) -> int:
    n = 0
    for rec in records:
        stream.write(json.dumps(line(rec), ensure_ascii=False) + "\n")
        n += 1
    return n
