"""What the gazetteer answers beyond towns and admin areas: seas, oceans and macro-regions from
``resources/geo_extra_areas.tsv``, abbreviations written out ("St. Marc" is Saint-Marc), admin areas whose
name puts the admin word first ("Province of Nueva Ecija"); and "EU", which the resolver places but the mention finder leaves to the actors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from incidex.gazetteer.build import EXTRA_REGIONS, _strip_admin_words, extra_areas, store_lookup_aids
from incidex.gazetteer.index import Gazetteer, expand_abbreviations, fold, open_gazetteer
from incidex.pipeline.annotate import AnnotatedText, Entity
from incidex.pipeline.places import PlaceMention, find_mentions, resolve

from .fakes import FakeCandidate, FakeGazetteer
from .test_gazetteer_index import small_index


def _saints(path: Path, aids: bool) -> Path:
    small_index(path)
    conn = sqlite3.connect(path)
    conn.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?)", [
        ("g:sm", "Saint-Marc", "HT", "Artibonite", None, 19.108, -72.694, "city", 160_000),
        ("g:ste", "Sainte-Marie", "CA", "Quebec", None, 46.443, -71.012, "town", 13_000),
        ("g:mk", "Mount Kenya", "KE", "Central", None, -0.152, 37.308, "region", 0),
        ("g:fh", "Fort Hood", "US", "Texas", None, 31.135, -97.776, "town", 29_000),
        ("g:sa", "St Albans", "GB", "England", None, 51.755, -0.336, "city", 140_000),
        ("g:sa2", "Saint Albans", "US", "Vermont", None, 44.81, -73.083, "town", 6_900),
    ])
    conn.executemany("INSERT INTO names VALUES (?,?,1)", [
        ("saint marc", "g:sm"), ("sainte marie", "g:ste"), ("mount kenya", "g:mk"), ("fort hood", "g:fh"),
        ("st albans", "g:sa"), ("saint albans", "g:sa2")])
    if aids:
        store_lookup_aids(conn)
    conn.commit()
    conn.close()
    return path


WRITTEN = ["St. Marc", "St Marc", "Ste. Marie", "Mt. Kenya", "Ft. Hood", "St. Albans", "Saint Albans", "St. Nowhere",
           "St.", "Mt", "Khankendi", "Main St."]


@pytest.mark.parametrize("aids", [True, False])
def test_abbreviations_are_written_out_when_the_name_as_written_finds_nothing(tmp_path: Path, aids: bool) -> None:
    g = Gazetteer(_saints(tmp_path / "g.sqlite", aids))
    assert [c.name for c in g.lookup("St. Marc")] == ["Saint-Marc"]
    assert [c.name for c in g.lookup("Ste. Marie")] == ["Sainte-Marie"]
    assert [c.name for c in g.lookup("Mt. Kenya")] == ["Mount Kenya"]
    assert [c.name for c in g.lookup("Ft. Hood")] == ["Fort Hood"]
    # a name found as written keeps its own places: "St Albans" (England) is not Saint Albans (Vermont)
    assert [c.name for c in g.lookup("St. Albans")] == ["St Albans"]
    assert g.lookup("St. Nowhere") == () and g.lookup("St.") == () and g.lookup("Mt") == ()


@pytest.mark.parametrize("aids", [True, False])
def test_a_document_fetched_at_once_finds_the_abbreviated_names_as_one_lookup_each(tmp_path: Path,
                                                                                      aids: bool) -> None:
    path = _saints(tmp_path / "g.sqlite", aids)
    plain = {n: Gazetteer(path).lookup(n) for n in WRITTEN}
    fetched = Gazetteer(path)
    assert dict(zip(WRITTEN, fetched.lookup_many(WRITTEN), strict=True)) == plain
    assert {n: fetched.lookup(n) for n in WRITTEN} == plain
    assert plain["St. Marc"] and plain["Ft. Hood"]


def test_expand_abbreviations() -> None:
    assert expand_abbreviations("st marc") == "saint marc"
    assert expand_abbreviations("port st lucie") == "port saint lucie"
    assert expand_abbreviations("ste marie") == "sainte marie"
    assert expand_abbreviations("mt kenya") == "mount kenya" and expand_abbreviations("ft hood") == "fort hood"
    assert expand_abbreviations("stepanakert") is None and expand_abbreviations("st") is None
    assert expand_abbreviations("saint marc") is None


def test_admin_names_with_the_admin_word_first_are_indexed_without_it() -> None:
    assert _strip_admin_words("Province of Nueva Ecija") == "Nueva Ecija"
    assert _strip_admin_words("Provincia di Roma") == "Roma"
    assert _strip_admin_words("Provincia de Buenos Aires") == "Buenos Aires"
    assert _strip_admin_words("Departamento de Rivadavia") == "Rivadavia"
    assert _strip_admin_words("Tartar Rayonu") == "Tartar"  # the suffixes as before
    assert _strip_admin_words("Province of") == "Province of" and _strip_admin_words("Provence") == "Provence"
    # France's departments, the longest article first; Belgian, Austrian and Polish districts
    assert _strip_admin_words("Departement de la Somme") == "Somme"
    assert _strip_admin_words("Departement d'Indre-et-Loire") == "Indre-et-Loire"
    assert _strip_admin_words("Departement du Nord") == "Nord"
    assert _strip_admin_words("Provincie Antwerpen") == "Antwerpen"
    assert _strip_admin_words("Politischer Bezirk Bludenz") == "Bludenz" and _strip_admin_words("Powiat Lodz") == "Lodz"


def test_the_extra_areas_file_is_well_formed() -> None:
    areas = extra_areas()
    assert len(areas) >= 80
    names = [fold(a[0]) for a in areas]
    assert len(names) == len(set(names))
    regions = {fold(nm) for nm, *_ in EXTRA_REGIONS} | {fold(a) for *_, alts in EXTRA_REGIONS for a in alts}
    assert not regions & set(names)  # the hand-set regions of build.py are not repeated
    for name, cc, lat, lon, rank, alts in areas:
        assert -90 <= lat <= 90 and -180 <= lon <= 180 and rank > 0, name
        assert cc is None or (len(cc) == 2 and cc.isupper()), name
        assert all(a.strip() == a and a for a in alts), name
    by_name = {a[0]: a for a in areas}
    for name in ("Indian Ocean", "Baltic Sea", "Black Sea", "Northern Europe", "European Union"):
        assert name in by_name
    assert "EU" in by_name["European Union"][5]


def test_the_extra_areas_file_reports_a_malformed_line(tmp_path: Path) -> None:
    bad = tmp_path / "areas.tsv"
    bad.write_text("# comment\nIndian Ocean\tocean\t-20\t80\t1000\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2: 5 columns"):
        extra_areas(bad)
    assert extra_areas(tmp_path / "missing.tsv") == []


def test_the_built_index_places_seas_oceans_and_macro_regions() -> None:
    g = open_gazetteer()
    if not g.lookup("Indian Ocean"):
        pytest.skip("the index was built before geo_extra_areas.tsv: run `incidex gazetteer build --force`")
    for name, lat, lon in (("Indian Ocean", -20.0, 80.0), ("Baltic Sea", 58.0, 20.0),
                           ("Northern Europe", 60.0, 15.0), ("EU", 50.0, 10.0)):
        top = g.lookup(name)[0]
        assert (top.lat, top.lon, top.feature) == (lat, lon, "region"), name
    assert g.lookup("EU")[0].name == "European Union"
    assert g.lookup("Nueva Ecija")[0].country_code == "PH"  # "Province of Nueva Ecija"
    assert [c.country_code for c in g.lookup("Zaire") if c.feature == "country"] == ["CD"]  # the DRC until 1997


_SEAS = FakeGazetteer([
    FakeCandidate("a:eu", "European Union", None, None, None, 50.0, 10.0, "region", 450_000_000),
    FakeCandidate("a:bs", "Black Sea", None, None, None, 43.5, 34.0, "region", 100_000_000),
    FakeCandidate("t:od", "Odesa", "UA", "Odesa", None, 46.48, 30.73, "city", 1_000_000),
], aliases={"eu": ["a:eu"]})


def test_the_eu_is_an_actor_for_the_mention_finder_but_the_resolver_places_it() -> None:
    text = "The Black Sea port of Odesa was shelled, the European Union and the EU said."
    ents = tuple(Entity(text.index(n), text.index(n) + len(n), label, n)
                 for n, label in (("Black Sea", "LOC"), ("Odesa", "GPE"), ("European Union", "ORG"), ("EU", "ORG")))
    found = {m.written for m in find_mentions(AnnotatedText(text, ((0, len(text)),), ents), _SEAS, set())}
    assert found == {"Black Sea", "Odesa"}
    ms = [PlaceMention(text.index("EU"), text.index("EU") + 2, "EU")]
    resolve(ms, _SEAS, {}, text)
    assert ms[0].location is not None and ms[0].location.name == "European Union"


@pytest.mark.slow
def test_regions_of_conflict_resolve_by_the_names_reports_use() -> None:
    g = open_gazetteer()
    for name, cc in (("Oromia", "ET"), ("Hodeidah", "YE"), ("Hadramout", "YE"), ("FATA", "PK"), ("Baluchistan", "PK"),
                     ("Transnistria", "MD"), ("Ingushetia", "RU"), ("Far North Region", "CM"), ("Puntland", "SO"),
                     ("Mindanao", "PH"), ("Swat Valley", "PK"), ("Ituri", "CD"), ("Ogaden", "ET"), ("Luzon", "PH"),
        ("Nyanza Province", "KE"), ("North Eastern Province", "KE")):
        cands = g.lookup(name)
        assert cands and cands[0].feature == "region" and cands[0].country_code == cc, name
    # the regional capital keeps its name: "Raqqa" is the city first
    assert g.lookup("Raqqa")[0].feature == "city"


@pytest.mark.slow
def test_a_district_has_its_towns_population_unless_a_town_of_its_name_lies_in_it() -> None:
    g = open_gazetteer()
    suffolk = next(c for c in g.lookup("Suffolk") if c.feature == "district" and c.country_code == "GB")
    if suffolk.population == 0:
        pytest.skip("the index was built before district populations: run `incidex gazetteer build --force`")
    assert suffolk.population > 300_000  # Ipswich, Lowestoft, Bury St Edmunds ...
    # the Dhaka district is named after its city: a bare "Dhaka" must stay the city's
    dhaka = [c for c in g.lookup("Dhaka") if c.feature == "district" and c.country_code == "BD"]
    assert dhaka and all(c.population == 0 for c in dhaka)


_COUNTIES = FakeGazetteer([
    FakeCandidate("t:sv", "Suffolk", "US", "Virginia", "City of Suffolk", 36.73, -76.59, "town", 88_000),
    FakeCandidate("d:sgb", "Suffolk", "GB", "England", "Suffolk", 52.2, 1.08, "district", 540_000),
    FakeCandidate("t:fr", "Franklin", "US", "Tennessee", "Williamson County", 35.92, -86.87, "town", 83_000),
    FakeCandidate("d:fr", "Franklin County", "US", "Ohio", "Franklin County", 39.97, -83.01, "district", 1_300_000,
                  "alternate"),
], aliases={"franklin": ["d:fr"]})


def test_the_population_prior_reads_a_district_only_where_its_name_is_written_as_the_index_has_it() -> None:
    from incidex.pipeline.places import ranked_population

    text = "Flooding hit Suffolk. Franklin was spared."
    ms = [PlaceMention(text.index(n), text.index(n) + len(n), n) for n in ("Suffolk", "Franklin")]
    resolve(ms, _COUNTIES, {}, text)
    assert [m.location.country_code if m.location else None for m in ms] == ["GB", "US"]
    assert ms[0].location is not None and ms[0].location.feature == "district"
    # "Franklin" for Franklin County: the county's population does not count, the town wins
    assert ms[1].location is not None and ms[1].location.name == "Franklin"
    assert ranked_population(_COUNTIES.lookup("Franklin")[-1]) == 0
