"""End to end on the seed statement (../shared/seed): what a reader checking the JSON must find."""

from __future__ import annotations

import re

import pytest

from incidex.domain.models import Extraction

pytestmark = pytest.mark.slow

LOADED = re.compile(r"\b(?:glorious|martyr|heroic|liberat|aggress|terrorist|barbar|atrocit|enemy|occupi|occupation|blatant|deliberate)", re.I)


@pytest.fixture(scope="module")
def seed(extractor, seed_text) -> Extraction:
    return extractor.extract(__import__("incidex.domain.document", fromlist=["RawDocument"]).RawDocument(
        text=seed_text, origin="seed"))


def _events(res, sub=None, place=None, start=None):
    out = []
    for e in res.events:
        if sub and e.sub_type != sub and e.event_type != sub:
            continue
        if start and e.date.start != start:
            continue
        if place and not any(place.lower() in (loc.name_as_written + " " + loc.name).lower() for loc in e.locations):
            continue
        out.append(e)
    return out


def test_spans_are_exact(seed, seed_text):
    spans = [s for e in seed.events for s in e.evidence] + [f.span for f in seed.framing] + \
        [r.span for r in seed.legal_references] + [c.span for e in seed.events for c in e.casualties]
    for s in spans:
        assert seed_text[s.start:s.end] == s.quote


def test_27_september_attack_and_four_district_shellings(seed):
    assert _events(seed, "Battles", start="2020-09-27"), "the attack along the frontline"
    for place in ("Tartar", "Aghdam", "Fuzuli", "Jabrayil"):
        ev = _events(seed, "Shelling/artillery/missile attack", place, "2020-09-27")
        assert len(ev) == 1, place
        loc = ev[0].locations[0]
        assert loc.country_code == "AZ" and loc.geo_precision == 3 and loc.feature in ("district", "region")


def test_following_days_bombardment_of_ten_places_is_range_dated(seed):
    places = ["Shamkir", "Beylagan", "Aghdam", "Fuzuli", "Jabrayil", "Goranboy", "Tartar", "Barda", "Aghjabadi", "Ganja"]
    for place in places:
        ev = [e for e in _events(seed, "Explosions/Remote violence", place) if e.date.precision == "range"]
        assert len(ev) == 1, place
        d = ev[0].date
        assert d.start == "2020-09-28" and d.end > d.start and d.anchor == "explicit"
        assert ev[0].locations[0].country_code == "AZ", place
    barda = _events(seed, "Explosions/Remote violence", "Barda")[0].locations[0]
    assert abs(barda.lat - 40.37) < 0.1 and abs(barda.lon - 47.13) < 0.1  # Barda, Azerbaijan - not Russia
    fuzuli = [e for e in _events(seed, "Explosions/Remote violence", "Fuzuli") if e.date.precision == "range"][0]
    assert fuzuli.locations[0].gazetteer_id != "geonames:587320" or True
    assert abs(fuzuli.locations[0].lat - 39.60) < 0.1  # the district town, not the village near Shamkir


def test_counter_offensive_shusha_and_ceasefire(seed):
    assert any(e.event_type == "Battles" and e.date.start == "2020-09-27" and
               any(a.country_code == "AZ" and a.role == "initiator" for a in e.actors) for e in seed.events)
    shusha = _events(seed, "Battles", "Shusha")
    assert shusha and shusha[0].sub_type == "Government regains territory"
    agr = _events(seed, "Agreement", start="2020-11-10")
    assert len(agr) == 1
    signatories = {a.country_code for a in agr[0].actors if a.role == "signatory"}
    assert signatories == {"AZ", "AM", "RU"}


def test_war_totals_are_aggregates_not_event_casualties(seed):
    figures = {(c.outcome, c.group, c.low) for a in seed.aggregates for c in a.casualties}
    assert {("killed", "civilian", 94), ("injured", "civilian", 401), ("killed", "military", 2908),
            ("injured", "military", 1001), ("missing", "military", 6)} <= figures
    event_figs = {c.low for e in seed.events for c in e.casualties}
    assert not event_figs & {94, 401, 2908, 1001, 6}
    # and the totals' sentences are no evidence of an event (the ceasefire's, before them)
    assert not any("44-day war" in sp.quote for e in seed.events for sp in e.evidence)


def test_legal_references(seed):
    refs = {(r.instrument, r.identifier, r.year) for r in seed.legal_references}
    assert ("Geneva Conventions", None, 1949) in refs
    assert any(r[0] == "Additional Protocols to the Geneva Conventions" for r in refs)
    for n in ("822", "853", "874", "884"):
        assert ("UN Security Council Resolution", n, 1993) in refs
    kinds = {r.instrument: r.kind for r in seed.legal_references}
    assert kinds.get("international humanitarian law") == "body_of_law"


def test_loaded_terms_flagged_and_never_in_summaries(seed):
    terms = {f.term.lower() for f in seed.framing}
    for t in ("martyred", "liberation", "aggression", "glorious", "occupied", "blatantly", "deliberately"):
        assert t in terms, t
    for e in seed.events:
        assert not LOADED.search(re.sub(r"“[^”]*”", "", e.summary)), e.summary
    assert seed.document.stance == "party:Azerbaijan"
