"""Casualties: numbers in digits and words, qualifiers, outcomes, civilian or military, party.

"more than 400" gives low 401 (qualifier more_than); "94" gives 94/94/94;
"dozens" gives low 24 (several); "more than thousand" gives low 1001. Each
figure is tied to the outcome verb of its clause ("were killed", "martyred",
"wounded", "missing") and to the group noun next to it; a figure without a
group noun inherits the group of the previous figure in the same sentence
("2908 soldiers were killed, more than thousand were wounded").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNITS = {
    "zero": 0, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90}
SCALES = {"dozen": 12, "hundred": 100, "thousand": 1000, "million": 1_000_000}
# vague amounts: (low, qualifier)
VAGUE = {
    "dozens": (24, "several"), "scores": (40, "several"), "hundreds": (200, "several"),
    "thousands": (2000, "several"), "several": (3, "several"), "a few": (2, "several"), "few": (2, "several"),
    "many": (3, "several"), "a number of": (2, "several"), "numerous": (3, "several"), "multiple": (2, "several"),
    "tens of thousands": (20000, "several"), "a dozen": (12, "about"), "dozen": (12, "about"),
    "a couple of": (2, "about"), "a handful of": (3, "several"),
}
# the number words of UNITS and TENS ("a"/"an" aside), in the order the figures are written
_NUMBER_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_ONE_TO_NINE = "one|two|three|four|five|six|seven|eight|nine"
_WORDNUM = (rf"(?:(?:a|an|{_NUMBER_WORDS})(?:[- ](?:{_ONE_TO_NINE}))?(?:\s+(?:dozen|hundred|thousand|million))?"
            rf"(?:\s+and\s+(?:{_NUMBER_WORDS})(?:[- ](?:{_ONE_TO_NINE}))?)?|hundred|thousand)")
_DIGITS = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?(?:\s*(?:dozen|thousand|million))?"
_VAGUE = "|".join(sorted((re.escape(k) for k in VAGUE), key=len, reverse=True))
_QUAL = r"(?P<qual>more than|over|in excess of|upwards of|at least|no fewer than|no less than|a minimum of|about|around|approximately|roughly|nearly|almost|some|an estimated|estimated|up to|as many as|fewer than|less than|close to)"
NUMBER = re.compile(
    rf"(?<![\w-])(?:{_QUAL}\s+)?(?P<num>{_DIGITS}|(?:{_VAGUE})|{_WORDNUM})(?![\w-])(?!\s*(?:%|percent|km|kilomet|miles|years?|days?|hours?|minutes?|months?|weeks?|am|pm|a\.m|p\.m|-day|mm\b|tons?))",
    re.I,
)
OUTCOMES: list[tuple[str, re.Pattern[str]]] = [
    ("killed", re.compile(r"\b(?:killed|killing|kills|martyred|martyrs?|dead|died|die|deaths?|death toll|lost their lives|lost (?:his|her) life|slain|slaughtered|massacred|executed|murdered|fatalities|fatally|shot dead|(?:shot|beaten|stabbed|burned|burnt|hacked|tortured) to death|perished|bodies|lifeless|casualties were fatal|eliminated|neutrali[sz]ed|liquidated)\b", re.I)),
    ("injured", re.compile(r"\b(?:wounded|wounding|injured|injuring|injuries|hurt|hospitali[sz]ed|maimed)\b", re.I)),
    ("missing", re.compile(r"\b(?:missing|unaccounted for|disappeared)\b", re.I)),
    ("captured", re.compile(r"\b(?:captured|taken prisoner|prisoners? of war|abducted|kidnapped|taken hostage|hostages?|"
                            r"surrendered|gave themselves up)\b", re.I)),
    ("detained", re.compile(r"\b(?:detained|arrested|detaining|arresting|in custody|rounded up)\b", re.I)),
    ("displaced", re.compile(r"\b(?:displaced|fled their homes|forced to flee|refugees|evacuated|homeless)\b", re.I)),
]
# what may stand between a verb and its figure ("killing at least 3")
_QUAL_BEFORE = r"(?:at least\s+|more than\s+|about\s+|some\s+|over\s+|nearly\s+)?$"
# a verb right before a figure gives its outcome ("killing 3 and injuring 11", "killed 31 people"): the outcome
# words, then a headline's present tense ("Blasts kill one, wound dozens", "Police kill nine militants"), which
# counts only there, so that "a gunshot wound" or "the kill" is no outcome
_VERB_BEFORE_FIGURE: list[tuple[str, re.Pattern[str]]] = [
    *((name, re.compile(rf"(?:{pat.pattern})\s+{_QUAL_BEFORE}", re.I)) for name, pat in OUTCOMES),
    ("killed", re.compile(rf"\b(?:kill|massacre|massacres)\s+{_QUAL_BEFORE}", re.I)),
    ("injured", re.compile(rf"\b(?:wound|wounds|injure|injures)\s+{_QUAL_BEFORE}", re.I)),
]
CIVILIAN = re.compile(r"\b(?:civilians?|people|persons?|residents?|villagers?|children|child|women|woman|men|elderly|worshipp?ers?|students?|(?:concert|festival|party|club|beach|mosque|church)-?goers?|revell?ers?|holiday-?makers?|commuters?|school(?:children|girls?|boys?)|pupils?|passengers?|protesters?|citizens?|nationals?|tourists?|Hindus?|Muslims?|Christians?|Buddhists?|Rohingyas?|Jews|Yazidis?|priests?|monks?|nuns?|imams?|clerics?|writers?|bloggers?|publishers?|activists?|engineers?|drivers?|hostages?|traders?|merchants?|vendors?|herders?|shepherds?|miners?|labou?rers?|civil servants?|officials?|politicians?|lawyers?|judges?|medics?|paramedics?|volunteers?|spectators?|fans?|customers?|diners?|churchgoers?|congregants?|devotees?|villagers?|demonstrators?|journalists?|farmers?|workers?|shoppers?|pilgrims?|teachers?|doctors?|nurses?|patients?|family|families|inhabitants|locals|bystanders|girls?|boys?|infants?|babies|refugees|migrants|members of the public|aid workers?|guests?|voters?|mourners?|fishermen|foreigners?|expatriates?)\b", re.I)
MILITARY = re.compile(r"\b(?:soldiers?|troops?|servicem[ae]n|servicemembers?|military personnel|personnel|officers?|policem[ae]n|police officers?|police|gendarmes?|guards?|militants?|fighters?|rebels?|insurgents?|combatants?|militiam[ae]n|militia members?|jihadists?|attackers?|gunmen|terrorists?|(?:suicide )?bombers?|assailants?|perpetrators?|hijackers?|shooters?|paramilitar(?:y|ies)|commandos?|marines?|sailors?|pilots?|conscripts?|recruits?|mercenaries|security forces?|security personnel|members of the armed forces|army|cadets?)\b", re.I)
# "people" is not a civilian claim on its own: ACLED and UCDP code it as unknown
UNKNOWN_GROUP = re.compile(r"^(?:people|persons?|men|bodies)$", re.I)


@dataclass(frozen=True)
class CasualtyMention:
    start: int
    end: int
    text: str
    outcome: str
    group: str
    party: str | None
    low: int | None
    best: int | None
    high: int | None
    qualifier: str


def words_to_int(s: str) -> int | None:
    s = s.lower().replace("-", " ").replace(" and ", " ")
    total, current = 0, 0
    seen = False
    for w in s.split():
        if w in UNITS:
            current += UNITS[w]
            seen = True
        elif w in TENS:
            current += TENS[w]
            seen = True
        elif w in SCALES:
            current = max(current, 1) * SCALES[w]
            if SCALES[w] >= 1000:
                total += current
                current = 0
            seen = True
        else:
            return None
    return total + current if seen else None


def parse_number(num: str) -> tuple[int | None, str]:
    """(value, qualifier hint) for a number as written; vague words give their low bound."""
    low = num.lower().strip()
    if low in VAGUE:
        return VAGUE[low]
    m = re.match(r"^([\d,]+(?:\.\d+)?)\s*(dozen|thousand|million)?$", low)
    if m:
        val = float(m.group(1).replace(",", ""))
        if m.group(2):
            val *= SCALES[m.group(2)]
        return int(val), "exact"
    return words_to_int(low), "exact"


def figure(num: str, qual: str | None) -> tuple[int | None, int | None, int | None, str] | None:
    value, hint = parse_number(num)
    if value is None:
        return None
    q = (qual or "").lower()
    if hint != "exact":
        return value, None, None, hint
    if q in ("more than", "over", "in excess of", "upwards of"):
        return value + 1, None, None, "more_than"
    if q in ("at least", "no fewer than", "no less than", "a minimum of"):
        return value, None, None, "at_least"
    if q in ("about", "around", "approximately", "roughly", "nearly", "almost", "some", "an estimated",
             "estimated", "close to"):
        return value, value, value, "about"
    if q in ("up to", "as many as"):
        return None, None, value, "up_to"
    if q in ("fewer than", "less than"):
        return None, None, max(0, value - 1), "up_to"
    return value, value, value, "exact"


_CAPTIVE_NOUN = re.compile(r"\s+(?:\w+\s+)?(?:hostages?|prisoners?|captives?)\b", re.I)
# ", and" ends a clause, but not in a list of figures ("22 civilians, 2 police officers, and 5 attackers were killed")
_CLAUSE_END = re.compile(r"[;:]|,\s+(?:while|whereas|but|and(?!\s+(?:at least\s+|about\s+|some\s+|more than\s+)?"
                         r"(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|dozens)\b)|as|after|before|when)\b|"
                         r"\.\s|\s+while\s+|\s+whereas\s+|\s+but\s+")


def _group_of(window: str) -> tuple[str, str | None, int]:
    """Group noun at the start of ``window`` (after the number): (group, noun, offset)."""
    m_c = CIVILIAN.search(window[:40])
    m_m = MILITARY.search(window[:40])
    cands = [m for m in (m_c, m_m) if m is not None]
    if not cands:
        return "unknown", None, -1
    m = min(cands, key=lambda x: x.start())
    # the noun must come right after the number and its adjectives, not after a verb
    gap = window[: m.start()]
    # "dozens of Rohingya", "45 of the villagers" are fine; a verb or a place preposition is not
    if re.search(r"\b(?:were|was|have|has|had|are|is|been|killed|wounded|injured|died|in|at|by|from|on)\b", gap, re.I) \
            or re.search(r"\bof\b", re.sub(r"\bof\s+(?:(?:the|them)\s+)?(?:[A-Za-z]+\s+)?$", "", gap)):
        return "unknown", None, -1
    noun = m.group(0)
    if m is m_m:
        return "military", noun, m.start()
    if UNKNOWN_GROUP.match(noun):
        return "unknown", noun, m.start()
    return "civilian", noun, m.start()


# One victim named by a singular noun, with no figure: "kill Hindu priest", "Landmine Kills Elderly Woman",
# "writer shot dead in Dhaka", "a policeman was wounded", "One civilian killed and another injured".
# the singular nouns of the armed (the group "military", as MILITARY's plurals), then those of civilians
_ONE_ARMED_NOUNS = ("policeman", "policewoman", "police officer", "officer", "soldier", "guard", "bomber",
                    "attacker", "gunman", "assailant", "militant", "fighter", "rebel", "insurgent", "commander",
                    "serviceman", "trooper", "constable", "jawan", "peacekeeper")
_ONE_ARMED = frozenset(_ONE_ARMED_NOUNS)
_ONE_NOUN = ("(?:civilian|man|woman|child|boy|girl|baby|priest|monk|nun|imam|cleric|pastor|writer|blogger|publisher|"
             "journalist|reporter|photographer|activist|teacher|doctor|nurse|medic|aid worker|driver|farmer|"
             "herder|student|worker|villager|resident|shopkeeper|trader|businessman|politician|lawmaker|official|"
             "judge|lawyer|worshipper|pilgrim|tourist|" + "|".join(_ONE_ARMED_NOUNS) + ")")
# up to three words before the noun, none of them a preposition, conjunction or verb ("killed by a soldier" is not
# a soldier killed)
_ONE_ADJ = (r"(?:(?!(?:by|in|at|on|near|from|with|as|after|and|or|was|were|is|are|when|while|to|for|of|who|that)\b)"
            r"[\w'’-]+\s+){0,3}?")
_ONE_VERBS = {
    "killed": r"kill|kills|killed|killing|shot dead|murdered|murders|murder|stabbed to death|beheaded|executed|"
              r"assassinated|lynched|hacked to death",
    "injured": r"injure|injures|injured|injuring|wound|wounds|wounded|wounding",
}
_ONE_VERB = re.compile(rf"\b(?:(?P<killed>{_ONE_VERBS['killed']})|(?P<injured>{_ONE_VERBS['injured']}))\b", re.I)
# the victim right after the verb ("kill Hindu priest", "killing the driver"), anchored where the verb ends
_ONE_AFTER = re.compile(rf"\s+(?:(?:a|an|the|his|her|their|its)\s+)?{_ONE_ADJ}(?P<n>{_ONE_NOUN})\b(?!['’]s\b)", re.I)
_ONE_AND = re.compile(rf"\s+and\s+(?:a|an|the|his|her|their)\s+{_ONE_ADJ}(?P<n>{_ONE_NOUN})\b(?!['’]s\b)", re.I)
# "writer shot dead", "a soldier was wounded": the victim right before the verb (searched in the 60 characters
# before it), when no object follows the verb
_ONE_BEFORE = re.compile(rf"\b(?:(?:a|an|one|another)\s+)?{_ONE_ADJ}(?P<n>{_ONE_NOUN})\s+"
                         rf"(?:was\s+|has been\s+|had been\s+|is\s+)?$", re.I)
_NO_OBJECT = re.compile(r"\s*(?:$|[,.;:]|(?:in|at|by|on|near|after|during|when|as|while|and|outside|inside|"
                        r"overnight|yesterday|today|early|late|last|this)\b)", re.I)
_ANOTHER = re.compile(r"\b(?:another|one more)\s+(?:was\s+|were\s+)?(?P<v>killed|injured|wounded)\b", re.I)


def _singular_victims(sent: str, start: int, found: list[CasualtyMention]) -> list[CasualtyMention]:
    """Victims counted by a singular noun (figure 1) where no figure of ``found`` sits in the phrase."""
    out: list[CasualtyMention] = []
    spans = [(c.start - start, c.end - start) for c in found]
    prev_group = found[-1].group if found else "unknown"
    hits: list[tuple[int, int, str, str]] = []  # (start, end, outcome, noun)
    for v in _ONE_VERB.finditer(sent):
        outcome = "killed" if v.group("killed") else "injured"
        after = _ONE_AFTER.match(sent, v.end())
        if after:
            hits.append((v.start(), after.end(), outcome, after.group("n")))
            # "killing the driver and a civilian": a second victim joined to the object
            more = _ONE_AND.match(sent, after.end())
            if more:
                hits.append((more.start("n"), more.end(), outcome, more.group("n")))
        elif _NO_OBJECT.match(sent, v.end()):
            before = _ONE_BEFORE.search(sent, max(0, v.start() - 60), v.start())
            if before:
                hits.append((before.start(), v.end(), outcome, before.group("n")))
    if "nother" in sent or "one more" in sent.lower():
        for m in _ANOTHER.finditer(sent):
            hits.append((m.start(), m.end(), "killed" if m.group("v").lower() == "killed" else "injured", ""))
    taken: list[tuple[int, int]] = []
    told: set[tuple[str, str]] = set()
    for s, e, outcome, noun in sorted(hits):
        if any(a < e and s < b for a, b in spans + taken):
            continue
        if noun and (outcome, noun.lower()) in told:
            continue  # "writer shot dead; ... claims killing secular writer": the same victim told again
        told.add((outcome, noun.lower()))
        taken.append((s, e))
        if not noun:
            group = prev_group  # "another": the group of the figure before it
        elif noun.lower() in _ONE_ARMED:
            group = "military"
        else:
            group = "unknown" if noun.lower() == "man" else "civilian"
        out.append(CasualtyMention(start + s, start + e, sent[s:e], outcome, group, None, 1, 1, 1, "exact"))
    return out


def find_casualties(text: str, start: int, end: int) -> list[CasualtyMention]:
    """Casualty figures in ``text[start:end]`` (one sentence), in reading order."""
    out = _figures(text, start, end)
    out.extend(_singular_victims(text[start:end], start, out))
    out.sort(key=lambda c: c.start)
    return out


_OF_THEM = re.compile(r"\s+of\s+(?:them|whom)\b")
# people counted who are not the victims of what the sentence tells
_NOT_VICTIMS = re.compile(r"\s+(?:\w+\s+)?(?:witness(?:es)?|sources?|survivors?|interviewees?|eyewitness(?:es)?|"
                          r"experts?|analysts?|observers?)\b", re.I)
_MONTHS = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
           r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?")
# a day number before its month, alone or as the first of a range ("10 and 12 March", "10-12 March", "3rd of May")
_DAY_OF = re.compile(rf"(?:st|nd|rd|th)?(?:\s*(?:and|to|-|–)\s*\d{{1,2}}(?:st|nd|rd|th)?)?\s+(?:of\s+)?{_MONTHS}(?!\w)")
_MONTH_BEFORE = re.compile(rf"\b{_MONTHS}\s+$")


def _figures(text: str, start: int, end: int) -> list[CasualtyMention]:
    sent = text[start:end]
    out: list[CasualtyMention] = []
    prev_group: str | None = None
    prev_party: str | None = None
    matches = list(NUMBER.finditer(sent))
    for i, m in enumerate(matches):
        num = m.group("num")
        if re.fullmatch(r"(?:19|20)\d\d", num) or num.lower() in ("a", "an"):
            continue
        if num.isdigit() and len(num) <= 2 and (_DAY_OF.match(sent, m.end())
                                                 or _MONTH_BEFORE.search(sent, max(0, m.start() - 12), m.start())):
            continue  # "between 10 and 12 March", "on March 12": a day of a date, not a figure
        fig = figure(num, m.group("qual"))
        if fig is None:
            continue
        after = sent[m.end():]
        before = sent[max(0, m.start() - 40):m.start()]
        # "94 civilians, including 2 women": a sub-count of the figure before it
        if re.search(r"\b(?:including|among them|of whom|of them)\s+$", before, re.I):
            continue
        if i > 0 and _OF_THEM.match(sent, m.end()):
            continue  # "Nine civilians, three of them children, were killed": a sub-count of the figure before it
        if _NOT_VICTIMS.match(sent, m.end()):
            continue  # "interviewed nine witnesses, who said that six civilians were killed": no victims
        if i + 1 < len(matches):
            nxt = sent[m.end():matches[i + 1].start()]
            # "32 people and 3 suicide bombers were killed": a coordinated figure shares the verb
            # "80 people including 79 children were kidnapped", "Five policemen among 40 killed": a sub-count and
            # its whole share the verb
            if not re.search(r"(?:,|\band|\bincluding|\bamong(?: them)?)\s*$", nxt) or any(p.search(nxt) for _, p in OUTCOMES):
                after = nxt
        # the clause around the figure: up to the next clause break after the number
        cut = _CLAUSE_END.search(after)
        clause_after = after[: cut.start()] if cut else after
        group, noun, _ = _group_of(after)
        outcome = None
        # the outcome word nearest after the figure; else "killing 6 civilians", "left 5 dead"
        # "killing 3 and injuring 11", "killed 31 people": a verb right before the figure is its outcome
        just_before = before[-22:]
        outcome = next((name for name, pat in _VERB_BEFORE_FIGURE if pat.search(just_before)), None)
        hits = [(mm.start(), name) for name, pat in OUTCOMES if (mm := pat.search(clause_after[:120]))]
        if hits and outcome is None:
            outcome = min(hits)[1]
            # "12 hostages were executed": the captives' noun, then what was done to them
            if outcome == "captured" and _CAPTIVE_NOUN.match(clause_after) and any(n == "killed" for _, n in hits):
                outcome = "killed"
        if outcome is None:
            tail = re.split(r"[,;]", before)[-1]
            for name, pat in OUTCOMES:
                if re.search(pat.pattern + r"[^.;]{0,25}$", tail, re.I):
                    outcome = name
                    break
        if outcome is None:
            continue
        party = None
        adj = re.match(r"\s+([A-Z][a-z]+(?:i|ian|ese|an|ish|ic|ni))\s", after)
        if adj:
            party = adj.group(1)
        # "Five policemen among 40 killed": the whole is not of its part's group
        if noun is None and prev_group is not None and not re.match(r"\s+(?:people|persons?)\b", after) \
                and not re.search(r"\bamong\s+$", before):
            group, party = prev_group, party or prev_party
        if noun is None and outcome == "displaced":
            group = "civilian"
        prev_group, prev_party = group, party
        low, best, high, qual = fig
        out.append(CasualtyMention(start + m.start(), start + m.end(), m.group(0), outcome, group, party,
                                   low, best, high, qual))
    return out
