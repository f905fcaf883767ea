"""Request and response bodies of the API (pydantic), as OpenAPI documents them at ``/docs``.

Claims are returned as their stored rows (the columns of ``incidex.store.schema``, with ``id`` and
``review_status``) so that a client can address them in review actions as ``KIND:ID``; records and incidents
are returned as incidex/1 objects.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field


class Json(JSONResponse):
    """A JSON response rendered by orjson: a page of 50 events, or the map's 50,000 points, is serialized several
    times faster than by the standard library (the rows are plain JSON values already)."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


class Page(BaseModel):
    """One page of a list; pass ``next_cursor`` as ``cursor`` for the next page (null: the last page)."""

    items: list[dict[str, Any]]
    next_cursor: str | None = None


class DocumentIn(BaseModel):
    """A document to extract and store."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="The document text; claims' spans index into it.")
    title: str | None = None
    published: str | None = Field(None, description="Publication date YYYY-MM-DD (anchors relative dates).")
    publisher: str | None = None
    source: str | None = Field(None, description="Source name (default: the publisher).")
    url: str | None = None
    reconcile: bool = Field(False, description="Run `incidex reconcile` after storing it.")


class IngestOut(BaseModel):
    document_id: str
    stored: bool = Field(description="False when the same text (sha256) was already stored.")
    events: int
    reconciled: dict[str, Any] | None = None


class ReviewIn(BaseModel):
    """A decision on a claim; every decision is appended to the audit log."""

    model_config = ConfigDict(extra="forbid")

    reason: str | None = None
    user: str | None = Field(None, max_length=200, description="Who decides (default: the server's user).")


class EditIn(ReviewIn):
    """Fields to change (column names of the claim's table, see `incidex review show`); ``reason`` is required."""

    changes: dict[str, Any] = Field(min_length=1)


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    incidents: list[str] = Field(min_length=2)
    reason: str
    user: str | None = Field(None, max_length=200)


class SplitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events: list[str] = Field(min_length=1, description="event:ID or DOC_ID:EVENT_KEY of the events split off")
    reason: str
    user: str | None = Field(None, max_length=200)


class ClaimOut(BaseModel):
    claim: dict[str, Any]
    audit: list[dict[str, Any]]
