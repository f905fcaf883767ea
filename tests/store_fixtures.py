"""Shared by tests/test_store*.py and tests/test_export*.py: databases on both backends, hand-made records.

``db_url`` gives a fresh SQLite file or a fresh PostgreSQL schema (dropped
afterwards) on the server at 127.0.0.1:5432. Without the server the PostgreSQL
cases are skipped, unless ``INCIDEX_REQUIRE_PG=1`` (CI), where they fail.
``CannedExtractor`` stands in for the pipeline: the store, not the model, is
under test here.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import pytest

from incidex.domain.document import RawDocument
from incidex.domain.ids import document_id
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
from incidex.pipeline.assemble import Extractor

PG_SERVER = os.environ.get("INCIDEX_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

TEXT = (
    "On 4 October 2020, Armenian forces shelled Ganja, killing at least 5 civilians and injuring 20. "
    "The Ministry said 7 civilians were killed. This violates international humanitarian law. "
    "The martyred victims were buried in Barda. Since September, 94 civilians were killed."
)


def _sp(text: str, quote: str, nth: int = 0) -> Span:
    i = -1
    for _ in range(nth + 1):
        i = text.index(quote, i + 1)
    return Span.of(text, i, i + len(quote))


def make_record(text: str = TEXT, publisher: str = "Ministry of Defence of Azerbaijan") -> Extraction:
    """A record with every kind of claim, anchored to ``text`` (which must contain TEXT's sentences)."""
    sent1 = _sp(text, text[text.index("On 4 October"):text.index("20.") + 3])
    ganja = Location(name="Ganja", name_as_written="Ganja", country_code="AZ", admin1="Ganja City", lat=40.68,
                     lon=46.36, feature="city", geo_precision=1, gazetteer_id="geonames:587084", candidates=2,
                     span=_sp(text, "Ganja"))
    ev = Event(
        id="e1", event_type="Explosions/Remote violence", sub_type="Shelling/artillery/missile attack",
        summary=f"{publisher} says Military Forces of Armenia shelled Ganja on 4 October 2020.",
        date=DateInfo(start="2020-10-04", end="2020-10-04", precision="day", text="4 October 2020",
                      span=_sp(text, "4 October 2020"), anchor="explicit"),
        locations=[ganja],
        actors=[Actor(name="Armenian forces", normalized="Military Forces of Armenia", kind="state_forces",
                      country_code="AM", role="initiator", span=_sp(text, "Armenian forces")),
                Actor(name="civilians", normalized="Civilians", kind="civilians", role="victim",
                      span=_sp(text, "civilians"))],
        casualties=[
            Casualty(outcome="killed", group="civilian", low=5, qualifier="at_least", text="at least 5",
                     claimed_by=publisher, span=_sp(text, "at least 5")),
            Casualty(outcome="injured", group="civilian", low=20, best=20, high=20, text="20", claimed_by=publisher,
                     span=_sp(text, "20", 1)),
            Casualty(outcome="killed", group="civilian", low=7, best=7, high=7, text="7", claimed_by="The Ministry",
                     span=_sp(text, "7")),
        ],
        claimed_by=publisher, certainty="asserted", evidence=[sent1], confidence=0.8,
    )
    agg = Aggregate(
        period=DateInfo(start="2020-09-01", end="2020-10-04", precision="range", text="Since September",
                        span=_sp(text, "Since September"), anchor="explicit"),
        area=None,
        casualties=[Casualty(outcome="killed", group="civilian", low=94, best=94, high=94, text="94",
                             claimed_by=publisher, span=_sp(text, "94"))],
        claimed_by=publisher, evidence=[_sp(text, "Since September, 94 civilians were killed.")],
    )
    return Extraction(
        document=DocumentInfo(id=document_id(text), title="Statement", chars=len(text),
                              source=Source(name=publisher, url="https://example.org/s", publisher=publisher),
                              published="2020-10-05", stance="party:Azerbaijan",
                              stance_evidence=[_sp(text, "Armenian forces")]),
        events=[ev], aggregates=[agg],
        legal_references=[LegalRef(instrument="international humanitarian law", kind="body_of_law",
                                   span=_sp(text, "international humanitarian law"))],
        framing=[Framing(term="martyred", category="victimhood_or_sacralisation", neutral_alternative="killed",
                         span=_sp(text, "martyred"))],
        warnings=["place 'Barda' could not be resolved"],
    )


def variant(i: int) -> str:
    """A distinct document (different hash) that still contains every quote of TEXT."""
    return f"Report {i}.\n{TEXT}"


class CannedExtractor(Extractor):
    """An Extractor that returns hand-made records: no model, no gazetteer."""

    def __init__(self) -> None:
        self.annotator = type("Canned", (), {"name": "canned"})()
        self.gaz = None  # type: ignore[assignment]

    def extract_many(self, raws: Iterable[RawDocument]) -> Iterator[Extraction]:
        for raw in raws:
            yield make_record(raw.text, raw.publisher or "Ministry of Defence of Azerbaijan")


def pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_SERVER.replace("+psycopg", ""), connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means "no server"
        return False


def pg_or_skip() -> None:
    if pg_available():
        return
    if os.environ.get("INCIDEX_REQUIRE_PG") == "1":
        pytest.fail("INCIDEX_REQUIRE_PG=1 but PostgreSQL at 127.0.0.1:5432 (database test) is unreachable")
    pytest.skip("PostgreSQL at 127.0.0.1:5432 is unreachable")


@pytest.fixture(name="db_url", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url_fixture(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A fresh, empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite'}"
        return
    pg_or_skip()
    with pg_schema("test") as url:
        yield url


@contextmanager
def pg_schema(prefix: str) -> Iterator[str]:
    """The URL of a fresh PostgreSQL schema on the test server, dropped afterwards."""
    import sqlalchemy as sa

    schema = f"incidex_{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_SERVER)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    try:
        yield f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


def write_docs(folder, n: int, start: int = 0) -> list[str]:  # type: ignore[no-untyped-def]
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + n):
        p = folder / f"doc{i:02d}.txt"
        p.write_text(variant(i), encoding="utf-8")
        paths.append(str(p))
    return paths
