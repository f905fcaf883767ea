"""Assemble: run every stage on one annotated document and build its incidex/1 record."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import timedelta
from functools import lru_cache
from typing import Generic, Protocol, TypeVar

from incidex.domain.document import RawDocument
from incidex.domain.geo import haversine_km
from incidex.domain.ids import document_id
from incidex.domain.models import (
    Actor,
    Aggregate,
    Casualty,
    DateInfo,
    DocumentInfo,
    Event,
    Extraction,
    Location,
    Source,
    Span,
)
from incidex.domain.neutrality import NEUTRALITY_PREFIXES
from incidex.domain.taxonomy import SUB_TYPES, precedence
from incidex.pipeline import events as ev
from incidex.pipeline.actors import ActorMention, find_actors, role_of, to_actor
from incidex.pipeline.annotate import AnnotatedText, Annotator
from incidex.pipeline.casualties import CasualtyMention, find_casualties
from incidex.pipeline.classify import NONE, Classification, classify_many
from incidex.pipeline.dates import DateMention, find_dates
from incidex.pipeline.framing import find_framing, loaded_words
from incidex.pipeline.geo_points import area_point
from incidex.pipeline.legal import find_legal
from incidex.pipeline.places import (
    PlaceMention,
    find_mentions,
    frontline_location,
    frontline_mentions,
    resolve,
)
from incidex.pipeline.stance import infer_stance
from incidex.pipeline.territory import taking_side

_LOCATIVE = re.compile(r"\b(?:in|inside|across|throughout|near|into|within|of)\s+(?:the\s+)?$", re.I)
_HEADER_BLOCK = re.compile(r"\A\s*(?:\[[^\]\n]{0,200}\]\s*\n)?(?:Publisher:[^\n]*\|\s*Published:[^\n]*\n)?")


_ORIGIN = re.compile(r"\bfrom\s+(?:the\s+)?(?:(?:town|city|village|district|region|province)s?\s+of\s+)?"
                     r"(?:[\w'’-]+\s*(?:,|and)\s+)*$", re.I)
# where people went: "The regime garrison fled towards Osh" names no place of what happened next
_DESTINATION = re.compile(r"\b(?:fled|flee|flees|fleeing|retreated|retreating|withdrew|withdrawing|pulled\s+back|headed|"
                          r"heading|evacuated|displaced|escaped)\s+(?:\w+\s+){0,2}?(?:towards?|to|into)\s+"
                          r"(?:the\s+)?(?:(?:town|city|village)\s+of\s+)?$", re.I)
_REFERENCE = re.compile(r"\b(?:north|south|east|west|northeast|northwest|southeast|southwest|north-east|north-west|"
                        r"south-east|south-west|north\s+east|north\s+west|south\s+east|south\s+west)(?:ern)?\s+of\s+"
                        r"(?:the\s+)?(?:(?:town|city|village|capital)\s+of\s+)?$", re.I)
_REASON = re.compile(r"\b(?:suspected\s+of|accused\s+of|charged\s+with|in\s+connection\s+with|blamed\s+for|"
                     r"responsible\s+for|wanted\s+for)\b", re.I)
_ROAD_WORDS = r"(?:road|highway|motorway|route|expressway|railway|railroad|pipeline)"
_ROAD_FIRST = re.compile(rf"\s*[-–—]\s*[A-Z][\w'’]+(?:[ -][A-Z][\w'’]+)?\s+{_ROAD_WORDS}\b")
_ROAD_SECOND = re.compile(rf"\s+{_ROAD_WORDS}\b")
_ROAD_DASH = re.compile(r"[A-Z][\w'’]+\s*[-–—]\s*$")
_ROAD_BETWEEN = re.compile(rf"\b{_ROAD_WORDS}\s+(?:linking|connecting|between|from)\s+(?:the\s+)?(?:towns?\s+of\s+)?$")
_ROAD_JOIN = re.compile(r"\s*(?:and|to|,)\s*")
# (not "planned to": "police foiled a plan to bomb the church" is an event, of disrupted weapons use)
_PROMISED = re.compile(r"\b(?:undert(?:ook|ake|akes)|pledged?|vowed?|promised?|threaten(?:ed|s)?|committed|agreed|"
                       r"undertaking)\s+to\b"
                       r"|\b(?:will|would|shall)\s+(?:\w+\s+)?be\s+(?:deployed|sent|opened|set\s+up|established|released|"
                       r"exchanged|withdrawn|handed)\b", re.I)


_DATELINE_BEFORE = re.compile(r"(?:^|\n)[ \t]*[A-Z][A-Z .'’-]{1,40}(?:,\s*[A-Za-z .'’-]{1,30})?,\s*$")
_DATELINE_AFTER = re.compile(r"\s*(?:\([^()\n]{1,40}\)\s*)?[—–-]{1,2}\s")


def _in_dateline(text: str, d: DateMention) -> bool:
    """The date of a dateline: a place in capitals at the start of a line, the date, an agency, a dash."""
    return bool(_DATELINE_BEFORE.search(text, max(0, d.start - 60), d.start)) \
        and bool(_DATELINE_AFTER.match(text, d.end))


def _header_end(text: str) -> int:
    """End of a leading label line and "Publisher: ... | Published: ..." header, if any."""
    m = _HEADER_BLOCK.match(text)
    return m.end() if m else 0


# a sentence that gives the place of the event told before it ("The attack took place in ...")
_TOLD_LATER = re.compile(r"\b(?:took place|takes place|occurred|happened|was carried out|were carried out|"
                         r"(?:the|this|both) (?:attacks?|bombings?|blasts?|explosions?|shootings?|incidents?|"
                         r"ambush|raids?|strikes?|clashes|fighting))\b", re.I)
# headlines joined by a semicolon with no space, as in UCDP GED's source_headline (nlp/spacy_nlp.py splits them)
_HEADLINES = re.compile(r";(?=[A-Z0-9\"“‘'])")
# the cue weight from which a sentence whose figures are a total still tells of an event (an armed clash, a
# shelling): the event is made without the figures (development gold: 2.0 and 3.0 gave event F1 0.654; 4.0, and
# making no such event at all, 0.649)
AGGREGATE_EVENT_CUE = 3.0
# the cue weight, or else the classifier's score, from which a follow-up clause may raise the event it continues to a
# higher sub-type of its type
UPGRADE_CUE = 2.0
UPGRADE_SCORE = 0.5
# the same for a later event merged into an earlier telling (its confidence is 0.35 + 0.5 x the classifier's score,
# less where its place or initiator was borrowed)
UPGRADE_CONFIDENCE = 0.55


def _event_places(text: str, cs: int, ce: int, sub: str, fine: list[PlaceMention]) -> list[PlaceMention]:
    """The places of a clause (cs:ce) that are the event's, not places it only mentions; all of them when every
    one would go."""
    # "families displaced from Nookat and Uzgen gathered in Osh", "shelling from X hit Y": where people or fire came
    # from is not where the event happened, when the clause names that place too
    fine = [p for p in fine if not _ORIGIN.search(text, max(cs, p.start - 40), p.start)] or fine
    # "a mosque in Escondido, a city north east of San Diego": a place named to locate another is not the event's,
    # when the clause names that other place
    fine = [p for p in fine if not _REFERENCE.search(text, max(cs, p.start - 40), p.start)] or fine
    # "on the Khujand–Isfara highway": a road named after two towns is in neither; the clause's other place if it
    # names one ("on the eastern outskirts of Khujand"), else the road's first town ("the Batken–Isfara road")
    first = [p for p in fine if _ROAD_FIRST.match(text, p.end)]
    second = [p for p in fine if _ROAD_SECOND.match(text, p.end) and _ROAD_DASH.search(text, max(0, p.start - 40), p.start)]
    # "on the road between Batken and Isfara"
    for p in fine:
        if _ROAD_BETWEEN.search(text, max(0, p.start - 40), p.start):
            m = _ROAD_JOIN.match(text, p.end)
            nxt = next((q for q in fine if m is not None and q.start == m.end()), None)
            if nxt is not None:
                first.append(p)
                second.append(nxt)
    if first or second:
        fine = [p for p in fine if p not in first and p not in second] or [p for p in fine if p not in second] or fine
    fine = _without_containers(text, fine)
    if sub == "Arrests":
        # "detained six members of a cell in Kyzyl-Kyya who are suspected of the bombing on the Batken road": the
        # arrest is where the arrested were, not where the deed they are suspected of was done
        why = _REASON.search(text, cs, ce)
        if why is not None:
            fine = [p for p in fine if p.start < why.start()] or fine
    return fine


# between a place and the larger place named to hold it: "Streatham, London", "the North York area of Toronto",
# "Kulachi in the Dera Ismail Khan district"; and the holder's possessive before it: "Jerusalem's Old City"
_CONTAINER_GAP = re.compile(r"\s*,\s*|\s+(?:(?:area|district|neighbou?rhood|suburb|section|part|outskirts)\s+)?of\s+(?:the\s+)?"
                            r"|\s+in\s+(?:the\s+)?")
_POSSESSIVE_GAP = re.compile(r"['’]s\s+")
_PAREN_GAP = re.compile(r"\s*\(\s*")  # "a Squirrel Hill (Pittsburgh) synagogue"
# "the city of Galkayo in Somalia's semi autonomous Puntland region": a region that holds the town, whatever the
# distance between their points
_REGION_GAP = re.compile(r"\s+in\s+(?:the\s+)?(?:[A-Z][\w-]*['’]s\s+)?(?:(?:semi|autonomous|semi-autonomous|restive|"
                         r"breakaway|troubled|(?:north|south|east|west|central)(?:ern)?)\s+)*", re.I)
REGION_CONTAINER_KM = 500.0
_PAREN_CLOSE = re.compile(r"\s*\)")
_LIST_AFTER = re.compile(r"\s*(?:,|and\b|or\b)\s*(?:the\s+)?[A-Z]")
_LIST_BEFORE = re.compile(r"(?:,|\band|\bor)\s*$")
CONTAINER_KM = 40.0


def _without_containers(text: str, fine: list[PlaceMention]) -> list[PlaceMention]:
    """A place named to hold the one before it, within ``CONTAINER_KM``, is not a second place of the event; a list of
    places ("in Osh, Uzgen and Kara-Suu") is left alone."""
    drop: set[int] = set()
    for a, b in zip(fine, fine[1:], strict=False):
        la, lb = a.location, b.location
        if la is None or lb is None or la.lat is None or lb.lat is None or la.lon is None or lb.lon is None:
            continue
        gap = text[a.end:b.start]
        km = haversine_km(la.lat, la.lon, lb.lat, lb.lon)
        if lb.feature in ("region", "district") and la.feature not in ("region", "district", "country") \
                and km <= REGION_CONTAINER_KM and _REGION_GAP.fullmatch(gap) and not _LIST_AFTER.match(text, b.end):
            drop.add(id(b))
            continue
        if km > CONTAINER_KM:
            continue
        if _POSSESSIVE_GAP.fullmatch(gap):
            drop.add(id(a))  # "Jerusalem's Old City": the Old City
        elif _PAREN_GAP.fullmatch(gap) and _PAREN_CLOSE.match(text, b.end):
            drop.add(id(b))  # "Squirrel Hill (Pittsburgh)": Squirrel Hill
        elif _CONTAINER_GAP.fullmatch(gap) and not _LIST_AFTER.match(text, b.end) \
                and not (gap.strip() == "," and _LIST_BEFORE.search(text, max(0, a.start - 6), a.start)):
            drop.add(id(b))  # "Streatham, London": Streatham; not "Osh, Uzgen and Kara-Suu"
    return [p for p in fine if id(p) not in drop] or fine


def _told_once(e: Event) -> Event:
    """One figure restated for the same event ("20 foreigners killed ...; 20 foreigners killed in hostage
    carnage": two headlines of one incident) is one casualty claim: identical outcome, group and figures
    from the same claimant are kept once."""
    seen: set[tuple[object, ...]] = set()
    kept = []
    for c in e.casualties:
        key = (c.outcome, c.group, c.party, c.low, c.best, c.high, c.qualifier, c.claimed_by)
        if key not in seen:
            seen.add(key)
            kept.append(c)
    return e if len(kept) == len(e.casualties) else e.model_copy(update={"casualties": kept})


def _victims_are_civilians(e: Event) -> Event:
    """In violence against civilians the codebook's victims are civilians: "45 people were killed" in such an
    event counts them as civilians (a figure with its own group noun keeps it: "two attackers")."""
    if e.event_type != "Violence against civilians" or not any(
            c.group == "unknown" and c.outcome in ("killed", "injured") for c in e.casualties):
        return e
    return e.model_copy(update={"casualties": [
        c.model_copy(update={"group": "civilian"}) if c.group == "unknown" and c.outcome in ("killed", "injured")
        else c for c in e.casualties]})


def _compatible_dates(a: DateInfo, b: DateInfo) -> bool:
    if not a.start or not b.start:
        return True
    from datetime import date as _d

    a0, a1 = _d.fromisoformat(a.start), _d.fromisoformat(a.end or a.start)
    b0, b1 = _d.fromisoformat(b.start), _d.fromisoformat(b.end or b.start)
    return a0 <= b1 + timedelta(days=1) and b0 <= a1 + timedelta(days=1)


class _HasStart(Protocol):
    @property
    def start(self) -> int: ...


_T = TypeVar("_T", bound=_HasStart)


class _ByStart(Generic[_T]):
    """Items sorted by ``.start`` with binary-search windows: the per-clause lookups below would
    otherwise scan every place, date and actor of the document for every clause (quadratic on
    long documents)."""

    def __init__(self, items: list[_T]) -> None:
        self.items = sorted(items, key=lambda x: x.start)
        self.starts = [x.start for x in self.items]

    def between(self, a: int, b: int) -> list[_T]:
        return self.items[bisect_left(self.starts, a):bisect_left(self.starts, b)]

    def before(self, pos: int) -> list[_T]:
        """Items starting before ``pos``, nearest first."""
        return self.items[:bisect_left(self.starts, pos)][::-1]


@lru_cache(maxsize=8)
def _paragraph_breaks(text: str) -> list[int]:
    return [m.start() for m in re.finditer("\n\n", text)]


def paragraph_of(text: str, pos: int) -> int:
    """Index of the paragraph holding ``pos`` (a binary search: this runs for every clause,
    and counting breaks from the start each time was quadratic on long documents)."""
    return bisect_right(_paragraph_breaks(text), pos - 2)


def _own_date(e: Event) -> bool:
    """The event's date was written in its own sentence (not inherited from the narrative)."""
    sp, ev0 = e.date.span, e.evidence[0]
    return sp is not None and ev0.start <= sp.start < ev0.end


def _merge_coreferent(events: list[Event], text: str) -> list[Event]:
    """Within one document, a headline, a lead and a later paragraph often tell the same event:
    same ACLED type, same place (or one without a place), compatible dates, within three
    paragraphs. The later mention is folded into the earlier one (evidence and casualties)."""
    out: list[Event] = []
    title = _title_paragraph(text)
    for e in events:
        target = None
        for i in range(len(out) - 1, -1, -1):
            o = out[i]
            if o.event_type != e.event_type or o.certainty == "denied" or e.certainty == "denied":
                continue
            # the title names an event of the sub-type the body tells, however far down
            titled = o.sub_type == e.sub_type and _title_only(o, text, title)
            if paragraph_of(text, e.evidence[0].start) - paragraph_of(text, o.evidence[0].start) > 3 and not titled:
                break
            ol = {(loc.gazetteer_id or loc.name, loc.feature) for loc in o.locations}
            el = {(loc.gazetteer_id or loc.name, loc.feature) for loc in e.locations}
            if ol and el and not (ol & el) and not _within_country(o, e) and not _within_country(e, o):
                continue
            if not _compatible_dates(o.date, e.date) and not titled:
                continue  # (a title's date is the publication's: the body dates the event)
            oi = {a.normalized for a in o.actors if a.role == "initiator"}
            ei = {a.normalized for a in e.actors if a.role == "initiator"}
            if oi and ei and not (oi & ei):
                continue  # different sides acting: two events
            if _own_date(o) and _own_date(e) and (o.date.start, o.date.end) != (e.date.start, e.date.end):
                continue  # each sentence states its own, different date: two events
            if o.evidence[0] == e.evidence[0]:
                break  # one sentence listing several places: separate events by design
            target = i
            break
        if target is None:
            out.append(e)
            continue
        o = out[target]
        if o.sub_type == e.sub_type and e.locations and _title_only(o, text, title):
            # the document's title names the event the body tells ("Investigate market strike and abductions"):
            # the body's telling, which places it, with the title as more evidence
            extra_t = [c for c in o.casualties if (c.outcome, c.group, c.low, c.high)
                       not in {(x.outcome, x.group, x.low, x.high) for x in e.casualties}]
            out[target] = e.model_copy(update={"evidence": o.evidence + [x for x in e.evidence if x not in o.evidence],
                                               "casualties": e.casualties + extra_t})
            continue
        known = {(c.outcome, c.group, c.low, c.high) for c in o.casualties}
        extra = [c for c in e.casualties if (c.outcome, c.group, c.low, c.high) not in known]
        update: dict[str, object] = {
            "evidence": o.evidence + [s for s in e.evidence if s not in o.evidence],
            "casualties": o.casualties + extra,
        }
        if (not o.locations and e.locations) or _within_country(o, e):
            update["locations"] = e.locations  # the place the other telling pins down
        if precedence(e.sub_type) < precedence(o.sub_type) and e.confidence >= UPGRADE_CONFIDENCE:
            # a later telling raises the sub-type when it was classified with some confidence: not a doctor's
            # "several of the wounded were in a critical condition", which the models took for a chemical attack
            update["sub_type"] = e.sub_type
            update["summary"] = o.summary.replace(ev.SUB_PHRASE[o.sub_type], ev.SUB_PHRASE[e.sub_type], 1)
        out[target] = o.model_copy(update=update)
    return [x.model_copy(update={"id": f"e{i + 1}"}) for i, x in enumerate(out)]


def _title_paragraph(text: str) -> int | None:
    """The paragraph of the document's title: the first after the header block, when it is one short line with no
    final full stop and paragraphs follow ("Ardania: Investigate market strike and abductions as possible war
    crimes"); not a field of headlines alone."""
    start = _header_end(text)
    m = re.match(r"\s*([^\n]{1,200})\n\s*\n\s*\S", text[start:])  # a body must follow
    if m is None or m.group(1).rstrip().endswith((".", "!", "?")):
        return None
    return paragraph_of(text, start + m.start(1))


def _title_only(e: Event, text: str, title: int | None) -> bool:
    """An event told only in the title, with no date of its own (its place, if any, must still agree with the
    body's telling: ``_merge_coreferent`` checks that)."""
    return title is not None and not _own_date(e) \
        and all(paragraph_of(text, s.start + len(s.quote) - len(s.quote.lstrip())) == title for s in e.evidence)


def _within_country(broad: Event, other: Event) -> bool:
    """``broad`` is placed only at a country, and ``other`` at places inside it: "Two killed in sectarian violence in
    Myanmar's second city" and "communal riot erupts in Mandalay" can be one event told twice."""
    countries = {loc.country_code for loc in broad.locations if loc.feature == "country"}
    return bool(countries) and len(countries) == len(broad.locations) and bool(other.locations) \
        and all(loc.feature != "country" and loc.country_code in countries for loc in other.locations)


_BOUND_BEFORE = re.compile(r"\b(?:by|until|till|before|since|after)\s+$", re.I)
_CAPWORD = re.compile(r"\b[A-Z][a-z]{3,}\b")


class Gazetteer(Protocol):
    def lookup(self, name: str) -> tuple[object, ...]: ...

    def country(self, code: str) -> object | None: ...

    def demonym(self, word: str) -> str | None: ...

    def country_name(self, word: str) -> tuple[str, str] | None: ...


def _claimant(raw: RawDocument) -> str:
    return raw.publisher or raw.source_name or "The document"


# stems that must never appear unquoted in the system's own words (gold-format.md's neutrality rule)
_STEMS = re.compile(r"\b(?:" + "|".join(NEUTRALITY_PREFIXES) + r")\w*", re.I)


@lru_cache(maxsize=4096)
def _neutral(s: str) -> str:
    """A name or claimant as the system may print it: quoted whole when it carries a loaded word
    ("the “Valley Liberation Front”"), otherwise with loaded words quoted."""
    if _STEMS.search(s):
        return f"“{s}”"
    return loaded_words().sub(lambda m: f"“{m.group(0)}”", s)


# A clause that reports people killed or injured becomes an event from this classifier score on (other
# clauses need cue evidence). 0.3 until 2026-11-26; at 0.2, on the development sets, casualty exact match rose
# on the Wikipedia incidents from 54.3 to 58.3 % (killed) and 51.2 to 54.0 % (injured), on the UCDP headlines
# from 18.3 to 20.0 % ("Four killed, 50 injured in clashes" had no event), while the extraction gold moved
# by -0.002 (event F1), +0.002 (casualty) and -0.007 (geo). 0.1: 59.0 / 55.6 / 21.0 %, event F1 -0.006.
VIOLENT_CLAUSE_SCORE = 0.2


class Extractor:
    """Runs the pipeline stages; holds the annotator and the gazetteer (loaded once)."""

    def __init__(self, annotator: Annotator, gazetteer: Gazetteer) -> None:
        self.annotator = annotator
        self.gaz = gazetteer

    def extract(self, raw: RawDocument) -> Extraction:
        return self.build(raw, self.annotator.annotate(raw.text))

    def extract_many(self, raws: Iterable[RawDocument]) -> Iterator[Extraction]:
        """Annotate with ``nlp.pipe`` and classify the clauses of the whole batch in one call."""
        buf = list(raws)
        anns = list(self.annotator.annotate_many(r.text for r in buf))
        units = [self._units(a) for a in anns]
        flat = [(a.text[cs:ce], self._needs_model(a.text, cs, ce)) for a, us in zip(anns, units, strict=True)
                for cs, ce, _, _ in us]
        classes = classify_many([t for t, _ in flat], [n for _, n in flat])
        k = 0
        for raw, ann, us in zip(buf, anns, units, strict=True):
            yield self.build(raw, ann, (us, classes[k:k + len(us)]))
            k += len(us)

    @staticmethod
    def _units(ann: AnnotatedText) -> list[tuple[int, int, int, int]]:
        """Clauses as (clause start, end, sentence start, end)."""
        return [(cs, ce, s, e) for s, e in ann.sentences for cs, ce in ev.split_clauses(ann.text, s, e)]

    @staticmethod
    def _needs_model(text: str, cs: int, ce: int) -> bool:
        # a clause without cues can still be an event when it reports people killed or injured
        return any(x.outcome in ("killed", "injured") for x in find_casualties(text, cs, ce))

    # -- the stages -------------------------------------------------------------------------
    def _focus(self, text: str) -> Counter[str]:
        focus: Counter[str] = Counter()
        # sorted: the focus must not depend on set order (hash randomisation changed results between runs)
        for w in sorted(set(_CAPWORD.findall(text))):
            cc = self.gaz.demonym(w)
            if cc:
                focus[cc] += text.count(w)
                continue
            cn = self.gaz.country_name(w)
            if cn:
                focus[cn[0]] += text.count(w)
        return focus

    def build(self, raw: RawDocument, ann: AnnotatedText,
              classified: tuple[list[tuple[int, int, int, int]], list[Classification]] | None = None) -> Extraction:
        text = raw.text
        warnings = list(raw.warnings)
        claimant = _claimant(raw)
        framing = find_framing(text)
        legal = find_legal(text)
        focus = self._focus(text)
        mentions = find_mentions(ann, self.gaz, set(focus))  # type: ignore[arg-type]
        resolve(mentions, self.gaz, {k: v / max(1, max(focus.values())) for k, v in focus.items()}, text)  # type: ignore[arg-type]
        actors = find_actors(text, self.gaz)
        actor_idx = _ByStart(actors)
        for pm in mentions:
            pm.in_actor = any(pm.end <= a.end for a in actor_idx.between(pm.start - 200, pm.start + 1)
                              if a.start <= pm.start)
        dates = find_dates(text, raw.published)
        idx = (_ByStart(mentions), _ByStart(dates), actor_idx)
        first_group = next((a.normalized for a in actors if a.kind in ("rebel_group", "political_militia")), None)
        stance, stance_ev = infer_stance(text, raw.publisher, framing, self.gaz, first_group)
        info = DocumentInfo(
            id=document_id(text), title=raw.title,
            source=Source(name=raw.source_name or raw.publisher, url=raw.url, publisher=raw.publisher),
            published=raw.published, language="en", stance=stance, stance_evidence=stance_ev, chars=len(text),
        )
        for pm in mentions:
            if pm.location is None and not pm.in_actor:
                warnings.append(f"place {pm.written!r} could not be resolved")
        events: list[Event] = []
        aggregates: list[Aggregate] = []
        fronts = frontline_mentions(text)
        top_country = focus.most_common(1)[0][0] if focus else None

        if classified is None:
            units = self._units(ann)
            classes = classify_many([text[cs:ce] for cs, ce, _, _ in units],
                                    [self._needs_model(text, cs, ce) for cs, ce, _, _ in units])
        else:
            units, classes = classified

        sentence_cas: dict[tuple[int, int], list[CasualtyMention]] = {}
        agg_sentences: set[tuple[int, int]] = set()
        last_agg_end = -1
        prev_initiator: tuple[Actor, int] | None = None
        pending: tuple[int, list[CasualtyMention]] | None = None  # figures of a paragraph told before its event
        header_end = _header_end(text)
        for (cs, ce, ss, se), cls in zip(units, classes, strict=True):
            if ce <= header_end:
                continue
            cs, ss = max(cs, header_end), max(ss, header_end)
            if (ss, se) not in sentence_cas:
                sent_cas = sentence_cas[(ss, se)] = find_casualties(text, ss, se)
                continues = (aggregates and last_agg_end >= 0 and not text[last_agg_end:ss].count("\n\n")
                             and cls.any_cue < 2.0)
                if sent_cas and ev.is_aggregate(text[ss:se], text):
                    aggregates.append(self._aggregate(text, ss, se, sent_cas, dates, raw, claimant))
                    agg_sentences.add((ss, se))
                    last_agg_end = se
                elif sent_cas and continues:
                    # "... 94 civilians were killed. 2908 soldiers were killed ...": the same total goes on
                    prev = aggregates[-1]
                    prev.casualties.extend(self._casualty(text, c, prev.claimed_by) for c in sent_cas)
                    prev.evidence.append(Span.of(text, ss, se))
                    agg_sentences.add((ss, se))
                    last_agg_end = se
            in_total = (ss, se) in agg_sentences
            if in_total and (cls.any_cue < AGGREGATE_EVENT_CUE or cls.sub_type not in SUB_TYPES):
                continue
            # "Clashes kill over 30 soldiers in two weeks": the fighting is an event, its figures the total's
            clause_cas = [] if in_total else [c for c in sent_cas if cs <= c.start < ce]
            own_place = any(p.location is not None and not p.in_actor and not p.is_country
                            for p in idx[0].between(cs, ce)) or any(cs <= f[0] < ce for f in fronts)
            own_date = any(d.first is not None for d in idx[1].between(cs, ce))
            near_last = bool(events) and \
                self._paragraph(text, events[-1].evidence[-1].start) >= self._paragraph(text, ss) - 1
            if clause_cas and near_last and not own_place and not own_date and cls.any_cue < 2.0:
                para = self._paragraph(text, ss)
                places_told: set[str] = set()
                for e_ in reversed(events):  # the events of the last few paragraphs only
                    if self._paragraph(text, e_.evidence[0].start) < para - 3:
                        break
                    places_told.update(loc.gazetteer_id or loc.name for loc in e_.locations)
                if len(places_told) >= 2 and (ss, se) not in agg_sentences:
                    # figures after several events at different places cannot be given to one of
                    # them: they are a total ("32 people were killed and 340 injured")
                    aggregates.append(self._aggregate(text, ss, se, sent_cas, dates, raw, claimant))
                    agg_sentences.add((ss, se))
                    continue
                # "Nine civilians were killed and dozens injured.": figures for the event just told
                self._continue_event(events, text, ss, se, events[-1].sub_type, clause_cas)
                continue
            sub = cls.sub_type
            violent_cas = any(c.outcome in ("killed", "injured") for c in clause_cas)
            told_first = violent_cas and not in_total and not any(
                self._paragraph(text, e_.evidence[0].start) == self._paragraph(text, ss) for e_ in events[-1:])
            if sub == NONE or sub not in SUB_TYPES:
                if cls.closed in SUB_TYPES and cls.any_cue >= 3.0:
                    sub = cls.closed  # strong cue evidence: the best of the sub-types (the codebook's rules applied)
                else:
                    if told_first:  # "At least 30 people died and 61 were injured in the capital. The attack ..."
                        pending = (self._paragraph(text, ss), clause_cas)
                    continue
            if not (cls.any_cue >= 2.0 or (cls.score >= 0.45 and cls.any_cue >= 1.0) or (violent_cas and cls.score >= VIOLENT_CLAUSE_SCORE)):
                if told_first:
                    pending = (self._paragraph(text, ss), clause_cas)
                continue
            if pending is not None:
                # figures told before the event they belong to, in its paragraph, with no event of their own
                if pending[0] == self._paragraph(text, ss) and not clause_cas:
                    clause_cas = pending[1]
                pending = None
            # a clause with no place and no date of its own continues the event before it; a total's sentence
            # never does ("As a result of the 44-day war, 94 civilians were killed" is no part of the ceasefire)
            # ... unless it is a headline of a list (nlp.spacy_nlp) that tells an event of another type with that type's
            # own cue ("Myanmar says nine police killed by insurgents;Two Arrested After Attacks on Border Guard Posts")
            other_type = (bool(events) and text[ss - 1:ss] == ";" and SUB_TYPES[sub] != events[-1].event_type
                          and cls.cue_score >= 2.0)
            if near_last and not own_place and not own_date and not other_type:
                if in_total:
                    continue
                # the follow-up may make the event a higher type of its kind (a car bomb told to be a suicide
                # bombing), on its own cue or a confident model, not on a guess from a sentence with no such word
                # ("The explosion killed at least 53 people" made a grenade an air strike)
                upgrade = cls.cue_score >= UPGRADE_CUE or cls.score >= UPGRADE_SCORE
                self._continue_event(events, text, ss, se, sub if upgrade else events[-1].sub_type, clause_cas)
                continue
            if not events and not own_place and not own_date and cls.any_cue < 2.0 and not violent_cas:
                continue
            if _PROMISED.search(text, cs, ce) and (sub != "Agreement" or any(e_.sub_type == "Agreement" for e_ in events)):
                # what a side undertakes, vows or threatens to do has not happened ("both sides undertook to stop
                # artillery fire ... and to open a corridor between Osh and Nookat"); agreeing is the agreement
                continue
            made = self._events_for_clause(
                text, cs, ce, ss, se, sub, cls.score, idx, clause_cas, raw, claimant,
                fronts, top_country, prev_initiator, len(events),
            )
            for e_ in made:
                ini = next((a for a in e_.actors if a.role == "initiator"), None)
                if ini:
                    prev_initiator = (ini, self._paragraph(text, ss))
            events.extend(made)
        events = [_told_once(_victims_are_civilians(e)) for e in _merge_coreferent(events, text)]
        if not text.strip():
            warnings = warnings or ["the document is empty; no events extracted"]
        return Extraction(document=info, events=events, aggregates=aggregates, legal_references=legal,
                          framing=framing, warnings=warnings)

    def _continue_event(self, events: list[Event], text: str, ss: int, se: int, sub: str,
                        clause_cas: list[CasualtyMention]) -> None:
        """Fold a follow-up clause into the latest event (all events of its place list share it)."""
        last = events[-1]
        # the events made from the latest clause (one per place) sit at the end of the list
        first = len(events) - 1
        while first > 0 and events[first - 1].evidence[0] == last.evidence[0]:
            first -= 1
        group = events[first:]
        upgrade = None
        if precedence(sub) < precedence(last.sub_type) and (
                SUB_TYPES[sub] == last.event_type or last.event_type == "Strategic developments"):
            upgrade = sub
        for i in range(first, len(events)):
            e = events[i]
            update: dict[str, object] = {}
            span = Span.of(text, ss, se)
            if span not in e.evidence:
                update["evidence"] = [*e.evidence, span]
            if clause_cas and e is group[0]:
                update["casualties"] = [*e.casualties, *(self._casualty(text, c, e.claimed_by) for c in clause_cas)]
            if upgrade:
                update["sub_type"] = upgrade
                update["event_type"] = SUB_TYPES[upgrade]
                update["summary"] = e.summary.replace(ev.SUB_PHRASE[e.sub_type], ev.SUB_PHRASE[upgrade], 1)
            if update:
                events[i] = e.model_copy(update=update)

    def _place_told_later(self, text: str, se: int, para: int, mentions: _ByStart[PlaceMention]) -> Location | None:
        """A place that a later sentence of the paragraph gives for the event: "... killed 27 soldiers. The attack
        took place in Sistan and Baluchestan province." The sentence must refer back to the event."""
        for p in mentions.between(se, len(text)):
            if self._paragraph(text, p.start) != para:
                break
            if p.location is None or p.in_actor or p.is_country:
                continue
            stop = max(text.rfind(". ", se, p.start), se)
            if _TOLD_LATER.search(text, stop, p.start):
                return p.location
        return None

    @staticmethod
    def _headlines_place(text: str, ss: int, mentions: _ByStart[PlaceMention], country: str | None) -> Location | None:
        """In a list of headlines about one event (UCDP GED's ``source_headline``: "Myanmar says nine police killed
        by insurgents on Bangladesh border;Two Arrested After Attacks on Border Guard Posts in Arakan State"), the one
        place finer than a country that the other headlines give, when they give exactly one in the country the
        document is about (without that condition, obscure names resolved abroad came in: "Mansi township" as
        Muncie, Indiana)."""
        breaks = _paragraph_breaks(text)
        i = paragraph_of(text, ss)
        start = breaks[i - 1] + 1 if i else 0
        end = breaks[i] if i < len(breaks) else len(text)
        if end - start > 5_000 or not _HEADLINES.search(text, start, end):
            return None  # (a field of headlines is short: no scan of a long paragraph for every clause)
        found = {(p.location.gazetteer_id or p.location.name): p.location for p in mentions.between(start, end)
                 if p.location is not None and not p.in_actor and not p.is_country
                 and country is not None and p.location.country_code == country}
        return next(iter(found.values())) if len(found) == 1 else None

    @staticmethod
    def _paragraph(text: str, pos: int) -> int:
        return paragraph_of(text, pos)

    def _date_for(self, text: str, cs: int, ce: int, ss: int, se: int, dates: _ByStart[DateMention]) -> DateMention | None:
        inside = [d for d in dates.between(cs, ce) if d.precision != "year"]
        # a wire story's dateline ("NOOKAT, 23 March 2024 (NPA) — ...") dates the report; a date the sentence gives
        # for the event goes first
        told = [d for d in inside if not _in_dateline(text, d)]
        inside = told or inside
        if inside:
            # "By December 1, ... signed on November 10": a deadline bound is not the event's date
            plain = [d for d in inside if not _BOUND_BEFORE.search(text[max(0, d.start - 12):d.start])]
            return (plain or inside)[0]
        in_sent = [d for d in dates.between(ss, se) if d.precision != "year"]
        if in_sent:
            plain_s = [d for d in in_sent if not _BOUND_BEFORE.search(text[max(0, d.start - 12):d.start])]
            return (plain_s or in_sent)[0]
        para = self._paragraph(text, ss)
        for d in dates.before(ss):
            if self._paragraph(text, d.start) < para - 1:
                break
            if d.end <= ss and d.precision in ("day", "range", "week"):
                return d
        return None

    def _events_for_clause(
        self, text: str, cs: int, ce: int, ss: int, se: int, sub: str, score: float,
        idx: tuple[_ByStart[PlaceMention], _ByStart[DateMention], _ByStart[ActorMention]],
        clause_cas: list[CasualtyMention], raw: RawDocument, claimant: str,
        fronts: list[tuple[int, int]], top_country: str | None, prev_initiator: tuple[Actor, int] | None,
        n_before: int,
    ) -> list[Event]:
        mentions, dates, actors = idx
        dm = self._date_for(text, cs, ce, ss, se, dates)
        dinfo = ev.date_info(text, dm, raw.published)
        # places: the clause's own, else its sentence's; countries only as a last resort
        def places_in(a: int, b: int) -> list[PlaceMention]:
            return [p for p in mentions.between(a, b) if p.location is not None and not p.in_actor]

        cand = places_in(cs, ce) or places_in(ss, se)
        fine = [p for p in cand if not p.is_country]
        # "the Turbat area of Balochistan", "Sukma district of Chhattisgarh": the region that holds a town or district
        # named with it is no place of its own
        towns = {(p.location.country_code, p.location.admin1) for p in fine
                 if p.location is not None and p.location.feature != "region"}
        fine = [p for p in fine if not (p.location is not None and p.location.feature == "region"
                                        and (p.location.country_code, p.location.admin1) in towns)] or fine
        fine = _event_places(text, cs, ce, sub, fine)
        locs: list[Location] = []
        if fine:
            seen: set[str] = set()
            for p in fine:
                assert p.location is not None
                key = p.location.gazetteer_id or p.location.name
                if key not in seen:
                    seen.add(key)
                    locs.append(p.location)
        else:
            fr = [f for f in fronts if cs <= f[0] < ce]
            if fr:
                locs = [frontline_location(text, fr[0][0], fr[0][1], top_country)]
            else:
                countries = [p for p in cand if p.is_country and _LOCATIVE.search(text[max(0, p.start - 20):p.start])]
                if countries and countries[0].location is not None:
                    locs = [countries[0].location]
        if not locs:
            # the latest place named earlier in the same paragraph ("In Central Israel, two men ...")
            para = self._paragraph(text, ss)
            latest = None
            for p in mentions.before(cs):
                if self._paragraph(text, p.start) != para:
                    break
                if p.location is not None and not p.in_actor and not p.is_country and not (
                        _ORIGIN.search(text, max(0, p.start - 60), p.start)
                        or _DESTINATION.search(text, max(0, p.start - 60), p.start)):
                    latest = p.location
                    break
            if latest is None:
                latest = self._place_told_later(text, se, para, mentions)
            if latest is None:
                latest = self._headlines_place(text, ss, mentions, top_country)
            if latest is not None:
                locs = [latest]
            elif top_country:
                # only the country is known: ACLED's geo_precision 3 at the country's centroid
                country = next((p.location for p in mentions.items if p.is_country and p.location is not None
                                and p.location.country_code == top_country), None)
                c = self.gaz.country(top_country) if country is None else None
                if c is not None:
                    # the point a mention of the country gets (a large country's is its outline's centroid)
                    lat, lon = area_point(c.id, "country", top_country) or (c.lat, c.lon)  # type: ignore[attr-defined]
                    country = Location(name=c.name, name_as_written=c.name, country_code=top_country,  # type: ignore[attr-defined]
                                       lat=round(lat, 5), lon=round(lon, 5), feature="country",
                                       geo_precision=3, gazetteer_id=c.id, candidates=1)  # type: ignore[attr-defined]
                if country is not None:
                    locs = [country]
        # actors and roles
        clause_actors = actors.between(cs, ce)
        trig = None
        role_actors: list[Actor] = []
        for a in clause_actors:
            role_actors.append(to_actor(text, a, role_of(text, a, trig, cs)))
        if sub == "Agreement":
            role_actors = [a.model_copy(update={"role": "signatory"}) if a.role in ("initiator", "target") else a
                           for a in role_actors]
            between = re.search(r"\bbetween\s+(?P<l>[A-Z][^.;:]*)", text[cs:ce])
            if between:
                base = cs + between.start("l")
                for m in re.finditer(r"[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+)*", between.group("l")):
                    cn = self.gaz.country_name(m.group(0))
                    if cn and not any(x.normalized.endswith(cn[1]) for x in role_actors):
                        s0, e0 = base + m.start(), base + m.end()
                        role_actors.append(Actor(name=m.group(0), normalized=f"Government of {cn[1]}",
                                                 kind="government", country_code=cn[0], role="signatory",
                                                 span=Span.of(text, s0, e0)))
            for m in re.finditer(r"\b(?:brokered|mediated|facilitated)\s+by\s+(?:the\s+)?(?P<m>[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+)*)", text[cs:ce]):
                role_actors.append(Actor(name=m.group("m"), normalized=m.group("m"), kind="other", role="mediator",
                                         span=Span.of(text, cs + m.start("m"), cs + m.end("m"))))
        else:
            # "against Azerbaijan": a country named as the target of an attack
            for m in re.finditer(r"\bagainst\s+(?P<c>[A-Z][\w'’\-]+)", text[cs:ce]):
                cn = self.gaz.country_name(m.group("c"))
                if cn and not any(x.country_code == cn[0] for x in role_actors):
                    role_actors.append(Actor(name=m.group("c"), normalized=cn[1], kind="government",
                                             country_code=cn[0], role="target",
                                             span=Span.of(text, cs + m.start("c"), cs + m.end("c"))))
        confidence = min(0.95, 0.35 + 0.5 * score)
        if not any(a.role == "initiator" for a in role_actors) and prev_initiator and sub != "Agreement" \
                and prev_initiator[1] >= self._paragraph(text, ss) - 1 and SUB_TYPES[sub] in (
                    "Explosions/Remote violence", "Battles"):
            role_actors.append(prev_initiator[0])
            confidence *= 0.8
        initiator = next((a for a in role_actors if a.role == "initiator"), None)
        if sub in ("Government regains territory", "Non-state actor overtakes territory") and initiator \
                and taking_side(text[cs:ce]) is None:
            # who takes control, where the words of the clause did not tell (classify.codebook_rules): its
            # initiator's kind ("the VLF said it had taken Nookat"); "the army retook the town from VLF rebels" told
            sub = "Government regains territory" if initiator.kind in ("state_forces", "government") \
                else "Non-state actor overtakes territory"
        who = ev.attribution(text, ss, se)
        claimed_by = who if who and who.lower() not in claimant.lower() else claimant
        certainty = ev.certainty_of(text[cs:ce], text[ss:se], claimed_by != claimant)
        target = next((a for a in role_actors if a.role in ("target", "victim")), None)
        evidence = [Span.of(text, ss, se)]
        out: list[Event] = []
        per_place: list[Location | None] = list(locs) if locs else [None]
        for i, loc in enumerate(per_place):
            cas = [self._casualty(text, c, claimed_by) for c in clause_cas
                   if len(per_place) == 1 or self._nearest_place(c, per_place, loc)]
            summary = ev.summary(
                _neutral(claimed_by), certainty, sub,
                _neutral(initiator.normalized) if initiator else None,
                _neutral(target.normalized) if target and target.kind != "civilians" else None,
                loc.name if loc and loc.feature != "frontline" else ("the frontline" if loc else None),
                dinfo, cas,
            )
            out.append(Event(
                id=f"e{n_before + i + 1}", event_type=SUB_TYPES[sub], sub_type=sub,  # type: ignore[arg-type]
                summary=summary, date=dinfo, locations=[loc] if loc else [], actors=role_actors,
                casualties=cas, claimed_by=claimed_by, certainty=certainty,  # type: ignore[arg-type]
                evidence=evidence, confidence=round(confidence * (0.9 if loc is None else 1.0), 3),
            ))
        return out

    @staticmethod
    def _nearest_place(c: CasualtyMention, locs: list[Location | None], loc: Location | None) -> bool:
        """Is ``loc`` the place of the clause named nearest before the casualty figure (the clause's first place
        when the figure comes before them all: "Nine troopers were killed ... in Sukma district")?"""
        if loc is None or loc.span is None:
            return False
        starts = [x.span.start for x in locs if x is not None and x.span is not None]
        before = [s for s in starts if s <= c.start]
        return loc.span.start == (max(before) if before else min(starts))

    def _casualty(self, text: str, c: CasualtyMention, claimed_by: str) -> Casualty:
        party = None
        if c.party:
            cc = self.gaz.demonym(c.party)
            cn = self.gaz.country_name(cc) if cc else None
            party = cn[1] if cn else c.party
        return Casualty(outcome=c.outcome, group=c.group, party=party, low=c.low, best=c.best,  # type: ignore[arg-type]
                        high=c.high, qualifier=c.qualifier, text=c.text, claimed_by=claimed_by,  # type: ignore[arg-type]
                        span=Span.of(text, c.start, c.end))

    def _aggregate(self, text: str, ss: int, se: int, cas: list[CasualtyMention], dates: list[DateMention],
                   raw: RawDocument, claimant: str) -> Aggregate:
        sent = text[ss:se]
        in_sent = [d for d in dates if ss <= d.start < se and d.first is not None]
        period = DateInfo()
        if in_sent:
            d = in_sent[0]
            end = raw.published or (d.last.isoformat() if d.last else None)
            period = DateInfo(start=d.first.isoformat() if d.first else None, end=end, precision="range",
                              text=d.text, span=Span.of(text, d.start, d.end), anchor=d.anchor)  # type: ignore[arg-type]
        else:
            m = ev.N_DAY_WAR.search(sent)
            firsts = [d.first for d in dates if d.first is not None and d.precision == "day"]
            if m and firsts:
                first_day = min(firsts)
                last_day = first_day + timedelta(days=int(m.group("n")) - 1)
                period = DateInfo(start=first_day.isoformat(), end=last_day.isoformat(), precision="range",
                                  text=m.group(0), span=Span.of(text, ss + m.start(), ss + m.end()), anchor="explicit")
            elif raw.published:
                period = DateInfo(start=None, end=raw.published, precision="unknown", anchor="publication")
        who = ev.attribution(text, ss, se)
        claimed_by = who if who and who.lower() not in claimant.lower() else claimant
        return Aggregate(period=period, area=None, casualties=[self._casualty(text, c, claimed_by) for c in cas],
                         claimed_by=claimed_by, evidence=[Span.of(text, ss, se)])
