"""Scale-out: the synthetic corpus generator, and ingestion on a Dask cluster of 2 worker processes.

The cluster tests share one ``LocalCluster`` (each worker loads spaCy and fits the classifier once,
about 20 s on 2 cores); the test that kills a worker runs last.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from incidex.domain.ids import document_id
from incidex.scale.corpus import LABEL, PUBLISHERS, generate, write_corpus

from .store_fixtures import pg_or_skip, pg_schema

# -- the generator (fast) ------------------------------------------------------------------------------


def test_same_seed_same_corpus_and_a_smaller_corpus_is_a_prefix_of_a_larger_one() -> None:
    big = [r.text for r, _ in generate(60, seed=5)]
    assert big == [r.text for r, _ in generate(60, seed=5)]
    assert [r.text for r, _ in generate(25, seed=5)] == big[:25]
    assert [r.text for r, _ in generate(60, seed=6)] != big
    assert len(big) == 60 and len({document_id(t) for t in big}) == 60  # every document is distinct


def test_reports_are_labelled_synthetic_and_readable_with_publisher_and_date(tmp_path: Path) -> None:
    from incidex.services.extract import ExtractOptions, read_documents

    write_corpus(tmp_path, 40, seed=2)
    docs = list(read_documents([str(tmp_path)], ExtractOptions()))
    assert len(docs) == 40  # README.md and .incidents.jsonl are not documents
    names = {p.name for p in PUBLISHERS}
    for d in docs:
        assert not isinstance(d, Exception), d
        assert d.text.startswith(LABEL + "\n")
        assert d.publisher in names
        assert d.published and date.fromisoformat(d.published)


def test_incidents_are_told_by_several_sources_that_disagree() -> None:
    by_incident: dict[int, list[Any]] = {}
    for report, inc in generate(400, seed=1):
        by_incident.setdefault(inc.id, []).append(report)
    assert {r.publisher.code for rs in by_incident.values() for r in rs} == {p.code for p in PUBLISHERS}
    multi = [rs for rs in by_incident.values() if len({r.publisher.code for r in rs}) >= 2]
    assert len(multi) >= 0.9 * len(by_incident)

    def dates(r: Any) -> set[date]:
        from datetime import datetime

        return {datetime.strptime(m, "%d %B %Y").date() for m in re.findall(r"On (\d{1,2} \w+ \d{4}),", r.body)}

    one_day_apart = sum(1 for rs in multi if any(
        abs((a - b).days) == 1 for r1 in rs for r2 in rs for a in list(dates(r1))[:1] for b in list(dates(r2))[:1]))
    assert one_day_apart >= 5
    texts = " ".join(r.text for rs in by_incident.values() for r in rs)
    assert "Özgön" in texts and "Uzgen" in texts  # spellings differ by source
    assert "categorically denies" in texts  # denials


def test_demo_corpus_command_writes_files_and_refuses_to_overwrite(tmp_path: Path) -> None:
    from incidex.cli.main import app

    out = tmp_path / "corpus"
    res = CliRunner().invoke(app, ["demo-corpus", "--docs", "12", "--seed", "3", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert len(list(out.glob("*.txt"))) == 12
    assert (out / "README.md").exists() and len((out / ".incidents.jsonl").read_text().splitlines()) >= 3
    again = CliRunner().invoke(app, ["demo-corpus", "--docs", "5", "--out", str(out)])
    assert again.exit_code == 2 and "E403" in again.output
    forced = CliRunner().invoke(app, ["demo-corpus", "--docs", "5", "--out", str(out), "--force"])
    assert forced.exit_code == 0 and len(list(out.glob("*.txt"))) == 5


def test_cli_import_stays_free_of_dask() -> None:
    code = "import sys, incidex.cli.main; print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_workers_and_scheduler_together_are_refused(tmp_path: Path) -> None:
    from incidex.cli.main import app

    res = CliRunner().invoke(app, ["ingest", str(tmp_path), "--db", str(tmp_path / "s.sqlite"), "--workers", "2",
                                   "--scheduler", "tcp://127.0.0.1:8786"])
    assert res.exit_code == 2 and "not both" in res.output


def test_unreachable_scheduler_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from incidex.cli.main import app
    from incidex.scale import dask_ingest

    real = dask_ingest.dask_client
    monkeypatch.setattr(dask_ingest, "dask_client",
                        lambda workers, scheduler: real(workers, scheduler, connect_timeout="2s"))
    write_corpus(tmp_path / "c", 2, seed=1)
    res = CliRunner().invoke(app, ["ingest", str(tmp_path / "c"), "--db", str(tmp_path / "s.sqlite")],
                             env={"INCIDEX_DASK_SCHEDULER": "tcp://127.0.0.1:9"})
    assert res.exit_code == 2 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in res.output


# -- on a cluster of 2 worker processes (slow) -----------------------------------------------------------


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    from incidex.scale.dask_ingest import dask_client

    with dask_client(workers=2) as c:
        yield c


@pytest.fixture
def pg_url() -> Iterator[str]:
    pg_or_skip()
    with pg_schema("scale") as url:
        yield url


def _expected(folder: Path) -> set[str]:
    return {document_id(p.read_text(encoding="utf-8")) for p in folder.glob("*.txt")}


def _stored_once(url: str, expected: set[str]) -> None:
    """Every expected document is in the store, with exactly one extraction run, and nothing else is."""
    import sqlalchemy as sa

    from incidex.store.db import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        docs = [r[0] for r in conn.execute(sa.text("SELECT id FROM documents"))]
        runs = [r[0] for r in conn.execute(sa.text("SELECT document_id FROM extraction_runs"))]
    engine.dispose()
    assert sorted(docs) == sorted(expected)
    assert sorted(runs) == sorted(expected)


@pytest.mark.slow
@pytest.mark.postgres
def test_two_workers_store_every_document_once_in_postgres_and_a_rerun_sends_only_new_ones(
        client: Any, pg_url: str, tmp_path: Path) -> None:
    from incidex.scale.dask_ingest import ScaleStats, ingest_on_dask
    from incidex.store.repository import Repository

    write_corpus(tmp_path / "c", 20, seed=11)
    expected = _expected(tmp_path / "c")
    repo = Repository.open(pg_url)
    try:
        stats = ScaleStats()
        results = list(ingest_on_dask([str(tmp_path / "c")], repo, client, batch_size=3, stats=stats))
        assert sorted(r.document_id for r in results) == sorted(expected)  # type: ignore[union-attr]
        assert all(r.stored for r in results)  # type: ignore[union-attr]
        assert stats.stored_by == "workers" and stats.workers == 2
        assert len(stats.extract_docs) == 2  # both worker processes extracted
        _stored_once(pg_url, expected)
        assert repo.count("events") > 20
        write_corpus(tmp_path / "c", 25, seed=11)  # the same 20 documents and 5 more
        again = ScaleStats()
        rerun = list(ingest_on_dask([str(tmp_path / "c")], repo, client, batch_size=3, stats=again))
        assert again.submitted == 5  # only the new documents went to the cluster
        assert sum(r.stored for r in rerun) == 5 and len(rerun) == 25  # type: ignore[union-attr]
        _stored_once(pg_url, _expected(tmp_path / "c"))
    finally:
        repo.close()


@pytest.mark.slow
def test_on_sqlite_the_client_is_the_single_writer(client: Any, tmp_path: Path) -> None:
    from incidex.scale.dask_ingest import ScaleStats, ingest_on_dask
    from incidex.store.repository import Repository

    write_corpus(tmp_path / "c", 10, seed=12)
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    repo = Repository.open(url)
    try:
        stats = ScaleStats()
        results = list(ingest_on_dask([str(tmp_path / "c")], repo, client, batch_size=4, stats=stats))
        assert stats.stored_by == "client" and sum(r.stored for r in results) == 10  # type: ignore[union-attr]
    finally:
        repo.close()
    _stored_once(url, _expected(tmp_path / "c"))


@pytest.mark.slow
def test_ingest_command_with_workers_prints_what_the_serial_one_prints(
        client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from contextlib import nullcontext

    from incidex.cli.main import app
    from incidex.scale import dask_ingest

    seen: list[tuple[int | None, str | None]] = []

    def shared(workers: int | None, scheduler: str | None) -> Any:
        seen.append((workers, scheduler))
        return nullcontext(client)  # the module's cluster stands in for a new one: no second model load

    monkeypatch.setattr(dask_ingest, "dask_client", shared)
    write_corpus(tmp_path / "c", 6, seed=13)
    db = str(tmp_path / "s.sqlite")
    res = CliRunner().invoke(app, ["ingest", str(tmp_path / "c"), "--db", db, "--workers", "2"])
    assert res.exit_code == 0, res.output
    assert res.output.count("stored ") == 6 and "6 stored, 0 already stored, 0 failed (2 workers" in res.output
    res = CliRunner().invoke(app, ["ingest", str(tmp_path / "c"), "--db", db],
                             env={"INCIDEX_DASK_SCHEDULER": "tcp://10.0.0.1:8786"})
    assert res.exit_code == 0 and "0 stored, 6 already stored" in res.output
    assert seen == [(2, None), (None, "tcp://10.0.0.1:8786")]


@pytest.mark.slow
@pytest.mark.postgres
def test_a_worker_killed_mid_run_loses_no_document_and_duplicates_none(
        client: Any, pg_url: str, tmp_path: Path) -> None:
    from incidex.scale.dask_ingest import ingest_on_dask
    from incidex.store.repository import Repository

    write_corpus(tmp_path / "c", 24, seed=14)
    expected = _expected(tmp_path / "c")
    repo = Repository.open(pg_url)
    before = dict(client.run(os.getpid))
    killed = None
    try:
        results = []
        for r in ingest_on_dask([str(tmp_path / "c")], repo, client, batch_size=2):
            results.append(r)
            if killed is None:  # the first batch is stored: kill a worker while the others are in flight
                killed = next(iter(before.values()))
                os.kill(killed, signal.SIGKILL)
        assert killed is not None
        assert {r.document_id for r in results} == expected  # type: ignore[union-attr]
        _stored_once(pg_url, expected)
    finally:
        repo.close()
    client.wait_for_workers(2, timeout=120)  # the nanny restarted the killed worker
    assert killed not in dict(client.run(os.getpid)).values()
