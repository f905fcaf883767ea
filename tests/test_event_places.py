"""Where an event is placed: the finer of a town and its region, a place a later sentence gives."""

from __future__ import annotations

import pytest

from incidex.domain.document import RawDocument

pytestmark = pytest.mark.slow


def _places(extractor, text: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    ex = extractor.extract(RawDocument(text=text, origin="test"))
    return [[loc.name for loc in e.locations] for e in ex.events]


def test_a_town_named_with_its_region_is_the_place(extractor) -> None:  # type: ignore[no-untyped-def]
    # the title-case scan finds Turbat (a town of a region the text names), and the region is no second place
    assert _places(extractor, "Six Frontier Corps personnel were killed in a shooting attack in the Turbat area "
                              "of Balochistan.") == [["Turbat"]]


def test_a_place_a_later_sentence_gives_for_the_event(extractor) -> None:  # type: ignore[no-untyped-def]
    text = ("A suicide car bomb attack on a bus carrying Iranian revolutionary guard soldiers killed 27 soldiers. "
            "Jaish al Adl took responsibility for the attack, which took place in the Sistan and Baluchestan "
            "province.")
    assert _places(extractor, text) == [["Sistan and Baluchestan"]]
