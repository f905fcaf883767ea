"""The analyst UI in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium) against a live
server on the demo corpus. Screenshots of the main views go to test-output/screenshots/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import REPO
from .conftest import LiveServer, copy_store

pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("INCIDEX_CHROMIUM", "/usr/bin/chromium")
SHOTS = REPO / "test-output" / "screenshots"
BUILT = REPO / "src" / "incidex" / "web" / "static" / "dist" / "app.js"

HOSTILE = (
    "[TEST] Hostile markup\n\nOn 3 March 2024, forces shelled Uzgen, killing 3 civilians, officials said. "
    "<script>window.__pwned = 'script'; alert('script')</script> "
    "<img src=x onerror=\"window.__pwned='img'; alert('img')\"> "
    "<a href=\"javascript:window.__pwned='link';alert('link')\">read more</a> "
    "<svg onload=\"window.__pwned='svg'\"></svg> The heroic defenders were martyred.\n"
)


@pytest.fixture(scope="module")
def live(demo_sqlite: str, extractor: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A server on a copy of the demo store, plus a document of hostile markup."""
    if not BUILT.exists():
        pytest.fail(f"the UI is not built ({BUILT} missing): run `make web`")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium` (make test does it)")
    from incidex.api import create_app
    from incidex.domain.document import RawDocument
    from incidex.services.ingest import store_extractions
    from incidex.store.repository import Repository

    url = copy_store(demo_sqlite, tmp_path_factory.mktemp("live"))
    repo = Repository.open(url)
    raw = RawDocument(text=HOSTILE, origin="hostile.txt", title="Hostile <b>markup</b> test", publisher="Test Wire",
                      source_name="Test Wire", published="2024-03-04")
    hostile = next(store_extractions(repo, [(raw, extractor.extract(raw))], "test", "tester"))
    repo.close()
    with LiveServer(create_app(url)) as server:
        yield {"url": server.url, "hostile": hostile.document_id}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page that records console errors, uncaught exceptions and dialogs: the test fails on any."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = ctx.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(f"console.{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    pg.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    pg.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    pg.problems = problems
    yield pg
    ctx.close()
    assert problems == [], problems


def shot(pg: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def open_view(pg: Any, url: str) -> None:
    pg.goto(url)
    pg.wait_for_selector("#view[data-ready]", timeout=20_000)
    assert pg.get_attribute("#view", "data-ready") == "1", pg.get_attribute("#view", "data-error")


def map_count(pg: Any) -> int:
    pg.wait_for_selector("#map-count[data-ready='1']", timeout=20_000)
    return int(pg.get_attribute("#map-count", "data-count"))


def test_map_shows_markers_and_the_timeline_brush_filters_it(live: dict[str, Any], page: Any) -> None:
    open_view(page, live["url"] + "/#/map")
    before = map_count(page)
    assert before >= 20
    assert page.locator(".leaflet-marker-icon").count() > 0  # clusters and markers drawn
    assert page.locator("path.leaflet-interactive, svg path").count() > 100  # offline country boundaries
    assert page.locator(".timeline-svg rect.bar").count() > 5
    shot(page, "map")
    # a marker opens a popup with a link to its event (zoomed in until the markers are single)
    page.fill("#tl-from", "2024-04-05")
    page.fill("#tl-to", "2024-04-05")
    page.dispatch_event("#tl-to", "change")
    map_count(page)
    page.locator(".ev-marker").first.click()
    page.wait_for_selector(".leaflet-popup a[href^='#/event/']")
    page.click("text=Clear range")
    assert map_count(page) == before
    box = page.locator(".timeline-svg").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.05, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.2, y, steps=5)
    page.mouse.up()
    after = map_count(page)
    assert 0 < after < before
    assert " to " in page.inner_text("#tl-label")
    shot(page, "map-brushed")
    page.click("text=Clear range")
    assert map_count(page) == before
    # the same range typed in the date fields (keyboard users)
    page.fill("#tl-from", "2024-03-03")
    page.fill("#tl-to", "2024-03-05")
    page.dispatch_event("#tl-to", "change")
    typed = map_count(page)
    assert 0 < typed < before and "2024-03-03 to 2024-03-05" in page.inner_text("#tl-label")
    page.click("text=Clear range")
    assert map_count(page) == before
    # unticking a type filters too
    page.uncheck("#type-0")
    assert map_count(page) < before


def test_event_evidence_is_highlighted_and_confirming_reaches_the_audit_log(live: dict[str, Any], page: Any) -> None:
    import httpx

    ev = httpx.get(live["url"] + "/api/events?type=Explosions/Remote violence&limit=1").json()["items"][0]
    open_view(page, f"{live['url']}/#/event/{ev['id']}")
    current = page.locator("#event-text mark.evidence.current")
    assert current.count() >= 1
    highlighted = "".join(current.all_inner_texts())
    assert ev["evidence"][0]["quote"].split()[0] in highlighted
    assert "".join(ev["evidence"][0]["quote"].split()) in "".join(highlighted.split())
    shot(page, "event")
    page.click(f"form[aria-label='Review event:{ev['id']}'] button.confirm")
    page.wait_for_selector("#flash.ok", timeout=10_000)
    assert f"event:{ev['id']}: confirmed" in page.inner_text("#flash")
    page.wait_for_selector(f"form[aria-label='Review event:{ev['id']}'] .st-confirmed")
    open_view(page, live["url"] + "/#/audit")
    row = page.locator("#audit tbody tr", has_text=f"event:{ev['id']}")
    assert row.count() >= 1 and "confirm" in row.first.inner_text()
    shot(page, "audit")


def test_hostile_document_is_shown_as_text_and_nothing_executes(live: dict[str, Any], page: Any) -> None:
    open_view(page, f"{live['url']}/#/document/{live['hostile']}")
    text = page.inner_text("#doc-text")
    assert "<script>window.__pwned" in text and "onerror=" in text and "javascript:" in text
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("#view script, #view img, #view svg[onload], #view a[href^='javascript']").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert "Hostile <b>markup</b> test" in page.inner_text("h1")  # the title too is text
    assert page.locator("mark.framing").count() >= 1  # "heroic", "martyred"
    shot(page, "document-hostile")
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_document_view_marks_framing_with_category_and_alternative(live: dict[str, Any], page: Any) -> None:
    import httpx

    docs = httpx.get(live["url"] + "/api/documents?limit=100").json()["items"]
    doc = next(d for d in docs if d["title"] and "Nookat is free" in d["title"])
    open_view(page, f"{live['url']}/#/document/{doc['id']}")
    assert page.locator("#doc-text mark.evidence").count() >= 1
    framing = page.locator("#doc-text mark.framing").first
    assert framing.get_attribute("data-category") and framing.get_attribute("data-neutral") is not None
    assert page.locator("#doc-text .note").count() >= 1
    assert '"schema": "incidex/1"' in page.inner_text(".json pre")
    shot(page, "document")


def test_incident_view_shows_claims_side_by_side_with_disputes(live: dict[str, Any], page: Any) -> None:
    import httpx

    items = httpx.get(live["url"] + "/api/incidents?limit=200").json()["items"]
    inc = next(i for i in items if i["disputes"] and i["casualties"])
    open_view(page, f"{live['url']}/#/incident/{inc['id']}")
    assert page.locator("table.side-by-side thead th").count() == len(inc["events"]) + 1
    assert page.locator("table.side-by-side tr.disputed").count() >= 1
    assert page.locator("table.ranges td.acled").count() == len(inc["casualties"])
    assert page.locator("table.disputes tr.disputed").count() >= 2
    shot(page, "incident")
    open_view(page, live["url"] + "/#/incidents")
    assert page.locator("table.list tbody tr").count() == min(50, len(items))
    shot(page, "incidents")


def test_keyboard_navigation_and_search(live: dict[str, Any], page: Any) -> None:
    open_view(page, live["url"] + "/#/map")
    map_count(page)
    page.focus("header nav a[href='#/map']")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Documents"
    page.keyboard.press("Enter")
    page.wait_for_selector("#view[data-ready='1'] table.list")
    assert page.url.endswith("#/documents")
    page.focus("#search-q")
    page.keyboard.type("Uzgen")
    page.keyboard.press("Enter")
    page.wait_for_selector("#view[data-ready='1'] .results li")
    assert page.locator(".results li").count() >= 2
    shot(page, "search")


def test_api_docs_page_loads_under_the_csp(live: dict[str, Any], page: Any) -> None:
    page.goto(live["url"] + "/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    assert page.locator(".opblock").count() > 20
    shot(page, "api-docs")
