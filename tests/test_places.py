from incidex.pipeline.places import PlaceMention, find_mentions, resolve

from .fakes import AZ_GAZ, RegexAnnotator


def locate(text: str, focus: dict[str, float] | None = None):
    ann = RegexAnnotator().annotate(text)
    ms = find_mentions(ann, AZ_GAZ, set(focus or {}))
    resolve(ms, AZ_GAZ, focus or {}, text)
    return {m.written: m for m in ms}


def test_country_focus_and_proximity_pick_the_right_homonym():
    ms = locate("Shells hit Barda and Ganja in Azerbaijan.", {"AZ": 1.0})
    assert ms["Barda"].location.country_code == "AZ"
    assert ms["Barda"].location.candidates == 2


def test_population_picks_the_district_town_not_the_village():
    ms = locate("Shells hit Fuzuli.", {"AZ": 1.0})
    assert ms["Fuzuli"].location.lat == 39.6 and ms["Fuzuli"].location.geo_precision == 1


def test_district_cue_means_the_district_with_precision_3():
    ms = locate("Residential areas of Tartar and Fuzuli districts were shelled.", {"AZ": 1.0})
    for name in ("Tartar", "Fuzuli"):
        loc = ms[name].location
        assert loc.geo_precision == 3 and loc.feature in ("district", "region"), name
    assert ms["Tartar"].location.feature == "region"  # the index has the rayon itself


def test_city_of_and_near_cues():
    ms = locate("Fighting near Tartar. Then the city of Ganja was hit.", {"AZ": 1.0})
    assert ms["Tartar"].location.geo_precision == 2 and ms["Tartar"].location.feature == "town"
    assert ms["Ganja"].location.geo_precision == 1 and ms["Ganja"].location.feature == "city"


def test_spans_and_unknown_places():
    text = "Shells hit Terter and Zzyzx."
    ms = locate(text, {"AZ": 1.0})
    assert ms["Terter"].location.name == "Tartar"  # an alternate spelling
    assert "Zzyzx" not in ms  # unknown names are not guessed
    loc = ms["Terter"].location
    assert text[loc.span.start:loc.span.end] == "Terter"


# -- ranking features (a US state, document context, demonyms) ------------------------------------

from .fakes import FakeCandidate, FakeGazetteer  # noqa: E402

_WORLD = FakeGazetteer([
    FakeCandidate("r:vt", "Vermont", "US", "Vermont", None, 44.0, -72.7, "region", 626_000),
    FakeCandidate("t:vt", "Vermont", "AU", "Victoria", None, -37.84, 145.2, "town", 10_993),
    FakeCandidate("c:ru", "Russia", "RU", None, None, 60.0, 100.0, "country", 144_000_000),
    FakeCandidate("t:sm1", "Santa Maria", "US", "California", None, 34.95, -120.44, "city", 106_000),
    FakeCandidate("t:sm2", "Santa Maria", "BR", "Rio Grande do Sul", None, -29.68, -53.81, "city", 261_000),
    FakeCandidate("r:ca", "California", "US", "California", None, 37.0, -120.0, "region", 39_000_000),
    FakeCandidate("v:ru", "Russian", "US", "Ohio", None, 40.3, -84.4, "village", 600),
], demonyms={"russian": "RU"})


def _resolve(text: str, names: list[str]) -> dict[str, object]:
    ms = [PlaceMention(text.index(n), text.index(n) + len(n), n) for n in names]
    resolve(ms, _WORLD, {}, text)
    return {m.written: m.location for m in ms}


def test_a_us_state_beats_a_same_named_small_town_abroad() -> None:
    loc = _resolve("Snow fell across Vermont on Sunday.", ["Vermont"])["Vermont"]
    assert loc.country_code == "US" and loc.feature == "region"  # type: ignore[attr-defined]


def test_an_admin_region_named_elsewhere_in_the_text_picks_the_homonym_inside_it() -> None:
    text = "Santa Maria is a city on the coast of California, north of Los Angeles."
    loc = _resolve(text, ["Santa Maria"])["Santa Maria"]
    assert loc.country_code == "US"  # type: ignore[attr-defined]
    # without the context the larger Brazilian city wins
    assert _resolve("Santa Maria is a city.", ["Santa Maria"])["Santa Maria"].country_code == "BR"  # type: ignore[attr-defined]


def test_a_demonym_is_not_a_place() -> None:
    text = "Russian troops shelled the area, officials in Russia said."
    ann = RegexAnnotator().annotate(text)
    ms = find_mentions(ann, _WORLD, set())
    assert [m.written for m in ms] == ["Russia"]
