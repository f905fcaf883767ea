"""Pure scoring: the rules of ``shared/spec/gold-format.md`` and the generic metrics beside them.

Every function here takes gold and predictions and returns counts; nothing
reads files or runs the pipeline, so each rule can be unit-tested with
hand-made predictions. Per-document results keep the misses (what was not
found, what was found that the gold does not have) so a developer can see what
went wrong. Overall figures are micro-averaged: counts are summed over
documents before P/R/F1 are computed.

Readings of the spec where it leaves a choice (also in docs/EVALUATION.md):

- matching is one-to-one and greedy, best pairs first (geo: nearest first;
  events: same sub-type, then constrained gold, then nearest; casualties: same
  group, then closest figure; framing: equal terms before containment);
- an event date interval is ``[start, end]``; a predicted event without a date
  cannot match a dated gold event;
- a casualty's gold figure is ``low``, or ``high`` when ``low`` is null
  (``up_to``), compared with the predicted ``low``/``best`` (and ``high`` in
  that case);
- P = R = F1 = 1 when gold and prediction are both empty, 0 when only one is.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from incidex.domain.geo import haversine_km
from incidex.domain.models import Casualty, Event, Extraction
from incidex.domain.neutrality import NEUTRALITY_PREFIXES
from incidex.evaluation.gold import GoldCasualty, GoldDoc

MATCH_KM = 30.0
DATE_TOLERANCE = timedelta(days=1)
ACC_KM = 161.0
MAX_ERROR_KM = 20039.0  # half the equator: the largest possible error, given to unresolved toponyms

_PREFIX_RE = re.compile(r"\b(?:" + "|".join(NEUTRALITY_PREFIXES) + r")\w*", re.I)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|‘[^’]*’|«[^»]*»")


# -- counts and P/R/F1 --------------------------------------------------------------------------

@dataclass(frozen=True)
class PRF:
    """True positives, false positives, false negatives; P/R/F1 derived."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def empty(self) -> bool:
        """Nothing in the gold and nothing predicted: the scores are vacuous (reported as 1)."""
        return self.tp + self.fp + self.fn == 0

    @property
    def precision(self) -> float:
        if self.tp + self.fp == 0:
            return 1.0 if self.fn == 0 else 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        if self.tp + self.fn == 0:
            return 1.0 if self.fp == 0 else 0.0
        return self.tp / (self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def as_dict(self) -> dict[str, float | int]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass(frozen=True)
class Scored:
    """One metric on one document: the counts and the misses, as readable lines."""

    prf: PRF
    missed: tuple[str, ...] = ()  # in the gold, not predicted (false negatives)
    spurious: tuple[str, ...] = ()  # predicted, not in the gold (false positives)


def greedy_pairs(pairs: Iterable[tuple[tuple[float, ...], int, int]]) -> list[tuple[int, int]]:
    """One-to-one matching: take ``(cost, gold_index, pred_index)`` pairs cheapest first."""
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _, g, p in sorted(pairs, key=lambda t: (t[0], t[1], t[2])):
        if g not in used_g and p not in used_p:
            used_g.add(g)
            used_p.add(p)
            out.append((g, p))
    return out


def _scored(n_gold: int, n_pred: int, matched: list[tuple[int, int]], gold_desc: Sequence[str],
            pred_desc: Sequence[str]) -> Scored:
    mg = {g for g, _ in matched}
    mp = {p for _, p in matched}
    return Scored(
        PRF(len(matched), n_pred - len(mp), n_gold - len(mg)),
        tuple(gold_desc[i] for i in range(n_gold) if i not in mg),
        tuple(pred_desc[i] for i in range(n_pred) if i not in mp),
    )


# -- geo ------------------------------------------------------------------------------------------

def _distinct(points: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    seen: dict[tuple[float, float], None] = {}
    for lat, lon in points:
        seen.setdefault((round(lat, 4), round(lon, 4)), None)
    return list(seen)


def score_geo(gold: GoldDoc, pred: Extraction) -> Scored:
    """Distinct gold event points against distinct predicted event locations; a match is within 30 km."""
    g_names: dict[tuple[float, float], str] = {}
    for e in gold.events:
        if e.location is not None and e.location.point is not None:
            lat, lon = e.location.point
            g_names.setdefault((round(lat, 4), round(lon, 4)), e.location.name or "?")
    p_names: dict[tuple[float, float], str] = {}
    for ev in pred.events:
        for loc in ev.locations:
            if loc.lat is not None and loc.lon is not None:
                p_names.setdefault((round(loc.lat, 4), round(loc.lon, 4)), loc.name)
    gp, pp = list(g_names), list(p_names)
    pairs = []
    for i, (a, b) in enumerate(gp):
        for j, (c, d) in enumerate(pp):
            km = haversine_km(a, b, c, d)
            if km <= MATCH_KM:
                pairs.append(((km,), i, j))
    return _scored(len(gp), len(pp), greedy_pairs(pairs),
                   [f"{g_names[p]} ({p[0]:.3f}, {p[1]:.3f})" for p in gp],
                   [f"{p_names[p]} ({p[0]:.3f}, {p[1]:.3f})" for p in pp])


# -- events ---------------------------------------------------------------------------------------

def _pred_interval(ev: Event) -> tuple[date, date] | None:
    s = date.fromisoformat(ev.date.start) if ev.date.start else None
    e = date.fromisoformat(ev.date.end) if ev.date.end else None
    if s is None and e is None:
        return None
    lo, hi = (s or e), (e or s)
    assert lo is not None and hi is not None
    return (lo, hi) if lo <= hi else (hi, lo)


def _gap_days(a: tuple[date, date], b: tuple[date, date]) -> int:
    """Days between two intervals (0 when they overlap)."""
    if a[1] < b[0]:
        return (b[0] - a[1]).days
    if b[1] < a[0]:
        return (a[0] - b[1]).days
    return 0


def _pred_points(ev: Event) -> list[tuple[float, float]]:
    return [(loc.lat, loc.lon) for loc in ev.locations if loc.lat is not None and loc.lon is not None]


def _describe_pred_event(ev: Event) -> str:
    where = ", ".join(loc.name for loc in ev.locations) or "no place"
    when = ev.date.start or "no date"
    if ev.date.end and ev.date.end != ev.date.start:
        when += f"..{ev.date.end}"
    return f"{ev.id} {ev.event_type} / {ev.sub_type} @ {where} on {when}"


def score_events(gold: GoldDoc, pred: Extraction) -> Scored:
    """Greedy one-to-one: same event_type, overlapping dates (±1 day), a predicted place within 30 km."""
    pairs = []
    for i, g in enumerate(gold.events):
        gi = g.interval
        gpt = g.location.point if g.location else None
        for j, p in enumerate(pred.events):
            if p.event_type != g.event_type:
                continue
            gap = 0
            if gi is not None:
                pi = _pred_interval(p)
                if pi is None:
                    continue
                gap = _gap_days(gi, pi)
                if gap > DATE_TOLERANCE.days:
                    continue
            km = 0.0
            if gpt is not None:
                dists = [haversine_km(gpt[0], gpt[1], a, b) for a, b in _pred_points(p)]
                if not dists or min(dists) > MATCH_KM:
                    continue
                km = min(dists)
            unconstrained = (gi is None) + (gpt is None)
            pairs.append(((float(p.sub_type != g.sub_type), float(unconstrained), km, float(gap)), i, j))
    gold_desc = []
    for g in gold.events:
        when = g.event_date.isoformat() if g.event_date else (
            f"{g.date_start}..{g.date_end}" if g.interval else "no date")
        where = (g.location.name or "?") if g.location else "no place"
        gold_desc.append(f"{g.event_type} / {g.sub_type} @ {where} on {when}: {g.evidence[:70]!r}")
    return _scored(len(gold.events), len(pred.events), greedy_pairs(pairs), gold_desc,
                   [_describe_pred_event(p) for p in pred.events])


# -- casualties -----------------------------------------------------------------------------------

def gold_figure(c: GoldCasualty) -> int | None:
    """The figure a prediction must reproduce: ``low``, or ``high`` for ``up_to`` (whose low is null)."""
    return c.low if c.low is not None else c.high


def figure_distance(g: GoldCasualty, p: Casualty) -> int | None:
    """How far the predicted figure is from the gold one; ``None`` when it does not match at all."""
    ref = gold_figure(g)
    if ref is None:
        return None
    values = [v for v in (p.low, p.best) if v is not None]
    if g.low is None and p.high is not None:
        values.append(p.high)
    tol = 1 if g.qualifier == "more_than" else 0
    dists = [abs(v - ref) for v in values if abs(v - ref) <= tol]
    return min(dists) if dists else None


def _all_gold_casualties(gold: GoldDoc) -> list[tuple[GoldCasualty, str]]:
    out = [(c, "event") for e in gold.events for c in e.casualties]
    out += [(c, "aggregate") for a in gold.aggregates for c in a.casualties]
    return out


def _all_pred_casualties(pred: Extraction) -> list[tuple[Casualty, str]]:
    out = [(c, ev.id) for ev in pred.events for c in ev.casualties]
    out += [(c, f"aggregate {k + 1}") for k, a in enumerate(pred.aggregates) for c in a.casualties]
    return out


def score_casualties(gold: GoldDoc, pred: Extraction) -> Scored:
    """Every gold casualty against every predicted one: same outcome, same group (gold unknown matches any),
    predicted low or best equal to the gold low (±1 for more_than)."""
    gc = _all_gold_casualties(gold)
    pc = _all_pred_casualties(pred)
    pairs = []
    for i, (g, _) in enumerate(gc):
        for j, (p, _) in enumerate(pc):
            if p.outcome != g.outcome or (g.group != "unknown" and p.group != g.group):
                continue
            d = figure_distance(g, p)
            if d is None:
                continue
            pairs.append(((float(p.group != g.group), float(d)), i, j))
    gold_desc = [f"{c.outcome} {c.group} {gold_figure(c)} ({c.qualifier}, {where})" for c, where in gc]
    pred_desc = [f"{c.outcome} {c.group} low={c.low} best={c.best} {c.text!r} ({where})" for c, where in pc]
    return _scored(len(gc), len(pc), greedy_pairs(pairs), gold_desc, pred_desc)


# -- legal references -----------------------------------------------------------------------------

# the first whose words occur in a reference gives its key (spec order)
LEGAL_KEYS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Additional Protocols", re.compile(r"\badditional\s+protocols?\b", re.I)),
    ("Geneva Conventions", re.compile(r"\bgeneva\s+conventions?\b", re.I)),
    ("Rome Statute", re.compile(r"\brome\s+statute\b", re.I)),
    ("UN Charter", re.compile(r"\b(?:un|u\.n\.|united\s+nations)\s+charter\b|\bcharter\s+of\s+the\s+united\s+nations\b",
                              re.I)),
    ("International Court of Justice", re.compile(r"\binternational\s+court\s+of\s+justice\b|\bICJ\b")),
    ("genocide", re.compile(r"\bgenocid", re.I)),
    ("crimes against humanity", re.compile(r"\bcrimes?\s+against\s+humanity\b", re.I)),
    ("war crimes", re.compile(r"\bwar\s+crimes?\b", re.I)),
    ("international humanitarian law",
     re.compile(r"\binternational\s+humanitarian\s+law\b|\bIHL\b|\blaws?\s+of\s+(?:war|armed\s+conflict)\b", re.I)),
    ("ceasefire agreement or statement",
     re.compile(r"\bcease-?fire\b|\btruce\b|\barmistice\b|\bagreement\b|\bstatement\b|\bhumanitarian\s+pause\b", re.I)),
    ("international law", re.compile(r"\binternational\s+law\b", re.I)),
)
_UNSC = re.compile(r"\b(?:UNSCR?|Security\s+Council)\b", re.I)
_RES_NUM = re.compile(r"\bresolutions?\s*(?:no\.?\s*)?(?P<n>\d{1,4})\b|\bUNSCR\s*(?P<m>\d{1,4})\b", re.I)


def legal_key(reference: str) -> str:
    """A reference reduced to its key: ``UNSC 822`` for a resolution, else the first listed name it contains,
    else the reference itself, lower-cased."""
    if _UNSC.search(reference):
        m = _RES_NUM.search(reference)
        if m:
            return f"UNSC {int(m.group('n') or m.group('m'))}"
    for key, pat in LEGAL_KEYS:
        if pat.search(reference):
            return key
    return " ".join(reference.lower().split())


def score_legal(gold: GoldDoc, pred: Extraction) -> Scored:
    """Distinct keys of the gold references against distinct keys of the predicted ones."""
    gk = sorted({legal_key(r) for r in gold.legal_refs})
    pk = sorted({legal_key(f"{r.instrument} {r.identifier or ''}".strip()) for r in pred.legal_references})
    common = set(gk) & set(pk)
    return Scored(PRF(len(common), len(set(pk) - common), len(set(gk) - common)),
                  tuple(k for k in gk if k not in common), tuple(k for k in pk if k not in common))


# -- framing --------------------------------------------------------------------------------------

def score_framing(gold: GoldDoc, pred: Extraction) -> Scored:
    """Gold loaded terms against distinct predicted framing terms (case-insensitive containment either way)."""
    gt = list(dict.fromkeys(t.casefold() for t in gold.loaded_terms))
    pt = list(dict.fromkeys(f.term.casefold() for f in pred.framing))
    pairs = []
    for i, g in enumerate(gt):
        for j, p in enumerate(pt):
            if g == p:
                pairs.append(((0.0, 0.0), i, j))
            elif g in p or p in g:
                pairs.append(((1.0, float(abs(len(g) - len(p)))), i, j))
    return _scored(len(gt), len(pt), greedy_pairs(pairs), gt, pt)


# -- neutrality and double counting ----------------------------------------------------------------

def neutrality_violations(gold: GoldDoc, pred: Extraction) -> list[str]:
    """Event summaries that use, outside quotation marks, a gold loaded term or a loaded word stem."""
    term_res = [re.compile(rf"(?<!\w){re.escape(t)}(?!\w)", re.I) for t in gold.loaded_terms if t.strip()]
    out = []
    for ev in pred.events:
        bare = _QUOTED.sub(" ", ev.summary)
        words = [m.group(0) for m in _PREFIX_RE.finditer(bare)]
        words += [m.group(0) for r in term_res for m in r.finditer(bare)]
        if words:
            out.append(f"{ev.id}: {', '.join(dict.fromkeys(words))} in {ev.summary!r}")
    return out


def double_counting(gold: GoldDoc, pred: Extraction) -> list[str]:
    """Predicted event casualties that carry a figure the gold records only as an aggregate."""
    event_figs = {(c.outcome, gold_figure(c)) for e in gold.events for c in e.casualties}
    agg_only = [c for a in gold.aggregates for c in a.casualties if (c.outcome, gold_figure(c)) not in event_figs]
    out = []
    for ev in pred.events:
        for c in ev.casualties:
            hit = next((g for g in agg_only if g.outcome == c.outcome and figure_distance(g, c) is not None), None)
            if hit is not None:
                out.append(f"{ev.id}: {c.outcome} {c.text!r} is the aggregate figure {gold_figure(hit)}")
    return out


# -- one document, many documents ------------------------------------------------------------------

METRICS = ("geo", "event", "casualty", "legal", "framing")


@dataclass(frozen=True)
class DocScore:
    doc_id: str
    scores: dict[str, Scored]
    neutrality: tuple[str, ...] = ()
    double_counting: tuple[str, ...] = ()


def score_document(gold: GoldDoc, pred: Extraction) -> DocScore:
    return DocScore(
        doc_id=gold.id,
        scores={
            "geo": score_geo(gold, pred),
            "event": score_events(gold, pred),
            "casualty": score_casualties(gold, pred),
            "legal": score_legal(gold, pred),
            "framing": score_framing(gold, pred),
        },
        neutrality=tuple(neutrality_violations(gold, pred)),
        double_counting=tuple(double_counting(gold, pred)),
    )


@dataclass(frozen=True)
class Totals:
    prf: dict[str, PRF] = field(default_factory=dict)
    neutrality: int = 0
    double_counting: int = 0
    documents: int = 0


def total(docs: Sequence[DocScore]) -> Totals:
    """Micro-averaged totals: counts summed over documents."""
    prf = {m: sum((d.scores[m].prf for d in docs), PRF()) for m in METRICS}
    return Totals(prf=prf, neutrality=sum(len(d.neutrality) for d in docs),
                  double_counting=sum(len(d.double_counting) for d in docs), documents=len(docs))


# -- geocoding error statistics (Gritta et al. 2018) ----------------------------------------------

@dataclass(frozen=True)
class ErrorStats:
    n: int
    acc_161: float  # share of errors <= 161 km
    mean_km: float
    median_km: float
    auc: float  # area under the curve of sorted ln(1 + error), scaled to [0, 1]; lower is better

    def as_dict(self) -> dict[str, float | int]:
        return {"n": self.n, "acc_161": round(self.acc_161, 4), "mean_km": round(self.mean_km, 1),
                "median_km": round(self.median_km, 1), "auc": round(self.auc, 4)}


def error_stats(errors_km: Sequence[float]) -> ErrorStats:
    """Accuracy within 161 km, mean and median error, and the AUC of Gritta et al. (2018): the trapezoid
    area under the sorted ``ln(1 + error)`` curve divided by ``ln(20039) * (n - 1)`` (their code's scaling)."""
    n = len(errors_km)
    if n == 0:
        return ErrorStats(0, 0.0, 0.0, 0.0, 0.0)
    errs = sorted(min(max(0.0, e), MAX_ERROR_KM) for e in errors_km)
    logs = [math.log(1.0 + e) for e in errs]
    if n == 1:
        auc = logs[0] / math.log(MAX_ERROR_KM)
    else:
        area = sum((logs[i] + logs[i + 1]) / 2 for i in range(n - 1))
        auc = area / (math.log(MAX_ERROR_KM) * (n - 1))
    return ErrorStats(n=n, acc_161=sum(e <= ACC_KM for e in errs) / n, mean_km=statistics.fmean(errs),
                      median_km=statistics.median(errs), auc=auc)


# -- multi-class classification ---------------------------------------------------------------------

@dataclass(frozen=True)
class ClassScores:
    per_label: dict[str, PRF]
    support: dict[str, int]
    weighted_f1: float
    macro_f1: float
    accuracy: float
    n: int


def classification_scores(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> ClassScores:
    """Per-label P/R/F1 over ``labels``, support-weighted and macro F1 (as scikit-learn's ``labels=`` option):
    a prediction outside ``labels`` (e.g. "none") is a false negative of the gold label and nobody's false
    positive; macro F1 averages over every listed label, weighted F1 over those with support."""
    if len(gold) != len(pred):
        raise ValueError("gold and predictions differ in length")
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for g, p in zip(gold, pred, strict=True):
        if g == p:
            tp[g] += 1
        else:
            fn[g] += 1
            fp[p] += 1
    per = {lab: PRF(tp[lab], fp[lab], fn[lab]) for lab in labels}
    support = {lab: tp[lab] + fn[lab] for lab in labels}
    n_sup = sum(support.values())

    def f1(lab: str) -> float:
        x = per[lab]
        return 0.0 if x.tp == 0 else x.f1

    weighted = sum(f1(lab) * support[lab] for lab in labels) / n_sup if n_sup else 0.0
    macro = sum(f1(lab) for lab in labels) / len(labels) if labels else 0.0
    correct = sum(1 for g, p in zip(gold, pred, strict=True) if g == p)
    return ClassScores(per_label=per, support=support, weighted_f1=weighted, macro_f1=macro,
                       accuracy=correct / len(gold) if gold else 0.0, n=len(gold))
