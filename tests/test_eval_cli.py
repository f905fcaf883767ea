"""`incidex eval ...` on small slices of the real data: each command runs and reports sane metrics.

In-process (Typer's CliRunner), so the spaCy model, the gazetteer and the
classifier load once for the whole module. Values are checked for shape and
range, and counts against the gold they come from, never against timings.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from incidex.cli.main import app
from incidex.evaluation.gold import load_gold_files

from .conftest import REPO, SHARED

pytestmark = [pytest.mark.slow, pytest.mark.data]

DEV = REPO / "eval/gold/dev_shared.jsonl"
DEMO = REPO / "eval/gold/demo.jsonl"
CASE = SHARED / "data/case2021_task2/test_set_final_release_with_labels.tsv"


@pytest.fixture(scope="module", autouse=True)
def _shared_data() -> None:
    if not (SHARED / "data").exists():
        pytest.fail(f"../shared/data is missing at {SHARED}; CI must run with ../shared beside the repo")


def run(*args: str) -> Any:
    res = CliRunner().invoke(app, ["eval", *args])
    assert res.exit_code == 0, (res.output, res.exception)
    return res


def run_json(*args: str) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(run(*args, "--json").stdout)
    return out


def _share(x: float) -> bool:
    return 0.0 <= x <= 1.0


def _check_prf(d: dict[str, Any]) -> None:
    assert {"tp", "fp", "fn", "precision", "recall", "f1"} <= d.keys()
    assert min(d["tp"], d["fp"], d["fn"]) >= 0
    assert _share(d["precision"]) and _share(d["recall"]) and _share(d["f1"])


def test_eval_extract_on_a_slice_of_both_gold_files(tmp_path: Path) -> None:
    report = tmp_path / "misses.md"
    data = run_json("extract", "--gold", str(DEV), "--gold", str(DEMO), "--limit", "2", "--report", str(report))
    gold = load_gold_files([DEV, DEMO], limit=2).docs
    assert data["documents"] == 4 and [d["id"] for d in data["per_document"]] == [g.id for g in gold]
    for m in ("geo", "event", "casualty", "legal", "framing"):
        _check_prf(data["overall"][m])
    # every gold item is either found or missed
    assert data["overall"]["event"]["tp"] + data["overall"]["event"]["fn"] == sum(len(g.events) for g in gold)
    n_cas = sum(len(e.casualties) for g in gold for e in (*g.events, *g.aggregates))
    assert data["overall"]["casualty"]["tp"] + data["overall"]["casualty"]["fn"] == n_cas
    assert data["neutrality_violations"] >= 0 and data["double_counting"] >= 0
    # the seed statement is the showcase: the pipeline finds most of its events
    assert data["per_document"][0]["id"] == "seed" and data["per_document"][0]["event"]["f1"] >= 0.5
    text = report.read_text(encoding="utf-8")
    assert "## `seed`" in text and "| event |" in text


def test_eval_extract_table_and_bad_gold(tmp_path: Path) -> None:
    out = run("extract", "--gold", str(DEMO), "--limit", "1").stdout
    assert "casualty" in out and "neutrality violations" in out
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n', encoding="utf-8")
    res = CliRunner().invoke(app, ["eval", "extract", "--gold", str(bad)])
    assert res.exit_code == 2 and "error [E501]" in res.output and "line 1" in res.output


@pytest.mark.parametrize("corpus", ["lgl", "trnews", "gwn", "geovirus", "wiktor"])
def test_eval_geoparse_resolve(corpus: str) -> None:
    d = run_json("geoparse", "--corpus", corpus, "--limit", "3")
    assert d["mode"] == "resolve" and d["documents"] == 3 and d["gold_toponyms"] > 0
    assert d["n"] == d["gold_toponyms"] and 0 <= d["located"] <= d["gold_toponyms"]
    for k in ("acc_161", "coverage", "auc"):
        assert _share(d[k]), k
    assert 0 <= d["median_km"] <= 20039 and 0 <= d["mean_km"] <= 20039
    assert _share(d["population_baseline"]["acc_161"])
    assert d["test_set"] is (corpus in ("lgl", "trnews", "gwn"))


def test_eval_geoparse_end_to_end() -> None:
    d = run_json("geoparse", "--corpus", "geovirus", "--mode", "end-to-end", "--limit", "3")
    _check_prf(d["recognition"])
    assert d["recognition"]["tp"] == d["located"] == d["n"]
    assert d["recognition"]["tp"] + d["recognition"]["fn"] == d["gold_toponyms"] > 0
    assert _share(d["acc_161"]) and _share(d["auc"])
    # every miss has one cause
    assert sum(d.get("recognition_misses", {}).values()) == d["recognition"]["fn"]
    out = run("geoparse", "--corpus", "lgl", "--limit", "2").stdout
    assert "acc@161 km" in out and "coverage" in out


def test_eval_events_on_case2021_slice() -> None:
    d = run_json("events", "--case2021", str(CASE), "--limit", "40")
    assert d["snippets"] == 40 and d["seen"]["snippets"] + d["unseen"]["snippets"] == 40
    for k in ("weighted_f1", "macro_f1", "accuracy"):
        assert _share(d["seen"][k]) and _share(d["all_types"][k])
    assert len(d["seen"]["per_label"]) == 25
    assert _share(d["unseen"]["none_rate"])
    assert all(c["gold"] != c["predicted"] and c["count"] > 0 for c in d["confusions"])


def test_eval_casualties_slice() -> None:
    d = run_json("casualties", "--limit", "10")
    for part, outcomes in (("wiki_terror_incidents", ("killed", "injured")), ("ucdp_ged_headlines", ("killed",))):
        for o in outcomes:
            s = d[part][o]
            assert s["n"] == 10 and 0 <= s["exact"] <= 10 and _share(s["exact_rate"])
            assert 0 <= s["in_text_exact"] <= s["in_text_n"] <= 10


def test_eval_report_writes_the_page(tmp_path: Path) -> None:
    page = tmp_path / "EVALUATION.md"
    run("report", "--out", str(page), "--limit", "2")
    text = page.read_text(encoding="utf-8")
    assert "Partial run" in text and "commit" in text
    for needle in ("Mordecai3", "CamCoder", "0.839", "acc@161", "weighted F1", "neutrality violations",
                   "WikToR", "CASE 2021", "incidex eval events-dev"):
        assert needle in text, needle


def test_eval_events_dev_written_set() -> None:
    d = run_json("events-dev", "--set", "written")
    (s,) = d["sets"]
    assert s["set"] == "written" and s["snippets"] == 400 and s["events"]["snippets"] == 350
    assert _share(s["events"]["weighted_f1"]) and _share(s["all_types"]["weighted_f1"])
    assert all(c["gold"] != c["predicted"] and c["count"] > 0 for c in s["confusions"])
