"""Run many word-anchored regexes over a text by trying each only where a word starts with a letter it can
start with.

The framing lexicon (337 patterns) and the event-cue tables (50 alternations) are regexes that begin with
``\\b`` and a word. Python's ``re`` has no index over the alternatives of a pattern: one scan of the lexicon
as a single alternation tried every alternative at every character (8 ms for a page of text), and the cue
tables cost 50 searches of every clause. Reading each pattern's parsed form tells which letters it can start
with; ``ByFirstLetter`` then tries a pattern only at the word starts with one of those letters. It finds
exactly what the full scans find (tests compare both on the demo corpus and on random text): a pattern whose
start cannot be told is run over the whole text as before, and a word starting with a non-ASCII letter is
tried against every pattern, since case folding maps some of them onto ASCII ones (the Kelvin sign onto k).
"""

from __future__ import annotations

import re
import re._constants as _c  # the parsed form of a pattern (the standard library's own parser)
import re._parser as _parser
from collections.abc import Sequence
from typing import Any

WORD_START = re.compile(r"\b\w")


class _Unknown(Exception):
    pass


def _first_of_seq(items: list[tuple[Any, Any]]) -> tuple[set[str], bool]:
    """The characters a parsed sequence can start with (lower-cased), and whether it can match empty."""
    acc: set[str] = set()
    for op, av in items:
        chars, nullable = _first_of_item(op, av)
        acc |= chars
        if not nullable:
            return acc, False
    return acc, True


def _first_of_item(op: Any, av: Any) -> tuple[set[str], bool]:
    if op is _c.LITERAL:
        return {chr(av).lower()}, False
    if op is _c.IN:
        out: set[str] = set()
        for iop, iav in av:
            if iop is _c.LITERAL:
                out.add(chr(iav).lower())
            elif iop is _c.RANGE and iav[1] - iav[0] <= 64:
                out.update(chr(x).lower() for x in range(iav[0], iav[1] + 1))
            else:
                raise _Unknown
        return out, False
    if op is _c.SUBPATTERN:
        return _first_of_seq(list(av[3]))
    if op is _c.BRANCH:
        out, nullable = set(), False
        for alt in av[1]:
            chars, n = _first_of_seq(list(alt))
            out |= chars
            nullable = nullable or n
        return out, nullable
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        chars, n = _first_of_seq(list(av[2]))
        return chars, n or av[0] == 0
    if op is _c.AT:
        return set(), True
    raise _Unknown


def _word_start(items: list[tuple[Any, Any]]) -> set[str]:
    while items and items[0][0] in (_c.SUBPATTERN, _c.ASSERT, _c.ASSERT_NOT):
        # "(?-i:\bPoK\b)" is read as what it holds; a look-around only narrows where a match can start
        op, av = items[0]
        items = list(av[3]) + items[1:] if op is _c.SUBPATTERN else items[1:]
    if not items:
        raise _Unknown
    op, av = items[0]
    if op is _c.BRANCH:  # "(?:\bfoo)|(?:(?<!x)\bbar)": each alternative on its own
        out: set[str] = set()
        for alt in av[1]:
            out |= _word_start(list(alt) + items[1:])
        return out
    if (op, av) != (_c.AT, _c.AT_BOUNDARY):
        raise _Unknown
    chars, nullable = _first_of_seq(items[1:])
    if nullable or not chars:
        raise _Unknown
    return chars


def word_start_chars(pattern: str) -> frozenset[str] | None:
    """For a pattern that can only match where a word starts (``\\b`` then a word character), the lower-cased
    letters such a word can start with; None when that cannot be told from the pattern."""
    try:
        chars = _word_start(list(_parser.parse(pattern, re.I)))
    except (_Unknown, re.error, TypeError, ValueError, IndexError, AttributeError):
        return None
    if not all(ch.isascii() and (ch.isalnum() or ch == "_") for ch in chars):
        return None
    return frozenset(chars)


class ByFirstLetter:
    """Regexes (compiled with ``flags``) indexed by the letters their matches can start with."""

    def __init__(self, patterns: Sequence[str], flags: int = re.I) -> None:
        self.patterns = [re.compile(p, flags) for p in patterns]
        by_char: dict[str, list[int]] = {}
        self.rest: list[int] = []
        indexed: list[int] = []
        for i, p in enumerate(patterns):
            chars = word_start_chars(p)
            if chars is None:
                self.rest.append(i)
                continue
            indexed.append(i)
            for ch in chars:
                by_char.setdefault(ch, []).append(i)
        self.by_char = {ch: tuple(ix) for ch, ix in by_char.items()}
        self.indexed = tuple(indexed)
        alt = "|".join
        self._group = {ch: re.compile(alt(f"(?:{patterns[i]})" for i in ix), flags) for ch, ix in self.by_char.items()}
        self._indexed_alt = re.compile(alt(f"(?:{patterns[i]})" for i in self.indexed), flags) if self.indexed else None
        self._rest_alt = re.compile(alt(f"(?:{patterns[i]})" for i in self.rest), flags) if self.rest else None

    def starts(self, text: str) -> list[int]:
        """Every position where some pattern matches, in order (overlapping matches included): what searching
        the alternation of all the patterns again from each match's start + 1 finds."""
        out: list[int] = []
        group, every = self._group, self._indexed_alt
        for m in WORD_START.finditer(text):
            pos = m.start()
            ch = text[pos]
            g = group.get(ch.lower()) if ch.isascii() else every
            if g is not None and g.match(text, pos):
                out.append(pos)
        if self._rest_alt is not None:
            rest, m0 = self._rest_alt, self._rest_alt.search(text)
            while m0 is not None:
                out.append(m0.start())
                m0 = rest.search(text, m0.start() + 1)
            out = sorted(set(out))
        return out

    def matching(self, text: str) -> set[int]:
        """The indices of the patterns that match somewhere in ``text`` (as ``pattern.search(text)``)."""
        found = {i for i in self.rest if self.patterns[i].search(text)}
        pats, by_char, indexed = self.patterns, self.by_char, self.indexed
        for m in WORD_START.finditer(text):
            pos = m.start()
            ch = text[pos]
            for i in (by_char.get(ch.lower(), ()) if ch.isascii() else indexed):
                if i not in found and pats[i].match(text, pos):
                    found.add(i)
        return found
