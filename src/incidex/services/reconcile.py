"""reconcile: group the stored events into incidents; list and show them; evaluate the clustering.

Incremental: only events that belong to no incident yet are "new". The events
whose dates fall within reach of the new ones (``Params.max_gap_days``) are
loaded together with every member of their incidents, their current
incidents are kept together (seeded into the clustering), the new events join
or found incidents, and only the incidents whose membership changed are
rewritten. Incident ids are named after their earliest member, so an incident
keeps its id when later reports join it. ``full=True`` forgets every incident
and starts again. Rejected events and events of superseded extraction runs
are left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from incidex.domain.models import Extraction
from incidex.reconcile.cluster import DEFAULT, Item, Params, cluster, iso
from incidex.reconcile.evaluate import BCubed, Observed, bcubed, load_truth, match
from incidex.reconcile.incident import Claim, build_incident, claim_key, to_item

if TYPE_CHECKING:
    from incidex.store.repository import Repository

REPO = Path(__file__).resolve().parents[3]
TRUTH = REPO / "eval" / "reconcile" / "truth.json"
DEMO_GOLD = REPO / "eval" / "gold" / "demo.jsonl"
DEMO_CORPUS = Path(__file__).resolve().parents[1] / "demo" / "corpus"


@dataclass(frozen=True)
class ReconcileResult:
    new_events: int
    incidents_written: int
    incidents_removed: int
    incidents_total: int


def claims_of(record: Extraction) -> list[Claim]:
    return [Claim(e, record.document.id, record.document.stance) for e in record.events]


def reconcile_records(records: Iterable[Extraction], params: Params = DEFAULT) -> list[dict[str, Any]]:
    """Incidents of in-memory records (no store): ``incidex reconcile`` without a database, and tests."""
    items = [to_item(c, i) for i, c in enumerate(c for r in records for c in claims_of(r))]
    return [build_incident(g) for g in cluster(items, params)]


# -- the store ---------------------------------------------------------------------------------------

def reconcile(repo: Repository, full: bool = False, params: Params = DEFAULT) -> ReconcileResult:
    from sqlalchemy import delete, func, insert, or_, select

    from incidex.store.repository import utcnow
    from incidex.store.schema import events, extraction_runs, incident_events, incidents

    live = (select(events.c.id, events.c.document_id, events.c.event_key, events.c.date_start, events.c.date_end)
            .join(extraction_runs, extraction_runs.c.id == events.c.run_id)
            .where(extraction_runs.c.is_current, events.c.review_status != "rejected"))
    with repo.engine.begin() as conn:
        if full:
            conn.execute(delete(incident_events))
            conn.execute(delete(incidents))
        # memberships of events that are gone (rejected, re-extracted) no longer count
        gone = select(incident_events.c.event_id).where(incident_events.c.event_id.not_in(live.with_only_columns(events.c.id)))
        stale = set(conn.execute(select(incident_events.c.incident_id).where(incident_events.c.event_id.in_(gone))).scalars())
        conn.execute(delete(incident_events).where(incident_events.c.event_id.in_(gone)))
        new = conn.execute(live.where(events.c.id.not_in(select(incident_events.c.event_id)))).mappings().all()
        if not new and not stale:
            total = conn.execute(select(func.count()).select_from(incidents)).scalar_one()
            return ReconcileResult(0, 0, 0, int(total))
        # the events within reach of the new ones, and all members of their incidents
        dated = [r for r in new if r["date_start"]]
        rows = list(new)
        if dated:
            gap = timedelta(days=params.max_gap_days)
            days = [d for r in dated for d in (iso(r["date_start"]), iso(r["date_end"] or r["date_start"])) if d]
            lo, hi = (min(days) - gap).isoformat(), (max(days) + gap).isoformat()
            near = conn.execute(live.where(events.c.date_start <= hi,
                                           or_(events.c.date_end >= lo, events.c.date_start >= lo))).mappings().all()
            rows += near
        ids = {r["id"] for r in rows}
        member_of = dict(conn.execute(select(incident_events.c.event_id, incident_events.c.incident_id)
                                      .where(incident_events.c.event_id.in_(ids))).all())
        touched = set(member_of.values()) | stale
        more = conn.execute(select(incident_events.c.event_id, incident_events.c.incident_id)
                            .where(incident_events.c.incident_id.in_(touched))).all()
        member_of.update(dict(more))
        ids |= set(member_of)
        rows_by_id = {r["id"]: r for r in conn.execute(live.where(events.c.id.in_(ids))).mappings()}

    claims = _load_claims(repo, rows_by_id)
    items = [to_item(c, c.row_id or 0) for c in claims]
    seed: dict[str, list[str]] = {}
    for c in claims:
        if c.row_id in member_of:
            seed.setdefault(member_of[c.row_id], []).append(claim_key(c.document_id, c.event.id))
    groups = cluster(items, params, seed.values())
    new_ids = {r["id"] for r in new}
    written, keep = 0, set()
    now = utcnow()
    with repo.engine.begin() as conn:
        for g in groups:
            rows_g = [m.payload.row_id for m in g]
            old = {member_of.get(r) for r in rows_g} - {None}
            inc = build_incident(g)
            keep.add(inc["id"])
            if not (set(rows_g) & new_ids) and old == {inc["id"]} and inc["id"] not in stale:
                continue  # untouched: nothing new joined it, nothing left it
            conn.execute(delete(incident_events).where(incident_events.c.event_id.in_(rows_g)))
            conn.execute(delete(incidents).where(incidents.c.id == inc["id"]))
            conn.execute(insert(incidents).values(
                id=inc["id"], event_type=inc["event_type"], sub_type=inc["sub_type"],
                date_start=inc["date"]["start"], date_end=inc["date"]["end"], sources=inc["sources"]["count"],
                flags=inc["flags"], data=inc, updated_at=now))
            conn.execute(insert(incident_events), [
                {"event_id": m.payload.row_id, "incident_id": inc["id"], "document_id": m.document_id,
                 "event_key": m.payload.event.id} for m in g])
            written += 1
        # incidents that lost all their members to another one (a new report bridged two)
        orphans = [i for i in touched | set(member_of.values()) if i not in keep]
        if orphans:
            conn.execute(delete(incident_events).where(incident_events.c.incident_id.in_(orphans)))
            conn.execute(delete(incidents).where(incidents.c.id.in_(orphans)))
        total = conn.execute(select(func.count()).select_from(incidents)).scalar_one()
    return ReconcileResult(len(new), written, len(orphans), int(total))


def _load_claims(repo: Repository, rows_by_id: dict[int, Any]) -> list[Claim]:
    """The events as incidex/1 Events with their document's stance, matched to their row ids."""
    by_doc: dict[str, dict[str, int]] = {}
    for rid, r in rows_by_id.items():
        by_doc.setdefault(r["document_id"], {})[r["event_key"]] = rid
    out = []
    for doc_id, keys in sorted(by_doc.items()):
        stored = repo.get_record(doc_id)
        if stored is None:
            continue
        d = stored.record.document
        out += [Claim(e, d.id, d.stance, keys[e.id]) for e in stored.record.events if e.id in keys]
    return sorted(out, key=lambda c: c.row_id or 0)


def list_incidents(repo: Repository, limit: int | None = None) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from incidex.store.schema import incidents

    q = select(incidents.c.data).order_by(incidents.c.date_start.is_(None), incidents.c.date_start, incidents.c.id)
    if limit:
        q = q.limit(limit)
    with repo.engine.connect() as conn:
        return [_obj(d) for d in conn.execute(q).scalars()]


def get_incident(repo: Repository, incident_id: str) -> dict[str, Any] | None:
    from sqlalchemy import select

    from incidex.store.schema import incidents

    with repo.engine.connect() as conn:
        data = conn.execute(select(incidents.c.data).where(incidents.c.id == incident_id)).scalar_one_or_none()
    return _obj(data) if data is not None else None


def _obj(data: Any) -> dict[str, Any]:
    return json.loads(data) if isinstance(data, str) else dict(data)


# -- evaluation --------------------------------------------------------------------------------------

def file_key(origin: str) -> str:
    """``.../16_wire_batch.jsonl#1`` -> ``16_wire_batch.jsonl#1``; the truth is keyed by base name."""
    return Path(origin).name


def evaluate_extracted(pairs: Sequence[tuple[str, Extraction]], truth_path: Path = TRUTH,
                       params: Params = DEFAULT) -> BCubed:
    """B-cubed of the clustering of extracted records (origin, record) against the hand-made truth."""
    truth = load_truth(json.loads(truth_path.read_text(encoding="utf-8")))
    items: list[Item] = []
    observed: list[Observed] = []
    for origin, rec in pairs:
        for c in claims_of(rec):
            it = to_item(c, len(items))
            items.append(it)
            observed.append(Observed(it.key, file_key(origin), tuple(n for x in c.event.locations
                                                                     for n in (x.name, x.name_as_written)),
                                     it.start, it.end, it.event_type))
    gold = match(observed, truth)
    return bcubed(([x.key for x in g] for g in cluster(items, params)), gold)


def evaluate_demo_extracted(truth_path: Path = TRUTH, params: Params = DEFAULT) -> BCubed:
    """Run the pipeline on the demo corpus (spaCy model and gazetteer), then score the clustering of its events."""
    from incidex.errors import IncidexError
    from incidex.services.extract import ExtractOptions, extract_documents

    pairs = []
    for item in extract_documents([str(DEMO_CORPUS)], ExtractOptions()):
        if isinstance(item, IncidexError):
            raise item
        raw, rec = item
        pairs.append((raw.origin, rec))
    return evaluate_extracted(pairs, truth_path, params)


def evaluate_gold_events(gold_path: Path, truth_path: Path = TRUTH, params: Params = DEFAULT) -> BCubed:
    """The clustering alone: cluster the hand-annotated events of the gold file (eval/gold/demo.jsonl)."""
    truth = load_truth(json.loads(truth_path.read_text(encoding="utf-8")))
    items: list[Item] = []
    observed: list[Observed] = []
    for line in gold_path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        name = Path(rec["file"]).name + (f"#{rec['record'] + 1}" if rec.get("record") is not None else "")
        doc = rec["id"]
        for k, e in enumerate(rec["events"]):
            loc = e.get("location") or {}
            start = iso(e.get("date_start") or e.get("event_date"))
            end = iso(e.get("date_end") or e.get("event_date")) or start
            points = ((loc["lat"], loc["lon"]),) if loc.get("lat") is not None else ()
            it = Item(key=f"{doc}:{k}", document_id=doc, event_type=e["event_type"], sub_type=e["sub_type"],
                      start=start, end=end, points=points, certainty=e.get("certainty", "asserted"),
                      seq=len(items))
            items.append(it)
            observed.append(Observed(it.key, name, tuple(n for n in (loc.get("name"), loc.get("name_as_written"))
                                                         if n), start, end, it.event_type))
    gold = match(observed, truth)
    return bcubed(([x.key for x in g] for g in cluster(items, params)), gold)
