"""`incidex gazetteer import`: GeoNames dumps (hand-written, tests/data/geonames) into a small index."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from incidex.cli.main import app
from incidex.gazetteer.build import _schema, sync_search
from incidex.gazetteer.geonames import geoname_feature, import_dumps, parse_alternate, parse_geoname
from incidex.gazetteer.index import SCHEMA_VERSION, Gazetteer

DATA = Path(__file__).parent / "data" / "geonames"
AZ = DATA / "AZ.txt"
ALT = DATA / "alternateNamesV2.txt"


def make_index(path: Path) -> Path:
    """A built index in miniature: Khankendi and Baku, the admin1 code of Khojavend."""
    conn = sqlite3.connect(path)
    _schema(conn)
    conn.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?)", [
        ("geonames:9900010", "Khankendi", "AZ", "Khojavend Rayon", "Khankendi District", 39.8, 46.7, "town", 50_000),
        ("geonames:587084", "Baku", "AZ", "Baku", None, 40.3777, 49.892, "city", 1_116_513),
    ])
    conn.executemany("INSERT INTO names VALUES (?,?,?)", [
        ("khankendi", "geonames:9900010", 1), ("baku", "geonames:587084", 1)])
    conn.execute("INSERT INTO admin1_codes VALUES ('AZ', '41', 'Khojavend Rayon')")
    sync_search(conn)
    conn.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
    conn.commit()
    conn.close()
    return path


@pytest.fixture()
def index(tmp_path: Path) -> Path:
    return make_index(tmp_path / "gazetteer.sqlite")


def counts(path: Path) -> tuple[int, int, int]:
    conn = sqlite3.connect(path)
    try:
        return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[return-value]
                     for t in ("places", "names", "name_search"))
    finally:
        conn.close()


def one(g: Gazetteer, name: str) -> object:
    cands = g.lookup(name)
    assert len(cands) == 1, (name, cands)
    return cands[0]


def test_villages_from_a_country_dump_resolve_with_their_admin_names(index: Path) -> None:
    report = import_dumps(index, [AZ])
    g = Gazetteer(index)
    hadrut = g.lookup("Hadrut")[0]
    assert (hadrut.id, round(hadrut.lat, 2), round(hadrut.lon, 2)) == ("geonames:9900001", 39.52, 47.03)
    assert hadrut.feature == "town" and hadrut.population == 2967
    assert hadrut.admin1 == "Khojavend Rayon"  # the index's own admin1 name for code 41
    martakert = g.lookup("Martakert")[0]
    # its ADM1 and ADM2 rows come after it in the file: fixed up at the end
    assert (martakert.admin1, martakert.admin2) == ("Tartar Rayon", "Martakert District")
    assert [c.id for c in g.lookup("Ağdərə")] == [c.id for c in g.lookup("Agdere")] == ["geonames:9900002"]
    assert {c.feature for c in g.lookup("Tartar Rayon")} == {"region"}
    assert {c.feature for c in g.lookup("Martakert District")} == {"district"}
    assert g.lookup("Tartar River") == ()  # streams (class H) are not imported by default
    assert g.lookup("HDT") == ()  # airport-style codes of small places are not names
    assert report.places == 5 and report.skipped == 1 and report.failed == 2


def test_a_malformed_line_is_reported_with_file_and_line_and_the_rest_imported(index: Path) -> None:
    report = import_dumps(index, [AZ])
    assert [(e.code, e.params["line"]) for e in report.errors] == [("E202", 5), ("E202", 8)]
    assert all(str(AZ) in e.message for e in report.errors)
    assert "latitude 'forty'" in report.errors[0].message and "18 tab-separated columns" in report.errors[1].message
    assert Gazetteer(index).lookup("Khankendi")  # the line after the bad one is in


def test_reimport_upserts_by_geonameid(index: Path) -> None:
    import_dumps(index, [AZ])
    first = counts(index)
    import_dumps(index, [AZ])
    assert counts(index) == first
    conn = sqlite3.connect(index)
    distinct = conn.execute("SELECT count(DISTINCT folded) FROM names").fetchone()[0]
    conn.close()
    assert first[2] == distinct  # the full-text table holds each folded name once
    g = Gazetteer(index)
    k = one(g, "Stepanakert")
    # the existing Khankendi was updated in place (same geonameid), keeping its admin2 name
    assert (k.id, k.population, round(k.lat, 4), k.admin2) == (  # type: ignore[attr-defined]
        "geonames:9900010", 55_200, 39.8153, "Khankendi District")
    assert one(g, "Khankendi").id == k.id  # type: ignore[attr-defined]


def test_a_zip_of_a_country_dump(index: Path, tmp_path: Path) -> None:
    z = tmp_path / "AZ.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(AZ, "AZ.txt")
        zf.writestr("readme.txt", "not a dump\tat all\n")
    report = import_dumps(index, [z])
    assert report.places == 5 and report.failed == 2
    assert report.errors[0].params["path"] == f"{z}:AZ.txt"
    assert Gazetteer(index).lookup("Hadrut")


def test_alternate_names_file(index: Path) -> None:
    import_dumps(index, [AZ])
    report = import_dumps(index, [ALT])
    g = Gazetteer(index)
    assert one(g, "Гадрут").id == "geonames:9900001"  # type: ignore[attr-defined]
    assert one(g, "Hadrut Town").id == "geonames:9900001"  # type: ignore[attr-defined]
    assert one(g, "Mardakert").id == "geonames:9900002"  # type: ignore[attr-defined]
    assert g.lookup("https://en.wikipedia.org/wiki/Hadrut") == () and g.lookup("AZ 2801") == ()
    assert g.lookup("HDR") == ()
    assert report.unknown == 1  # Nowhere Junction: its place is not in the index
    assert [(e.params["line"], e.code) for e in report.errors] == [(9, "E202")]
    assert report.skipped == 3  # link, post, a short code of a small place


def test_imported_names_are_searchable(index: Path) -> None:
    import_dumps(index, [AZ, ALT])
    g = Gazetteer(index)
    assert g.search("Hadr")[0].id == "geonames:9900001"
    assert g.search("hadrut tow")[0].name == "Hadrut"
    assert g.search("Martak")[0].id == "geonames:9900002"


def test_missing_or_bad_files_and_a_missing_index(index: Path, tmp_path: Path) -> None:
    from incidex.errors import GazetteerError

    with pytest.raises(GazetteerError) as e:
        import_dumps(index, [tmp_path / "nope.txt"])
    assert e.value.code == "E202"
    bad = tmp_path / "XX.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(GazetteerError, match="not a zip"):
        import_dumps(index, [bad])
    with pytest.raises(GazetteerError) as e:
        import_dumps(tmp_path / "none.sqlite", [AZ])
    assert e.value.code == "E201" and "incidex gazetteer build" in e.value.message


def test_parsers_and_features() -> None:
    row = parse_geoname(AZ.read_text(encoding="utf-8").splitlines()[0])
    assert (row.geonameid, row.fclass, row.fcode, row.admin1, row.population) == (9900001, "P", "PPL", "41", 2967)
    with pytest.raises(ValueError, match="population"):
        parse_geoname("\t".join(["1", "X", "X", "", "1", "1", "P", "PPL", "AZ", "", "", "", "", "", "many"]
                                + [""] * 4))
    with pytest.raises(ValueError, match="out of range"):
        parse_geoname("\t".join(["1", "X", "X", "", "91", "1", "P", "PPL", "AZ"] + [""] * 10))
    assert parse_alternate("1\t2\ten\tKiev\t1\t\t\t1\t\t").historic
    assert [geoname_feature(*a) for a in (("P", "PPL", 500), ("P", "PPLC", 3_000_000), ("A", "PCLI", 0),
                                          ("A", "ADM1", 0), ("A", "ADM3", 0), ("T", "MT", 0))] == [
        "village", "city", "country", "region", "district", "other"]


def test_cli_import_reports_lines_and_exits_2(index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INCIDEX_GAZETTEER", str(index))
    res = CliRunner().invoke(app, ["gazetteer", "import", str(AZ), str(ALT)])
    assert res.exit_code == 2
    assert f"error [E202]: {AZ}: line 5: malformed GeoNames record" in res.output
    assert f"{ALT}: line 9" in res.output
    assert "5 places" in res.output
    res = CliRunner().invoke(app, ["gazetteer", "lookup", "Hadr"])
    assert res.exit_code == 0 and "Hadrut" in res.output and "partial" in res.output
    res = CliRunner().invoke(app, ["gazetteer", "status"])
    assert res.exit_code == 0 and "imported:" in res.output and "AZ.txt" in res.output


def test_imported_names_of_arabic_script_countries_get_their_romanisation_key(index: Path, tmp_path: Path) -> None:
    # one village of Syria in GeoNames' 19 columns (written for this test)
    row = ["9900100", "Dayr Hafir", "Dayr Hafir", "", "36.157", "37.708", "P", "PPL", "SY", "", "09", "", "", "",
           "20000", "", "350", "Asia/Damascus", "2024-01-01"]
    dump = tmp_path / "SY.txt"
    dump.write_text("\t".join(row) + "\n", encoding="utf-8")
    import_dumps(index, [dump])
    g = Gazetteer(index)
    assert [c.id for c in g.lookup_variant("Deir Hafer")] == ["geonames:9900100"]
    assert g.lookup_variant("Deir Baku") == ()  # Azerbaijan's names are not keyed
    # an alternate name from alternateNamesV2 is keyed too
    alt = tmp_path / "alternateNamesV2.txt"
    alt.write_text("\t".join(["88100001", "9900100", "en", "Dayr Hafir al Gharbi", "", "", "", "", "", ""]) + "\n",
                   encoding="utf-8")
    import_dumps(index, [alt])
    assert [c.id for c in Gazetteer(index).lookup_variant("Deir Hafer el Gharby")] == ["geonames:9900100"]
