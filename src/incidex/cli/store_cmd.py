"""Store commands: ingest, reextract, db upgrade, review, export, import.

Thin wrappers over ``incidex.services.ingest``, ``incidex.services.review``
and ``incidex.export``. SQLAlchemy and the pipeline are imported inside the
commands only, so ``incidex --help`` stays instant.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from incidex.errors import IncidexError

if TYPE_CHECKING:
    from incidex.store.repository import Repository

DbOpt = Annotated[str | None, typer.Option("--db", envvar="INCIDEX_DB",
                                           help="Database URL or SQLite path (default: ./incidex.sqlite).")]
UserOpt = Annotated[str | None, typer.Option("--user", help="Who is acting (default: $USER).")]

db_app = typer.Typer(help="The database: create or migrate its schema.", no_args_is_help=True)
review_app = typer.Typer(help="Confirm, reject or edit claims; every action goes to the audit log.",
                         no_args_is_help=True)


def _err(exc: IncidexError) -> None:
    typer.echo(f"error [{exc.code}]: {exc.message}", err=True)


@contextmanager
def _repo(db: str | None) -> Iterator[Repository]:
    """Open the store; any IncidexError inside becomes ``error [E3xx]: ...`` and exit code 2."""
    try:
        from incidex.store.repository import Repository

        repo = Repository.open(db)
    except IncidexError as exc:
        _err(exc)
        raise typer.Exit(2) from None
    try:
        yield repo
    except IncidexError as exc:
        _err(exc)
        raise typer.Exit(2) from None
    finally:
        repo.close()


def ingest(
    ctx: typer.Context,
    inputs: Annotated[list[str], typer.Argument(help="Files or directories to extract and store.")],
    db: DbOpt = None,
    published: Annotated[str | None, typer.Option(help="Publication date YYYY-MM-DD.")] = None,
    source: Annotated[str | None, typer.Option(help="Source name recorded on every document.")] = None,
    publisher: Annotated[str | None, typer.Option(help="Publisher recorded on every document.")] = None,
    collector: Annotated[str | None, typer.Option(help="Who collected the documents (default: $USER).")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=1, help="Extract on N local worker processes (Dask); the model loads once per worker.")
    ] = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", envvar="INCIDEX_DASK_SCHEDULER",
        help="Send the work to the Dask cluster at this address, e.g. tcp://HOST:8786 (on PostgreSQL the "
             "workers write to --db themselves: give a URL they can reach).")] = None,
) -> None:
    """Extract and store documents; a document already stored (same sha256) is skipped and said so."""
    if workers is not None or scheduler:
        # by name: typer ships its own copy of click, whose ParameterSource is not click's
        explicit = getattr(ctx.get_parameter_source("scheduler"), "name", "") == "COMMANDLINE"
        if workers is not None and scheduler and explicit:  # --workers wins over INCIDEX_DASK_SCHEDULER
            typer.echo("error: give --workers N (a local cluster) or --scheduler ADDR (an existing one), not both",
                       err=True)
            raise typer.Exit(2)
        _ingest_dask(inputs, db, published, source, publisher, collector, workers,
                     None if workers is not None else scheduler)
        return
    from rich.console import Console
    from rich.progress import Progress

    from incidex.pipeline.read import parse_iso_date
    from incidex.services.extract import ExtractOptions, count_inputs
    from incidex.services.ingest import ingest as run

    try:
        opts = ExtractOptions(published=parse_iso_date(published), source=source, publisher=publisher)
    except IncidexError as exc:
        _err(exc)
        raise typer.Exit(2) from None
    tally = {"stored": 0, "skipped": 0, "failed": 0}
    console = Console(stderr=True)
    with _repo(db) as repo:
        total = count_inputs(inputs)
        with Progress(console=console, disable=total <= 3 or not console.is_terminal, transient=True) as progress:
            task = progress.add_task("ingesting", total=total)
            for item in run(inputs, repo, opts, collector=collector):
                progress.advance(task)
                _report(item, tally)
    stored, skipped, failed = tally["stored"], tally["skipped"], tally["failed"]
    typer.echo(f"{stored} stored, {skipped} already stored, {failed} failed")
    if failed:
        raise typer.Exit(2)


def _report(item: Any, tally: dict[str, int]) -> None:
    """One line per ingested document (or its error), counted in ``tally``: the serial and the Dask path."""
    if isinstance(item, IncidexError):
        tally["failed"] += 1
        _err(item)
    elif item.stored:
        tally["stored"] += 1
        typer.echo(f"stored {item.origin} ({item.document_id[:12]}, {item.events} events)")
    else:
        tally["skipped"] += 1
        typer.echo(f"already stored: {item.origin} ({item.document_id[:12]})")


def _ingest_dask(inputs: list[str], db: str | None, published: str | None, source: str | None,
                 publisher: str | None, collector: str | None, workers: int | None, scheduler: str | None) -> None:
    """``ingest`` on a Dask cluster (``incidex.scale.dask_ingest``): same output, a cluster-wide progress bar."""
    from rich.console import Console

    from incidex.pipeline.read import parse_iso_date
    from incidex.scale.dask_ingest import (
        ScaleStats,
        SchedulerUnreachable,
        cluster_progress,
        dask_client,
        ingest_on_dask,
    )
    from incidex.services.extract import ExtractOptions, count_inputs

    try:
        opts = ExtractOptions(published=parse_iso_date(published), source=source, publisher=publisher)
    except IncidexError as exc:
        _err(exc)
        raise typer.Exit(2) from None
    tally = {"stored": 0, "skipped": 0, "failed": 0}
    stats = ScaleStats()
    console = Console(stderr=True)
    with _repo(db) as repo:
        total = count_inputs(inputs)
        try:
            with dask_client(workers, scheduler) as client, \
                    cluster_progress(console, total, disable=not console.is_terminal) as progress:
                task = progress.add_task("ingesting", total=total)
                for item in ingest_on_dask(inputs, repo, client, opts, collector=collector, stats=stats):
                    progress.advance(task)
                    if progress.tasks[0].completed > total:  # JSONL files hold several documents
                        progress.update(task, total=progress.tasks[0].completed)
                    _report(item, tally)
        except SchedulerUnreachable as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
    stored, skipped, failed = tally["stored"], tally["skipped"], tally["failed"]
    rate = stats.submitted / stats.wall_s if stats.wall_s else 0.0
    typer.echo(f"{stored} stored, {skipped} already stored, {failed} failed "
               f"({stats.workers} workers, {rate:.1f} documents/s)")
    if failed:
        raise typer.Exit(2)


@db_app.command("upgrade")
def db_upgrade(db: DbOpt = None) -> None:
    """Create the schema, or migrate an older database in place to this version's schema."""
    from incidex.store.db import make_engine, resolve_url, upgrade

    try:
        engine = make_engine(db)
        before, after = upgrade(engine)
        engine.dispose()
    except IncidexError as exc:
        _err(exc)
        raise typer.Exit(2) from None
    url = resolve_url(db).split("@")[-1]
    typer.echo(f"{url}: already at {after}" if before == after else f"{url}: {before or 'empty'} -> {after}")


@review_app.command("list")
def review_list(
    kind: Annotated[str, typer.Option(help="event, location, actor, casualty, aggregate, legal, framing")] = "event",
    status: Annotated[str | None, typer.Option(
        help="machine, confirmed, rejected, edited, analyst_added, orphaned (decisions `reextract` could not "
             "re-anchor)")] = None,
    limit: int = 50,
    db: DbOpt = None,
) -> None:
    """List claims with their review status."""
    with _repo(db) as repo:
        repo._table(kind)  # unknown kinds are refused with E303
        for r in repo.list_claims(kind, status, limit):
            what = r.get("sub_type") or r.get("instrument") or r.get("term") or r.get("name") or \
                f"{r.get('outcome', '')} {r.get('text', '')}".strip() or r.get("claimed_by", "")
            when = r.get("date_start") or r.get("period_start") or ""
            quote = (r.get("quote") or "").replace("\n", " ")
            typer.echo(f"{kind}:{r['id']}\t{r['review_status']}\t{r['document_id'][:12]}\t{when}\t{what}\t"
                       f"{quote[:80]}")


@review_app.command("show")
def review_show(ref: Annotated[str, typer.Argument(help="KIND:ID, e.g. event:12")], db: DbOpt = None) -> None:
    """A claim's stored values and its audit trail, as JSON."""
    with _repo(db) as repo:
        claim = repo.get_claim(ref)
        out = {"claim": _plain(claim), "audit": [_plain(a) for a in repo.audit(ref)]}
    typer.echo(json.dumps(out, indent=2, ensure_ascii=False))


@review_app.command("confirm")
def review_confirm(refs: Annotated[list[str], typer.Argument(help="KIND:ID ...")], user: UserOpt = None,
                   reason: Annotated[str | None, typer.Option(help="Why (optional).")] = None,
                   db: DbOpt = None) -> None:
    """Confirm claims (each one is recorded in the audit log)."""
    _decide("confirm", refs, user, reason, db)


@review_app.command("reject")
def review_reject(refs: Annotated[list[str], typer.Argument(help="KIND:ID ...")], user: UserOpt = None,
                  reason: Annotated[str | None, typer.Option(help="Why (optional).")] = None,
                  db: DbOpt = None) -> None:
    """Reject claims: they stay in the store, are left out of exports and recorded in the audit log."""
    _decide("reject", refs, user, reason, db)


def _decide(action: str, refs: list[str], user: str | None, reason: str | None, db: str | None) -> None:
    from incidex.services import review
    from incidex.services.ingest import current_user

    who = current_user(user)
    with _repo(db) as repo:
        for ref in refs:
            getattr(review, action)(repo, ref, who, reason)
            typer.echo(f"{action}ed {ref}".replace("ee", "e"))


@review_app.command("edit")
def review_edit(
    ref: Annotated[str, typer.Argument(help="KIND:ID, e.g. event:12")],
    set_: Annotated[list[str], typer.Option("--set", help="FIELD=VALUE (repeatable; null clears)")],
    reason: Annotated[str | None, typer.Option(help="Why the claim is changed (required).")] = None,
    user: UserOpt = None,
    db: DbOpt = None,
) -> None:
    """Change fields of a claim; the values before and after and the reason go to the audit log."""
    from incidex.services import review
    from incidex.services.ingest import current_user

    with _repo(db) as repo:
        after = review.edit(repo, ref, current_user(user), set_, reason)
    typer.echo(f"edited {ref}: " + ", ".join(f"{a.partition('=')[0]}={after.get(a.partition('=')[0])!r}"
                                            for a in set_))


@review_app.command("add")
def review_add(
    kind: Annotated[str, typer.Argument(help="The kind of claim (event).")],
    doc: Annotated[str, typer.Option("--doc", help="Document id (or a unique prefix, as `review list` shows).")],
    start: Annotated[int, typer.Option("--start", help="Span start: character offset into the stored text.")],
    end: Annotated[int, typer.Option("--end", help="Span end (exclusive).")],
    set_: Annotated[list[str] | None, typer.Option("--set", help="FIELD=VALUE (repeatable); sub_type is required")] = None,
    reason: Annotated[str | None, typer.Option(help="Why the claim is added (required).")] = None,
    user: UserOpt = None,
    db: DbOpt = None,
) -> None:
    """Add a claim the machine missed, anchored to a span of the stored text; audited, kept by `reextract`."""
    from incidex.services import review
    from incidex.services.ingest import current_user

    with _repo(db) as repo:
        after = review.add(repo, kind, doc, start, end, set_ or [], reason, current_user(user))
    typer.echo(f"added {kind}:{after['id']} ({after.get('sub_type') or ''}): {after.get('quote')!r}")


def reextract(
    doc_ids: Annotated[list[str] | None, typer.Argument(help="Document ids (or unique prefixes).")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every stored document.")] = False,
    user: Annotated[str | None, typer.Option("--user", help="Recorded in the audit log.")] = None,
    db: DbOpt = None,
) -> None:
    """Re-run the current pipeline on stored documents, keeping every analyst decision (re-anchored or flagged)."""
    from incidex.services.reextract import USER
    from incidex.services.reextract import reextract as run

    if bool(doc_ids) == all_:
        typer.echo("error: give DOC_ID... or --all", err=True)
        raise typer.Exit(2)
    done = failed = reanchored = orphaned = stale = 0
    with _repo(db) as repo:
        for item in run(repo, None if all_ else list(doc_ids or []), user=user or USER):
            if isinstance(item, IncidexError):
                failed += 1
                _err(item)
                continue
            done += 1
            reanchored += len(item.reanchored) + len(item.carried)
            orphaned += len(item.orphaned)
            stale += item.stale_incidents
            typer.echo(f"re-extracted {item.document_id[:12]}: {item.events} events, "
                       f"{len(item.reanchored) + len(item.carried)} decisions re-anchored, "
                       f"{len(item.orphaned)} orphaned")
    typer.echo(f"{done} re-extracted, {failed} failed; {reanchored} decisions re-anchored, {orphaned} orphaned"
               + (" (see `incidex review list --status orphaned`)" if orphaned else ""))
    if stale:
        typer.echo(f"{stale} incidents hold superseded events: run `incidex reconcile` to rewrite them")
    if failed:
        raise typer.Exit(2)


def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl | geojson | acled-csv | ucdp-csv | parquet")] = "jsonl",
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Write here, under the current directory or INCIDEX_EXPORT_DIR ('-' or none: standard output)."
    )] = None,
    force: Annotated[bool, typer.Option(help="Overwrite --out if it exists.")] = False,
    since: Annotated[str | None, typer.Option(help="Events on or after YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Events on or before YYYY-MM-DD.")] = None,
    type_: Annotated[list[str] | None, typer.Option("--type", help="ACLED event type or sub-type (repeatable).")] = None,
    country: Annotated[str | None, typer.Option(help="ISO 3166-1 alpha-2 code of a place of the event.")] = None,
    bbox: Annotated[str | None, typer.Option(help="MIN_LON,MIN_LAT,MAX_LON,MAX_LAT")] = None,
    db: DbOpt = None,
) -> None:
    """Stream the store out (rejected claims are left out; edits are applied)."""
    from incidex.errors import Codes, StoreError
    from incidex.export import allowed_target, check_target, export_stream, export_to, is_binary, writer
    from incidex.pipeline.read import parse_iso_date
    from incidex.store.repository import EventFilter

    try:
        writer(fmt)
        if out is not None:
            out = allowed_target(out)  # None for "-"; symlinks and ".." resolved before the check
        if out is None and is_binary(fmt):
            raise StoreError(Codes.E309, fmt=fmt, detail="is binary: write it to a file with --out")
        if out is not None:
            check_target(out, force)
        where = None
        if since or until or type_ or country or bbox:
            where = EventFilter(since=parse_iso_date(since), until=parse_iso_date(until),
                                event_types=tuple(type_ or ()), country=country, bbox=_bbox(bbox))
    except IncidexError as exc:
        _err(exc)
        raise typer.Exit(2) from None
    with _repo(db) as repo:
        if out is None:
            export_stream(sys.stdout, fmt, repo.iter_records(where=where))
            return
        n = export_to(out, fmt, repo.iter_records(where=where), force=force)
    typer.echo(f"wrote {n} rows to {out}", err=True)


def import_(
    paths: Annotated[list[Path], typer.Argument(help="JSONL files written by `incidex export --format jsonl`.")],
    db: DbOpt = None,
    collector: Annotated[str | None, typer.Option(help="Recorded when a line carries no collector.")] = None,
) -> None:
    """Store the records of JSONL exports; documents already stored are skipped."""
    from incidex.services.ingest import import_jsonl

    stored = skipped = failed = 0
    with _repo(db) as repo:
        for path in paths:
            for item in import_jsonl(path, repo, collector):
                if isinstance(item, IncidexError):
                    failed += 1
                    _err(item)
                elif item.stored:
                    stored += 1
                else:
                    skipped += 1
                    typer.echo(f"already stored: {item.document_id[:12]}")
    typer.echo(f"{stored} imported, {skipped} already stored, {failed} failed")
    if failed:
        raise typer.Exit(2)


def _bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    from incidex.errors import Codes, ConfigError

    try:
        x0, y0, x1, y1 = (float(v) for v in value.split(","))
    except ValueError:
        raise ConfigError(Codes.E308, value=value) from None
    return x0, y0, x1, y1


def _plain(d: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in d.items()}


def register(app: typer.Typer) -> None:
    """Add the store commands to the main app (called once from ``incidex.cli.main``)."""
    app.command("ingest")(ingest)
    app.command("export")(export)
    app.command("import")(import_)
    app.command("reextract")(reextract)
    app.add_typer(db_app, name="db")
    app.add_typer(review_app, name="review")
