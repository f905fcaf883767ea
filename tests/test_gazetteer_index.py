"""Opening the index (missing, corrupt, truncated, out of date) and full-text search."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from incidex.cli.main import app
from incidex.errors import GazetteerError
from incidex.gazetteer.build import _schema, sync_search
from incidex.gazetteer.index import SCHEMA_VERSION, Gazetteer, open_gazetteer


def small_index(path: Path, schema: str = SCHEMA_VERSION, pad: int = 0) -> Path:
    conn = sqlite3.connect(path)
    _schema(conn)
    conn.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?)", [
        ("g:1", "Nagorno-Karabakh", "AZ", "Nagorno-Karabakh", None, 39.8, 46.75, "region", 150_000),
        ("g:2", "Khankendi", "AZ", "Khojavend Rayon", None, 39.8153, 46.7519, "town", 55_200),
        ("g:3", "Stepanavan", "AM", "Lori", None, 41.009, 44.384, "town", 13_000),
        ("g:4", "Karabakh", "TR", "Ankara", None, 39.9, 32.8, "village", 300),
        ("g:5", "San Francisco", "US", "California", None, 37.77, -122.42, "city", 864_816),
        ("g:6", "San Fernando", "PH", "Pampanga", None, 15.03, 120.69, "city", 300_000),
    ])
    conn.executemany("INSERT INTO names VALUES (?,?,?)", [
        ("nagorno karabakh", "g:1", 1), ("karabakh", "g:1", 0), ("khankendi", "g:2", 1),
        ("stepanakert", "g:2", 0), ("stepanavan", "g:3", 1), ("karabakh", "g:4", 1),
        ("san francisco", "g:5", 1), ("san fernando", "g:6", 1)])
    if pad:  # bulk, so that a truncated copy loses real pages
        conn.executemany("INSERT INTO names VALUES (?,?,0)", [(f"pad {i:06d}", "g:5") for i in range(pad)])
    sync_search(conn)
    conn.execute("INSERT INTO meta VALUES ('schema', ?)", (schema,))
    conn.commit()
    conn.close()
    return path


def assert_e201(path: Path, detail: str) -> None:
    with pytest.raises(GazetteerError) as e:
        Gazetteer(path)
    assert e.value.code == "E201"
    assert "run `incidex gazetteer build`" in e.value.message and detail in e.value.message


def test_missing_index(tmp_path: Path) -> None:
    assert_e201(tmp_path / "none.sqlite", "no such file")
    assert_e201(tmp_path, "no such file")  # a directory is not an index


def test_garbage_empty_and_foreign_files(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database, just text " * 200)
    assert_e201(junk, "file is not a database")
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    assert_e201(empty, "no such table: meta")
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    assert_e201(other, "no such table: meta")


def test_an_index_of_another_schema_version(tmp_path: Path) -> None:
    assert_e201(small_index(tmp_path / "old.sqlite", schema="3"), "schema version 3, this incidex needs")


def test_a_truncated_index(tmp_path: Path) -> None:
    good = small_index(tmp_path / "good.sqlite", pad=20_000)
    Gazetteer(good)
    cut = tmp_path / "cut.sqlite"
    shutil.copyfile(good, cut)
    with cut.open("r+b") as fh:
        fh.truncate(good.stat().st_size // 2)
    assert_e201(cut, "truncated")


def test_a_damaged_page_found_by_a_query_is_e201_not_a_traceback(tmp_path: Path) -> None:
    path = small_index(tmp_path / "g.sqlite", pad=20_000)
    g = Gazetteer(path)
    size = path.stat().st_size
    with path.open("r+b") as fh:  # overwrite the pages after the first few with noise, same length
        fh.seek(4096 * 4)
        fh.write(b"\xff" * (size - 4096 * 4))
    with pytest.raises(GazetteerError) as e:
        for i in range(0, 20_000, 97):
            g.lookup(f"pad {i:06d}")
        g.stats()
    assert e.value.code == "E201"


def test_cli_lookup_without_an_index_says_to_build_and_builds_nothing(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "gazetteer.sqlite"
    monkeypatch.setenv("INCIDEX_GAZETTEER", str(path))
    for args in (["gazetteer", "lookup", "Aghdam"], ["gazetteer", "status"]):
        res = CliRunner().invoke(app, args)
        assert res.exit_code == 2
        assert "error [E201]" in res.output and "run `incidex gazetteer build`" in res.output
    assert not path.exists()
    path.write_bytes(b"garbage" * 1000)
    res = CliRunner().invoke(app, ["gazetteer", "lookup", "Aghdam"])
    assert res.exit_code == 2 and "error [E201]" in res.output and "Traceback" not in res.output
    with pytest.raises(GazetteerError):
        open_gazetteer(path)  # a corrupt index is never rebuilt behind the user's back
    assert path.read_bytes().startswith(b"garbage")


@pytest.fixture()
def gaz(tmp_path: Path) -> Gazetteer:
    return Gazetteer(small_index(tmp_path / "g.sqlite"))


def test_search_partial_and_multi_word(gaz: Gazetteer) -> None:
    # Khankendi (as its alternate name Stepanakert) is more populous than Stepanavan
    assert [c.id for c in gaz.search("Stepana")] == ["g:2", "g:3"]
    assert {c.match for c in gaz.search("Stepana")} == {"partial"}
    assert [c.id for c in gaz.search("nagorno karab")] == ["g:1"]
    assert [c.id for c in gaz.search("san f")] == ["g:5", "g:6"]  # most populous first
    assert [c.id for c in gaz.search("San Fernando")] == ["g:6"]


def test_search_puts_names_that_fold_to_the_query_first(gaz: Gazetteer) -> None:
    res = gaz.search("Karabakh")
    # exact or alternate matches (as lookup) before names that merely contain the word
    assert [(c.id, c.match) for c in res] == [("g:1", "alternate"), ("g:4", "exact")]
    assert gaz.search("Karabakh", limit=1)[0].id == "g:1"


def test_search_ignores_punctuation_and_operators(gaz: Gazetteer) -> None:
    assert gaz.search('"san* OR NEAR(x') == ()  # no FTS5 syntax error: words only, all required
    assert [c.id for c in gaz.search("san-francisco")] == ["g:5"]
    assert gaz.search("") == gaz.search("  ,, ") == ()
    assert gaz.search("zzzz") == ()


def test_the_built_index_searches_the_packaged_names() -> None:
    g = open_gazetteer()
    assert g.meta()["schema"] == SCHEMA_VERSION
    assert "Nagorno-Karabakh" in [c.name for c in g.search("nagorno karab", 5)]
    assert any(c.country_code == "AZ" for c in g.search("Khankend", 5))
    n_search = g.conn.execute("SELECT count(*) FROM name_search").fetchone()[0]
    n_distinct = g.conn.execute("SELECT count(DISTINCT folded) FROM names").fetchone()[0]
    assert n_search == n_distinct  # the build keeps the full-text table in sync with names


def test_the_built_index_knows_the_names_news_writes_for_regions() -> None:
    g = open_gazetteer()
    for alias, region, cc in (("Arakan", "Rakhine", "MM"), ("North Darfur", "Northern Darfur", "SD"),
                              ("NSW", "New South Wales", "AU")):
        assert any(c.name == region and c.country_code == cc and c.feature == "region" for c in g.lookup(alias)), alias


def test_candidates_of_equal_population_keep_a_fixed_order(tmp_path: Path) -> None:
    # the resolver's sorts are stable, so the order of tied candidates decides ties: it must not depend on
    # the query plan (schema 3 gave id order, descending)
    path = small_index(tmp_path / "g.sqlite")
    conn = sqlite3.connect(path)
    conn.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?)", [
        (f"rg:district:US:{st}:Anderson County", "Anderson County", "US", st, "Anderson County", 35.0, -85.0,
         "district", 0) for st in ("Kansas", "Texas", "Kentucky")])
    conn.executemany("INSERT INTO names VALUES ('anderson county', ?, 1)",
                     [(f"rg:district:US:{st}:Anderson County",) for st in ("Kentucky", "Texas", "Kansas")])
    conn.commit()
    conn.close()
    assert [c.admin1 for c in Gazetteer(path).lookup("Anderson County")] == ["Texas", "Kentucky", "Kansas"]


def test_folding_turns_schwa_and_transliteration_marks_into_letters() -> None:
    from incidex.gazetteer.index import fold

    # unidecode writes the Azerbaijani schwa as "@": "Gəncə" folded to "g nc", a fragment shared by other places
    assert fold("Cəbrayıl") == fold("Cebrayil") == "cebrayil"
    assert fold("Gəncə") == "gence" and fold("Tǝrtǝr") == "terter"
    assert fold("Sanʿāʾ") == "sana" and fold("Mariupol’") == "mariupol"


@pytest.mark.parametrize("variants", [
    ("Aghdam", "Agdam"), ("Shamkir", "Shamkhir"), ("Jabrayil", "Jabrail", "Cebrayil", "Cəbrayıl"),
    ("Fuzuli", "Fizuli", "Füzuli"), ("Tartar", "Terter", "Tərtər"), ("Stepanakert", "Khankendi", "Xankəndi"),
    ("Kyiv", "Kiev"), ("Mariupol", "Mariupol'"),
])
def test_transliteration_variants_share_a_place_in_the_built_index(variants: tuple[str, ...]) -> None:
    g = open_gazetteer()
    ids = [{c.id for c in g.lookup(v) if c.country_code in ("AZ", "UA")} for v in variants]
    assert all(ids), dict(zip(variants, ids, strict=True))
    assert set.intersection(*ids), dict(zip(variants, ids, strict=True))


def test_build_replaces_a_corrupt_index_as_e201_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import incidex.gazetteer.build as build

    path = tmp_path / "gazetteer.sqlite"
    path.write_bytes(b"garbage" * 1000)
    monkeypatch.setenv("INCIDEX_GAZETTEER", str(path))

    def fake_build(p: Path, step: object = None) -> dict[str, int]:
        fresh = small_index(p.with_suffix(".new"))
        fresh.replace(p)  # as build_index: built aside, renamed into place
        return {"places": 6, "names": 8}

    monkeypatch.setattr(build, "build_index", fake_build)
    res = CliRunner().invoke(app, ["gazetteer", "build"])
    assert res.exit_code == 0 and "rebuilding" in res.output
    assert Gazetteer(path).stats()["places"] == 6
    res = CliRunner().invoke(app, ["gazetteer", "build"])
    assert "already built" in res.output
