"""Analyst decisions on incidents (SQLite and PostgreSQL): merge, split and stance override, audited and kept
across re-reconciliation (incremental and --full); the self_victim_only flag; cannot-links in the clustering."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from incidex.domain.models import Actor, DateInfo, Event, Location
from incidex.errors import StoreError
from incidex.reconcile.cluster import cluster
from incidex.reconcile.incident import Claim, build_incident, to_item

from .store_fixtures import db_url_fixture  # noqa: F401 - fixture
from .test_reconcile import item
from .test_reconcile_store import _ingest, _write, record

SHELL = "Shelling/artillery/missile attack"


def _by_sub(repo) -> dict[str, list[dict]]:  # type: ignore[no-untyped-def, type-arg]
    from incidex.services.reconcile import list_incidents

    out: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    for i in list_incidents(repo):
        out.setdefault(i["sub_type"], []).append(i)
    return out


def _docs(inc: dict) -> set[str]:  # type: ignore[type-arg]
    return {e["document_id"] for e in inc["events"]}


def test_split_merge_and_stance_are_audited_and_survive_reconciliation(db_url: str, tmp_path: Path) -> None:
    from incidex.services.reconcile import merge_incidents, reconcile, set_stance, split_incident
    from incidex.store.repository import Repository

    mod, wire, vlf, ngo = (record(n).document.id for n in ("mod", "wire", "vlf", "ngo"))
    repo = Repository.open(db_url)
    try:
        _ingest(repo, _write(tmp_path / "a", ["mod", "wire", "vlf"]))
        reconcile(repo)
        shelling = _by_sub(repo)[SHELL][0]
        assert _docs(shelling) == {mod, wire, vlf}

        # split: the Front's denial is another happening, says the analyst
        with pytest.raises(StoreError):
            split_incident(repo, shelling["id"], [f"{vlf[:12]}:e1"], "alice", None)  # no reason: refused
        out = split_incident(repo, shelling["id"], [f"{vlf[:12]}:e1"], "alice", "the denial concerns another strike")
        parts = _by_sub(repo)[SHELL]
        assert sorted(map(_docs, parts), key=len) == [{vlf}, {mod, wire}]
        assert shelling["id"] in {p["id"] for p in parts}  # the part with the earliest member keeps the id
        assert set(out["after"]["incidents"]) == {p["id"] for p in parts}
        entry = [a for a in repo.audit() if a["action"] == "split"][-1]
        assert entry["user_name"] == "alice" and entry["reason"] == "the denial concerns another strike"
        assert entry["claim_table"] == "incidents" and entry["at"]
        assert list(_as_obj(entry["before"])["incidents"].values())[0] == [e for p in
                                                                           [shelling] for e in _keys(p)]
        for full in (False, True):  # re-reconciliation keeps them apart
            reconcile(repo, full=full)
            assert sorted(map(_docs, _by_sub(repo)[SHELL]), key=len) == [{vlf}, {mod, wire}]
        _ingest(repo, _write(tmp_path / "b", ["ngo"]))  # a new report joins the rest, not the denial
        reconcile(repo)
        assert sorted(map(_docs, _by_sub(repo)[SHELL]), key=len) == [{vlf}, {mod, wire, ngo}]

        # merge: the analyst puts the denial back, and joins the protest too (which the score never would)
        ids = [i["id"] for sub in _by_sub(repo).values() for i in sub]
        merge_incidents(repo, ids, "bob", "one operation, say the field notes")
        for full in (False, True, False):
            reconcile(repo, full=full)
            incs = [i for sub in _by_sub(repo).values() for i in sub]
            assert len(incs) == 1 and _docs(incs[0]) == {mod, wire, vlf, ngo}
        assert shelling["id"] == incs[0]["id"]
        entry = [a for a in repo.audit() if a["action"] == "merge"][-1]
        assert entry["user_name"] == "bob" and len(_as_obj(entry["before"])["incidents"]) == 3

        # stance override: the wire's report is the ministry's words relayed; by_stance and disputes follow
        set_stance(repo, wire[:12], "party:Ardania", "carol", "the wire only relays the ministry")
        inc = _by_sub(repo)[incs[0]["sub_type"]][0]
        assert inc["sources"]["by_stance"] == {"party:Ardania": 2, "party:Valley Liberation Front": 1, "advocacy": 1}
        assert all(v["stance"] == "party:Ardania" for d in inc["disputes"] for v in d["values"]
                   if v["document_id"] == wire)
        entry = [a for a in repo.audit() if a["action"] == "stance"][-1]
        assert (_as_obj(entry["before"]), _as_obj(entry["after"])) == ({"stance": "neutral"},
                                                                       {"stance": "party:Ardania"})
        assert entry["document_id"] == wire and entry["user_name"] == "carol"
        reconcile(repo, full=True)
        assert _by_sub(repo)[incs[0]["sub_type"]][0]["sources"]["by_stance"]["party:Ardania"] == 2
        with pytest.raises(StoreError):
            set_stance(repo, wire, "partisan", "carol", "not a stance")
    finally:
        repo.close()


def _as_obj(v: object) -> dict:  # type: ignore[type-arg]
    return json.loads(v) if isinstance(v, str) else dict(v)  # type: ignore[call-overload]


def _keys(inc: dict) -> list[str]:  # type: ignore[type-arg]
    return [f"{e['document_id']}:{e['id']}" for e in inc["events"]]


def test_cli_merge_split_and_stance(tmp_path: Path) -> None:
    from incidex.cli.main import app
    from incidex.services.reconcile import list_incidents
    from incidex.store.repository import Repository

    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    repo = Repository.open(url)
    _ingest(repo, _write(tmp_path / "a", ["mod", "wire", "vlf"]))
    repo.close()
    cli = CliRunner()
    assert cli.invoke(app, ["reconcile", "--db", url]).exit_code == 0
    listed = json.loads(cli.invoke(app, ["incidents", "list", "--db", url, "--format", "json"]).output)
    shelling = next(i for i in listed if i["sources"]["count"] == 3)
    vlf = record("vlf").document.id
    run = cli.invoke(app, ["incidents", "split", shelling["id"], "--events", f"{vlf[:12]}:e1", "--db", url])
    assert run.exit_code == 2 and "--reason" in run.output
    run = cli.invoke(app, ["incidents", "split", shelling["id"], "--events", f"{vlf[:12]}:e1", "--db", url,
                           "--reason", "another strike", "--user", "alice"])
    assert run.exit_code == 0, run.output
    assert "split" in run.output
    run = cli.invoke(app, ["incidents", "merge", shelling["id"], "inc-nope", "--db", url, "--reason", "x"])
    assert run.exit_code == 2 and "error [E303]" in run.output
    ids = [i["id"] for i in json.loads(cli.invoke(app, ["incidents", "list", "--db", url, "-f", "json"]).output)
           if i["sub_type"] == SHELL]
    run = cli.invoke(app, ["incidents", "merge", *ids, "--db", url, "--reason", "one strike after all"])
    assert run.exit_code == 0, run.output
    run = cli.invoke(app, ["review", "stance", vlf[:12], "--set", "party:Front", "--reason", "renamed", "--db", url])
    assert run.exit_code == 0 and "party:Valley Liberation Front -> party:Front" in run.output, run.output
    repo = Repository.open(url)
    try:
        inc = next(i for i in list_incidents(repo) if i["sub_type"] == SHELL)
        assert inc["sources"]["count"] == 3 and "party:Front" in inc["sources"]["by_stance"]
        assert [a["action"] for a in repo.audit()][-3:] == ["split", "merge", "stance"]
    finally:
        repo.close()


# -- pure: cannot-links and the self_victim_only flag -------------------------------------------------

def test_a_cannot_link_keeps_two_events_apart_even_when_seeded() -> None:
    a, b, c = item("a", "d1", seq=0), item("b", "d2", seq=1), item("c", "d3", seq=2)
    assert len(cluster([a, b, c])) == 1
    groups = cluster([a, b, c], cannot=[("a", "c")])
    assert all(not {"a", "c"} <= {x.key for x in g} for g in groups)
    assert len(cluster([a, b], seed=[["a", "b"]], cannot=[("a", "b")])) == 2


def _ev(doc: str, actors: list[tuple[str, str, str]], certainty: str = "asserted") -> Claim:
    ev = Event(id="e1", event_type="Explosions/Remote violence", sub_type=SHELL, summary="A shelling.",
               date=DateInfo(start="2020-09-27", end="2020-09-27", precision="day"),
               locations=[Location(name="Tartar", name_as_written="Tartar", lat=40.34, lon=46.93)],
               actors=[Actor(name=n, normalized=n, kind="state_forces", country_code=cc, role=role)
                       for n, role, cc in actors], claimed_by=doc, certainty=certainty)
    return Claim(ev, doc, "party:Azerbaijan" if doc == "az" else "party:Armenia")


def test_self_victim_only_flags_a_party_that_names_its_side_only_as_victim() -> None:
    az = _ev("az", [("Military Forces of Armenia", "initiator", "AM"), ("Military Forces of Azerbaijan", "target", "AZ")])
    am = _ev("am", [("Military Forces of Azerbaijan", "initiator", "AZ"), ("Armenian soldiers", "victim", "AM")])
    inc = build_incident(cluster([to_item(az, 0), to_item(am, 1)])[0])
    assert "self_victim_only" in inc["flags"]
    # a side that also names itself as initiator is not flagged
    both = _ev("am", [("Military Forces of Armenia", "initiator", "AM"), ("Military Forces of Armenia", "target", "AM")])
    inc = build_incident(cluster([to_item(both, 0)])[0])
    assert "self_victim_only" not in inc["flags"]
    # nor a side that does not name itself at all
    silent = _ev("am", [("Military Forces of Azerbaijan", "initiator", "AZ")])
    assert "self_victim_only" not in build_incident(cluster([to_item(silent, 0)])[0])["flags"]
