"""Who took the territory: the side that decides between ACLED's two territorial sub-types.

The ACLED codebook tells "Government regains territory" from "Non-state actor overtakes territory" by the actor
that takes control, not by the verb: "the army recaptured Tessit" and "rebels recaptured Tessit" are different
sub-types, and so are "the town fell to the militants" and "the town was retaken by troops". The classifier's
features (words, word pieces, sentence embeddings) see the verb and the place much more than who the subject is.
``taking_side`` finds the verb of taking control and its agent: the actor after "fell to" or after the "by" of a
passive, else the last actor named before the verb in the same sentence. Actors are told apart by the words that
name them. A state's forces count as the government's wherever they are: the codebook codes a foreign state's
forces taking ground like a non-state actor's, but a word cannot tell a foreign army from a domestic one
("Malian troops seized Kidal"), and leaving national armies undecided cost a development snippet.
"""

from __future__ import annotations

import re
from typing import Literal

Side = Literal["state", "non_state"]

_STATE = (r"(?:the )?(?:army|armies|troops|soldiers|military|armed forces|security forces|government forces|"
          r"govt\.? forces|state forces|regime forces|pro-government forces|government troops|national army|"
          r"police|policemen|national guard|gendarmes?|gendarmerie|marines|paratroopers|commandos|special forces|"
          r"security personnel|defen[cs]e forces|forces loyal to the government|joint task force|"
          r"FARDC|Tatmadaw|SAF|IDF|FAMa|ENDF|SNA|ANDSF|ISF)")
_NON_STATE = (r"(?:the )?(?:militants?|rebels?|insurgents?|jihadists?|islamists?|guerrillas?|fighters|militiam[ae]n|"
              r"militias?|gunmen|terrorists?|extremists?|separatists?|secessionists?|armed groups?|armed men|"
              r"opposition forces|resistance forces|insurgency|Taliban|Maoists?|Naxal(?:ite)?s?|Boko Haram|ISWAP|"
              r"al-?Shabaab|al-?Qaeda|AQAP|Islamic State|IS|ISIS|ISIL|Daesh|JNIM|Houthis?|Ansar Allah|M23|RSF|"
              r"Rapid Support Forces|HTS|Hayat Tahrir al-Sham|SDF|YPG|PKK|FARC|ELN|NPA|ADF|LRA|Seleka|"
              r"anti-Balaka|Arakan Army|TNLA|MNDAA|KIA|People'?s Defen[cs]e Forces?|PDFs?|CODECO|Mai-?Mai)")
_ACTOR = re.compile(rf"\b(?:(?P<state>{_STATE})|(?P<non_state>{_NON_STATE}))\b", re.I)
# acronyms count only as written in capitals (not "is" for IS, "pdf" for PDF)
_CASED = frozenset({"IS", "PDF", "PDFs", "SAF", "ISF", "SNA", "NPA", "ADF", "KIA", "ELN", "RSF", "SDF", "HTS"})

_TAKE = (r"seiz(?:e|ed|es|ing)|captur(?:e|ed|es|ing)|recaptur(?:e|ed|es|ing)|(?:re)?t(?:ook|aken|ake|akes|aking) "
         r"(?:full |total |complete |effective )?(?:over|back|control)|retook|retak(?:e|en|es|ing)|overr?an|overrun(?:ning)?|conquer(?:ed|s|ing)?|"
         r"regain(?:ed|s|ing)?|reclaim(?:ed|s|ing)?|liberat(?:e|ed|es|ing)|gain(?:ed|s)? control|"
         r"assum(?:e|ed) control|seiz(?:ed|ing) control|occup(?:y|ied|ies|ying)|re-?occup(?:y|ied)|stormed")
_TAKE_RE = re.compile(rf"\b(?:{_TAKE})\b", re.I)
_FELL_TO = re.compile(r"\b(?:fell|fallen|falls|fall)(?: back)? (?:in)?to (?:the hands of )?(?P<who>.{0,60})", re.I)
_PASSIVE = re.compile(rf"\b(?:was|were|been|being|is|are|has been|have been|had been)\s+(?:\w+\s+)?"
                      rf"(?:{_TAKE})\b.{{0,60}}?\bby (?P<who>.{{0,60}})", re.I)
_SENTENCE_END = re.compile(r"[.!?;]\s")


_CASED_LOWER = frozenset(w.lower() for w in _CASED)


def _side(m: re.Match[str]) -> Side | None:
    word = m.group(0)
    if word.lower() in _CASED_LOWER and word not in _CASED:
        return None  # "is", "pdf": a word, not the acronym
    return "state" if m.group("state") else "non_state"


def _first_actor(s: str) -> Side | None:
    for m in _ACTOR.finditer(s):
        side = _side(m)
        if side is not None:
            return side
    return None


def taking_side(text: str) -> Side | None:
    """"state" or "non_state": who takes control in ``text``; None when it does not say or cannot be told."""
    m = _FELL_TO.search(text)
    if m:
        side = _first_actor(m.group("who"))
        if side is not None:
            return side
    m = _PASSIVE.search(text)
    if m:
        side = _first_actor(m.group("who"))
        if side is not None:
            return side
    for v in _TAKE_RE.finditer(text):
        start = 0
        for e in _SENTENCE_END.finditer(text, 0, v.start()):
            start = e.end()
        before = [s for a in _ACTOR.finditer(text, start, v.start()) if (s := _side(a)) is not None]
        if before:
            return before[-1]
    return None
