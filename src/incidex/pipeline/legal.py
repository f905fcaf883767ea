"""Legal references: instruments, bodies of law, accusations in legal terms, courts.

Each UN Security Council resolution number is its own reference ("resolutions
822, 853, 874, 884 of 1993" gives four, each with the year). Accusations
("war crimes", "genocide") are the text's claim, never a finding.
"""

from __future__ import annotations

import re

from incidex.domain.models import LegalRef, Span

_RES_BLOCK = re.compile(
    r"\b(?:(?:UN|U\.N\.|United Nations)\s+)?Security\s+Council(?:'s)?\s+(?:Resolutions?|resolutions?)\s*"
    r"(?:No\.?|Nos\.?|numbers?)?\s*(?P<nums>\d{2,4}(?:\s*\(\d{4}\))?(?:\s*(?:,|and|&)\s*\d{2,4}(?:\s*\(\d{4}\))?)*)"
    r"(?:\s+(?:of|from|adopted in)\s+(?P<year>(?:19|20)\d\d))?"
    r"|\b(?:UNSC|UNSCR)\s+(?:Resolutions?\s+)?(?P<nums2>\d{2,4}(?:\s*(?:,|and)\s*\d{2,4})*)(?:\s*\((?P<year2>(?:19|20)\d\d)\))?",
    re.I,
)
_NUM = re.compile(r"(?P<n>\d{2,4})(?:\s*\((?P<y>(?:19|20)\d\d)\))?")

# (canonical instrument, kind, pattern); order matters where patterns overlap
PATTERNS: list[tuple[str, str, re.Pattern[str]]] = [
    ("Additional Protocols to the Geneva Conventions", "instrument",
     re.compile(r"\b(?:its\s+|the\s+)?(?:First|Second|Third|I|II|III)?\s*Additional\s+Protocols?(?:\s+(?:I|II|III))?(?:\s+to\s+the\s+Geneva\s+Conventions?)?", re.I)),
    ("Geneva Conventions", "instrument", re.compile(r"\b(?:the\s+)?(?:(?:First|Second|Third|Fourth)\s+)?Geneva\s+Conventions?(?:\s+of\s+(?P<year>1949))?", re.I)),
    ("UN Charter", "instrument", re.compile(r"\b(?:the\s+)?(?:UN|U\.N\.|United\s+Nations)\s+Charter\b|\bCharter\s+of\s+the\s+United\s+Nations\b", re.I)),
    ("Rome Statute", "instrument", re.compile(r"\bRome\s+Statute\b", re.I)),
    ("Genocide Convention", "instrument", re.compile(r"\bGenocide\s+Convention\b|\bConvention\s+on\s+the\s+Prevention\s+and\s+Punishment\s+of\s+the\s+Crime\s+of\s+Genocide\b", re.I)),
    ("Convention against Torture", "instrument", re.compile(r"\bConvention\s+against\s+Torture\b", re.I)),
    ("Ottawa Treaty", "instrument", re.compile(r"\bOttawa\s+(?:Treaty|Convention)\b|\bMine\s+Ban\s+(?:Treaty|Convention)\b", re.I)),
    ("Convention on Cluster Munitions", "instrument", re.compile(r"\bConvention\s+on\s+Cluster\s+Munitions\b", re.I)),
    ("Chemical Weapons Convention", "instrument", re.compile(r"\bChemical\s+Weapons\s+Convention\b", re.I)),
    ("international humanitarian law", "body_of_law", re.compile(r"\binternational\s+humanitarian\s+law\b|\bIHL\b|\blaws?\s+of\s+(?:war|armed\s+conflict)\b", re.I)),
    ("international human rights law", "body_of_law", re.compile(r"\binternational\s+human\s+rights\s+law\b", re.I)),
    ("international law", "body_of_law", re.compile(r"\binternational\s+law\b(?!\s+commission)", re.I)),
    ("war crimes", "accusation", re.compile(r"\bwar\s+crimes?\b", re.I)),
    ("crimes against humanity", "accusation", re.compile(r"\bcrimes?\s+against\s+humanity\b", re.I)),
    ("genocide", "accusation", re.compile(r"\bgenocid(?:e|al)\b(?!\s+convention)", re.I)),
    ("ethnic cleansing", "accusation", re.compile(r"\bethnic\s+cleansing\b", re.I)),
    ("International Court of Justice", "ruling", re.compile(r"\bInternational\s+Court\s+of\s+Justice\b|\bICJ\b")),
    ("International Criminal Court", "ruling", re.compile(r"\bInternational\s+Criminal\s+Court\b|\bICC\b")),
    ("ceasefire agreement", "agreement", re.compile(
        r"\b(?:(?:the\s+)?(?:trilateral|bilateral|tripartite|humanitarian)\s+)?(?:cease-?fire|truce|peace|pause)\s+"
        r"(?:agreement|treaty|deal|accord|statement|declaration|regime)\b"
        r"|\b(?:trilateral|joint)\s+statement\b"
        # "signed a 30-day humanitarian pause", "tests week-old humanitarian pause", "the armistice"
        r"|\bhumanitarian\s+(?:pause|truce|cease-?fire)\b|\barmistice\b", re.I)),
]


def find_legal(text: str) -> list[LegalRef]:
    refs: list[LegalRef] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return not any(s < te and ts < e for ts, te in taken)

    for m in _RES_BLOCK.finditer(text):
        nums_g = "nums" if m.group("nums") else "nums2"
        block_year = m.group("year") or m.group("year2")
        base = m.start(nums_g)
        for n in _NUM.finditer(m.group(nums_g)):
            year = n.group("y") or block_year
            s, e = base + n.start("n"), base + n.end("n")
            refs.append(LegalRef(instrument="UN Security Council Resolution", identifier=n.group("n"),
                                 year=int(year) if year else None, kind="instrument", span=Span.of(text, s, e)))
        taken.append(m.span())
    for name, kind, pat in PATTERNS:
        for m in pat.finditer(text):
            s, e = m.span()
            while s < e and text[s].isspace():
                s += 1
            if not free(s, e):
                continue
            taken.append((s, e))
            year = None
            gd = m.groupdict()
            if gd.get("year"):
                year = int(gd["year"])
            elif name == "Geneva Conventions":
                year = 1949
            elif name == "ceasefire agreement":
                ym = re.search(r"(?:19|20)\d\d", text[e:e + 80])
                year = int(ym.group(0)) if ym and "sign" in text[e:e + 80].lower() else None
            refs.append(LegalRef(instrument=name, identifier=None, year=year, kind=kind,  # type: ignore[arg-type]
                                 span=Span.of(text, s, e)))
    refs.sort(key=lambda r: r.span.start)
    return refs
