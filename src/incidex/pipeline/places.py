"""Places: find every span that could be a place and resolve it with the gazetteer.

Candidates come from named entities of any label (the small English model
tags Aghdam or Ganja as PERSON), from title-case words after cues ("the city of
X", "X district", "near X"), and from title-case words the gazetteer knows in
the document's focus countries. Resolution ranks gazetteer candidates on
population, feature class, cue words, the document's country focus and
distance to the other places of the document; the ranked count is kept. A
continent or large region is placed at its area point (``geo_points``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Protocol

from incidex.domain.geo import haversine_km
from incidex.domain.models import Location, Span
from incidex.pipeline.annotate import AnnotatedText
from incidex.pipeline.geo_points import area_point


class CandidateLike(Protocol):
    id: str
    name: str
    country_code: str | None
    admin1: str | None
    admin2: str | None
    lat: float
    lon: float
    feature: str
    population: int
    match: str


class PlaceIndex(Protocol):
    """What the places stage needs from a gazetteer."""

    def lookup(self, name: str) -> tuple[CandidateLike, ...]: ...

    def country(self, code: str) -> CandidateLike | None: ...

    def demonym(self, word: str) -> str | None: ...


ADMIN_CUE = r"(?:districts?|provinces?|regions?|governorates?|states?|oblasts?|rayons?|townships?|prefectures?|counties|county|divisions?|municipalit(?:y|ies))"
_ADMIN_AFTER = re.compile(rf"^\s+{ADMIN_CUE}\b", re.I)
_CITY_BEFORE = re.compile(r"\b(?:the\s+)?(?:city|town|village|settlement|hamlet|port|capital)\s+of\s+$", re.I)
_ADMIN_BEFORE = re.compile(rf"\b(?:the\s+)?{ADMIN_CUE}\s+of\s+$", re.I)
_NEAR_BEFORE = re.compile(r"\b(?:near|outside|close to|on the outskirts of|around|north of|south of|east of|west of|(?:\d+|several|few)\s+(?:km|kilomet(?:er|re)s?|miles)\s+(?:from|north of|south of|east of|west of))\s+(?:the\s+(?:city|town|village)\s+of\s+)?$", re.I)
_LIST_SEP = re.compile(r"^(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)(?:the\s+(?:city|town|village)\s+of\s+)?$", re.I)
_CUE_NAME = re.compile(
    r"\b(?:city|town|village|villages|settlement|district|province|region|governorate|township|county|neighbourhood|neighborhood|suburb)\s+of\s+(?P<n>[A-Z][\w'’\-]+(?:[ -][A-Z][\w'’\-]+){0,2})"
    r"|\b(?:near|in|at|outside|into|from)\s+(?P<m>[A-Z][\w'’\-]+(?:[ -][A-Z][\w'’\-]+){0,2})"
    rf"|\b(?P<k>[A-Z][\w'’\-]+(?:[ -][A-Z][\w'’\-]+){{0,2}})\s+{ADMIN_CUE}\b"
)
_TRAILING_NOUNS = re.compile(
    r"(.+?)(?:\s+(?:market|bazaar|area|town|city|village|camp|bridge|road|highway|checkpoint|border|crossing|"
    r"airport|hospital|square|district|province|region|valley|outskirts|suburbs?|front|sector|axis|direction))+$"
)
_TITLE = re.compile(r"\b[A-Z][a-zà-ÿ'’\-]+(?:[ -][A-Z][a-zà-ÿ'’\-]+){0,2}\b")
_FRONT = re.compile(r"\b(?:along|on|across|at)\s+(?:the\s+)?(?:entire\s+|whole\s+)?(?:front[- ]?line|front|line of contact|contact line)\b", re.I)
_ENTITY_LABELS = {"GPE", "LOC", "FAC", "PERSON", "ORG", "NORP"}
# words that start many capitalised phrases and are never places on their own
_NOT_PLACE_WORDS = {
    "the", "a", "an", "on", "in", "at", "by", "as", "it", "he", "she", "they", "we", "our", "this", "that",
    "these", "those", "his", "her", "their", "its", "ministry", "army", "armed", "forces", "police", "president",
    "minister", "government", "un", "united nations", "security council", "human rights watch", "amnesty",
    "red cross", "reuters", "associated press", "agence", "general", "colonel", "captain", "major",
}


# real place names that are ordinary words: a place only after a cue ("the town of Hope")
_COMMON_WORD_PLACES = {
    "hope", "union", "mission", "progress", "victory", "independence", "liberty", "reform", "unity", "peace",
    "justice", "freedom", "center", "centre", "media", "friendship", "commerce", "enterprise",
}


def _is_demonym(index: PlaceIndex, written: str) -> bool:
    """"Russian", "Azerbaijanis": a people or an adjective, not a place (unless also a country name)."""
    if not index.demonym(written):
        return False
    return not any(c.feature == "country" for c in index.lookup(written))


@dataclass
class PlaceMention:
    start: int
    end: int
    written: str
    cue: str = ""  # city | admin | near | ""
    from_entity: str = ""
    location: Location | None = None
    is_country: bool = False
    in_actor: bool = False
    score: float = 0.0
    ranked: list[tuple[float, CandidateLike]] = field(default_factory=list)


def _strip_article(text: str, start: int, end: int) -> tuple[int, int]:
    seg = text[start:end]
    m = re.match(r"(?:the|The)\s+", seg)
    if m:
        start += m.end()
    while end > start and text[end - 1] in ".,;:’'\"" and not text[start:end].endswith("."):
        end -= 1
    if text[start:end].endswith(("'s", "’s")):
        end -= 2
    return start, end


def find_mentions(ann: AnnotatedText, index: PlaceIndex, focus: set[str]) -> list[PlaceMention]:
    text = ann.text
    found: dict[tuple[int, int], PlaceMention] = {}

    # characters already inside a found mention (overlap test in O(span), not O(mentions))
    covered = bytearray(len(text))

    def consider(s: int, e: int, source: str) -> None:
        s, e = _strip_article(text, s, e)
        written = text[s:e]
        if len(written) < 2 or written.lower() in _NOT_PLACE_WORDS:
            return
        if source != "cue" and (written.lower() in _COMMON_WORD_PLACES or _is_demonym(index, written)):
            return
        if any(covered[s:e]):
            return
        if not index.lookup(written):
            # "Tartar district", "the Kara-Suu market": try without the trailing common noun(s)
            m = re.match(rf"(.+?)\s+{ADMIN_CUE}$", written, re.I) or _TRAILING_NOUNS.match(written)
            if not (m and index.lookup(m.group(1))):
                return
            e = s + len(m.group(1))
            written = text[s:e]
        found[(s, e)] = PlaceMention(s, e, written, from_entity=source)
        covered[s:e] = b"\x01" * (e - s)

    for ent in ann.entities:
        if ent.label in _ENTITY_LABELS:
            consider(ent.start, ent.end, ent.label)
    for m in _CUE_NAME.finditer(text):
        g = "n" if m.group("n") else ("m" if m.group("m") else "k")
        consider(m.start(g), m.end(g), "cue")
    # title-case words the gazetteer knows in a focus country, or large cities anywhere
    # (recovers NER misses such as "the University of Karachi's")
    for m in _TITLE.finditer(text):
        if any(covered[m.start():m.end()]):
            continue
        if m.start() == 0 or re.search(r"[.!?\n]\s*$", text[max(0, m.start() - 3):m.start()]):
            continue  # sentence-initial capitals say nothing
        cands = index.lookup(m.group(0))
        if cands and any((focus and c.country_code in focus and c.feature != "country" and c.population >= 1000)
                         or (c.feature == "city" and c.population >= 200_000) for c in cands):
            consider(m.start(), m.end(), "title")
    mentions = sorted(found.values(), key=lambda p: p.start)
    _assign_cues(text, mentions)
    return mentions


def _assign_cues(text: str, mentions: list[PlaceMention]) -> None:
    # cue words before a mention, or after the last item of a list ("Tartar, Aghdam and Fuzuli districts")
    groups: list[list[PlaceMention]] = []
    for pm in mentions:
        if groups and _LIST_SEP.match(text[groups[-1][-1].end:pm.start]):
            groups[-1].append(pm)
        else:
            groups.append([pm])
    for grp in groups:
        after = text[grp[-1].end:grp[-1].end + 30]
        list_admin = bool(_ADMIN_AFTER.match(after))
        for pm in grp:
            before = text[max(0, pm.start - 60):pm.start]
            own_after = text[pm.end:pm.end + 30]
            if _CITY_BEFORE.search(before):
                pm.cue = "city"
            elif _ADMIN_BEFORE.search(before) or _ADMIN_AFTER.match(own_after):
                pm.cue = "admin"
            elif list_admin:
                pm.cue = "admin"
            elif _NEAR_BEFORE.search(before):
                pm.cue = "near"
        if _NEAR_BEFORE.search(text[max(0, grp[0].start - 60):grp[0].start]):
            for pm in grp:
                pm.cue = pm.cue or "near"


@dataclass
class DocContext:
    """Where the rest of the document points: countries and admin regions named in it, and places
    confidently placed, read from title-case phrases the gazetteer knows ("Santa Barbara County",
    "California", "Western Australia"). A candidate inside those regions or near those places wins."""

    countries: dict[str, float] = field(default_factory=dict)
    admin1: dict[tuple[str, str], float] = field(default_factory=dict)
    points: list[tuple[str, float, float]] = field(default_factory=list)  # (folded phrase, lat, lon)


_CTX_PHRASE = re.compile(r"\b[A-Z][\w'’\-]+(?:[ -](?:of |de |del |la |el )?[A-Z][\w'’\-]+){0,3}\b")


def document_context(text: str, index: PlaceIndex) -> DocContext:
    from incidex.gazetteer.index import fold

    ctx = DocContext()
    seen: dict[str, int] = {}
    for m in _CTX_PHRASE.finditer(text):
        phrase = m.group(0)
        for cand in (phrase, re.sub(rf"\s+{ADMIN_CUE}$", "", phrase, flags=re.I)):
            f = fold(cand)
            if f in seen:
                seen[f] += 1
                break
            cands = index.lookup(cand) if len(f) > 2 and f not in _NOT_PLACE_WORDS else ()
            if cands:
                seen[f] = 1
                break
    for f, n in seen.items():
        cands = index.lookup(f)
        w = min(3.0, 1.0 + math.log(n))
        regions = [c for c in cands if c.feature in ("country", "region") and c.match == "exact"]
        for c in regions:
            if c.feature == "country" and c.country_code:
                ctx.countries[c.country_code] = ctx.countries.get(c.country_code, 0.0) + w
            elif c.country_code and c.admin1:
                key = (c.country_code, c.admin1)
                ctx.admin1[key] = ctx.admin1.get(key, 0.0) + w / len(regions)
                ctx.countries[c.country_code] = ctx.countries.get(c.country_code, 0.0) + 0.5 * w / len(regions)
        towns = [c for c in cands if c.feature not in ("country", "region") and c.match == "exact"]
        if towns:
            top = max(towns, key=lambda c: c.population)
            # an unambiguous or clearly dominant place anchors proximity
            if len(towns) == 1 or top.population >= 5 * sorted(c.population for c in towns)[-2] + 1000:
                ctx.points.append((f, top.lat, top.lon))
    return ctx


FEATURES = ("logpop", "country", "region", "district", "town_cue", "region_admin", "district_admin",
            "focus", "not_exact", "ctx_admin1", "ctx_country", "near150", "near500", "top_pop", "area_town_cue",
            # added with the learned ranker (geo_rank.py): their hand weights are 0
            "city", "village", "alternate", "pop_ratio", "focus_top", "country_other", "ctx_far", "region_own_town")
# Hand-set weights, checked on WikToR and GeoVirus only (LGL, TR-News and GeoWebNews are never used). They
# rank when ``resources/geo_rank_weights.json`` (fitted by ``python -m incidex.pipeline.geo_rank`` on the
# same two corpora) is absent, as it is for now: geo_rank says why. country_other and ctx_far were set by
# hand after the fit's direction (WikToR 66.5 -> 66.7 %, GeoVirus and the extraction gold unchanged).
WEIGHTS: dict[str, float] = {
    "logpop": 1.0, "country": 5.0, "region": 1.0, "district": -0.5, "town_cue": 1.0, "region_admin": 1.5,
    "district_admin": 3.0, "focus": 3.0, "not_exact": -0.3, "ctx_admin1": 3.0, "ctx_country": 1.5,
    "near150": 2.0, "near500": 1.0, "top_pop": 0.5,
    # "near X" / "the city of X" means the town, not the rayon of the same name
    "area_town_cue": -3.0,
    "city": 0.0, "village": 0.0, "alternate": 0.0, "pop_ratio": 0.0, "focus_top": 0.0, "country_other": -2.0,
    "ctx_far": -0.7, "region_own_town": 0.0,
}


def weights() -> dict[str, float]:
    """The learned weights when their resource file is there, else the hand-set ``WEIGHTS``."""
    from incidex.pipeline.geo_rank import learned_weights

    return learned_weights() or WEIGHTS


def town_regions(cands: tuple[CandidateLike, ...] | list[CandidateLike]) -> frozenset[tuple[str, str]]:
    """(country, admin1) of the populated places among a name's candidates."""
    return frozenset((c.country_code, c.admin1) for c in cands
                     if c.country_code and c.admin1 and c.feature not in ("country", "region", "district"))


def candidate_features(c: CandidateLike, pm: PlaceMention, focus: dict[str, float], ctx: DocContext | None,
                       top_pop: int, own: str = "",
                       towns: frozenset[tuple[str, str]] = frozenset(),
                       pts: list[tuple[float, float]] | None = None) -> dict[str, float]:
    """``towns``: ``town_regions`` of all the candidates of the name; ``pts``: the document's anchor points
    other than the name itself (``context_points``), when the caller has them already."""
    town = c.feature not in ("country", "region", "district")
    f = {k: 0.0 for k in FEATURES}
    f["logpop"] = math.log10(c.population + 10)
    f["country"] = float(c.feature == "country")
    f["region"] = float(c.feature == "region")
    f["district"] = float(c.feature == "district")
    f["city"] = float(c.feature == "city")
    f["village"] = float(c.feature == "village")
    f["town_cue"] = float(town and pm.cue in ("city", "near"))
    # "near Tartar", "the city of Tartar": the town, not the rayon of the same name
    f["area_town_cue"] = float(not town and c.feature != "country" and pm.cue in ("city", "near"))
    f["region_admin"] = float(c.feature == "region" and pm.cue == "admin")
    # a region with a town of its name inside (Dhaka, Osh, Batken): a bare name means the town
    f["region_own_town"] = float(c.feature == "region" and (c.country_code, c.admin1) in towns)
    f["district_admin"] = float(c.feature == "district" and pm.cue == "admin")
    if c.country_code and c.country_code in focus:
        f["focus"] = 1.0 + 0.5 * min(2.0, focus[c.country_code])
        f["focus_top"] = float(focus[c.country_code] >= 1.0)
    # a country whose name is written while the document is about another one ("Peru, Massachusetts")
    f["country_other"] = float(c.feature == "country" and any(v >= 1.0 for k, v in focus.items()
                                                                 if k != c.country_code))
    # a near-miss spelling (match "fuzzy") pays twice: as not exact and as fuzzy
    f["not_exact"] = float(c.match != "exact") + 2.0 * float(c.match == "fuzzy")
    f["alternate"] = float(c.match == "alternate")
    f["top_pop"] = float(c.population >= top_pop)
    f["pop_ratio"] = math.log10((c.population + 10) / (top_pop + 10))
    if ctx is not None and c.feature != "country":
        if c.country_code and c.admin1 and c.feature != "region":
            f["ctx_admin1"] = min(1.0, ctx.admin1.get((c.country_code, c.admin1), 0.0))
        if c.country_code:
            f["ctx_country"] = min(1.0, ctx.countries.get(c.country_code, 0.0) / 2)
        if pts is None:
            pts = context_points(ctx, own)
        if pts:
            d = min(haversine_km(c.lat, c.lon, lat, lon) for lat, lon in pts)
            f["near150"] = float(d < 150)
            f["near500"] = float(d < 500)
            f["ctx_far"] = float(d > 2000)
    return f


def context_points(ctx: DocContext, own: str) -> list[tuple[float, float]]:
    """The document's anchor points, but those of the name itself (a name does not vouch for itself)."""
    return [(lat, lon) for (ph, lat, lon) in ctx.points if ph != own]


def _candidate_score(c: CandidateLike, pm: PlaceMention, focus: dict[str, float],
                     ctx: DocContext | None = None, top_pop: int = 0, own: str = "",
                     towns: frozenset[tuple[str, str]] = frozenset(), w: dict[str, float] | None = None,
                     pts: list[tuple[float, float]] | None = None) -> float:
    feats = candidate_features(c, pm, focus, ctx, top_pop, own, towns, pts)
    w = w if w is not None else weights()
    return sum(w.get(k, 0.0) * v for k, v in feats.items())


def resolve(mentions: list[PlaceMention], index: PlaceIndex, focus: dict[str, float], text: str) -> None:
    """Rank candidates and fill ``location`` on each mention (two passes: then proximity)."""
    from incidex.gazetteer.index import fold

    ctx = document_context(text, index) if mentions else None
    fuzzy = getattr(index, "lookup_fuzzy", None)
    w = weights()
    # a name written several times with the same cue ranks the same each time: score it once per document
    done: dict[tuple[str, str | None], list[tuple[float, CandidateLike]]] = {}
    for pm in mentions:
        key = (pm.written, pm.cue)
        if key not in done:
            cands = index.lookup(pm.written) or (fuzzy(pm.written) if fuzzy else ())
            top_pop = max((c.population for c in cands), default=0)
            own = fold(pm.written)
            towns = town_regions(cands)
            pts = context_points(ctx, own) if ctx is not None else None
            done[key] = sorted(((_candidate_score(c, pm, focus, ctx, top_pop, own, towns, w, pts), c)
                                for c in cands), key=lambda t: -t[0])
        pm.ranked = list(done[key])
    # proximity: prefer candidates near the document's confidently placed points
    anchors = [pm.ranked[0][1] for pm in mentions
               if pm.ranked and pm.ranked[0][1].feature not in ("country", "region")
               and (len(pm.ranked) == 1 or pm.ranked[0][0] - pm.ranked[1][0] > 2.0)]
    if anchors:
        again: dict[tuple[str, str | None], list[tuple[float, CandidateLike]]] = {}
        for pm in mentions:
            key = (pm.written, pm.cue)
            if len(pm.ranked) > 1 and key not in again:
                rescored = []
                for s, c in pm.ranked:
                    dmin = min(haversine_km(c.lat, c.lon, a.lat, a.lon) for a in anchors)
                    bonus = 2.0 if dmin < 150 else (1.0 if dmin < 500 else 0.0)
                    rescored.append((s + bonus, c))
                again[key] = sorted(rescored, key=lambda t: -t[0])
            if key in again:
                pm.ranked = list(again[key])
    for pm in mentions:
        if not pm.ranked:
            continue
        score, best = pm.ranked[0]
        pm.score = score
        pm.is_country = best.feature == "country"
        if best.feature == "country":
            feature, precision = "country", 3
        elif pm.cue == "admin":
            feature, precision = "district" if best.feature != "region" else "region", 3
        elif best.feature in ("region", "district"):
            feature, precision = best.feature, 3
        else:
            feature, precision = best.feature, 2 if pm.cue == "near" else 1
        lat, lon = area_point(best.id, best.feature, best.country_code) or (best.lat, best.lon)
        pm.location = Location(
            name=best.name if not (pm.cue == "admin" and best.feature not in ("region", "district"))
            else f"{best.name} ({'district' if feature == 'district' else 'region'})",
            name_as_written=pm.written,
            country_code=best.country_code,
            admin1=best.admin1,
            admin2=best.admin2,
            lat=round(lat, 5),
            lon=round(lon, 5),
            feature=feature,  # type: ignore[arg-type]
            geo_precision=precision,  # type: ignore[arg-type]
            gazetteer_id=best.id,
            candidates=len(pm.ranked),
            span=Span.of(text, pm.start, pm.end),
        )


def frontline_mentions(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _FRONT.finditer(text)]


def frontline_location(text: str, start: int, end: int, country: str | None) -> Location:
    return Location(name="frontline", name_as_written=text[start:end], country_code=country, lat=None, lon=None,
                    feature="frontline", geo_precision=3, candidates=0, span=Span.of(text, start, end))


