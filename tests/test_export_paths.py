"""The export path policy: `--out` must lie under the current directory or INCIDEX_EXPORT_DIR, with symlinks
and `..` resolved first; `-` (standard output) is always allowed; a refusal is `error [E404]`, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from .store_fixtures import CannedExtractor, write_docs


@pytest.fixture(name="setup")
def setup_fixture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Path, Path]:
    """A one-document store; the current directory ``work``; ``outside`` beside it."""
    from incidex.services.ingest import ingest
    from incidex.store.repository import Repository

    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    repo = Repository.open(url)
    list(ingest(write_docs(tmp_path / "docs", 1), repo, extractor=CannedExtractor()))
    repo.close()
    work, outside = tmp_path / "work", tmp_path / "outside"
    work.mkdir()
    outside.mkdir()
    monkeypatch.delenv("INCIDEX_EXPORT_DIR", raising=False)
    monkeypatch.chdir(work)
    return url, work, outside


def _export(url: str, out: str, *extra: str):  # type: ignore[no-untyped-def]
    from incidex.cli.main import app

    return CliRunner().invoke(app, ["export", "-f", "jsonl", "-o", out, "--db", url, *extra])


def _refused(r, outside: Path) -> None:  # type: ignore[no-untyped-def]
    assert r.exit_code == 2, r.output
    assert "error [E404]" in r.output and "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert list(outside.iterdir()) == []  # nothing written, not even the temporary file


def test_under_the_current_directory_is_allowed(setup: tuple[str, Path, Path]) -> None:
    url, work, _ = setup
    (work / "sub").mkdir()
    for out in ("a.jsonl", "sub/b.jsonl", str(work / "c.jsonl"), "sub/../d.jsonl"):
        r = _export(url, out)
        assert r.exit_code == 0, r.output
    assert sorted(p.name for p in work.rglob("*.jsonl")) == ["a.jsonl", "b.jsonl", "c.jsonl", "d.jsonl"]


def test_an_absolute_path_outside_is_refused(setup: tuple[str, Path, Path]) -> None:
    url, _, outside = setup
    _refused(_export(url, str(outside / "x.jsonl")), outside)
    _refused(_export(url, str(outside / "x.jsonl"), "--force"), outside)  # --force does not lift the policy


def test_dotdot_escape_is_refused(setup: tuple[str, Path, Path]) -> None:
    url, _, outside = setup
    _refused(_export(url, "../outside/x.jsonl"), outside)
    _refused(_export(url, "sub/../../outside/x.jsonl"), outside)


def test_symlink_escapes_are_refused(setup: tuple[str, Path, Path]) -> None:
    url, work, outside = setup
    (work / "link").symlink_to(outside, target_is_directory=True)  # a directory link pointing out
    _refused(_export(url, "link/x.jsonl"), outside)
    victim = outside / "victim.txt"
    (work / "file-link.jsonl").symlink_to(victim)  # a file link pointing out (dangling: resolved all the same)
    r = _export(url, "file-link.jsonl", "--force")
    assert r.exit_code == 2 and "error [E404]" in r.output and not victim.exists()


def test_standard_output_is_always_allowed(setup: tuple[str, Path, Path]) -> None:
    url, work, _ = setup
    r = _export(url, "-")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output.splitlines()[0])["schema"] == "incidex/1"
    assert list(work.iterdir()) == []


def test_incidex_export_dir_moves_the_allowed_place(setup: tuple[str, Path, Path],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    url, work, outside = setup
    monkeypatch.setenv("INCIDEX_EXPORT_DIR", str(outside))
    r = _export(url, str(outside / "x.jsonl"))
    assert r.exit_code == 0, r.output
    assert (outside / "x.jsonl").exists()
    r = _export(url, "here.jsonl")  # the current directory is no longer the allowed place
    assert r.exit_code == 2 and "error [E404]" in r.output and not (work / "here.jsonl").exists()


def test_allowed_target_resolves_before_checking(tmp_path: Path) -> None:
    from incidex.errors import ConfigError
    from incidex.export import allowed_target

    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    assert allowed_target("-", root) is None
    assert allowed_target(root / "a" / ".." / "x.csv", root) == (root / "x.csv").resolve()
    with pytest.raises(ConfigError) as exc:
        allowed_target(root / ".." / "x.csv", root)
    assert exc.value.code == "E404"
    (root / "up").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(ConfigError):
        allowed_target(root / "up" / "x.csv", root)
