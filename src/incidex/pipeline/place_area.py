"""The area a text puts a place in, read right after the place's name: "Hopewell is a community in Covington County,
Mississippi", "the village of Hadrut in Khojavend district", "Hyderabad in Pakistan's Sindh province". The places
stage keeps the candidates inside that area (``is_inside``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from incidex.domain.geo import haversine_km
from incidex.gazetteer.index import fold
from incidex.pipeline.place_types import (
    ADMIN_CUE,
    AREAS,
    CTX_PHRASE,
    DISTRICT_WORD,
    CandidateLike,
    PlaceIndex,
    PlaceMention,
)

# the words that may stand between a place and the area the text puts it in, the last being "in" or "of" ("is an
# unincorporated community in", ", a village in the"), besides compass words ("northern"); or only ", "
_GAP_WORDS = frozenset("a an the is was lies located situated village town city community hamlet settlement "
                       "municipality suburb neighborhood neighbourhood unincorporated census-designated place small "
                       "large rural district area part county seat capital in of "
                       # "a home rule-class city in", "a third class municipality in the province of", "the capital
                       # and second-largest city in the U.S. state of", "a census-designated place (CDP) in"
                       "and home rule-class class first second third fourth fifth sixth borough township parish civil "
                       "state province us within ghost former incorporated resort coastal mining cdp largest "
                       "second-largest third-largest most populous council suburban urban metropolitan "
                       # "a historic city in", "the westernmost town in", "a 5th-class city in", "a fishing village
                       # in", "in the center of"
                       "historic fishing market industrial agricultural farming seaside tiny locality commune ward "
                       "barangay center centre heart portion corner edge outskirts unitary authority ceremonial "
                       "non-metropolitan".split())
# words that may stand right before the area's name ("a town in rural Somerset", "a village in suburban Melbourne")
_AREA_ADJECTIVES = frozenset(("rural", "suburban", "urban", "coastal", "historic", "the"))
# "5th-class", "fourth-class", "westernmost"
_GAP_FORMS = re.compile(r"\d+(?:st|nd|rd|th)(?:-class)?|[a-z]+-class|[a-z]+most")
_COMPASS_WORD = re.compile(r"(?:North|South|East|West|Central|Upper|Lower)(?:ern)?(?:[ -]Central)?\s+(?=[A-Z])")
_COMPASS = re.compile(r"(?:north|south|east|west|central|northeast|northwest|southeast|southwest|"
                      r"north-?central|south-?central|east-?central|west-?central|north-?east|north-?west|"
                      r"south-?east|south-?west)(?:ern)?")


def _area_gap(gap: str, demonym: Callable[[str], object] | None = None) -> bool:
    """Whether ``gap`` may stand between a place and its area (a word list, not a regex: nested optional words
    and spaces made a pattern backtrack for seconds on a run of spaces)."""
    gap = gap.replace("U.S.", "US").replace("(CDP)", "")
    if len(gap) > 80 or not re.fullmatch(r"[\w\s,-]*", gap):
        return False
    words = re.findall(r"[\w-]+", gap.lower())
    if not words:
        return True
    if words[0] == "and":
        return False  # "Osh and in Uzgen": a list; not "a city and the county seat of"
    if any(w not in _GAP_WORDS and not w.endswith("ern") and not _COMPASS.fullmatch(w) and not _GAP_FORMS.fullmatch(w)
           and not (demonym is not None and demonym(w)) for w in words):
        return False
    while words and (words[-1] in _AREA_ADJECTIVES or words[-1].endswith("ern") or _COMPASS.fullmatch(words[-1])
                     or (demonym is not None and demonym(words[-1]))):  # "in the northern", "in the Spanish"
        words.pop()
    return bool(words) and words[-1] in ("in", "of")


_PARENTHESIS = re.compile(r"\s*\([^()\n]{1,100}\)")
# the end of the sentence a place's area is looked for in; not "St. Joseph County", "the U.S. state of"
_SENTENCE_STOP = re.compile(r"(?<!\bSt)(?<!\bSte)(?<!\bMt)(?<!\bFt)(?<!\bU\.S)[.;:!?\n(]\s")


@dataclass(frozen=True)
class _Phrase:
    """A capitalised phrase of ``CTX_PHRASE`` (or a part of one), with ``re.Match``'s accessors."""

    s: int
    e: int
    text: str

    def start(self) -> int:
        return self.s

    def end(self) -> int:
        return self.e

    def group(self, _: int = 0) -> str:
        return self.text


_TOWNSHIP = re.compile(r"townships?", re.I)
_US_IN_GAP = re.compile(r"\bU\.S\.|\bUS\b|\bUnited States\b")
_POSSESSIVE_SPLIT = re.compile(r"['’]s(?:\s+|$)")


def _ctx_phrases(window: str) -> Iterator[_Phrase]:
    """The capitalised phrases of ``window``, a possessive split off: "Ohio's Clark County" is "Ohio" and "Clark
    County", "Pakistan's" is "Pakistan"."""
    for m in CTX_PHRASE.finditer(window):
        p = _POSSESSIVE_SPLIT.search(m.group(0))
        if p is None:
            yield _Phrase(m.start(), m.end(), m.group(0))
            continue
        yield _Phrase(m.start(), m.start() + p.start(), m.group(0)[:p.start()])
        if p.end() < len(m.group(0)):
            yield _Phrase(m.start() + p.end(), m.end(), m.group(0)[p.end():])


# the hand-set areas of the build (``EXTRA_REGIONS``, ``geo_extra_areas.tsv``), whose alternate names are chosen
# spellings ("Swat Valley"), not names of something else
_CURATED = ("area:", "extra:")
# the admin words of an area after a place: the mention finder's, and "department" and "canton" ("in the El Petén
# department of Guatemala"), which as cues before a name would take "the Justice Department" for a place
_AREA_WORD = ADMIN_CUE[:-1] + "|departments?|cantons?)"
_AREA_TAIL = re.compile(rf"\s+{_AREA_WORD}$", re.I)
_ADMIN_OF = re.compile(rf"\b({_AREA_WORD})\s+of\s+$", re.I)
_ADMIN_NEXT = re.compile(rf"\s+({_AREA_WORD})\b", re.I)
_ADMIN_REST = re.compile(rf"(?:\s*\b(?:{_AREA_WORD}|provincia|provincie|departement|departamento|rayonu|muhafazat|"
                         r"of|de|di|del|do|da|du|des|la|l|d)\b\s*)+")


def _admin_named(name: str, phrase: str) -> bool:
    """Whether an area's index name is the phrase with admin words ("Province of Camarines Sur" for "Camarines
    Sur", "Hughes County" for "Hughes"): the area the phrase names when a text writes "the province of" before it."""
    n, p = fold(name), fold(phrase)
    i = n.find(p)
    if i < 0 or not p:
        return False
    rest = (n[:i] + " " + n[i + len(p):]).strip()
    return not rest or bool(_ADMIN_REST.fullmatch(rest))


def _countries(cands: tuple[CandidateLike, ...], exact: bool = False) -> tuple[CandidateLike, ...]:
    return tuple(c for c in cands if c.feature == "country" and (not exact or c.match == "exact"))


def local_area(text: str, pm: PlaceMention, index: PlaceIndex) -> tuple[CandidateLike | None, bool]:
    """The district or region the text puts a place in, right after its name and in its sentence ("Hopewell is a
    community in Covington County, Mississippi"; "the village of Hadrut in Khojavend district"): the district when
    one is named (of the region named with it, when several have its name), else the region; the country when the
    text names only a country after a descriptive phrase ("is the capital city of the Seychelles"). ``None`` when
    the text names none there, or names it after a list or another place. The flag: whether the text says so
    beyond a bare comma (a phrase such as "is a village in", an admin word, or a region after the district)."""
    after = pm.end
    paren = _PARENTHESIS.match(text, after)  # "Richmond (/ˈrɪtʃmənd/) is a city in", "Ada (Serbian: Ада) is a"
    if paren:
        after = paren.end()
    window = text[after:after + 120]
    stop = _SENTENCE_STOP.search(window)
    window = window[:stop.start()] if stop else window
    found: list[list[CandidateLike]] = []
    countries: set[str | None] = set()
    others: list[list[CandidateLike]] = []
    pos = first = 0
    admin_word = False
    for m in _ctx_phrases(window):
        if not found and index.demonym(m.group(0)):
            continue  # "in the Spanish province of": part of the gap
        gap = window[pos:m.start()]
        if not (_area_gap(gap, index.demonym) if not found
                else re.fullmatch(r",\s*|['’]s\s+", gap) or _area_gap(re.sub(r"^,\s*", "", gap))):
            break  # after an area, its region: ", Kansas", " in the U.S. state of Michigan", ", in north-central"
        all_cands = index.lookup(m.group(0))
        if not found and window[m.end():m.end() + 1] in ("'", "’") and _countries(all_cands, exact=True):
            # "in Pakistan's Sindh province": the country says which Sindh is meant, and the area follows it
            countries.update(c.country_code for c in _countries(all_cands))
            pos = _POSSESSIVE_SPLIT.match(window, m.end()).end()  # type: ignore[union-attr]
            continue
        compass = _COMPASS_WORD.match(m.group(0))
        if compass and not any(c.feature in AREAS for c in all_cands):
            all_cands = index.lookup(m.group(0)[compass.end():])  # "in Eastern Ontario": Ontario
            if _countries(all_cands, exact=True):
                # "a small state of Western Mexico": the country, not its namesake state
                all_cands = _countries(all_cands)
        # "in the province of Camarines Sur", "in Khojavend district": the area indexed with its admin word
        said = _ADMIN_OF.search(gap) or _ADMIN_NEXT.match(window, m.end())
        stem = said.group(1).lower()[:5] if said else None  # "provi", "count": the word the index name must have
        cands = [c for c in all_cands if c.feature in ("region", "district")
                 and (c.match == "exact" or c.id.startswith(_CURATED)
                      or (stem and stem in fold(c.name) and _admin_named(c.name, m.group(0))))]
        if not found:
            # "in the Spanish province of Lugo", "in the U.S. state of Florida" (not Florida, Uruguay)
            countries.update(str(cc) for w in re.findall(r"[A-Z]\w+", gap) if (cc := index.demonym(w)))
            if _US_IN_GAP.search(gap):
                countries.add("US")
        if not cands and countries:  # "Provincia de Lugo", in the country the demonym names
            cands = [c for c in all_cands if c.feature in ("region", "district") and c.country_code in countries]
        tail = _AREA_TAIL.search(m.group(0))
        if not cands:
            # "Khojavend District": the district of that name; "Far North Region": the region; not "Posey Township"
            # for Posey County (the index has no townships, and a county of the name is another area)
            if tail is not None and not _TOWNSHIP.search(tail.group(0)):
                level = "district" if DISTRICT_WORD.search(tail.group(0)) else "region"
                cands = [c for c in index.lookup(m.group(0)[:tail.start()]) if c.feature in ("region", "district")]
                cands = [c for c in cands if c.feature == level] or cands
                admin_word = bool(cands)
        if not cands and not found and tail is not None:
            pos = m.end()  # "in Posey Township, Harrison County", "in the Hunter Region of New South Wales": an
            continue       # area the index lacks, before the one it has
        if not cands and not found \
                and (country := next(iter(_countries(all_cands)), None)):
            # "Victoria is the capital city of the Seychelles", "Surrey, UK": the place in that country (standing in
            # for it only where the text says more than a bare comma)
            return country, bool(re.search(r"\w", gap))
        if not cands:
            if found and (in_country := _countries(all_cands)):
                # "..., Mississippi, United States", "in the province of Granada in Spain": the chain ends with its
                # country, which says which of the areas of that name is meant
                countries.update(c.country_code for c in in_country)
                pos = len(window)
            elif found:
                return None, False  # "Wajir, Mandera, Garissa": a list, not a place and its area
            break
        if not found:
            first = m.start()
            admin_word = admin_word or bool(re.search(r"(?:^|\s)(?:district|county|province|region|state|governorate|"
                                                      r"oblast|rayon|prefecture|parish)\b", m.group(0) + " "
                                                      + window[m.end():m.end() + 12], re.I))
        found.append(cands)
        # the areas this name is an alternate name of ("Granada" for the Provincia de Granada), read only when the
        # chain names a country and none of the name's own areas is in it
        others.append([c for c in all_cands if c.feature in ("region", "district") and c not in cands])
        pos = m.end()
    if not found or re.match(r"\s*(?:and|or|&)\s+[A-Z]|\s*,\s*[A-Z]", window[pos:]):
        return None, False  # nothing, or a list ("Wajir, Mandera and Garissa")
    told = bool(re.search(r"\w", window[:first])) or len(found) > 1 or admin_word
    if countries:
        found = [[c for c in cs if c.country_code in countries] or [c for c in alt if c.country_code in countries]
                 for cs, alt in zip(found, others, strict=True)]
    regions = [c for cs in found for c in cs if c.feature == "region"]
    districts = [c for cs in found for c in cs if c.feature == "district"]
    if districts:
        if regions:
            districts = [d for d in districts if any(d.country_code == r.country_code and d.admin1 == r.admin1
                                                     for r in regions)]
        return (districts[0], told) if len(districts) == 1 else (None, False)
    return (regions[0], told) if len(regions) == 1 else (None, False)


def is_inside(c: CandidateLike, area: CandidateLike) -> bool:
    if area.feature == "country":
        return c.country_code == area.country_code and c.feature not in ("country", "region")
    if c.feature in ("country", "region") or c.country_code != area.country_code or c.admin1 != area.admin1:
        return False
    return area.feature == "region" or haversine_km(c.lat, c.lon, area.lat, area.lon) < 100
