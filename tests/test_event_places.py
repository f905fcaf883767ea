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


def test_figures_before_the_places_of_their_clause_are_kept(extractor) -> None:  # type: ignore[no-untyped-def]
    text = ("Nine paramilitary troopers were killed and about 10 others wounded after rebels targeted their vehicle "
            "with an improvised explosive device in Sukma district of the Central Indian state of Chhattisgarh.")
    ex = extractor.extract(RawDocument(text=text, origin="test"))
    cas = [(c.outcome, c.low) for e in ex.events for c in e.casualties]
    assert ("killed", 9) in cas and ("injured", 10) in cas
    # the district named with its state is the place, not one event at each
    assert [[loc.name for loc in e.locations] for e in ex.events] == [["Sukma (district)"]]


def test_what_a_side_undertakes_to_do_is_no_event_where_it_would_happen(extractor) -> None:  # type: ignore[no-untyped-def]
    text = ("The government and the rebels signed a ceasefire agreement in Fergana on Monday. Under the agreement, "
            "both sides undertook to stop artillery fire and drone strikes on populated areas from midnight on March "
            "27, to open a humanitarian corridor between Osh and Nookat, and to exchange prisoners within ten days.")
    assert _places(extractor, text) == [["Fergana"]]  # not also an agreement at Osh and one at Nookat


def test_where_people_came_from_is_not_where_they_gathered(extractor) -> None:  # type: ignore[no-untyped-def]
    text = ("About 300 protesters, most of them families displaced from Nookat and Uzgen, held a peaceful protest "
            "outside the regional administration in Osh on Friday, 15 March, demanding a humanitarian corridor.")
    assert _places(extractor, text) == [["Osh"]]


def test_an_arrest_is_where_the_arrested_were_not_where_their_deed_was(extractor) -> None:  # type: ignore[no-untyped-def]
    text = ("Security officers yesterday detained six members of an armed cell in the town of Kyzyl-Kyya who are "
            "suspected of organising the bombing of an army vehicle near Batken on 14 March.")
    got = _places(extractor, text)
    assert got and all("Batken" not in p for p in got)


def test_a_road_named_after_two_towns_is_in_neither(extractor) -> None:  # type: ignore[no-untyped-def]
    text = ("Four engineers working on the Khujand–Isfara highway were abducted by armed men yesterday evening on the "
            "eastern outskirts of Khujand, their employer said.")
    assert _places(extractor, text) == [["Khujand"]]
    text = "A roadside bomb struck an army vehicle on the Batken–Isfara road on 14 March, killing four soldiers."
    assert _places(extractor, text) == [["Batken"]]


def test_people_who_gather_to_demand_something_protest() -> None:
    from incidex.pipeline.classify import cue_scores

    assert cue_scores("Relatives gathered outside the city administration on Monday to demand their release."
                      ).get("Peaceful protest", 0) >= 2.0


def test_a_road_between_two_towns_is_at_the_first(extractor) -> None:  # type: ignore[no-untyped-def]
    text = "A roadside bomb struck an army truck on the road between Batken and Isfara yesterday, killing four soldiers."
    assert _places(extractor, text) == [["Batken"]]


def test_a_foiled_plan_is_still_an_event(extractor) -> None:  # type: ignore[no-untyped-def]
    text = "Police in Kano foiled a plan to bomb a church on Sunday, seizing explosives from two suspects."
    assert _places(extractor, text) == [["Kano"]]


def test_headlines_joined_by_a_semicolon_are_separate_sentences(extractor) -> None:  # type: ignore[no-untyped-def]
    # UCDP GED's source_headline field: a headline per report, joined by ";" with no space
    text = "Clashes kill over 30 soldiers in northeast Myanmar in two weeks;3 Injured by Grenade Blast in Taunggyi"
    ann = extractor.annotator.annotate(text)
    assert [text[s:e] for s, e in ann.sentences][-1] == "3 Injured by Grenade Blast in Taunggyi"
    ex = extractor.extract(RawDocument(text=text, origin="test"))
    grenade = [e for e in ex.events if e.sub_type == "Grenade"]
    assert [[loc.name for loc in e.locations] for e in grenade] == [["Taunggyi"]]
    assert [c.low for c in grenade[0].casualties] == [3]  # the other headline's figures are not the grenade's
    # prose writes "; " and keeps one sentence
    prose = "Shells hit the market; two people were hurt."
    assert len(extractor.annotator.annotate(prose).sentences) == 1


def test_an_event_told_at_a_country_and_at_a_place_in_it_is_one_event(extractor) -> None:  # type: ignore[no-untyped-def]
    text = ("Two killed in sectarian violence in Myanmar's second city;Curfew imposed on Myanmar's Mandalay as "
            "communal riot erupts")
    ex = extractor.extract(RawDocument(text=text, origin="test", published="2014-07-03"))
    riots = [e for e in ex.events if e.sub_type == "Mob violence"]
    assert [[loc.name for loc in e.locations] for e in riots] == [["Mandalay"]]


def test_a_headline_of_another_type_is_its_own_event(extractor) -> None:  # type: ignore[no-untyped-def]
    text = ("Myanmar says nine police killed by insurgents on Bangladesh border;Two Arrested After Attacks on Border "
            "Guard Posts")
    ex = extractor.extract(RawDocument(text=text, origin="test", published="2016-10-09"))
    assert [e.sub_type for e in ex.events] == ["Armed clash", "Arrests"]
    # in prose, a clause with no place or date of its own still continues the event before it
    prose = ("Militants attacked a police post in Maungdaw on Sunday, killing nine officers. "
             "Two suspects were later arrested.")
    assert len(extractor.extract(RawDocument(text=prose, origin="test")).events) == 1


def test_a_headline_without_a_place_takes_the_one_place_the_other_headlines_give(extractor) -> None:  # type: ignore[no-untyped-def]
    text = ("Myanmar says nine police killed by insurgents on Bangladesh border;Two Arrested After Attacks on Border "
            "Guard Posts in Arakan State;Border post attacks in Myanmar western state")
    ex = extractor.extract(RawDocument(text=text, origin="test", published="2016-10-09"))
    assert [(e.sub_type, [loc.name for loc in e.locations]) for e in ex.events][:2] == [
        ("Armed clash", ["Rakhine"]), ("Arrests", ["Rakhine"])]
    # two places in the other headlines: which one is meant is not known, the country stays
    text = ("Myanmar says nine police killed by insurgents on Bangladesh border;Two Arrested in Sittwe;"
            "Curfew in Mandalay, Myanmar")
    ex = extractor.extract(RawDocument(text=text, origin="test", published="2016-10-09"))
    assert [loc.name for loc in ex.events[0].locations] == ["Myanmar"]
    # prose is no list of headlines
    prose = "Myanmar says nine police were killed by insurgents. In Sittwe, two people were arrested."
    ex = extractor.extract(RawDocument(text=prose, origin="test", published="2016-10-09"))
    assert [loc.name for loc in ex.events[0].locations] == ["Myanmar"]


def test_a_months_toll_is_a_total() -> None:
    from incidex.pipeline.events import is_aggregate

    assert is_aggregate("Myanmar says 22 dead in Kachin fighting this month")
    assert not is_aggregate("Earlier this month, gunmen killed five people in the market")


def test_where_the_losing_side_fled_is_not_where_the_fighting_was(extractor) -> None:  # type: ignore[no-untyped-def]
    text = ("On 12 March, rebels took the town of Nookat after three days of battles. The garrison fled towards Osh. "
            "During the fighting between 10 and 12 March, 17 rebels were killed.")
    ex = extractor.extract(RawDocument(text=text, origin="test", published="2024-03-13"))
    assert [[loc.name for loc in e.locations] for e in ex.events if e.sub_type == "Armed clash"] == [["Nookat"]]


def test_two_events_coordinated_by_and_of_are_two_clauses(extractor) -> None:  # type: ignore[no-untyped-def]
    text = ("These figures include the victims of the shelling of Uzgen on 3–4 March and of the drone strike on the "
            "Kara-Suu market on 10 March.")
    ex = extractor.extract(RawDocument(text=text, origin="test", published="2024-03-22"))
    got = {(e.sub_type, e.locations[0].name, e.date.start) for e in ex.events}
    assert got == {("Shelling/artillery/missile attack", "Uzgen", "2024-03-03"),
                   ("Air/drone strike", "Kara Suu", "2024-03-10")}


def test_the_deed_the_arrested_are_suspected_of_is_an_event_of_its_own(extractor) -> None:  # type: ignore[no-untyped-def]
    text = ("Police yesterday detained six members of an armed cell in the town of Kyzyl-Kyya who are suspected of "
            "organising the bombing of an army vehicle in Batken on 14 March, in which four soldiers were killed.")
    ex = extractor.extract(RawDocument(text=text, origin="test", published="2024-03-17"))
    got = {(e.sub_type, e.locations[0].name, e.date.start): [(c.outcome, c.low) for c in e.casualties]
           for e in ex.events}
    assert got == {("Arrests", "Kyzyl-Kyya", "2024-03-16"): [("detained", 6)],
                   ("Remote explosive/landmine/IED", "Batken", "2024-03-14"): [("killed", 4)]}


def test_a_group_named_by_the_acronym_the_text_defined_takes_the_town(extractor) -> None:  # type: ignore[no-untyped-def]
    text = ("The Valley Liberation Front (VLF) has fought the army near Osh since February.\n\n"
            "Further east, the VLF said it had taken full control of Nookat on Tuesday.")
    ex = extractor.extract(RawDocument(text=text, origin="test", published="2024-03-15"))
    taken = [e for e in ex.events if e.locations and e.locations[0].name == "Nookat"]
    assert [e.sub_type for e in taken] == ["Non-state actor overtakes territory"]


def test_a_dateline_dates_the_report_and_the_clause_its_event(extractor) -> None:  # type: ignore[no-untyped-def]
    text = ("NOOKAT, 23 March 2024 (NPA) — Residents say the army retook the town from Valley Liberation Front "
            "(VLF) rebels on Tuesday.")
    ex = extractor.extract(RawDocument(text=text, origin="test", published="2024-03-23"))
    got = [(e.sub_type, e.date.start) for e in ex.events]
    # the army took the town: the words of the clause say so, whatever the rebels' place among its actors
    assert got == [("Government regains territory", "2024-03-19")]


def test_a_follow_up_raises_the_sub_type_only_on_its_own_evidence(extractor) -> None:  # type: ignore[no-untyped-def]
    def subs(text: str) -> list[str]:
        return [e.sub_type for e in extractor.extract(RawDocument(text=text, origin="test", published="2024-03-05")).events]

    # a doctor's account of the wounded is no chemical attack, whatever the models guess from it
    assert subs("Shells struck residential streets in the town of Uzgen on Monday, killing eight people. A doctor at "
                "the town's central hospital told reporters that eight bodies had been brought in on Monday and that "
                "several of the wounded were in a critical condition.") == ["Shelling/artillery/missile attack"]
    # a car bomb that the claim calls a suicide car bombing is a suicide bomb
    assert subs("A car bomb exploded in the car park of a hotel in Quetta. The group said it was a suicide car "
                "bombing.") == ["Suicide bomb"]


def test_figures_told_before_their_event_in_its_paragraph_are_its_figures(extractor) -> None:  # type: ignore[no-untyped-def]
    text = ("At least 84 deaths and more than 90 injuries were recorded. Shortly afterwards a car bomb targeted a "
            "security checkpoint near Nasiriyah.")
    ex = extractor.extract(RawDocument(text=text, origin="test"))
    assert [(e.sub_type, [(c.outcome, c.low) for c in e.casualties]) for e in ex.events] == [
        ("Remote explosive/landmine/IED", [("killed", 84), ("injured", 91)])]


def test_a_place_named_to_locate_another_is_not_the_events(extractor) -> None:  # type: ignore[no-untyped-def]
    assert _places(extractor, "Suicide bombers attacked a gas plant in Taji, north of Baghdad, killing at least 14 "
                              "people.") == [["Taiji"]]  # GeoNames spells it Taiji
    # alone, it is the best the text gives
    assert _places(extractor, "A roadside bomb exploded 12 kilometres west of Batken, killing four soldiers.") == [
        ["Batken"]]


def test_a_place_named_to_hold_the_one_before_is_no_second_place(extractor) -> None:  # type: ignore[no-untyped-def]
    assert _places(extractor, "A man stabbed three people in Streatham, London, on Sunday.") == [["Streatham"]]
    # a list of towns is several places
    assert _places(extractor, "Shells hit Osh, Uzgen and Kara-Suu on Monday.") == [["Osh"], ["Uzgen"], ["Kara Suu"]]
    # a region the text puts the town in, however far their points are apart
    assert _places(extractor, "A double suicide car bombing killed at least 20 people in the city of Galkayo in "
                              "Somalia's semi autonomous Puntland region.") == [["Gaalkacyo"]]
    # "Far North Region": the region of that name, not a district that has it as an alternate name
    assert _places(extractor, "Four suicide bombers attacked a market in Bodo, Far North Region, close to the "
                              "Nigerian border.") == [["Far North"]]
    # a region that does not hold the town is a second place
    assert len(_places(extractor, "Shells hit Osh on Monday and then Jalal-Abad region on Tuesday.")) == 2


def test_a_holder_in_a_parenthesis_is_no_second_place() -> None:
    from incidex.domain.models import Location, Span
    from incidex.pipeline.assemble import _without_containers
    from incidex.pipeline.places import PlaceMention

    text = "A gunman opened fire inside a Squirrel Hill (Pittsburgh) synagogue."

    def mention(name: str, lat: float, lon: float) -> PlaceMention:
        s = text.index(name)
        loc = Location(name=name, name_as_written=name, country_code="US", lat=lat, lon=lon, feature="town",
                       geo_precision=1, candidates=1, span=Span.of(text, s, s + len(name)))
        return PlaceMention(s, s + len(name), name, location=loc)

    hill, city = mention("Squirrel Hill", 40.43, -79.92), mention("Pittsburgh", 40.44, -80.0)
    assert [p.written for p in _without_containers(text, [hill, city])] == ["Squirrel Hill"]


def test_a_name_that_goes_on_with_a_particle_is_not_its_first_words(extractor) -> None:  # type: ignore[no-untyped-def]
    text = "Three people were killed in a stabbing attack at Notre Dame de Nice. The Mayor of Nice condemned it."
    ex = extractor.extract(RawDocument(text=text, origin="test"))
    assert {loc.country_code for e in ex.events for loc in e.locations} <= {"FR"}  # not Notre Dame, Indiana


def test_an_event_only_the_title_names_is_the_one_the_body_tells(extractor) -> None:  # type: ignore[no-untyped-def]
    text = ("Publisher: A Rights Group | Published: 2024-03-21\n\n"
            "Ardania: investigate the abductions near Khujand\n\n"
            "The group documented the shelling of Kara-Suu on 11 March, which killed six civilians.\n\n"
            "Witnesses described the market after the strike.\n\n"
            "Residents gathered to mourn the dead.\n\n"
            "Aid groups asked for access.\n\n"
            "On 18 March, fighters stopped a bus on the outskirts of Khujand and abducted five workers.")
    ex = extractor.extract(RawDocument(text=text, origin="test"))
    abductions = [e for e in ex.events if e.sub_type == "Abduction/forced disappearance"]
    assert len(abductions) == 1 and abductions[0].date.start == "2024-03-18"
    assert [loc.name for loc in abductions[0].locations] == ["Khujand"]
    assert len(abductions[0].evidence) == 2 and "investigate" in abductions[0].evidence[0].quote


def test_a_peoples_adjective_is_no_place(extractor) -> None:  # type: ignore[no-untyped-def]
    text = ("Three Arab citizens of Israel opened fire on Israeli police officers at the Temple Mount. "
            "A shooting at a Christian church in Kizlyar, Russia, killed five people.")
    ex = extractor.extract(RawDocument(text=text, origin="test"))
    names = {loc.name for e in ex.events for loc in e.locations}
    assert "Arab" not in names and "Moundridge" not in names  # Arab, Alabama; "Christian" as a Kansas town's name
