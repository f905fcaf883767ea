from incidex.pipeline.legal import find_legal


def keys(text):
    return [(r.instrument, r.identifier, r.year, r.kind) for r in find_legal(text)]


def test_each_resolution_is_its_own_reference_with_the_year():
    refs = keys("in breach of UN Security Council resolutions 242, 338 of 1967 and the Fourth Geneva Convention")
    assert ("UN Security Council Resolution", "242", 1967, "instrument") in refs
    assert ("UN Security Council Resolution", "338", 1967, "instrument") in refs
    assert ("Geneva Conventions", None, 1949, "instrument") in refs


def test_bodies_of_law_accusations_courts_agreements():
    text = ("The group says the strikes violate IHL and international law, amount to war crimes and crimes "
            "against humanity, and asks the International Criminal Court to act under the Rome Statute; "
            "the ceasefire agreement signed in 2022 collapsed.")
    got = {k[0]: k[3] for k in keys(text)}
    assert got["international humanitarian law"] == "body_of_law"
    assert got["international law"] == "body_of_law"
    assert got["war crimes"] == "accusation"
    assert got["crimes against humanity"] == "accusation"
    assert got["International Criminal Court"] == "ruling"
    assert got["Rome Statute"] == "instrument"
    assert got["ceasefire agreement"] == "agreement"


def test_spans_quote_the_text():
    text = "It cited the Additional Protocols and the UN Charter."
    for r in find_legal(text):
        assert text[r.span.start:r.span.end] == r.span.quote


def test_a_humanitarian_pause_is_an_agreement_reference() -> None:
    from incidex.pipeline.legal import find_legal

    for text in ("The two sides signed a 30-day humanitarian pause in Fergana.",
                 "Shelling tests the week-old humanitarian pause.",
                 "The Fergana Humanitarian Pause Agreement was signed on 25 March 2024."):
        assert [r.instrument for r in find_legal(text)] == ["ceasefire agreement"], text
    assert find_legal("The talks paused for lunch.") == []
