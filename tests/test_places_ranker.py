"""The resolver's fast scoring gives the scores of the reference one (``candidate_features`` weighted and
summed per candidate), to the last bit, and its distance tables are ``haversine_km``'s."""

from __future__ import annotations

import random

import pytest

from incidex.domain.geo import haversine_km
from incidex.gazetteer.index import fold
from incidex.pipeline import places
from incidex.pipeline.places import (
    FEATURES,
    WEIGHTS,
    PlaceMention,
    _candidate_score,
    _Ranker,
    context_points,
    distances_km,
    document_context,
    name_countries,
    ranked_population,
    town_regions,
)

from .fakes import FakeCandidate, FakeGazetteer

FEATURE_CLASSES = ("city", "town", "village", "region", "district", "country")
NAMES = ("Alba", "Brest", "Carmel", "Dover", "Eden")


def _world(seed: int) -> FakeGazetteer:
    """Homonyms of every feature class, in a few countries and admin1 regions, close together and far apart."""
    rnd = random.Random(seed)
    cands = []
    for i in range(60):
        name = NAMES[i % len(NAMES)]
        cc = rnd.choice(("FR", "US", "BY", "GB", None))
        feature = rnd.choice(FEATURE_CLASSES)
        admin1 = rnd.choice(("North", "South", None)) if feature != "country" else None
        cands.append(FakeCandidate(f"g:{i}", name, cc, admin1, None, rnd.uniform(-60, 60), rnd.uniform(-170, 170),
                                   feature, rnd.choice((0, 500, 500, 12_000, 2_000_000)),
                                   rnd.choice(("exact", "exact", "alternate", "fuzzy"))))
    # a region and towns for the document's context (country and admin1 names, anchor points)
    cands += [FakeCandidate("c:fr", "France", "FR", None, None, 46.0, 2.0, "country", 67_000_000),
              FakeCandidate("r:n", "North", "FR", "North", None, 50.0, 3.0, "region", 4_000_000),
              FakeCandidate("t:lille", "Lille", "FR", "North", None, 50.63, 3.06, "city", 230_000),
              # Lille by an alternate name: its own anchor point does not count for it
              FakeCandidate("t:lille", "Alba", "FR", "North", None, 50.63, 3.06, "city", 230_000, "alternate")]
    return FakeGazetteer(cands)


@pytest.mark.parametrize("seed", range(6))
def test_the_ranker_scores_as_the_reference_features_do(seed: int) -> None:
    gaz = _world(seed)
    text = ("Alba and Brest were hit, near Carmel, in the North region of France, not far from Lille. "
            "The city of Dover and Eden district. Alba again, and Lille, Lille.")
    rnd = random.Random(seed)
    focus = rnd.choice(({}, {"FR": 1.0}, {"FR": 1.0, "US": 0.4}, {"GB": 0.5, "BY": 1.0}))
    ctx = document_context(text, gaz)
    assert ctx.points and ctx.admin1 and ctx.countries  # the context features are exercised
    w = dict(WEIGHTS, **{k: rnd.uniform(-2, 2) for k in FEATURES if rnd.random() < 0.5})
    ranker = _Ranker(focus, ctx, w)
    keys = {(n, cue): gaz.lookup(n) for n in (*NAMES, "Lille") for cue in ("", "near", "city", "admin")}
    km = ranker.context_km(keys)
    assert context_points(ctx, "lille") != context_points(ctx, "")  # Lille's own point does not count for it
    for (name, cue), cands in keys.items():
        pm = PlaceMention(0, len(name), name, cue=cue)
        own = fold(name)
        expected = [_candidate_score(c, pm, focus, ctx, max(ranked_population(x) for x in cands), own, town_regions(cands),
                                     w, context_points(ctx, own), name_countries(cands)) for c in cands]
        assert ranker.scores(cands, cue, km.get((name, cue))) == expected, (name, cue)


def test_distance_tables_are_haversine_in_python_and_in_numpy() -> None:
    rnd = random.Random(1)
    pts = [(rnd.uniform(-89, 89), rnd.uniform(-180, 180)) for _ in range(40)]
    small = distances_km(pts[:5], pts[5:10])  # computed in Python: the same floats
    assert small == [[haversine_km(*a, *b) for b in pts[5:10]] for a in pts[:5]]
    assert len(pts) ** 2 >= places._NUMPY_PAIRS
    large = distances_km(pts, pts)
    assert all(abs(large[i][j] - haversine_km(*a, *b)) < 1e-6 for i, a in enumerate(pts) for j, b in enumerate(pts))
    assert all(large[i][i] < 1e-6 for i in range(len(pts)))
