"""The resolver's learned candidate weights: a conditional logit over ``places.FEATURES``.

Every gold toponym of the tuning corpora (WikToR and GeoVirus only: LGL, TR-News and GeoWebNews are test
sets and are refused) is one choice among its gazetteer candidates; a candidate is right when its point
(``geo_points.area_point`` for areas) lies within 161 km of the gold point. The model maximises the
probability of the right candidates within each toponym's candidate set (softmax per toponym, L2
penalty), which is what ranking needs, unlike a per-candidate logistic regression. Toponyms with no right
candidate or only right candidates teach nothing and are skipped, and so are WikToR points in the US or
Canada whose longitude lost its minus sign (about 9 % of them). Each corpus gets the same total weight so
that WikToR's 25,000 toponyms (articles about the least known namesakes) do not drown the news corpus.

``python -m incidex.pipeline.geo_rank`` refits and writes ``resources/geo_rank_weights.json`` (a few
hundred bytes); ``places.weights()`` loads it lazily and falls back to the hand-set weights without it.

Not shipped yet (no resource file): every variant tried gains on the tuning corpora but loses matches on
the project's extraction gold (geo F1 0.690 with the hand-set weights), because WikToR rewards the least
populous namesake and neither corpus can tell a town from the region or district of its name (both lie
within 161 km): all free, GeoVirus 71.2 -> 73.2 %, WikToR 66.7 -> 68.7 %, gold geo F1 0.657; with the
class and population priors held at their hand-set values (as now in ``HAND_SET``), 71.8 % and 68.0 %,
gold 0.680, and ``test_district_cue_means_the_district_with_precision_3`` fails.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

RESOURCE = Path(__file__).with_name("resources") / "geo_rank_weights.json"
TUNING = ("wiktor", "geovirus")
L2 = 1.0  # on the per-corpus-normalised loss times the number of groups
# Conventions of conflict reports that the tuning corpora do not teach (a town and the district of the
# same name lie within 161 km of each other, so WikToR and GeoVirus cannot tell them apart): "X district"
# means the district, "near X" and "the city of X" the town. These keep their hand-set weights.
HAND_SET: dict[str, float] = {"district": -0.5, "district_admin": 3.0, "region_admin": 1.5, "area_town_cue": -3.0,
                              "town_cue": 1.0, "region_own_town": 0.0,
                              # the population and feature-class priors: WikToR is made of articles about the
                              # least known namesakes (Peru, Massachusetts), a prior news text does not share
                              "logpop": 1.0, "pop_ratio": 0.0, "top_pop": 0.5, "country": 5.0, "region": 1.0,
                              "city": 0.0, "village": 0.0}
# Likewise a region and the town of its name inside it (Dhaka, Osh, Tartar): against that town the region
# keeps its hand-set weight (``region_own_town`` = hand-set minus learned ``region``), so that a bare name
# is the town and "Tartar district" the rayon, as with the hand-set weights.
HAND_REGION = 1.0


@lru_cache(maxsize=1)
def learned_weights() -> dict[str, float] | None:
    if not RESOURCE.is_file():
        return None
    data: dict[str, Any] = json.loads(RESOURCE.read_text(encoding="utf-8"))
    return {str(k): float(v) for k, v in data["weights"].items()}


def _lost_sign(cands: Sequence[Any], lat: float, lon: float) -> bool:
    from incidex.domain.geo import haversine_km

    return lon > 0 and any(c.country_code in ("US", "CA") and haversine_km(c.lat, c.lon, lat, -lon) < 161
                           for c in cands)


def collect(corpora: Sequence[str] = TUNING) -> tuple[list[list[float]], list[int], list[int], list[float]]:
    """Feature rows, labels, group ids (one group per gold toponym, rows of a group adjacent) and group weights."""
    from incidex.domain.geo import haversine_km
    from incidex.evaluation.geoparse import TEST_SETS, _focus, _NoAnnotator, read_corpus
    from incidex.gazetteer.index import fold, open_gazetteer
    from incidex.pipeline import places
    from incidex.pipeline.assemble import Extractor
    from incidex.pipeline.geo_points import area_point

    bad = [c for c in corpora if c in TEST_SETS]
    if bad:
        raise ValueError(f"{', '.join(bad)}: test set, never fit on it")
    gaz = open_gazetteer()
    extractor = Extractor(_NoAnnotator(), gaz)
    X: list[list[float]] = []
    y: list[int] = []
    groups: list[int] = []
    gweights: list[float] = []
    for corpus in corpora:
        docs, _ = read_corpus(corpus)
        first = len(gweights)
        for doc in docs:
            gold = doc.gold
            if not gold:
                continue
            mentions = [places.PlaceMention(t.start, t.end, doc.text[t.start:t.end]) for t in gold]
            places._assign_cues(doc.text, mentions)
            focus = _focus(extractor, doc.text)
            ctx = places.document_context(doc.text, gaz)  # type: ignore[arg-type]
            for t, pm in zip(gold, mentions, strict=True):
                assert t.lat is not None and t.lon is not None
                cands = gaz.lookup(pm.written)
                if len(cands) < 2 or (corpus == "wiktor" and _lost_sign(cands, t.lat, t.lon)):
                    continue
                pts = [area_point(c.id, c.feature, c.country_code) or (c.lat, c.lon) for c in cands]
                labels = [int(haversine_km(la, lo, t.lat, t.lon) <= 161) for la, lo in pts]
                if not any(labels) or all(labels):
                    continue
                top = max(places.ranked_population(c) for c in cands)  # type: ignore[arg-type]
                towns = places.town_regions(cands)  # type: ignore[arg-type]
                countries = places.name_countries(cands)  # type: ignore[arg-type]
                g = len(gweights)
                for c, lab in zip(cands, labels, strict=True):
                    f = places.candidate_features(c, pm, focus, ctx, top, fold(pm.written),  # type: ignore[arg-type]
                                                  towns, countries=countries)
                    X.append([f[k] for k in places.FEATURES])
                    y.append(lab)
                    groups.append(g)
                gweights.append(1.0)
        n = len(gweights) - first
        for i in range(first, len(gweights)):
            gweights[i] = 1.0 / max(1, n)
    return X, y, groups, gweights


def fit(X: list[list[float]], y: list[int], groups: list[int], gweights: list[float],
        l2: float = L2, fixed: dict[int, float] | None = None) -> list[float]:
    """Weights of the conditional logit (no intercept: a constant does not change a ranking); the columns
    in ``fixed`` keep the given weight."""
    import numpy as np
    from scipy.optimize import minimize

    fixed = fixed or {}
    X0 = np.asarray(X, dtype=float)
    free = [j for j in range(X0.shape[1]) if j not in fixed]
    offset = X0[:, list(fixed)] @ np.asarray(list(fixed.values()), dtype=float) if fixed else np.zeros(len(X0))
    Xa = X0[:, free]
    ya = np.asarray(y, dtype=float)
    ga = np.asarray(groups)
    starts = np.flatnonzero(np.r_[True, ga[1:] != ga[:-1]])
    gw = np.asarray(gweights, dtype=float)[ga[starts]]
    gw = gw / gw.sum()
    row_w = gw[np.searchsorted(starts, np.arange(len(ga)), side="right") - 1]

    def loss(w: Any) -> tuple[float, Any]:
        s = Xa @ w + offset
        m = np.maximum.reduceat(s, starts)
        mr = np.repeat(m, np.diff(np.r_[starts, len(s)]))
        e = np.exp(s - mr)
        z_all = np.add.reduceat(e, starts)
        z_pos = np.add.reduceat(e * ya, starts)
        nll = float(np.sum(gw * (np.log(z_all) - np.log(z_pos))))
        sizes = np.diff(np.r_[starts, len(s)])
        p = e / np.repeat(z_all, sizes)
        q = e * ya / np.repeat(z_pos, sizes)
        grad = Xa.T @ (row_w * (p - q))
        reg = l2 / len(starts)
        return nll + reg * float(w @ w), grad + 2 * reg * w

    res = minimize(loss, np.zeros(Xa.shape[1]), jac=True, method="L-BFGS-B", options={"maxiter": 2000})
    out = dict(zip(free, (float(v) for v in res.x), strict=True))
    out.update(fixed)
    return [out[j] for j in range(X0.shape[1])]


def train(corpora: Sequence[str] = TUNING, out: Path | None = RESOURCE) -> dict[str, float]:
    from incidex.pipeline import places

    X, y, groups, gw = collect(corpora)
    fixed = {places.FEATURES.index(k): v for k, v in HAND_SET.items()}
    w = fit(X, y, groups, gw, fixed=fixed)
    weights = {k: round(v, 4) for k, v in zip(places.FEATURES, w, strict=True)}
    weights["region_own_town"] = round(HAND_REGION - weights["region"], 4)
    if out is not None:
        out.write_text(json.dumps({"corpora": list(corpora), "toponyms": len(set(groups)),
                                   "weights": weights}, indent=1) + "\n", encoding="utf-8")
        learned_weights.cache_clear()
    return weights


if __name__ == "__main__":  # pragma: no cover - a developer tool
    import sys

    print(train(tuple(sys.argv[1:]) or TUNING))
