"""Document stance: neutral, advocacy, or party:<name> when a side speaks of itself.

From the publisher ("Ministry of Defence of X" -> party:X; a rights group ->
advocacy; a wire service -> neutral) and from the text: first-person cues ("our
forces") and glorifying or sacralising terms next to one party's name or
demonym ("the Glorious Azerbaijani Army", "soldiers were martyred").
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Protocol

from incidex.domain.models import Framing, Span

_PARTY_PUBLISHER = re.compile(
    r"\b(?:ministry|government|presidency|president|armed forces|army|military|defen[cs]e|embassy|"
    r"state news agency|mission of|press service|spokes(?:man|person) of)\b", re.I)
_NEUTRAL_ORG = re.compile(r"\b(?:United Nations|UN|OCHA|UNHCR|ICRC|Red Cross|Inter-Agency|Coordination Team|Cluster)\b")
_ADVOCACY = re.compile(r"\b(?:watch|amnesty|rights|network|coalition|foundation|campaign|"
                       r"committee|ngo|monitor|observatory|solidarity)\b", re.I)
_WIRE = re.compile(r"\b(?:reuters|associated press|agence|afp|ap|wire|news|press|times|herald|post|journal|"
                   r"broadcasting|tribune|gazette|daily|radio|tv|television)\b", re.I)
_OF_NAME = re.compile(r"\bof\s+(?:the\s+)?(?:Republic\s+of\s+)?(?P<n>[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+)*)")
_OFFICE = re.compile(r"(?:Defen[cs]e|Foreign Affairs|Interior|Internal Affairs|Justice|Information|Communications?|"
                     r"Emergency Situations|Emergencies|Security|State|Home Affairs|the General Staff|General Staff)\b")
_FIRST_PERSON = re.compile(r"\bour\s+(?:forces|army|troops|soldiers|fighters|heroes|people|nation|brothers|positions|units|servicemen|martyrs)\b", re.I)
_SELF_CATEGORIES = {"glorification", "victimhood_or_sacralisation"}


class CountryNames(Protocol):
    def demonym(self, word: str) -> str | None: ...

    def country_name(self, word: str) -> tuple[str, str] | None: ...


def _party_name(name: str, countries: CountryNames) -> str:
    cn = countries.country_name(name)
    if cn:
        return cn[1]
    cc = countries.demonym(name)
    if cc:
        cn2 = countries.country_name(cc)
        if cn2:
            return cn2[1]
    return name


def infer_stance(text: str, publisher: str | None, framing: list[Framing], countries: CountryNames,
                 first_group: str | None = None) -> tuple[str, list[Span]]:
    if publisher:
        from incidex.pipeline.actors import NAMED_GROUP

        group = NAMED_GROUP.search(publisher)
        if group:  # "Information Centre of the Valley Liberation Front"
            return f"party:{group.group('g') or group.group('k')}", []
        if _NEUTRAL_ORG.search(publisher):
            return "neutral", []
        if _PARTY_PUBLISHER.search(publisher) and not _WIRE.search(publisher.replace("State News Agency", "")):
            # "Ministry of Defence of the Republic of Ardania": the last "of X" that is not an office
            names = [m.group("n") for m in _OF_NAME.finditer(publisher)
                     if not _OFFICE.match(m.group("n"))]
            if names:
                return f"party:{_party_name(names[-1], countries)}", []
            words = [w for w in re.findall(r"[A-Z][a-z]+", publisher) if not _OFFICE.match(w)
                     and not _PARTY_PUBLISHER.match(w) and not _WIRE.match(w)]
            for w in words:
                cc = countries.demonym(w) or (countries.country_name(w) or (None,))[0]
                if cc:
                    return f"party:{_party_name(w, countries)}", []
            if words:  # a state the gazetteer does not know ("Ardania State News Agency")
                return f"party:{words[0]}", []
        if _ADVOCACY.search(publisher) and not _WIRE.search(publisher):
            return "advocacy", []
    # text cues: self-glorifying terms beside a party's name or demonym
    votes: Counter[str] = Counter()
    evidence: dict[str, list[Span]] = {}
    for f in framing:
        if f.category not in _SELF_CATEGORIES:
            continue
        window = text[max(0, f.span.start - 50):f.span.end + 50]
        for w in re.findall(r"[A-Z][a-z]{3,}", window):
            cc = countries.demonym(w) or (countries.country_name(w) or (None,))[0]
            if cc:
                name = _party_name(w, countries)
                votes[name] += 1
                evidence.setdefault(name, []).append(f.span)
                break
    fp = list(_FIRST_PERSON.finditer(text))
    if votes:
        name, n = votes.most_common(1)[0]
        if n >= 2 or (n >= 1 and fp):
            return f"party:{name}", evidence[name][:5]
    if len(fp) >= 2 and first_group:
        return f"party:{first_group}", [Span.of(text, m.start(), m.end()) for m in fp[:5]]
    if publisher and _ADVOCACY.search(publisher):
        return "advocacy", []
    return "neutral", []
