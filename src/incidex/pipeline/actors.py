"""Actors: who acts, who is targeted, who signs, with ACLED-like kinds and canonical names.

"armed forces of Armenia" -> state_forces "Military Forces of Armenia";
"Azerbaijani Army" -> the same for Azerbaijan; named armed groups ("... Front",
"... Brigade", known movements) -> rebel_group; "militia" -> political_militia;
protesters, rioters, civilians, international organisations, governments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from incidex.domain.models import Actor, Span


class CountryIndex(Protocol):
    def demonym(self, word: str) -> str | None: ...

    def country_name(self, word: str) -> tuple[str, str] | None: ...


_UNIT = r"(?:armed forces|army|military|troops|forces|soldiers|servicemen|air force|air forces|navy|police|security forces|border guards?|border service|national guard|special forces|defen[cs]e forces|artillery|warplanes|jets|drones|units|gendarmerie)"
_GOV = r"(?:government|ministry of defen[cs]e|defen[cs]e ministry|ministry of foreign affairs|foreign ministry|ministry of (?:the )?interior|interior ministry|ministry|president|authorities|presidency)"
_CAP = r"[A-Z][\w'’\-]+(?:\s+(?:of\s+)?[A-Z][\w'’\-]+){0,3}"
STATE_OF = re.compile(rf"\b(?:the\s+)?(?P<unit>{_UNIT}|{_GOV})\s+of\s+(?:the\s+)?(?:Republic\s+of\s+)?(?P<c>(?-i:{_CAP}))", re.I)
DEMONYM_UNIT = re.compile(rf"\b(?:the\s+)?(?:(?:Glorious|Heroic|Valiant|brave|victorious)\s+)?(?P<d>[A-Z][a-z]+)\s+(?P<unit>{_UNIT}|{_GOV}|Army|Armed Forces|Air Force|Navy|Police)\b")
POSSESSIVE_UNIT = re.compile(rf"\b(?P<c>[A-Z][a-z]+)(?:'s|’s)\s+(?P<unit>{_UNIT}|{_GOV})\b")
GROUP_WORDS = re.compile(
    r"\b(?:Front|Brigades?|Militia|Movement|Battalions?|Regiment|Legion|Tigers|Mujahideen|Taliban|Shabaab|"
    r"Boko Haram|Islamic State|ISIS|ISIL|Daesh|Hamas|Hezbollah|Houthis?|Qaeda|Wagner|Liberation Army|"
    r"National Army|Resistance|Commandos|Defence Units|Defense Units|Guards?|Self-Defen[cs]e|Rebels|Organi[sz]ation)\b"
)
NAMED_GROUP = re.compile(
    r"\b(?:[Tt]he\s+)?(?P<g>(?:(?!The\b)[A-Z][\w'’\-]+\s+){0,5}(?:Front|Brigades?|Militia|Movement|Battalions?|Regiment|Legion|Tigers|"
    r"Liberation Army|National Army|Resistance|Self-Defen[cs]e Forces|Self-Defen[cs]e Units|Defen[cs]e Units|Guards))\b"
    r"|\b(?P<k>Taliban|al-Shabaab|Al-Shabaab|al Shabaab|Boko Haram|Islamic State(?: in [A-Z]\w+)?|ISIS|ISIL|Daesh|Hamas|Hezbollah|Houthis?|al-Qaeda|Al-Qaeda|AQAP|Tatmadaw|Wagner Group|Arakan Army|Kachin Independence Army|MNDAA|TNLA|KIA|PKK|YPG|SDF|FARC|ELN|JNIM|ISWAP)\b"
)
GENERIC = re.compile(
    r"\b(?P<w>(?:unidentified\s+|unknown\s+|armed\s+|suspected\s+)?(?:gunmen|militants|insurgents|rebels|separatists|jihadists|assailants|attackers|terrorists|bandits|fighters)"
    r"|protesters|demonstrators|rioters|mob|civilians|villagers|residents|worshippers|students)\b",
    re.I,
)
INTL = re.compile(
    r"\b(?P<o>United Nations|UN(?:\s+Security\s+Council)?|OSCE(?: Minsk Group)?|ICRC|International Committee of the Red Cross|Red Cross|Red Crescent|NATO|African Union|European Union|EU|ECOWAS|Human Rights Watch|Amnesty International|Doctors Without Borders|MSF|UNHCR|OCHA|UNICEF|WHO|World Health Organization|IOM)\b"
)
_GENERIC_KIND = {
    "protesters": ("protesters", "Protesters"), "demonstrators": ("protesters", "Protesters"),
    "rioters": ("rioters", "Rioters"), "mob": ("rioters", "Rioters"), "civilians": ("civilians", "Civilians"),
    "villagers": ("civilians", "Civilians"), "residents": ("civilians", "Civilians"),
    "worshippers": ("civilians", "Civilians"), "students": ("civilians", "Civilians"),
}


@dataclass
class ActorMention:
    start: int
    end: int
    name: str
    normalized: str
    kind: str
    country_code: str | None


def _unit_norm(unit: str, country: str) -> tuple[str, str]:
    u = unit.lower()
    if re.match(_GOV, u):
        return f"Government of {country}", "government"
    if "police" in u or "gendarmerie" in u:
        return f"Police Forces of {country}", "state_forces"
    return f"Military Forces of {country}", "state_forces"


def find_actors(text: str, countries: CountryIndex) -> list[ActorMention]:
    out: list[ActorMention] = []

    def free(s: int, e: int) -> bool:
        return not any(s < a.end and a.start < e for a in out)

    for m in STATE_OF.finditer(text):
        cn = countries.country_name(m.group("c"))
        if cn and free(m.start(), m.end()):
            norm, kind = _unit_norm(m.group("unit"), cn[1])
            s = m.start() + (4 if text[m.start():m.start() + 4].lower() == "the " else 0)
            out.append(ActorMention(s, m.end("c"), text[s:m.end("c")], norm, kind, cn[0]))
    for pat in (DEMONYM_UNIT, POSSESSIVE_UNIT):
        for m in pat.finditer(text):
            word = m.group("d") if "d" in m.groupdict() else m.group("c")
            cc = countries.demonym(word)
            cname = None
            if cc:
                cn = countries.country_name(cc)
                cname = cn[1] if cn else None
            else:
                cn = countries.country_name(word)
                if cn:
                    cc, cname = cn
            if cc and cname and free(m.start(), m.end()):
                norm, kind = _unit_norm(m.group("unit"), cname)
                s = m.start() + (4 if text[m.start():m.start() + 4].lower() == "the " else 0)
                out.append(ActorMention(s, m.end(), text[s:m.end()], norm, kind, cc))
    for m in NAMED_GROUP.finditer(text):
        g = "g" if m.group("g") else "k"
        s, e = m.span(g)
        if not free(s, e):
            continue
        name = text[s:e]
        kind = "political_militia" if re.search(r"militia|self-defen", name, re.I) else "rebel_group"
        out.append(ActorMention(s, e, name, name, kind, None))
    for m in INTL.finditer(text):
        if free(m.start(), m.end()):
            out.append(ActorMention(m.start(), m.end(), m.group(0), m.group(0), "international_org", None))
    for m in GENERIC.finditer(text):
        if not free(m.start(), m.end()):
            continue
        w = m.group("w").lower()
        last = w.split()[-1]
        kind, norm = _GENERIC_KIND.get(last, ("rebel_group", "Unidentified Armed Group"))
        out.append(ActorMention(m.start(), m.end(), m.group(0), norm, kind, None))
    # an acronym the text defines after a name ("the Valley Liberation Front (VLF)") names that actor wherever it is
    # written ("the VLF said it had taken full control of Nookat")
    defined: dict[str, tuple[ActorMention, int]] = {}
    for a in out:
        d = _DEFINED_ACRONYM.match(text, a.end)
        if d and d.group("a") not in defined:
            defined[d.group("a")] = (a, d.start("a"))
    for acr, (a, at) in defined.items():
        for m in re.finditer(rf"\b{re.escape(acr)}\b", text):
            if m.start() != at and free(m.start(), m.end()):
                out.append(ActorMention(m.start(), m.end(), acr, a.normalized, a.kind, a.country_code))
    out.sort(key=lambda a: a.start)
    return out


_DEFINED_ACRONYM = re.compile(r"\s*\((?P<a>[A-Z][A-Z0-9]{1,7})\)")


def to_actor(text: str, a: ActorMention, role: str) -> Actor:
    return Actor(name=a.name, normalized=a.normalized, kind=a.kind, country_code=a.country_code,  # type: ignore[arg-type]
                 role=role, span=Span.of(text, a.start, a.end))  # type: ignore[arg-type]


_TARGET_BEFORE = re.compile(
    r"\b(?:against|on|at|targeting|targeted|positions of|attacking|attacked|shelled|shelling|struck|hit|killing|killed|"
    r"ambushed|ambushing|bombed|bombing|raided|raiding|abducted|kidnapped|arrested|detained|fired on|opened fire on|clashed with|fought|fighting)"
    r"\s+(?:the\s+)?(?:positions\s+of\s+(?:the\s+)?)?$",
    re.I,
)


def role_of(text: str, a: ActorMention, trigger_start: int | None, clause_start: int) -> str:
    """initiator / target / victim from position and the words before the actor."""
    if a.kind == "civilians":
        return "victim"
    before = text[max(clause_start, a.start - 40):a.start]
    if _TARGET_BEFORE.search(before):
        return "target"
    if re.search(r"\bby\s+(?:the\s+)?$", before, re.I):
        return "initiator"
    if trigger_start is not None and a.start > trigger_start:
        return "target"
    return "initiator"
