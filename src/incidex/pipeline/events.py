"""Events: clauses that report a happening, typed in ACLED's taxonomy, one event per place.

A sentence is split into clauses (", as well as", ";", ", right after" ...);
each clause is classified (``classify``); a clause that is an event gets the
date, places, actors and casualties found inside it (or, failing that, in its
sentence and the narrative before it), its claimant and certainty, and a
neutral summary in the system's own words. Totals over a period go to
aggregates instead (``is_aggregate``).
"""

from __future__ import annotations

import re
from datetime import date

from incidex.domain.models import Casualty, DateInfo, Span
from incidex.pipeline.dates import DateMention

CLAUSE_SPLIT = re.compile(
    r",?\s+as well as\s+|;\s+|,\s+(?:right\s+|shortly\s+|soon\s+)?(?:after|following|before)\s+(?=the\s)|"
    r",\s+while\s+|,\s+whereas\s+|\s+and\s+of\s+(?=the\s)|"
    # "detained six men who are suspected of organising the bombing of ... on 14 March": the deed is an event of its own
    r",?\s+(?:who|whom)\s+(?:are|were|is|was|had\s+been|have\s+been)\s+(?:suspected|accused)\s+of\s+|\.\s+(?=[A-Z])|,\s+and\s+(?:then\s+)?(?=(?:later|on|in|at|the|a)\b)",
)
AGGREGATE_CUE = re.compile(
    r"\b(?:as a result of the (?:\d+-day\s+)?(?:war|conflict|hostilities|fighting|aggression)|in total|totally|total of|"
    r"since the (?:start|beginning|outbreak|onset|escalation)|bringing the total|a total of|in all,|altogether|in (?:these|those|the (?:two|three|four|five|\d+)) (?:attacks|bombings|incidents|explosions|blasts)|so far|to date|throughout the (?:war|conflict)|over the (?:past|last) "
    r"(?:\w+ )?(?:weeks|months|years)|during the (?:\d+-day\s+)?(?:war|conflict)|cumulative|overall|since (?:January|February|"
    r"March|April|May|June|July|August|September|October|November|December|\d{1,2}\s+[A-Z][a-z]+|(?:19|20)\d\d)|"
    r"in the (?:first|past|last) (?:\w+ )?(?:months?|weeks?|years?)|this year|last year|"
    # "22 dead in Kachin fighting this month": the month's total; "earlier this month" dates one event
    r"(?<!earlier )(?<!early )(?<!later )(?<!late )this month\b|"
    # "over 30 soldiers killed in two weeks", "within a month": a period's total
    r"(?:in|within) (?:the )?(?:past |last )?(?:two|three|four|five|six|seven|eight|nine|ten|\d+|several|a few) "
    r"(?:weeks|months|years)|within (?:a|one) (?:week|month|year)|death toll (?:has )?(?:risen|climbed|reached) .{0,30}since|"
    # the summary box of a humanitarian update (OCHA's "KEY FIGURES", "... in numbers", "at a glance"): totals
    r"key (?:figures|facts|numbers)|facts and figures|(?:crisis|conflict|response|situation) in numbers|at a glance|by the numbers)\b",
    re.I,
)
N_DAY_WAR = re.compile(r"\b(?P<n>\d+)-day\s+(?:war|conflict|campaign|offensive)\b", re.I)
ATTRIBUTION = re.compile(
    r"\baccording to\s+(?P<a>(?:the\s+)?[\w'’\-]+(?:\s+(?:of\s+(?:the\s+)?)?[\w'’\-]+){0,6}?)(?=[,.;]|\s+(?:on|in|at|who|which)\b)"
    r"|(?P<b>(?:the\s+)?[A-Z][\w'’\-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w'’\-]*){0,6}|officials|witnesses|residents|police|"
    r"the (?:ministry|military|army|group|government|authorities|spokes(?:man|woman|person)|insurgents|militants|rebels|police))"
    r"\s+(?:said|says|stated|claimed|claims|reported|reports|announced|told|alleged|alleges|accused|added|confirmed|insisted|denied|denies)\b"
    r"|\b(?:said|says|claimed|reported|announced|alleged|added)\s+(?P<c>(?:the\s+)?[A-Z][\w'’\-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w'’\-]*){0,5})",
)
DENIAL = re.compile(r"\b(?:denied|denies|deny|denying|rejected (?:the |these |such )?(?:claims?|allegations?|reports?)|"
                    r"fake news|fabricat\w+|staged|disinformation|false claims?|baseless|never happened|did not (?:carry out|shell|attack))\b", re.I)
ALLEGED = re.compile(r"\b(?:alleged(?:ly)?|accus\w+|purported(?:ly)?|reportedly|claimed responsibility|blamed|suspected)\b", re.I)

SUB_PHRASE = {
    "Armed clash": "an armed clash",
    "Government regains territory": "government forces taking control of territory",
    "Non-state actor overtakes territory": "a non-state armed group taking control of territory",
    "Chemical weapon": "a chemical weapon attack",
    "Air/drone strike": "an air or drone strike",
    "Suicide bomb": "a suicide bombing",
    "Shelling/artillery/missile attack": "shelling, artillery or missile fire",
    "Remote explosive/landmine/IED": "the detonation of an explosive device",
    "Grenade": "a grenade attack",
    "Sexual violence": "sexual violence",
    "Attack": "an attack on civilians",
    "Abduction/forced disappearance": "an abduction",
    "Peaceful protest": "a peaceful protest",
    "Protest with intervention": "a protest that was dispersed or intervened in",
    "Excessive force against protesters": "excessive force used against protesters",
    "Violent demonstration": "a violent demonstration",
    "Mob violence": "mob violence",
    "Agreement": "an agreement",
    "Arrests": "arrests",
    "Change to group/activity": "a change in an armed group's activity",
    "Disrupted weapons use": "a disrupted weapons attack",
    "Headquarters or base established": "the establishment of a base",
    "Looting/property destruction": "looting or property destruction",
    "Non-violent transfer of territory": "a non-violent transfer of territory",
    "Other": "a strategic development",
}
CERTAINTY_VERB = {"asserted": "says there was", "reported": "reports", "alleged": "alleges", "denied": "denies"}


def split_clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    s = start
    for m in CLAUSE_SPLIT.finditer(text, start, end):
        if text[s:m.start()].strip() and m.start() - s > 15:
            out.append((s, m.start()))
            s = m.end()
    if text[s:end].strip():
        out.append((s, end))
    return out


# "the death toll rose to 141": an updated toll, of one incident or of several
TOLL_UPDATE = re.compile(r"\b(?:death|casualty) tolls? (?:has |had |have )?(?:now )?(?:rose|risen|climbed|increased|"
                         r"reached|jumped|grew|stands|stood)\b", re.I)
# a text that speaks of its incidents in the plural ("The attacks took place in Kajuru", "both bombings")
SEVERAL_INCIDENTS = re.compile(r"\b(?:the|both|these|those|two|three|twin|all) (?:\w+ )?(?:attacks|bombings|blasts|"
                               r"explosions|raids|massacres|shootings|clashes)\b", re.I)


def is_aggregate(sentence: str, document: str = "") -> bool:
    """A total rather than one event's figures: a cue of totals in the sentence, or an updated toll in a
    ``document`` that tells of several incidents (the toll then spans them)."""
    return bool(AGGREGATE_CUE.search(sentence)) or bool(
        document and TOLL_UPDATE.search(sentence) and SEVERAL_INCIDENTS.search(document))


def _fmt(d: date) -> str:
    return f"{d.day} {d.strftime('%B')} {d.year}"


def date_info(text: str, m: DateMention | None, published: str | None) -> DateInfo:
    if m is None or m.first is None:
        if published:
            # unknown date, but not after the report was published
            return DateInfo(start=None, end=published, precision="unknown", text=None, span=None, anchor="publication")
        return DateInfo()
    return DateInfo(
        start=m.first.isoformat(), end=(m.last or m.first).isoformat(), precision=m.precision,  # type: ignore[arg-type]
        text=m.text, span=Span.of(text, m.start, m.end), anchor=m.anchor,  # type: ignore[arg-type]
    )


def date_phrase(d: DateInfo) -> str:
    if not d.start:
        return ""
    a, b = date.fromisoformat(d.start), date.fromisoformat(d.end or d.start)
    if a == b:
        return f" on {_fmt(a)}"
    if d.precision == "month":
        return f" in {a.strftime('%B')} {a.year}"
    if d.precision == "year":
        return f" in {a.year}"
    return f" between {_fmt(a)} and {_fmt(b)}"


def casualty_phrase(cas: list[Casualty]) -> str:
    parts = []
    for c in cas[:4]:
        if c.qualifier == "more_than" and c.low is not None:
            n = f"more than {c.low - 1}"
        elif c.qualifier == "at_least":
            n = f"at least {c.low}"
        elif c.qualifier == "up_to":
            n = f"up to {c.high}"
        elif c.qualifier == "about":
            n = f"about {c.best}"
        elif c.qualifier == "several":
            n = f"{c.text.lower()}"
        else:
            n = str(c.best if c.best is not None else c.low)
        who = {"civilian": " civilians", "military": " combatants"}.get(c.group, " people")
        parts.append(f"{n}{who} {c.outcome}")
    return "; it gives " + ", ".join(parts) if parts else ""


def summary(claimant: str, certainty: str, sub_type: str, initiator: str | None, target: str | None,
            place: str | None, d: DateInfo, cas: list[Casualty]) -> str:
    s = f"{claimant} {CERTAINTY_VERB[certainty]} {SUB_PHRASE[sub_type]}"
    if initiator:
        s += f" by {initiator}"
    if target:
        s += f" against {target}"
    if place:
        s += f" in {place}"
    s += date_phrase(d)
    s += casualty_phrase(cas)
    s = s[0].upper() + s[1:]
    return s + "."


def attribution(text: str, s: int, e: int) -> str | None:
    m = ATTRIBUTION.search(text, s, e)
    if not m:
        return None
    who = (m.group("a") or m.group("b") or m.group("c") or "").strip()
    if not who or who.lower() in ("it", "he", "she", "they", "the"):
        return None
    return re.sub(r"^the\s+", "the ", who)


def certainty_of(clause: str, sentence: str, attributed: bool) -> str:
    if DENIAL.search(clause) or DENIAL.search(sentence):
        return "denied"
    if ALLEGED.search(clause):
        return "alleged"
    return "reported" if attributed else "asserted"
