"""The extract command as a user runs it: formats, bad input, exit codes, schema validity."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from incidex.domain.models import json_schema

from .conftest import DEMO

pytestmark = pytest.mark.slow


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "incidex.cli", "extract", *args], input=stdin,
                          capture_output=True, timeout=600)


@pytest.fixture(scope="module")
def demo_records() -> list[dict]:
    out = run(str(DEMO), "--format", "jsonl")
    assert out.returncode == 0, out.stderr.decode()
    return [json.loads(line) for line in out.stdout.decode().splitlines()]


def test_demo_corpus_is_schema_valid_with_exact_spans(demo_records):
    schema = json_schema()
    assert len(demo_records) >= 17  # 15 text/HTML files + 2 JSONL records
    for rec in demo_records:
        jsonschema.validate(rec, schema)
    texts = {}
    for f in sorted(DEMO.glob("*.txt")):
        texts[f.read_text(encoding="utf-8")] = f
    for rec in demo_records:
        for ev in rec["events"]:
            for s in ev["evidence"]:
                assert s["end"] - s["start"] == len(s["quote"])


def test_demo_corpus_has_events_places_casualties_and_attribution(demo_records):
    events = [e for r in demo_records for e in r["events"]]
    assert len(events) >= 25
    assert {e["event_type"] for e in events} >= {"Battles", "Explosions/Remote violence", "Protests",
                                                 "Strategic developments", "Violence against civilians"}
    located = [e for e in events if e["locations"] and e["locations"][0]["lat"] is not None]
    assert len(located) >= 0.6 * len(events)
    assert sum(len(e["casualties"]) for e in events) >= 10
    stances = {r["document"]["stance"] for r in demo_records}
    assert "neutral" in stances and any(s.startswith("party:") for s in stances)


def test_bad_files_are_reported_and_the_batch_goes_on(tmp_path: Path):
    good = tmp_path / "good.txt"
    good.write_text("On 3 March 2024 shelling hit Osh, killing 2 civilians, the ministry said.", encoding="utf-8")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 20)
    bad_pdf = tmp_path / "broken.pdf"
    bad_pdf.write_bytes(b"%PDF-1.4 not really")
    empty_html = tmp_path / "empty.html"
    empty_html.write_text("<html><body><script>1</script></body></html>")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    out = run(str(good), str(binary), str(bad_pdf), str(empty_html), str(empty), str(tmp_path / "missing.txt"),
              "--format", "jsonl")
    err = out.stderr.decode()
    assert out.returncode == 2
    assert "Traceback" not in err
    for name, code in (("blob.txt", "E103"), ("broken.pdf", "E10"), ("empty.html", "E105"), ("missing.txt", "E101")):
        assert any(name in line and f"error [{code}" in line for line in err.splitlines()), (name, err)
    recs = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert len(recs) == 2  # good.txt and the empty file (with a warning)
    assert recs[0]["events"] and recs[0]["events"][0]["locations"][0]["country_code"] == "KG"
    assert recs[1]["events"] == [] and recs[1]["warnings"]


def test_stdin_table_and_options(tmp_path: Path):
    text = b"Yesterday gunmen abducted five aid workers near Batken, police said."
    out = run("-", "--published", "2024-03-15", "--publisher", "Example Wire", stdin=text)
    assert out.returncode == 0, out.stderr.decode()
    rec = json.loads(out.stdout)
    assert rec["document"]["published"] == "2024-03-15" and rec["document"]["source"]["publisher"] == "Example Wire"
    ev = rec["events"][0]
    assert ev["date"]["start"] == "2024-03-14" and ev["date"]["anchor"] == "publication"
    assert ev["claimed_by"] != "Example Wire" and ev["certainty"] == "reported"
    table = run("-", "--format", "table", stdin=text)
    assert table.returncode == 0 and b"events per type" in table.stdout
    bad = run("-", "--published", "15/03/2024", stdin=text)
    assert bad.returncode == 2 and b"error [E109]" in bad.stderr and b"Traceback" not in bad.stderr


def test_out_file_is_not_overwritten_without_force(tmp_path: Path):
    target = tmp_path / "out.json"
    target.write_text("keep")
    out = run("-", "--out", str(target), stdin=b"Protesters marched in Osh.")
    assert out.returncode == 2 and b"E403" in out.stderr and target.read_text() == "keep"
    out = run("-", "--out", str(target), "--force", stdin=b"Protesters marched in Osh.")
    assert out.returncode == 0 and json.loads(target.read_text())["schema"] == "incidex/1"


def test_max_chars(tmp_path: Path):
    big = tmp_path / "big.txt"
    big.write_text("Shelling hit Osh. " * 200)
    out = run(str(big), "--max-chars", "500")
    assert out.returncode == 2 and b"E106" in out.stderr
