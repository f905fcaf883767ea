"""The repository: every read and write of the store goes through here.

One document is stored in one transaction (document, extraction run, every
claim), so a crash leaves either the whole document or nothing. Reads for
exports stream: documents are paged by id (keyset, not OFFSET) and each page's
claims are loaded with a handful of IN queries, so memory stays bounded
whatever the size of the store. Review actions change a claim, write its
decision and append to the audit log in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Table, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from incidex.domain.geo import cells_covering, grid_cell
from incidex.domain.models import DocumentInfo, Extraction, Source, Span
from incidex.errors import Codes, StoreError
from incidex.store import mapping as m
from incidex.store.db import _first_line, ensure_schema, make_engine
from incidex.store.schema import (
    CLAIM_TABLES,
    aggregates,
    audit_log,
    casualties,
    documents,
    event_actors,
    event_locations,
    events,
    extraction_runs,
    framing,
    legal_references,
    review_decisions,
)

PAGE = 200  # documents per page when streaming


@dataclass(frozen=True)
class Provenance:
    """What the store records about how a document arrived and how it was extracted."""

    text: str
    pipeline_version: str
    config_hash: str
    retrieved_at: datetime
    collector: str | None = None
    origin: str | None = None


@dataclass(frozen=True)
class StoredRecord:
    """One document read back: its incidex/1 record and its provenance."""

    record: Extraction
    provenance: Provenance


@dataclass(frozen=True)
class EventFilter:
    """Which events an export keeps; a document is exported only when one of its events is kept."""

    since: str | None = None  # ISO date: events ending on or after
    until: str | None = None  # ISO date: events starting on or before
    event_types: tuple[str, ...] = ()
    country: str | None = None  # ISO 3166-1 alpha-2 of one of the event's places
    bbox: tuple[float, float, float, float] | None = None  # min lon, min lat, max lon, max lat

    def clauses(self) -> list[Any]:
        from sqlalchemy import and_, exists, or_

        out: list[Any] = []
        if self.since:
            out.append(func.coalesce(events.c.date_end, events.c.date_start) >= self.since)
        if self.until:
            out.append(events.c.date_start <= self.until)
        if self.event_types:
            out.append(or_(events.c.event_type.in_(self.event_types), events.c.sub_type.in_(self.event_types)))
        place = []
        if self.country:
            place.append(event_locations.c.country_code == self.country.upper())
        if self.bbox:
            x0, y0, x1, y1 = self.bbox
            place += [event_locations.c.lon.between(x0, x1), event_locations.c.lat.between(y0, y1)]
        if place:
            out.append(exists().where(and_(event_locations.c.event_id == events.c.id, *place)))
        return out


def utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)  # SQLite returns naive datetimes (stored as UTC)


class Repository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | None = None) -> Repository:
        engine = make_engine(url)
        ensure_schema(engine)
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    # -- documents -------------------------------------------------------------------------------------

    def has_document(self, doc_id: str) -> bool:
        with self._connect() as conn:
            return conn.execute(select(documents.c.id).where(documents.c.id == doc_id)).first() is not None

    def count(self, table: str) -> int:
        t = documents.metadata.tables[table]
        with self._connect() as conn:
            return int(conn.execute(select(func.count()).select_from(t)).scalar_one())

    def add_extraction(self, record: Extraction, prov: Provenance) -> bool:
        """Store a document and its claims in one transaction; False when it was already stored."""
        return self.add_extractions([(record, prov)])[0]

    def add_extractions(self, items: Sequence[tuple[Extraction, Provenance]]) -> list[bool]:
        """Store a batch of documents and their claims in one transaction (one statement per table for the
        whole batch); for each item, False when its document was already stored (by this batch included).

        The documents are inserted first, in id order, with ON CONFLICT DO NOTHING: a document that another
        process is storing at the same moment waits for that transaction and is then skipped, and two
        processes with overlapping batches take the row locks in the same order (no deadlock)."""
        if not items:
            return []
        try:
            with self._write() as conn:
                new_ids = self._insert_documents(conn, items)
                todo: dict[str, tuple[Extraction, Provenance]] = {}
                for rec, prov in items:
                    if rec.document.id in new_ids:
                        todo.setdefault(rec.document.id, (rec, prov))
                self._insert_runs(conn, list(todo.values()))
        except SQLAlchemyError as exc:
            raise StoreError(Codes.E307, detail=_first_line(exc)) from None
        out, first = [], set()
        for rec, _ in items:  # a document twice in one batch: stored once, the second reported as known
            did = rec.document.id
            out.append(did in new_ids and did not in first)
            first.add(did)
        return out

    def _insert_documents(self, conn: Connection, items: Sequence[tuple[Extraction, Provenance]]) -> set[str]:
        rows: dict[str, dict[str, Any]] = {}
        for rec, prov in items:
            d = rec.document
            rows.setdefault(d.id, dict(
                id=d.id, text=prov.text, title=d.title, source_name=d.source.name, publisher=d.source.publisher,
                url=d.source.url, published=d.published, retrieved_at=prov.retrieved_at, collector=prov.collector,
                origin=prov.origin, language=d.language, stance=d.stance,
                stance_evidence=m.spans_json(d.stance_evidence), chars=d.chars))
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as upsert
        else:
            from sqlalchemy.dialects.sqlite import insert as upsert
        stmt = upsert(documents).on_conflict_do_nothing(index_elements=[documents.c.id]).returning(documents.c.id)
        return set(conn.execute(stmt, [rows[k] for k in sorted(rows)]).scalars())

    def _insert_run(self, conn: Connection, rec: Extraction, prov: Provenance) -> int:
        """An extraction run of a stored document and all its claims; returns the run id."""
        return self._insert_runs(conn, [(rec, prov)])[0]

    def _insert_runs(self, conn: Connection, items: Sequence[tuple[Extraction, Provenance]]) -> list[int]:
        """An extraction run per stored document and all their claims, one executemany per table (ids come
        back in row order); returns the run ids."""
        if not items:
            return []
        now = utcnow()
        run_ids = _insert_ids(conn, extraction_runs, [dict(
            document_id=rec.document.id, pipeline_version=prov.pipeline_version, config_hash=prov.config_hash,
            created_at=now, is_current=True, warnings=list(rec.warnings)) for rec, prov in items])
        ev_rows: list[dict[str, Any]] = []
        ag_rows: list[dict[str, Any]] = []
        legal_rows: list[dict[str, Any]] = []
        framing_rows: list[dict[str, Any]] = []
        for (rec, _), run_id in zip(items, run_ids, strict=True):
            own = {"document_id": rec.document.id, "run_id": run_id}
            ev_rows += [{**own, "ordinal": i, **m.event_cols(e)} for i, e in enumerate(rec.events)]
            ag_rows += [{**own, "ordinal": i, **m.aggregate_cols(a)} for i, a in enumerate(rec.aggregates)]
            legal_rows += [{**own, "ordinal": i, **m.legal_cols(r)} for i, r in enumerate(rec.legal_references)]
            framing_rows += [{**own, "ordinal": i, **m.framing_cols(f)} for i, f in enumerate(rec.framing)]
        ev_ids = iter(_insert_ids(conn, events, ev_rows))
        ag_ids = iter(_insert_ids(conn, aggregates, ag_rows))
        loc_rows: list[dict[str, Any]] = []
        act_rows: list[dict[str, Any]] = []
        cas_rows: list[dict[str, Any]] = []
        for rec, _ in items:
            d = rec.document
            for e in rec.events:
                part = {"document_id": d.id, "event_id": next(ev_ids)}
                search = {"event_type": e.event_type, "event_date": e.date.start}
                loc_rows += [{**part, "ordinal": j, **m.location_cols(x), **search, "cell": grid_cell(x.lat, x.lon)}
                             for j, x in enumerate(e.locations)]
                act_rows += [{**part, "ordinal": j, **m.actor_cols(x)} for j, x in enumerate(e.actors)]
                cas_rows += [{**part, "aggregate_id": None, "ordinal": j, **m.casualty_cols(x)}
                             for j, x in enumerate(e.casualties)]
            for a in rec.aggregates:
                aid = next(ag_ids)
                cas_rows += [{"document_id": d.id, "event_id": None, "aggregate_id": aid, "ordinal": j,
                              **m.casualty_cols(x)} for j, x in enumerate(a.casualties)]
        for t, rows in ((event_locations, loc_rows), (event_actors, act_rows), (casualties, cas_rows),
                        (legal_references, legal_rows), (framing, framing_rows)):
            if rows:
                conn.execute(insert(t), rows)
        return run_ids

    # -- streaming reads -------------------------------------------------------------------------------

    def iter_records(self, include_rejected: bool = False, page: int = PAGE,
                     where: EventFilter | None = None) -> Iterator[StoredRecord]:
        """Every stored document as an incidex/1 record, in document-id order, one page in memory at a time."""
        after = ""
        while True:
            with self._connect() as conn:
                docs = conn.execute(select(documents).where(documents.c.id > after)
                                    .order_by(documents.c.id).limit(page)).mappings().all()
                if not docs:
                    return
                yield from self._records(conn, list(docs), include_rejected, where)
            after = docs[-1]["id"]

    def get_record(self, doc_id: str, include_rejected: bool = False) -> StoredRecord | None:
        with self._connect() as conn:
            docs = conn.execute(select(documents).where(documents.c.id == doc_id)).mappings().all()
            return next(iter(self._records(conn, list(docs), include_rejected)), None)

    def _records(self, conn: Connection, docs: list[Any], include_rejected: bool,
                 where: EventFilter | None = None) -> list[StoredRecord]:
        ids = [d["id"] for d in docs]
        runs = {r["document_id"]: r for r in conn.execute(
            select(extraction_runs).where(extraction_runs.c.document_id.in_(ids), extraction_runs.c.is_current)
        ).mappings()}
        run_ids = [r["id"] for r in runs.values()]

        def rows(t: Table, key: str, keys: list[Any], *extra: Any) -> list[Any]:
            q = select(t).where(t.c[key].in_(keys), *extra).order_by(t.c.ordinal)
            if "run_id" in t.c:
                q = q.where(t.c.run_id.in_(run_ids))
            if not include_rejected:
                q = q.where(t.c.review_status != "rejected")
            return list(conn.execute(q).mappings()) if keys else []

        ev = rows(events, "document_id", ids, *(where.clauses() if where else ()))
        if where:  # only documents with a matching event
            keep = {e["document_id"] for e in ev}
            docs = [d for d in docs if d["id"] in keep]
            ids = [d["id"] for d in docs]
        ev_ids = [e["id"] for e in ev]
        ag = rows(aggregates, "document_id", ids)
        locs = _group(rows(event_locations, "event_id", ev_ids), "event_id", m.row_to_location)
        acts = _group(rows(event_actors, "event_id", ev_ids), "event_id", m.row_to_actor)
        cas = rows(casualties, "document_id", ids)
        cas_ev = _group([c for c in cas if c["event_id"] is not None], "event_id", m.row_to_casualty)
        cas_ag = _group([c for c in cas if c["aggregate_id"] is not None], "aggregate_id", m.row_to_casualty)
        by_doc: dict[str, dict[str, list[Any]]] = {i: {"events": [], "aggregates": [], "legal": [], "framing": []}
                                                   for i in ids}
        for e in ev:
            by_doc[e["document_id"]]["events"].append(
                m.row_to_event(e, locs.get(e["id"], []), acts.get(e["id"], []), cas_ev.get(e["id"], [])))
        for a in ag:
            by_doc[a["document_id"]]["aggregates"].append(m.row_to_aggregate(a, cas_ag.get(a["id"], [])))
        for r in rows(legal_references, "document_id", ids):
            by_doc[r["document_id"]]["legal"].append(m.row_to_legal(r))
        for f in rows(framing, "document_id", ids):
            by_doc[f["document_id"]]["framing"].append(m.row_to_framing(f))
        out = []
        for d in docs:
            run = runs.get(d["id"])
            parts = by_doc[d["id"]]
            info = DocumentInfo(
                id=d["id"], title=d["title"], source=Source(name=d["source_name"], url=d["url"], publisher=d["publisher"]),
                published=d["published"], language=d["language"] or "en", stance=d["stance"] or "neutral",
                stance_evidence=[Span(**s) for s in d["stance_evidence"] or []], chars=d["chars"],
            )
            rec = Extraction(document=info, events=parts["events"], aggregates=parts["aggregates"],
                             legal_references=parts["legal"], framing=parts["framing"],
                             warnings=list(run["warnings"] or []) if run else [])
            prov = Provenance(text=d["text"], pipeline_version=run["pipeline_version"] if run else "",
                              config_hash=run["config_hash"] if run else "", retrieved_at=_aware(d["retrieved_at"]),
                              collector=d["collector"], origin=d["origin"])
            out.append(StoredRecord(rec, prov))
        return out

    def find_events(self, where: EventFilter, limit: int = 50, after: tuple[str, int] | None = None,
                    include_rejected: bool = False) -> list[dict[str, Any]]:
        """One page of events of the current extraction runs, in (date_start, id) order, after the keyset
        ``after`` (the last row's date_start and id). Dates select events that *start* in [since, until]
        (ACLED's event_date filter); ``bbox`` keeps events with a place in the box.

        With a bounding box of at most ``MAX_QUERY_CELLS`` grid cells, the candidates come from the places'
        search index alone (``ix_event_locations_search`` covers type, cell, date, event and coordinates),
        already in page order, and only they are looked up in ``events``; a wider box is not selective,
        and type and date (``ix_events_type_date``) lead instead."""
        from sqlalchemy import and_, exists, or_, tuple_

        from incidex.domain.taxonomy import EVENT_TYPES

        lo, hi = where.since or "0000-00-00", where.until or "9999-99-99"
        conds: list[Any] = [events.c.date_start.between(lo, hi),
                            exists().where(extraction_runs.c.id == events.c.run_id, extraction_runs.c.is_current)]
        types = tuple(EVENT_TYPES)
        if where.event_types:
            conds.append(or_(events.c.event_type.in_(where.event_types), events.c.sub_type.in_(where.event_types)))
            types = tuple(t for t, subs in EVENT_TYPES.items()
                          if t in where.event_types or any(x in subs for x in where.event_types))
        if not include_rejected:
            conds.append(events.c.review_status != "rejected")
        place: list[Any] = []
        if where.country:
            place.append(event_locations.c.country_code == where.country.upper())
        cells = None
        if where.bbox:
            x0, y0, x1, y1 = where.bbox
            place += [event_locations.c.lon.between(x0, x1), event_locations.c.lat.between(y0, y1)]
            cells = cells_covering(x0, y0, x1, y1)
        order = (events.c.date_start, events.c.id)
        with self._connect() as conn:
            if cells is None:
                if place:
                    conds.append(exists().where(and_(event_locations.c.event_id == events.c.id, *place)))
                if after is not None:
                    conds.append(tuple_(*order) > tuple_(*after))
                q = select(events).where(*conds).order_by(*order).limit(limit)
                return [dict(r) for r in conn.execute(q).mappings()]
            return page_by_place(conn, conds, types, cells, lo, hi, where, after, limit)

    # -- review ----------------------------------------------------------------------------------------

    def list_claims(self, kind: str, status: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """Claims of the current extraction runs; ``status="orphaned"`` lists the claims of superseded runs
        whose analyst decision fitted no claim of the new run (`incidex reextract`)."""
        t = self._table(kind)
        q = select(t).order_by(t.c.id).limit(limit)
        if status:
            q = q.where(t.c.review_status == status)
        if status != "orphaned":
            q = q.where(_current(t))
        with self._connect() as conn:
            return [dict(r) for r in conn.execute(q).mappings()]

    def get_claim(self, ref: str) -> dict[str, Any]:
        kind, cid = parse_ref(ref)
        t = self._table(kind)
        with self._connect() as conn:
            row = conn.execute(select(t).where(t.c.id == cid)).mappings().first()
        if row is None:
            raise StoreError(Codes.E303, ref=ref, kinds=", ".join(CLAIM_TABLES))
        return dict(row)

    def review(self, ref: str, action: str, user: str, reason: str | None = None,
               changes: dict[str, Any] | None = None,
               validate: Callable[[str, dict[str, Any]], None] | None = None) -> dict[str, Any]:
        """Confirm, reject or edit one claim: the claim, its decision and the audit entry in one transaction."""
        kind, cid = parse_ref(ref)
        t = self._table(kind)
        status = {"confirm": "confirmed", "reject": "rejected", "edit": "edited"}[action]
        try:
            with self._write() as conn:
                row = conn.execute(select(t).where(t.c.id == cid)).mappings().first()
                if row is None:
                    raise StoreError(Codes.E303, ref=ref, kinds=", ".join(CLAIM_TABLES))
                before = _jsonable(dict(row))
                after = dict(row) | (changes or {}) | {"review_status": status}
                if validate:
                    validate(ref, after)
                conn.execute(update(t).where(t.c.id == cid).values(**(changes or {}), review_status=status))
                sync_place_search(conn, t.name, [cid])
                now = utcnow()
                conn.execute(insert(audit_log).values(
                    at=now, user_name=user, action=action, claim_table=t.name, claim_id=cid,
                    document_id=row["document_id"], before=before, after=_jsonable(after), reason=reason))
                conn.execute(insert(review_decisions).values(
                    claim_table=t.name, claim_id=cid, document_id=row["document_id"], decision=status,
                    user_name=user, at=now, reason=reason, span_start=row.get("span_start"),
                    span_end=row.get("span_end"), claim_kind=row.get("sub_type") or row.get("kind") or kind,
                    status="active", changes=_jsonable(changes) if changes else None))
                return _jsonable(after)
        except SQLAlchemyError as exc:
            raise StoreError(Codes.E307, detail=_first_line(exc)) from None

    def add_claim(self, kind: str, doc_id: str, values: dict[str, Any], user: str, reason: str,
                  validate: Callable[[str, dict[str, Any]], None] | None = None) -> dict[str, Any]:
        """A claim the machine missed, added by an analyst to the document's current extraction run
        (origin ``analyst``, status ``analyst_added``), with its decision and audit entry in one transaction."""
        t = self._table(kind)
        if "run_id" not in t.c:
            raise StoreError(Codes.E304, ref=f"{kind}:new", field="kind",
                             detail="only event, aggregate, legal and framing claims can be added")
        try:
            with self._write() as conn:
                run_id = conn.execute(select(extraction_runs.c.id).where(
                    extraction_runs.c.document_id == doc_id, extraction_runs.c.is_current)).scalar()
                if run_id is None:
                    raise StoreError(Codes.E304, ref=f"{kind}:new", field="doc", detail=f"no such document {doc_id}")
                ordinal = conn.execute(select(func.coalesce(func.max(t.c.ordinal), -1) + 1)
                                       .where(t.c.run_id == run_id)).scalar_one()
                row = {**values, "document_id": doc_id, "run_id": run_id, "ordinal": ordinal,
                       "review_status": "analyst_added", "origin": "analyst"}
                if "event_key" in t.c and not row.get("event_key"):  # a1, a2, ...: unique in the document
                    taken = set(conn.execute(select(t.c.event_key).where(t.c.document_id == doc_id)).scalars())
                    row["event_key"] = next(f"a{i}" for i in range(1, len(taken) + 2) if f"a{i}" not in taken)
                if validate:
                    validate(f"{kind}:new", row)
                cid = conn.execute(insert(t).values(**row).returning(t.c.id)).scalar_one()
                after = _jsonable({"id": cid, **row})
                now = utcnow()
                conn.execute(insert(audit_log).values(
                    at=now, user_name=user, action="add", claim_table=t.name, claim_id=cid, document_id=doc_id,
                    before=None, after=after, reason=reason))
                conn.execute(insert(review_decisions).values(
                    claim_table=t.name, claim_id=cid, document_id=doc_id, decision="analyst_added", user_name=user,
                    at=now, reason=reason, span_start=row.get("span_start"), span_end=row.get("span_end"),
                    claim_kind=row.get("sub_type") or row.get("kind") or kind, status="active",
                    changes=_jsonable(values)))
                return after
        except SQLAlchemyError as exc:
            raise StoreError(Codes.E307, detail=_first_line(exc)) from None

    def document_ids(self) -> list[str]:
        with self._connect() as conn:
            return list(conn.execute(select(documents.c.id).order_by(documents.c.id)).scalars())

    def document_text(self, doc_id: str) -> dict[str, Any] | None:
        with self._connect() as conn:
            row = conn.execute(select(documents).where(documents.c.id == doc_id)).mappings().first()
        return dict(row) if row else None

    def replace_extraction(self, rec: Extraction, prov: Provenance, user: str) -> ReextractOutcome:
        """Store a new extraction run of a stored document and carry every analyst decision over to it,
        in one transaction (see ``incidex.services.reextract``)."""
        from incidex.services.reextract import carry_over

        try:
            with self._write() as conn:
                return carry_over(conn, rec, prov, user, self._insert_run)
        except SQLAlchemyError as exc:
            raise StoreError(Codes.E307, detail=_first_line(exc)) from None

    def audit(self, ref: str | None = None) -> list[dict[str, Any]]:
        q = select(audit_log).order_by(audit_log.c.id)
        if ref:
            kind, cid = parse_ref(ref)
            q = q.where(audit_log.c.claim_table == self._table(kind).name, audit_log.c.claim_id == cid)
        with self._connect() as conn:
            return [_jsonable(dict(r)) for r in conn.execute(q).mappings()]

    # -- helpers ---------------------------------------------------------------------------------------

    def _table(self, kind: str) -> Table:
        t = CLAIM_TABLES.get(kind)
        if t is None:
            raise StoreError(Codes.E303, ref=kind, kinds=", ".join(CLAIM_TABLES))
        return t

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction. On SQLite it takes the write lock up front (BEGIN IMMEDIATE): a transaction
        that read first and upgraded later could fail at once with "database is locked" instead of waiting
        out the busy timeout when another process writes."""
        with self.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            yield conn

    def _connect(self) -> Connection:
        try:
            return self.engine.connect()
        except SQLAlchemyError as exc:
            raise StoreError(Codes.E307, detail=_first_line(exc)) from None


@dataclass
class ReextractOutcome:
    """What re-extracting one document did to its analyst decisions."""

    document_id: str
    run_id: int
    events: int = 0
    reanchored: list[tuple[str, int, int]] = field(default_factory=list)  # (table, old id, new id)
    orphaned: list[tuple[str, int]] = field(default_factory=list)  # (table, old id)
    carried: list[tuple[str, int, int]] = field(default_factory=list)  # analyst-added claims copied over
    stale_incidents: int = 0  # incidents holding a superseded event: `incidex reconcile` rewrites them


def _current(t: Table) -> Any:
    """Rows of a claim table that belong to a current extraction run."""
    cur = select(extraction_runs.c.id).where(extraction_runs.c.is_current)
    if "run_id" in t.c:
        return t.c.run_id.in_(cur)
    cur_events = select(events.c.id).where(events.c.run_id.in_(cur))
    if "aggregate_id" in t.c:
        cur_aggs = select(aggregates.c.id).where(aggregates.c.run_id.in_(cur))
        return t.c.event_id.in_(cur_events) | t.c.aggregate_id.in_(cur_aggs)
    return t.c.event_id.in_(cur_events)


def gather(candidates: Callable[[Any, int], list[Any]], read: Callable[[list[Any]], list[Any]], limit: int,
           after: Any) -> list[Any]:
    """A page of ``limit`` rows from candidate keys taken in page order from an index: ``candidates(after, n)``
    gives up to ``n`` keys after ``after``, ``read(keys)`` the rows of those that pass the checks the index
    cannot answer (rejected, superseded, other filters), in page order. A few more keys than a page are
    fetched at a time, twice as many each round, until the page is full or the keys run out."""
    found: list[Any] = []
    fetch = limit + 10
    while True:
        keys = candidates(after, fetch)
        if keys:
            found += read(list(dict.fromkeys(keys)))  # dict: a key listed twice (an event with two places)
        if len(found) >= limit or len(keys) < fetch:
            return found[:limit]
        after = keys[-1]
        fetch *= 2


def page_by_place(conn: Connection, conds: Sequence[Any], types: Sequence[str], cells: Sequence[int], lo: str,
                  hi: str, where: Any, after: tuple[str, int] | None, limit: int) -> list[dict[str, Any]]:
    """A page of events in (date_start, id) order after ``after``, whose places match ``where`` (``bbox``,
    ``country``) in the grid ``cells``, of ``types``, starting in [lo, hi], that also pass ``conds`` (clauses
    on ``events``). The candidates come from the place index in page order, and only they are read from
    ``events``."""

    def read(keys: list[tuple[str, int]]) -> list[dict[str, Any]]:
        ids = list(dict.fromkeys(k[1] for k in keys))
        q = select(events).where(events.c.id.in_(ids), *conds).order_by(events.c.date_start, events.c.id)
        return [dict(r) for r in conn.execute(q).mappings()]

    return gather(lambda a, n: _place_candidates(conn, types, cells, lo, hi, where, a, n), read, limit, after)


def param_mark(conn: Connection) -> str:
    """The driver's placeholder, for statements written out as text."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def place_test(conn: Connection, where: Any) -> tuple[str, list[Any]]:
    """`` AND ...`` on event_locations' columns for ``where.bbox`` and ``where.country``, with its arguments."""
    mark = param_mark(conn)
    sql, args = "", []
    if where.bbox:
        x0, y0, x1, y1 = where.bbox
        sql += f" AND lon BETWEEN {mark} AND {mark} AND lat BETWEEN {mark} AND {mark}"
        args += [x0, x1, y0, y1]
    if where.country:
        sql += f" AND country_code = {mark}"
        args.append(where.country.upper())
    return sql, args


def _place_candidates(conn: Connection, types: Sequence[str], cells: Sequence[int], lo: str, hi: str,
                      where: Any, after: tuple[str, int] | None, limit: int) -> list[tuple[str, int]]:
    """(event_date, event_id) of the places in the box, in page order, from ``ix_event_locations_search``
    alone. Plain SQL: the cells are a few hundred integers of our own making, written into the statement;
    as bound parameters of an expanding IN, SQLAlchemy's per-parameter processing cost ten times the query."""
    mark = param_mark(conn)
    sql = (f"SELECT event_date, event_id FROM event_locations WHERE event_type IN ({', '.join([mark] * len(types))})"
           f" AND cell IN ({', '.join(str(int(c)) for c in cells)}) AND event_date BETWEEN {mark} AND {mark}")
    place_sql, place_args = place_test(conn, where)
    sql += place_sql
    args: list[Any] = [*types, lo, hi, *place_args]
    if after is not None:
        sql += f" AND (event_date > {mark} OR (event_date = {mark} AND event_id > {mark}))"
        args += [after[0], after[0], after[1]]
    sql += f" ORDER BY event_date, event_id LIMIT {int(limit)}"
    return [(r[0], int(r[1])) for r in conn.exec_driver_sql(sql, tuple(args)).all()]


def sync_place_search(conn: Connection, table: str, ids: Sequence[int]) -> None:
    """Refresh the search copies on event_locations (event type, start date, grid cell) after claims of
    ``table`` changed: an analyst's edit of an event's type or date, or of a place's coordinates."""
    if table == "events":
        rows = conn.execute(select(events.c.id, events.c.event_type, events.c.date_start)
                            .where(events.c.id.in_(ids))).all()
        for eid, et, day in rows:
            conn.execute(update(event_locations).where(event_locations.c.event_id == eid)
                         .values(event_type=et, event_date=day))
    elif table == "event_locations":
        for lid, lat, lon in conn.execute(select(event_locations.c.id, event_locations.c.lat, event_locations.c.lon)
                                          .where(event_locations.c.id.in_(ids))).all():
            conn.execute(update(event_locations).where(event_locations.c.id == lid).values(cell=grid_cell(lat, lon)))


def parse_ref(ref: str) -> tuple[str, int]:
    kind, _, num = ref.partition(":")
    if kind not in CLAIM_TABLES or not num.isdigit():
        raise StoreError(Codes.E303, ref=ref, kinds=", ".join(CLAIM_TABLES))
    return kind, int(num)


def _insert_ids(conn: Connection, t: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` in one executemany; their new ids, in the order of ``rows``.

    The ids are taken first (PostgreSQL: from the table's sequence; SQLite: after the largest id, safe
    because the write transaction holds the database lock) and the rows inserted with them, without
    RETURNING: one prepared statement in a pipelined executemany instead of multi-row VALUES statements
    that the driver parses anew for every batch size (3x faster ingest on PostgreSQL)."""
    if not rows:
        return []
    if conn.dialect.name == "postgresql":
        ids = [int(i) for i in conn.exec_driver_sql(
            f"SELECT nextval(pg_get_serial_sequence('{t.name}', 'id')) FROM generate_series(1, {len(rows)})"
        ).scalars()]
    else:
        top = int(conn.execute(select(func.coalesce(func.max(t.c.id), 0))).scalar_one())
        ids = list(range(top + 1, top + 1 + len(rows)))
    conn.execute(insert(t), [{**r, "id": i} for r, i in zip(rows, ids, strict=True)])
    return ids


def _group(rows: list[Any], key: str, fn: Callable[[Any], Any]) -> dict[Any, list[Any]]:
    out: dict[Any, list[Any]] = {}
    for r in rows:
        out.setdefault(r[key], []).append(fn(r))
    return out


def _jsonable(d: dict[str, Any]) -> dict[str, Any]:
    return {k: (_aware(v).isoformat() if isinstance(v, datetime) else v) for k, v in d.items()}
