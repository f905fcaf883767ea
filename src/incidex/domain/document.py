"""A document as read from its source, before extraction."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RawDocument:
    text: str
    origin: str  # file path, "<stdin>" or "path#record"
    title: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date
    publisher: str | None = None
    source_name: str | None = None
    warnings: tuple[str, ...] = field(default=())
