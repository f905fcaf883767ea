"""Fitting the resolver's candidate weights (``places.WEIGHTS``) on the tuning corpora.

Only WikToR and GeoVirus are read: LGL, TR-News and GeoWebNews are test sets. Every gold
toponym gives one row per gazetteer candidate, labelled 1 when the candidate lies within
161 km of the gold point. WikToR points in the US or Canada whose longitude lost its minus
sign (about 9 % of them) are skipped. Each corpus gets the same total weight so that the
news corpus is not drowned by WikToR's 25,000 toponyms. Run ``python -m
incidex.gazetteer.train`` to print the fitted weights; ``pipeline/places.py`` says why they are not
in use yet.
"""

from __future__ import annotations

from typing import Any

TUNING = ("wiktor", "geovirus")


def _lost_sign(cands: Any, lat: float, lon: float) -> bool:
    from incidex.domain.geo import haversine_km

    return lon > 0 and any(c.country_code in ("US", "CA") and haversine_km(c.lat, c.lon, lat, -lon) < 161
                           for c in cands)


def collect(corpora: tuple[str, ...] = TUNING) -> tuple[list[list[float]], list[int], list[float], list[int]]:
    """Feature rows, labels, sample weights and group ids (one group per gold toponym)."""
    from incidex.domain.geo import haversine_km
    from incidex.evaluation.geoparse import TEST_SETS, _focus, _NoAnnotator, read_corpus
    from incidex.gazetteer.index import fold, open_gazetteer
    from incidex.pipeline import places
    from incidex.pipeline.assemble import Extractor

    gaz = open_gazetteer()
    extractor = Extractor(_NoAnnotator(), gaz)
    X: list[list[float]] = []
    y: list[int] = []
    w: list[float] = []
    groups: list[int] = []
    g = 0
    for corpus in corpora:
        if corpus in TEST_SETS:
            raise ValueError(f"{corpus} is a test set")
        docs, _ = read_corpus(corpus)
        start = len(X)
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
                labels = [int(haversine_km(c.lat, c.lon, t.lat, t.lon) < 161) for c in cands]
                if not any(labels) or all(labels):
                    continue
                top = max(c.population for c in cands)
                for c, lab in zip(cands, labels, strict=True):
                    f = places.candidate_features(c, pm, focus, ctx, top, fold(pm.written))  # type: ignore[arg-type]
                    X.append([f[k] for k in places.FEATURES])
                    y.append(lab)
                    groups.append(g)
                g += 1
        n = len(X) - start
        w.extend([1.0 / max(1, n)] * n)
    return X, y, w, groups


def fit() -> dict[str, float]:
    from sklearn.linear_model import LogisticRegression

    from incidex.pipeline import places

    X, y, w, _ = collect()
    scale = len(w) / sum(w)
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit(X, y, sample_weight=[v * scale for v in w])
    return {k: round(float(v), 3) for k, v in zip(places.FEATURES, model.coef_[0], strict=True)}


if __name__ == "__main__":  # pragma: no cover - a developer tool
    print(fit())
