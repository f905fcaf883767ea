"""incidex/1 as pydantic models; ``incidex schema`` is generated from these.

Field names and vocabularies follow ../shared/spec/interchange.md and are binding.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from incidex.domain.taxonomy import SUB_TYPES

SCHEMA_VERSION: Literal["incidex/1"] = "incidex/1"

Precision = Literal["day", "week", "month", "year", "range", "unknown"]
Anchor = Literal["explicit", "publication", "none"]
Feature = Literal["city", "town", "village", "district", "region", "country", "frontline", "other"]
ActorKind = Literal[
    "state_forces", "rebel_group", "political_militia", "identity_militia", "rioters", "protesters",
    "civilians", "external_force", "government", "international_org", "other",
]
Role = Literal["initiator", "target", "victim", "mediator", "signatory", "claimant"]
Outcome = Literal["killed", "injured", "missing", "captured", "detained", "displaced"]
Group = Literal["civilian", "military", "unknown"]
Qualifier = Literal["exact", "at_least", "more_than", "about", "up_to", "several", "unknown"]
Certainty = Literal["asserted", "reported", "alleged", "denied"]
LegalKind = Literal["instrument", "body_of_law", "accusation", "ruling", "agreement"]
FramingCategory = Literal[
    "loaded_label", "glorification", "victimhood_or_sacralisation", "territorial_claim",
    "intent_attribution", "intensifier", "dehumanisation", "other",
]
EventType = Literal[
    "Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
    "Strategic developments",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(_Model):
    """Character offsets into the document text; ``quote == text[start:end]``."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    quote: str

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end < self.start or len(self.quote) != self.end - self.start:
            raise ValueError("span end must be >= start and quote must be text[start:end]")
        return self

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Span:
        return cls(start=start, end=end, quote=text[start:end])


class Source(_Model):
    name: str | None = None
    url: str | None = None
    publisher: str | None = None


class DocumentInfo(_Model):
    id: str
    title: str | None = None
    source: Source = Field(default_factory=Source)
    published: str | None = None
    language: str = "en"
    stance: str = "neutral"
    stance_evidence: list[Span] = Field(default_factory=list)
    chars: int = 0

    @field_validator("stance")
    @classmethod
    def _stance(cls, v: str) -> str:
        if v not in ("neutral", "advocacy") and not (v.startswith("party:") and len(v) > 6):
            raise ValueError("stance must be neutral, advocacy or party:<name>")
        return v


class DateInfo(_Model):
    start: str | None = None
    end: str | None = None
    precision: Precision = "unknown"
    text: str | None = None
    span: Span | None = None
    anchor: Anchor = "none"


class Location(_Model):
    name: str
    name_as_written: str
    country_code: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    feature: Feature = "other"
    geo_precision: Literal[1, 2, 3] = 1
    gazetteer_id: str | None = None
    candidates: int = 0
    span: Span | None = None


class Actor(_Model):
    name: str
    normalized: str
    kind: ActorKind = "other"
    country_code: str | None = None
    role: Role = "initiator"
    span: Span | None = None


class Casualty(_Model):
    outcome: Outcome
    group: Group = "unknown"
    party: str | None = None
    low: int | None = Field(default=None, ge=0)
    best: int | None = Field(default=None, ge=0)
    high: int | None = Field(default=None, ge=0)
    qualifier: Qualifier = "exact"
    text: str
    claimed_by: str
    span: Span


class Event(_Model):
    id: str
    event_type: EventType
    sub_type: str
    summary: str
    date: DateInfo = Field(default_factory=DateInfo)
    locations: list[Location] = Field(default_factory=list)
    actors: list[Actor] = Field(default_factory=list)
    casualties: list[Casualty] = Field(default_factory=list)
    claimed_by: str
    certainty: Certainty = "asserted"
    evidence: list[Span] = Field(default_factory=list)
    confidence: float = Field(default=0.5, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _sub_type(self) -> Event:
        if SUB_TYPES.get(self.sub_type) != self.event_type:
            raise ValueError(f"{self.sub_type!r} is not an ACLED sub-type of {self.event_type!r}")
        return self


class Aggregate(_Model):
    period: DateInfo = Field(default_factory=DateInfo)
    area: Location | None = None
    casualties: list[Casualty] = Field(default_factory=list)
    claimed_by: str
    evidence: list[Span] = Field(default_factory=list)


class LegalRef(_Model):
    instrument: str
    identifier: str | None = None
    year: int | None = None
    kind: Literal["instrument", "body_of_law", "accusation", "ruling", "agreement"]
    span: Span


class Framing(_Model):
    term: str
    category: FramingCategory
    neutral_alternative: str
    span: Span


class Extraction(_Model):
    """One document's incidex/1 record: what ``incidex extract`` prints."""

    schema_: Literal["incidex/1"] = Field(default=SCHEMA_VERSION, alias="schema")
    document: DocumentInfo
    events: list[Event] = Field(default_factory=list)
    aggregates: list[Aggregate] = Field(default_factory=list)
    legal_references: list[LegalRef] = Field(default_factory=list)
    framing: list[Framing] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_json_dict(self) -> dict[str, object]:
        return self.model_dump(mode="json", by_alias=True)


def json_schema() -> dict[str, object]:
    """The JSON Schema of incidex/1, generated from the models."""
    schema = Extraction.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://incidex.org/schema/incidex-1.json"
    schema["title"] = SCHEMA_VERSION
    return schema
