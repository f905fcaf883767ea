"""`incidex eval events`: ACLED sub-type classification on the CASE 2021 Task 2 test set.

Each snippet goes to the pipeline's classifier (``classify_many``); its
sub-type is compared with the snippet's CASE label mapped to an ACLED sub-type
by the one table below. Weighted and macro F1 are computed over the 25 seen
(ACLED) types on the snippets that carry one, as in the task's subtask 1: the
snippet is known to report an event, and the answer is the best of the 25
sub-types (``Classification.closed``). The pipeline's own answer, which may be
"none" (then a miss), is reported beside it (``seen_open``). The unseen types
(natural and man-made disasters, organised crime, diplomacy, attribution) have
no ACLED sub-type: for them "none" counts as correct, and they are reported
separately, as is the figure over all snippets with "none" as a 26th class
(the pipeline's own answers).

CASE 2021 is a test set: report only, never tune on it.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from incidex.domain.taxonomy import SUB_TYPES
from incidex.errors import Codes, EvalError
from incidex.evaluation.score import ClassScores, classification_scores

NONE = "none"

# CASE 2021 Task 2 label -> ACLED sub-event type; ``None`` for the unseen (non-ACLED) types
CASE_TO_ACLED: dict[str, str | None] = {
    "ABDUCT_DISSAP": "Abduction/forced disappearance",
    "AGREEMENT": "Agreement",
    "AIR_STRIKE": "Air/drone strike",
    "ARMED_CLASH": "Armed clash",
    "ARREST": "Arrests",
    "ART_MISS_ATTACK": "Shelling/artillery/missile attack",
    "ATTACK": "Attack",
    "CHANGE_TO_GROUP_ACT": "Change to group/activity",
    "CHEM_WEAP": "Chemical weapon",
    "DISR_WEAP": "Disrupted weapons use",
    "FORCE_AGAINST_PROTEST": "Excessive force against protesters",
    "GOV_REGAINS_TERIT": "Government regains territory",
    "GRENADE": "Grenade",
    "HQ_ESTABLISHED": "Headquarters or base established",
    "MOB_VIOL": "Mob violence",
    "NON_STATE_ACTOR_OVERTAKES_TER": "Non-state actor overtakes territory",
    "NON_VIOL_TERRIT_TRANSFER": "Non-violent transfer of territory",
    "OTHER": "Other",
    "PEACE_PROTEST": "Peaceful protest",
    "PROPERTY_DISTRUCT": "Looting/property destruction",
    "PROTEST_WITH_INTER": "Protest with intervention",
    "REM_EXPLOS": "Remote explosive/landmine/IED",
    "SEX_VIOL": "Sexual violence",
    "SUIC_BOMB": "Suicide bomb",
    "VIOL_DEMONSTR": "Violent demonstration",
    "NATURAL_DISASTER": None,
    "MAN_MADE_DISASTER": None,
    "ORG_CRIME": None,
    "DIPLO": None,
    "ATTRIB": None,
}
SEEN_LABELS: tuple[str, ...] = tuple(sorted(v for v in CASE_TO_ACLED.values() if v is not None))
UNSEEN_CASE: tuple[str, ...] = tuple(k for k, v in CASE_TO_ACLED.items() if v is None)
assert set(SEEN_LABELS) == set(SUB_TYPES), "the CASE table must cover exactly the 25 ACLED sub-types"


@dataclass(frozen=True)
class Snippet:
    id: str
    text: str
    label: str  # the CASE label as in the file


def read_case2021(path: Path, limit: int | None = None) -> list[Snippet]:
    """The TSV (``id``, ``EventSnippet``, ``SubType``); the first ``limit`` rows when given."""
    if not path.is_file():
        raise EvalError(Codes.E502, path=str(path))
    out: list[Snippet] = []
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = {"id", "EventSnippet", "SubType"} - set(reader.fieldnames or ())
        if missing:
            raise EvalError(Codes.E501, path=str(path), line=1, detail=f"missing columns {sorted(missing)}")
        for n, row in enumerate(reader, 2):
            if limit is not None and len(out) >= limit:
                break
            label = (row["SubType"] or "").strip()
            if label not in CASE_TO_ACLED:
                raise EvalError(Codes.E501, path=str(path), line=n, detail=f"unknown CASE label {label!r}")
            out.append(Snippet(id=row["id"], text=row["EventSnippet"] or "", label=label))
    return out


@dataclass
class EventsEval:
    path: str
    snippets: int
    seen: ClassScores  # the 25 ACLED types, on the snippets labelled with one: the best of the 25 (subtask 1)
    all_types: ClassScores  # every snippet, unseen labels as "none" (26 classes)
    unseen: dict[str, tuple[int, int]]  # CASE label -> (snippets, predicted "none")
    confusions: list[tuple[str, str, int]] = field(default_factory=list)  # gold, predicted, count
    seen_open: ClassScores | None = None  # the same snippets, the pipeline's answer ("none" a miss)

    @property
    def unseen_none_rate(self) -> float:
        n = sum(v[0] for v in self.unseen.values())
        return sum(v[1] for v in self.unseen.values()) / n if n else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "snippets": self.snippets,
            "seen": {"snippets": self.seen.n, "weighted_f1": round(self.seen.weighted_f1, 4),
                     "macro_f1": round(self.seen.macro_f1, 4), "accuracy": round(self.seen.accuracy, 4),
                     "per_label": {lab: {**self.seen.per_label[lab].as_dict(), "support": self.seen.support[lab]}
                                   for lab in SEEN_LABELS}},
            "seen_none_allowed": None if self.seen_open is None else {
                "weighted_f1": round(self.seen_open.weighted_f1, 4), "macro_f1": round(self.seen_open.macro_f1, 4),
                "accuracy": round(self.seen_open.accuracy, 4)},
            "unseen": {"snippets": sum(v[0] for v in self.unseen.values()),
                       "none_rate": round(self.unseen_none_rate, 4),
                       "per_label": {k: {"snippets": v[0], "predicted_none": v[1]} for k, v in self.unseen.items()}},
            "all_types": {"snippets": self.all_types.n, "weighted_f1": round(self.all_types.weighted_f1, 4),
                          "macro_f1": round(self.all_types.macro_f1, 4),
                          "accuracy": round(self.all_types.accuracy, 4)},
            "confusions": [{"gold": g, "predicted": p, "count": c} for g, p, c in self.confusions],
        }


def score_case2021(snippets: list[Snippet], predicted: list[str], path: str = "", top: int = 15,
                   closed: list[str] | None = None) -> EventsEval:
    """Score predicted sub-types ("none" for no event) against the snippets' CASE labels; ``closed``: the best of
    the 25 sub-types for each snippet, scored on the seen types (else ``predicted`` is)."""
    gold = [CASE_TO_ACLED[s.label] or NONE for s in snippets]
    seen_idx = [i for i, s in enumerate(snippets) if CASE_TO_ACLED[s.label] is not None]
    seen_gold = [gold[i] for i in seen_idx]
    seen_open = classification_scores(seen_gold, [predicted[i] for i in seen_idx], SEEN_LABELS)
    seen = seen_open if closed is None else classification_scores(seen_gold, [closed[i] for i in seen_idx],
                                                                  SEEN_LABELS)
    all_types = classification_scores(gold, predicted, (*SEEN_LABELS, NONE))
    unseen: dict[str, tuple[int, int]] = {}
    for lab in UNSEEN_CASE:
        idx = [i for i, s in enumerate(snippets) if s.label == lab]
        if idx:
            unseen[lab] = (len(idx), sum(1 for i in idx if predicted[i] == NONE))
    # unseen types keep their CASE label in the confusion list, so "none <- DIPLO" reads as what it is
    shown = [CASE_TO_ACLED[s.label] or s.label for s in snippets]
    conf = Counter((sh, p) for sh, g, p in zip(shown, gold, predicted, strict=True) if g != p)
    return EventsEval(path=path, snippets=len(snippets), seen=seen, all_types=all_types, unseen=unseen,
                      confusions=[(g, p, c) for (g, p), c in conf.most_common(top)], seen_open=seen_open)


def answers(texts: list[str]) -> tuple[list[str], list[str]]:
    """The classifier's answers for ``texts``: its own ("none" for no event) and the best of the 25 sub-types."""
    from incidex.pipeline.classify import classify_many

    out = classify_many(texts)
    return ([c.sub_type if c.sub_type in SUB_TYPES else NONE for c in out],
            [c.closed if c.closed in SUB_TYPES else NONE for c in out])


def evaluate_events(path: Path, limit: int | None = None) -> EventsEval:
    snippets = read_case2021(path, limit)
    predicted, closed = answers([s.text for s in snippets])
    return score_case2021(snippets, predicted, path=str(path), closed=closed)
