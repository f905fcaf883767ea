"""Other romanisations of Arabic, Persian and Pashto place names (``gazetteer.index.skeleton``): "Menoufia" is
Minufiyah, "Dayr az Zawr" is Deir ez-Zor; only for places of the countries where such names are written, and only
in the document's countries."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from incidex.gazetteer.build import _strip_admin_words
from incidex.gazetteer.index import Gazetteer, fold, skeleton
from incidex.pipeline.annotate import AnnotatedText, Entity
from incidex.pipeline.places import find_mentions, resolve

from .test_gazetteer_index import small_index


def test_romanisations_share_a_skeleton() -> None:
    for a, b in (("Menoufia", "Minufiyah"), ("Deir al-Zour", "Dayr az Zawr"), ("Deir ez-Zor", "Dayr az Zawr"),
                 ("Hodeidah", "Hudaydah"), ("Daqahliya", "Dakahlia"), ("Edlib", "Idlib")):
        assert skeleton(fold(a)) == skeleton(fold(b)), (a, b)
    assert skeleton(fold("Kabul")) != skeleton(fold("Kobe Bull"))
    # the governorate's word and article are not part of the name
    assert _strip_admin_words("Muhafazat al Minufiyah") == "al Minufiyah"


def _index(path: Path) -> Gazetteer:
    small_index(path)
    conn = sqlite3.connect(path)
    conn.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?)", [
        ("g:eg", "Muhafazat al Minufiyah", "EG", "Muhafazat al Minufiyah", None, 30.5, 31.0, "region", 4_000_000),
        ("g:mz", "Sena", "MZ", "Sofala", None, -17.4, 35.0, "town", 5_000),
        ("c:eg", "Egypt", "EG", None, None, 27.0, 30.0, "country", 100_000_000),
    ])
    conn.executemany("INSERT INTO names VALUES (?,?,?)", [("minufiyah", "g:eg", 0), ("sena", "g:mz", 1),
                                                          ("egypt", "c:eg", 1)])
    conn.executemany("INSERT INTO skeletons VALUES (?,?)", [(skeleton("minufiyah"), "minufiyah")])
    conn.commit()
    conn.close()
    return Gazetteer(path)


def test_a_variant_is_found_only_where_the_exact_name_is_not(tmp_path: Path) -> None:
    g = _index(tmp_path / "g.sqlite")
    assert [c.name for c in g.lookup_variant("Menoufia")] == ["Muhafazat al Minufiyah"]
    assert g.lookup_variant("Menoufia")[0].match == "fuzzy"
    assert g.lookup_variant("Minufiyah") == ()  # found as written
    assert g.lookup_variant("Swine") == ()  # a short key finds nothing; Sena is not in the variant table anyway


def test_an_index_without_the_table_answers_nothing(tmp_path: Path) -> None:
    path = small_index(tmp_path / "old.sqlite")
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE skeletons")
    conn.commit()
    conn.close()
    assert Gazetteer(path).lookup_variant("Menoufia") == ()


def test_a_tagged_place_another_romanisation_names_in_the_documents_country(tmp_path: Path) -> None:
    g = _index(tmp_path / "g.sqlite")
    text = "Hadad, from Menoufia, died of bird flu in Egypt."
    ann = AnnotatedText(text, ((0, len(text)),), (Entity(text.index("Menoufia"), text.index("Menoufia") + 8, "GPE",
                                                         "Menoufia"),))
    ms = find_mentions(ann, g, {"EG"})
    assert [m.written for m in ms] == ["Menoufia", "Egypt"]
    resolve(ms, g, {"EG": 1.0}, text)
    assert ms[0].location is not None and ms[0].location.name == "Muhafazat al Minufiyah"
    # in a document about another country it is no place
    assert "Menoufia" not in [m.written for m in find_mentions(ann, g, {"MZ"})]
