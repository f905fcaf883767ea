"""State and province abbreviations after a town ("Macon, Ga.", "Dayton, OH") resolve to the state."""

from __future__ import annotations

from incidex.pipeline import state_abbr
from incidex.pipeline.places import PlaceMention, document_context, resolve

from .fakes import FakeCandidate, FakeGazetteer


def _found(text: str) -> list[tuple[str, str]]:
    return [(text[a.start:a.end], a.name) for a in state_abbr.find(text)]


def test_abbreviations_are_read_after_a_town_and_nowhere_else() -> None:
    text = ("Born in Macon, Ga. and raised in Dayton, OH, she moved to Kingston, Ont. in 1990. Mass. graves were "
            "found. Officials in Washington, D.C., said. Crèche services, WI meetings. The St. Louis, MO-IL area. "
            "Ga. was not named. Raleigh, NC Metropolitan Area.")
    assert _found(text) == [("Ga.", "Georgia"), ("OH", "Ohio"), ("Ont.", "Ontario"), ("D.C.", "Washington, D.C."),
                            ("NC", "North Carolina")]
    assert state_abbr.at(text, text.index("Ga."), text.index("Ga.") + 2) is not None  # the span without its period
    assert state_abbr.at(text, text.index("Mass."), text.index("Mass.") + 5) is None


def test_an_abbreviation_resolves_to_the_state_and_places_its_town() -> None:
    gabon = FakeCandidate("geonames:2400553", "Gabon", "GA", None, None, -1.0, 11.75, "country", 2_100_000,
                          "alternate")
    georgia_c = FakeCandidate("geonames:614540", "Georgia", "GE", None, None, 42.0, 43.5, "country", 3_700_000)
    georgia_s = FakeCandidate("rg:region:US:Georgia", "Georgia", "US", "Georgia", None, 32.7, -83.4, "region",
                              10_000_000)
    macon_ga = FakeCandidate("geonames:4207400", "Macon", "US", "Georgia", None, 32.84, -83.63, "city", 153_000)
    macon_fr = FakeCandidate("geonames:2996882", "Mâcon", "FR", "Bourgogne", None, 46.31, 4.83, "city", 300_000)  # larger, so that the state decides
    macon_mo = FakeCandidate("geonames:4398322", "Macon", "US", "Missouri", None, 39.74, -92.47, "town", 5_400)
    gaz = FakeGazetteer([gabon, georgia_c, georgia_s, macon_ga, macon_fr, macon_mo])
    text = "Three people were shot in Macon, Ga., on Sunday."
    ms = [PlaceMention(text.index("Macon"), text.index("Macon") + 5, "Macon"),
          PlaceMention(text.index("Ga."), text.index("Ga.") + 3, "Ga.")]
    assert document_context(text, gaz).admin1.get(("US", "Georgia"), 0.0) >= 1.0
    resolve(ms, gaz, {}, text)
    assert [m.location.gazetteer_id if m.location else None for m in ms] == [macon_ga.id, georgia_s.id]
