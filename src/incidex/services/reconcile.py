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
from collections.abc import Callable, Iterable, Iterator, Sequence
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

def reconcile(repo: Repository, full: bool = False, params: Params = DEFAULT,
              refresh: Iterable[str] = ()) -> ReconcileResult:
    """Group the new events; ``refresh`` names incidents to rewrite although their membership did not change
    (a document's stance was overridden). The analyst's merges and splits (``review_decisions`` of kind
    ``incidents``) are honoured on every run: an incident that breaks one is grouped again."""
    from sqlalchemy import delete, func, or_, select

    from incidex.store.repository import utcnow
    from incidex.store.schema import events, incident_events, incidents

    live = _live()
    if not full:  # the first run over a store is a full one: streamed, whatever the size of the store
        with repo.engine.connect() as conn:
            full = conn.execute(select(incidents.c.id).limit(1)).first() is None
    if full:
        return _reconcile_full(repo, params)
    with repo.engine.begin() as conn:
        # memberships of events that are gone (rejected, re-extracted) no longer count
        gone = select(incident_events.c.event_id).where(incident_events.c.event_id.not_in(live.with_only_columns(events.c.id)))
        stale = set(conn.execute(select(incident_events.c.incident_id).where(incident_events.c.event_id.in_(gone))).scalars())
        conn.execute(delete(incident_events).where(incident_events.c.event_id.in_(gone)))
        rules = load_decisions(conn)
        # incidents that break an analyst's merge or split are grouped again from scratch (not seeded)
        regroup = _violations(conn, live, rules)
        again = set(conn.execute(select(incident_events.c.event_id)
                                 .where(incident_events.c.incident_id.in_(regroup))).scalars()) if regroup else set()
        redo = set(refresh) - regroup
        kept = set(conn.execute(select(incident_events.c.event_id)
                                .where(incident_events.c.incident_id.in_(redo))).scalars()) if redo else set()
        stale |= redo
        new = conn.execute(live.where(or_(events.c.id.not_in(select(incident_events.c.event_id)),
                                          events.c.id.in_(again)))).mappings().all()
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

    claims = _load_claims(repo, rows_by_id, rules.stance)
    items = [to_item(c, c.row_id or 0) for c in claims]
    seed: dict[str, list[str]] = {}
    for c in claims:
        if c.row_id in member_of and c.row_id not in again:
            seed.setdefault(member_of[c.row_id], []).append(claim_key(c.document_id, c.event.id))
    groups = cluster(items, params, [*seed.values(), *rules.must], rules.cannot)
    new_ids = {r["id"] for r in new} | kept
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
            # events that were in it and went elsewhere (a split) are written with their own group
            conn.execute(delete(incident_events).where(incident_events.c.incident_id == inc["id"]))
            conn.execute(delete(incidents).where(incidents.c.id == inc["id"]))
            _write_incidents(conn, [(inc, g)], now)
            written += 1
        # incidents that lost all their members to another one (a new report bridged two)
        orphans = [i for i in touched | set(member_of.values()) if i not in keep]
        if orphans:
            conn.execute(delete(incident_events).where(incident_events.c.incident_id.in_(orphans)))
            conn.execute(delete(incidents).where(incidents.c.id.in_(orphans)))
        total = conn.execute(select(func.count()).select_from(incidents)).scalar_one()
    return ReconcileResult(len(new), written, len(orphans), int(total))


FULL_PAGE = 2_000  # events read per query when reconciling the whole store


def _live() -> Any:
    """The events that take part: of current extraction runs, not rejected."""
    from sqlalchemy import select

    from incidex.store.schema import events, extraction_runs

    return (select(events.c.id, events.c.document_id, events.c.event_key, events.c.date_start, events.c.date_end)
            .join(extraction_runs, extraction_runs.c.id == events.c.run_id)
            .where(extraction_runs.c.is_current, events.c.review_status != "rejected"))


def _items_in_order(repo: Repository, stance: dict[str, str], lo: str | None = None, hi: str | None = None,
                    undated: bool = False) -> Iterator[Item]:
    """Clustering items of the live events, undated ones (``undated``) or those starting in [lo, hi), in date
    order, read ``FULL_PAGE`` at a time (keyset)."""
    from sqlalchemy import tuple_

    from incidex.store.schema import events

    base = _live()
    if undated:
        base = base.where(events.c.date_start.is_(None))
    else:
        base = base.where(events.c.date_start.is_not(None))
        if lo:
            base = base.where(events.c.date_start >= lo)
        if hi:
            base = base.where(events.c.date_start < hi)
    after: tuple[str, int] | None = None
    order = (events.c.date_start, events.c.id) if not undated else (events.c.id,)
    while True:
        q = base
        if after is not None:
            q = q.where(tuple_(*order) > tuple_(*after) if not undated else events.c.id > after[1])
        with repo.engine.connect() as conn:
            rows = conn.execute(q.order_by(*order).limit(FULL_PAGE)).mappings().all()
        if not rows:
            return
        after = (rows[-1]["date_start"], rows[-1]["id"])
        items = [to_item(c, c.row_id or 0) for c in _load_claims(repo, {r["id"]: r for r in rows}, stance)]
        yield from sorted(items, key=lambda x: (x.start is None, x.start, x.seq))


def _clear_incidents(repo: Repository) -> Rules:
    from sqlalchemy import delete

    from incidex.store.schema import incident_events, incidents

    with repo.engine.begin() as conn:
        conn.execute(delete(incident_events))
        conn.execute(delete(incidents))
        return load_decisions(conn)


class _Writer:
    """Incidents written 500 to a transaction as they are closed."""

    def __init__(self, repo: Repository) -> None:
        from incidex.store.repository import utcnow

        self.repo, self.now, self.written = repo, utcnow(), 0
        self.batch: list[tuple[dict[str, Any], list[Item]]] = []

    def add(self, g: Sequence[Item]) -> None:
        g = sorted(g, key=lambda x: (x.seq, x.key))
        self.batch.append((build_incident(g), g))
        if len(self.batch) >= 500:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            with self.repo.engine.begin() as conn:
                _write_incidents(conn, self.batch, self.now)
            self.written += len(self.batch)
            self.batch = []


def _total(repo: Repository) -> int:
    from sqlalchemy import func, select

    from incidex.store.schema import incidents

    with repo.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(incidents)).scalar_one())


def _reconcile_full(repo: Repository, params: Params) -> ReconcileResult:
    """Forget every incident and group all current events again, streamed by time window: the events are
    read in date order a page at a time and each incident is written as soon as it is closed
    (``incidex.reconcile.stream``), so memory holds one window, whatever the size of the store."""
    from itertools import chain

    from incidex.reconcile.stream import cluster_stream

    rules = _clear_incidents(repo)
    seen = 0

    def counted(xs: Iterable[Item]) -> Iterator[Item]:
        nonlocal seen
        for x in xs:
            seen += 1
            yield x

    out = _Writer(repo)
    items = chain(_items_in_order(repo, rules.stance, undated=True), _items_in_order(repo, rules.stance))
    for g in cluster_stream(counted(items), params, must=rules.must, cannot=rules.cannot):
        out.add(g)
    out.flush()
    return ReconcileResult(seen, out.written, 0, _total(repo))


def reconcile_partitioned(repo: Repository, params: Params = DEFAULT, days: int = 180,
                          map_fn: Callable[..., Iterable[Any]] = map) -> ReconcileResult:
    """``--full`` split into time partitions of ``days`` days, each clustered and written by
    ``reconcile_partition`` through ``map_fn`` (the built-in ``map`` here, Dask's ``Client.map`` on a
    cluster), then the incidents near the partition boundaries stitched here (``incidex.reconcile.partition``).
    Same database URL for every worker: PostgreSQL, or SQLite on one machine (WAL: concurrent readers,
    writers wait their turn)."""
    from sqlalchemy import func, select

    from incidex.reconcile.partition import partitions, stitch
    from incidex.reconcile.stream import cluster_stream

    rules = _clear_incidents(repo)
    out = _Writer(repo)
    undated = list(_items_in_order(repo, rules.stance, undated=True))
    for g in cluster_stream(undated, params, must=rules.must, cannot=rules.cannot):
        out.add(g)
    live = _live().subquery()
    with repo.engine.connect() as conn:
        first, last = conn.execute(select(func.min(live.c.date_start), func.max(live.c.date_start))).one()
    edges: list[list[Item]] = []
    seen = len(undated)
    if first:
        url = repo.engine.url.render_as_string(hide_password=False)
        spans = [(lo.isoformat(), hi.isoformat()) for lo, hi in partitions(iso(first), iso(last), days)]  # type: ignore[arg-type]
        for n, part_edges in map_fn(reconcile_partition, [url] * len(spans), spans, [params] * len(spans)):
            seen += n
            edges += part_edges
    for g in stitch(edges, params, must=rules.must, cannot=rules.cannot):
        out.add(g)
    out.flush()
    total = _total(repo)  # every incident was written afresh, by the workers or here
    return ReconcileResult(seen, total, 0, total)


def reconcile_partition(url: str, span: tuple[str, str], params: Params = DEFAULT) -> tuple[int, list[list[Item]]]:
    """One partition (a Dask task): cluster the events starting in [lo, hi), write the final incidents, return
    the number of events and the edge incidents for the coordinator to stitch."""
    from sqlalchemy import delete, select

    from incidex.reconcile.partition import cluster_partition
    from incidex.store.repository import Repository
    from incidex.store.schema import incident_events, incidents

    repo = Repository.open(url)
    try:
        lo, hi = span
        with repo.engine.begin() as conn:
            # a retried task: what an earlier attempt of this partition wrote goes first (its incidents are the
            # only ones starting in [lo, hi) before the coordinator stitches)
            mine = select(incidents.c.id).where(incidents.c.date_start >= lo, incidents.c.date_start < hi)
            conn.execute(delete(incident_events).where(incident_events.c.incident_id.in_(mine)))
            conn.execute(delete(incidents).where(incidents.c.date_start >= lo, incidents.c.date_start < hi))
            rules = load_decisions(conn)
        items = list(_items_in_order(repo, rules.stance, lo, hi))
        part = cluster_partition(items, iso(lo), iso(hi), params, must=rules.must, cannot=rules.cannot)  # type: ignore[arg-type]
        out = _Writer(repo)
        for g in part.final:
            out.add(g)
        out.flush()
        return len(items), part.edges
    finally:
        repo.close()


def _write_incidents(conn: Any, groups: Sequence[tuple[dict[str, Any], Sequence[Item]]], now: Any) -> None:
    from sqlalchemy import insert

    from incidex.store.schema import incident_events, incidents

    if not groups:
        return
    conn.execute(insert(incidents), [dict(
        id=inc["id"], event_type=inc["event_type"], sub_type=inc["sub_type"], date_start=inc["date"]["start"],
        date_end=inc["date"]["end"], sources=inc["sources"]["count"], flags=inc["flags"], data=inc, updated_at=now)
        for inc, _ in groups])
    conn.execute(insert(incident_events), [
        {"event_id": m.payload.row_id, "incident_id": inc["id"], "document_id": m.document_id,
         "event_key": m.payload.event.id} for inc, g in groups for m in g])


def _load_claims(repo: Repository, rows_by_id: dict[int, Any], stance: dict[str, str] | None = None) -> list[Claim]:
    """The events as incidex/1 Events with their document's stance (the analyst's, when overridden),
    matched to their row ids."""
    stance = stance or {}
    by_doc: dict[str, dict[str, int]] = {}
    for rid, r in rows_by_id.items():
        by_doc.setdefault(r["document_id"], {})[r["event_key"]] = rid
    out = []
    for doc_id, keys in sorted(by_doc.items()):
        stored = repo.get_record(doc_id)
        if stored is None:
            continue
        d = stored.record.document
        out += [Claim(e, d.id, stance.get(d.id, d.stance), keys[e.id]) for e in stored.record.events if e.id in keys]
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
    items, observed = gold_items(gold_path)
    gold = match(observed, truth)
    return bcubed(([x.key for x in g] for g in cluster(items, params)), gold)


def gold_items(gold_path: Path) -> tuple[list[Item], list[Observed]]:
    """The events of a gold file as clustering items, and as the truth matcher sees them."""
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
    return items, observed


# -- the analyst's decisions: merge, split, stance ---------------------------------------------------
#
# Kept in ``review_decisions`` (no table of their own): ``claim_table`` "incidents" for a merge or a split
# (``changes`` holds the events by key, DOCUMENT_ID:EVENT_KEY, which survives re-extraction when the pipeline
# gives the event the same key) and "documents" for a stance override (``changes`` {"stance": ...}). Their
# ``status`` is "in_force": `incidex reextract` carries over only the decisions on claims ("active",
# "orphaned"), and these are not about one claim. Each is also appended to ``audit_log`` (who, when, before,
# after, why). Decisions apply in the order they were taken: a later merge undoes an earlier split of the same
# events and the other way round.

INCIDENT_DECISIONS = "incidents"
STANCE_DECISIONS = "documents"
IN_FORCE = "in_force"


@dataclass
class Rules:
    """What the analyst decided: groups of event keys kept together, pairs kept apart, stance per document."""

    must: list[list[str]]
    cannot: set[tuple[str, str]]
    stance: dict[str, str]


def _json(v: Any) -> Any:
    return json.loads(v) if isinstance(v, str) else v


def load_decisions(conn: Any) -> Rules:
    from sqlalchemy import select

    from incidex.store.schema import review_decisions as rd

    rows = conn.execute(select(rd.c.claim_table, rd.c.document_id, rd.c.decision, rd.c.changes)
                        .where(rd.c.claim_table.in_((INCIDENT_DECISIONS, STANCE_DECISIONS)), rd.c.status == IN_FORCE)
                        .order_by(rd.c.id)).mappings().all()
    together: set[frozenset[str]] = set()
    apart: set[frozenset[str]] = set()
    stance: dict[str, str] = {}
    for r in rows:
        ch = _json(r["changes"]) or {}
        if r["decision"] == "stance":
            stance[r["document_id"]] = ch["stance"]
        elif r["decision"] == "merge":
            keys = ch["events"]
            pairs = {frozenset((a, b)) for i, a in enumerate(keys) for b in keys[i + 1:] if a != b}
            together |= pairs
            apart -= pairs
        elif r["decision"] == "split":
            pairs = {frozenset((a, b)) for a in ch["apart"] for b in ch["rest"] if a != b}
            apart |= pairs
            together -= pairs
    # groups kept together: connected components of the merge pairs
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair in together:
        a, b = sorted(pair)
        parent[find(b)] = find(a)
    groups: dict[str, list[str]] = {}
    for k in parent:
        groups.setdefault(find(k), []).append(k)
    cannot = {tuple(sorted(p)) for p in apart}
    return Rules([sorted(g) for g in groups.values()], cannot, stance)  # type: ignore[arg-type]


def _violations(conn: Any, live: Any, rules: Rules) -> set[str]:
    """Incidents that break a decision: a split pair in one incident, a merged group over several."""
    from sqlalchemy import select

    from incidex.store.schema import events, incident_events

    keys = {k for g in rules.must for k in g} | {k for p in rules.cannot for k in p}
    if not keys:
        return set()
    docs = {k.rpartition(":")[0] for k in keys}
    rows = conn.execute(live.where(events.c.document_id.in_(docs))).mappings().all()
    row_of = {claim_key(r["document_id"], r["event_key"]): r["id"] for r in rows}
    ids = [row_of[k] for k in keys if k in row_of]
    inc_of = dict(conn.execute(select(incident_events.c.event_id, incident_events.c.incident_id)
                               .where(incident_events.c.event_id.in_(ids))).all())

    def where(k: str) -> str | None:
        return inc_of.get(row_of[k]) if k in row_of else None

    out: set[str] = set()
    for a, b in rules.cannot:
        ia, ib = where(a), where(b)
        if ia is not None and ia == ib:
            out.add(ia)
    for g in rules.must:
        present = [k for k in g if k in row_of]
        incs = {where(k) for k in present}
        if len(incs) > 1:
            out |= incs - {None}
    return out


def _members(conn: Any, incident_ids: Sequence[str]) -> dict[str, list[tuple[int, str]]]:
    """incident id -> [(event row id, event key)] sorted by row id."""
    from sqlalchemy import select

    from incidex.store.schema import incident_events as ie

    out: dict[str, list[tuple[int, str]]] = {i: [] for i in incident_ids}
    for eid, iid, doc, key in conn.execute(select(ie.c.event_id, ie.c.incident_id, ie.c.document_id, ie.c.event_key)
                                           .where(ie.c.incident_id.in_(list(incident_ids)))).all():
        out[iid].append((eid, claim_key(doc, key)))
    return {k: sorted(v) for k, v in out.items()}


def _need_reason(ref: str, reason: str | None) -> str:
    from incidex.errors import Codes, StoreError

    if not reason or not reason.strip():
        raise StoreError(Codes.E304, ref=ref, field="reason", detail="every analyst decision records why: give --reason")
    return reason.strip()


def _decide(repo: Repository, table: str, decision: str, anchor: tuple[int, str], changes: dict[str, Any],
            user: str, reason: str, before: dict[str, Any], after: dict[str, Any], document_id: str | None) -> None:
    """The decision (kept, applied by every `reconcile`) and its audit entry, in one transaction."""
    from sqlalchemy import insert

    from incidex.store.repository import utcnow
    from incidex.store.schema import audit_log, review_decisions

    now = utcnow()
    with repo.engine.begin() as conn:
        conn.execute(insert(review_decisions).values(
            claim_table=table, claim_id=anchor[0], document_id=anchor[1], decision=decision, user_name=user, at=now,
            reason=reason, claim_kind=table.rstrip("s"), status=IN_FORCE, changes=changes))
        conn.execute(insert(audit_log).values(
            at=now, user_name=user, action=decision, claim_table=table, claim_id=None, document_id=document_id,
            before=before, after=after, reason=reason))


def merge_incidents(repo: Repository, incident_ids: Sequence[str], user: str, reason: str | None) -> dict[str, Any]:
    """The analyst says these incidents are one: kept together by every later `reconcile`, also `--full`."""
    from incidex.errors import Codes, StoreError
    from incidex.reconcile.incident import incident_id

    ids = list(dict.fromkeys(incident_ids))
    why = _need_reason(f"incident:{','.join(ids)}", reason)
    if len(ids) < 2:
        raise StoreError(Codes.E304, ref=f"incident:{','.join(ids)}", field="ID", detail="merge needs two incidents or more")
    with repo.engine.connect() as conn:
        members = _members(conn, ids)
    for i, m in members.items():
        if not m:
            raise StoreError(Codes.E303, ref=f"incident:{i}", kinds="incident (see `incidex incidents list`)")
    allm = sorted(x for m in members.values() for x in m)
    keys = [k for _, k in allm]
    anchor_doc = keys[0].rpartition(":")[0]
    before = {"incidents": {i: [k for _, k in m] for i, m in members.items()}}
    after = {"incidents": {incident_id(keys[0]): keys}}
    _decide(repo, INCIDENT_DECISIONS, "merge", (allm[0][0], anchor_doc), {"events": keys, "incidents": ids},
            user, why, before, after, None)
    res = reconcile(repo)
    return {"before": before, "after": after, "result": res.__dict__}


def split_incident(repo: Repository, incident: str, event_refs: Sequence[str], user: str,
                   reason: str | None) -> dict[str, Any]:
    """The analyst says these events of an incident are another happening: kept apart from the rest by every
    later `reconcile`. An event is given as ``event:ID`` / ``ID`` (the store's id, `incidex review list`) or
    ``DOCUMENT_ID:EVENT_KEY`` (a unique prefix of the document id will do, as `incidents show` prints)."""
    from incidex.errors import Codes, StoreError
    from incidex.reconcile.incident import incident_id

    ref = f"incident:{incident}"
    why = _need_reason(ref, reason)
    with repo.engine.connect() as conn:
        members = _members(conn, [incident])[incident]
    if not members:
        raise StoreError(Codes.E303, ref=ref, kinds="incident (see `incidex incidents list`)")
    chosen: set[str] = set()
    for e in event_refs:
        found = _find_member(members, e)
        if found is None:
            raise StoreError(Codes.E304, ref=ref, field="events",
                             detail=f"{e} is not an event of this incident ({', '.join(k for _, k in members)})")
        chosen.add(found)
    part = [m for m in members if m[1] in chosen]
    rest = [m for m in members if m[1] not in chosen]
    if not part or not rest:
        raise StoreError(Codes.E304, ref=ref, field="events", detail="name some, not all, of the incident's events")
    before = {"incidents": {incident: [k for _, k in members]}}
    after = {"incidents": {incident_id(g[0][1]): [k for _, k in g] for g in (rest, part)}}
    anchor = part[0]
    _decide(repo, INCIDENT_DECISIONS, "split", (anchor[0], anchor[1].rpartition(":")[0]),
            {"apart": [k for _, k in part], "rest": [k for _, k in rest], "incident": incident},
            user, why, before, after, None)
    res = reconcile(repo)
    return {"before": before, "after": after, "result": res.__dict__}


def _find_member(members: list[tuple[int, str]], ref: str) -> str | None:
    num = ref.removeprefix("event:")
    if num.isdigit():
        return next((k for rid, k in members if rid == int(num)), None)
    doc, _, key = ref.rpartition(":")
    hits = [k for _, k in members if k.rpartition(":")[2] == key and k.startswith(doc)]
    return hits[0] if len(hits) == 1 else None


STANCES = ("neutral", "advocacy")


def set_stance(repo: Repository, doc: str, stance: str, user: str, reason: str | None) -> dict[str, Any]:
    """The analyst overrides a document's stance; reconciliation uses it (by_stance, disputes, flags) from now
    on. The stored document and its extraction keep the machine's stance; the override lives in
    ``review_decisions`` (and the audit log) and is applied by every `reconcile`."""
    from sqlalchemy import select

    from incidex.errors import Codes, StoreError
    from incidex.services.reextract import _resolve
    from incidex.store.schema import incident_events

    stance = stance.strip()
    if stance.startswith("party:"):
        stance = "party:" + stance.partition(":")[2].strip()
    ref = f"document:{doc}"
    why = _need_reason(ref, reason)
    if stance not in STANCES and not (stance.startswith("party:") and len(stance) > len("party:")):
        raise StoreError(Codes.E304, ref=ref, field="stance", detail="neutral, advocacy or party:<name>")
    doc_id = _resolve(repo, doc)
    row = repo.document_text(doc_id)
    if row is None:
        raise StoreError(Codes.E304, ref=ref, field="doc", detail=f"no such document {doc}")
    with repo.engine.connect() as conn:
        old = load_decisions(conn).stance.get(doc_id, row["stance"] or "neutral")
        incs = set(conn.execute(select(incident_events.c.incident_id)
                                .where(incident_events.c.document_id == doc_id)).scalars())
    _decide(repo, STANCE_DECISIONS, "stance", (0, doc_id), {"stance": stance}, user, why,
            {"stance": old}, {"stance": stance}, doc_id)
    res = reconcile(repo, refresh=incs)
    return {"document_id": doc_id, "before": old, "after": stance, "result": res.__dict__}
