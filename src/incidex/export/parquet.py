"""Parquet: one row per event and place, typed columns, for pandas, polars and DuckDB.

Rows are written in row groups of ``BATCH`` as they stream out of the store.
pyarrow is an optional dependency (``pip install 'incidex[parquet]'``),
imported only here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

from incidex.errors import Codes, StoreError
from incidex.export.common import fatalities, sides

if TYPE_CHECKING:
    from incidex.store.repository import StoredRecord

BINARY = True
BATCH = 5_000

FIELDS: list[tuple[str, str]] = [
    ("document_id", "string"), ("event_id", "string"), ("event_type", "string"), ("sub_type", "string"),
    ("date_start", "date32"), ("date_end", "date32"), ("date_precision", "string"), ("place", "string"),
    ("country_code", "string"), ("admin1", "string"), ("admin2", "string"), ("lat", "float64"),
    ("lon", "float64"), ("geo_precision", "int8"), ("gazetteer_id", "string"), ("actor1", "string"),
    ("actor2", "string"), ("fatalities_lowest", "int32"), ("claimed_by", "string"), ("certainty", "string"),
    ("confidence", "float64"), ("summary", "string"), ("source", "string"), ("publisher", "string"),
    ("url", "string"), ("published", "date32"), ("stance", "string"), ("pipeline_version", "string"),
]


def _day(value: str | None) -> Any:
    from datetime import date

    return date.fromisoformat(value) if value else None


def rows(rec: StoredRecord) -> Iterable[dict[str, Any]]:
    doc = rec.record.document
    for e in rec.record.events:
        a, b = sides(e)
        dead, _ = fatalities(e.casualties)
        for k, loc in enumerate(e.locations or [None]):
            yield {
                "document_id": doc.id, "event_id": e.id, "event_type": e.event_type, "sub_type": e.sub_type,
                "date_start": _day(e.date.start), "date_end": _day(e.date.end), "date_precision": e.date.precision,
                "place": loc.name if loc else None, "country_code": loc.country_code if loc else None,
                "admin1": loc.admin1 if loc else None, "admin2": loc.admin2 if loc else None,
                "lat": loc.lat if loc else None, "lon": loc.lon if loc else None,
                "geo_precision": loc.geo_precision if loc else None, "gazetteer_id": loc.gazetteer_id if loc else None,
                "actor1": a[0].normalized if a else None, "actor2": b[0].normalized if b else None,
                "fatalities_lowest": dead if k == 0 else 0, "claimed_by": e.claimed_by, "certainty": e.certainty,
                "confidence": e.confidence, "summary": e.summary, "source": doc.source.name,
                "publisher": doc.source.publisher, "url": doc.source.url, "published": _day(doc.published),
                "stance": doc.stance, "pipeline_version": rec.provenance.pipeline_version,
            }


def write(records: Iterable[StoredRecord], stream: IO[bytes]) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise StoreError(Codes.E309, fmt="parquet", detail="needs pyarrow: run `pip install 'incidex[parquet]'`") from None
    schema = pa.schema([(name, getattr(pa, kind)()) for name, kind in FIELDS])
    n = 0
    buf: list[dict[str, Any]] = []
    with pq.ParquetWriter(stream, schema) as w:
        for rec in records:
            for row in rows(rec):
                buf.append(row)
                if len(buf) >= BATCH:
                    w.write_table(pa.Table.from_pylist(buf, schema=schema))
                    n += len(buf)
                    buf.clear()
        if buf or n == 0:
            w.write_table(pa.Table.from_pylist(buf, schema=schema))
            n += len(buf)
    return n
