import pytest

from incidex.pipeline.casualties import figure, find_casualties, parse_number


def cas(text):
    return [(c.outcome, c.group, c.low, c.best, c.high, c.qualifier) for c in find_casualties(text, 0, len(text))]


@pytest.mark.parametrize("num,qual,expected", [
    ("400", "more than", (401, None, None, "more_than")),
    ("94", None, (94, 94, 94, "exact")),
    ("thousand", "more than", (1001, None, None, "more_than")),
    ("a hundred", None, (100, 100, 100, "exact")),
    ("dozens", None, (24, None, None, "several")),
    ("40", "up to", (None, None, 40, "up_to")),
    ("5", "at least", (5, None, None, "at_least")),
    ("30", "about", (30, 30, 30, "about")),
    ("twenty-three", None, (23, 23, 23, "exact")),
    ("1,200", None, (1200, 1200, 1200, "exact")),
])
def test_figures(num, qual, expected):
    assert figure(num, qual) == expected


def test_parse_number_words():
    assert parse_number("two thousand five hundred")[0] == 2500
    assert parse_number("several") == (3, "several")


def test_totals_sentence_keeps_groups_and_outcomes():
    text = ("In total 50 civilians have been killed, more than 300 civilians have been wounded and "
            "120 soldiers were martyred, more than thousand were wounded, while 4 are still missing.")
    assert cas(text) == [
        ("killed", "civilian", 50, 50, 50, "exact"),
        ("injured", "civilian", 301, None, None, "more_than"),
        ("killed", "military", 120, 120, 120, "exact"),
        ("injured", "military", 1001, None, None, "more_than"),
        ("missing", "military", 4, 4, 4, "exact"),
    ]


def test_verb_before_number_and_subcounts():
    assert cas("Jets struck the village, killing 6 civilians, including 2 women.") == [
        ("killed", "civilian", 6, 6, 6, "exact")]


def test_people_is_unknown_group_and_years_are_not_figures():
    assert cas("At least 20 people were killed in 2019.") == [("killed", "unknown", 20, None, None, "at_least")]


def test_numbers_without_outcome_are_ignored():
    assert cas("Around 20 gunmen attacked the village with 3 trucks.") == []


def test_a_summary_box_of_totals_is_an_aggregate():
    """OCHA-style updates open with a box of running totals ("KEY FIGURES", "... in numbers", "at a glance"):
    those figures are totals over the period, never the casualties of one event."""
    from incidex.pipeline.events import is_aggregate

    assert is_aggregate("KEY FIGURES\n- 146+ civilians killed, 389+ injured\n- 52,300 people displaced")
    assert is_aggregate("The crisis in numbers: 1,200 killed and 4,000 injured")
    assert is_aggregate("At a glance: 23 people reported missing")
    assert not is_aggregate("Shells hit the market in Uzgen, killing nine people and injuring 20.")
    assert not is_aggregate("The key to the city was handed over; nine people were killed in the clashes.")


def test_an_updated_toll_after_several_incidents_is_a_total() -> None:
    from incidex.pipeline.events import is_aggregate

    doc = ("Gunmen attacked a settlement near Ondara, killing 11. A reprisal attack followed on two hamlets. "
           "The death toll rose to 141 a few days later. The attacks took place in the same district.")
    toll = "The death toll rose to 141 a few days later."
    assert is_aggregate(toll, doc)
    # one incident: the updated toll is that incident's
    single = "A car bomb exploded at the market in Ondara. The death toll rose to 45 on Monday."
    assert not is_aggregate("The death toll rose to 45 on Monday.", single)
    assert not is_aggregate(toll)  # the sentence alone does not say


def test_headline_verbs_and_figures_joined_by_and() -> None:
    from incidex.pipeline.casualties import find_casualties

    def got(t: str) -> list[tuple[str, int | None, str]]:
        return [(c.outcome, c.low, c.group) for c in find_casualties(t, 0, len(t))]

    # a headline's present tense counts right before its figure
    assert got("Blasts kill one, wound dozens before march") == [("killed", 1, "unknown"), ("injured", 24, "unknown")]
    assert got("Police kill nine militants plotting attack") == [("killed", 9, "military")]
    assert got("Militants kill at least 12 soldiers") == [("killed", 12, "military")]
    assert got("He suffered a wound in 2010, two years on.") == []
    # "one and wounded" is no number; "one hundred and five" is
    assert got("Blasts killed one and wounded dozens") == [("killed", 1, "unknown"), ("injured", 24, "unknown")]
    assert got("One hundred and five people were killed") == [("killed", 105, "unknown")]


@pytest.mark.slow
def test_the_victims_of_violence_against_civilians_are_civilians(extractor) -> None:  # type: ignore[no-untyped-def]
    from incidex.domain.document import RawDocument

    ex = extractor.extract(RawDocument(text="Gunmen attacked a village near Kidal on Sunday, killing 12 people "
                                            "and wounding five. Two of the attackers were killed.", origin="test"))
    attack = next(e for e in ex.events if e.event_type == "Violence against civilians")
    assert {(c.outcome, c.group, c.low) for c in attack.casualties} >= {("killed", "civilian", 12),
                                                                       ("injured", "civilian", 5)}
    assert all(c.group != "civilian" for c in attack.casualties if c.low == 2)  # the attackers keep their group


def test_one_victim_named_by_a_singular_noun() -> None:
    from incidex.pipeline.casualties import find_casualties

    def got(t: str) -> list[tuple[str, int | None, str]]:
        return [(c.outcome, c.low, c.group) for c in find_casualties(t, 0, len(t))]

    assert got("Suspected militants kill Hindu priest in Bangladesh") == [("killed", 1, "civilian")]
    assert got("Landmine Kills Elderly Woman in Hsenwi Township") == [("killed", 1, "civilian")]
    assert got("Prominent secular writer shot dead in Dhaka") == [("killed", 1, "civilian")]
    assert got("A policeman was wounded in the attack.") == [("injured", 1, "military")]
    assert got("Police killed the gunman after a standoff.") == [("killed", 1, "military")]
    assert got("One civilian killed and another injured as shells hit the village") == [
        ("killed", 1, "civilian"), ("injured", 1, "civilian")]
    assert got("The bomb killed the driver and a civilian.") == [("killed", 1, "civilian"), ("killed", 1, "civilian")]
    # no victim: the noun is the agent, or the figure is already counted
    assert got("He was killed by a soldier.") == []
    assert got("The gunman killed five people.") == [("killed", 5, "unknown")]
    assert got("The attack killed one soldier and wounded two.") == [("killed", 1, "military"), ("injured", 2, "military")]


@pytest.mark.slow
def test_a_total_over_a_period_is_an_aggregate_and_its_fighting_an_event(extractor) -> None:  # type: ignore[no-untyped-def]
    from incidex.domain.document import RawDocument

    ex = extractor.extract(RawDocument(text="Artillery shelling of Uzgen killed more than 40 civilians in two weeks.",
                                       origin="test", published="2024-03-22"))
    assert [(c.outcome, c.group, c.low) for a in ex.aggregates for c in a.casualties] == [("killed", "civilian", 41)]
    assert [e.sub_type for e in ex.events] == ["Shelling/artillery/missile attack"] and not ex.events[0].casualties



def test_a_list_of_figures_hostages_executed_and_the_same_victim_told_twice() -> None:
    from incidex.pipeline.casualties import find_casualties

    def got(t: str) -> list[tuple[str, int | None, str]]:
        return [(c.outcome, c.low, c.group) for c in find_casualties(t, 0, len(t))]

    # ", and" before a figure continues the list; "dozens of hostages" are civilians
    assert got("At least 22 civilians, 2 police officers, and 5 attackers were killed in shoot outs and dozens "
               "of hostages were taken.") == [("killed", 22, "civilian"), ("killed", 2, "military"),
                                              ("killed", 5, "military"), ("captured", 24, "civilian")]
    assert got("Twelve hostages were executed and 42 more people were kidnapped.") == [
        ("killed", 12, "civilian"), ("captured", 42, "unknown")]
    assert got("Writer shot dead in Dhaka; jihadist group claims killing secular writer") == [
        ("killed", 1, "civilian")]


@pytest.mark.slow
def test_a_figure_restated_for_one_event_is_one_claim(extractor) -> None:  # type: ignore[no-untyped-def]
    from incidex.domain.document import RawDocument

    ex = extractor.extract(RawDocument(
        text="A bomb exploded at the market in Dhaka on Sunday, killing 20 civilians. Police said 20 civilians "
             "were killed in the blast.", origin="test"))
    cas = [(c.outcome, c.group, c.low) for e in ex.events for c in e.casualties]
    assert cas == [("killed", "civilian", 20)]


def test_a_figure_with_its_sub_count_and_dozens_counted() -> None:
    from incidex.pipeline.casualties import find_casualties

    def got(t: str) -> list[tuple[str, int | None, str]]:
        return [(c.outcome, c.low, c.qualifier) for c in find_casualties(t, 0, len(t))]

    # the sub-count is not a figure of its own, but the verb after it is the figure's
    assert got("At least 80 people including 79 children were kidnapped from a school.") == [
        ("captured", 80, "at_least")]
    assert got("The rocket landed in the arrivals hall, injuring over 2 dozen civilians.") == [
        ("injured", 25, "more_than")]
    assert got("Two dozen people were killed.") == [("killed", 24, "exact")]
    assert got("Five policemen among 40 killed in clashes after the verdict") == [("killed", 5, "exact"),
                                                                               ("killed", 40, "exact")]
    assert got("Burma: Military Massacres Dozens in Rohingya Village") == [("killed", 24, "several")]


def test_military_euphemisms_for_killing_count_as_killed():
    for verb in ("eliminated", "neutralised", "neutralized", "liquidated"):
        got = cas(f"According to preliminary data, more than 20 terrorists were {verb}.")
        assert [(o, low, q) for o, _g, low, _b, _h, q in got] == [("killed", 21, "more_than")], verb


def test_crowds_of_a_place_or_an_occasion_are_civilians() -> None:
    for text, n in (("A bomber blew himself up at a concert, killing at least 22 concertgoers.", 22),
                    ("Gunmen shot dead five worshipers at the mosque.", 5),
                    ("A car rammed the crowd, injuring 12 holidaymakers and revellers.", 12)):
        cas = find_casualties(text, 0, len(text))
        assert [(c.group, c.low) for c in cas][:1] == [("civilian", n)], text


def test_the_day_of_a_date_is_no_figure() -> None:
    for text, figures in (("During the fighting between 10 and 12 March, 17 of our brothers became martyrs.", [17]),
                          ("On October 24, 2018, 2 elderly victims were killed while shopping.", [2]),
                          ("Three explosions occurred in Hua Hin on 12 August, killing 1 and injuring 4 others.", [1, 4]),
                          ("Bombs killed 5 people between March 2 and March 22.", [5])):
        assert [c.low for c in find_casualties(text, 0, len(text))] == figures, text


def test_witnesses_are_no_victims_and_fighters_who_surrender_are_captured() -> None:
    text = "Investigators interviewed nine witnesses, who said that at least six civilians were killed."
    assert [(c.outcome, c.low) for c in find_casualties(text, 0, len(text))] == [("killed", 6)]
    text = "During the operation, 43 militants were killed and 15 surrendered."
    assert [(c.outcome, c.low) for c in find_casualties(text, 0, len(text))] == [("killed", 43), ("captured", 15)]


def test_a_sub_count_told_after_its_whole_is_not_counted_again() -> None:
    text = "Nine civilians, three of them children, were killed."
    assert [c.low for c in find_casualties(text, 0, len(text))] == [9]
    text = "Four other police officers were wounded, 1 of whom was seriously injured."
    assert [c.low for c in find_casualties(text, 0, len(text))] == [4]
    text = "Three of them were killed."  # no whole before it: the figure stands
    assert [c.low for c in find_casualties(text, 0, len(text))] == [3]
