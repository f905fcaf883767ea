"""`incidex reextract` and `incidex review add` on SQLite and PostgreSQL: analyst decisions survive a pipeline change."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from incidex.domain.document import RawDocument
from incidex.domain.ids import document_id
from incidex.domain.models import (
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

S1 = "On 3 March, forces shelled the town of Uzgen and killed 4 civilians."
S2 = "On 4 March, troops clashed with rebels near Osh."
S3 = "On 5 March, police detained 12 protesters in Jalal-Abad."
S4 = "On 6 March, a drone struck a market in Batken."
S5 = "On 7 March, residents protested in Naryn against the curfew."
TEXT = " ".join((S1, S2, S3, S4, S5))
PUBLISHER = "Ministry of Defence of Ardania"
UZGEN = Location(name="Uzgen", name_as_written="Uzgen", country_code="KG", lat=40.77, lon=73.30, feature="town",
                 geo_precision=1, candidates=1, span=Span.of(TEXT, TEXT.index("Uzgen"), TEXT.index("Uzgen") + 5))

# sentence, event type, sub-type, date
A = [(S1, "Explosions/Remote violence", "Shelling/artillery/missile attack", "2024-03-03"),
     (S2, "Battles", "Armed clash", "2024-03-04"),
     (S3, "Strategic developments", "Arrests", "2024-03-05"),
     (S4, "Explosions/Remote violence", "Air/drone strike", "2024-03-06")]
# pipeline B: evidence spans lose their date clause (they shift), the order changes, S4's event is gone
B = [(S3, "Strategic developments", "Arrests", "2024-03-05"),
     (S1, "Explosions/Remote violence", "Shelling/artillery/missile attack", "2024-03-03"),
     (S2, "Battles", "Armed clash", "2024-03-04")]


def _span(text: str, sentence: str, trim: int = 0) -> Span:
    i = text.index(sentence) + trim
    return Span.of(text, i, text.index(sentence) + len(sentence))


def _record(text: str, spec: list[tuple[str, str, str, str]], trim: int) -> Extraction:
    evs = []
    for k, (sentence, et, sub, day) in enumerate(spec, 1):
        ev_span = _span(text, sentence, trim)
        extra: dict[str, object] = {}
        if sentence == S1:
            i = text.index("killed 4")
            extra = {"locations": [UZGEN.model_copy(update={"span": Span.of(text, text.index("Uzgen"),
                                                                            text.index("Uzgen") + 5)})],
                     "casualties": [Casualty(outcome="killed", group="civilian", low=4, best=4, high=4, text="4",
                                             claimed_by=PUBLISHER, span=Span.of(text, i + 7, i + 8))]}
        evs.append(Event(id=f"e{k}", event_type=et, sub_type=sub, summary=sentence, claimed_by=PUBLISHER,
                         date=DateInfo(start=day, end=day, precision="day", anchor="explicit"),
                         evidence=[ev_span], confidence=0.7, **extra))  # type: ignore[arg-type]
    return Extraction(document=DocumentInfo(id=document_id(text), title="Bulletin", chars=len(text),
                                            source=Source(name=PUBLISHER, publisher=PUBLISHER)), events=evs)


class Canned(Extractor):
    def __init__(self, spec: list[tuple[str, str, str, str]], trim: int = 0, name: str = "canned-a") -> None:
        self.annotator = type("Canned", (), {"name": name})()
        self.gaz = None  # type: ignore[assignment]
        self.spec, self.trim = spec, trim

    def extract_many(self, raws: Iterable[RawDocument]) -> Iterator[Extraction]:
        for raw in raws:
            yield _record(raw.text, self.spec, self.trim)


PIPE_A = Canned(A)
PIPE_B = Canned(B, trim=len("On 3 March, "), name="canned-b")


def _ingest(url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    from incidex.services.ingest import ingest
    from incidex.store.repository import Repository

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "bulletin.txt").write_text(TEXT, encoding="utf-8")
    repo = Repository.open(url)
    [res] = list(ingest([str(tmp_path / "docs")], repo, extractor=PIPE_A, collector="alice"))
    return repo, res.document_id


def _by_sentence(repo, sentence: str, status: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    hits = [e for e in repo.list_claims("event", status, limit=1000) if sentence.endswith(e["quote"])]
    assert len(hits) == 1, hits
    return hits[0]


def _review(repo, doc_id: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from incidex.services import review

    ids = {s: _by_sentence(repo, s)["id"] for s in (S1, S2, S3, S4)}
    review.confirm(repo, f"event:{ids[S1]}", "alice", reason="matches the video")
    review.edit(repo, f"event:{ids[S2]}", "bob", ["certainty=alleged", "date_start=2024-03-05",
                                                  "date_end=2024-03-05"], reason="the clash began after midnight")
    review.reject(repo, f"event:{ids[S3]}", "alice", reason="a detention, not a mass arrest")
    review.confirm(repo, f"event:{ids[S4]}", "alice")
    cas = repo.list_claims("casualty")[0]
    review.reject(repo, f"casualty:{cas['id']}", "bob", reason="the figure is from another day")
    start = TEXT.index(S5)
    added = review.add(repo, "event", doc_id[:12], start, start + len(S5),
                       ["sub_type=Peaceful protest", "date_start=2024-03-07"], reason="missed by the model", user="carol")
    ids[S5] = added["id"]
    return ids


def test_reextract_keeps_every_decision_on_a_pipeline_change(db_url: str, tmp_path: Path) -> None:
    from incidex.services.reextract import reextract

    repo, doc_id = _ingest(db_url, tmp_path)
    try:
        old = _review(repo, doc_id)
        [out] = list(reextract(repo, [doc_id], extractor=PIPE_B))
        assert not isinstance(out, Exception)
        assert len(out.reanchored) == 4 and len(out.carried) == 1  # 3 events + the casualty; the added event
        assert out.orphaned == [("events", old[S4])]

        # the decisions sit on the new claims (shifted spans, other keys), the edit re-applied
        confirmed, edited, rejected = (_by_sentence(repo, s) for s in (S1, S2, S3))
        assert confirmed["review_status"] == "confirmed" and confirmed["id"] != old[S1]
        assert confirmed["quote"] == S1[len("On 3 March, "):]
        assert edited["review_status"] == "edited" and edited["certainty"] == "alleged"
        assert (edited["date_start"], edited["date_end"]) == ("2024-03-05", "2024-03-05")
        assert rejected["review_status"] == "rejected" and rejected["event_key"] == "e1"
        [cas] = repo.list_claims("casualty")
        assert cas["review_status"] == "rejected" and cas["event_id"] == confirmed["id"]
        added = _by_sentence(repo, S5)
        assert (added["review_status"], added["origin"], added["sub_type"]) == (
            "analyst_added", "analyst", "Peaceful protest")

        # the dropped one is flagged, not lost
        [orphan] = repo.list_claims("event", "orphaned")
        assert orphan["id"] == old[S4] and orphan["quote"] == S4
        assert {e["id"] for e in repo.list_claims("event")}.isdisjoint(old.values())

        # the audit log says all of it
        log = repo.audit()
        trail = [(a["action"], a["user_name"]) for a in log if a["action"] in ("reanchor", "orphan")]
        assert trail.count(("reanchor", "incidex-reextract")) == 5
        assert trail.count(("orphan", "incidex-reextract")) == 1
        [orph] = [a for a in log if a["action"] == "orphan"]
        assert orph["claim_id"] == old[S4] and orph["before"]["review_status"] == "confirmed"
        assert orph["after"]["review_status"] == "orphaned"
        [re_edit] = repo.audit(f"event:{edited['id']}")
        assert re_edit["action"] == "reanchor" and re_edit["before"]["id"] == old[S2]
        assert re_edit["after"]["certainty"] == "alleged" and "edit re-applied" in re_edit["reason"]
        add_log = repo.audit(f"event:{old[S5]}")
        assert [(a["action"], a["user_name"], a["after"]["review_status"]) for a in add_log] == [
            ("add", "carol", "analyst_added")]

        # the export reflects the decisions: no rejected event, the edit applied, the added event in
        rec = repo.get_record(doc_id)
        assert rec is not None
        assert sorted(e.sub_type for e in rec.record.events) == [
            "Armed clash", "Peaceful protest", "Shelling/artillery/missile attack"]
        assert [c.text for e in rec.record.events for c in e.casualties] == []

        # again with the same pipeline: everything stays, the orphan is not reported twice
        [again] = list(reextract(repo, [doc_id], extractor=PIPE_B, user="dave"))
        assert not isinstance(again, Exception) and len(again.reanchored) == 4
        assert [a["action"] for a in repo.audit() if a["user_name"] == "dave"].count("orphan") == 0
        assert _by_sentence(repo, S2)["certainty"] == "alleged"
        # back to pipeline A: the orphaned decision finds its event again
        [back] = list(reextract(repo, [doc_id], extractor=PIPE_A, user="dave"))
        assert not isinstance(back, Exception) and back.orphaned == []
        assert _by_sentence(repo, S4)["review_status"] == "confirmed"
        assert repo.list_claims("event", "orphaned") == []
    finally:
        repo.close()


def test_reextract_leaves_incidents_consistent(db_url: str, tmp_path: Path) -> None:
    from sqlalchemy import select

    from incidex.services.reconcile import reconcile
    from incidex.services.reextract import reextract
    from incidex.store.schema import events, extraction_runs, incident_events

    repo, doc_id = _ingest(db_url, tmp_path)
    try:
        reconcile(repo)
        [out] = list(reextract(repo, [doc_id], extractor=PIPE_B))
        assert not isinstance(out, Exception) and out.stale_incidents == 4
        reconcile(repo)
        with repo.engine.connect() as conn:
            members = set(conn.execute(select(incident_events.c.event_id)).scalars())
            current = set(conn.execute(select(events.c.id).join(extraction_runs, extraction_runs.c.id == events.c.run_id)
                                       .where(extraction_runs.c.is_current)).scalars())
        assert members == current and len(current) == 3
    finally:
        repo.close()


def test_review_add_validates_against_the_stored_text(db_url: str, tmp_path: Path) -> None:
    from incidex.errors import StoreError
    from incidex.services import review

    repo, doc_id = _ingest(db_url, tmp_path)
    try:
        for args, field in ((("event", doc_id, 0, 10, ["sub_type=Peaceful protest"], None), "reason"),
                            (("event", doc_id, 0, 10_000, ["sub_type=Peaceful protest"], "x"), "span"),
                            (("event", doc_id, 0, 10, [], "x"), "sub_type"),
                            (("event", doc_id, 0, 10, ["sub_type=Nonsense"], "x"), "sub_type"),
                            (("event", "f" * 64, 0, 10, ["sub_type=Peaceful protest"], "x"), "doc")):
            with pytest.raises(StoreError) as err:
                review.add(repo, *args, user="carol")  # type: ignore[misc]
            assert err.value.code == "E304" and field in err.value.message
        assert len(repo.list_claims("event")) == 4 and repo.audit() == []
    finally:
        repo.close()


def test_cli_review_add_and_reextract(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import incidex.services.extract as extract_service
    from incidex.cli.main import app

    repo, doc_id = _ingest(db_url, tmp_path)
    repo.close()
    runner = CliRunner()
    start = TEXT.index(S5)
    added = runner.invoke(app, ["review", "add", "event", "--doc", doc_id[:12], "--start", str(start),
                                "--end", str(start + len(S5)), "--set", "sub_type=Peaceful protest",
                                "--reason", "missed", "--user", "carol", "--db", db_url])
    assert added.exit_code == 0, added.output
    assert added.output.startswith("added event:")
    confirm_s4 = runner.invoke(app, ["review", "list", "--db", db_url]).output.splitlines()[3].split("\t")[0]
    assert runner.invoke(app, ["review", "confirm", confirm_s4, "--db", db_url]).exit_code == 0
    monkeypatch.setattr(extract_service, "_EXTRACTOR", PIPE_B)
    none = runner.invoke(app, ["reextract", "--db", db_url])
    assert none.exit_code == 2 and "--all" in none.output
    r = runner.invoke(app, ["reextract", "--all", "--user", "erin", "--db", db_url])
    assert r.exit_code == 0, r.output
    assert "1 re-extracted, 0 failed; 1 decisions re-anchored, 1 orphaned" in r.output
    orphans = runner.invoke(app, ["review", "list", "--status", "orphaned", "--db", db_url])
    assert orphans.exit_code == 0 and orphans.output.startswith(confirm_s4 + "\torphaned")
    listed = runner.invoke(app, ["review", "list", "--status", "analyst_added", "--db", db_url]).output
    assert listed.count("analyst_added") == 1 and "Peaceful protest" in listed
    missing = runner.invoke(app, ["reextract", "0" * 64, "--db", db_url])
    assert missing.exit_code == 2 and "E304" in missing.output and "Traceback" not in missing.output


def test_match_needs_overlap_and_the_same_type_and_is_one_to_one() -> None:
    from incidex.services.reextract import Candidate, Reviewed, match, overlap

    assert overlap((0, 10), (5, 15)) == pytest.approx(5 / 15) and overlap((0, 5), (5, 9)) == 0
    old = [Reviewed("events", 1, (0, 50), "Battles"), Reviewed("events", 2, (10, 40), "Battles"),
           Reviewed("events", 3, (60, 90), "Protests")]
    new = [Candidate("events", 11, (2, 50), "Battles"), Candidate("events", 12, (60, 90), "Riots"),
           Candidate("events", 13, (100, 120), "Battles")]
    assert match(old, new) == {("events", 1): 11}  # 2 loses 11 to the better overlap; 3's type changed
    parts = [Reviewed("casualties", 5, (3, 4), "killed", parent=1)]
    cands = [Candidate("casualties", 21, (3, 4), "killed", parent=99), Candidate("casualties", 22, (3, 5), "killed",
                                                                                 parent=11)]
    assert match(parts, cands, {1: 11}) == {("casualties", 5): 22}  # the part follows its event
