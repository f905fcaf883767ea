"""A synthetic, multi-source corpus of conflict reports of any size, deterministic by seed.

It extends the bundled demo corpus (``incidex/demo/corpus``) to thousands of documents so that anyone
can reproduce the scale-out figures: the same fictional conflict (the Republic of Ardania against the
Valley Liberation Front, with the Tulpar Battalion militia) over real towns of the Fergana valley that
the gazetteer knows. Each invented incident is told by two to four publishers with their own stance:
the Ardanian Ministry of Defence, the Front's Information Centre, two wire services and a human-rights
NGO. Their accounts differ as real ones do: different figures, spellings (Uzgen / Özgön), dates one day
apart, blame reversed, and denials. Every file says in its first line that it is synthetic.

Documents are generated incident by incident from one ``random.Random(seed)`` stream, so the first N
documents of a larger corpus are the N documents of a smaller one with the same seed. The ground truth
of every incident is written beside the files in ``.incidents.jsonl`` (a dot file: ``ingest`` skips it).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

LABEL = "[SYNTHETIC DEMO REPORT — fictional armed groups, real places; not a real event]"
START = date(2024, 2, 20)  # the offensive begins, as in the demo corpus
DAYS = 300

# canonical name, other spellings (all in the gazetteer), kind of place
TOWNS: list[tuple[str, tuple[str, ...]]] = [
    ("Uzgen", ("Özgön",)), ("Kara-Suu", ("Kara Suu",)), ("Nookat", ()), ("Osh", ()), ("Batken", ()),
    ("Isfara", ()), ("Khujand", ("Khodjent",)), ("Kyzyl-Kyya", ()), ("Kara-Kulja", ()),
    ("Fergana", ("Ferghana",)), ("Kokand", ()), ("Andijan", ("Andizhan",)), ("Jalal-Abad", ()),
    ("Namangan", ()), ("Margilan", ()), ("Kanibadam", ("Konibodom",)), ("Rishtan", ()), ("Bazar-Korgon", ()),
    ("Istaravshan", ()), ("Suluktu", ()), ("Uch-Korgon", ()), ("Kochkor-Ata", ()),
]
KINDS = ("shelling", "drone_strike", "clash", "roadside_bomb", "abduction", "protest", "arrests", "takeover")
KIND_WEIGHTS = (5, 3, 5, 3, 2, 2, 2, 1)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve")


@dataclass(frozen=True)
class Publisher:
    code: str
    name: str
    stance: str  # party:Ardania, party:Valley Liberation Front, neutral, advocacy


MOD = Publisher("mod", "Ministry of Defence of the Republic of Ardania", "party:Ardania")
VLF = Publisher("vlf", "Information Centre of the Valley Liberation Front", "party:Valley Liberation Front")
KESTREL = Publisher("kestrel", "Kestrel Wire Service", "neutral")
NORTHWIND = Publisher("northwind", "Northwind Press Agency", "neutral")
NGO = Publisher("vrw", "Valley Rights Watch", "advocacy")
PUBLISHERS = (MOD, VLF, KESTREL, NORTHWIND, NGO)


@dataclass(frozen=True)
class Incident:
    """What "really" happened in the fiction: the ground truth the reports distort."""

    id: int
    kind: str
    town: str
    date: str
    perpetrator: str  # army, vlf, militia, police, unknown
    killed: int
    injured: int
    victims: str  # civilians, soldiers, fighters, protesters, workers, suspects
    documents: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    name: str  # file name
    publisher: Publisher
    published: str
    title: str
    body: str
    incident: int

    @property
    def text(self) -> str:
        return f"{LABEL}\nPublisher: {self.publisher.name} | Published: {self.published}\n\n{self.title}\n\n{self.body}\n"


def _day(d: date) -> str:
    return f"{d.day} {d.strftime('%B')} {d.year}"


def _num(n: int, rng: random.Random) -> str:
    return NUMBER_WORDS[n] if n < len(NUMBER_WORDS) and rng.random() < 0.3 else str(n)


class _Writer:
    """Turns one incident into the reports of several publishers."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def spell(self, town: str, pub: Publisher) -> str:
        variants = dict(TOWNS)[town]
        if variants and (pub is VLF or self.rng.random() < 0.2):
            return self.rng.choice(variants)
        return town

    def when(self, inc: Incident, pub: Publisher) -> date:
        """The date this publisher gives: wires and the NGO are a day late a third of the time."""
        d = date.fromisoformat(inc.date)
        if pub in (KESTREL, NORTHWIND, NGO) and self.rng.random() < 0.33:
            return d + timedelta(days=1)
        if pub is VLF and self.rng.random() < 0.15:
            return d - timedelta(days=1)
        return d

    def published(self, inc: Incident, pub: Publisher) -> date:
        d = date.fromisoformat(inc.date)
        return d + timedelta(days=self.rng.randint(3, 9) if pub is NGO else self.rng.randint(0, 2))

    def relative(self, d: date, pub_day: date) -> str:
        """How a wire dates an event relative to its dateline."""
        gap = (pub_day - d).days
        if gap == 1 and self.rng.random() < 0.5:
            return "yesterday"
        if gap == 0:
            return "today" if self.rng.random() < 0.3 else f"on {WEEKDAYS[d.weekday()]}"
        return f"on {WEEKDAYS[d.weekday()]}"

    # -- one report per publisher ----------------------------------------------------------------------

    def report(self, inc: Incident, pub: Publisher, serial: int) -> Report:
        r = self.rng
        d, pub_day = self.when(inc, pub), self.published(inc, pub)
        town = self.spell(inc.town, pub)
        fn = {MOD: self._mod, VLF: self._vlf, NGO: self._ngo}.get(pub, self._wire)
        title, paras = fn(inc, pub, town, d, pub_day)
        if r.random() < 0.6:  # an earlier incident recalled, as reports do: more places, dates and figures
            other = r.choice(TOWNS)[0]
            before = d - timedelta(days=r.randint(2, 12))
            paras.append(f"Earlier, on {_day(before)}, {r.randint(2, 30)} people were wounded in {other}, "
                         f"and {r.randint(1, 9)} were killed in fighting near {r.choice(TOWNS)[0]}.")
        paras.extend(r.sample(CONTEXT[pub.code], 2))
        paras.append(SIGNOFF[pub.code].format(serial=serial, year=pub_day.year))
        slug = inc.town.lower().replace(" ", "-")
        return Report(f"{serial:06d}_{pub.code}_{inc.kind}_{slug}.txt", pub, pub_day.isoformat(), title,
                      "\n\n".join(paras), inc.id)

    def _mod(self, inc: Incident, pub: Publisher, town: str, d: date, pub_day: date) -> tuple[str, list[str]]:
        r, k, w = self.rng, inc.killed, inc.injured
        if inc.perpetrator in ("vlf", "unknown") and inc.kind in ("shelling", "roadside_bomb", "abduction"):
            k2 = k + r.randint(1, 5)  # the victim side counts high
            if inc.kind == "roadside_bomb":
                return (f"Statement of the Ministry of Defence on the cowardly attack near {town}", [
                    f"On {_day(d)}, terrorists of the so-called Valley Liberation Front detonated an improvised "
                    f"explosive device under an army vehicle on the road near {town}. {_num(k2, r).capitalize()} "
                    f"servicemen were martyred and {_num(w, r)} were wounded in this cowardly attack.",
                    "Units of the Armed Forces of the Republic of Ardania have sealed off the area and are "
                    "searching for the accomplices of the terrorists."])
            if inc.kind == "abduction":
                return (f"Terrorists abduct peaceful civilians near {town}", [
                    f"On {_day(d)}, bandits of the so-called Front stopped a bus on the outskirts of {town} and "
                    f"abducted {_num(k2, r)} civilians, road workers who were repairing the highway. The Ministry "
                    "of Defence holds the leaders of the terrorist organisation personally responsible for their "
                    "lives.",
                    "Taking hostages is a grave violation of the Geneva Conventions and a war crime."])
            return (f"Statement of the Ministry of Defence on the barbaric shelling of {town}", [
                f"On {_day(d)}, the terrorists of the so-called Valley Liberation Front, blatantly ignoring the "
                f"norms of international humanitarian law, deliberately shelled the residential quarters of "
                f"{town}. As a result of this barbaric attack, {k2} civilians were martyred and {w + r.randint(0, 9)} "
                "civilians were wounded. Dozens of private houses and a school were destroyed or damaged.",
                "The deliberate targeting of peaceful civilians is a gross violation of the Geneva Conventions of "
                "1949 and constitutes a war crime for which the leaders of the terrorist organisation will be held "
                "accountable."])
        if inc.kind == "takeover":
            return (f"The situation in {town} is under full control", [
                f"The Ministry of Defence categorically denies the fabricated claims of the terrorists that "
                f"{town} has fallen. On {_day(d)}, isolated groups of bandits infiltrated the northern outskirts of "
                f"the town and were blocked by units of the Armed Forces. {_num(r.randint(10, 40), r).capitalize()} "
                "terrorists were eliminated.",
                "The so-called 'liberation' of the town is a staged provocation filmed for foreign cameras."])
        if inc.kind == "arrests":
            return (f"Terrorist cell neutralised in {town}", [
                f"On {_day(d)}, officers of the State Committee for National Security, together with the "
                f"military police, detained {inc.killed + inc.injured} members of a terrorist cell in {town} "
                "who were preparing attacks on army positions. Weapons, ammunition and components for "
                "improvised explosive devices were seized.",
                "A criminal case has been opened under the articles on terrorism and participation in an illegal "
                "armed formation."])
        if inc.kind == "protest":
            return (f"Provocation in {town} stopped by law enforcement", [
                f"On {_day(d)}, a group of provocateurs acting on the instructions of the terrorists tried to "
                f"block the centre of {town}. Law enforcement officers restored order within the law. "
                f"{_num(r.randint(2, 12), r).capitalize()} police officers were injured by stones thrown from the "
                "crowd.",
                "The Ministry reminds citizens that unauthorised gatherings in the zone of the counter-terrorist "
                "operation are prohibited."])
        if inc.kind in ("shelling", "drone_strike"):  # the army's own strike: a military target, a denial
            return (f"Precision strikes on terrorist positions near {town}", [
                f"On {_day(d)}, the Armed Forces of the Republic of Ardania delivered precision strikes on "
                f"terrorist positions and an ammunition depot near {town}. More than {k + r.randint(5, 25)} "
                "terrorists were eliminated.",
                "The Ministry of Defence categorically denies the claims of the so-called Front that civilians "
                f"were killed in {town}. These staged provocations are filmed to deceive the international "
                "community."])
        # the army's own clashes: successes, no civilian harm
        enemy = k + r.randint(5, 30)
        own = max(0, r.randint(0, 3))
        return (f"Armed Forces repel terrorist attack near {town}", [
            f"On {_day(d)}, units of the heroic Armed Forces of the Republic of Ardania repelled an attack by "
            f"terrorist formations near {town}. {own if own else 'No'} servicemen were martyred in the fighting. "
            f"The enemy suffered heavy losses: according to preliminary data, more than {enemy} terrorists were "
            "eliminated.",
            "Reports of civilian casualties spread by the so-called Front are lies. The Armed Forces strike only "
            "terrorist positions and ammunition depots."])

    def _vlf(self, inc: Incident, pub: Publisher, town: str, d: date, pub_day: date) -> tuple[str, list[str]]:
        r, k, w = self.rng, inc.killed, inc.injured
        if inc.perpetrator == "vlf" or inc.kind == "roadside_bomb":
            if inc.kind == "takeover":
                return (f"{town} is free: statement of the General Command", [
                    f"Glory to the fighters of the valley! On {_day(d)}, after heroic battles, units of the Valley "
                    f"Liberation Front liberated the town of {town} from the Ardanian occupiers. "
                    f"{_num(r.randint(5, 40), r).capitalize()} soldiers of the regime were captured. "
                    f"{_num(r.randint(1, 20), r).capitalize()} of our brothers became martyrs.",
                    "The liberated town is calm. The Front guarantees the safety of every resident."])
            return (f"The Front categorically denies the regime's lies about {town}", [
                f"The Information Centre of the Valley Liberation Front categorically denies the fabricated claims "
                f"of the Ardanian occupation regime that our forces attacked civilians in {town} on "
                f"{_day(d)}. No unit of the Front fired a single round towards the town. The so-called attack was "
                "staged by the regime's propaganda services.",
                "The Front respects the laws of war and has never targeted civilians."])
        if inc.kind in ("shelling", "drone_strike"):
            what = "drone" if inc.kind == "drone_strike" else "artillery"
            return (f"Regime {what} kills civilians in {town}", [
                f"On {_day(d)}, the {what} of the criminal regime struck the residential quarters of {town}. "
                f"{_num(k + r.randint(1, 6), r).capitalize()} civilians, among them children, were killed and "
                f"dozens were injured. There were no fighters in the area, only traders and families.",
                "This barbaric crime is a war crime, and the world must not stay silent."])
        if inc.kind == "protest":
            return (f"The people of {town} rise against the regime", [
                f"On {_day(d)}, thousands of people took to the streets of {town} against the occupation. The "
                f"regime's police attacked them with batons and tear gas, injuring {w + r.randint(5, 20)} people "
                f"and arresting dozens.",
                "The Front salutes the courage of the people."])
        if inc.kind == "arrests":
            return (f"The regime arrests innocent people in {town}", [
                f"On {_day(d)}, the regime's security services broke into homes in {town} and arrested "
                f"{_num(inc.killed + inc.injured + r.randint(1, 5), r)} young men who have nothing to do with the "
                "Front. Their families have had no news of them.",
                "The Front calls on human rights organisations to demand their release."])
        return (f"Heroic fighters repel the occupiers near {town}", [
            f"On {_day(d)}, our heroic fighters repelled a punitive expedition of the occupiers near {town}. "
            f"{_num(r.randint(5, 25), r).capitalize()} soldiers of the regime were killed and the enemy fled, "
            f"abandoning an armoured vehicle. {_num(r.randint(1, 5), r).capitalize()} of our fighters fell as martyrs.",
            "The occupiers will be driven out of every town of the valley."])

    def _wire(self, inc: Incident, pub: Publisher, town: str, d: date, pub_day: date) -> tuple[str, list[str]]:
        r, k, w = self.rng, inc.killed, inc.injured
        tag = "Kestrel" if pub is KESTREL else "NPA"
        rel = self.relative(d, pub_day)
        low = max(1, k - r.randint(0, 3))
        dateline = f"{town.upper()}, {pub_day.strftime('%B')} {pub_day.day} ({tag}) —"
        sources = r.choice(("local health officials said", "hospital staff said", "residents said",
                            "a regional official said"))
        if inc.kind in ("shelling", "drone_strike"):
            blamed = "government forces" if inc.perpetrator == "army" else "the Valley Liberation Front (VLF)"
            accused = "the army" if inc.perpetrator == "vlf" else "the VLF"
            what = "shells struck residential streets" if inc.kind == "shelling" else \
                "a munition apparently dropped from a drone struck the market"
            return (f"At least {low} killed in {town}; sides trade blame", [
                f"{dateline} At least {low} people were killed and about {w} wounded when {what} in {town} "
                f"{rel}, {sources}.",
                f"Residents blamed {blamed}. Ardania's Ministry of Defence accused {accused} of the attack, while "
                "the other side denied any involvement and called the incident staged. "
                f"{tag} could not independently verify either side's account."])
        if inc.kind == "clash":
            return (f"Fighting near {town} as army and rebels report heavy losses", [
                f"{dateline} Government forces and Valley Liberation Front (VLF) rebels clashed near {town} "
                f"{rel}, both sides said. The ministry said more than {k + r.randint(5, 20)} rebels were killed; "
                f"the VLF said it had killed {_num(r.randint(5, 12), r)} soldiers. Neither claim could be "
                "independently verified.",
                f"A local doctor said {_num(w, r)} wounded people had been brought to the town hospital."])
        if inc.kind == "roadside_bomb":
            return (f"Roadside bomb kills {k} soldiers near {town}", [
                f"{dateline} A roadside bomb struck an army truck near {town} {rel}, killing {_num(k, r)} soldiers "
                f"and injuring {_num(w, r)} others, a spokesman for the Ardanian Ministry of Defence said.",
                "No group immediately claimed responsibility. The ministry blamed the Valley Liberation Front, "
                "which denied involvement."])
        if inc.kind == "abduction":
            return (f"Armed men abduct workers near {town}", [
                f"{dateline} Unidentified armed men abducted {_num(max(1, k), r)} road construction workers on the "
                f"outskirts of {town} {rel}, relatives said. The driver of their bus was shot and wounded.",
                "The regional police said they were searching for the men. No group has claimed the abduction."])
        if inc.kind == "protest":
            return (f"Police disperse protest in {town}", [
                f"{dateline} Police used batons and tear gas to disperse several hundred people protesting "
                f"against the conflict in {town} {rel}. About {w} people were injured and at least "
                f"{inc.killed + 5} were detained, witnesses said.",
                "The interior ministry said police had acted within the law against provocateurs."])
        if inc.kind == "arrests":
            return (f"Security services detain suspected rebels in {town}", [
                f"{dateline} Security officers detained {_num(inc.killed + inc.injured, r)} people in raids in "
                f"{town} {rel} on suspicion of links to the Valley Liberation Front, officials said.",
                "Relatives of several detainees said they had no connection to the rebels."])
        return (f"Rebels claim control of {town}; ministry denies", [
            f"{dateline} The Valley Liberation Front said {rel} it had taken full control of {town} after days of "
            "fighting. The ministry denied that the town had fallen, saying isolated groups of bandits remained "
            "in the outskirts.",
            f"Residents who reached Osh said {town} had been without electricity for three days. Up to {w} people "
            "were injured in the fighting, a volunteer network said."])

    def _ngo(self, inc: Incident, pub: Publisher, town: str, d: date, pub_day: date) -> tuple[str, list[str]]:
        r, k, w = self.rng, inc.killed, inc.injured
        who = {"army": "Ardanian armed forces", "vlf": "Valley Liberation Front (VLF) fighters",
               "militia": "the Tulpar Battalion militia", "police": "the police"}.get(inc.perpetrator,
                                                                                   "unidentified armed men")
        if inc.kind == "protest":
            first = (f"On {_day(d)}, {who} used excessive force against peaceful protesters in {town}. Valley "
                     f"Rights Watch interviewed {r.randint(4, 12)} witnesses, who said at least {w} people were "
                     "injured, several by rubber bullets fired at close range.")
        elif inc.kind in ("abduction", "arrests"):
            first = (f"On {_day(d)}, {who} detained {inc.killed + inc.injured} men in {town} and took them to an "
                     "unknown location. Their families have had no news of them since.")
        else:
            first = (f"On {_day(d)}, an attack attributed to {who} in {town} killed at least {max(1, k - 1)} "
                     f"civilians, including {_num(r.randint(1, 3), r)} children, and wounded more than {w}, "
                     f"according to {r.randint(3, 11)} witnesses and two medical workers interviewed by Valley "
                     "Rights Watch. We found no evidence of a military objective in the area at the time.")
        return (f"Ardania: Investigate {town} {inc.kind.replace('_', ' ')} as a possible war crime", [
            first,
            "Under international humanitarian law, including Common Article 3 of the Geneva Conventions, parties "
            "to the conflict must distinguish between civilians and combatants. Indiscriminate attacks and "
            "hostage-taking are war crimes. Valley Rights Watch calls for an impartial investigation."])

    # -- incidents ---------------------------------------------------------------------------------------

    def incident(self, n: int) -> Incident:
        r = self.rng
        kind = r.choices(KINDS, KIND_WEIGHTS)[0]
        town = r.choice(TOWNS)[0]
        day = START + timedelta(days=r.randrange(DAYS))
        perpetrator, victims = {
            "shelling": (r.choice(("army", "vlf")), "civilians"),
            "drone_strike": ("army", "civilians"),
            "clash": ("army", "fighters"),
            "roadside_bomb": ("vlf", "soldiers"),
            "abduction": (r.choice(("vlf", "unknown")), "workers"),
            "protest": ("police", "protesters"),
            "arrests": ("police", "suspects"),
            "takeover": ("vlf", "fighters"),
        }[kind]
        killed = {"protest": 0, "arrests": r.randint(2, 6), "abduction": r.randint(2, 6)}.get(kind, r.randint(1, 14))
        injured = r.randint(0, 8) if kind == "arrests" else r.randint(2, 40)
        return Incident(n, kind, town, day.isoformat(), perpetrator, killed, injured, victims)

    def sources(self, inc: Incident) -> list[Publisher]:
        r = self.rng
        wire = r.choice((KESTREL, NORTHWIND))
        pubs = [wire]
        if inc.kind in ("protest", "arrests", "abduction"):
            pubs += r.sample([MOD, VLF, NGO], r.randint(1, 2))
        else:
            pubs += [MOD, VLF] if r.random() < 0.7 else [r.choice((MOD, VLF))]
            if r.random() < 0.3:
                pubs.append(NGO)
        if r.random() < 0.15:
            pubs.append(NORTHWIND if wire is KESTREL else KESTREL)
        r.shuffle(pubs)
        return pubs


CONTEXT = {
    "mod": ["The Ministry of Defence calls on the international community to condemn these crimes unequivocally.",
            "The Armed Forces of the Republic of Ardania will continue to defend the Motherland and will not "
            "allow the terrorists to hold a single village of the valley hostage.",
            "Citizens are urged to report any suspicious activity to the hotline of the counter-terrorist "
            "operation headquarters."],
    "vlf": ["Victory will be ours.", "We call on independent journalists and humanitarian organisations to visit "
            "the valley and see the truth for themselves.", "The occupiers will answer for every crime."],
    "kestrel": ["Fighting between the army and the VLF, which says it is fighting for the autonomy of the valley "
                "districts, began in late February. Tens of thousands of people have fled their homes.",
                "Residents reached by telephone said dozens of families had left for villages in the hills.",
                "A humanitarian pause agreed in March has been repeatedly violated, both sides say."],
    "northwind": ["The VLF has attacked supply convoys in the area since the start of its offensive in February.",
                  "Aid agencies say access to several districts of the valley remains severely constrained.",
                  "The conflict has displaced more than 50,000 people, according to humanitarian agencies."],
    "vrw": ["Valley Rights Watch has documented dozens of similar incidents since February.",
            "The authorities did not respond to a letter from Valley Rights Watch sent before publication.",
            "All parties must allow independent monitors access to the affected areas."],
}
SIGNOFF = {
    "mod": "Press Service of the Ministry of Defence, statement No. {serial}/{year}",
    "vlf": "Information Centre of the Valley Liberation Front, communique {serial}",
    "kestrel": "(Reporting by the Kestrel valley desk; story KWS-{serial})",
    "northwind": "(NPA, item {serial})",
    "vrw": "Valley Rights Watch, document VRW-{year}-{serial}",
}


def generate(docs: int, seed: int = 0) -> Iterator[tuple[Report, Incident]]:
    """The first ``docs`` reports of the corpus of ``seed``, each with the incident it describes."""
    rng = random.Random(seed)
    w = _Writer(rng)
    serial, n = 0, 0
    while serial < docs:
        n += 1
        inc = w.incident(n)
        for pub in w.sources(inc):
            if serial >= docs:
                return
            serial += 1
            yield w.report(inc, pub, serial), inc


def write_corpus(out: Path, docs: int, seed: int = 0) -> dict[str, int]:
    """Write ``docs`` report files, a README and the ground truth (``.incidents.jsonl``) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    incidents: dict[int, Incident] = {}
    by_pub: dict[str, int] = {}
    for report, inc in generate(docs, seed):
        (out / report.name).write_text(report.text, encoding="utf-8")
        incidents.setdefault(inc.id, inc).documents.append(report.name)
        by_pub[report.publisher.code] = by_pub.get(report.publisher.code, 0) + 1
    with (out / ".incidents.jsonl").open("w", encoding="utf-8") as f:
        for inc in incidents.values():
            f.write(json.dumps(asdict(inc), ensure_ascii=False) + "\n")
    (out / "README.md").write_text(
        f"# Synthetic corpus: {docs} reports, seed {seed}\n\n"
        "**Everything here is synthetic**, generated by `incidex demo-corpus`: a fictional conflict between the "
        "Republic of Ardania and the Valley Liberation Front over real towns of the Fergana valley. None of "
        "these events happened. The ground truth of each incident (what the reports distort) is in "
        "`.incidents.jsonl`.\n\n"
        "| publisher | documents |\n|---|---|\n"
        + "".join(f"| {p.name} ({p.stance}) | {by_pub.get(p.code, 0)} |\n" for p in PUBLISHERS),
        encoding="utf-8")
    return {"documents": docs, "incidents": len(incidents)}
