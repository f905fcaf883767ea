"""reextract: run the current pipeline again on stored documents, keeping every analyst decision.

For each document, in one transaction: the current extraction run is
superseded (``is_current`` false; its rows stay, as provenance) and the new
extraction is stored as a new run. Then every analyst decision on the
document (``review_decisions`` with status ``active``, or ``orphaned`` by an
earlier re-extraction) is carried over:

- **re-anchored** to the new claim of the same table whose span overlaps the
  claim's original (machine) span most (intersection over union), of the same
  type: an event's ``event_type``, an actor's ``kind``, a legal reference's
  ``kind``, a casualty's ``outcome`` (unless the analyst edited it). A part (place,
  actor, casualty) prefers the new event its old event was re-anchored to. One
  new claim takes the decisions of at most one old claim, best overlap first.
  The new claim takes the old claim's review status and every field the
  analyst's edits set (``review_decisions.changes``), validated for incidex/1;
  the decisions are copied to it and the old ones marked ``reanchored``;
  audit ``reanchor`` (before: the old claim, after: the new one).
- **orphaned** when no new claim fits (or the edit no longer validates on the
  one that does): the old claim keeps its row, its status becomes
  ``orphaned`` (``incidex review list --status orphaned``), its decisions are
  marked ``orphaned`` and tried again at the next re-extraction; audit
  ``orphan``. Nothing is dropped.
- claims an analyst **added** (``incidex review add``) are copied into the new
  run as they are, with their decisions; audit ``reanchor``.

Incidents (``incidex reconcile``) keep their membership of the superseded
events until the next ``incidex reconcile``, which treats those as gone and
rewrites the incidents they were in; ``ReextractOutcome.stale_incidents``
counts them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from incidex.domain.document import RawDocument
from incidex.domain.ids import document_id
from incidex.domain.models import Extraction
from incidex.domain.taxonomy import SUB_TYPES
from incidex.errors import Codes, IncidexError, StoreError

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.engine import Connection

    from incidex.store.repository import Provenance, ReextractOutcome, Repository

USER = "incidex-reextract"
TOP = ("events", "aggregates", "legal_references", "framing")
PARTS = ("event_locations", "event_actors", "casualties")


# -- matching (pure) ----------------------------------------------------------------------------------

@dataclass
class Reviewed:
    """An old claim with analyst decisions, as the matcher sees it."""

    table: str
    claim_id: int
    span: tuple[int, int] | None  # the claim's machine span (before any edit)
    key: str | None  # type it must share with the new claim; None: any
    parent: int | None = None  # a part's old event / aggregate id


@dataclass
class Candidate:
    table: str
    claim_id: int
    span: tuple[int, int] | None
    key: str | None
    parent: int | None = None


def overlap(a: tuple[int, int] | None, b: tuple[int, int] | None) -> float:
    """Intersection over union of two character ranges; 0 when they do not overlap."""
    if a is None or b is None:
        return 0.0
    if a == b:
        return 1.0
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


def match(reviewed: Iterable[Reviewed], candidates: Iterable[Candidate],
          parent_map: dict[int, int] | None = None) -> dict[tuple[str, int], int]:
    """Old claim -> new claim id, one to one, best first: same parent, then overlap, then nearest start."""
    parent_map = parent_map or {}
    by_table: dict[str, list[Candidate]] = {}
    for c in candidates:
        by_table.setdefault(c.table, []).append(c)
    pairs = []
    for r in reviewed:
        for c in by_table.get(r.table, []):
            ov = overlap(r.span, c.span)
            if ov <= 0 or (r.key is not None and r.key != c.key):
                continue
            same_parent = r.parent is not None and parent_map.get(r.parent) == c.parent
            assert r.span is not None and c.span is not None
            pairs.append((-int(same_parent), -ov, abs(r.span[0] - c.span[0]), r.claim_id, c.claim_id, r.table))
    pairs.sort()
    out: dict[tuple[str, int], int] = {}
    taken: set[tuple[str, int]] = set()
    for *_, old, new, table in pairs:
        if (table, old) in out or (table, new) in taken:
            continue
        out[(table, old)] = new
        taken.add((table, new))
    return out


def _key(table: str, row: dict[str, Any]) -> str | None:
    if table == "events":
        return str(row["event_type"])
    if table in ("event_actors", "legal_references"):
        return str(row["kind"])
    if table == "casualties":
        return str(row["outcome"])
    return None


def _span(row: dict[str, Any]) -> tuple[int, int] | None:
    if row.get("span_start") is None or row.get("span_end") is None:
        return None
    return int(row["span_start"]), int(row["span_end"])


def _parent(row: dict[str, Any]) -> int | None:
    return row.get("event_id") or row.get("aggregate_id")


# -- the transaction ----------------------------------------------------------------------------------

def carry_over(conn: Connection, rec: Extraction, prov: Provenance, user: str,
               insert_run: Callable[[Connection, Extraction, Provenance], int]) -> ReextractOutcome:
    """Supersede the document's current run with ``rec`` and carry its analyst decisions over (see above)."""
    from sqlalchemy import func, insert, select, update

    from incidex.store.mapping import VALIDATORS
    from incidex.store.repository import ReextractOutcome, _jsonable, sync_place_search, utcnow
    from incidex.store.schema import (
        CLAIM_TABLES,
        aggregates,
        audit_log,
        events,
        extraction_runs,
        incident_events,
        review_decisions,
    )

    doc_id = rec.document.id
    tables: dict[str, Table] = {t.name: t for t in CLAIM_TABLES.values()}
    kind_of = {t.name: k for k, t in CLAIM_TABLES.items()}
    old_runs = list(conn.execute(select(extraction_runs.c.id).where(
        extraction_runs.c.document_id == doc_id, extraction_runs.c.is_current)).scalars())
    conn.execute(update(extraction_runs).where(extraction_runs.c.id.in_(old_runs)).values(is_current=False))
    run_id = insert_run(conn, rec, prov)
    out = ReextractOutcome(doc_id, run_id, events=len(rec.events))

    decisions = list(conn.execute(select(review_decisions).where(
        review_decisions.c.document_id == doc_id, review_decisions.c.status.in_(("active", "orphaned")))
        .order_by(review_decisions.c.id)).mappings())
    by_claim: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for d in decisions:
        by_claim.setdefault((d["claim_table"], d["claim_id"]), []).append(dict(d))
    old_rows: dict[tuple[str, int], dict[str, Any]] = {}
    for (tname, cid) in by_claim:
        row = conn.execute(select(tables[tname]).where(tables[tname].c.id == cid)).mappings().first()
        if row is not None:
            old_rows[(tname, cid)] = dict(row)

    # the new run's claims
    new_rows: dict[str, list[dict[str, Any]]] = {}
    for tname in TOP:
        t = tables[tname]
        new_rows[tname] = [dict(r) for r in conn.execute(select(t).where(t.c.run_id == run_id)).mappings()]
    new_events = select(events.c.id).where(events.c.run_id == run_id)
    new_aggs = select(aggregates.c.id).where(aggregates.c.run_id == run_id)
    for tname in PARTS:
        t = tables[tname]
        cond = t.c.event_id.in_(new_events)
        if "aggregate_id" in t.c:
            cond = cond | t.c.aggregate_id.in_(new_aggs)
        new_rows[tname] = [dict(r) for r in conn.execute(select(t).where(cond)).mappings()]
    new_by_id = {(tname, r["id"]): r for tname, rows in new_rows.items() for r in rows}

    def audit(action: str, tname: str, cid: int, before: dict[str, Any] | None, after: dict[str, Any],
              reason: str) -> None:
        conn.execute(insert(audit_log).values(
            at=utcnow(), user_name=user, action=action, claim_table=tname, claim_id=cid, document_id=doc_id,
            before=_jsonable(before) if before else None, after=_jsonable(after), reason=reason))

    def move_decisions(tname: str, old_id: int, new_row: dict[str, Any]) -> None:
        ds = by_claim[(tname, old_id)]
        conn.execute(update(review_decisions).where(review_decisions.c.id.in_([d["id"] for d in ds]))
                     .values(status="reanchored"))
        conn.execute(insert(review_decisions), [
            {**{k: v for k, v in d.items() if k != "id"}, "claim_id": new_row["id"], "status": "active",
             "span_start": new_row.get("span_start"), "span_end": new_row.get("span_end"),
             "claim_kind": new_row.get("sub_type") or new_row.get("kind") or d["claim_kind"]} for d in ds])

    via = f"re-extracted with {prov.pipeline_version} ({prov.config_hash})"

    def orphan(tname: str, old_id: int, why: str) -> None:
        row = old_rows[(tname, old_id)]
        ds = by_claim[(tname, old_id)]
        out.orphaned.append((tname, old_id))
        if row["review_status"] == "orphaned" and all(d["status"] == "orphaned" for d in ds):
            return  # orphaned before, still no fit: said already
        t = tables[tname]
        conn.execute(update(t).where(t.c.id == old_id).values(review_status="orphaned"))
        conn.execute(update(review_decisions).where(review_decisions.c.id.in_([d["id"] for d in ds]))
                     .values(status="orphaned"))
        decided = [d["decision"] for d in ds]
        audit("orphan", tname, old_id, row, {**row, "review_status": "orphaned", "decisions": decided},
              f"{via}: {why}; the analyst's decision ({', '.join(decided)}) is kept for review")

    # 1. claims an analyst added: copied into the new run as they are
    parent_map: dict[int, int] = {}
    reviewed: list[Reviewed] = []
    for (tname, cid), ds in by_claim.items():
        row = old_rows.get((tname, cid))
        if row is None:
            continue
        if any(d["decision"] == "analyst_added" for d in ds) and "run_id" in tables[tname].c:
            t = tables[tname]
            ordinal = conn.execute(select(func.coalesce(func.max(t.c.ordinal), -1) + 1)
                                   .where(t.c.run_id == run_id)).scalar_one()
            status = "analyst_added" if row["review_status"] == "orphaned" else row["review_status"]
            copy = {k: v for k, v in row.items() if k != "id"} | {"run_id": run_id, "ordinal": ordinal,
                                                                   "review_status": status}
            new_id = conn.execute(insert(t).values(**copy).returning(t.c.id)).scalar_one()
            new = {"id": new_id, **copy}
            move_decisions(tname, cid, new)
            audit("reanchor", tname, new_id, row, new, f"{via}: analyst-added {kind_of[tname]}:{cid} carried over")
            out.carried.append((tname, cid, new_id))
            if tname == "events":
                parent_map[cid] = new_id
            continue
        first = ds[0]  # the machine's span and type, as recorded by the first decision
        span = (first["span_start"], first["span_end"]) if first["span_start"] is not None else _span(row)
        changes: dict[str, Any] = {}
        for d in ds:
            changes |= d["changes"] or {}
        if tname == "events":
            key: str | None = SUB_TYPES.get(first["claim_kind"] or "", row["event_type"])
            if "event_type" in changes or "sub_type" in changes:
                key = SUB_TYPES.get(first["claim_kind"] or "")
        elif tname == "casualties":
            key = None if "outcome" in changes else row["outcome"]
        elif tname in ("event_actors", "legal_references"):
            key = None if "kind" in changes else (first["claim_kind"] or row["kind"])
        else:
            key = None
        reviewed.append(Reviewed(tname, cid, span, key, _parent(row)))

    def candidates(names: tuple[str, ...]) -> list[Candidate]:
        return [Candidate(tn, r["id"], _span(r), _key(tn, r), _parent(r)) for tn in names for r in new_rows[tn]]

    def apply(tname: str, old_id: int, new_id: int) -> None:
        row = old_rows[(tname, old_id)]
        ds = by_claim[(tname, old_id)]
        new = new_by_id[(tname, new_id)]
        changes: dict[str, Any] = {}
        for d in ds:
            changes |= d["changes"] or {}
        changes = {k: v for k, v in changes.items() if k in tables[tname].c and k not in ("id", "review_status")}
        status = row["review_status"]
        was_orphan = status == "orphaned"
        if was_orphan:  # orphaned earlier: the status it had when it was last anchored
            status = "edited" if changes else ds[-1]["decision"]
        after = {**new, **changes, "review_status": status}
        try:
            VALIDATORS[kind_of[tname]](after)
        except (ValueError, KeyError) as exc:  # pydantic's ValidationError is a ValueError
            orphan(tname, old_id, f"the edit does not fit {kind_of[tname]}:{new_id} ({str(exc).splitlines()[0]})")
            return
        t = tables[tname]
        conn.execute(update(t).where(t.c.id == new_id).values(**changes, review_status=status))
        sync_place_search(conn, tname, [new_id])
        if was_orphan:  # no longer waiting for the analyst: the old claim gets its status back
            conn.execute(update(t).where(t.c.id == old_id).values(review_status=status))
        move_decisions(tname, old_id, new)
        audit("reanchor", tname, new_id, row, after,
              f"{via}: {kind_of[tname]}:{old_id} -> {kind_of[tname]}:{new_id}"
              + (f", edit re-applied ({', '.join(sorted(changes))})" if changes else ""))
        out.reanchored.append((tname, old_id, new_id))
        if tname in ("events", "aggregates"):
            parent_map[old_id] = new_id

    # 2. top-level claims, then their parts (which prefer the re-anchored parent)
    for names in (TOP, PARTS):
        group = [r for r in reviewed if r.table in names]
        found = match(group, candidates(names), parent_map)
        for r in group:
            new_id = found.get((r.table, r.claim_id))
            if new_id is None:
                orphan(r.table, r.claim_id, "no claim of the new run has an overlapping span of the same type")
            else:
                apply(r.table, r.claim_id, new_id)

    out.stale_incidents = int(conn.execute(select(func.count(func.distinct(incident_events.c.incident_id))).where(
        incident_events.c.document_id == doc_id, incident_events.c.event_id.not_in(new_events))).scalar_one())
    return out


# -- the command --------------------------------------------------------------------------------------

def reextract(repo: Repository, doc_ids: list[str] | None = None, extractor: object | None = None,
              user: str | None = None) -> Iterator[ReextractOutcome | IncidexError]:
    """Re-run the pipeline on the stored text of ``doc_ids`` (all documents when None), one transaction each."""
    from incidex import PIPELINE_VERSION
    from incidex.pipeline.assemble import Extractor
    from incidex.services.extract import default_extractor
    from incidex.services.ingest import config_hash
    from incidex.store.repository import Provenance

    ids = repo.document_ids() if doc_ids is None else doc_ids
    ex = extractor
    for doc_id in ids:
        doc = repo.document_text(_resolve(repo, doc_id))
        if doc is None:
            yield StoreError(Codes.E304, ref=f"document:{doc_id}", field="document", detail="no such document")
            continue
        if ex is None:
            ex = default_extractor()
        assert isinstance(ex, Extractor)
        raw = RawDocument(text=doc["text"], origin=doc["origin"] or doc["id"], title=doc["title"], url=doc["url"],
                          published=doc["published"], publisher=doc["publisher"], source_name=doc["source_name"])
        rec = next(iter(ex.extract_many([raw])))
        if rec.document.id != doc["id"] or document_id(doc["text"]) != doc["id"]:
            yield StoreError(Codes.E304, ref=f"document:{doc_id}", field="document",
                             detail="the stored text does not hash to its id")
            continue
        prov = Provenance(text=doc["text"], pipeline_version=PIPELINE_VERSION, config_hash=config_hash(ex),
                          retrieved_at=doc["retrieved_at"], collector=doc["collector"], origin=doc["origin"])
        yield repo.replace_extraction(rec, prov, user or USER)


def _resolve(repo: Repository, doc_id: str) -> str:
    """A full document id, or a unique prefix of one (``review list`` shows 12 characters)."""
    if len(doc_id) == 64:
        return doc_id
    hits = [d for d in repo.document_ids() if d.startswith(doc_id)]
    return hits[0] if len(hits) == 1 else doc_id
