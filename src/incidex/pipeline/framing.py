"""Framing: loaded terms from the project's lexicon (``resources/framing.toml``).

The lexicon is data, not code: each entry has a canonical ``term``, regex
``patterns``, a ``category``, a ``neutral_alternative`` and optional
``exclude`` regexes. A match is dropped when an exclude regex matches the
window of 40 characters on either side that contains it ("Baloch Liberation
Army" is a name, not a claim of liberation). Users extend it with
``INCIDEX_FRAMING_LEXICON=/path/extra.toml`` (entries appended).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from incidex.domain.models import Framing, Span
from incidex.pipeline.prefilter import ByFirstLetter

LEXICON_PATH = Path(__file__).with_name("resources") / "framing.toml"
WINDOW = 40


@dataclass(frozen=True)
class LexiconEntry:
    term: str
    category: str
    neutral_alternative: str
    patterns: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]


def _load(path: Path) -> list[LexiconEntry]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out = []
    for t in data.get("term", []):
        out.append(LexiconEntry(
            term=str(t["term"]),
            category=str(t["category"]),
            neutral_alternative=str(t.get("neutral_alternative", "")),
            patterns=tuple(re.compile(p, re.I) for p in t.get("patterns", [re.escape(t["term"])])),
            exclude=tuple(re.compile(p, re.I) for p in t.get("exclude", [])),
        ))
    return out


@lru_cache(maxsize=1)
def lexicon() -> tuple[LexiconEntry, ...]:
    entries = _load(LEXICON_PATH)
    extra = os.environ.get("INCIDEX_FRAMING_LEXICON")
    if extra:
        entries += _load(Path(extra))
    return tuple(entries)


@lru_cache(maxsize=1)
def _combined() -> re.Pattern[str]:
    """Every pattern of the lexicon as one alternation."""
    return re.compile("|".join(f"(?:{p.pattern})" for e in lexicon() for p in e.patterns), re.I)


@lru_cache(maxsize=1)
def _index() -> ByFirstLetter:
    return ByFirstLetter([p.pattern for e in lexicon() for p in e.patterns], re.I)


def _starts(text: str) -> list[int]:
    """Every position where some pattern of the lexicon matches (overlapping ones included)."""
    return _index().starts(text)


def find_framing(text: str) -> list[Framing]:
    # the positions where loaded words start are found first (prefilter.py); only there is each entry
    # tried (about 20x cheaper than running every entry, 240 in 2026-11, over the whole text)
    starts = _starts(text)
    if not starts:
        return []
    found: list[Framing] = []
    taken: list[tuple[int, int]] = []
    for entry in lexicon():
        for pat in entry.patterns:
            for m in (pat.match(text, pos) for pos in starts):
                if m is None:
                    continue
                s, e = m.span()
                if s == e or any(s < te and ts < e for ts, te in taken):
                    continue
                window = text[max(0, s - WINDOW):e + WINDOW]
                if any(x.search(window) for x in entry.exclude):
                    continue
                taken.append((s, e))
                found.append(Framing(term=text[s:e], category=entry.category,  # type: ignore[arg-type]
                                     neutral_alternative=entry.neutral_alternative, span=Span.of(text, s, e)))
    found.sort(key=lambda f: f.span.start)
    return found


def loaded_words() -> re.Pattern[str]:
    """The lexicon as one pattern, for checking the system's own sentences."""
    return _combined()
