"""US and Canadian state and province abbreviations after a town: "Macon, Ga.", "Dayton, OH", "Kingston, Ont.".

North American news writes the state after the town in the wire-service style (AP: "Ga.", "Tenn.", "N.Y.";
Canadian Press: "Ont.", "B.C.") or as the postal code ("GA", "TN"). Folded, these are no place names the
gazetteer can hold: "ga" is two letters, "Ga." alone is Gabon's code, "N.Y." a Chinese village's alternate name,
"Fla." a Norwegian village, and "Mass." or "Miss." begin sentences. So they are read only in that position,
after a comma that follows a capitalised word (``find``); ``places.resolve`` then looks up the state itself, and
``places.document_context`` counts it as a mention of the state. The abbreviations are the published style lists,
written out here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# AP style (states), Canadian Press style (provinces)
_STYLE: dict[str, tuple[str, str]] = {
    "Ala.": ("Alabama", "US"), "Ariz.": ("Arizona", "US"), "Ark.": ("Arkansas", "US"),
    "Calif.": ("California", "US"), "Colo.": ("Colorado", "US"), "Conn.": ("Connecticut", "US"),
    "Del.": ("Delaware", "US"), "Fla.": ("Florida", "US"), "Ga.": ("Georgia", "US"), "Ill.": ("Illinois", "US"),
    "Ind.": ("Indiana", "US"), "Kan.": ("Kansas", "US"), "Kans.": ("Kansas", "US"), "Ky.": ("Kentucky", "US"),
    "La.": ("Louisiana", "US"), "Md.": ("Maryland", "US"), "Mass.": ("Massachusetts", "US"),
    "Mich.": ("Michigan", "US"), "Minn.": ("Minnesota", "US"), "Miss.": ("Mississippi", "US"),
    "Mo.": ("Missouri", "US"), "Mont.": ("Montana", "US"), "Neb.": ("Nebraska", "US"), "Nev.": ("Nevada", "US"),
    "N.H.": ("New Hampshire", "US"), "N.J.": ("New Jersey", "US"), "N.M.": ("New Mexico", "US"),
    "N.Y.": ("New York", "US"), "N.C.": ("North Carolina", "US"), "N.D.": ("North Dakota", "US"),
    "Okla.": ("Oklahoma", "US"), "Ore.": ("Oregon", "US"), "Pa.": ("Pennsylvania", "US"),
    "R.I.": ("Rhode Island", "US"), "S.C.": ("South Carolina", "US"), "S.D.": ("South Dakota", "US"),
    "Tenn.": ("Tennessee", "US"), "Tex.": ("Texas", "US"), "Vt.": ("Vermont", "US"), "Va.": ("Virginia", "US"),
    "Wash.": ("Washington", "US"), "W.Va.": ("West Virginia", "US"), "W. Va.": ("West Virginia", "US"),
    "Wis.": ("Wisconsin", "US"), "Wyo.": ("Wyoming", "US"), "D.C.": ("Washington, D.C.", "US"),
    "Alta.": ("Alberta", "CA"), "B.C.": ("British Columbia", "CA"), "Man.": ("Manitoba", "CA"),
    "N.B.": ("New Brunswick", "CA"), "Nfld.": ("Newfoundland and Labrador", "CA"), "N.S.": ("Nova Scotia", "CA"),
    "Ont.": ("Ontario", "CA"), "P.E.I.": ("Prince Edward Island", "CA"), "Que.": ("Quebec", "CA"),
    "Sask.": ("Saskatchewan", "CA"),
}
_POSTAL: dict[str, tuple[str, str]] = {
    "AL": ("Alabama", "US"), "AK": ("Alaska", "US"), "AZ": ("Arizona", "US"), "AR": ("Arkansas", "US"),
    "CA": ("California", "US"), "CO": ("Colorado", "US"), "CT": ("Connecticut", "US"), "DE": ("Delaware", "US"),
    "FL": ("Florida", "US"), "GA": ("Georgia", "US"), "HI": ("Hawaii", "US"), "ID": ("Idaho", "US"),
    "IL": ("Illinois", "US"), "IN": ("Indiana", "US"), "IA": ("Iowa", "US"), "KS": ("Kansas", "US"),
    "KY": ("Kentucky", "US"), "LA": ("Louisiana", "US"), "ME": ("Maine", "US"), "MD": ("Maryland", "US"),
    "MA": ("Massachusetts", "US"), "MI": ("Michigan", "US"), "MN": ("Minnesota", "US"), "MS": ("Mississippi", "US"),
    "MO": ("Missouri", "US"), "MT": ("Montana", "US"), "NE": ("Nebraska", "US"), "NV": ("Nevada", "US"),
    "NH": ("New Hampshire", "US"), "NJ": ("New Jersey", "US"), "NM": ("New Mexico", "US"), "NY": ("New York", "US"),
    "NC": ("North Carolina", "US"), "ND": ("North Dakota", "US"), "OH": ("Ohio", "US"), "OK": ("Oklahoma", "US"),
    "OR": ("Oregon", "US"), "PA": ("Pennsylvania", "US"), "RI": ("Rhode Island", "US"),
    "SC": ("South Carolina", "US"), "SD": ("South Dakota", "US"), "TN": ("Tennessee", "US"), "TX": ("Texas", "US"),
    "UT": ("Utah", "US"), "VT": ("Vermont", "US"), "VA": ("Virginia", "US"), "WA": ("Washington", "US"),
    "WV": ("West Virginia", "US"), "WI": ("Wisconsin", "US"), "WY": ("Wyoming", "US"),
    "DC": ("Washington, D.C.", "US"),
}


@dataclass(frozen=True)
class StateAbbreviation:
    start: int
    end: int  # the abbreviation's span, its final period included
    name: str  # the state's or province's name as the gazetteer has it
    country_code: str


def _alternation(keys: list[str]) -> str:
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))


# after "<Capitalised word>, ": a style abbreviation (it ends with its period) or a postal code that no letter
# follows; not one joined to another by a dash ("St. Louis, MO-IL": a metropolitan area across states) and no
# letters after "services, " ("WI meetings": the Women's Institute)
_PATTERN = re.compile(rf"\b[A-Z][\w'’.-]*, (?:({_alternation(list(_STYLE))})|({_alternation(list(_POSTAL))})"
                      rf"(?![\w.]))(?![-–])")


@lru_cache(maxsize=8)  # a document's mentions ask in turn; more entries would only keep old texts alive
def find(text: str) -> tuple[StateAbbreviation, ...]:
    """The state abbreviations of a text, in the position where they are one."""
    out = []
    for m in _PATTERN.finditer(text):
        g = 1 if m.group(1) else 2
        name, cc = _STYLE[m.group(1)] if g == 1 else _POSTAL[m.group(2)]
        out.append(StateAbbreviation(m.start(g), m.end(g), name, cc))
    return tuple(out)


def at(text: str, start: int, end: int) -> StateAbbreviation | None:
    """The abbreviation a mention's span ``[start, end)`` is, with or without its final period."""
    for a in find(text):
        if a.start == start and end in (a.end, a.end - 1):
            return a
    return None
