"""The routes: each parses its parameters and calls a service or a query, as the CLI commands do.

Reads go to ``incidex.api.queries`` (lists with filters and keyset cursors) and to the services the CLI uses
(``services.reconcile.get_incident``, ``Repository.get_record``, ``Repository.audit``). Writes go to the same
services as ``incidex ingest``, ``incidex review``, ``incidex incidents merge|split`` and ``incidex export``;
nothing here writes SQL of its own.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from incidex.api import queries as Q
from incidex.api.dto import ClaimOut, DocumentIn, EditIn, IngestOut, Json, MergeIn, Page, ReviewIn, SplitIn
from incidex.api.errors import ApiCodes, ApiError
from incidex.store.repository import Repository

router = APIRouter(prefix="/api")

Limit = Annotated[int, Query(ge=1, le=Q.MAX_LIMIT, description="Items per page.")]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the previous page.")]
Since = Annotated[str | None, Query(description="On or after YYYY-MM-DD.")]
Until = Annotated[str | None, Query(description="On or before YYYY-MM-DD.")]
Types = Annotated[list[str] | None, Query(alias="type", description="ACLED event type or sub-type (repeatable).")]
Bbox = Annotated[str | None, Query(description="MIN_LON,MIN_LAT,MAX_LON,MAX_LAT")]


def page(items: list[dict[str, Any]], nxt: str | None) -> Json:
    """A ``Page`` serialized straight to JSON: rows of the store are plain JSON values already, and pydantic's
    generic dump of ``dict[str, Any]`` costs more than the query (see benchmarks/bench_api.py)."""
    return Json({"items": items, "next_cursor": nxt})


async def repo_of(request: Request) -> Repository:
    # async, as event_filter: FastAPI runs a plain function dependency in the thread pool, a thread hop (and a
    # turn at the pool's limiter, INCIDEX_SERVE_THREADS) for an attribute lookup
    return request.app.state.repo  # type: ignore[no-any-return]


Repo = Annotated[Repository, Depends(repo_of)]


def _date(value: str | None) -> str | None:
    from incidex.pipeline.read import parse_iso_date

    return parse_iso_date(value)


def _bbox(value: str | None) -> tuple[float, float, float, float] | None:
    from incidex.cli.store_cmd import _bbox as parse

    return parse(value)


async def event_filter(
    since: Since = None, until: Until = None, type_: Types = None, bbox: Bbox = None,
    country: Annotated[str | None, Query(min_length=2, max_length=2, description="ISO 3166-1 alpha-2 of a place.")] = None,
    actor: Annotated[str | None, Query(description="An actor's normalized or written name (any case).")] = None,
    stance: Annotated[str | None, Query(description="The source's stance: neutral, advocacy, party:<name>.")] = None,
    status: Annotated[str | None, Query(description="Review status (machine, confirmed, edited, rejected, "
                                                    "analyst_added) or `any`; default: all but rejected.")] = None,
    document: Annotated[str | None, Query(description="Document id.")] = None,
    incident: Annotated[str | None, Query(description="Incident id.")] = None,
) -> Q.EventFilter:
    return Q.EventFilter(since=_date(since), until=_date(until), types=tuple(type_ or ()), bbox=_bbox(bbox),
                         country=country, actor=actor, stance=stance, status=status, document_id=document,
                         incident_id=incident)


Filter = Annotated[Q.EventFilter, Depends(event_filter)]


def _user(request: Request, given: str | None) -> str:
    return (given or "").strip() or str(request.app.state.user)


# -- service ------------------------------------------------------------------------------------------------

@router.get("/health", tags=["service"])
def health(repo: Repo) -> dict[str, Any]:
    """The server is up and the store answers."""
    from sqlalchemy import text

    with repo.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return {"status": "ok", "backend": repo.engine.dialect.name}


@router.get("/config", tags=["service"])
def config(request: Request) -> dict[str, Any]:
    """What the UI needs to know: the event types, whether writes need a token, an online tile layer."""
    from incidex import __version__
    from incidex.domain.taxonomy import EVENT_TYPES

    return {"version": __version__, "token_required": bool(request.app.state.token),
            "tiles": request.app.state.tiles, "event_types": list(EVENT_TYPES)}


# -- documents ----------------------------------------------------------------------------------------------

@router.get("/documents", tags=["documents"], response_model=Page)
def documents(repo: Repo, cursor: Cursor = None, limit: Limit = 50, stance: str | None = None,
              publisher: str | None = None, since: Since = None, until: Until = None) -> Any:
    """Stored documents (metadata and number of events; no text), by id; ``since``/``until`` on publication."""
    with repo.engine.connect() as conn:
        items, nxt = Q.list_documents(conn, cursor, limit, stance, publisher, _date(since), _date(until))
    return page(items, nxt)


@router.get("/documents/{doc_id}", tags=["documents"])
def document(doc_id: str, repo: Repo) -> Json:
    """One document: its text, its claims with their store ids and review status, and its incidex/1 record."""
    meta = repo.document_text(doc_id)
    if meta is None:
        raise ApiError(ApiCodes.E604, 404, what=f"document {doc_id}")
    stored = repo.get_record(doc_id)
    with repo.engine.connect() as conn:
        claims = Q.document_claims(conn, doc_id)
    return Json({"document": Q.plain(meta), **claims,
                         "record": stored.record.to_json_dict() if stored else None})


@router.post("/documents", tags=["documents"], response_model=IngestOut, status_code=201)
def ingest_json(doc: DocumentIn, request: Request, repo: Repo) -> IngestOut:
    """Extract and store one document given as JSON (as `incidex ingest` does a file)."""
    from incidex.domain.document import RawDocument

    raw = RawDocument(text=doc.text, origin="<api>", title=doc.title, url=doc.url, published=_date(doc.published),
                      publisher=doc.publisher, source_name=doc.source or doc.publisher)
    return _ingest(request, repo, [raw], doc.reconcile)


@router.post("/documents/upload", tags=["documents"], response_model=IngestOut, status_code=201)
async def ingest_upload(request: Request, file: Annotated[UploadFile, File(description="Text, HTML or PDF.")],
                        published: Annotated[str | None, Form()] = None,
                        publisher: Annotated[str | None, Form()] = None,
                        reconcile: Annotated[bool, Form()] = False) -> IngestOut:
    """Extract and store an uploaded file (text, HTML or PDF, read as `incidex ingest` reads files)."""
    from dataclasses import replace

    from starlette.concurrency import run_in_threadpool

    from incidex.config import get_settings
    from incidex.domain.document import RawDocument
    from incidex.pipeline.read import read_bytes

    data = await file.read()
    name = Path(file.filename or "upload.txt").name
    pub = _date(published)
    raws: list[RawDocument] = []
    for item in read_bytes(data, name, Path(name).suffix, get_settings().max_chars):
        if not isinstance(item, RawDocument):
            raise item
        raws.append(replace(item, published=pub or item.published, publisher=publisher or item.publisher,
                            source_name=publisher or item.source_name))
    if not raws:
        raise ApiError(ApiCodes.E610, 400)
    return await run_in_threadpool(_ingest, request, request.app.state.repo, raws[:1], reconcile)


def _ingest(request: Request, repo: Repository, raws: list[Any], reconcile: bool) -> IngestOut:
    from incidex.domain.ids import document_id
    from incidex.services.extract import default_extractor
    from incidex.services.ingest import config_hash, store_extractions

    raw = raws[0]
    doc_id = document_id(raw.text)
    if repo.has_document(doc_id):
        return IngestOut(document_id=doc_id, stored=False, events=0)
    ex = request.app.state.extractor or default_extractor()
    res = next(store_extractions(repo, zip(raws, ex.extract_many(raws), strict=True), config_hash(ex),
                                 _user(request, None)))
    out = IngestOut(document_id=res.document_id, stored=res.stored, events=res.events)
    if reconcile:
        from incidex.services.reconcile import reconcile as run

        out.reconciled = run(repo).__dict__
    return out


# -- events ---------------------------------------------------------------------------------------------------

@router.get("/events", tags=["events"], response_model=Page)
def events(repo: Repo, f: Filter, cursor: Cursor = None, limit: Limit = 50,
           order: Annotated[str, Query(pattern="^(id|date)$", description="id, or date (start date, then id; "
                                                                          "events with a known date)")] = "id",
           ) -> Any:
    """Event claims with their places, actors and casualties. ``since``/``until`` keep events that start in the range."""
    with repo.engine.connect() as conn:
        items, nxt = Q.list_events(conn, f, cursor, limit, order)
    return page(items, nxt)


@router.get("/events/points", tags=["events"], responses={200: {"content": {
    "application/json": {}, "application/octet-stream": {"description": "format=binary (docs/WEB.md)"}}}})
def event_points(repo: Repo, f: Filter,
                 format: Annotated[str, Query(pattern="^(json|binary)$", description=(
                     "json: rows of `fields`; binary: typed little-endian columns, a third of the bytes "
                     "(what the UI's map reads; the layout is in docs/WEB.md)"))] = "json") -> Response:
    """Every matching event's geocoded places (what the map clusters), at most 250,000, in event id order."""
    with repo.engine.connect() as conn:
        if format == "binary":
            return Response(Q.event_points_binary(conn, f), media_type="application/octet-stream")
        return Json(Q.event_points(conn, f))


@router.get("/events/{event_id}", tags=["events"])
def event(event_id: int, repo: Repo) -> Json:
    """One event claim: its parts, its document (with text), its incident and its audit trail."""
    with repo.engine.connect() as conn:
        ev = Q.get_event(conn, event_id)
    if ev is None:
        raise ApiError(ApiCodes.E604, 404, what=f"event:{event_id}")
    doc = repo.document_text(ev["document_id"])
    ev["document"] = Q.plain(doc) if doc else None
    ev["audit"] = repo.audit(f"event:{event_id}")
    return Json(ev)


# -- incidents ------------------------------------------------------------------------------------------------

@router.get("/incidents", tags=["incidents"], response_model=Page)
def incidents(repo: Repo, cursor: Cursor = None, limit: Limit = 50, since: Since = None, until: Until = None,
              type_: Types = None,
              flag: Annotated[str | None, Query(description="e.g. figures_differ, single_party_sourcing")] = None,
              ) -> Any:
    """Incidents (incidex/1 objects with disputes and casualty ranges), by id."""
    with repo.engine.connect() as conn:
        items, nxt = Q.list_incidents(conn, cursor, limit, _date(since), _date(until), type_ or (), flag)
    return page(items, nxt)


@router.get("/incidents/{incident_id}", tags=["incidents"])
def incident(incident_id: str, repo: Repo) -> Json:
    """One incident: claims side by side, disputes, casualty ranges and ACLED's conservative figure;
    ``members`` maps each event (``DOC_ID:EVENT_KEY``) to its store id."""
    from incidex.services.reconcile import get_incident

    inc = get_incident(repo, incident_id)
    if inc is None:
        raise ApiError(ApiCodes.E604, 404, what=f"incident {incident_id}")
    with repo.engine.connect() as conn:
        inc["members"] = Q.incident_members(conn, incident_id)
    return Json(inc)


@router.post("/incidents/merge", tags=["review"])
def merge(body: MergeIn, request: Request, repo: Repo) -> dict[str, Any]:
    """These incidents are one happening (as `incidex incidents merge`): audited, kept by later reconciles."""
    from incidex.services.reconcile import merge_incidents

    return merge_incidents(repo, body.incidents, _user(request, body.user), body.reason)


@router.post("/incidents/{incident_id}/split", tags=["review"])
def split(incident_id: str, body: SplitIn, request: Request, repo: Repo) -> dict[str, Any]:
    """These events of an incident are another happening (as `incidex incidents split`)."""
    from incidex.services.reconcile import split_incident

    return split_incident(repo, incident_id, body.events, _user(request, body.user), body.reason)


@router.post("/reconcile", tags=["review"])
def reconcile(repo: Repo, full: bool = False) -> dict[str, Any]:
    """Group new events into incidents (as `incidex reconcile`)."""
    from incidex.services.reconcile import reconcile as run

    return run(repo, full=full).__dict__


# -- places, actors, aggregates, statistics, search, audit -----------------------------------------------------

@router.get("/places", tags=["places and actors"], response_model=Page)
def places(repo: Repo, cursor: Cursor = None, limit: Limit = 50, q: str | None = None,
           country: str | None = None, bbox: Bbox = None) -> Any:
    """Distinct places of the events, with the number of events naming each."""
    with repo.engine.connect() as conn:
        items, nxt = Q.list_places(conn, cursor, limit, q, country, _bbox(bbox))
    return page(items, nxt)


@router.get("/actors", tags=["places and actors"], response_model=Page)
def actors(repo: Repo, cursor: Cursor = None, limit: Limit = 50, q: str | None = None,
           kind: str | None = None) -> Any:
    """Distinct actors (normalized name and kind), with the number of events naming each."""
    with repo.engine.connect() as conn:
        items, nxt = Q.list_actors(conn, cursor, limit, q, kind)
    return page(items, nxt)


@router.get("/aggregates", tags=["events"], response_model=Page)
def aggregates(repo: Repo, cursor: Cursor = None, limit: Limit = 50, since: Since = None, until: Until = None,
               document: str | None = None) -> Any:
    """Totals over a period or area (incidex/1 aggregates): never counted into events."""
    with repo.engine.connect() as conn:
        items, nxt = Q.list_aggregates(conn, cursor, limit, _date(since), _date(until), document)
    return page(items, nxt)


@router.get("/stats/timeline", tags=["statistics"])
def stats_timeline(repo: Repo, f: Filter) -> list[dict[str, Any]]:
    """Matching events per start day and event type."""
    with repo.engine.connect() as conn:
        return Q.timeline(conn, f)


@router.get("/stats/summary", tags=["statistics"])
def stats_summary(repo: Repo, f: Filter) -> dict[str, Any]:
    """Matching events counted by type, review status and country, and their date range."""
    with repo.engine.connect() as conn:
        return Q.summary(conn, f)


@router.get("/search", tags=["search"], response_model=Page)
def search(repo: Repo, q: Annotated[str, Query(min_length=2, max_length=200)],
           kind: Annotated[str, Query(pattern="^(documents|events)$")] = "documents",
           cursor: Cursor = None, limit: Limit = 20) -> Any:
    """Documents (title and text) or event claims (summary and evidence) containing ``q``, in any case."""
    with repo.engine.connect() as conn:
        items, nxt = Q.search(conn, q, kind, cursor, limit)
    return page(items, nxt)


@router.get("/audit", tags=["review"], response_model=Page)
def audit(repo: Repo, cursor: Cursor = None, limit: Limit = 50,
          ref: Annotated[str | None, Query(description="KIND:ID of a claim")] = None,
          document: str | None = None, user: str | None = None, action: str | None = None) -> Any:
    """The audit log, newest first: who did what to which claim, before and after, and why."""
    from incidex.store.repository import parse_ref

    table = cid = None
    if ref:
        kind, cid = parse_ref(ref)
        table = repo._table(kind).name
    with repo.engine.connect() as conn:
        items, nxt = Q.list_audit(conn, cursor, limit, table, cid, document, user, action)
    return page(items, nxt)


# -- review ----------------------------------------------------------------------------------------------------

@router.get("/claims/{ref}", tags=["review"], response_model=ClaimOut)
def claim(ref: str, repo: Repo) -> ClaimOut:
    """A claim's stored values and its audit trail (as `incidex review show`)."""
    return ClaimOut(claim=Q.plain(repo.get_claim(ref)), audit=repo.audit(ref))


@router.post("/claims/{ref}/confirm", tags=["review"], response_model=ClaimOut)
def confirm(ref: str, body: ReviewIn, request: Request, repo: Repo) -> ClaimOut:
    """Confirm a claim (as `incidex review confirm`)."""
    from incidex.services import review

    review.confirm(repo, ref, _user(request, body.user), body.reason)
    return claim(ref, repo)


@router.post("/claims/{ref}/reject", tags=["review"], response_model=ClaimOut)
def reject(ref: str, body: ReviewIn, request: Request, repo: Repo) -> ClaimOut:
    """Reject a claim: it stays in the store, is left out of exports and lists (as `incidex review reject`)."""
    from incidex.services import review

    review.reject(repo, ref, _user(request, body.user), body.reason)
    return claim(ref, repo)


@router.post("/claims/{ref}/edit", tags=["review"], response_model=ClaimOut)
def edit(ref: str, body: EditIn, request: Request, repo: Repo) -> ClaimOut:
    """Change fields of a claim with a reason (as `incidex review edit --set F=V --reason`)."""
    from incidex.services import review

    assignments = [f"{k}={_assign(v)}" for k, v in body.changes.items()]
    review.edit(repo, ref, _user(request, body.user), assignments, body.reason)
    return claim(ref, repo)


def _assign(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, str):
        return v
    return json.dumps(v)


# -- exports ---------------------------------------------------------------------------------------------------

SUFFIX = {"jsonl": "jsonl", "geojson": "geojson", "acled-csv": "csv", "ucdp-csv": "csv", "parquet": "parquet"}
MEDIA = {"jsonl": "application/x-ndjson", "geojson": "application/geo+json", "acled-csv": "text/csv",
         "ucdp-csv": "text/csv", "parquet": "application/vnd.apache.parquet"}


@router.get("/export", tags=["exports"], response_class=FileResponse)
def export(repo: Repo, format: Annotated[str, Query(description="jsonl | geojson | acled-csv | ucdp-csv | parquet")]
           = "jsonl", since: Since = None, until: Until = None, type_: Types = None, country: str | None = None,
           bbox: Bbox = None) -> FileResponse:
    """The store (rejected claims left out, edits applied) as a download, filtered as `incidex export`."""
    from incidex.export import is_binary, writer
    from incidex.store.repository import EventFilter

    write = writer(format)  # E402 for an unknown format
    where = None
    if since or until or type_ or country or bbox:
        where = EventFilter(since=_date(since), until=_date(until), event_types=tuple(type_ or ()), country=country,
                            bbox=_bbox(bbox))
    fd, tmp = tempfile.mkstemp(prefix="incidex-export-", suffix="." + SUFFIX[format])
    try:
        with (os.fdopen(fd, "wb") if is_binary(format) else os.fdopen(fd, "w", encoding="utf-8", newline="")) as f:
            write(repo.iter_records(where=where), f)
    except BaseException:
        os.unlink(tmp)
        raise
    return FileResponse(tmp, media_type=MEDIA[format], filename=f"incidex-export.{SUFFIX[format]}",
                        background=BackgroundTask(os.unlink, tmp))
