"""Pure data of incidex/1: documents, spans, events and the rest. No IO, no spaCy."""

from incidex.domain.models import (
    Actor,
    Aggregate,
    Casualty,
    DateInfo,
    DocumentInfo,
    Event,
    Extraction,
    Framing,
    LegalRef,
    Location,
    Source,
    Span,
)
from incidex.domain.taxonomy import EVENT_TYPES, SUB_TYPES, event_type_of

__all__ = [
    "Actor", "Aggregate", "Casualty", "DateInfo", "DocumentInfo", "Event", "Extraction",
    "Framing", "LegalRef", "Location", "Source", "Span", "EVENT_TYPES", "SUB_TYPES", "event_type_of",
]
