"""The NLP annotation stage: sentences and entity spans, behind a Protocol.

The pipeline never imports spaCy; ``incidex.nlp`` provides the spaCy annotator and
tests can pass any object with the same ``annotate``/``annotate_many`` methods.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    label: str
    text: str


@dataclass(frozen=True)
class AnnotatedText:
    text: str
    sentences: tuple[tuple[int, int], ...]
    entities: tuple[Entity, ...] = field(default=())

    def sentence_of(self, pos: int) -> tuple[int, int]:
        for s, e in self.sentences:
            if s <= pos < e:
                return s, e
        return 0, len(self.text)


class Annotator(Protocol):
    """Anything that can split text into sentences and find named-entity spans."""

    name: str

    def annotate(self, text: str) -> AnnotatedText: ...

    def annotate_many(self, texts: Iterable[str]) -> Iterator[AnnotatedText]: ...
