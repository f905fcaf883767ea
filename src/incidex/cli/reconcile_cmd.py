"""`incidex reconcile`, `incidex incidents list|show`, `incidex eval reconcile`.

Thin wrappers over ``incidex.services.reconcile``; SQLAlchemy, Rich and the
pipeline are imported inside the commands so that ``incidex --help`` stays
instant.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from incidex.cli.store_cmd import DbOpt, _err, _repo

if TYPE_CHECKING:
    from rich.console import Console

incidents_app = typer.Typer(help="Incidents: events of several sources grouped, every claim beside its source.",
                            no_args_is_help=True)


class Fmt(StrEnum):
    table = "table"
    json = "json"


class On(StrEnum):
    extracted = "extracted"
    gold = "gold"
    both = "both"


FmtOpt = Annotated[Fmt, typer.Option("--format", "-f", help="table (Rich) or json (incidex/1 Incident objects).")]


def reconcile(
    db: DbOpt = None,
    full: Annotated[bool, typer.Option(help="Forget every incident and group all events again.")] = False,
    workers: Annotated[int | None, typer.Option(min=1, help="Regroup everything (--full) in time partitions "
                                                            "on N local Dask worker processes.")] = None,
    scheduler: Annotated[str | None, typer.Option(help="... or on the Dask cluster at this address "
                                                       "(or INCIDEX_DASK_SCHEDULER).")] = None,
    partition_days: Annotated[int, typer.Option(min=1, help="Days per partition with --workers/--scheduler.")] = 180,
) -> None:
    """Group stored events into incidents; only incidents that new events join or found are rewritten."""
    from incidex.scale.dask_ingest import scheduler_address  # light: dask is imported when a client is made
    from incidex.services.reconcile import reconcile as run

    scheduler = scheduler_address(scheduler) if workers is None else None
    with _repo(db) as repo:
        if workers is not None or scheduler:
            from incidex.scale.dask_ingest import SchedulerUnreachable, dask_client
            from incidex.scale.dask_reconcile import reconcile_on_dask

            try:
                with dask_client(workers, scheduler) as client:
                    res = reconcile_on_dask(repo, client, days=partition_days)
            except SchedulerUnreachable as exc:
                typer.echo(f"error: {exc}", err=True)
                raise typer.Exit(2) from None
        else:
            res = run(repo, full=full)
    typer.echo(f"{res.new_events} new events, {res.incidents_written} incidents written, "
               f"{res.incidents_removed} merged away, {res.incidents_total} incidents in total")


@incidents_app.command("list")
def incidents_list(db: DbOpt = None, fmt: FmtOpt = Fmt.table,
                   limit: Annotated[int | None, typer.Option(min=1, help="At most N incidents.")] = None) -> None:
    """The incidents, by date: type, places, sources by stance, flags."""
    from incidex.services.reconcile import list_incidents

    with _repo(db) as repo:
        items = list_incidents(repo, limit)
    if fmt == Fmt.json:
        typer.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    t = Table(title=f"{len(items)} incidents")
    for col in ("id", "date", "type", "places", "sources", "killed (low-high)", "flags"):
        t.add_column(col)
    for inc in items:
        t.add_row(inc["id"], _date(inc["date"]), inc["sub_type"], ", ".join(x["name"] for x in inc["locations"]),
                  _stances(inc["sources"]), _killed(inc), ", ".join(inc["flags"]))
    _console().print(t)


@incidents_app.command("show")
def incidents_show(incident_id: Annotated[str, typer.Argument(help="An id from `incidex incidents list`.")],
                   db: DbOpt = None, fmt: FmtOpt = Fmt.table) -> None:
    """One incident: its claims side by side with stance and evidence, its disputes and casualty ranges."""
    from incidex.errors import Codes, StoreError
    from incidex.services.reconcile import get_incident

    with _repo(db) as repo:
        inc = get_incident(repo, incident_id)
    if inc is None:
        _err(StoreError(Codes.E303, ref=f"incident:{incident_id}", kinds="incident (see `incidex incidents list`)"))
        raise typer.Exit(2)
    if fmt == Fmt.json:
        typer.echo(json.dumps(inc, ensure_ascii=False, indent=2))
        return
    render_incident(inc, _console())


def render_incident(inc: dict[str, Any], con: Console) -> None:
    from rich.table import Table

    con.print(f"[bold]{inc['id']}[/bold]  {inc['event_type']}: {inc['sub_type']}  {_date(inc['date'])}  "
              f"sources: {_stances(inc['sources'])}  flags: {', '.join(inc['flags']) or '-'}")
    side = Table(title="claims side by side", show_lines=True)
    side.add_column("")
    events = inc["events"]
    for e in events:
        side.add_column(f"{e['claimed_by']}\n[dim]{e['document_id'][:12]}[/dim]", overflow="fold")

    def row(label: str, fn: Any) -> None:
        side.add_row(label, *(fn(e) or "-" for e in events))

    row("stance", lambda e: e.get("stance", ""))
    row("certainty", lambda e: e["certainty"])
    row("date", lambda e: _date(e["date"]))
    row("place", lambda e: "; ".join(f"{x['name']} ({x['name_as_written']})" for x in e["locations"]))
    row("type", lambda e: e["sub_type"])
    row("perpetrator", lambda e: "; ".join(a["normalized"] for a in e["actors"] if a["role"] == "initiator"))
    row("casualties", lambda e: "\n".join(f"{c['outcome']} {c['group']}: {c['text']} ({c['claimed_by']})"
                                          for c in e["casualties"]))
    row("evidence", lambda e: "\n".join(f"\u201c{' '.join(s['quote'].split())}\u201d" for s in e["evidence"]))
    con.print(side)
    if inc["casualties"]:
        ranges = Table(title="casualty ranges over the claims")
        for col in ("outcome", "group", "low", "best", "high", "ACLED", "claims"):
            ranges.add_column(col)
        for c in inc["casualties"]:
            ranges.add_row(c["outcome"], c["group"], *(_n(c[k]) for k in ("low", "best", "high", "acled_fatalities")),
                           "\n".join(f"{x['text']} ({x['claimed_by']}, {x['stance']})" for x in c["claims"]))
        con.print(ranges)
    if inc["disputes"]:
        dis = Table(title="disputes")
        for col in ("field", "value", "claimed by", "stance", "document"):
            dis.add_column(col)
        for d in inc["disputes"]:
            for i, v in enumerate(d["values"]):
                dis.add_row(d["field"] if i == 0 else "", str(v["value"]), v["claimed_by"], v["stance"],
                            v["document_id"][:12])
        con.print(dis)


ReasonOpt = Annotated[str | None, typer.Option("--reason", help="Why (required: the decision is audited).")]
UserOpt = Annotated[str | None, typer.Option("--user", help="Who is acting (default: $USER).")]


@incidents_app.command("merge")
def incidents_merge(ids: Annotated[list[str], typer.Argument(help="Two incident ids or more.")],
                    reason: ReasonOpt = None, user: UserOpt = None, db: DbOpt = None) -> None:
    """The analyst says these incidents are one happening: audited, kept by every later `incidex reconcile`."""
    from incidex.services.ingest import current_user
    from incidex.services.reconcile import merge_incidents

    with _repo(db) as repo:
        out = merge_incidents(repo, ids, current_user(user), reason)  # an IncidexError becomes `error [E3xx]` and exit 2
    typer.echo(f"merged {', '.join(ids)} into {', '.join(out['after']['incidents'])}")


@incidents_app.command("split")
def incidents_split(incident_id: Annotated[str, typer.Argument(help="The incident to split.")],
                    events: Annotated[list[str], typer.Option("--events", help="event:ID or DOC_ID:EVENT_KEY of the "
                                                              "events that are another happening (repeat).")],
                    reason: ReasonOpt = None, user: UserOpt = None, db: DbOpt = None) -> None:
    """The analyst says some events of an incident are another happening: audited, kept apart by every later
    `incidex reconcile`."""
    from incidex.services.ingest import current_user
    from incidex.services.reconcile import split_incident

    with _repo(db) as repo:
        out = split_incident(repo, incident_id, events, current_user(user), reason)  # an IncidexError becomes `error [E3xx]` and exit 2
    typer.echo(f"split {incident_id} into {', '.join(out['after']['incidents'])}")


def review_stance(doc: Annotated[str, typer.Argument(help="Document id (or a unique prefix).")],
                  set_: Annotated[str, typer.Option("--set", help="neutral, advocacy or party:<name>.")],
                  reason: ReasonOpt = None, user: UserOpt = None, db: DbOpt = None) -> None:
    """Override a document's stance (audited); `incidex reconcile` uses it for by_stance, disputes and flags."""
    from incidex.services.ingest import current_user
    from incidex.services.reconcile import set_stance

    with _repo(db) as repo:
        out = set_stance(repo, doc, set_, current_user(user), reason)  # an IncidexError becomes `error [E3xx]` and exit 2
    typer.echo(f"{out['document_id'][:12]}: stance {out['before']} -> {out['after']}; "
               f"{out['result']['incidents_written']} incidents rewritten")


def eval_reconcile(
    on: Annotated[On, typer.Option(help="extracted: run the pipeline on the demo corpus and cluster its events; "
                                   "gold: cluster the hand-annotated events (the clustering alone).")] = On.both,
    truth: Annotated[Path | None, typer.Option(help="Truth file (default: eval/reconcile/truth.json).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """B-cubed precision/recall/F1 of `incidex reconcile` on the synthetic demo corpus against a hand-made truth."""
    from incidex.services import reconcile as svc

    truth_path = truth or svc.TRUTH
    rows = {}
    if on in (On.gold, On.both):
        rows["gold events"] = svc.evaluate_gold_events(svc.DEMO_GOLD, truth_path)
    if on in (On.extracted, On.both):
        rows["extracted events"] = svc.evaluate_demo_extracted(truth_path)
    if as_json:
        typer.echo(json.dumps({k: v.__dict__ for k, v in rows.items()}, indent=2))
        return
    from rich.table import Table

    t = Table(title="reconciliation on the demo corpus, B-cubed (target F1 >= 0.90)")
    for col in ("input", "events", "matched to truth", "incidents (pred / truth)", "precision", "recall", "F1", "F1 matched only"):
        t.add_column(col, justify="left" if col == "input" else "right")
    for name, b in rows.items():
        t.add_row(name, str(b.items), str(b.matched), f"{b.predicted_clusters} / {b.true_clusters}",
                  f"{b.precision:.3f}", f"{b.recall:.3f}", f"{b.f1:.3f}",
                  "-" if b.matched_f1 is None else f"{b.matched_f1:.3f}")
    _console().print(t)


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    from incidex.cli.store_cmd import review_app

    review_app.command("stance")(review_stance)
    app.command("reconcile")(reconcile)
    app.add_typer(incidents_app, name="incidents")
    eval_app.command("reconcile")(eval_reconcile)


# -- formatting --------------------------------------------------------------------------------------

def _console() -> Console:
    from rich.console import Console

    con = Console()
    return con if con.is_terminal else Console(width=160)


def _date(d: dict[str, Any]) -> str:
    if not d.get("start"):
        return "?"
    return d["start"] if d.get("end") in (None, d["start"]) else f"{d['start']} / {d['end']}"


def _stances(s: dict[str, Any]) -> str:
    return f"{s['count']} (" + ", ".join(f"{k} {v}" for k, v in sorted(s["by_stance"].items())) + ")"


def _n(x: int | None) -> str:
    return "-" if x is None else str(x)


def _killed(inc: dict[str, Any]) -> str:
    ks = [c for c in inc["casualties"] if c["outcome"] == "killed"]
    return ", ".join(f"{c['group']} {_n(c['low'])}-{_n(c['high'])}" for c in ks) or "-"
