"""`incidex eval report`: run every evaluation in full and write ``docs/EVALUATION.md``.

The page puts our measured figures beside the published ones listed in
``shared/data/README.md`` and records the date and the commit, so the file is
only ever produced by this function (``make eval``), never edited by hand.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from incidex.evaluation.casualties import CasualtiesEval, FigureScore
from incidex.evaluation.events import SEEN_LABELS, EventsEval
from incidex.evaluation.events_dev import DevEval
from incidex.evaluation.extraction import ExtractEval
from incidex.evaluation.geoparse import CORPORA, MISS_CAUSES, TEST_SETS, GeoparseEval
from incidex.evaluation.paths import REPO
from incidex.evaluation.score import METRICS, PRF, ErrorStats

CORPUS_NAMES = {"lgl": "LGL", "trnews": "TR-News", "gwn": "GeoWebNews", "geovirus": "GeoVirus", "wiktor": "WikToR"}


@dataclass(frozen=True)
class Published:
    task: str
    corpus: str  # key of CORPORA, or "case2021"
    system: str
    value: float  # a share in [0, 1] (accuracy, F1)
    note: str


# from shared/data/README.md
PUBLISHED: tuple[Published, ...] = (
    Published("resolve", "lgl", "Mordecai3 v3.5", 0.827, "gold toponyms; Elasticsearch + GeoNames + neural ranker"),
    Published("resolve", "trnews", "Mordecai3 v3.5", 0.873, "gold toponyms"),
    Published("resolve", "gwn", "Mordecai3 v3.5", 0.941, "gold toponyms"),
    Published("end-to-end", "lgl", "CamCoder (ACL 2018)", 0.76, "systems' own toponyms"),
    Published("end-to-end", "wiktor", "CamCoder (ACL 2018)", 0.65, "systems' own toponyms"),
    Published("end-to-end", "geovirus", "CamCoder (ACL 2018)", 0.82, "systems' own toponyms"),
    Published("population", "lgl", "population baseline (CamCoder paper)", 0.70, "most populous candidate"),
    Published("population", "wiktor", "population baseline (CamCoder paper)", 0.22, "most populous candidate"),
    Published("population", "geovirus", "population baseline (CamCoder paper)", 0.80, "most populous candidate"),
    Published("events", "case2021", "CASE 2021 Task 2 best (fine-tuned transformer)", 0.839, "weighted F1, 25 types"),
)


@dataclass
class AllResults:
    extract: ExtractEval
    resolve: dict[str, GeoparseEval]
    end_to_end: dict[str, GeoparseEval]
    events: EventsEval
    casualties: CasualtiesEval
    events_dev: list[DevEval] = field(default_factory=list)


def run_all(gold_files: list[Path], case2021: Path, limit: int | None = None,
            progress: Callable[[str], None] | None = None) -> AllResults:
    """Every evaluation, in full unless ``limit`` is given (then on that many documents each)."""
    from incidex.evaluation.casualties import evaluate_casualties
    from incidex.evaluation.events import evaluate_events
    from incidex.evaluation.events_dev import DEV_SETS, evaluate_dev
    from incidex.evaluation.extraction import evaluate_extraction
    from incidex.evaluation.geoparse import evaluate_geoparse

    say = progress or (lambda _msg: None)
    say("extraction on the development gold")
    extract = evaluate_extraction(gold_files, limit=limit)
    resolve, e2e = {}, {}
    for c in CORPORA:
        say(f"geoparse {c} (resolve)")
        resolve[c] = evaluate_geoparse(c, "resolve", limit)
    for c in CORPORA:
        say(f"geoparse {c} (end-to-end)")
        e2e[c] = evaluate_geoparse(c, "end-to-end", limit)
    say("event sub-types (CASE 2021)")
    events = evaluate_events(case2021, limit)
    say("casualty figures")
    casualties = evaluate_casualties(limit)
    say("event sub-types (development sets)")
    dev = [evaluate_dev(n, limit) for n in DEV_SETS]
    return AllResults(extract, resolve, e2e, events, casualties, dev)


def git_commit(repo: Path = REPO) -> str:
    """``git rev-parse --short HEAD``, marked when the working tree has uncommitted changes."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=repo, capture_output=True, text=True,
                              check=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=repo,
                               capture_output=True, text=True, check=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head} (with uncommitted changes)" if dirty else head


# -- Markdown ---------------------------------------------------------------------------------------

def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def _f(x: float) -> str:
    return f"{x:.3f}"


def _table(head: list[str], rows: list[list[str]], right_from: int = 1, right_to: int | None = None) -> str:
    """A Markdown table; columns ``right_from`` to ``right_to`` (exclusive, default: the last) are numbers."""
    stop = len(head) if right_to is None else right_to
    align = ["---:" if right_from <= i < stop else "---" for i in range(len(head))]
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _published(task: str, corpus: str) -> Published | None:
    return next((p for p in PUBLISHED if p.task == task and p.corpus == corpus), None)


def _role(corpus: str) -> str:
    return "test" if corpus in TEST_SETS else "dev"


def _prf_row(name: str, p: PRF) -> list[str]:
    return [name, str(p.tp), str(p.fp), str(p.fn), _f(p.precision), _f(p.recall), _f(p.f1)]


def _stats(s: ErrorStats) -> list[str]:
    return [_pct(s.acc_161), f"{s.mean_km:,.0f}", f"{s.median_km:,.1f}", _f(s.auc)]


def _figure_row(name: str, s: FigureScore) -> list[str]:
    return [name, str(s.n), f"{s.exact} ({_pct(s.rate)})", str(s.no_figure),
            f"{s.in_text_exact}/{s.in_text_n} ({_pct(s.in_text_rate)})"]


def render_markdown(r: AllResults, when: date, commit: str, limit: int | None = None) -> str:
    t = r.extract.totals
    out: list[str] = []
    add = out.append
    add("# Evaluation\n")
    add(f"Measured on **{when.isoformat()}** at commit **`{commit}`** by `make eval` "
        "(`incidex eval report`); do not edit by hand, re-run it.")
    if limit is not None:
        add(f"\n**Partial run: at most {limit} documents per data set. These are not the full figures.**")
    add("\nData are read from `../shared/data` at run time (see `../shared/data/README.md`). LGL, TR-News, "
        "GeoWebNews and CASE 2021 are **test sets**: reported here, never tuned on. The development gold "
        "(`eval/gold/`), WikToR and GeoVirus may be used for tuning, so their figures are not unbiased.\n")

    add("## incidex beside published systems\n")
    rows = []
    for c in ("lgl", "trnews", "gwn"):
        pub = _published("resolve", c)
        assert pub is not None
        rows.append(["toponym resolution, gold toponyms", CORPUS_NAMES[c], "acc@161 km",
                     _pct(r.resolve[c].stats.acc_161), _pct(pub.value), pub.system])
    for c in ("lgl", "wiktor", "geovirus"):
        pub = _published("end-to-end", c)
        assert pub is not None
        rows.append(["geoparsing, own toponyms", CORPUS_NAMES[c], "acc@161 km",
                     _pct(r.end_to_end[c].stats.acc_161), _pct(pub.value), pub.system])
    for c in ("lgl", "wiktor", "geovirus"):
        pub = _published("population", c)
        assert pub is not None
        ours = r.resolve[c].baseline
        rows.append(["most-populous-candidate baseline (ours: on our gazetteer, gold toponyms)", CORPUS_NAMES[c],
                     "acc@161 km", _pct(ours.acc_161) if ours else "-", _pct(pub.value), pub.system])
    pub = _published("events", "case2021")
    assert pub is not None
    rows.append(["event sub-type classification", "CASE 2021 Task 2", "weighted F1 (25 types)",
                 _f(r.events.seen.weighted_f1), _f(pub.value), pub.system])
    add(_table(["task", "data set", "metric", "incidex", "published", "published system"], rows, right_from=3,
               right_to=5))
    add("\nThe published figures are those listed in `../shared/data/README.md` (Mordecai3: Halterman 2023; "
        "CamCoder: Gritta et al., ACL 2018; CASE 2021 Task 2 overview); they were not re-run here. Mordecai3 and "
        "CamCoder use the "
        "full GeoNames gazetteer; incidex ships an offline index built from PyPI packages "
        "(`incidex gazetteer status`), so toponyms missing from it count as errors below.\n")

    add("## Extraction on the development gold (`incidex eval extract`)\n")
    add(f"{t.documents} documents from {', '.join(f'`{Path(f).name}`' for f in r.extract.files)}; "
        "scoring rules in `../shared/spec/gold-format.md`, micro-averaged over documents. This is the set we "
        "tune on: use it to compare changes, not as a test result.\n")
    add(_table(["metric", "tp", "fp", "fn", "precision", "recall", "F1"],
               [_prf_row(m, t.prf[m]) for m in METRICS]))
    add(f"\n- neutrality violations (must be 0): **{t.neutrality}**")
    add(f"- double counting (must be 0): **{t.double_counting}**")
    if r.extract.warnings:
        add(f"- skipped gold lines: {len(r.extract.warnings)}")
    viol = [(d.doc_id, v) for d in r.extract.docs for v in d.neutrality]
    dbl = [(d.doc_id, v) for d in r.extract.docs for v in d.double_counting]
    if viol or dbl:
        add("\n<details><summary>Neutrality violations and double counting</summary>\n")
        for doc_id, v in viol:
            add(f"- `{doc_id}` neutrality: {v}")
        for doc_id, v in dbl:
            add(f"- `{doc_id}` double counting: {v}")
        add("\n</details>")
    add("\n<details><summary>Per document (F1; — when the document has nothing to score)</summary>\n")
    per = []
    for d in r.extract.docs:
        cells = [f"`{d.doc_id}`"]
        for m in METRICS:
            p = d.scores[m].prf
            cells.append("—" if p.empty else _f(p.f1))
        cells += [str(len(d.neutrality)), str(len(d.double_counting))]
        per.append(cells)
    add(_table(["document", *METRICS, "neutrality", "double"], per))
    add("\n</details>\n\nThe misses behind each figure: `incidex eval extract --gold FILE --report misses.md`.\n")

    add("## Geoparsing (`incidex eval geoparse`)\n")
    add("### Resolution given the gold toponyms (`--mode resolve`)\n")
    rows = []
    for c in CORPORA:
        g = r.resolve[c]
        rows.append([CORPUS_NAMES[c], _role(c), str(g.documents), str(g.gold_toponyms), _pct(g.coverage),
                     *_stats(g.stats), _pct(g.resolved_only.acc_161),
                     _pct(g.baseline.acc_161) if g.baseline else "-"])
    add(_table(["corpus", "role", "docs", "toponyms", "coverage", "acc@161", "mean km", "median km", "AUC",
                "acc@161 of located", "population baseline acc@161"], rows, right_from=2))
    add("\nAll gold toponyms with coordinates count; one the resolver cannot place gets the largest possible "
        "error (20,039 km), as in Gritta et al. (2018). *coverage*: share that got coordinates. *AUC*: area "
        "under the sorted ln(1 + error km) curve, scaled to [0, 1] (lower is better). *population baseline*: "
        "the most populous candidate of the same name in our gazetteer. WikToR annotates one ambiguous name "
        "per article, so in this mode the resolver sees no other place of the article to anchor on.\n")
    add("### Recognition and resolution end to end (`--mode end-to-end`)\n")
    rows = []
    for c in CORPORA:
        g = r.end_to_end[c]
        rec = g.recognition or PRF()
        rows.append([CORPUS_NAMES[c], _role(c), str(g.documents), str(g.gold_toponyms), _f(rec.precision),
                     _f(rec.recall), _f(rec.f1), str(g.located), *_stats(g.stats)])
    add(_table(["corpus", "role", "docs", "toponyms", "recognition P", "R", "F1", "recognised",
                "acc@161", "mean km", "median km", "AUC"], rows, right_from=2))
    add("\nRecognition: a predicted place mention matches a gold toponym it overlaps (one to one); a mention "
        "overlapping an annotated span without coordinates (e.g. GeoWebNews demonyms) is neither right nor "
        "wrong. Resolution figures are over the recognised gold toponyms, as CamCoder's \"own toponyms\". "
        "WikToR and GeoVirus annotate only some of the places in a text, so recognition precision there is "
        "a lower bound.\n")
    add("Gold toponyms not recognised, by cause (`geoparse.MISS_CAUSES`, tested in this order):\n")
    add(_table(["corpus", *MISS_CAUSES], [
        [CORPUS_NAMES[c], *(str(r.end_to_end[c].misses.get(k, 0)) for k in MISS_CAUSES)] for c in CORPORA],
        right_from=1))
    add("\n" + "; ".join(f"*{k}*: {v}" for k, v in MISS_CAUSES.items()) + ".\n")
    fixes = [f"{CORPUS_NAMES[c]}: {r.resolve[c].repaired_offsets} offsets repaired, "
             f"{r.resolve[c].dropped_toponyms} toponyms dropped" for c in CORPORA
             if r.resolve[c].repaired_offsets or r.resolve[c].dropped_toponyms]
    if fixes:
        add("Gold offsets that do not point at their phrase are moved to its nearest occurrence, or dropped "
            "when the phrase is not near: " + "; ".join(fixes) + ".\n")
    signs = r.resolve.get("wiktor")
    if signs is not None and signs.repaired_signs:
        add(f"WikToR: {signs.repaired_signs} gold points had lost their minus sign (Chatham, Illinois at 39.67, 89.70) "
            "and were given it back: no place of the name in the gazetteer lies within 161 km of the point, one lies "
            "within 161 km of it with a sign flipped (`geoparse._repair_signs`; the resolver's choice is not read). "
            "Published WikToR figures used the points as they are.\n")

    ev = r.events
    add("## Event sub-types (`incidex eval events`, CASE 2021 Task 2)\n")
    add(f"{ev.snippets} snippets; each is classified on its own by the pipeline's sub-type classifier. On the 25 "
        "seen types the answer is the best of the 25 sub-types, as in the task's subtask 1 (the snippet is known to "
        "report an event; `Classification.closed`); the pipeline's own answer, which may be \"none\" (then a miss), "
        "is the second row, and the one scored over all snippets.\n")
    open_rows = [] if ev.seen_open is None else [
        ["25 seen types, \"none\" allowed (a miss)", str(ev.seen_open.n), _f(ev.seen_open.weighted_f1),
         _f(ev.seen_open.macro_f1), _pct(ev.seen_open.accuracy)]]
    add(_table(["subset", "snippets", "weighted F1", "macro F1", "accuracy"], [
        ["25 seen (ACLED) types, best of the 25", str(ev.seen.n), _f(ev.seen.weighted_f1), _f(ev.seen.macro_f1),
         _pct(ev.seen.accuracy)],
        *open_rows,
        ["all, unseen types as \"none\" (26 classes)", str(ev.all_types.n), _f(ev.all_types.weighted_f1),
         _f(ev.all_types.macro_f1), _pct(ev.all_types.accuracy)],
    ]))
    add("\nThe unseen types are not ACLED events; \"none\" is the right answer for them:\n")
    add(_table(["CASE type", "snippets", "predicted none"],
               [[k, str(n), f"{k_none} ({_pct(k_none / n if n else 0)})"] for k, (n, k_none) in ev.unseen.items()]
               + [["all unseen", str(sum(v[0] for v in ev.unseen.values())), _pct(ev.unseen_none_rate)]]))
    add("\nMost frequent confusions (gold → predicted):\n")
    add(_table(["gold", "predicted", "count"], [[g, p, str(c)] for g, p, c in ev.confusions], right_from=2))
    add("\n<details><summary>Per sub-type (seen types)</summary>\n")
    add(_table(["ACLED sub-type", "support", "precision", "recall", "F1"],
               [[lab, str(ev.seen.support[lab]), _f(ev.seen.per_label[lab].precision),
                 _f(ev.seen.per_label[lab].recall), _f(ev.seen.per_label[lab].f1)] for lab in SEEN_LABELS]))
    add("\n</details>\n")
    if r.events_dev:
        add("The classifier's development sets (`incidex eval events-dev`; `eval/events_dev/README.md` says how each "
            "was made). They are what the classifier is tuned on; *real* is real text from `../shared/data` (UCDP "
            "headlines, Wikipedia incident descriptions), the two others were written for the project:\n")
        add(_table(["set", "snippets", "with a sub-type", "weighted F1 (best of the 25)", "accuracy",
                    "weighted F1, \"none\" allowed", "all, \"none\" as a class"],
                   [[d.name, str(d.snippets), str(d.events.n), _f(d.events.weighted_f1), _pct(d.events.accuracy),
                     _f(d.events_open.weighted_f1) if d.events_open else "-", _f(d.all_types.weighted_f1)]
                    for d in r.events_dev]))

    cas = r.casualties
    add("## Casualty figures (`incidex eval casualties`)\n")
    add(_table(["data set, outcome", "documents", "exact match", "no figure extracted",
                "exact where the gold figure is written in the text"], [
        _figure_row("wiki terror incidents, killed (Dead)", cas.wiki["killed"]),
        _figure_row("wiki terror incidents, injured (Injured)", cas.wiki["injured"]),
        _figure_row("UCDP GED headlines, deaths (best)", cas.ucdp["killed"]),
    ]))
    add("\nA document's figure: per event the largest figure of the outcome, summed over events, or the largest "
        "aggregate figure if larger; no figure counts as 0. Both golds are loose (list totals that may include "
        "perpetrators; GED combines several sources), hence the last column: the rows whose gold figure "
        "appears as digits in the text.\n")

    add("## Running the evaluations\n")
    add("Each section above has its command; all print tables, or JSON with `--json`, and take "
        "`--limit N` for a quick slice (CI runs each on a slice: `tests/test_eval_cli.py`).\n")
    add("```\n"
        "incidex eval extract --gold eval/gold/dev_shared.jsonl --gold eval/gold/demo.jsonl [--report misses.md]\n"
        "incidex eval geoparse --corpus lgl|trnews|gwn|geovirus|wiktor [--mode resolve|end-to-end]\n"
        "incidex eval events [--case2021 ../shared/data/case2021_task2/test_set_final_release_with_labels.tsv]\n"
        "incidex eval events-dev [--set written|news|real] [--errors]\n"
        "incidex eval casualties\n"
        "incidex eval report --out docs/EVALUATION.md     # = make eval: all of them, full, and this page\n"
        "```\n")
    add("The code is in `src/incidex/evaluation/`: `gold.py` (loading and validating the gold, resolving "
        "`text_ref`), `score.py` (the scoring rules, pure functions; unit tests in `tests/test_eval_score.py`), "
        "one module per evaluation, and `report.py` (this page).\n")
    add("## How the gold-format rules are read\n")
    add("- Matching is one to one and greedy, best pairs first.\n"
        "- An event's date interval is `[start, end]` (±1 day); a predicted event without a date cannot match "
        "a dated gold event; gold without a date or coordinates matches any.\n"
        "- A casualty's gold figure is `low`, or `high` for `up_to` (whose `low` is null).\n"
        "- Legal references are reduced to keys (a UNSC resolution by number, otherwise the first listed "
        "name whose words occur in it, otherwise the lower-cased reference).\n"
        "- Framing: distinct terms, case-insensitive containment either way; equal terms pair first.\n"
        "- Neutrality: text inside “…”, \"…\", ‘…’ or «…» is quoted and ignored.\n"
        "- Double counting: a predicted event casualty whose figure (outcome and value) the gold has only "
        "on an aggregate.\n"
        "- P = R = F1 = 1 when gold and prediction are both empty; 0 when only one of them is.\n")
    return "\n".join(out)


def write_report(path: Path, results: AllResults, limit: int | None = None, when: date | None = None) -> str:
    text = render_markdown(results, when or date.today(), git_commit(), limit)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text


def extract_misses_markdown(r: ExtractEval) -> str:
    """The developer's view of ``eval extract``: every document's scores and misses."""
    out = ["# incidex eval extract: misses\n", f"Gold: {', '.join(r.files)}\n"]
    t = r.totals
    out.append(_table(["metric", "tp", "fp", "fn", "precision", "recall", "F1"],
                      [_prf_row(m, t.prf[m]) for m in METRICS]))
    out.append(f"\nneutrality violations: {t.neutrality}; double counting: {t.double_counting}\n")
    for d in r.docs:
        out.append(f"## `{d.doc_id}`\n")
        for m in METRICS:
            s = d.scores[m]
            if s.prf.empty:
                continue
            out.append(f"- **{m}** tp {s.prf.tp} fp {s.prf.fp} fn {s.prf.fn} (F1 {_f(s.prf.f1)})")
            out += [f"  - missed: {x}" for x in s.missed]
            out += [f"  - spurious: {x}" for x in s.spurious]
        out += [f"- **neutrality**: {v}" for v in d.neutrality]
        out += [f"- **double counting**: {v}" for v in d.double_counting]
        out.append("")
    return "\n".join(out)
