"""In-memory fakes for the pipeline's Protocols (gazetteer, annotator)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from incidex.pipeline.annotate import AnnotatedText, Entity


@dataclass(frozen=True)
class FakeCandidate:
    id: str
    name: str
    country_code: str | None
    admin1: str | None
    admin2: str | None
    lat: float
    lon: float
    feature: str
    population: int
    match: str = "exact"


class FakeGazetteer:
    """A handful of places; names fold to lower case."""

    def __init__(self, places: list[FakeCandidate], aliases: dict[str, list[str]] | None = None,
                 demonyms: dict[str, str] | None = None) -> None:
        self.by_name: dict[str, list[FakeCandidate]] = {}
        for p in places:
            self.by_name.setdefault(p.name.lower(), []).append(p)
        for alias, ids in (aliases or {}).items():
            self.by_name.setdefault(alias.lower(), []).extend(p for p in places if p.id in ids)
        self.demonyms = {k.lower(): v for k, v in (demonyms or {}).items()}

    def lookup(self, name: str) -> tuple[FakeCandidate, ...]:
        return tuple(self.by_name.get(name.lower(), ()))

    def country(self, code: str) -> FakeCandidate | None:
        return next((p for ps in self.by_name.values() for p in ps if p.feature == "country" and p.country_code == code), None)

    def demonym(self, word: str) -> str | None:
        return self.demonyms.get(word.lower().rstrip("s")) or self.demonyms.get(word.lower())

    def country_name(self, word: str) -> tuple[str, str] | None:
        if len(word) == 2 and word.isupper():
            c = self.country(word)
            return (word, c.name) if c else None
        for c in self.lookup(word):
            if c.feature == "country" and c.country_code:
                return c.country_code, c.name
        return None


class RegexAnnotator:
    """Sentences split on full stops; entities = capitalised words (no model needed)."""

    name = "regex"

    def annotate(self, text: str) -> AnnotatedText:
        sents = []
        start = 0
        for m in re.finditer(r"[.!?](?:\s+|$)", text):
            sents.append((start, m.start() + 1))
            start = m.end()
        if text[start:].strip():
            sents.append((start, len(text)))
        ents = tuple(Entity(m.start(), m.end(), "GPE", m.group(0)) for m in re.finditer(r"\b[A-Z][a-z]+\b", text))
        return AnnotatedText(text=text, sentences=tuple(sents), entities=ents)

    def annotate_many(self, texts: Iterable[str]) -> Iterator[AnnotatedText]:
        for t in texts:
            yield self.annotate(t)


AZ = [
    FakeCandidate("g:1", "Azerbaijan", "AZ", None, None, 40.5, 47.5, "country", 10_000_000),
    FakeCandidate("g:2", "Armenia", "AM", None, None, 40.0, 45.0, "country", 3_000_000),
    FakeCandidate("g:3", "Barda", "AZ", "Barda Rayon", None, 40.37, 47.13, "town", 41_600),
    FakeCandidate("g:4", "Barda", "RU", "Perm", None, 56.93, 57.6, "village", 5_000),
    FakeCandidate("g:5", "Fuzuli", "AZ", "Fuzuli", None, 39.60, 47.14, "town", 25_100),
    FakeCandidate("g:6", "Fuzuli", "AZ", "Shamkir Rayon", None, 40.9, 46.0, "village", 800),
    FakeCandidate("g:7", "Tartar Rayon", "AZ", "Tartar Rayon", None, 40.4, 46.9, "region", 21_200),
    FakeCandidate("g:8", "Tartar", "AZ", "Tartar Rayon", None, 40.34, 46.93, "town", 20_400),
    FakeCandidate("g:9", "Ganja", "AZ", "Ganja City", None, 40.68, 46.36, "city", 330_000),
]
AZ_GAZ = FakeGazetteer(AZ, aliases={"tartar": ["g:7"], "terter": ["g:8"]}, demonyms={"azerbaijani": "AZ", "armenian": "AM"})
