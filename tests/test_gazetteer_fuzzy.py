"""The SQLite gazetteer on a tiny hand-made index: folding, abbreviations, near misses."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from incidex.gazetteer.build import _schema
from incidex.gazetteer.index import SCHEMA_VERSION, Gazetteer, fold
from incidex.pipeline.places import PlaceMention, resolve


@pytest.fixture()
def gaz(tmp_path: Path) -> Gazetteer:
    path = tmp_path / "g.sqlite"
    conn = sqlite3.connect(path)
    _schema(conn)
    rows = [
        ("g:1", "Mariupol", "UA", "Donetsk", None, 47.1, 37.55, "city", 431_000),
        ("g:2", "Mariupol", "US", "Ohio", None, 40.0, -83.0, "village", 600),
        ("g:3", "Marinka", "UA", "Donetsk", None, 47.94, 37.5, "town", 9_000),
    ]
    conn.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?)", rows)
    conn.executemany("INSERT INTO names VALUES (?,?,?)",
                     [("mariupol", "g:1", 1), ("mariupol", "g:2", 1), ("marinka", "g:3", 1)])
    conn.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
    conn.commit()
    conn.close()
    return Gazetteer(path)


def test_folding_meets_apostrophes_and_accents(gaz: Gazetteer) -> None:
    assert fold("Mariupol’") == fold("Mariupol") == "mariupol"
    assert {c.id for c in gaz.lookup("Mariupol'")} == {"g:1", "g:2"}


def test_a_near_miss_spelling_resolves_with_a_penalty(gaz: Gazetteer) -> None:
    assert gaz.lookup("Mariupoll") == ()
    fuzzy = gaz.lookup_fuzzy("Mariupoll")
    assert fuzzy and {c.match for c in fuzzy} == {"fuzzy"} and fuzzy[0].country_code == "UA"
    assert gaz.lookup_fuzzy("Mariupol") == ()  # exact names never go fuzzy
    assert gaz.lookup_fuzzy("Zzyzxqq") == ()

    exact, near = PlaceMention(12, 20, "Mariupol"), PlaceMention(12, 21, "Mariupoll")
    resolve([exact], gaz, {}, "Shelling in Mariupol.")  # type: ignore[arg-type]
    resolve([near], gaz, {}, "Shelling in Mariupoll.")  # type: ignore[arg-type]
    assert near.location is not None and near.location.country_code == "UA"
    assert near.score < exact.score  # the near miss is placed, but trusted less


def test_a_near_miss_outside_the_documents_countries_stays_unresolved(gaz: Gazetteer) -> None:
    """A document about Azerbaijan that misspells a name: a near miss in Ukraine is another place altogether,
    so the name is left unresolved (with a warning in the output) rather than placed on another continent."""
    near = PlaceMention(12, 21, "Mariupoll")
    resolve([near], gaz, {"AZ": 1.0}, "Shelling in Mariupoll, Azerbaijan.")  # type: ignore[arg-type]
    assert near.location is None
    near_ua = PlaceMention(12, 21, "Mariupoll")
    resolve([near_ua], gaz, {"UA": 1.0}, "Shelling in Mariupoll, Ukraine.")  # type: ignore[arg-type]
    assert near_ua.location is not None and near_ua.location.country_code == "UA"
