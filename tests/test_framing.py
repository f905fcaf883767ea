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
