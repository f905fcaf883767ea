"""`incidex eval ...`: thin Typer wrappers over ``incidex.evaluation``.

Each command parses its options, calls one evaluation function and prints
Rich tables (or ``--json`` for scripts). Everything heavy (spaCy, scikit-learn,
the pipeline, the evaluation code) is imported inside the commands so that
``incidex --help`` stays instant.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from incidex.errors import IncidexError

if TYPE_CHECKING:
    from rich.console import Console

    from incidex.evaluation.score import PRF, ErrorStats

eval_app = typer.Typer(help="Measure accuracy against gold data and published systems.", no_args_is_help=True)

DEFAULT_GOLD = ("eval/gold/dev_shared.jsonl", "eval/gold/demo.jsonl")  # relative to the repository
CASE2021_REL = ("case2021_task2", "test_set_final_release_with_labels.tsv")


class Corpus(StrEnum):
    lgl = "lgl"
    trnews = "trnews"
    gwn = "gwn"
    geovirus = "geovirus"
    wiktor = "wiktor"


class Mode(StrEnum):
    resolve = "resolve"
    end_to_end = "end-to-end"


Limit = Annotated[int | None, typer.Option("--limit", "-n", min=1, help="Only the first N documents.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of tables.")]


def _fail(exc: IncidexError) -> typer.Exit:
    typer.echo(f"error [{exc.code}]: {exc.message}", err=True)
    return typer.Exit(2)


def _console() -> Console:
    from rich.console import Console

    return Console()


def _dump(data: dict[str, Any]) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _f(x: float) -> str:
    return f"{x:.3f}"


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def _prf_cells(p: PRF) -> list[str]:
    return [str(p.tp), str(p.fp), str(p.fn), _f(p.precision), _f(p.recall), _f(p.f1)]


def _stats_cells(s: ErrorStats) -> list[str]:
    return [_pct(s.acc_161), f"{s.mean_km:,.0f}", f"{s.median_km:,.1f}", _f(s.auc)]


def _default_gold() -> list[Path]:
    from incidex.evaluation.paths import REPO

    return [REPO / p for p in DEFAULT_GOLD]


def _case2021_default() -> Path:
    from incidex.evaluation.paths import shared_dir

    return shared_dir().joinpath("data", *CASE2021_REL)


@eval_app.command("extract")
def eval_extract(
    gold: Annotated[list[Path] | None, typer.Option("--gold", "-g", help="Gold JSONL file (repeatable). "
                                                    "Default: eval/gold/dev_shared.jsonl and demo.jsonl.")] = None,
    report: Annotated[Path | None, typer.Option(help="Write every document's scores and misses here "
                                                "(Markdown; JSON if the name ends in .json).")] = None,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1,
                                              help="Only the first N records of each gold file.")] = None,
    as_json: AsJson = False,
    misses: Annotated[bool, typer.Option(help="List the misses of each document in the terminal.")] = False,
) -> None:
    """Run the pipeline on gold texts; P/R/F1 for geo, event, casualty, legal, framing, and the must-be-0 checks."""
    from incidex.evaluation.extraction import evaluate_extraction
    from incidex.evaluation.report import extract_misses_markdown
    from incidex.evaluation.score import METRICS

    try:
        res = evaluate_extraction(list(gold or _default_gold()), limit=limit)
    except IncidexError as exc:
        raise _fail(exc) from None
    data = res.as_dict()
    if report is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(json.dumps(data, ensure_ascii=False, indent=2) if report.suffix == ".json"
                          else extract_misses_markdown(res), encoding="utf-8")
    for w in res.warnings:
        typer.echo(f"warning: {w}", err=True)
    if as_json:
        _dump(data)
        return
    from rich.table import Table

    con = _console()
    t = res.totals
    overall = Table(title=f"extraction on {t.documents} gold documents (micro-averaged)")
    for col in ("metric", "tp", "fp", "fn", "precision", "recall", "F1"):
        overall.add_column(col, justify="left" if col == "metric" else "right")
    for m in METRICS:
        overall.add_row(m, *_prf_cells(t.prf[m]))
    con.print(overall)
    con.print(f"neutrality violations: [bold]{t.neutrality}[/bold] (must be 0)   "
              f"double counting: [bold]{t.double_counting}[/bold] (must be 0)")
    per = Table(title="per document (F1; - when there is nothing to score)")
    for col in ("document", *METRICS, "neutrality", "double"):
        per.add_column(col, justify="left" if col == "document" else "right")
    for d in res.docs:
        per.add_row(d.doc_id, *("-" if d.scores[m].prf.empty else _f(d.scores[m].prf.f1) for m in METRICS),
                    str(len(d.neutrality)), str(len(d.double_counting)))
    con.print(per)
    if misses:
        for d in res.docs:
            lines = [f"  {m} missed: {x}" for m in METRICS for x in d.scores[m].missed]
            lines += [f"  {m} spurious: {x}" for m in METRICS for x in d.scores[m].spurious]
            lines += [f"  neutrality: {v}" for v in d.neutrality] + [f"  double counting: {v}" for v in d.double_counting]
            if lines:
                con.print(f"[bold]{d.doc_id}[/bold]", highlight=False)
                for line in lines:
                    con.print(line, highlight=False, markup=False)
    if report is not None:
        con.print(f"misses written to {report}")


@eval_app.command("geoparse")
def eval_geoparse(
    corpus: Annotated[Corpus, typer.Option(help="lgl, trnews, gwn (test sets) or geovirus, wiktor.")],
    mode: Annotated[Mode, typer.Option(help="resolve: gold toponym spans to the resolver; "
                                       "end-to-end: recognition too.")] = Mode.resolve,
    limit: Limit = None,
    as_json: AsJson = False,
) -> None:
    """Toponym resolution (and recognition) on a geoparsing corpus: acc@161 km, mean/median error, AUC, coverage."""
    from incidex.evaluation.geoparse import evaluate_geoparse

    try:
        res = evaluate_geoparse(corpus.value, mode.value, limit)
    except IncidexError as exc:
        raise _fail(exc) from None
    if as_json:
        _dump(res.as_dict())
        return
    from rich.table import Table

    con = _console()
    t = Table(title=f"{corpus.value}, {mode.value}: {res.documents} documents, {res.gold_toponyms} gold toponyms")
    t.add_column("measure")
    t.add_column("value", justify="right")
    t.add_row("coverage (located / gold)", f"{_pct(res.coverage)} ({res.located})")
    for name, v in zip(("acc@161 km", "mean error km", "median error km", "AUC (lower is better)"),
                       _stats_cells(res.stats), strict=True):
        t.add_row(name, v)
    if res.mode == "resolve":
        t.add_row("acc@161 km of the located", _pct(res.resolved_only.acc_161))
    if res.baseline is not None:
        t.add_row("population baseline acc@161 km", _pct(res.baseline.acc_161))
    if res.recognition is not None:
        r = res.recognition
        t.add_row("recognition P / R / F1", f"{_f(r.precision)} / {_f(r.recall)} / {_f(r.f1)}")
    if res.repaired_offsets or res.dropped_toponyms:
        t.add_row("gold offsets repaired / dropped", f"{res.repaired_offsets} / {res.dropped_toponyms}")
    if res.repaired_signs:
        t.add_row("gold points given back their minus sign", str(res.repaired_signs))
    con.print(t)
    if res.worst:
        con.print("largest errors:")
        for w in res.worst[:10]:
            con.print(f"  {w}", highlight=False, markup=False)
    if res.misses:
        con.print("gold toponyms not recognised, by cause:")
        for cause, n in res.misses.items():
            ex = ", ".join(res.miss_examples.get(cause, [])[:5])
            con.print(f"  {cause}: {n} (e.g. {ex})", highlight=False, markup=False)
    if res.unplaced:
        con.print("most frequent names left without a place: "
                  + ", ".join(f"{n} ({c})" for n, c in res.unplaced[:10]), highlight=False, markup=False)


@eval_app.command("events")
def eval_events(
    case2021: Annotated[Path | None, typer.Option("--case2021", help="The CASE 2021 Task 2 test TSV. Default: "
                                                  "../shared/data/case2021_task2/test_set_final_release_with_labels.tsv")] = None,
    limit: Limit = None,
    as_json: AsJson = False,
) -> None:
    """ACLED sub-type classification of CASE 2021 snippets: weighted and macro F1, frequent confusions."""
    from incidex.evaluation.events import evaluate_events

    try:
        res = evaluate_events(case2021 or _case2021_default(), limit)
    except IncidexError as exc:
        raise _fail(exc) from None
    if as_json:
        _dump(res.as_dict())
        return
    from rich.table import Table

    con = _console()
    t = Table(title=f"CASE 2021 Task 2: {res.snippets} snippets")
    for col in ("subset", "snippets", "weighted F1", "macro F1", "accuracy"):
        t.add_column(col, justify="left" if col == "subset" else "right")
    t.add_row("25 seen (ACLED) types, best of the 25", str(res.seen.n), _f(res.seen.weighted_f1),
              _f(res.seen.macro_f1), _pct(res.seen.accuracy))
    if res.seen_open is not None:
        t.add_row("25 seen types, \"none\" allowed (a miss)", str(res.seen_open.n), _f(res.seen_open.weighted_f1),
                  _f(res.seen_open.macro_f1), _pct(res.seen_open.accuracy))
    t.add_row("all, unseen as none", str(res.all_types.n), _f(res.all_types.weighted_f1),
              _f(res.all_types.macro_f1), _pct(res.all_types.accuracy))
    con.print(t)
    u = Table(title="unseen types: predicted none (correct)")
    u.add_column("CASE type")
    u.add_column("snippets", justify="right")
    u.add_column("none", justify="right")
    for k, (n, k_none) in res.unseen.items():
        u.add_row(k, str(n), str(k_none))
    con.print(u)
    c = Table(title="most frequent confusions")
    for col in ("gold", "predicted", "count"):
        c.add_column(col, justify="right" if col == "count" else "left")
    for g, p, n in res.confusions:
        c.add_row(g, p, str(n))
    con.print(c)


@eval_app.command("events-dev")
def eval_events_dev(
    sets: Annotated[list[str] | None, typer.Option("--set", help="written, news or real (repeatable). "
                                                   "Default: all three.")] = None,
    errors: Annotated[bool, typer.Option("--errors", help="List every misclassified snippet.")] = False,
    as_json: AsJson = False,
) -> None:
    """The sub-type classifier on its development sets (eval/events_dev): the sets to tune on."""
    from incidex.evaluation.events_dev import DEV_SETS, evaluate_dev

    names = sets or list(DEV_SETS)
    try:
        results = [evaluate_dev(n) for n in names]
    except (IncidexError, ValueError) as exc:
        if isinstance(exc, IncidexError):
            raise _fail(exc) from None
        _console().print(f"error: {exc}", markup=False)
        raise typer.Exit(2) from None
    if as_json:
        _dump({"sets": [r.as_dict() for r in results]})
        return
    from rich.table import Table

    con = _console()
    t = Table(title="event sub-types, development sets")
    for col in ("set", "snippets", "events", "weighted F1", "macro F1", "accuracy", "\"none\" allowed: weighted F1",
                "all: weighted F1"):
        t.add_column(col, justify="left" if col == "set" else "right")
    for r in results:
        t.add_row(r.name, str(r.snippets), str(r.events.n), _f(r.events.weighted_f1), _f(r.events.macro_f1),
                  _pct(r.events.accuracy), _f(r.events_open.weighted_f1) if r.events_open else "-",
                  _f(r.all_types.weighted_f1))
    con.print(t)
    for r in results:
        c = Table(title=f"{r.name}: most frequent confusions")
        for col in ("gold", "predicted", "count"):
            c.add_column(col, justify="right" if col == "count" else "left")
        for g, p, n in r.confusions:
            c.add_row(g, p, str(n))
        con.print(c)
        if errors:
            for sid, g, p in r.errors:
                con.print(f"{sid}\t{g}\t{p}", markup=False, highlight=False)


@eval_app.command("casualties")
def eval_casualties(limit: Limit = None, as_json: AsJson = False) -> None:
    """Exact-match rate of killed and injured figures (wiki terror incidents; UCDP GED headlines)."""
    from incidex.evaluation.casualties import evaluate_casualties

    try:
        res = evaluate_casualties(limit)
    except IncidexError as exc:
        raise _fail(exc) from None
    if as_json:
        _dump(res.as_dict())
        return
    from rich.table import Table

    con = _console()
    t = Table(title="casualty figures: exact match")
    for col in ("data set", "outcome", "documents", "exact", "rate", "no figure", "rate where figure in text"):
        t.add_column(col, justify="left" if col in ("data set", "outcome") else "right")
    for name, part in (("wiki terror incidents", res.wiki), ("UCDP GED headlines", res.ucdp)):
        for outcome, s in part.items():
            t.add_row(name, outcome, str(s.n), str(s.exact), _pct(s.rate), str(s.no_figure),
                      f"{_pct(s.in_text_rate)} of {s.in_text_n}")
    con.print(t)


@eval_app.command("report")
def eval_report(
    out: Annotated[Path, typer.Option(help="The page to (re)write.")] = Path("docs/EVALUATION.md"),
    gold: Annotated[list[Path] | None, typer.Option("--gold", "-g", help="Gold JSONL (repeatable).")] = None,
    case2021: Annotated[Path | None, typer.Option("--case2021", help="CASE 2021 Task 2 test TSV.")] = None,
    limit: Limit = None,
) -> None:
    """Run every evaluation (in full unless --limit) and rewrite docs/EVALUATION.md beside the published figures."""
    from incidex.evaluation.report import run_all, write_report

    con = _console()
    try:
        with con.status("evaluating") as status:
            res = run_all(list(gold or _default_gold()), case2021 or _case2021_default(), limit,
                          progress=lambda msg: status.update(f"evaluating: {msg}"))
    except IncidexError as exc:
        raise _fail(exc) from None
    write_report(out, res, limit)
    t = res.extract.totals
    con.print(f"wrote {out}: extract event F1 {_f(t.prf['event'].f1)}, "
              f"LGL resolve acc@161 {_pct(res.resolve['lgl'].stats.acc_161)}, "
              f"CASE 2021 weighted F1 {_f(res.events.seen.weighted_f1)}")
