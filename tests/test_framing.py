import json
from pathlib import Path

import pytest

from incidex.pipeline.framing import find_framing, lexicon

CASES = [json.loads(line) for line in (Path(__file__).parent / "resources" / "framing_cases.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
CANON = {}


def canonical(text):
    out = set()
    for e in lexicon():
        for p in e.patterns:
            for m in p.finditer(text):
                window = text[max(0, m.start() - 40):m.end() + 40]
                if not any(x.search(window) for x in e.exclude):
                    out.add(e.term)
    return out


def test_lexicon_is_well_formed():
    cats = {"loaded_label", "glorification", "victimhood_or_sacralisation", "territorial_claim",
            "intent_attribution", "intensifier", "dehumanisation", "other"}
    entries = lexicon()
    assert len(entries) >= 150
    assert {e.category for e in entries} <= cats
    assert all(e.patterns for e in entries)


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_lexicon_cases(case):
    found = canonical(case["text"])
    for term in case.get("expect", []):
        assert term in found, (term, case["text"])
    for term in case.get("expect_absent", []):
        assert term not in found, (term, case["text"])


def test_find_framing_spans_and_alternatives():
    text = "The heroic soldiers were martyred while liberating the occupied town."
    found = find_framing(text)
    assert found, "loaded terms must be flagged"
    for f in found:
        assert text[f.span.start:f.span.end] == f.span.quote == f.term
    alts = {f.term.lower(): f.neutral_alternative for f in found}
    assert alts.get("martyred") == "killed"


def test_organisation_names_are_not_flagged():
    text = "The Baloch Liberation Army claimed the attack."
    assert not [f for f in find_framing(text) if "liberat" in f.term.lower()]


def _starts_by_full_scan(text):
    """Where the whole lexicon, as one alternation, matches: what the indexed prefilter must find."""
    from incidex.pipeline.framing import _combined

    comb, out = _combined(), []
    m = comb.search(text)
    while m is not None:
        out.append(m.start())
        m = comb.search(text, m.start() + 1)
    return out


def test_word_start_chars_reads_the_first_letters_of_patterns():
    from incidex.pipeline.prefilter import word_start_chars

    assert word_start_chars(r"\bmartyr(?:ed|s)?\b") == {"m"}
    assert word_start_chars(r"\b(?:neo-?)?nazis?\b") == {"n"}
    assert word_start_chars(r"(?<!de-)\boccupation\b") == {"o"}
    assert word_start_chars(r"(?-i:\bPoJ?K\b)") == {"p"}
    assert word_start_chars(r"\b[Kk]hokhols?\b") == {"k"}
    assert word_start_chars(r"\b(?:so-called|self-styled)\b") == {"s"}
    # cannot be told: no leading \b, a start that may be empty, a class of any letter
    assert word_start_chars(r"martyr") is None
    assert word_start_chars(r"\b(?:foo)?\b") is None
    assert word_start_chars(r"\b\w+ist\b") is None
    # every pattern of the shipped lexicon is indexed (none falls back to a scan at every character)
    assert all(word_start_chars(p.pattern) is not None for e in lexicon() for p in e.patterns)


def test_indexed_prefilter_finds_the_same_starts_as_a_full_scan():
    from incidex.pipeline.framing import _starts

    corpus = Path(__file__).resolve().parents[1] / "src" / "incidex" / "demo" / "corpus"
    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))]
    texts += [c["text"] for c in CASES]
    texts += ["The \u212aHOKHOLS fled; s\u017fparatists (\u017feparatists) and the so-called regime's martyrs.",
              "xterrorist terroristx TERRORISTS_ de-occupation occupation PoK pok",
              "\u00e9lite Martyrs\u00e9 \u00c9tat; r\u00e9gime", ""]
    assert texts
    for t in texts:
        assert _starts(t) == _starts_by_full_scan(t), t[:80]


_PIECES = ["terrorist", "martyr", "regime", "occupation", "de-", "so-called", "nazi", "neo", "PoK", "heroic",
           "liberat", "\u017f", "\u212a", "\u00e9", "-", " ", "'", "_", "x", "S", "\n", "1"]


def test_indexed_prefilter_on_random_text():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from incidex.pipeline.framing import _starts

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
    def check(text):
        assert _starts(text) == _starts_by_full_scan(text)

    check()


def test_the_ninth_sessions_entries() -> None:
    from incidex.pipeline.framing import find_framing

    def terms(t: str) -> list[str]:
        return [f.term for f in find_framing(t)]

    assert terms("As a countermeasure, the army advanced.") == ["countermeasure"]
    assert terms("The enemy fled in panic.") == ["enemy", "fled in panic"]
    assert terms("It was a terror attack.") == ["terror attack"]
    assert terms("a programme countering violent extremism") == []
    assert terms("the accomplices of the terrorists") == ["accomplices", "terrorists"]
    assert terms("the gunman and his accomplices") == []
