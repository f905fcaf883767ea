from incidex.pipeline.places import find_mentions, resolve

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
