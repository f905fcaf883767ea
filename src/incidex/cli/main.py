"""`incidex` commands. Heavy imports happen inside commands so that `incidex --help` is instant."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from incidex.errors import IncidexError

app = typer.Typer(
    name="incidex",
    help="Turn conflict reports into a sourced, geocoded, time-anchored incident database (incidex/1).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
gazetteer_app = typer.Typer(help="The offline place index (GeoNames data from PyPI packages).", no_args_is_help=True)
app.add_typer(gazetteer_app, name="gazetteer")
from incidex.cli.eval_cmd import eval_app  # noqa: E402 - light: its commands import lazily

app.add_typer(eval_app, name="eval")
from incidex.cli.store_cmd import register as _register_store  # noqa: E402 - light, imports lazily

_register_store(app)
from incidex.cli.reconcile_cmd import register as _register_reconcile  # noqa: E402 - light, imports lazily

_register_reconcile(app, eval_app)
from incidex.cli.scale_cmd import register as _register_scale  # noqa: E402 - light, imports lazily

_register_scale(app)
from incidex.cli.serve_cmd import register as _register_serve  # noqa: E402 - light: FastAPI imported in the command

_register_serve(app)

FORMATS = ("json", "jsonl", "table")


def _err(exc: IncidexError) -> None:
    typer.echo(f"error [{exc.code}]: {exc.message}", err=True)


@app.command()
def extract(
    inputs: Annotated[list[str], typer.Argument(help="Files, directories, or - for standard input.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="json | jsonl | table")] = "json",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")] = None,
    published: Annotated[str | None, typer.Option(help="Publication date YYYY-MM-DD (anchors relative dates).")] = None,
    source: Annotated[str | None, typer.Option(help="Source name recorded on every document.")] = None,
    publisher: Annotated[str | None, typer.Option(help="Publisher recorded on every document.")] = None,
    max_chars: Annotated[int | None, typer.Option(help="Refuse documents longer than this.")] = None,
    force: Annotated[bool, typer.Option(help="Overwrite --out if it exists.")] = False,
) -> None:
    """Extract events, places, casualties, legal references and framing from reports."""
    from incidex.config import get_settings
    from incidex.errors import Codes, ConfigError
    from incidex.pipeline.read import parse_iso_date
    from incidex.services.extract import ExtractOptions, count_inputs, extract_documents

    try:
        if fmt not in FORMATS:
            raise ConfigError(Codes.E402, value=fmt, choices=", ".join(FORMATS))
        if out is not None and out.exists() and not force:
            raise ConfigError(Codes.E403, path=str(out))
        opts = ExtractOptions(published=parse_iso_date(published), source=source, publisher=publisher,
                              max_chars=max_chars or get_settings().max_chars)
    except IncidexError as exc:
        _err(exc)
        raise typer.Exit(2) from None

    from rich.console import Console

    failures = 0
    records = []
    stream = out.open("w", encoding="utf-8") if out else sys.stdout
    total = count_inputs(inputs) if "-" not in inputs else 1
    console = Console(stderr=True)
    try:
        from rich.progress import Progress

        with Progress(console=console, disable=total <= 3 or not console.is_terminal, transient=True) as progress:
            task = progress.add_task("extracting", total=total)
            for item in extract_documents(inputs, opts):
                if isinstance(item, IncidexError):
                    failures += 1
                    _err(item)
                    progress.advance(task)
                    continue
                raw, res = item
                progress.advance(task)
                data = res.to_json_dict()
                if fmt == "jsonl":
                    stream.write(json.dumps(data, ensure_ascii=False) + "\n")
                elif fmt == "json":
                    records.append(data)
                else:
                    records.append((raw.origin, res))  # type: ignore[arg-type]
        if fmt == "json":
            payload = records[0] if len(records) == 1 else records
            stream.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        elif fmt == "table":
            from incidex.cli.render import summary_tables

            width = None if Console().is_terminal else 140
            summary_tables(records, Console(file=stream, width=width) if out else Console(width=width))  # type: ignore[arg-type]
    except IncidexError as exc:
        _err(exc)
        raise typer.Exit(2) from None
    finally:
        if out:
            stream.close()
    if failures:
        raise typer.Exit(2)


@app.command()
def schema() -> None:
    """Print the JSON Schema of incidex/1, generated from the models."""
    from incidex.domain.models import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))


@gazetteer_app.command("build")
def gazetteer_build(force: Annotated[bool, typer.Option(help="Rebuild even if present.")] = False) -> None:
    """Build the place index in the user cache directory (under a minute, once; a corrupt one is replaced)."""
    from rich.progress import Progress

    from incidex.config import get_settings
    from incidex.gazetteer.build import build_index
    from incidex.gazetteer.index import Gazetteer

    path = get_settings().gazetteer_path
    if path.exists() and not force:
        try:
            Gazetteer(path).conn.close()
            typer.echo(f"gazetteer already built at {path} (use --force to rebuild)")
            return
        except IncidexError as exc:  # what E201 tells the user to do must work: rebuild a corrupt index
            typer.echo(f"rebuilding: {exc.message.split(';')[0]}", err=True)
    with Progress(transient=True) as progress:
        task = progress.add_task("building gazetteer", total=7)

        def step(msg: str, n: int) -> None:
            progress.update(task, advance=1, description=msg)

        stats = build_index(path, step)
    typer.echo(f"built {path}: {stats['places']:,} places, {stats['names']:,} names")


@gazetteer_app.command("status")
def gazetteer_status() -> None:
    """Where the index is and what it holds."""
    from incidex.config import get_settings
    from incidex.gazetteer.index import Gazetteer

    path = get_settings().gazetteer_path
    try:
        g = Gazetteer(path)
        s = g.stats()
        meta = g.meta()
    except IncidexError as exc:
        _err(exc)
        raise typer.Exit(2) from None
    typer.echo(f"{path}: {s['places']:,} places, {s['names']:,} names")
    typer.echo(f"schema {meta.get('schema')}, built {meta.get('built', '?')} from {meta.get('source', '?')}")
    if meta.get("imported"):
        typer.echo(f"imported: {meta['imported']}")


@gazetteer_app.command("import")
def gazetteer_import(
    files: Annotated[list[Path], typer.Argument(help="GeoNames dumps: allCountries.txt, XX.txt, XX.zip, "
                                                     "alternateNamesV2.txt (or .zip).")],
    classes: Annotated[str, typer.Option(help="GeoNames feature classes to import (P: populated places, "
                                              "A: administrative divisions).")] = "PA",
) -> None:
    """Add villages and names from GeoNames dumps to the built index (re-importing adds no duplicates)."""
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    from incidex.config import get_settings
    from incidex.gazetteer.geonames import import_dumps

    console = Console(stderr=True)
    path = get_settings().gazetteer_path
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                      console=console, transient=True, disable=not console.is_terminal) as progress:
            task = progress.add_task("importing", total=None)

            def step(done: int, total: int, name: str) -> None:
                progress.update(task, completed=done, total=total, description=f"importing {name}")

            report = import_dumps(path, files, step, frozenset(c for c in classes.upper() if c.isalpha()))
    except IncidexError as exc:
        _err(exc)
        raise typer.Exit(2) from None
    for e in report.errors[:50]:
        _err(e)
    if report.failed > 50:
        typer.echo(f"... and {report.failed - 50:,} more malformed lines", err=True)
    typer.echo(f"imported into {path}: {report.lines:,} lines, {report.places:,} places, {report.names:,} names; "
               f"skipped {report.skipped:,}, alternate names of places not in the index {report.unknown:,}, "
               f"malformed {report.failed:,}")
    if report.failed:
        raise typer.Exit(2)


@gazetteer_app.command("lookup")
def gazetteer_lookup(
    name: str,
    limit: int = 10,
    search: Annotated[bool, typer.Option("--search", help="Full-text search (partial and multi-word) even "
                                                          "when the name matches exactly.")] = False,
) -> None:
    """Show the candidates for a place name: exact (folded) matches, else full-text matches, else near misses."""
    from rich.console import Console
    from rich.table import Table

    from incidex.gazetteer.index import open_gazetteer

    try:
        g = open_gazetteer(build_if_missing=False)
        cands = (() if search else g.lookup(name)) or g.search(name, limit) or g.lookup_fuzzy(name)
    except IncidexError as exc:
        _err(exc)
        raise typer.Exit(2) from None
    if not cands:
        typer.echo(f"no place named {name!r} in the index", err=True)
        raise typer.Exit(1)
    t = Table(title=f"candidates for {name!r}")
    for col in ("id", "name", "cc", "admin1", "admin2", "feature", "population", "lat", "lon", "match"):
        t.add_column(col)
    for c in cands[:limit]:
        t.add_row(c.id, c.name, c.country_code or "", c.admin1 or "", c.admin2 or "", c.feature,
                  f"{c.population:,}", f"{c.lat:.4f}", f"{c.lon:.4f}", c.match)
    console = Console()
    if not console.is_terminal:  # piped or captured: do not squeeze the table into 80 columns
        console = Console(width=160)
    console.print(t)


def main() -> None:
    try:
        app()
    except IncidexError as exc:  # a user mistake that escaped a command: still no traceback
        _err(exc)
        sys.exit(2)
