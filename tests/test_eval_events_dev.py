"""The classifier's development sets: the real-text set's keys resolve into ../shared/data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from incidex.errors import EvalError
from incidex.evaluation.events_dev import LABELS, read_dev, read_dev_set, score_dev

from .conftest import SHARED

pytestmark = pytest.mark.data


@pytest.fixture(scope="module", autouse=True)
def _shared_data() -> None:
    if not (SHARED / "data").exists():
        pytest.fail(f"../shared/data is missing at {SHARED}; CI must run with ../shared beside the repo")


def test_real_set_resolves_every_key() -> None:
    snippets = read_dev_set("real")
    assert len(snippets) == 711 + 324
    assert len({s.id for s in snippets}) == len(snippets)
    assert all(s.sub_type in LABELS and s.text.strip() for s in snippets)
    # the texts come from the shared data, keyed: the first UCDP piece and a Wikipedia description
    by_id = {s.id: s for s in snippets}
    assert by_id["real-wiki-0001"].text.startswith("Around 20 gunmen attacked the village of Nogolait")


def test_a_bad_key_or_label_names_the_file_and_line(tmp_path: Path) -> None:
    f = tmp_path / "bad.jsonl"
    f.write_text(json.dumps({"id": "x1", "key": "wiki:0", "sub_type": "Attack"}) + "\n"
                 + json.dumps({"id": "x2", "key": "wiki:999999", "sub_type": "Attack"}) + "\n", encoding="utf-8")
    with pytest.raises(EvalError) as e:
        read_dev(f)
    assert "bad.jsonl" in str(e.value) and "wiki:999999" in str(e.value)
    f.write_text(json.dumps({"id": "x1", "text": "t", "sub_type": "Battle"}) + "\n", encoding="utf-8")
    with pytest.raises(EvalError) as e:
        read_dev(f)
    assert "'Battle'" in str(e.value)


def test_score_dev_counts_none_as_a_miss_on_events() -> None:
    snippets = read_dev_set("written")[:3]
    gold = [s.sub_type for s in snippets]
    r = score_dev("written", snippets, ["none", *gold[1:]])
    assert r.events.n == 3 and round(r.events.accuracy, 4) == round(2 / 3, 4)
    assert r.errors == [(snippets[0].id, gold[0], "none")]


def test_score_dev_scores_the_best_of_the_25_on_events_and_keeps_the_open_answer() -> None:
    snippets = read_dev_set("written")[:3]
    gold = [s.sub_type for s in snippets]
    r = score_dev("written", snippets, ["none", *gold[1:]], closed=gold)
    assert r.events.accuracy == 1.0
    assert r.events_open is not None and round(r.events_open.accuracy, 4) == round(2 / 3, 4)
