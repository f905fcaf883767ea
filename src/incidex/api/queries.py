"""The reads the web app needs that the Repository does not offer, in SQLAlchemy Core on ``store/schema.py``.

Every list is paged by keyset, never OFFSET: the cursor is an opaque token holding the sort key of the last
row of the previous page, so page 1,000 costs what page 1 costs. Events are listed in id order, or in date
order (``order="date"``, which follows the ``(event_type, date_start, id)`` index when a type is given).
Filters use indexed columns: type and date (``ix_events_type_date``), the place's longitude and latitude
(``ix_event_locations_event_lon_lat``, tested per event with EXISTS), actors and parts by ``event_id``.
Only claims of current extraction runs are listed. The same statements run on SQLite and PostgreSQL.

Search is a case-insensitive substring match (``ILIKE``, ``lower() LIKE`` on SQLite) over document titles
and texts and over event summaries and evidence quotes; it scans, so it is meant for stores of thousands of
documents, not millions (full-text indexes are a later step).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import struct
import sys
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import JSON, DateTime, Text, and_, cast, exists, func, literal, or_, select
from sqlalchemy.engine import Connection

from incidex.api.errors import ApiCodes, ApiError
from incidex.domain.geo import cells_covering
from incidex.store.repository import gather, param_mark, place_test
from incidex.store.schema import (
    PG_TSVECTOR,
    aggregates,
    audit_log,
    casualties,
    documents,
    event_actors,
    event_locations,
    events,
    extraction_runs,
    framing,
    incident_events,
    incidents,
    legal_references,
)

_EVENT_DATETIMES = [c.name for c in events.c if isinstance(c.type, DateTime)]  # none: a row needs no plain()
MAX_LIMIT = 500
MAX_POINTS = 250_000  # map points per request: the map clusters them in the browser
PLACE_FILTER = event_locations.alias("place_filter")  # the map's query also joins event_locations


# -- cursors ---------------------------------------------------------------------------------------------

def encode_cursor(*key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key), separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, n: int) -> list[Any] | None:
    if not cursor:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error):
        raise ApiError(ApiCodes.E606, 400, value=cursor) from None
    if not isinstance(key, list) or len(key) != n:
        raise ApiError(ApiCodes.E606, 400, value=cursor)
    return key


def plain(row: Any) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in dict(row).items()}


def _like(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _current(t: Any) -> Any:
    """The row belongs to a current extraction run (a PK lookup per row, not a big IN list)."""
    return exists().where(extraction_runs.c.id == t.c.run_id, extraction_runs.c.is_current)


# -- events ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EventFilter:
    since: str | None = None  # events starting on or after
    until: str | None = None  # events starting on or before
    types: tuple[str, ...] = ()  # ACLED event types or sub-types
    bbox: tuple[float, float, float, float] | None = None  # min lon, min lat, max lon, max lat
    country: str | None = None
    actor: str | None = None  # normalized or as-written name, exact (case-insensitive)
    stance: str | None = None  # of the document: neutral, advocacy, party:<name>
    status: str | None = None  # review status; None: all but rejected; "any": all
    document_id: str | None = None
    incident_id: str | None = None

    def clauses(self, place: bool = True) -> list[Any]:
        """Clauses on ``events``; ``place=False`` leaves out the box and country test (the caller answers it
        from the place index, ``store.repository.page_by_place``)."""
        out: list[Any] = [_current(events)]
        if self.since:
            # events starting in [since, until]: a range on the start date keeps to the index (an overlap
            # test on date_end could not bound the index scan from below)
            out.append(events.c.date_start >= self.since)
        if self.until:
            out.append(events.c.date_start <= self.until)
        if self.types:
            # event types and sub-types apart: `event_type IN (...)` alone can use ix_events_type_date
            from incidex.domain.taxonomy import EVENT_TYPES

            main = [t for t in self.types if t in EVENT_TYPES]
            subs = [t for t in self.types if t not in EVENT_TYPES]
            either = ([events.c.event_type.in_(main)] if main else []) + ([events.c.sub_type.in_(subs)] if subs else [])
            out.append(either[0] if len(either) == 1 else or_(*either))
        if self.status == "any":
            pass
        elif self.status:
            out.append(events.c.review_status == self.status)
        else:
            out.append(events.c.review_status != "rejected")
        if self.document_id:
            out.append(events.c.document_id == self.document_id)
        if self.stance:
            out.append(events.c.document_id.in_(select(documents.c.id).where(documents.c.stance == self.stance)))
        if self.incident_id:
            out.append(events.c.id.in_(select(incident_events.c.event_id)
                                       .where(incident_events.c.incident_id == self.incident_id)))
        place_test: list[Any] = []
        loc = PLACE_FILTER
        if self.bbox:
            x0, y0, x1, y1 = self.bbox
            place_test += [loc.c.lon.between(x0, x1), loc.c.lat.between(y0, y1)]
        if self.country:
            place_test.append(loc.c.country_code == self.country.upper())
        if place_test and place:
            out.append(exists().where(loc.c.event_id == events.c.id, *place_test))
        if self.actor:
            a = self.actor.lower()
            out.append(exists().where(event_actors.c.event_id == events.c.id,
                                      or_(func.lower(event_actors.c.normalized) == a,
                                          func.lower(event_actors.c.name) == a)))
        return out


def list_events(conn: Connection, f: EventFilter, cursor: str | None, limit: int,
                order: str = "id") -> tuple[list[dict[str, Any]], str | None]:
    """A page of events with their places, actors and casualties; the cursor of the next page or None.

    In date order with a bounding box, the page comes from the store's place index
    (``page_by_place``: grid cells, type and date in one covering index) unless the box is too wide."""
    def page(got: Any) -> tuple[list[dict[str, Any]], str | None]:
        """The first ``limit`` of ``limit + 1`` rows with their parts, and the next page's cursor."""
        rows = [plain(r) for r in got] if _EVENT_DATETIMES else [dict(r) for r in got]
        more = len(rows) > limit
        rows = rows[:limit]
        attach_parts(conn, rows)
        if not (more and rows):
            return rows, None
        last = rows[-1]
        return rows, encode_cursor(last["date_start"], last["id"]) if order == "date" else encode_cursor(last["id"])

    cells = cells_covering(*f.bbox) if f.bbox and order == "date" else None
    if cells is not None:
        from incidex.domain.taxonomy import EVENT_TYPES
        from incidex.store.repository import page_by_place

        types = tuple(t for t, subs in EVENT_TYPES.items()
                      if not f.types or t in f.types or any(x in subs for x in f.types))
        key = decode_cursor(cursor, 2)
        return page(page_by_place(
            conn, [*f.clauses(place=False), events.c.date_start.is_not(None)], types, cells,
            f.since or "0000-00-00", f.until or "9999-99-99", f, (key[0], int(key[1])) if key else None, limit + 1))
    if order == "id" and (f.bbox or f.country):
        return page(_page_in_box_by_id(conn, f, decode_cursor(cursor, 1), limit + 1))
    q = select(events).where(*f.clauses())
    if order == "date":
        q = q.where(events.c.date_start.is_not(None))
        key = decode_cursor(cursor, 2)
        if key:
            q = q.where(or_(events.c.date_start > key[0], and_(events.c.date_start == key[0], events.c.id > key[1])))
        q = q.order_by(events.c.date_start, events.c.id)
    else:
        key = decode_cursor(cursor, 1)
        if key:
            q = q.where(events.c.id > int(key[0]))
        q = q.order_by(events.c.id)
    return page(conn.execute(q.limit(limit + 1)).mappings())


def _page_in_box_by_id(conn: Connection, f: EventFilter, key: list[Any] | None, limit: int) -> list[Any]:
    """Events in id order with a place in the box (and country): the candidates come from the index on
    (event_id, lon, lat) alone, read in id order, and only they are read from ``events``. Testing each event
    in turn for a place in the box cost about ten times as much on a store of a million events."""
    sqlite = conn.dialect.name == "sqlite"
    mark = param_mark(conn)
    # SQLite's planner would take the (lat, lon) index and sort; the id-ordered one needs no sort
    sql = "SELECT event_id FROM event_locations" + (" INDEXED BY ix_event_locations_event_lon_lat" if sqlite else "")
    place_sql, args = place_test(conn, f)
    sql += f" WHERE event_id > {mark}{place_sql} ORDER BY event_id LIMIT {mark}"
    conds = f.clauses(place=False)

    def candidates(after: Any, n: int) -> list[Any]:
        return [int(r[0]) for r in conn.exec_driver_sql(sql, (after, *args, n)).all()]

    def read(ids: list[Any]) -> list[Any]:
        return list(conn.execute(select(events).where(events.c.id.in_(ids), *conds).order_by(events.c.id)).mappings())

    return gather(candidates, read, limit, int(key[0]) if key else 0)


def fetch_rows(conn: Connection, t: Any, where: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """Rows of table ``t`` as plain dicts, by a statement written out here (``where`` holds only integers and
    placeholders of our own making): a page's parts take a third of the time they took through SQLAlchemy's
    expanding IN and row mappings. JSON columns are decoded as the engine would (SQLite hands back text)."""
    cols = [c.name for c in t.c]
    quoted = ", ".join('"' + c + '"' for c in cols)
    sql = f"SELECT {quoted} FROM {t.name} WHERE {where}"
    rows = conn.exec_driver_sql(sql, tuple(args)).fetchall()
    out = [dict(zip(cols, r, strict=True)) for r in rows]
    if conn.dialect.name == "sqlite":
        for name in (c.name for c in t.c if isinstance(c.type, JSON)):
            for d in out:
                if isinstance(d[name], str):
                    d[name] = orjson.loads(d[name])
    if any(isinstance(c.type, DateTime) for c in t.c):
        out = [plain(d) for d in out]
    return out


def _ints(ids: Sequence[int]) -> str:
    return ", ".join(str(int(i)) for i in ids)


def attach_parts(conn: Connection, rows: list[dict[str, Any]], include_rejected: bool = True) -> None:
    """Add ``locations``, ``actors``, ``casualties`` (each a list of rows) to each event row, one query each."""
    ids = [r["id"] for r in rows]
    parts: dict[str, dict[int, list[dict[str, Any]]]] = {}
    for name, t in (("locations", event_locations), ("actors", event_actors), ("casualties", casualties)):
        got: dict[int, list[dict[str, Any]]] = {}
        if ids:
            where = f"event_id IN ({_ints(ids)})" + ("" if include_rejected else " AND review_status <> 'rejected'")
            for part in fetch_rows(conn, t, where + " ORDER BY event_id, ordinal"):
                got.setdefault(part["event_id"], []).append(part)
        parts[name] = got
    for r in rows:
        for name in parts:
            r[name] = parts[name].get(r["id"], [])


def _points_query(f: EventFilter, limit: int) -> Any:
    return (select(events.c.id, event_locations.c.lat, event_locations.c.lon, events.c.event_type,
                   events.c.date_start, events.c.date_end)
            .join(event_locations, event_locations.c.event_id == events.c.id)
            .where(*f.clauses(), event_locations.c.lat.is_not(None), event_locations.c.lon.is_not(None),
                   event_locations.c.review_status != "rejected")
            .order_by(events.c.id).limit(limit + 1))


def _point_rows(conn: Connection, f: EventFilter, limit: int) -> list[Any]:
    """The rows ``(event_id, lat, lon, event_type, date_start, date_end)``, up to ``limit + 1``, as the driver
    hands them back: SQLAlchemy's row objects cost half the query's time again over 50,000 rows."""
    stmt = _points_query(f, limit).compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = stmt.construct_params()
    args = tuple(params[k] for k in stmt.positiontup) if stmt.positiontup is not None else params
    cur = conn.connection.cursor()  # the driver's own cursor: its rows are plain tuples
    try:
        cur.execute(str(stmt), args)
        return list(cur.fetchall())
    finally:
        cur.close()


def event_points(conn: Connection, f: EventFilter, limit: int = MAX_POINTS) -> dict[str, Any]:
    """Every matching event's places with coordinates, compactly: what the map clusters."""
    rows = _point_rows(conn, f, limit)  # the driver's rows are tuples already
    return {"fields": ["event_id", "lat", "lon", "event_type", "date_start", "date_end"],
            "rows": rows[:limit], "truncated": len(rows) > limit}


POINTS_MAGIC = b"IXP1"
NO_DAY = -(2 ** 31)  # a missing (or unreadable) date in the binary points
_EPOCH = date(1970, 1, 1).toordinal()
POINT_COLUMNS = (("event_id", "int32"), ("lat", "float32"), ("lon", "float32"), ("date_start", "int32"),
                 ("date_end", "int32"), ("event_type", "uint8"))


def _day(value: Any) -> int:
    """Days since 1970-01-01 of ``YYYY-MM-DD`` (what the store holds), or NO_DAY."""
    if not value:
        return NO_DAY
    try:
        return date.fromisoformat(str(value)[:10]).toordinal() - _EPOCH
    except ValueError:
        return NO_DAY


def event_points_binary(conn: Connection, f: EventFilter, limit: int = MAX_POINTS) -> bytes:
    """The points of ``event_points`` as typed little-endian columns (``format=binary``, docs/WEB.md): about a
    third of the JSON's bytes, and the browser reads them as typed arrays without parsing.

    ``IXP1``, a uint32 header length, a JSON header ``{"count", "truncated", "types", "columns", "no_day"}``
    padded with spaces to a multiple of 4 bytes, then each column of ``columns`` in turn, ``count`` values
    each: event ids (int32), latitudes and longitudes (float32), start and end dates as days since
    1970-01-01 (int32, ``no_day`` when unknown), and event types (uint8, an index into ``types``)."""
    rows = _point_rows(conn, f, limit)
    truncated = len(rows) > limit
    del rows[limit:]
    ids, lat, lon, ty, ds, de = (list(map(itemgetter(k), rows)) for k in range(6))  # zip(*rows) took 8 times longer
    types = {t: i for i, t in enumerate(dict.fromkeys(ty))}
    if len(types) > 255:  # event types are the six of ACLED: never, but a uint8 would wrap
        raise ValueError("more than 255 event types")
    days = {d: _day(d) for d in {*ds, *de}}  # a few thousand distinct dates for 50,000 points
    codes, start, end = (list(map(m.__getitem__, col)) for m, col in ((types, ty), (days, ds), (days, de)))
    head = orjson.dumps({"count": len(rows), "truncated": truncated, "types": list(types),
                         "columns": [list(c) for c in POINT_COLUMNS], "no_day": NO_DAY})
    head += b" " * (-len(head) % 4)
    cols = [array("i", ids), array("f", lat), array("f", lon), array("i", start), array("i", end),
            array("B", codes)]
    if sys.byteorder == "big":
        for c in cols:
            c.byteswap()
    return b"".join([POINTS_MAGIC, struct.pack("<I", len(head)), head, *(c.tobytes() for c in cols)])


def get_event(conn: Connection, event_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(events).where(events.c.id == event_id)).mappings().first()
    if row is None:
        return None
    out = [plain(row)]
    attach_parts(conn, out)
    ev = out[0]
    ev["incident_id"] = conn.execute(select(incident_events.c.incident_id)
                                     .where(incident_events.c.event_id == event_id)).scalar()
    return ev


def timeline(conn: Connection, f: EventFilter) -> list[dict[str, Any]]:
    """Events per start day and type."""
    q = (select(events.c.date_start, events.c.event_type, func.count().label("n"))
         .where(*f.clauses(), events.c.date_start.is_not(None))
         .group_by(events.c.date_start, events.c.event_type).order_by(events.c.date_start))
    return [{"date": d, "event_type": t, "count": int(n)} for d, t, n in conn.execute(q)]


def summary(conn: Connection, f: EventFilter) -> dict[str, Any]:
    """Counts of the matching events by type, review status and country, and their date range."""
    where = f.clauses()

    def by(col: Any, *join: Any) -> dict[str, int]:
        q = select(col, func.count()).where(*where)
        for j in join:
            q = q.join(*j)
        return {str(k): int(n) for k, n in conn.execute(q.group_by(col))}

    first, last, n = conn.execute(select(func.min(events.c.date_start), func.max(func.coalesce(
        events.c.date_end, events.c.date_start)), func.count()).where(*where)).one()
    return {"events": int(n), "first": first, "last": last, "by_type": by(events.c.event_type),
            "by_status": by(events.c.review_status),
            "by_country": by(event_locations.c.country_code,
                             (event_locations, event_locations.c.event_id == events.c.id))}


# -- documents -------------------------------------------------------------------------------------------

DOC_META = [documents.c[k] for k in ("id", "title", "source_name", "publisher", "url", "published", "retrieved_at",
                                     "collector", "origin", "language", "stance", "chars")]


def list_documents(conn: Connection, cursor: str | None, limit: int, stance: str | None = None,
                   publisher: str | None = None, since: str | None = None, until: str | None = None,
                   ) -> tuple[list[dict[str, Any]], str | None]:
    q = select(*DOC_META)
    if stance:
        q = q.where(documents.c.stance == stance)
    if publisher:
        q = q.where(documents.c.publisher == publisher)
    if since:
        q = q.where(documents.c.published >= since)
    if until:
        q = q.where(documents.c.published <= until)
    key = decode_cursor(cursor, 1)
    if key:
        q = q.where(documents.c.id > str(key[0]))
    rows = [plain(r) for r in conn.execute(q.order_by(documents.c.id).limit(limit + 1)).mappings()]
    more = len(rows) > limit
    rows = rows[:limit]
    ids = [r["id"] for r in rows]
    counts: dict[str, int] = {}
    if ids:
        counts = {d: int(n) for d, n in conn.execute(
            select(events.c.document_id, func.count()).where(events.c.document_id.in_(ids), _current(events))
            .group_by(events.c.document_id))}
    for r in rows:
        r["events"] = counts.get(r["id"], 0)
    return rows, (encode_cursor(rows[-1]["id"]) if more and rows else None)


def document_claims(conn: Connection, doc_id: str) -> dict[str, Any]:
    """The claims of a document's current extraction run, with their ids and review statuses."""
    ev = [plain(r) for r in conn.execute(select(events).where(events.c.document_id == doc_id, _current(events))
                                         .order_by(events.c.ordinal)).mappings()]
    attach_parts(conn, ev)

    def rows(t: Any) -> list[dict[str, Any]]:
        return [plain(r) for r in conn.execute(select(t).where(t.c.document_id == doc_id, _current(t))
                                               .order_by(t.c.ordinal)).mappings()]

    ags = rows(aggregates)
    ag_ids = [a["id"] for a in ags]
    cas: dict[int, list[dict[str, Any]]] = {}
    if ag_ids:
        for r in conn.execute(select(casualties).where(casualties.c.aggregate_id.in_(ag_ids))
                              .order_by(casualties.c.ordinal)).mappings():
            cas.setdefault(r["aggregate_id"], []).append(plain(r))
    for a in ags:
        a["casualties"] = cas.get(a["id"], [])
    return {"events": ev, "aggregates": ags, "legal_references": rows(legal_references), "framing": rows(framing)}


# -- incidents -------------------------------------------------------------------------------------------

def list_incidents(conn: Connection, cursor: str | None, limit: int, since: str | None = None,
                   until: str | None = None, types: Sequence[str] = (), flag: str | None = None,
                   ) -> tuple[list[dict[str, Any]], str | None]:
    q = select(incidents.c.id, incidents.c.data)
    if since:
        q = q.where(func.coalesce(incidents.c.date_end, incidents.c.date_start) >= since)
    if until:
        q = q.where(incidents.c.date_start <= until)
    if types:
        q = q.where(or_(incidents.c.event_type.in_(types), incidents.c.sub_type.in_(types)))
    if flag:
        q = q.where(cast(incidents.c.flags, Text).like(_like(json.dumps(flag)), escape="\\"))
    key = decode_cursor(cursor, 1)
    if key:
        q = q.where(incidents.c.id > str(key[0]))
    got = conn.execute(q.order_by(incidents.c.id).limit(limit + 1)).all()
    items = [json.loads(d) if isinstance(d, str) else dict(d) for _, d in got[:limit]]
    return items, (encode_cursor(got[limit - 1][0]) if len(got) > limit else None)


def incident_members(conn: Connection, incident_id: str) -> dict[str, int]:
    """``DOC_ID:EVENT_KEY`` of each member event -> its store id (what review actions address)."""
    return {f"{d}:{k}": int(e) for e, d, k in conn.execute(
        select(incident_events.c.event_id, incident_events.c.document_id, incident_events.c.event_key)
        .where(incident_events.c.incident_id == incident_id))}


# -- places, actors, aggregates -------------------------------------------------------------------------

def list_places(conn: Connection, cursor: str | None, limit: int, q: str | None = None,
                country: str | None = None, bbox: tuple[float, float, float, float] | None = None,
                ) -> tuple[list[dict[str, Any]], str | None]:
    """Distinct places of current events, with how many events name them, by name then country."""
    cc = func.coalesce(event_locations.c.country_code, literal(""))
    stmt = (select(event_locations.c.name, cc.label("country_code"), func.min(event_locations.c.admin1).label("admin1"),
                   func.min(event_locations.c.gazetteer_id).label("gazetteer_id"),
                   func.avg(event_locations.c.lat).label("lat"), func.avg(event_locations.c.lon).label("lon"),
                   func.count().label("events"))
            .join(events, events.c.id == event_locations.c.event_id)
            .where(_current(events), event_locations.c.review_status != "rejected"))
    if q:
        stmt = stmt.where(event_locations.c.name.ilike(_like(q), escape="\\"))
    if country:
        stmt = stmt.where(event_locations.c.country_code == country.upper())
    if bbox:
        x0, y0, x1, y1 = bbox
        stmt = stmt.where(event_locations.c.lon.between(x0, x1), event_locations.c.lat.between(y0, y1))
    key = decode_cursor(cursor, 2)
    if key:
        stmt = stmt.where(or_(event_locations.c.name > key[0], and_(event_locations.c.name == key[0], cc > key[1])))
    stmt = stmt.group_by(event_locations.c.name, cc).order_by(event_locations.c.name, cc).limit(limit + 1)
    rows = [dict(r) for r in conn.execute(stmt).mappings()]
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode_cursor(rows[-1]["name"], rows[-1]["country_code"]) if more and rows else None)


def list_actors(conn: Connection, cursor: str | None, limit: int, q: str | None = None, kind: str | None = None,
                ) -> tuple[list[dict[str, Any]], str | None]:
    """Distinct actors (by normalized name and kind) of current events, with how many events name them."""
    stmt = (select(event_actors.c.normalized, event_actors.c.kind, func.min(event_actors.c.country_code)
                   .label("country_code"), func.count().label("events"))
            .join(events, events.c.id == event_actors.c.event_id)
            .where(_current(events), event_actors.c.review_status != "rejected"))
    if q:
        stmt = stmt.where(or_(event_actors.c.normalized.ilike(_like(q), escape="\\"),
                              event_actors.c.name.ilike(_like(q), escape="\\")))
    if kind:
        stmt = stmt.where(event_actors.c.kind == kind)
    key = decode_cursor(cursor, 2)
    if key:
        stmt = stmt.where(or_(event_actors.c.normalized > key[0],
                              and_(event_actors.c.normalized == key[0], event_actors.c.kind > key[1])))
    stmt = (stmt.group_by(event_actors.c.normalized, event_actors.c.kind)
            .order_by(event_actors.c.normalized, event_actors.c.kind).limit(limit + 1))
    rows = [dict(r) for r in conn.execute(stmt).mappings()]
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode_cursor(rows[-1]["normalized"], rows[-1]["kind"]) if more and rows else None)


def list_aggregates(conn: Connection, cursor: str | None, limit: int, since: str | None = None,
                    until: str | None = None, document_id: str | None = None,
                    ) -> tuple[list[dict[str, Any]], str | None]:
    """Totals over a period or area (incidex/1 Aggregate claims) with their casualty figures."""
    q = select(aggregates).where(_current(aggregates), aggregates.c.review_status != "rejected")
    if since:
        q = q.where(func.coalesce(aggregates.c.period_end, aggregates.c.period_start) >= since)
    if until:
        q = q.where(aggregates.c.period_start <= until)
    if document_id:
        q = q.where(aggregates.c.document_id == document_id)
    key = decode_cursor(cursor, 1)
    if key:
        q = q.where(aggregates.c.id > int(key[0]))
    rows = [plain(r) for r in conn.execute(q.order_by(aggregates.c.id).limit(limit + 1)).mappings()]
    more = len(rows) > limit
    rows = rows[:limit]
    ids = [r["id"] for r in rows]
    cas: dict[int, list[dict[str, Any]]] = {}
    if ids:
        for c in conn.execute(select(casualties).where(casualties.c.aggregate_id.in_(ids))
                              .order_by(casualties.c.ordinal)).mappings():
            cas.setdefault(c["aggregate_id"], []).append(plain(c))
    for r in rows:
        r["casualties"] = cas.get(r["id"], [])
    return rows, (encode_cursor(rows[-1]["id"]) if more and rows else None)


# -- search ----------------------------------------------------------------------------------------------

def _snippet(text: str | None, q: str, width: int = 80) -> str:
    if not text:
        return ""
    low = text.lower()
    i = low.find(q.lower())
    if i < 0:  # the words matched apart: show the first of them that the text holds
        i, q = next(((j, t) for t in search_terms(q) if (j := low.find(t)) >= 0), (-1, q))
    if i < 0:
        return text[: 2 * width]
    a, b = max(0, i - width), min(len(text), i + len(q) + width)
    return ("\u2026" if a else "") + " ".join(text[a:b].split()) + ("\u2026" if b < len(text) else "")


def search_terms(q: str) -> list[str]:
    """The words of a query (letters and digits), lower-cased; at most 12."""
    return re.findall(r"[^\W_]+", q.lower())[:12]


def _match(conn: Connection, terms: list[str]) -> str:
    """Every word as a prefix, all required: FTS5 ``"w1"* "w2"*``, PostgreSQL ``w1:* & w2:*``."""
    if conn.dialect.name == "sqlite":
        return " ".join(f'"{t}"*' for t in terms)
    return " & ".join(f"{t}:*" for t in terms)


def search(conn: Connection, q: str, kind: str, cursor: str | None, limit: int) -> tuple[list[dict[str, Any]], str | None]:
    """Documents (title, text) or event claims (summary, evidence quote) containing every word of ``q`` (as a
    word or the start of one, any case), from the full-text index (migration 0006): FTS5 on SQLite, a GIN
    index on PostgreSQL. Documents come in index order, events in id order."""
    terms = search_terms(q)
    if not terms:
        return [], None
    match = _match(conn, terms)
    mark = param_mark(conn)
    sqlite = conn.dialect.name == "sqlite"
    key = decode_cursor(cursor, 1)
    if kind == "documents":
        cols = "d.id, d.title, d.publisher, d.published, d.stance, d.text"
        if sqlite:
            sql = (f"SELECT f.rowid, {cols} FROM documents_fts f JOIN documents d ON d.id = f.doc_id "
                   f"WHERE documents_fts MATCH {mark} AND f.rowid > {mark} ORDER BY f.rowid LIMIT {mark}")
            args: tuple[Any, ...] = (match, int(key[0]) if key else 0, limit + 1)
        else:
            sql = (f"SELECT d.id, {cols} FROM documents d WHERE {PG_TSVECTOR['documents']} @@ "
                   f"to_tsquery('simple', {mark}) AND d.id > {mark} ORDER BY d.id LIMIT {mark}")
            args = (match, str(key[0]) if key else "", limit + 1)
        got = conn.exec_driver_sql(sql, args).all()
        items = [{"kind": "document", "id": r[1], "title": r[2], "publisher": r[3], "published": r[4],
                  "stance": r[5], "snippet": _snippet(r[6], q) if any(t in (r[6] or "").lower() for t in terms)
                  else r[2]} for r in got[:limit]]
        return items, (encode_cursor(got[limit - 1][0]) if len(got) > limit else None)

    if sqlite:
        hits = f"SELECT rowid FROM events_fts WHERE events_fts MATCH {mark} AND rowid > {mark} ORDER BY rowid LIMIT {mark}"
    else:
        hits = (f"SELECT id FROM events WHERE {PG_TSVECTOR['events']} @@ to_tsquery('simple', {mark}) AND id > {mark} "
                f"ORDER BY id LIMIT {mark}")
    cols = (events.c.id, events.c.document_id, events.c.event_type, events.c.sub_type, events.c.summary,
            events.c.quote, events.c.date_start, events.c.review_status)

    def candidates(after: Any, n: int) -> list[Any]:
        return [int(r[0]) for r in conn.exec_driver_sql(hits, (match, after, n)).all()]

    def read(ids: list[Any]) -> list[Any]:
        return list(conn.execute(select(*cols).where(events.c.id.in_(ids), _current(events))
                                 .order_by(events.c.id)).mappings())

    got_ev = gather(candidates, read, limit + 1, int(key[0]) if key else 0)
    items = [{"kind": "event", "ref": f"event:{r['id']}", **{k: v for k, v in r.items() if k != "quote"},
              "snippet": _snippet(r["quote"] if any(t in (r["quote"] or "").lower() for t in terms) else r["summary"], q)}
             for r in got_ev[:limit]]
    return items, (encode_cursor(got_ev[limit - 1]["id"]) if len(got_ev) > limit else None)


# -- audit log -------------------------------------------------------------------------------------------

def list_audit(conn: Connection, cursor: str | None, limit: int, claim_table: str | None = None,
               claim_id: int | None = None, document_id: str | None = None, user: str | None = None,
               action: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
    """The audit log, newest first."""
    q = select(audit_log)
    if claim_table:
        q = q.where(audit_log.c.claim_table == claim_table)
    if claim_id is not None:
        q = q.where(audit_log.c.claim_id == claim_id)
    if document_id:
        q = q.where(audit_log.c.document_id == document_id)
    if user:
        q = q.where(audit_log.c.user_name == user)
    if action:
        q = q.where(audit_log.c.action == action)
    key = decode_cursor(cursor, 1)
    if key:
        q = q.where(audit_log.c.id < int(key[0]))
    rows = [plain(r) for r in conn.execute(q.order_by(audit_log.c.id.desc()).limit(limit + 1)).mappings()]
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode_cursor(rows[-1]["id"]) if more and rows else None)
