"""Scoring rules of gold-format.md and the evaluation metrics, on hand-made gold and predictions.

Every expected figure below was computed by hand from the rules (the comments
show the working), not by running the scorer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from incidex.domain.models import Extraction
from incidex.errors import EvalError, InputError
from incidex.evaluation.casualties import FigureCase, document_figure, score_figures
from incidex.evaluation.events import SEEN_LABELS, Snippet, score_case2021
from incidex.evaluation.geoparse import CorpusStats, _fix
from incidex.evaluation.gold import GoldDoc, TextResolver, load_gold, load_gold_files, parse_record
from incidex.evaluation.score import (
    PRF,
    classification_scores,
    double_counting,
    error_stats,
    legal_key,
    neutrality_violations,
    score_casualties,
    score_document,
    score_events,
    score_framing,
    score_geo,
    score_legal,
    total,
)

from .conftest import REPO, SHARED

UZGEN = (40.770, 73.301)
KARASUU = (40.705, 72.865)  # 37 km from Uzgen: the two never match each other
TEXT = (
    "On 3 March 2024 artillery shelled Uzgen, killing 12 civilians and wounding 27. "
    "Terrorists blatantly attacked Kara-Suu on 4 March 2024; more than 20 soldiers were martyred. "
    "The parties signed an agreement. Since February, 140 civilians have been killed. "
    "This violates the Geneva Conventions, UNSC Resolution 822 (1993) and international humanitarian law."
)


def _cas(outcome: str, group: str, low: int | None, high: int | None, qualifier: str = "exact") -> dict[str, Any]:
    return {"outcome": outcome, "group": group, "low": low, "high": high, "qualifier": qualifier,
            "attributed_to": "source"}


def _gold_event(et: str, st: str, day: str | None, point: tuple[float, float] | None, cas: list[dict[str, Any]],
                evidence: str) -> dict[str, Any]:
    return {"event_date": day, "date_start": None, "date_end": None, "date_precision": "day" if day else "unknown",
            "event_type": et, "sub_type": st,
            "location": {"name": "x", "country": "KG", "lat": point[0] if point else None,
                         "lon": point[1] if point else None, "precision": "town" if point else "unknown"},
            "actors": [], "casualties": cas, "evidence": evidence, "certainty": "asserted"}


GOLD_RECORD: dict[str, Any] = {
    "id": "hand", "text": TEXT, "publication_date": "2024-03-05", "publisher": "Ministry", "stance": "party:Ardania",
    "events": [
        _gold_event("Explosions/Remote violence", "Shelling/artillery/missile attack", "2024-03-03", UZGEN,
                    [_cas("killed", "civilian", 12, 12), _cas("injured", "unknown", 27, 27)], "artillery shelled Uzgen"),
        _gold_event("Battles", "Armed clash", "2024-03-04", KARASUU,
                    [_cas("killed", "military", 21, None, "more_than")], "attacked Kara-Suu on 4 March 2024"),
        _gold_event("Strategic developments", "Agreement", None, None, [], "signed an agreement"),
    ],
    "aggregates": [{"period_start": "2024-02-01", "period_end": "2024-03-05",
                    "casualties": [_cas("killed", "civilian", 140, 140)], "evidence": "140 civilians have been killed"}],
    "legal_refs": ["Geneva Conventions 1949", "UNSC Resolution 822 (1993)", "international humanitarian law (IHL)"],
    "loaded_terms": ["terrorists", "martyred", "blatantly"],
    "notes": "",
}


@pytest.fixture()
def gold() -> GoldDoc:
    return parse_record(json.loads(json.dumps(GOLD_RECORD)), TextResolver(Path("/nonexistent")))


# -- predictions built by hand ----------------------------------------------------------------------

SPAN = {"start": 0, "end": 0, "quote": ""}


def _pcas(outcome: str, group: str, low: int | None = None, best: int | None = None,
          qualifier: str = "exact") -> dict[str, Any]:
    return {"outcome": outcome, "group": group, "low": low, "best": best, "high": best, "qualifier": qualifier,
            "text": str(best or low), "claimed_by": "Ministry", "span": SPAN}


def _pevent(i: int, et: str, st: str, day: str | None, points: list[tuple[float, float]],
            cas: list[dict[str, Any]] | None = None, summary: str = "The Ministry reports an event.") -> dict[str, Any]:
    return {"id": f"e{i}", "event_type": et, "sub_type": st, "summary": summary,
            "date": {"start": day, "end": day, "precision": "day" if day else "unknown"},
            "locations": [{"name": f"p{k}", "name_as_written": f"p{k}", "lat": lat, "lon": lon}
                          for k, (lat, lon) in enumerate(points)],
            "casualties": cas or [], "claimed_by": "Ministry"}


def _extraction(events: list[dict[str, Any]], aggregates: list[dict[str, Any]] | None = None,
                legal: list[tuple[str, str | None, str]] | None = None, framing: list[str] | None = None) -> Extraction:
    return Extraction.model_validate({
        "schema": "incidex/1",
        "document": {"id": "d"},
        "events": events,
        "aggregates": aggregates or [],
        "legal_references": [{"instrument": i, "identifier": n, "kind": k, "span": SPAN} for i, n, k in legal or []],
        "framing": [{"term": t, "category": "loaded_label", "neutral_alternative": "-", "span": SPAN}
                    for t in framing or []],
    })


def perfect() -> Extraction:
    return _extraction(
        [
            _pevent(1, "Explosions/Remote violence", "Shelling/artillery/missile attack", "2024-03-03",
                    [(40.771, 73.300)], [_pcas("killed", "civilian", 12, 12), _pcas("injured", "unknown", 27, 27)],
                    summary="The Ministry says “terrorists” shelled Uzgen."),
            _pevent(2, "Battles", "Armed clash", "2024-03-04", [KARASUU],
                    [_pcas("killed", "military", 21, None, "more_than")]),
            _pevent(3, "Strategic developments", "Agreement", None, []),
        ],
        aggregates=[{"casualties": [_pcas("killed", "civilian", 140, 140)], "claimed_by": "Ministry"}],
        legal=[("Geneva Conventions", None, "instrument"), ("UN Security Council Resolution", "822", "instrument"),
               ("international humanitarian law", None, "body_of_law")],
        framing=["Terrorists", "martyred", "blatantly"],
    )


def mixed() -> Extraction:
    return _extraction(
        [
            # matches gold 1: date one day late (tolerated), 16.7 km from Uzgen
            _pevent(1, "Explosions/Remote violence", "Shelling/artillery/missile attack", "2024-03-04",
                    [(40.92, 73.301)], [_pcas("killed", "civilian", 12, 12), _pcas("injured", "civilian", 27, 27)],
                    summary="The Ministry says “martyred” civilians died."),
            # right place, two days late: no event match; its "20" matches gold "more than 20" (21 ± 1)
            _pevent(2, "Battles", "Armed clash", "2024-03-06", [KARASUU], [_pcas("killed", "military", 20, 20)]),
            # right type and day, 280 km away (Bishkek); carries the aggregate's 140 as an event casualty
            _pevent(3, "Battles", "Armed clash", "2024-03-04", [(42.87, 74.59)], [_pcas("killed", "unknown", 140, 140)]),
            # matches gold 3 (no date, no coordinates); its summary uses a loaded word outside quotes
            _pevent(4, "Strategic developments", "Agreement", None, [],
                    summary="The Ministry says terrorist groups signed an agreement."),
        ],
        legal=[("UN Security Council Resolution", "822", "instrument"), ("war crimes", None, "accusation")],
        framing=["terrorist", "Terrorist", "heroic"],
    )


def _f(p: PRF) -> tuple[int, int, int, float, float, float]:
    return p.tp, p.fp, p.fn, round(p.precision, 4), round(p.recall, 4), round(p.f1, 4)


def test_perfect_prediction_scores_one_everywhere(gold: GoldDoc) -> None:
    d = score_document(gold, perfect())
    for m, s in d.scores.items():
        assert (s.prf.precision, s.prf.recall, s.prf.f1) == (1.0, 1.0, 1.0), (m, s)
        assert not s.missed and not s.spurious
    assert d.scores["geo"].prf.tp == 2  # two gold points with coordinates
    assert d.scores["event"].prf.tp == 3
    assert d.scores["casualty"].prf.tp == 4  # 12, 27, more than 20, aggregate 140
    assert d.scores["legal"].prf.tp == 3
    assert d.scores["framing"].prf.tp == 3
    assert d.neutrality == () and d.double_counting == ()  # “terrorists” is quoted


def test_empty_prediction_scores_zero_and_lists_every_miss(gold: GoldDoc) -> None:
    d = score_document(gold, _extraction([]))
    expected_fn = {"geo": 2, "event": 3, "casualty": 4, "legal": 3, "framing": 3}
    for m, s in d.scores.items():
        assert _f(s.prf) == (0, 0, expected_fn[m], 0.0, 0.0, 0.0), m
        assert len(s.missed) == expected_fn[m] and not s.spurious
    assert d.neutrality == () and d.double_counting == ()


def test_mixed_prediction_hand_computed(gold: GoldDoc) -> None:
    pred = mixed()
    # geo: gold {Uzgen, Kara-Suu}; predicted {16.7 km from Uzgen, Kara-Suu, Bishkek}: tp 2, fp 1, fn 0
    assert _f(score_geo(gold, pred).prf) == (2, 1, 0, 0.6667, 1.0, 0.8)
    # events: e1-gold1, e4-gold3; gold2 unmatched (e2 two days late, e3 280 km away): P 2/4, R 2/3, F1 4/7
    ev = score_events(gold, pred)
    assert _f(ev.prf) == (2, 2, 1, 0.5, 0.6667, 0.5714)
    assert ev.missed[0].startswith("Battles / Armed clash")
    # casualties: 12 civ, 27 (gold unknown takes civilian), 21~20 (more_than ±1); 140 unknown vs gold civilian
    assert _f(score_casualties(gold, pred).prf) == (3, 1, 1, 0.75, 0.75, 0.75)
    # legal: keys {Geneva Conventions, UNSC 822, IHL} vs {UNSC 822, war crimes}
    lg = score_legal(gold, pred)
    assert _f(lg.prf) == (1, 1, 2, 0.5, 0.3333, 0.4)
    assert lg.spurious == ("war crimes",)
    # framing: "terrorist" ⊂ "terrorists"; "Terrorist" is the same term; "heroic" is not in the gold
    assert _f(score_framing(gold, pred).prf) == (1, 1, 2, 0.5, 0.3333, 0.4)
    nv = neutrality_violations(gold, pred)
    assert len(nv) == 1 and nv[0].startswith("e4: terrorist")
    dc = double_counting(gold, pred)
    assert len(dc) == 1 and dc[0].startswith("e3: killed")


def test_totals_are_micro_averaged(gold: GoldDoc) -> None:
    t = total([score_document(gold, perfect()), score_document(gold, _extraction([]))])
    # events: tp 3 + 0, fn 0 + 3 -> P 1, R 0.5
    assert _f(t.prf["event"]) == (3, 0, 3, 1.0, 0.5, 0.6667)
    assert t.documents == 2 and t.neutrality == 0


def test_event_without_date_cannot_match_a_dated_gold_event(gold: GoldDoc) -> None:
    pred = _extraction([_pevent(1, "Battles", "Armed clash", None, [KARASUU])])
    assert score_events(gold, pred).prf.tp == 0


def test_casualty_group_and_up_to() -> None:
    rec = json.loads(json.dumps(GOLD_RECORD))
    rec["events"] = [_gold_event("Battles", "Armed clash", None, None, [_cas("injured", "unknown", None, 40, "up_to")],
                                 "signed an agreement")]
    rec["aggregates"] = []
    g = parse_record(rec, TextResolver(Path("/nonexistent")))
    up_to = _pcas("injured", "unknown", None, None, "up_to")
    up_to["high"] = 40
    pred = _extraction([_pevent(1, "Battles", "Armed clash", None, [], [up_to])])
    assert score_casualties(g, pred).prf.tp == 1  # gold figure of "up to 40" is its high


@pytest.mark.parametrize(("ref", "key"), [
    ("UNSC Resolution 853 (1993)", "UNSC 853"),
    ("UN Security Council Resolution 822", "UNSC 822"),
    ("Additional Protocols to the Geneva Conventions", "Additional Protocols"),
    ("Geneva Conventions (Common Article 3)", "Geneva Conventions"),
    ("international humanitarian law (IHL)", "international humanitarian law"),
    ("trilateral ceasefire statement of 10 November 2020 (Azerbaijan, Armenia, Russia)",
     "ceasefire agreement or statement"),
    ("Fergana Humanitarian Pause Agreement (2024)", "ceasefire agreement or statement"),
    ("Genocide Convention", "genocide"),
    ("international law", "international law"),
    ("Convention against Torture", "convention against torture"),
])
def test_legal_keys(ref: str, key: str) -> None:
    assert legal_key(ref) == key


def test_prf_conventions() -> None:
    assert _f(PRF()) == (0, 0, 0, 1.0, 1.0, 1.0) and PRF().empty
    assert _f(PRF(0, 2, 0)) == (0, 2, 0, 0.0, 0.0, 0.0)  # only one side empty: 0
    assert PRF(1, 2, 3) + PRF(1, 0, 0) == PRF(2, 2, 3)


# -- geocoding error statistics -------------------------------------------------------------------

def test_error_stats_by_hand() -> None:
    s = error_stats([200.0, 0.0, 20039.0, 100.0])
    assert s.n == 4 and s.acc_161 == 0.5  # 0 and 100 are within 161 km
    assert s.mean_km == pytest.approx(5084.75)
    assert s.median_km == pytest.approx(150.0)
    # sorted ln(1+e) = 0, 4.61512, 5.30330, 9.90549; trapezoids 2.30756 + 4.95921 + 7.60440 = 14.87117;
    # divided by ln(20039) * (n - 1) = 9.90544 * 3 = 29.71631
    assert s.auc == pytest.approx(0.50044, abs=1e-4)
    assert error_stats([0.0, 0.0]).auc == 0.0
    assert error_stats([20039.0, 20039.0]).auc == pytest.approx(1.0, abs=1e-5)
    assert error_stats([]).n == 0


# -- classification -------------------------------------------------------------------------------

def test_classification_scores_by_hand() -> None:
    gold = ["A", "A", "B", "B", "C"]
    pred = ["A", "B", "B", "none", "C"]
    s = classification_scores(gold, pred, ["A", "B", "C"])
    # A: P 1/1 R 1/2 F1 2/3; B: P 1/2 R 1/2 F1 1/2; C: F1 1; "none" is nobody's false positive
    assert s.per_label["B"] == PRF(1, 1, 1)
    assert s.weighted_f1 == pytest.approx((2 * 2 / 3 + 2 * 0.5 + 1) / 5)
    assert s.macro_f1 == pytest.approx((2 / 3 + 0.5 + 1) / 3)
    assert s.accuracy == pytest.approx(0.6)


def test_classification_agrees_with_scikit_learn() -> None:
    from sklearn.metrics import f1_score

    gold = ["A", "B", "C", "A", "B", "C", "A", "A", "B", "none"]
    pred = ["A", "C", "C", "none", "B", "A", "A", "B", "B", "A"]
    labels = ["A", "B", "C"]
    s = classification_scores(gold, pred, labels)
    assert s.weighted_f1 == pytest.approx(f1_score(gold, pred, labels=labels, average="weighted", zero_division=0))
    assert s.macro_f1 == pytest.approx(f1_score(gold, pred, labels=labels, average="macro", zero_division=0))


def test_case2021_unseen_types_count_none_as_correct() -> None:
    snippets = [Snippet("1", "t", "AIR_STRIKE"), Snippet("2", "t", "ARMED_CLASH"), Snippet("3", "t", "DIPLO"),
                Snippet("4", "t", "DIPLO"), Snippet("5", "t", "NATURAL_DISASTER")]
    pred = ["Air/drone strike", "Attack", "none", "Agreement", "none"]
    r = score_case2021(snippets, pred)
    assert r.seen.n == 2 and r.seen.accuracy == 0.5
    assert r.unseen == {"DIPLO": (2, 1), "NATURAL_DISASTER": (1, 1)}
    assert r.unseen_none_rate == pytest.approx(2 / 3)
    assert r.all_types.accuracy == pytest.approx(3 / 5)
    assert ("DIPLO", "Agreement", 1) in r.confusions and ("Armed clash", "Attack", 1) in r.confusions
    assert len(SEEN_LABELS) == 25


# -- casualty figures -----------------------------------------------------------------------------

def test_document_figure_and_exact_match() -> None:
    two_events = _extraction([
        _pevent(1, "Battles", "Armed clash", None, [], [_pcas("killed", "unknown", 40, 40),
                                                        _pcas("killed", "military", 5, 5)]),  # 5 of the 40
        _pevent(2, "Battles", "Armed clash", None, [], [_pcas("killed", "unknown", 3, 3)]),
    ])
    assert document_figure(two_events, "killed") == 43
    assert document_figure(two_events, "injured") is None
    with_total = _extraction([], aggregates=[{"casualties": [_pcas("killed", "unknown", 100, 100)],
                                              "claimed_by": "x"}])
    assert document_figure(with_total, "killed") == 100
    cases = [FigureCase("a", "43 died", None, {"killed": 43, "injured": 0}),
             FigureCase("b", "a hundred died", None, {"killed": 99, "injured": 2})]
    s = score_figures(cases, [two_events, with_total], ("killed", "injured"))
    assert (s["killed"].n, s["killed"].exact, s["killed"].in_text_n, s["killed"].in_text_exact) == (2, 1, 1, 1)
    # no injured figure anywhere: counted as 0, right for "a", wrong for "b"
    assert (s["injured"].exact, s["injured"].no_figure) == (1, 2)
    # "over 80" is low 81 in incidex/1; a list of tolls states 80
    over = _extraction([_pevent(1, "Battles", "Armed clash", None, [], [_pcas("killed", "unknown", 81, None, "more_than")])])
    assert document_figure(over, "killed") == 80


# -- geoparse offsets -----------------------------------------------------------------------------

def test_gold_offsets_are_repaired_or_dropped() -> None:
    st = CorpusStats()
    text = "Farms in Pandi, Bulacan."
    assert _fix(text, 9, 14, "Pandi", st) == (9, 14)
    assert _fix(text, 10, 15, "Pandi", st) == (9, 14)  # GeoVirus: one off
    assert _fix(text, -3, 2, "Pandi", st) is None
    assert _fix(text, 0, 5, "Manila", st) is None
    assert (st.repaired, st.dropped) == (1, 2)


# -- the gold loader ------------------------------------------------------------------------------

def _write(path: Path, records: list[Any]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def _ref_record(i: str, ref: dict[str, Any], evidence: str) -> dict[str, Any]:
    return {"id": i, "text_ref": ref, "publication_date": None, "publisher": None, "stance": "neutral",
            "events": [_gold_event("Battles", "Armed clash", None, None, [], evidence)], "aggregates": [],
            "legal_refs": [], "loaded_terms": []}


def test_text_ref_is_resolved_from_the_shared_folder(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    (shared / "data").mkdir(parents=True)
    (shared / "data" / "t.csv").write_text("id,headline\n7,Clashes in Dhaka\n8,Other\n", encoding="utf-8")
    (shared / "data" / "t.jsonl").write_text('{"id": 1, "D": "A bomb in Kabul"}\n', encoding="utf-8")
    (shared / "whole.txt").write_text("Whole file.\n", encoding="utf-8")
    f = _write(tmp_path / "g.jsonl", [
        _ref_record("a", {"path": "data/t.csv", "key": "id", "value": "7", "field": "headline"}, "Clashes"),
        _ref_record("b", {"path": "data/t.jsonl", "key": "id", "value": 1, "field": "D"}, "bomb in Kabul"),
        _ref_record("c", {"path": "whole.txt"}, "Whole file.\n"),
        _ref_record("d", {"path": "data/absent.csv", "key": "id", "value": "1", "field": "x"}, "x"),
    ])
    gs = load_gold(f, shared=shared)
    assert [d.text for d in gs.docs] == ["Clashes in Dhaka", "A bomb in Kabul", "Whole file.\n"]
    assert len(gs.warnings) == 1 and "g.jsonl:4: skipped" in gs.warnings[0]


@pytest.mark.parametrize(("mutate", "needle"), [
    (lambda r: r.pop("stance"), "missing key 'stance'"),
    (lambda r: r["events"][0].update(evidence="not in the text"), "verbatim"),
    (lambda r: r["events"][0].update(sub_type="Attack"), "does not belong"),
    (lambda r: r["events"][0]["casualties"].append(_cas("killed", "civilian", 3, 4)), "exact figure"),
    (lambda r: r["events"][0].update(event_date="3 March"), "ISO date"),
    (lambda r: r["loaded_terms"].append("heroic"), "does not occur"),
])
def test_invalid_gold_names_file_and_line(tmp_path: Path, mutate: Any, needle: str) -> None:
    bad = json.loads(json.dumps(GOLD_RECORD))
    mutate(bad)
    ok = dict(json.loads(json.dumps(GOLD_RECORD)), id="ok")
    f = _write(tmp_path / "bad.jsonl", [ok, "", bad])
    with pytest.raises(EvalError) as e:
        load_gold(f)
    assert e.value.code == "E501" and "bad.jsonl: line 3" in e.value.message and needle in e.value.message


def test_broken_json_duplicate_ids_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="line 1: .*not JSON"):
        load_gold(_write(tmp_path / "a.jsonl", ["{nope"]))
    with pytest.raises(EvalError, match="line 2: .*duplicate id 'hand'"):
        load_gold(_write(tmp_path / "b.jsonl", [GOLD_RECORD, GOLD_RECORD]))
    with pytest.raises(InputError):
        load_gold(tmp_path / "none.jsonl")


@pytest.mark.data
def test_the_development_gold_loads_and_validates() -> None:
    if not (SHARED / "data").exists():
        pytest.fail(f"../shared/data is missing at {SHARED}")
    gs = load_gold_files([REPO / "eval/gold/dev_shared.jsonl", REPO / "eval/gold/demo.jsonl"])
    assert len(gs.docs) == 78 and gs.warnings == []
    assert sum(len(d.events) for d in gs.docs) == 130


def test_case2021_seen_types_score_the_best_of_the_25_and_report_the_open_answer_beside_it() -> None:
    snippets = [Snippet("1", "t", "AIR_STRIKE"), Snippet("2", "t", "ARMED_CLASH"), Snippet("3", "t", "DIPLO")]
    pred = ["Air/drone strike", "none", "none"]
    closed = ["Air/drone strike", "Armed clash", "Agreement"]
    r = score_case2021(snippets, pred, closed=closed)
    assert r.seen.accuracy == 1.0  # subtask 1: the best of the 25 for the snippets of a seen type
    assert r.seen_open is not None and r.seen_open.accuracy == 0.5  # "none" is a miss there
    assert r.all_types.accuracy == 2 / 3  # the open answers: "none" is right for DIPLO
    assert r.as_dict()["seen_none_allowed"]["accuracy"] == 0.5
