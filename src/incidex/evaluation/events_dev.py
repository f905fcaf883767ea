"""`incidex eval events --dev`: the classifier on its development sets.

Three sets (``eval/events_dev/README.md`` says how each was made):

- ``written``: 400 snippets written for the project, balanced over the 25 sub-types;
- ``news``: 640 written news-style snippets in a natural class distribution;
- ``real``: real text, labelled for the project: UCDP GED source headlines and the Wikipedia incident
  descriptions in ``../shared/data``. The label files hold keys, not text (the data stay where they are):
  ``ucdp:<event id>:<k>`` is the k-th ";"-separated headline of that UCDP event, ``wiki:<id>`` an incident's
  description.

Scored like CASE 2021 (`events.py`): weighted F1 over the 25 sub-types on the snippets labelled with one (the
best of the 25, as in CASE's subtask 1; the pipeline's own answer, where "none" is a miss, beside it), and over
all snippets with "none" as a 26th class. These are the sets
the classifier is tuned on; CASE 2021 stays a test set.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from incidex.domain.taxonomy import SUB_TYPES
from incidex.errors import Codes, EvalError
from incidex.evaluation.events import NONE, SEEN_LABELS, answers
from incidex.evaluation.paths import REPO, data_path
from incidex.evaluation.score import ClassScores, classification_scores

DEV_DIR = REPO / "eval" / "events_dev"
DEV_SETS: dict[str, tuple[str, ...]] = {
    "written": ("events_dev.jsonl",),
    "news": ("events_dev_news.jsonl",),
    "real": ("real_ucdp_a.jsonl", "real_ucdp_b.jsonl", "real_wiki.jsonl"),
}
LABELS = frozenset(SUB_TYPES) | {NONE}


@dataclass(frozen=True)
class DevSnippet:
    id: str
    text: str
    sub_type: str
    unsure: bool = False


@lru_cache(maxsize=1)
def ucdp_headlines() -> dict[str, str]:
    """``ucdp:<id>:<k>`` -> headline: each ";"-separated piece of a source headline, the first time its
    text occurs in the file. Read once per process: the real set's two UCDP files both ask."""
    path = data_path("ucdp_ged_sample", "ged191_MMR_BGD.csv")
    seen: set[str] = set()
    out: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            for k, piece in enumerate(x.strip() for x in (row.get("source_headline") or "").split(";")):
                if piece and piece not in seen:
                    seen.add(piece)
                    out[f"ucdp:{row['id']}:{k}"] = piece
    return out


@lru_cache(maxsize=1)
def wiki_descriptions() -> dict[str, str]:
    path = data_path("wiki_terror_incidents", "incidents.jsonl")
    out: dict[str, str] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                obj = json.loads(line)
                out[f"wiki:{obj['id']}"] = obj.get("Description") or ""
    return out


def _texts(keys: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    if any(k.startswith("ucdp:") for k in keys):
        out.update(ucdp_headlines())
    if any(k.startswith("wiki:") for k in keys):
        out.update(wiki_descriptions())
    return out


def read_dev(path: Path) -> list[DevSnippet]:
    """One label file: records with ``text`` (written sets) or a ``key`` into the shared data (real set)."""
    if not path.is_file():
        raise EvalError(Codes.E502, path=str(path))
    rows: list[tuple[int, dict[str, Any]]] = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise EvalError(Codes.E501, path=str(path), line=n, detail=f"not JSON: {e.msg}") from None
            if obj.get("sub_type") not in LABELS:
                raise EvalError(Codes.E501, path=str(path), line=n, detail=f"unknown label {obj.get('sub_type')!r}")
            rows.append((n, obj))
    texts = _texts([o["key"] for _, o in rows if "key" in o])
    out: list[DevSnippet] = []
    for n, obj in rows:
        text = obj.get("text")
        if text is None:
            text = texts.get(obj.get("key", ""))
            if text is None:
                raise EvalError(Codes.E501, path=str(path), line=n, detail=f"no text for key {obj.get('key')!r}")
        out.append(DevSnippet(id=obj["id"], text=text, sub_type=obj["sub_type"], unsure=bool(obj.get("unsure"))))
    return out


def read_dev_set(name: str) -> list[DevSnippet]:
    if name not in DEV_SETS:
        raise ValueError(f"unknown development set {name!r}; choose one of {', '.join(DEV_SETS)}")
    return [s for f in DEV_SETS[name] for s in read_dev(DEV_DIR / f)]


@dataclass
class DevEval:
    name: str
    snippets: int
    events: ClassScores  # the 25 sub-types, on snippets labelled with one: the best of the 25
    all_types: ClassScores  # every snippet, "none" as a 26th class
    confusions: list[tuple[str, str, int]] = field(default_factory=list)
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # id, gold, predicted
    events_open: ClassScores | None = None  # the same snippets, the pipeline's answer ("none" a miss)

    def as_dict(self) -> dict[str, Any]:
        return {"set": self.name, "snippets": self.snippets,
                "events": {"snippets": self.events.n, "weighted_f1": round(self.events.weighted_f1, 4),
                           "macro_f1": round(self.events.macro_f1, 4), "accuracy": round(self.events.accuracy, 4)},
                "events_none_allowed": None if self.events_open is None else {
                    "weighted_f1": round(self.events_open.weighted_f1, 4),
                    "accuracy": round(self.events_open.accuracy, 4)},
                "all_types": {"snippets": self.all_types.n, "weighted_f1": round(self.all_types.weighted_f1, 4),
                              "accuracy": round(self.all_types.accuracy, 4)},
                "confusions": [{"gold": g, "predicted": p, "count": c} for g, p, c in self.confusions]}


def score_dev(name: str, snippets: list[DevSnippet], predicted: list[str], top: int = 15,
              closed: list[str] | None = None) -> DevEval:
    """``closed``: the best of the 25 sub-types for each snippet, scored on the event snippets (else
    ``predicted`` is)."""
    gold = [s.sub_type for s in snippets]
    idx = [i for i, g in enumerate(gold) if g != NONE]
    events_open = classification_scores([gold[i] for i in idx], [predicted[i] for i in idx], SEEN_LABELS)
    events = events_open if closed is None else classification_scores([gold[i] for i in idx],
                                                                      [closed[i] for i in idx], SEEN_LABELS)
    all_types = classification_scores(gold, predicted, (*SEEN_LABELS, NONE))
    conf = Counter((g, p) for g, p in zip(gold, predicted, strict=True) if g != p)
    errors = [(s.id, s.sub_type, p) for s, p in zip(snippets, predicted, strict=True) if s.sub_type != p]
    return DevEval(name=name, snippets=len(snippets), events=events, all_types=all_types,
                   confusions=[(g, p, c) for (g, p), c in conf.most_common(top)], errors=errors,
                   events_open=events_open)


def evaluate_dev(name: str, limit: int | None = None) -> DevEval:
    """``limit``: the set's first snippets only."""
    snippets = read_dev_set(name)[:limit]
    predicted, closed = answers([s.text for s in snippets])
    return score_dev(name, snippets, predicted, closed=closed)
