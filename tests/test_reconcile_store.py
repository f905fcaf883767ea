"""`incidex reconcile` on SQLite and PostgreSQL: ingest reports of two sides, one incident, its dispute, incrementally."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from incidex.domain.document import RawDocument
from incidex.domain.ids import document_id
from incidex.domain.models import (
    Actor,
    Casualty,
    DateInfo,
    DocumentInfo,
    Event,
    Extraction,
    Location,
    Source,
    Span,
)
from incidex.pipeline.assemble import Extractor

from .store_fixtures import db_url_fixture  # noqa: F401 - fixture

UZGEN = {"name": "Uzgen", "country_code": "KG", "lat": 40.76994, "lon": 73.30068, "feature": "town",
         "gazetteer_id": "geonames:1527513"}
OSH = {"name": "Osh", "country_code": "KG", "lat": 40.52828, "lon": 72.7985, "feature": "city",
       "gazetteer_id": "geonames:1527534"}

# text, publisher, stance, events: (key, type, sub_type, date, place, as written, certainty, actor, casualty)
DOCS = {
    "mod": ("On March 3, the Front shelled the city of Uzgen; 12 civilians were killed. "
            "On March 15 displaced families protested peacefully in Osh.",
            "Ministry of Defence of Ardania", "party:Ardania",
            [("e1", "Explosions/Remote violence", "Shelling/artillery/missile attack", "2024-03-03", UZGEN,
              "the city of Uzgen", "asserted", "Valley Liberation Front", ("killed", "civilian", 12, 12, 12, "12")),
             ("e2", "Protests", "Peaceful protest", "2024-03-15", OSH, "Osh", "asserted", None, None)]),
    "wire": ("Shells hit Uzgen on Monday, killing at least 8 civilians, officials said.",
             "Kestrel Wire Service", "neutral",
             [("e1", "Explosions/Remote violence", "Shelling/artillery/missile attack", "2024-03-04", UZGEN,
               "Uzgen", "reported", None, ("killed", "civilian", 8, None, None, "at least 8"))]),
    "vlf": ("The Front denies shelling Özgön; the so-called attack was staged.",
            "Information Centre of the Valley Liberation Front", "party:Valley Liberation Front",
            [("e1", "Explosions/Remote violence", "Shelling/artillery/missile attack", "2024-03-03", UZGEN,
              "Özgön", "denied", "Valley Liberation Front", None)]),
    "ngo": ("Valley Rights Watch documented the shelling of Uzgen on 3 March: 10 civilians were killed.",
            "Valley Rights Watch", "advocacy",
            [("e1", "Explosions/Remote violence", "Shelling/artillery/missile attack", "2024-03-03", UZGEN,
              "Uzgen", "asserted", None, ("killed", "civilian", 10, 10, 10, "10"))]),
}


def _sp(text: str, quote: str) -> Span:
    i = text.index(quote)
    return Span.of(text, i, i + len(quote))


def record(name: str) -> Extraction:
    text, publisher, stance, evs = DOCS[name]
    events = []
    for key, etype, sub, day, place, written, certainty, actor, cas in evs:
        loc = Location(**place, name_as_written=written, geo_precision=1, candidates=1, span=_sp(text, written))
        actors = [Actor(name=actor, normalized=actor, kind="rebel_group", role="initiator", span=None)] if actor else []
        casualties = []
        if cas:
            outcome, group, low, best, high, said = cas
            casualties = [Casualty(outcome=outcome, group=group, low=low, best=best, high=high,
                                   qualifier="exact" if best else "at_least", text=said, claimed_by=publisher,
                                   span=_sp(text, said))]
        sentence = next(s for s in text.split(". ") if written in s)
        events.append(Event(id=key, event_type=etype, sub_type=sub, summary=f"{publisher} reports a {sub.lower()}.",
                            date=DateInfo(start=day, end=day, precision="day", anchor="explicit"),
                            locations=[loc], actors=actors, casualties=casualties, claimed_by=publisher,
                            certainty=certainty, evidence=[_sp(text, sentence)], confidence=0.8))
    return Extraction(document=DocumentInfo(id=document_id(text), title=name, chars=len(text), stance=stance,
                                            source=Source(name=publisher, publisher=publisher), published="2024-03-05"),
                      events=events)


class TwoSidesExtractor(Extractor):
    """Hand-made records of reports from both sides: the store and the reconciliation are under test, not the model."""

    def __init__(self) -> None:
        self.annotator = type("Canned", (), {"name": "canned"})()
        self.gaz = None  # type: ignore[assignment]

    def extract_many(self, raws: Iterable[RawDocument]) -> Iterator[Extraction]:
        by_text = {DOCS[n][0]: n for n in DOCS}
        for raw in raws:
            yield record(by_text[raw.text.strip()])


def _write(folder: Path, names: list[str]) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for n in names:
        p = folder / f"{n}.txt"
        p.write_text(DOCS[n][0], encoding="utf-8")
        out.append(str(p))
    return out


def _ingest(repo, paths: list[str]) -> None:  # type: ignore[no-untyped-def]
    from incidex.services.ingest import ingest

    results = list(ingest(paths, repo, extractor=TwoSidesExtractor()))
    assert all(getattr(r, "stored", False) for r in results), results


def test_reports_of_both_sides_become_one_incident_with_the_dispute(db_url: str, tmp_path: Path) -> None:
    from incidex.services.reconcile import get_incident, list_incidents, reconcile
    from incidex.store.repository import Repository

    repo = Repository.open(db_url)
    try:
        _ingest(repo, _write(tmp_path / "a", ["mod", "wire", "vlf"]))
        res = reconcile(repo)
        assert (res.new_events, res.incidents_total) == (4, 2)
        incs = {i["sub_type"]: i for i in list_incidents(repo)}
        shelling, protest = incs["Shelling/artillery/missile attack"], incs["Peaceful protest"]
        assert shelling["sources"] == {"count": 3, "by_stance": {
            "party:Ardania": 1, "neutral": 1, "party:Valley Liberation Front": 1}}
        assert protest["sources"]["count"] == 1 and "single_party_sourcing" in protest["flags"]
        assert {e["document_id"] for e in shelling["events"]} == {record(n).document.id for n in ("mod", "wire", "vlf")}
        assert shelling["date"] == {"start": "2024-03-03", "end": "2024-03-04", "precision": "range", "text": None,
                                    "span": None, "anchor": "none"}
        killed = next(c for c in shelling["casualties"] if (c["outcome"], c["group"]) == ("killed", "civilian"))
        assert (killed["low"], killed["best"], killed["high"], killed["acled_fatalities"]) == (8, 8, 12, 8)
        dispute = next(d for d in shelling["disputes"] if d["field"] == "casualties.killed.civilian")
        assert sorted((v["value"], v["stance"]) for v in dispute["values"]) == [
            ("12", "party:Ardania"), ("at least 8", "neutral")]
        assert "denied_by_party" in shelling["flags"] and "figures_differ" not in shelling["flags"]
        assert any(d["field"] == "date" for d in shelling["disputes"])
        assert get_incident(repo, shelling["id"]) == shelling

        # incremental: a new report joins the existing incident, which keeps its id; the protest is untouched
        from sqlalchemy import select

        from incidex.store.schema import incidents

        def stamps() -> dict[str, object]:
            with repo.engine.connect() as conn:
                return dict(conn.execute(select(incidents.c.id, incidents.c.updated_at)).all())

        before = stamps()
        _ingest(repo, _write(tmp_path / "b", ["ngo"]))
        res = reconcile(repo)
        assert (res.new_events, res.incidents_written, res.incidents_total) == (1, 1, 2)
        after = stamps()
        assert after[protest["id"]] == before[protest["id"]] and after[shelling["id"]] != before[shelling["id"]]
        again = get_incident(repo, shelling["id"])
        assert again is not None and again["sources"]["count"] == 4
        assert reconcile(repo).new_events == 0  # nothing new: nothing rewritten
        assert reconcile(repo, full=True).incidents_total == 2
        assert get_incident(repo, shelling["id"]) is not None  # ids survive a full re-reconciliation
    finally:
        repo.close()


def test_cli_reconcile_list_and_show(tmp_path: Path) -> None:
    from incidex.cli.main import app
    from incidex.store.repository import Repository

    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    repo = Repository.open(url)
    _ingest(repo, _write(tmp_path / "a", ["mod", "wire", "vlf"]))
    repo.close()
    run = CliRunner().invoke(app, ["reconcile", "--db", url])
    assert run.exit_code == 0, run.output
    assert "4 new events" in run.output and "2 incidents in total" in run.output
    listed = CliRunner().invoke(app, ["incidents", "list", "--db", url, "--format", "json"])
    assert listed.exit_code == 0, listed.output
    shelling = next(i for i in json.loads(listed.output) if i["sources"]["count"] == 3)
    table = CliRunner().invoke(app, ["incidents", "show", shelling["id"], "--db", url])
    assert table.exit_code == 0, table.output
    for expected in ("claims side by side", "party:Valley Liberation Front", "denied", "Özgön", "at least 8",
                     "casualties.killed.civilian", "12 civilians were killed"):
        assert expected in table.output, expected
    missing = CliRunner().invoke(app, ["incidents", "show", "inc-nope", "--db", url])
    assert missing.exit_code == 2 and "error [E303]" in missing.output


def test_full_reconcile_streams_pages_and_windows_with_the_same_incidents(db_url: str, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole store read one event per page and clustered one day per window gives the incidents of the
    in-memory clustering of the same records."""
    import incidex.reconcile.stream as stream
    import incidex.services.reconcile as svc
    from incidex.store.repository import Repository

    repo = Repository.open(db_url)
    try:
        _ingest(repo, _write(tmp_path / "a", list(DOCS)))
        expected = sorted((i["id"], len(i["events"])) for i in svc.reconcile_records(record(n) for n in DOCS))
        monkeypatch.setattr(svc, "FULL_PAGE", 1)
        monkeypatch.setattr(stream, "WINDOW_DAYS", 1)
        res = svc.reconcile(repo, full=True)
        assert res.incidents_total == len(expected) == 2
        assert sorted((i["id"], len(i["events"])) for i in svc.list_incidents(repo)) == expected
    finally:
        repo.close()


@pytest.mark.parametrize("days", [1, 7])
def test_partitioned_reconcile_writes_the_same_incidents(db_url: str, tmp_path: Path, days: int) -> None:
    """Partitions of one day (every boundary cuts the Uzgen shelling, reported on 3 and 4 March) or a week,
    clustered and written by `reconcile_partition` tasks, then stitched: the incidents of one clustering."""
    import incidex.services.reconcile as svc
    from incidex.store.repository import Repository

    repo = Repository.open(db_url)
    try:
        _ingest(repo, _write(tmp_path / "a", list(DOCS)))
        expected = sorted((i["id"], len(i["events"])) for i in svc.reconcile_records(record(n) for n in DOCS))
        calls = []

        def tracking_map(fn, *its):  # type: ignore[no-untyped-def]
            calls.extend(its[1])
            return map(fn, *its)

        res = svc.reconcile_partitioned(repo, days=days, map_fn=tracking_map)
        assert len(calls) == (13 if days == 1 else 2)  # 3..15 March
        assert res.incidents_total == 2
        assert sorted((i["id"], len(i["events"])) for i in svc.list_incidents(repo)) == expected
    finally:
        repo.close()


@pytest.mark.slow
def test_cli_reconcile_on_dask_workers_gives_the_incidents_of_one_process(tmp_path: Path) -> None:
    """`incidex reconcile --workers 2 --partition-days 1`: every partition a task on a local Dask cluster."""
    from incidex.cli.main import app
    from incidex.services.reconcile import list_incidents, reconcile_records
    from incidex.store.repository import Repository

    url = f"sqlite:///{tmp_path / 'dask.sqlite'}"
    repo = Repository.open(url)
    try:
        _ingest(repo, _write(tmp_path / "a", list(DOCS)))
    finally:
        repo.close()
    r = CliRunner().invoke(app, ["reconcile", "--db", url, "--workers", "2", "--partition-days", "1"])
    assert r.exit_code == 0, r.output
    assert "2 incidents in total" in r.output
    repo = Repository.open(url)
    try:
        got = sorted((i["id"], len(i["events"])) for i in list_incidents(repo))
    finally:
        repo.close()
    assert got == sorted((i["id"], len(i["events"])) for i in reconcile_records(record(n) for n in DOCS))
