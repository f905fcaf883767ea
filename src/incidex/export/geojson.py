"""GeoJSON: a FeatureCollection with one Point per event and place (places without coordinates are left out).

Written feature by feature, so the whole store is never in memory; opens in
QGIS and any GeoJSON reader. Coordinates are WGS84 ``[lon, lat]``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

from incidex.export.common import fatalities

if TYPE_CHECKING:
    from incidex.store.repository import StoredRecord


def features(rec: StoredRecord) -> Iterable[dict[str, Any]]:
    doc = rec.record.document
    for e in rec.record.events:
        dead, _ = fatalities(e.casualties)
        for loc in e.locations:
            if loc.lat is None or loc.lon is None:
                continue
            yield {"type": "Feature", "geometry": {"type": "Point", "coordinates": [loc.lon, loc.lat]},
                   "properties": {
                       "document_id": doc.id, "event_id": e.id, "event_type": e.event_type, "sub_type": e.sub_type,
                       "date_start": e.date.start, "date_end": e.date.end, "date_precision": e.date.precision,
                       "place": loc.name, "country_code": loc.country_code, "admin1": loc.admin1,
                       "geo_precision": loc.geo_precision, "gazetteer_id": loc.gazetteer_id,
                       "fatalities_lowest": dead, "claimed_by": e.claimed_by, "certainty": e.certainty,
                       "summary": e.summary, "source": doc.source.name, "stance": doc.stance, "url": doc.source.url,
                   }}


def write(records: Iterable[StoredRecord], stream: IO[str]) -> int:
    stream.write('{"type": "FeatureCollection", "features": [\n')
    n = 0
    for rec in records:
        for f in features(rec):
            stream.write((",\n" if n else "") + json.dumps(f, ensure_ascii=False))
            n += 1
    stream.write("\n]}\n")
    return n
