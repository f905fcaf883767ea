"""Where the read-only shared data lives: ``$INCIDEX_SHARED``, else ``<repo>/../shared``."""

from __future__ import annotations

import os
from pathlib import Path

from incidex.errors import Codes, EvalError

REPO = Path(__file__).resolve().parents[3]


def shared_dir() -> Path:
    """The shared folder (spec, seed, data). It may not exist; callers check what they read."""
    env = os.environ.get("INCIDEX_SHARED")
    if env:
        return Path(env)
    beside_repo = REPO.parent / "shared"
    if beside_repo.exists():
        return beside_repo
    return Path.cwd().parent / "shared"


def data_path(*parts: str) -> Path:
    """A file or folder under ``shared/data``; E502 when it is missing."""
    p = shared_dir().joinpath("data", *parts)
    if not p.exists():
        raise EvalError(Codes.E502, path=str(p))
    return p
