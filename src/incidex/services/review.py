"""Review: an analyst confirms, rejects or edits a claim; every action is appended to the audit log.

Claims are addressed as ``KIND:ID`` (``event:12``, ``casualty:40``, ``legal:3``;
kinds in ``incidex.store.schema.CLAIM_TABLES``). An edit changes the stored
claim in place and records the values before and after and the reason; an edit
that would make the claim invalid for incidex/1 (an unknown sub-type, a
negative figure) is refused before anything is written.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from incidex.errors import Codes, StoreError

if TYPE_CHECKING:
    from incidex.store.repository import Repository

# columns that identify or attribute a claim, not what it says: never edited
_FIXED = {"id", "document_id", "run_id", "event_id", "aggregate_id", "ordinal", "review_status", "origin", "quote"}


def editable_fields(kind: str) -> list[str]:
    from incidex.store.schema import CLAIM_TABLES

    t = CLAIM_TABLES[kind]
    return [c.name for c in t.columns if c.name not in _FIXED and not c.name.endswith("quote")]


def parse_changes(kind: str, ref: str, assignments: list[str]) -> dict[str, Any]:
    """``field=value`` strings to typed column values (``null`` clears a field; JSON columns take JSON)."""
    from sqlalchemy import JSON, Float, Integer

    from incidex.store.schema import CLAIM_TABLES

    t = CLAIM_TABLES[kind]
    allowed = editable_fields(kind)
    out: dict[str, Any] = {}
    for a in assignments:
        field, sep, raw = a.partition("=")
        field = field.strip()
        if not sep or field not in allowed:
            raise StoreError(Codes.E304, ref=ref, field=field, detail=f"editable fields: {', '.join(allowed)}")
        col = t.c[field]
        try:
            if raw == "null":
                value: Any = None
            elif isinstance(col.type, JSON):
                value = json.loads(raw)
            elif isinstance(col.type, Integer):
                value = int(raw)
            elif isinstance(col.type, Float):
                value = float(raw)
            else:
                value = raw
        except ValueError as exc:
            raise StoreError(Codes.E304, ref=ref, field=field, detail=str(exc)) from None
        out[field] = value
    return out


def _validator(fields: list[str]) -> Any:
    from pydantic import ValidationError

    from incidex.store.mapping import VALIDATORS

    def check(ref: str, row: dict[str, Any]) -> None:
        kind = ref.partition(":")[0]
        try:
            VALIDATORS[kind](row)
        except (ValidationError, ValueError, KeyError) as exc:
            raise StoreError(Codes.E304, ref=ref, field=", ".join(fields), detail=_short(exc)) from None

    return check


def _short(exc: Exception) -> str:
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    return str(exc)


def confirm(repo: Repository, ref: str, user: str, reason: str | None = None) -> dict[str, Any]:
    return repo.review(ref, "confirm", user, reason)


def reject(repo: Repository, ref: str, user: str, reason: str | None = None) -> dict[str, Any]:
    return repo.review(ref, "reject", user, reason)


def edit(repo: Repository, ref: str, user: str, assignments: list[str], reason: str | None) -> dict[str, Any]:
    from incidex.store.repository import parse_ref

    if not reason or not reason.strip():
        raise StoreError(Codes.E305)
    kind, _ = parse_ref(ref)
    changes = parse_changes(kind, ref, assignments)
    if not changes:
        raise StoreError(Codes.E304, ref=ref, field="", detail="give at least one --set FIELD=VALUE")
    for prefix in ("", "date_", "period_"):
        if f"{prefix}span_start" in changes or f"{prefix}span_end" in changes:
            changes |= _requote(repo, ref, prefix, changes)
    return repo.review(ref, "edit", user, reason, changes, validate=_validator(list(changes)))


def _requote(repo: Repository, ref: str, prefix: str, changes: dict[str, Any]) -> dict[str, Any]:
    """A moved span takes its quote from the document text, so ``quote == text[start:end]`` holds."""
    row = repo.get_claim(ref)
    start = changes.get(f"{prefix}span_start", row.get(f"{prefix}span_start"))
    end = changes.get(f"{prefix}span_end", row.get(f"{prefix}span_end"))
    if start is None or end is None:
        return {f"{prefix}span_start": None, f"{prefix}span_end": None, f"{prefix}quote": None}
    rec = repo.get_record(row["document_id"], include_rejected=True)
    assert rec is not None
    text = rec.provenance.text
    if not 0 <= start <= end <= len(text):
        raise StoreError(Codes.E304, ref=ref, field=f"{prefix}span", detail=f"must lie within 0..{len(text)}")
    return {f"{prefix}quote": text[start:end]}


def add(repo: Repository, kind: str, doc_id: str, start: int, end: int, assignments: list[str],
        reason: str | None, user: str) -> dict[str, Any]:
    """An analyst adds a claim the machine missed, anchored to ``text[start:end]`` of the stored document.

    For now ``event``: ``--set sub_type=...`` is required (``event_type`` follows from it); the evidence is the
    span; ``summary`` defaults to its quote, ``claimed_by`` to the document's publisher, ``certainty`` to
    asserted, ``confidence`` to 1. The claim is validated for incidex/1 before anything is written.
    """
    from incidex.domain.taxonomy import SUB_TYPES
    from incidex.store.mapping import span_cols

    ref = f"{kind}:new"
    if not reason or not reason.strip():
        raise StoreError(Codes.E304, ref=ref, field="reason", detail="every added claim records why: give --reason")
    if kind != "event":
        raise StoreError(Codes.E304, ref=ref, field="kind", detail="only event claims can be added for now")
    doc = repo.document_text(_full_id(repo, doc_id))
    if doc is None:
        raise StoreError(Codes.E304, ref=ref, field="doc", detail=f"no such document {doc_id}")
    text = doc["text"]
    if not 0 <= start < end <= len(text):
        raise StoreError(Codes.E304, ref=ref, field="span", detail=f"must lie within 0..{len(text)}, start < end")
    from incidex.domain.models import Span

    span = Span.of(text, start, end)
    values = parse_changes(kind, ref, assignments)
    sub = values.get("sub_type")
    if not sub:
        raise StoreError(Codes.E304, ref=ref, field="sub_type", detail="give --set sub_type=... (an ACLED sub-type)")
    date_start = values.get("date_start")
    row: dict[str, Any] = {
        "event_key": None, "event_type": SUB_TYPES.get(sub, values.get("event_type") or ""), "sub_type": sub,
        "summary": span.quote, "date_start": date_start, "date_end": values.get("date_end") or date_start,
        "date_precision": "day" if date_start else "unknown", "date_text": None,
        "date_anchor": "explicit" if date_start else "none", "date_span_start": None, "date_span_end": None,
        "date_quote": None, "claimed_by": doc["publisher"] or doc["source_name"] or "unknown",
        "certainty": "asserted", "confidence": 1.0, "evidence": [span.model_dump()],
    }
    row |= values
    row |= span_cols(span)
    row["evidence"] = [span.model_dump()]
    return repo.add_claim(kind, doc["id"], row, user, reason, validate=_validator(list(values)))


def _full_id(repo: Repository, doc_id: str) -> str:
    from incidex.services.reextract import _resolve

    return _resolve(repo, doc_id)
