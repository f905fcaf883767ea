"""The proof on the seed statement: with a synthetic report from the other side about the same days and places,
the incidents show both claims and the dispute, and no summary adopts either side's wording."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_d90ec356df9cc146.txt"
OTHER = Path(__file__).resolve().parent / "data" / "seed_other_side.txt"
# gold-format.md, neutrality rule: a summary must not contain, outside quotation marks, a word starting with these
STEMS = ("glorious", "martyr", "heroic", "liberat", "aggressor", "terrorist", "barbar", "atrocit", "enemy",
         "fascist", "nazi", "invader", "occupier", "puppet", "bandit", "heinous", "treacherous")
_QUOTED = re.compile(r"\"[^\"]*\"|\u201c[^\u201d]*\u201d|'[^']*'|\u2018[^\u2019]*\u2019")


def loaded(text: str) -> list[str]:
    bare = _QUOTED.sub(" ", text or "")
    return [w for w in re.findall(r"[A-Za-z]+", bare) if w.lower().startswith(STEMS)]


def test_the_loaded_word_check_ignores_quoted_words() -> None:
    assert loaded("Forces took control of the town.") == []
    assert loaded("The 'liberation' of the town.") == [] and loaded("The liberation of the town.") == ["liberation"]


def test_the_synthetic_report_is_labelled() -> None:
    assert OTHER.read_text(encoding="utf-8").startswith("[SYNTHETIC TEST REPORT — not a real statement]")


@pytest.mark.slow
@pytest.mark.skipif(not SEED.exists(), reason="the seed statement (../shared/seed) is not available")
def test_seed_and_a_report_of_the_other_side_show_both_claims_and_the_dispute(tmp_path: Path) -> None:
    from incidex.services.extract import ExtractOptions, default_extractor
    from incidex.services.ingest import ingest
    from incidex.services.reconcile import list_incidents, reconcile
    from incidex.store.repository import Repository

    repo = Repository.open(f"sqlite:///{tmp_path / 'seed.sqlite'}")
    try:
        ex = default_extractor()
        for path, publisher in ((SEED, None), (OTHER, "Defence Information Office of the Republic of Armenia")):
            res = list(ingest([str(path)], repo, ExtractOptions(publisher=publisher), extractor=ex))
            assert all(getattr(r, "stored", False) for r in res), res
        reconcile(repo)
        incs = list_incidents(repo)
        both = [i for i in incs if i["sources"]["count"] == 2]
        assert both, [(i["sub_type"], [x["name"] for x in i["locations"]]) for i in incs]
        disputed = [i for i in both if {d["field"] for d in i["disputes"]}
                    & {"perpetrator", *(f"casualties.{c['outcome']}.{c['group']}" for c in i["casualties"])}]
        assert disputed
        for i in disputed:
            assert {"party:Azerbaijan", "party:Armenia"} <= set(i["sources"]["by_stance"])
            perp = next((d for d in i["disputes"] if d["field"] == "perpetrator"), None)
            if perp:
                assert {v["stance"] for v in perp["values"]} == {"party:Azerbaijan", "party:Armenia"}
        # the seed casts its own side only as the target of the clash on the frontline
        assert any("self_victim_only" in i["flags"] for i in incs)
        # the denial of the Ganja shelling joins the incident it denies
        assert any("denied_by_party" in i["flags"] and i["sources"]["count"] == 2 for i in incs)
        for i in incs:
            assert loaded(i.get("summary", "")) == [], i["id"]
            for e in i["events"]:
                assert loaded(e["summary"]) == [], e["summary"]
    finally:
        repo.close()
