"""Any Unicode text gives schema-valid output whose spans quote the text exactly."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incidex.domain.document import RawDocument

pytestmark = pytest.mark.slow

WORDS = ["Osh", "shelling", "killed", "12", "civilians", "on", "March 3, 2024", "yesterday", "martyred",
         "Geneva Conventions", "resolution 822", "more than", "thousand", "the city of", "Ganja", "\n\n", ".", ","]


def spans_of(res):
    yield from res.document.stance_evidence
    for e in res.events:
        yield from e.evidence
        for loc in e.locations:
            if loc.span:
                yield loc.span
        for a in e.actors:
            if a.span:
                yield a.span
        for c in e.casualties:
            yield c.span
        if e.date.span:
            yield e.date.span
    for a in res.aggregates:
        yield from a.evidence
    for r in res.legal_references:
        yield r.span
    for f in res.framing:
        yield f.span


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=400), st.lists(st.sampled_from(WORDS) | st.text(max_size=8), max_size=60).map(" ".join)))
def test_any_text_gives_valid_output(extractor, text):
    res = extractor.extract(RawDocument(text=text, origin="prop"))
    data = res.to_json_dict()
    type(res).model_validate(data)
    for s in spans_of(res):
        assert text[s.start:s.end] == s.quote
    assert res.document.chars == len(text)
