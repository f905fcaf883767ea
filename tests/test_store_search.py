"""The store's event query (type + date range + bounding box, keyset pages) and batched ingest, on both backends."""

from __future__ import annotations

import pytest

from incidex.domain.geo import MAX_QUERY_CELLS, cells_covering, grid_cell

from .store_fixtures import db_url_fixture, make_record, variant  # noqa: F401 - fixture

# (place, lat, lon, event type, sub type, date)
PLACES = [
    ("Ganja", 40.68, 46.36, "Explosions/Remote violence", "Shelling/artillery/missile attack", "2020-10-04"),
    ("Barda", 40.37, 47.13, "Explosions/Remote violence", "Shelling/artillery/missile attack", "2020-10-28"),
    ("Tartar", 40.34, 46.93, "Battles", "Armed clash", "2020-09-29"),
    ("Baku", 40.41, 49.87, "Protests", "Peaceful protest", "2020-10-10"),
    ("Kyiv", 50.45, 30.52, "Explosions/Remote violence", "Air/drone strike", "2022-10-10"),
]


def _record(i: int, place: str, lat: float, lon: float, et: str, st: str, day: str):  # type: ignore[no-untyped-def]
    rec = make_record(variant(i))
    ev = rec.events[0]
    loc = ev.locations[0].model_copy(update={"name": place, "name_as_written": place, "lat": lat, "lon": lon})
    date = ev.date.model_copy(update={"start": day, "end": day})
    ev = ev.model_copy(update={"event_type": et, "sub_type": st, "date": date, "locations": [loc]})
    return rec.model_copy(update={"events": [ev]})


def _prov(i: int):  # type: ignore[no-untyped-def]
    from incidex.store.repository import Provenance, utcnow

    return Provenance(text=variant(i), pipeline_version="t", config_hash="c", retrieved_at=utcnow(), origin=f"d{i}")


@pytest.fixture(name="repo")
def repo_fixture(db_url: str):  # type: ignore[no-untyped-def]
    from incidex.store.repository import Repository

    repo = Repository.open(db_url)
    stored = repo.add_extractions([(_record(i, *p), _prov(i)) for i, p in enumerate(PLACES)])
    assert stored == [True] * len(PLACES)
    yield repo
    repo.close()


def _names(rows) -> list[str]:  # type: ignore[no-untyped-def]
    return [r["date_start"] for r in rows]


def test_grid_cells_cover_a_box_and_refuse_a_huge_one() -> None:
    cells = cells_covering(46.0, 40.0, 47.5, 41.0)
    assert grid_cell(40.68, 46.36) in cells and grid_cell(40.37, 47.13) in cells
    assert grid_cell(40.41, 49.87) not in cells
    assert len(cells) == 2 * 2
    assert cells_covering(-180, -90, 180, 90) is None  # 64,800 cells: not selective, the query skips the grid
    assert len(cells_covering(0, 0, 39.5, 39.5) or []) == 1600 <= MAX_QUERY_CELLS
    assert grid_cell(90.0, 180.0) == 179 * 360 + 359 and grid_cell(None, 1.0) is None


def test_find_events_by_type_dates_and_bbox(repo) -> None:  # type: ignore[no-untyped-def]
    from incidex.store.repository import EventFilter

    karabakh = (46.0, 39.5, 47.5, 41.0)
    rows = repo.find_events(EventFilter(bbox=karabakh))
    assert _names(rows) == ["2020-09-29", "2020-10-04", "2020-10-28"]
    rows = repo.find_events(EventFilter(bbox=karabakh, event_types=("Explosions/Remote violence",)))
    assert _names(rows) == ["2020-10-04", "2020-10-28"]
    rows = repo.find_events(EventFilter(event_types=("Shelling/artillery/missile attack",), since="2020-10-05"))
    assert _names(rows) == ["2020-10-28"]  # a sub-type filters too; dates select by start
    world = (-180.0, -90.0, 180.0, 90.0)  # too many cells: the same answer without the grid
    assert _names(repo.find_events(EventFilter(bbox=world))) == sorted(p[5] for p in PLACES)
    assert _names(repo.find_events(EventFilter(country="az"))) == sorted(p[5] for p in PLACES)  # all AZ-coded


def test_find_events_pages_by_keyset(repo) -> None:  # type: ignore[no-untyped-def]
    from incidex.store.repository import EventFilter

    seen, after = [], None
    while True:
        page = repo.find_events(EventFilter(), limit=2, after=after)
        if not page:
            break
        seen += _names(page)
        after = (page[-1]["date_start"], page[-1]["id"])
    assert seen == sorted(p[5] for p in PLACES)


def test_analyst_edits_move_an_event_in_the_search(repo) -> None:  # type: ignore[no-untyped-def]
    from incidex.store.repository import EventFilter

    kyiv = repo.find_events(EventFilter(bbox=(30.0, 50.0, 31.0, 51.0)))
    assert len(kyiv) == 1
    eid = kyiv[0]["id"]
    repo.review(f"event:{eid}", "edit", "analyst", "a battle, per the second source",
                {"event_type": "Battles", "sub_type": "Armed clash"})
    assert repo.find_events(EventFilter(bbox=(30.0, 50.0, 31.0, 51.0), event_types=("Battles",)))[0]["id"] == eid
    assert not repo.find_events(EventFilter(bbox=(30.0, 50.0, 31.0, 51.0),
                                            event_types=("Explosions/Remote violence",)))
    loc = next(r for r in repo.list_claims("location", limit=100) if r["event_id"] == eid)
    repo.review(f"location:{loc['id']}", "edit", "analyst", "the strike was in Lviv", {"lat": 49.84, "lon": 24.03})
    assert not repo.find_events(EventFilter(bbox=(30.0, 50.0, 31.0, 51.0)))
    assert [r["id"] for r in repo.find_events(EventFilter(bbox=(23.5, 49.5, 24.5, 50.5)))] == [eid]
    repo.review(f"event:{eid}", "reject", "analyst", "not an event")
    assert not repo.find_events(EventFilter(bbox=(23.5, 49.5, 24.5, 50.5)))


def test_a_batch_stores_each_document_once(db_url: str) -> None:
    from incidex.store.repository import Repository

    repo = Repository.open(db_url)
    try:
        assert repo.add_extractions([(_record(0, *PLACES[0]), _prov(0))]) == [True]
        batch = [(_record(i, *PLACES[i]), _prov(i)) for i in (1, 0, 1, 2)]
        assert repo.add_extractions(batch) == [True, False, False, True]
        assert repo.count("documents") == 3 and repo.count("events") == 3 and repo.count("extraction_runs") == 3
        assert repo.count("event_locations") == 3
    finally:
        repo.close()


def test_upgrade_from_0004_fills_the_search_columns(db_url: str) -> None:
    """Down to 0004 (the columns go), then `incidex db upgrade`: the backfill gives what ingest writes."""
    from alembic import command
    from sqlalchemy import select

    from incidex.store.db import _alembic_config, head_revision, upgrade
    from incidex.store.repository import EventFilter, Repository
    from incidex.store.schema import event_locations

    repo = Repository.open(db_url)
    try:
        repo.add_extractions([(_record(i, *p), _prov(i)) for i, p in enumerate(PLACES)])
        cols = (event_locations.c.id, event_locations.c.event_type, event_locations.c.event_date,
                event_locations.c.cell)
        with repo.engine.connect() as conn:
            written = sorted(conn.execute(select(*cols)).all())
        cfg = _alembic_config(repo.engine)
        with repo.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0004")
        assert upgrade(repo.engine) == ("0004", head_revision())  # through 0006 (full-text search) too
        with repo.engine.connect() as conn:
            assert sorted(conn.execute(select(*cols)).all()) == written
        assert len(repo.find_events(EventFilter(bbox=(46.0, 39.5, 47.5, 41.0)))) == 3
    finally:
        repo.close()
