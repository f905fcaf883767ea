"""The gazetteer's fast paths give the answers of its plain ones: a document's names fetched in one query
(``prefetch``), the bitmap of names and the list of country names kept in ``meta`` (``store_lookup_aids``),
kept up to date by an import, and the ASCII shortcut of ``fold``."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from incidex.gazetteer.build import drop_lookup_aids, store_lookup_aids
from incidex.gazetteer.geonames import import_dumps
from incidex.gazetteer.index import Gazetteer, fold

from .test_gazetteer_import import AZ, make_index
from .test_gazetteer_index import small_index


def _crowded(path: Path) -> Path:
    """``small_index`` plus a name with more than 50 places, ties in population and a place without one."""
    small_index(path)
    conn = sqlite3.connect(path)
    conn.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?)", [
        (f"g:sp{i:02d}", "Springfield", "US", f"State {i % 7}", None, 40.0 + i / 10, -90.0, "town", (i % 9) * 1000)
        for i in range(60)] + [("g:null", "Springfield", "CA", None, None, 45.0, -75.0, "village", None)])
    conn.executemany("INSERT INTO names VALUES (?,?,?)",
                     [("springfield", f"g:sp{i:02d}", i % 2) for i in range(60)] + [("springfield", "g:null", 1)])
    conn.commit()
    conn.close()
    return path


NAMES = ["Springfield", "Karabakh", "Stepanakert", "Nagorno-Karabakh", "Khankendi", "San Francisco", "Nowhere",
         "The", "stepanakert", "Qarabağ", ""]


def test_prefetched_names_are_what_one_lookup_each_gives(tmp_path: Path) -> None:
    path = _crowded(tmp_path / "g.sqlite")
    plain = {n: Gazetteer(path).lookup(n) for n in NAMES}
    fetched = Gazetteer(path)
    fetched.prefetch(NAMES)
    assert {n: fetched.lookup(n) for n in NAMES} == plain
    springfield = plain["Springfield"]
    assert len(springfield) == 50 and springfield[0].population == 8000  # most populous first, cut at 50
    assert [c.id for c in springfield[:3]] == ["g:sp53", "g:sp44", "g:sp35"]  # ties: id descending
    assert plain["Stepanakert"][0].match == "alternate" and plain["Nowhere"] == ()


def test_the_lookup_aids_answer_as_the_names_do_and_an_import_keeps_them(tmp_path: Path) -> None:
    path = make_index(tmp_path / "g.sqlite")
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO places VALUES ('geonames:587116', 'Azerbaijan', 'AZ', NULL, NULL, 40.5, 47.5,"
                 " 'country', 10000000)")
    conn.executemany("INSERT INTO names VALUES (?, 'geonames:587116', ?)", [("azerbaijan", 1), ("azerbaycan", 0)])
    store_lookup_aids(conn)
    conn.commit()
    conn.close()
    g = Gazetteer(path)
    assert g._name_bits() is not None  # the bitmap is in use
    assert [c.id for c in g.lookup("Baku")] == ["geonames:587084"] and g.lookup("Hadrut") == ()
    assert g.country_name("Azərbaycan") == ("AZ", "Azerbaijan") and g.country_name("Baku") is None
    import_dumps(path, [AZ])  # new names: a bitmap left as it was would hide them
    g = Gazetteer(path)
    assert g._name_bits() is not None and g.lookup("Hadrut")[0].id == "geonames:9900001"
    assert g.lookup("Agdere")[0].id == "geonames:9900002"
    assert g.country_name("Azerbaijan") == ("AZ", "Azerbaijan")


def test_an_index_without_the_aids_queries_every_name(tmp_path: Path) -> None:
    path = make_index(tmp_path / "g.sqlite")
    conn = sqlite3.connect(path)
    store_lookup_aids(conn)
    conn.execute("INSERT INTO names VALUES (?, 'geonames:587084', 0)", (fold("Bakı şəhəri"),))  # after the aids
    drop_lookup_aids(conn)
    conn.commit()
    conn.close()
    g = Gazetteer(path)
    assert g._name_bits() is None
    assert [c.id for c in g.lookup("Bakı şəhəri")] == ["geonames:587084"]
    g.prefetch(["Khankendi", "Nowhere"])
    assert g.lookup("Khankendi")[0].name == "Khankendi" and g.lookup("Nowhere") == ()


def _fold_slowly(name: str) -> str:
    """``fold`` without its ASCII shortcut."""
    from unidecode import unidecode

    from incidex.gazetteer.index import _APOS, _LETTERS, _NONWORD

    s = unidecode(_APOS.sub("", name).translate(_LETTERS)).lower()
    return _NONWORD.sub(" ", s).strip()


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=30)
       | st.sampled_from(["Nagorno-Karabakh", " Tartar  district ", "Mariupol'", "Ta`if", "N'Djamena", "Ağdam",
                          "Cəbrayıl", "São Paulo", "Kyiv’s", "A-1", "  ", ""]))
def test_fold_shortcut_folds_as_the_full_path(name: str) -> None:
    fold.cache_clear()
    assert fold(name) == _fold_slowly(name)
