"""`incidex demo-corpus`: write a synthetic multi-source corpus of any size (``incidex.scale.corpus``).

The Dask options of ``incidex ingest`` (``--workers``, ``--scheduler``) live with that command in
``store_cmd``; this module holds the commands that exist only for scale-out.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

_REPORT = re.compile(r"^\d{6}_[a-z]+_.+\.txt$")


def demo_corpus(
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory to write the reports into.")],
    docs: Annotated[int, typer.Option("--docs", min=1, help="Number of documents.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same corpus.")] = 0,
    force: Annotated[bool, typer.Option(help="Replace the reports of an earlier corpus in --out.")] = False,
) -> None:
    """Write a synthetic corpus: invented incidents told by several publishers with different figures,
    spellings, dates and denials, over real Fergana-valley towns; every file says it is synthetic."""
    from incidex.errors import Codes, ConfigError
    from incidex.scale.corpus import write_corpus

    old = [p for p in out.iterdir() if _REPORT.match(p.name)] if out.is_dir() else []
    if old and not force:
        exc = ConfigError(Codes.E403, path=str(out))
        typer.echo(f"error [{exc.code}]: {exc.message}", err=True)
        raise typer.Exit(2)
    for p in old:
        p.unlink()
    stats = write_corpus(out, docs, seed)
    typer.echo(f"wrote {stats['documents']:,} synthetic reports of {stats['incidents']:,} incidents to {out} "
               f"(seed {seed}); ground truth in {out / '.incidents.jsonl'}")


def register(app: typer.Typer) -> None:
    """Add the scale-out commands to the main app (called once from ``incidex.cli.main``)."""
    app.command("demo-corpus")(demo_corpus)
