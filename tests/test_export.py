"""Exports: JSONL round-trips through `incidex import`; ACLED and UCDP CSV; GeoJSON; overwrite refused."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from .store_fixtures import CannedExtractor, db_url_fixture, make_record, variant, write_docs  # noqa: F401

ACLED_31 = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
    "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
]


@pytest.fixture(autouse=True)
def _export_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`incidex export --out` writes only under the current directory (or INCIDEX_EXPORT_DIR)."""
    monkeypatch.delenv("INCIDEX_EXPORT_DIR", raising=False)
    monkeypatch.chdir(tmp_path)


def _filled(url: str, n: int, tmp_path: Path):  # type: ignore[no-untyped-def]
    from incidex.services import review
    from incidex.services.ingest import ingest
    from incidex.store.repository import Repository

    repo = Repository.open(url)
    list(ingest(write_docs(tmp_path / "docs", n), repo, extractor=CannedExtractor(), collector="alice"))
    events = repo.list_claims("event")
    review.edit(repo, f"event:{events[0]['id']}", "bob", ["summary=Edited by an analyst."], reason="clearer")
    legal = repo.list_claims("legal")
    review.reject(repo, f"legal:{legal[-1]['id']}", "bob", reason="not invoked")
    return repo


def test_jsonl_export_import_round_trip(db_url: str, tmp_path: Path) -> None:
    from incidex.cli.main import app

    repo = _filled(db_url, 3, tmp_path)
    originals = [r.record for r in repo.iter_records()]
    repo.close()
    runner = CliRunner()
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    r = runner.invoke(app, ["export", "--format", "jsonl", "--out", str(a), "--db", db_url])
    assert r.exit_code == 0, r.output
    lines = [json.loads(x) for x in a.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 3 and all(x["schema"] == "incidex/1" for x in lines)
    assert sum(len(x["legal_references"]) for x in lines) == 2  # the rejected claim is left out
    assert any(x["events"][0]["summary"] == "Edited by an analyst." for x in lines)
    assert all(x["store"]["text"].startswith("Report ") and x["store"]["collector"] == "alice" for x in lines)

    other = f"sqlite:///{tmp_path / 'other.sqlite'}"
    r = runner.invoke(app, ["import", str(a), "--db", other])
    assert r.exit_code == 0 and "3 imported, 0 already stored" in r.output, r.output
    r = runner.invoke(app, ["import", str(a), "--db", other])
    assert "0 imported, 3 already stored" in r.output
    assert runner.invoke(app, ["export", "-f", "jsonl", "-o", str(b), "--db", other]).exit_code == 0
    assert b.read_text(encoding="utf-8") == a.read_text(encoding="utf-8")

    from incidex.store.repository import Repository

    back = Repository.open(other)
    try:
        imported = [r.record for r in back.iter_records()]
    finally:
        back.close()
    for orig, imp in zip(originals, imported, strict=True):
        assert imp == orig


def test_import_rejects_a_record_whose_text_does_not_match(tmp_path: Path) -> None:
    from incidex.cli.main import app

    line = {**make_record().to_json_dict(), "store": {"text": "something else"}}
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(line) + "\nnot json\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["import", str(bad), "--db", f"sqlite:///{tmp_path / 's.sqlite'}"])
    assert r.exit_code == 2 and r.output.count("error [E306]") == 2 and "Traceback" not in r.output


def test_acled_csv_has_the_31_columns_and_the_lowest_fatality_claim(tmp_path: Path) -> None:
    from incidex.export import export_to

    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    repo = _filled(url, 2, tmp_path)
    out = tmp_path / "acled.csv"
    assert export_to(out, "acled-csv", repo.iter_records()) == 2
    repo.close()
    with out.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == ACLED_31
        rows = list(reader)
    for row in rows:
        assert row["fatalities"] == "5"  # "at least 5" vs "7" civilians killed: ACLED codes the lowest
        assert "differ" in row["notes"] and "'7'" in row["notes"]
        assert (row["event_date"], row["year"], row["time_precision"], row["geo_precision"]) == (
            "2020-10-04", "2020", "1", "1")
        assert (row["actor1"], row["inter1"], row["actor2"], row["inter2"], row["interaction"]) == (
            "Military Forces of Armenia", "1", "Civilians", "7", "17")
        assert (row["country"], row["iso"], row["location"], row["civilian_targeting"]) == (
            "Azerbaijan", "31", "Ganja", "Civilian targeting")
        assert row["disorder_type"] == "Political violence"


def test_ucdp_csv_and_geojson(tmp_path: Path) -> None:
    from incidex.export import export_to

    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    repo = _filled(url, 1, tmp_path)
    ucdp, geo = tmp_path / "ged.csv", tmp_path / "events.geojson"
    export_to(ucdp, "ucdp-csv", repo.iter_records())
    export_to(geo, "geojson", repo.iter_records())
    repo.close()
    with ucdp.open(newline="", encoding="utf-8") as f:
        (row,) = list(csv.DictReader(f))
    assert (row["date_start"], row["date_end"], row["date_prec"], row["where_prec"]) == (
        "2020-10-04", "2020-10-04", "1", "1")
    assert (row["deaths_civilians"], row["deaths_unknown"], row["low"], row["best"], row["high"]) == (
        "5", "0", "5", "5", "7")
    assert row["type_of_violence"] == "3"  # one-sided: civilians were the target
    fc = json.loads(geo.read_text(encoding="utf-8"))
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 1
    feat = fc["features"][0]
    assert feat["geometry"] == {"type": "Point", "coordinates": [46.36, 40.68]}  # [lon, lat]
    assert feat["properties"]["fatalities_lowest"] == 5 and feat["properties"]["place"] == "Ganja"


def test_existing_export_path_is_refused_without_force(tmp_path: Path) -> None:
    from incidex.cli.main import app

    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    _filled(url, 1, tmp_path).close()
    out = tmp_path / "x.csv"
    out.write_text("keep me", encoding="utf-8")
    r = CliRunner().invoke(app, ["export", "-f", "acled-csv", "-o", str(out), "--db", url])
    assert r.exit_code == 2 and "error [E403]" in r.output and "Traceback" not in r.output
    assert out.read_text(encoding="utf-8") == "keep me"
    r = CliRunner().invoke(app, ["export", "-f", "acled-csv", "-o", str(out), "--db", url, "--force"])
    assert r.exit_code == 0 and out.read_text(encoding="utf-8").startswith("event_id_cnty,")
    r = CliRunner().invoke(app, ["export", "-f", "parquet-ish", "--db", url])
    assert r.exit_code == 2 and "error [E402]" in r.output


def test_streaming_pages_through_every_document_once(tmp_path: Path) -> None:
    from incidex.domain.ids import document_id
    from incidex.store.repository import Repository

    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    _filled(url, 7, tmp_path).close()
    repo = Repository.open(url)
    try:
        ids = [r.record.document.id for r in repo.iter_records(page=3)]  # three pages of 3, 3 and 1
    finally:
        repo.close()
    assert ids == sorted(document_id(variant(i)) for i in range(7))


def test_export_filters_by_date_type_country_and_bbox(tmp_path: Path) -> None:
    from incidex.cli.main import app
    from incidex.services import review

    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    repo = _filled(url, 3, tmp_path)
    last = repo.list_claims("event")[-1]
    review.edit(repo, f"event:{last['id']}", "bob", ["date_start=2021-01-02", "date_end=2021-01-02"], reason="x")
    repo.close()
    runner = CliRunner()

    def count(*args: str) -> int:
        r = runner.invoke(app, ["export", "-f", "jsonl", "--db", url, *args])
        assert r.exit_code == 0, r.output
        return len(r.output.splitlines())

    assert count() == 3
    assert count("--since", "2020-12-01") == 1
    assert count("--until", "2020-12-01") == 2
    assert count("--type", "Explosions/Remote violence") == 3
    assert count("--type", "Shelling/artillery/missile attack", "--type", "Battles") == 3
    assert count("--type", "Battles") == 0
    assert count("--country", "az") == 3 and count("--country", "AM") == 0
    assert count("--bbox", "46,40,47,41") == 3 and count("--bbox", "10,10,11,11") == 0
    bad = runner.invoke(app, ["export", "--db", url, "--bbox", "1,2,3"])
    assert bad.exit_code == 2 and "error [E308]" in bad.output


def test_parquet_export_reads_back_typed(tmp_path: Path) -> None:
    import datetime

    import pyarrow.parquet as pq

    from incidex.cli.main import app

    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    _filled(url, 2, tmp_path).close()
    out = tmp_path / "events.parquet"
    r = CliRunner().invoke(app, ["export", "-f", "parquet", "-o", str(out), "--db", url])
    assert r.exit_code == 0, r.output
    table = pq.read_table(out)
    assert table.num_rows == 2
    row = table.to_pylist()[0]
    assert row["date_start"] == datetime.date(2020, 10, 4) and row["fatalities_lowest"] == 5
    assert (row["place"], row["lat"], row["lon"]) == ("Ganja", 40.68, 46.36)
    to_stdout = CliRunner().invoke(app, ["export", "-f", "parquet", "--db", url])
    assert to_stdout.exit_code == 2 and "error [E309]" in to_stdout.output


def test_parquet_and_the_sqlite_file_open_in_pandas_polars_and_duckdb(tmp_path: Path) -> None:
    import datetime
    import sqlite3

    import duckdb
    import pandas as pd
    import polars as pl

    from incidex.cli.main import app

    db = tmp_path / "s.sqlite"
    _filled(f"sqlite:///{db}", 2, tmp_path).close()
    out = tmp_path / "events.parquet"
    assert CliRunner().invoke(app, ["export", "-f", "parquet", "-o", str(out), "--db", str(db)]).exit_code == 0
    df = pd.read_parquet(out)
    assert len(df) == 2 and set(df["place"]) == {"Ganja"} and df["fatalities_lowest"].tolist() == [5, 5]
    pf = pl.read_parquet(out)
    assert pf.height == 2 and pf["lat"].to_list() == [40.68, 40.68]
    with duckdb.connect() as con:
        got = con.execute(f"SELECT count(*), min(date_start) FROM read_parquet('{out}')").fetchall()
    assert got == [(2, datetime.date(2020, 10, 4))]
    # the store itself: plain tables with names a person understands, readable without incidex
    with sqlite3.connect(db) as conn:
        events = pd.read_sql("SELECT e.event_type, l.name AS place, d.publisher FROM events e "
                             "JOIN event_locations l ON l.event_id = e.id JOIN documents d ON d.id = e.document_id",
                             conn)
    assert events["place"].tolist() == ["Ganja", "Ganja"] and events["event_type"].nunique() == 1
