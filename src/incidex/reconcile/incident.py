"""The Incident object of a cluster: every claim beside its source, ranges, disputes and flags.

Nothing here picks one side's number. Casualty figures are kept per claim
(one claim = one claimant in one document for one outcome and group; figures a
claimant gives for several parties of the same group add up) and summarised as
ranges: ``low`` the lowest credible claim, ``high`` the highest, ``best`` the
lower median of the claims of neutral and advocacy sources (of all claims when
only parties speak), ``acled_fatalities`` the lowest credible claim of killed
(ACLED's conservative rule). A claim is credible when its event is not denied
and it states a lower bound ("up to 40" states none).
"""

from __future__ import annotations

import hashlib
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from incidex.domain.models import Casualty, Event
from incidex.reconcile.cluster import Item, iso

TYPE_PRECEDENCE = ("Battles", "Explosions/Remote violence", "Violence against civilians", "Riots", "Protests",
                   "Strategic developments")
FIGURES_FACTOR = 2.0  # claims further apart than this factor raise `figures_differ`


@dataclass(frozen=True)
class Claim:
    """An event as stored: the event, the document it came from and that document's stance."""

    event: Event
    document_id: str
    stance: str = "neutral"
    row_id: int | None = None  # events.id in the store, when it came from there


def claim_key(document_id: str, event_id: str) -> str:
    return f"{document_id}:{event_id}"


def to_item(c: Claim, seq: int = 0) -> Item:
    e = c.event
    return Item(
        key=claim_key(c.document_id, e.id), document_id=c.document_id, event_type=e.event_type,
        sub_type=e.sub_type, start=iso(e.date.start), end=iso(e.date.end) or iso(e.date.start),
        points=tuple((x.lat, x.lon) for x in e.locations if x.lat is not None and x.lon is not None),
        actors=frozenset(a.normalized for a in e.actors), certainty=e.certainty, seq=seq, payload=c,
    )


def incident_id(anchor_key: str) -> str:
    """Named after its earliest member, so it stays the same when later reports join it."""
    return "inc-" + hashlib.sha256(anchor_key.encode()).hexdigest()[:12]


# -- casualties --------------------------------------------------------------------------------------

def _bounds(c: Casualty) -> tuple[int | None, int | None, int | None]:
    low = c.low if c.low is not None else c.best
    high = c.high if c.high is not None else c.best
    point = c.best if c.best is not None else (c.low if c.low is not None else c.high)
    return low, point, high


def _add(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a + b


def _add_lower(a: int | None, b: int | None) -> int | None:
    """Lower bounds add up; a part without one contributes nothing to the bound."""
    return None if a is None and b is None else (a or 0) + (b or 0)


def figure_text(low: int | None, best: int | None, high: int | None) -> str:
    if low is not None and low == high:
        return str(low)
    if low is not None and high is not None:
        return f"{low}-{high}"
    if low is not None:
        return f"at least {low}"
    if high is not None:
        return f"up to {high}"
    return str(best) if best is not None else "unknown"


def casualty_claims(members: Sequence[Claim]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Per (outcome, group), one claim per claimant and document, figures of several parties summed."""
    acc: dict[tuple[str, str], dict[tuple[str, str], dict[str, Any]]] = {}
    for m in members:
        for c in m.event.casualties:
            low, point, high = _bounds(c)
            slot = acc.setdefault((c.outcome, c.group), {})
            key = (m.document_id, c.claimed_by)
            if key not in slot:
                slot[key] = {"low": low, "best": point, "high": high, "claimed_by": c.claimed_by,
                             "document_id": m.document_id, "stance": m.stance, "certainty": m.event.certainty,
                             "text": [c.text], "parties": [c.party]}
                continue
            cur = slot[key]
            if c.text in cur["text"]:
                continue  # the same figure said twice is one claim
            # a claimant's figures for several parties of one group add up (3 police + 1 guard killed)
            cur["low"], cur["best"] = _add_lower(cur["low"], low), _add_lower(cur["best"], point)
            cur["high"] = _add(cur["high"], high)  # one open-ended part leaves the total open-ended
            cur["text"].append(c.text)
            cur["parties"].append(c.party)
    return {k: list(v.values()) for k, v in acc.items()}


def casualty_summary(outcome: str, group: str, claims: list[dict[str, Any]]) -> dict[str, Any]:
    credible = [c for c in claims if c["certainty"] != "denied" and c["low"] is not None]
    points = [c["best"] for c in claims if c["best"] is not None]
    independent = [c["best"] for c in claims if c["best"] is not None and not c["stance"].startswith("party:")]
    lows = [c["low"] for c in credible]
    highs = [h for c in claims for h in (c["high"], c["low"], c["best"]) if h is not None]
    return {
        "outcome": outcome, "group": group,
        "low": min(lows) if lows else None,
        "best": statistics.median_low(independent or points) if (independent or points) else None,
        "high": max(highs) if highs else None,
        "acled_fatalities": (min(lows) if lows else None) if outcome == "killed" else None,
        "claims": [{"low": c["low"], "best": c["best"], "high": c["high"], "text": "; ".join(c["text"]),
                    "claimed_by": c["claimed_by"], "document_id": c["document_id"], "stance": c["stance"],
                    "certainty": c["certainty"]} for c in claims],
    }


# -- disputes and flags ------------------------------------------------------------------------------

def _date_text(e: Event) -> str | None:
    if not e.date.start:
        return None
    return e.date.start if e.date.end in (None, e.date.start) else f"{e.date.start}/{e.date.end}"


def _dispute(field: str, values: list[tuple[str | None, str, str, str]]) -> dict[str, Any] | None:
    """A dispute when the claims give more than one distinct value (claims without a value abstain)."""
    given = [v for v in values if v[0] is not None]
    if len({v[0] for v in given}) < 2:
        return None
    return {"field": field, "values": [{"value": v, "claimed_by": who, "document_id": doc, "stance": st}
                                       for v, who, doc, st in given]}


def disputes(members: Sequence[Claim], cas: dict[tuple[str, str], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    def per_event(fn: Any) -> list[tuple[str | None, str, str, str]]:
        return [(fn(m.event), m.event.claimed_by, m.document_id, m.stance) for m in members]

    def perpetrator(e: Event) -> str | None:
        names = sorted({a.normalized for a in e.actors if a.role == "initiator"})
        return "; ".join(names) or None

    def place(e: Event) -> str | None:
        return "; ".join(sorted({x.name for x in e.locations})) or None

    out = [
        _dispute("date", per_event(_date_text)),
        _dispute("place", per_event(place)),
        _dispute("perpetrator", per_event(perpetrator)),
        _dispute("type", per_event(lambda e: f"{e.event_type}: {e.sub_type}")),
        _dispute("certainty", per_event(lambda e: e.certainty)),
    ]
    for (outcome, group), claims in sorted(cas.items()):
        out.append(_dispute(f"casualties.{outcome}.{group}",
                            [(figure_text(c["low"], c["best"], c["high"]), c["claimed_by"], c["document_id"],
                              c["stance"]) for c in claims]))
    return [d for d in out if d]


def flags(members: Sequence[Claim], cas: dict[tuple[str, str], list[dict[str, Any]]]) -> list[str]:
    out = []
    stances = {m.stance for m in members}
    if len(stances) == 1 and next(iter(stances)).startswith("party:"):
        out.append("single_party_sourcing")
    for claims in cas.values():
        pts = [c["best"] if c["best"] is not None else c["low"] for c in claims]
        pts = [p for p in pts if p is not None]
        if len(pts) > 1 and max(pts) > FIGURES_FACTOR * min(pts):
            out.append("figures_differ")
            break
    if any(m.event.certainty == "denied" for m in members):
        out.append("denied_by_party")
    if self_victim_only(members):
        out.append("self_victim_only")
    return out


_OWN_ROLES_VICTIM = frozenset({"victim", "target"})


def self_victim_only(members: Sequence[Claim]) -> list[str]:
    """The documents of a party (stance ``party:X``) whose events in this incident name X's side only as victim
    or target, never as initiator: a claimant describing its own side as victim only.

    X's side: an actor whose name or normalized name contains X ("Armenian forces", "Military Forces of
    Armenia" for party:Armenia), or that shares the country code of such an actor ("Civilians", AM).
    """
    by_doc: dict[str, list[Claim]] = {}
    for m in members:
        if m.stance.startswith("party:") and m.event.certainty != "denied":
            by_doc.setdefault(m.document_id, []).append(m)
    out = []
    for doc, ms in by_doc.items():
        party = ms[0].stance.partition(":")[2].strip().lower()
        actors = [a for m in ms for a in m.event.actors]
        named = [a for a in actors if party and (party in a.normalized.lower() or party in a.name.lower())]
        codes = {a.country_code for a in named if a.country_code}
        own = [a for a in actors if a in named or (a.country_code and a.country_code in codes)]
        if own and all(a.role in _OWN_ROLES_VICTIM for a in own):
            out.append(doc)
    return out


# -- the incident ------------------------------------------------------------------------------------

def build_incident(members: Sequence[Item]) -> dict[str, Any]:
    """The incidex/1 Incident of one cluster (members sorted by arrival, payloads are ``Claim``)."""
    claims: list[Claim] = [m.payload for m in members]
    firm = [c.event for c in claims if c.event.certainty != "denied"] or [c.event for c in claims]
    etype = min((e.event_type for e in firm), key=TYPE_PRECEDENCE.index)
    subs = [e.sub_type for e in firm if e.event_type == etype]
    sub = max(dict.fromkeys(subs), key=subs.count)
    starts = [c.event.date.start for c in claims if c.event.date.start]
    ends = [c.event.date.end or c.event.date.start for c in claims if c.event.date.start]
    start, end = (min(starts), max(ends)) if starts else (None, None)
    locs: dict[tuple[str, str | None], dict[str, Any]] = {}
    for c in claims:
        for x in c.event.locations:
            locs.setdefault((x.name, x.gazetteer_id), x.model_dump(mode="json"))
    by_stance: dict[str, int] = {}
    for _doc, st in dict.fromkeys((c.document_id, c.stance) for c in claims):
        by_stance[st] = by_stance.get(st, 0) + 1
    cas = casualty_claims(claims)
    return {
        "id": incident_id(members[0].key),
        "event_type": etype, "sub_type": sub,
        "date": {"start": start, "end": end,
                 "precision": "unknown" if start is None else ("day" if start == end else "range"),
                 "text": None, "span": None, "anchor": "none"},
        "locations": list(locs.values()),
        "events": [{**c.event.model_dump(mode="json"), "document_id": c.document_id, "stance": c.stance}
                   for c in claims],
        "sources": {"count": len({c.document_id for c in claims}), "by_stance": by_stance},
        "casualties": [casualty_summary(o, g, v) for (o, g), v in sorted(cas.items())],
        "disputes": disputes(claims, cas),
        "flags": flags(claims, cas),
    }
