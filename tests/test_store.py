"""The store on SQLite and PostgreSQL: schema, round-trip of records, idempotent ingest, crash safety, review."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from .store_fixtures import CannedExtractor, db_url_fixture, make_record, variant, write_docs  # noqa: F401 - fixture

CLAIM_TABLES = ("events", "event_locations", "event_actors", "casualties", "aggregates", "legal_references",
                "framing", "extraction_runs")
PER_DOC = {"events": 1, "event_locations": 1, "event_actors": 2, "casualties": 4, "aggregates": 1,
           "legal_references": 1, "framing": 1, "extraction_runs": 1}


def _repo(url: str):  # type: ignore[no-untyped-def]
    from incidex.store.repository import Repository

    return Repository.open(url)


def _counts(repo) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {t: repo.count(t) for t in ("documents", *CLAIM_TABLES)}


def _expected(n: int) -> dict[str, int]:
    return {"documents": n, **{t: n * k for t, k in PER_DOC.items()}}


def test_migrations_create_exactly_the_declared_tables(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from incidex.store.db import current_revision, head_revision
    from incidex.store.schema import is_fts_object, metadata

    repo = _repo(db_url)
    try:
        assert current_revision(repo.engine) == head_revision()
        with repo.engine.connect() as conn:
            # the full-text search (FTS5 tables, GIN expression indexes) is made by migration 0006 alone
            ctx = MigrationContext.configure(conn, opts={"include_name": lambda name, *_: not is_fts_object(name)})
            diff = compare_metadata(ctx, metadata)
            assert diff == [], diff
            if db_url.startswith("sqlite"):
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    finally:
        repo.close()


def test_a_stored_record_reads_back_equal_with_its_provenance(db_url: str) -> None:
    from incidex.store.repository import Provenance, utcnow

    repo = _repo(db_url)
    try:
        rec = make_record()
        from .store_fixtures import TEXT

        prov = Provenance(text=TEXT, pipeline_version="incidex.pipeline.v1", config_hash="abc", retrieved_at=utcnow(),
                          collector="alice", origin="statement.txt")
        assert repo.add_extraction(rec, prov) is True
        assert repo.add_extraction(rec, prov) is False  # same hash: stored once
        back = repo.get_record(rec.document.id)
        assert back is not None
        assert back.record == rec
        assert back.provenance.text == TEXT
        assert (back.provenance.collector, back.provenance.origin, back.provenance.config_hash) == (
            "alice", "statement.txt", "abc")
        assert abs((back.provenance.retrieved_at - prov.retrieved_at).total_seconds()) < 1
        assert _counts(repo) == _expected(1)
    finally:
        repo.close()


def test_ingest_is_idempotent_by_hash(db_url: str, tmp_path: Path) -> None:
    from incidex import PIPELINE_VERSION
    from incidex.services.ingest import ingest

    paths = write_docs(tmp_path / "docs", 3)
    dup = tmp_path / "docs" / "copy-of-doc00.txt"
    dup.write_text(variant(0), encoding="utf-8")  # same text under another name
    repo = _repo(db_url)
    try:
        first = list(ingest([str(tmp_path / "docs")], repo, extractor=CannedExtractor(), collector="alice"))
        assert sum(r.stored for r in first) == 3 and sum(not r.stored for r in first) == 1
        second = list(ingest(paths, repo, extractor=CannedExtractor()))
        assert [r.stored for r in second] == [False, False, False]
        assert _counts(repo) == _expected(3)
        rec = repo.get_record(first[0].document_id)
        assert rec is not None and rec.provenance.pipeline_version == PIPELINE_VERSION
        assert rec.provenance.collector == "alice" and len(rec.provenance.config_hash) == 16
    finally:
        repo.close()


def test_cli_ingest_says_already_stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import incidex.services.extract as extract_service
    from incidex.cli.main import app

    monkeypatch.setattr(extract_service, "_EXTRACTOR", CannedExtractor())
    write_docs(tmp_path / "docs", 2)
    monkeypatch.chdir(tmp_path)  # the default database is ./incidex.sqlite
    monkeypatch.delenv("INCIDEX_DB", raising=False)
    runner = CliRunner()
    r1 = runner.invoke(app, ["ingest", "docs"])
    assert r1.exit_code == 0, r1.output
    assert "2 stored, 0 already stored" in r1.output
    assert (tmp_path / "incidex.sqlite").exists()
    r2 = runner.invoke(app, ["ingest", "docs"])
    assert r2.exit_code == 0, r2.output
    assert r2.output.count("already stored:") == 2 and "0 stored, 2 already stored" in r2.output


_KILLABLE = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from tests.store_fixtures import CannedExtractor
    from incidex.services.extract import ExtractOptions
    from incidex.services.ingest import ingest
    from incidex.store.repository import Repository

    repo = Repository.open({url!r})
    real_insert = repo._insert_runs
    n = 0

    def slow_insert(conn, items):
        global n
        ids = real_insert(conn, items)  # every row of the batch is written, not yet committed
        n += 1
        if n == {stop_at}:
            print("MIDWAY", flush=True)
            time.sleep(120)
        return ids

    repo._insert_runs = slow_insert
    for r in ingest([{folder!r}], repo, ExtractOptions(batch_size=2), extractor=CannedExtractor()):
        print("stored" if r.stored else "skipped", flush=True)
""")


def test_a_sigkilled_ingest_leaves_no_half_stored_document(db_url: str, tmp_path: Path) -> None:
    from incidex.services.ingest import ingest

    folder = tmp_path / "batch"
    write_docs(folder, 5)
    script = _KILLABLE.format(root=str(Path(__file__).resolve().parents[1]), url=db_url, folder=str(folder), stop_at=2)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert proc.stdout is not None
    lines = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.strip())
        if line.strip() == "MIDWAY":
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=30)
    assert lines == ["stored", "stored", "MIDWAY"], lines
    assert proc.returncode == -signal.SIGKILL

    repo = _repo(db_url)
    try:
        assert _counts(repo) == _expected(2)  # the second batch (documents 3 and 4) left nothing behind
        for rec in repo.iter_records():
            assert len(rec.record.events) == 1 and len(rec.record.framing) == 1
        results = list(ingest([str(folder)], repo, extractor=CannedExtractor()))
        assert sorted(r.stored for r in results) == [False, False, True, True, True]
        assert _counts(repo) == _expected(5)
    finally:
        repo.close()


def test_review_confirm_and_edit_go_to_the_audit_log(db_url: str) -> None:
    from incidex.errors import StoreError
    from incidex.services import review
    from incidex.store.repository import Provenance, utcnow

    from .store_fixtures import TEXT

    repo = _repo(db_url)
    try:
        rec = make_record()
        repo.add_extraction(rec, Provenance(TEXT, "v1", "h", utcnow()))
        ev = repo.list_claims("event")[0]
        ref = f"event:{ev['id']}"
        review.confirm(repo, ref, "alice")
        with pytest.raises(StoreError) as no_reason:
            review.edit(repo, ref, "bob", ["date_start=2020-10-03"], reason=None)
        assert no_reason.value.code == "E305"
        with pytest.raises(StoreError) as bad:
            review.edit(repo, ref, "bob", ["sub_type=Armed clash"], reason="typo")  # a Battles sub-type
        assert bad.value.code == "E304"
        review.edit(repo, ref, "bob", ["date_start=2020-10-03", "confidence=0.9"], reason="the video is dated 3 October")

        log = repo.audit(ref)
        assert [(a["user_name"], a["action"]) for a in log] == [("alice", "confirm"), ("bob", "edit")]
        edit = log[1]
        assert edit["reason"] == "the video is dated 3 October"
        assert edit["before"]["date_start"] == "2020-10-04" and edit["after"]["date_start"] == "2020-10-03"
        assert edit["before"]["review_status"] == "confirmed" and edit["after"]["review_status"] == "edited"
        assert edit["at"] and edit["at"] >= log[0]["at"]
        stored = repo.get_record(rec.document.id)
        assert stored is not None and stored.record.events[0].date.start == "2020-10-03"

        cas = [c for c in repo.list_claims("casualty") if c["text"] == "20"][0]
        review.reject(repo, f"casualty:{cas['id']}", "alice", reason="double-counted")
        stored = repo.get_record(rec.document.id)
        assert stored is not None and [c.text for c in stored.record.events[0].casualties] == ["at least 5", "7"]

        # append-only: the database itself refuses to change the log
        from sqlalchemy import delete, update
        from sqlalchemy.exc import DBAPIError

        from incidex.store.schema import audit_log

        for stmt in (update(audit_log).values(reason="rewritten"), delete(audit_log)):
            with pytest.raises(DBAPIError, match="append-only"), repo.engine.begin() as conn:
                conn.execute(stmt)
        assert len(repo.audit()) == 3
    finally:
        repo.close()


def test_cli_review_records_user_and_requires_a_reason(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from incidex.cli.main import app
    from incidex.store.repository import Provenance, utcnow

    from .store_fixtures import TEXT

    repo = _repo(db_url)
    repo.add_extraction(make_record(), Provenance(TEXT, "v1", "h", utcnow()))
    repo.close()
    monkeypatch.setenv("USER", "carol")
    runner = CliRunner()
    listed = runner.invoke(app, ["review", "list", "--db", db_url])
    assert listed.exit_code == 0 and listed.output.startswith("event:")
    ref = listed.output.split("\t")[0]
    assert runner.invoke(app, ["review", "confirm", ref, "--db", db_url]).exit_code == 0
    no_reason = runner.invoke(app, ["review", "edit", ref, "--set", "summary=x", "--db", db_url])
    assert no_reason.exit_code == 2 and "E305" in no_reason.output and "Traceback" not in no_reason.output
    ok = runner.invoke(app, ["review", "edit", ref, "--set", "certainty=alleged", "--reason", "denied later",
                             "--user", "dave", "--db", db_url])
    assert ok.exit_code == 0, ok.output
    shown = json.loads(runner.invoke(app, ["review", "show", ref, "--db", db_url]).output)
    assert shown["claim"]["certainty"] == "alleged"
    assert [(a["user_name"], a["action"], a["reason"]) for a in shown["audit"]] == [
        ("carol", "confirm", None), ("dave", "edit", "denied later")]
    missing = runner.invoke(app, ["review", "show", "event:999", "--db", db_url])
    assert missing.exit_code == 2 and "E303" in missing.output


def test_unreachable_database_is_a_clear_error_not_a_traceback() -> None:
    from incidex.cli.main import app

    r = CliRunner().invoke(app, ["review", "list", "--db", "postgresql+psycopg://postgres@127.0.0.1:1/none"])
    assert r.exit_code == 2
    assert "error [E301]" in r.output and "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)


def test_db_upgrade_creates_then_reports_current(tmp_path: Path) -> None:
    from incidex.cli.main import app
    from incidex.store.db import head_revision

    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    first = CliRunner().invoke(app, ["db", "upgrade", "--db", url])
    assert first.exit_code == 0 and f"empty -> {head_revision()}" in first.output
    again = CliRunner().invoke(app, ["db", "upgrade", "--db", url])
    assert again.exit_code == 0 and f"already at {head_revision()}" in again.output


_INGEST = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from tests.store_fixtures import CannedExtractor
    from incidex.services.ingest import ingest
    from incidex.store.repository import Repository

    repo = Repository.open({url!r})
    for r in ingest(sys.argv[1:], repo, extractor=CannedExtractor()):
        print(type(r).__name__, getattr(r, "stored", r), flush=True)
""")


def test_two_processes_ingesting_overlapping_batches_store_each_document_once(db_url: str, tmp_path: Path) -> None:
    from incidex.services.ingest import ingest

    paths = write_docs(tmp_path / "docs", 12)
    _repo(db_url).close()  # create the schema once, before the race
    script = _INGEST.format(root=str(Path(__file__).resolve().parents[1]), url=db_url)
    procs = [subprocess.Popen([sys.executable, "-c", script, *batch], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for batch in (paths[:8], list(reversed(paths[4:])))]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert "Error" not in out, out
    stored = sum(o.count("IngestResult True") for o, _ in outs)
    assert stored == 12  # the four documents both processes saw were stored by exactly one of them
    repo = _repo(db_url)
    try:
        assert _counts(repo) == _expected(12)
        assert not any(r.stored for r in ingest(paths, repo, extractor=CannedExtractor()))
    finally:
        repo.close()
