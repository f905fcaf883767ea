"""Exports: the store streamed out as JSONL, GeoJSON, ACLED-style CSV, UCDP-style CSV and Parquet.

Each format is one module with ``write(records, stream)`` taking an iterator of
``StoredRecord`` (see ``incidex.store.repository``), so no export holds more
than one page of the store in memory. ``export_to`` writes to a temporary file
beside the target and renames it when complete: a failed export never leaves a
truncated file under the requested name. ``allowed_target`` is the export path
policy of the CLI: a path given by the user must lie under the export directory
(``INCIDEX_EXPORT_DIR``, default the current directory) once symlinks and
``..`` are resolved; ``-`` is standard output and always allowed.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING

from incidex.errors import Codes, ConfigError, StoreError

if TYPE_CHECKING:
    from incidex.store.repository import StoredRecord

FORMATS = {"jsonl": "jsonl", "geojson": "geojson", "acled-csv": "acled", "ucdp-csv": "ucdp", "parquet": "parquet"}


def _module(fmt: str):  # type: ignore[no-untyped-def]
    if fmt not in FORMATS:
        raise ConfigError(Codes.E402, value=fmt, choices=", ".join(FORMATS))
    return importlib.import_module(f"incidex.export.{FORMATS[fmt]}")


def writer(fmt: str):  # type: ignore[no-untyped-def]
    return _module(fmt).write


def is_binary(fmt: str) -> bool:
    return bool(getattr(_module(fmt), "BINARY", False))


def allowed_target(path: Path | str, root: Path | None = None) -> Path | None:
    """The resolved path to write, or None for ``-`` (standard output); E404 when the path, with symlinks
    and ``..`` resolved, is outside ``root`` (default: ``INCIDEX_EXPORT_DIR`` or the current directory)."""
    if str(path) == "-":
        return None
    if root is None:
        from incidex.config import get_settings

        root = get_settings().export_dir
    base = Path(root).expanduser().resolve()
    target = Path(path).expanduser().resolve()  # follows every symlink that exists, collapses ``..``
    if target != base and base not in target.parents:
        raise ConfigError(Codes.E404, path=str(path), root=str(base))
    return target


def check_target(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise ConfigError(Codes.E403, path=str(path))


def export_to(path: Path, fmt: str, records: Iterable[StoredRecord], force: bool = False) -> int:
    """Write ``records`` to ``path`` in ``fmt``; returns the number of rows (lines, features) written."""
    write = writer(fmt)
    check_target(path, force)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with (tmp.open("wb") if is_binary(fmt) else tmp.open("w", encoding="utf-8", newline="")) as f:
            n = write(records, f)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return int(n)


def export_stream(stream: IO[str], fmt: str, records: Iterable[StoredRecord]) -> int:
    if is_binary(fmt):
        raise StoreError(Codes.E309, fmt=fmt, detail="is binary: write it to a file with --out")
    return int(writer(fmt)(records, stream))
