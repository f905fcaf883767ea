"""The REST API on SQLite and PostgreSQL: reads with filters and cursors, writes through the services,
errors as {"code", "message"}, the token, the security headers and the body size limit."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ..store_fixtures import TEXT, CannedExtractor, variant

# -- reads on the demo corpus ------------------------------------------------------------------------------

pytestmark = []


def all_pages(client: Any, url: str, limit: int = 7) -> list[dict[str, Any]]:
    sep = "&" if "?" in url else "?"
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(1000):
        r = client.get(f"{url}{sep}limit={limit}" + (f"&cursor={cursor}" if cursor else ""))
        assert r.status_code == 200, r.text
        page = r.json()
        assert len(page["items"]) <= limit
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items
    raise AssertionError("pagination did not end")


@pytest.mark.slow
def test_events_paginate_by_cursor_without_gaps_or_repeats(demo_client: Any) -> None:
    total = demo_client.get("/api/stats/summary").json()["events"]
    assert total >= 20
    for order in ("id", "date"):
        items = all_pages(demo_client, f"/api/events?order={order}")
        ids = [e["id"] for e in items]
        assert len(ids) == len(set(ids))
        if order == "id":
            assert ids == sorted(ids) and len(ids) == total
        else:
            keys = [(e["date_start"], e["id"]) for e in items]
            assert keys == sorted(keys) and all(k[0] for k in keys)
    first = items[0]
    assert {"locations", "actors", "casualties", "evidence", "review_status"} <= set(first)


@pytest.mark.slow
def test_event_filters_narrow_the_list(demo_client: Any) -> None:
    everything = all_pages(demo_client, "/api/events", 100)
    battles = all_pages(demo_client, "/api/events?type=Battles", 100)
    assert 0 < len(battles) < len(everything)
    assert all(e["event_type"] == "Battles" for e in battles)
    # date range: events starting in [since, until]
    ranged = all_pages(demo_client, "/api/events?since=2024-03-10&until=2024-03-15", 100)
    assert 0 < len(ranged) < len(everything)
    assert all("2024-03-10" <= e["date_start"] <= "2024-03-15" for e in ranged)
    assert len(ranged) == sum(1 for e in everything if e["date_start"] and "2024-03-10" <= e["date_start"] <= "2024-03-15")
    # bounding box around Uzgen / Osh (Kyrgyzstan): every event has a place inside it
    box = "72.0,40.0,74.0,41.5"
    inside = all_pages(demo_client, f"/api/events?bbox={box}", 100)
    assert 0 < len(inside) < len(everything)
    assert all(any(72 <= loc["lon"] <= 74 and 40 <= loc["lat"] <= 41.5 for loc in e["locations"] if loc["lat"])
               for e in inside)
    # ... and every event with a place inside is there, in id order, also over pages of two
    def in_box(e: dict[str, Any]) -> bool:
        return any(loc["lat"] is not None and 72 <= loc["lon"] <= 74 and 40 <= loc["lat"] <= 41.5
                   for loc in e["locations"])

    expected = [e["id"] for e in everything if in_box(e)]
    assert [e["id"] for e in inside] == expected
    assert [e["id"] for e in all_pages(demo_client, f"/api/events?bbox={box}", 2)] == expected
    # actor and stance
    actor = demo_client.get("/api/actors?limit=100").json()["items"][0]["normalized"]
    by_actor = all_pages(demo_client, f"/api/events?actor={actor}", 100)
    assert by_actor and all(any(a["normalized"] == actor for a in e["actors"]) for e in by_actor)
    neutral = all_pages(demo_client, "/api/events?stance=neutral", 100)
    docs = {d["id"]: d["stance"] for d in all_pages(demo_client, "/api/documents", 100)}
    assert neutral and all(docs[e["document_id"]] == "neutral" for e in neutral)
    assert all_pages(demo_client, "/api/events?status=confirmed", 100) == []
    # points for the map follow the same filters
    pts = demo_client.get(f"/api/events/points?bbox={box}").json()
    assert {r[0] for r in pts["rows"]} == {e["id"] for e in inside}


def decode_points(data: bytes) -> dict[str, Any]:
    """The binary points (docs/WEB.md) read with the standard library, as a browser reads them."""
    import struct
    from array import array

    assert data[:4] == b"IXP1"
    (hlen,) = struct.unpack_from("<I", data, 4)
    assert hlen % 4 == 0
    head = json.loads(data[8:8 + hlen])
    off, cols = 8 + hlen, {}
    for name, dtype in head["columns"]:
        col = array({"int32": "i", "float32": "f", "uint8": "B"}[dtype])
        col.frombytes(data[off:off + head["count"] * col.itemsize])
        off += head["count"] * col.itemsize
        cols[name] = list(col)
    assert off == len(data)
    return {**head, "cols": cols}


@pytest.mark.slow
def test_binary_points_hold_what_the_json_rows_hold(demo_client: Any) -> None:
    from datetime import date, timedelta

    for query in ("", "?type=Battles", "?bbox=72.0,40.0,74.0,41.5", "?since=2024-03-10&until=2024-03-15"):
        rows = demo_client.get("/api/events/points" + query).json()["rows"]
        r = demo_client.get("/api/events/points" + (query + "&" if query else "?") + "format=binary")
        assert r.status_code == 200 and r.headers["content-type"] == "application/octet-stream"
        got = decode_points(r.content)
        assert got["count"] == len(rows) > 0 and got["truncated"] is False
        c = got["cols"]

        def day(n: int, none: int = got["no_day"]) -> str | None:
            return None if n == none else (date(1970, 1, 1) + timedelta(days=n)).isoformat()

        assert c["event_id"] == [row[0] for row in rows]  # event id order, one entry per place
        assert all(abs(a - row[1]) < 1e-4 and abs(b - row[2]) < 1e-4 for a, b, row in zip(c["lat"], c["lon"], rows, strict=True))
        assert [got["types"][k] for k in c["event_type"]] == [row[3] for row in rows]
        assert [day(d) for d in c["date_start"]] == [row[4] for row in rows]
        assert [day(d) for d in c["date_end"]] == [row[5] for row in rows]
    assert len(rows) * 21 < len(demo_client.get("/api/events/points").content) / 2  # 21 bytes a place
    empty = decode_points(demo_client.get("/api/events/points?since=1900-01-01&until=1900-01-02&format=binary").content)
    assert empty["count"] == 0 and all(v == [] for v in empty["cols"].values())
    bad = demo_client.get("/api/events/points?format=xml")
    assert bad.status_code == 422 and bad.json()["code"] == "E605"


@pytest.mark.slow
def test_document_incident_place_actor_search_and_stats(demo_client: Any) -> None:
    docs = all_pages(demo_client, "/api/documents", 5)
    assert len(docs) >= 10 and all("text" not in d for d in docs)
    doc = demo_client.get(f"/api/documents/{docs[0]['id']}").json()
    text = doc["document"]["text"]
    for e in doc["events"]:
        for span in e["evidence"]:
            assert text[span["start"]:span["end"]] == span["quote"]
    assert doc["record"]["schema"] == "incidex/1" and doc["record"]["document"]["id"] == docs[0]["id"]

    incidents = all_pages(demo_client, "/api/incidents", 10)
    disputed = [i for i in incidents if i["disputes"]]
    assert disputed, "the demo corpus has disputed incidents"
    inc = demo_client.get(f"/api/incidents/{disputed[0]['id']}").json()
    assert inc["sources"]["count"] >= 2 and inc["disputes"][0]["values"]
    assert set(inc["members"].values()) <= {e["id"] for e in all_pages(demo_client, "/api/events?status=any", 100)}

    flagged = all_pages(demo_client, "/api/incidents?flag=single_party_sourcing", 100)
    assert flagged and len(flagged) == sum("single_party_sourcing" in i["flags"] for i in incidents)
    battles = all_pages(demo_client, "/api/incidents?type=Battles", 100)
    assert battles and all(i["event_type"] == "Battles" for i in battles)

    places = all_pages(demo_client, "/api/places", 3)
    assert any(p["name"] == "Uzgen" for p in places)
    assert len({(p["name"], p["country_code"]) for p in places}) == len(places)
    actors = all_pages(demo_client, "/api/actors", 3)
    assert actors and all(a["events"] >= 1 for a in actors)

    hits = demo_client.get("/api/search?q=uzgen&kind=documents").json()["items"]
    assert hits and all("uzgen" in (h["snippet"] + (h["title"] or "")).lower() for h in hits)
    ev_hits = demo_client.get("/api/search?q=Uzgen&kind=events").json()["items"]
    assert ev_hits and ev_hits[0]["ref"].startswith("event:")

    tl = demo_client.get("/api/stats/timeline").json()
    summary = demo_client.get("/api/stats/summary").json()
    assert sum(x["count"] for x in tl) <= summary["events"] and sum(summary["by_type"].values()) == summary["events"]
    assert demo_client.get("/api/aggregates").status_code == 200


# -- writes on a fresh store on each backend ----------------------------------------------------------------

def ingest(client: Any, i: int) -> dict[str, Any]:
    r = client.post("/api/documents", json={"text": variant(i), "publisher": "Ministry of Defence of Azerbaijan",
                                            "published": "2020-10-05", "reconcile": True})
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def test_ingest_json_and_upload_are_idempotent(client: Any) -> None:
    first = ingest(client, 1)
    assert first["stored"] and first["events"] == 1 and first["reconciled"]["incidents_total"] == 1
    assert ingest(client, 1)["stored"] is False
    up = client.post("/api/documents/upload", files={"file": ("report.txt", variant(2).encode(), "text/plain")},
                     data={"published": "2020-10-06"})
    assert up.status_code == 201 and up.json()["stored"], up.text
    docs = client.get("/api/documents").json()["items"]
    assert {d["id"] for d in docs} == {first["document_id"], up.json()["document_id"]}
    assert client.get(f"/api/documents/{first['document_id']}").json()["document"]["text"] == variant(1)


def test_full_text_search_follows_ingest_and_edits(client: Any) -> None:
    """Search runs on the full-text index (FTS5 / PostgreSQL GIN), which triggers and expressions keep in step:
    a new document is found at once, every word must match (as a word or its start), an analyst's edit of a
    summary is found by its new words, and results page by cursor."""
    for i in range(1, 4):
        ingest(client, i)

    def hits(q: str, kind: str, limit: int = 50) -> list[dict[str, Any]]:
        r = client.get("/api/search", params={"q": q, "kind": kind, "limit": limit})
        assert r.status_code == 200, r.text
        return r.json()["items"]  # type: ignore[no-any-return]

    docs = hits("Ganja shelled", "documents")
    assert len(docs) == 3 and all("Ganja" in d["snippet"] for d in docs)
    assert len(hits("GANJ", "documents")) == 3  # any case, a word's start
    assert hits("Ganja Tbilisi", "documents") == []  # every word must match
    assert [d["id"] for d in all_pages(client, "/api/search?q=ganja&kind=documents", 1)] == [d["id"] for d in docs]
    ev = client.get("/api/events").json()["items"][0]
    assert ev["id"] in {e["id"] for e in hits("ganja", "events")}
    r = client.post(f"/api/claims/event:{ev['id']}/edit",
                    json={"changes": {"summary": "Artillery fire reported near Zarqava."}, "reason": "rewording"})
    assert r.status_code == 200, r.text
    assert [e["id"] for e in hits("zarqava", "events")] == [ev["id"]]
    assert hits("zarqav artillery", "events")[0]["snippet"].startswith("Artillery fire")
    assert hits("zzzzqqq", "events") == [] and hits("zzzzqqq", "documents") == []
    assert client.get("/api/search", params={"q": "%_", "kind": "events"}).json()["items"] == []


def test_review_actions_are_audited(client: Any) -> None:
    ingest(client, 1)
    ev = client.get("/api/events").json()["items"][0]
    ref = f"event:{ev['id']}"
    r = client.post(f"/api/claims/{ref}/confirm", json={"reason": "checked", "user": "alice"})
    assert r.status_code == 200 and r.json()["claim"]["review_status"] == "confirmed"
    assert [e["id"] for e in client.get("/api/events?status=confirmed").json()["items"]] == [ev["id"]]
    # an edit needs a reason
    r = client.post(f"/api/claims/{ref}/edit", json={"changes": {"summary": "Shelling of Ganja."}})
    assert r.status_code == 422 and r.json()["code"] == "E305"
    r = client.post(f"/api/claims/{ref}/edit", json={"changes": {"summary": "Shelling of Ganja."}, "reason": "neutral"})
    assert r.status_code == 200 and r.json()["claim"]["summary"] == "Shelling of Ganja."
    r = client.post(f"/api/claims/{ref}/edit", json={"changes": {"sub_type": "Not a sub-type"}, "reason": "x"})
    assert r.status_code == 422 and r.json()["code"] == "E304"
    r = client.post(f"/api/claims/{ref}/reject", json={})
    assert r.status_code == 200
    assert client.get("/api/events").json()["items"] == []  # rejected claims are left out by default
    assert len(client.get("/api/events?status=any").json()["items"]) == 1
    audit = client.get(f"/api/audit?ref={ref}").json()["items"]
    assert [a["action"] for a in audit] == ["reject", "edit", "confirm"]  # newest first
    assert audit[2]["user_name"] == "alice" and audit[1]["reason"] == "neutral"
    assert audit[0]["user_name"] == "web"
    # the whole log pages by cursor too
    assert [a["id"] for a in all_pages(client, "/api/audit", 1)] == [a["id"] for a in audit]
    assert client.get("/api/claims/event:99999").json()["code"] == "E303"


def test_merge_and_split_incidents(client: Any) -> None:
    for i in (1, 2):
        ingest(client, i)
    incidents = client.get("/api/incidents").json()["items"]
    assert len(incidents) == 1 and len(incidents[0]["events"]) == 2  # the same shelling, two reports
    inc = client.get(f"/api/incidents/{incidents[0]['id']}").json()
    first = sorted(inc["members"].values())[1]
    r = client.post(f"/api/incidents/{inc['id']}/split", json={"events": [f"event:{first}"]})
    assert r.status_code == 422 and r.json()["code"] == "E605"  # reason is required by the schema
    r = client.post(f"/api/incidents/{inc['id']}/split", json={"events": [f"event:{first}"], "reason": "two days"})
    assert r.status_code == 200, r.text
    ids = sorted(i["id"] for i in client.get("/api/incidents").json()["items"])
    assert len(ids) == 2
    r = client.post("/api/incidents/merge", json={"incidents": ids, "reason": "same shelling after all"})
    assert r.status_code == 200, r.text
    assert len(client.get("/api/incidents").json()["items"]) == 1
    assert {a["action"] for a in client.get("/api/audit").json()["items"]} >= {"merge", "split"}


@pytest.mark.parametrize("fmt", ["jsonl", "geojson", "acled-csv", "ucdp-csv"])
def test_exports_download(client: Any, fmt: str) -> None:
    ingest(client, 1)
    r = client.get(f"/api/export?format={fmt}&since=2020-01-01")
    assert r.status_code == 200
    assert "attachment" in r.headers["content-disposition"]
    if fmt == "jsonl":
        rec = json.loads(r.text.splitlines()[0])
        assert rec["document"]["id"] and rec["events"]
    elif fmt == "geojson":
        assert r.json()["features"]
    else:
        assert len(r.text.splitlines()) >= 2


# -- errors --------------------------------------------------------------------------------------------------

def test_errors_are_coded_json_without_tracebacks(client: Any) -> None:
    cases = [
        (client.get("/api/nowhere"), 404, "E604"),
        (client.get("/api/events/12345"), 404, "E604"),
        (client.get("/api/documents/abc"), 404, "E604"),
        (client.get("/api/incidents/inc-x"), 404, "E604"),
        (client.get("/api/events?since=2024-02-30"), 400, "E109"),
        (client.get("/api/events?bbox=1,2,3"), 400, "E308"),
        (client.get("/api/events?cursor=!!!"), 400, "E606"),
        (client.get("/api/events?limit=100000"), 422, "E605"),
        (client.get("/api/export?format=xlsx"), 400, "E402"),
        (client.get("/api/claims/evt:1"), 404, "E303"),
        (client.post("/api/documents", json={"title": "no text"}), 422, "E605"),
        (client.post("/api/documents", content=b"{not json", headers={"content-type": "application/json"}), 422, "E605"),
        (client.delete("/api/events"), 405, "E608"),
    ]
    for r, status, code in cases:
        assert r.status_code == status, (r.request.url, r.text)
        body = r.json()
        assert set(body) == {"code", "message"} and body["code"] == code, body
        assert "Traceback" not in r.text and 'File "' not in r.text


def test_a_crash_is_a_generic_500(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    from incidex.api import create_app
    from incidex.api import queries as Q

    def boom(*a: Any, **k: Any) -> None:
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(Q, "list_events", boom)
    with TestClient(create_app(db_url), raise_server_exceptions=False) as c:
        r = c.get("/api/events")
    assert r.status_code == 500 and r.json()["code"] == "E609"
    assert "secret" not in r.text and "passwd" not in r.text


def test_request_body_size_limit(db_url: str) -> None:
    from fastapi.testclient import TestClient

    from incidex.api import create_app

    with TestClient(create_app(db_url, extractor=CannedExtractor(), max_body=1000)) as c:
        r = c.post("/api/documents", json={"text": "x" * 5000})
        assert r.status_code == 413 and r.json()["code"] == "E603"

        def chunks() -> Any:  # no Content-Length: counted as it arrives
            for _ in range(10):
                yield b"x" * 500

        r = c.post("/api/documents", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413 and r.json()["code"] == "E603"
        assert c.post("/api/documents", json={"text": TEXT}).status_code == 201


# -- security ------------------------------------------------------------------------------------------------

def test_security_headers_on_every_response(client: Any) -> None:
    for r in (client.get("/api/health"), client.get("/api/nowhere"), client.get("/"), client.get("/docs")):
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert "set-cookie" not in r.headers
    assert client.get("/api/health").headers["cache-control"] == "no-store"


def test_index_has_no_inline_script(client: Any) -> None:
    import re

    r = client.get("/")
    if r.status_code == 503:
        pytest.skip("the UI is not built (make web)")
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", r.text, re.S)
    assert scripts and all('src="' in attrs and not body.strip() for attrs, body in scripts)
    assert " on" not in re.sub(r"\s+", " ", r.text).lower().split("<body", 1)[1].replace(" only", "")


def test_tiles_host_is_allowed_for_images_only(db_url: str) -> None:
    from fastapi.testclient import TestClient

    from incidex.api import create_app

    with TestClient(create_app(db_url, tiles="https://tiles.example.org/{z}/{x}/{y}.png")) as c:
        csp = c.get("/api/health").headers["content-security-policy"]
        assert c.get("/api/config").json()["tiles"].startswith("https://tiles.example.org/")
    assert "img-src 'self' data: https://tiles.example.org;" in csp and "script-src 'self';" in csp


def test_token_guards_every_write_and_no_read(db_url: str) -> None:
    from fastapi.testclient import TestClient

    from incidex.api import create_app

    with TestClient(create_app(db_url, token="s3cret", host="0.0.0.0", extractor=CannedExtractor())) as c:
        body = {"text": TEXT}
        r = c.post("/api/documents", json=body)
        assert r.status_code == 401 and r.json()["code"] == "E601" and r.headers["www-authenticate"] == "Bearer"
        r = c.post("/api/documents", json=body, headers={"Authorization": "Bearer wrong"})
        assert r.status_code == 403 and r.json()["code"] == "E602"
        for path in ("/api/claims/event:1/confirm", "/api/incidents/merge", "/api/reconcile"):
            assert c.post(path, json={}).status_code == 401
        assert c.get("/api/events").status_code == 200  # reads need no token
        assert c.get("/api/config").json()["token_required"] is True
        r = c.post("/api/documents", json=body, headers={"Authorization": "Bearer s3cret"})
        assert r.status_code == 201
        ev = c.get("/api/events").json()["items"][0]
        r = c.post(f"/api/claims/event:{ev['id']}/confirm", json={}, headers={"Authorization": "Bearer s3cret"})
        assert r.status_code == 200


def test_refuses_to_start_off_loopback_without_token(db_url: str) -> None:
    from incidex.api import create_app
    from incidex.api.app import is_loopback
    from incidex.errors import IncidexError

    for host in ("0.0.0.0", "192.168.1.10", "::"):
        with pytest.raises(IncidexError) as err:
            create_app(db_url, host=host)
        assert err.value.code == "E607"
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    create_app(db_url, host="127.0.0.1")


def test_serve_command_refuses_without_token(tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from incidex.cli.main import app

    r = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--db", str(tmp_path / "s.sqlite")], env={"INCIDEX_TOKEN": ""})
    assert r.exit_code == 2 and "E607" in r.output


def test_openapi_documents_the_endpoints(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/events", "/api/documents", "/api/incidents/{incident_id}", "/api/search", "/api/audit",
            "/api/claims/{ref}/edit", "/api/export", "/api/places", "/api/actors", "/api/aggregates"} <= paths
    assert all(op.get("description") or op.get("summary") for p in spec["paths"].values() for op in p.values())


def test_serve_with_two_workers_answers_and_keeps_the_token(tmp_path: Any) -> None:
    """`incidex serve --workers 2`: each uvicorn worker builds the app from the settings the command passed on,
    so both answer reads and both refuse a write without the token."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request
    from pathlib import Path

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = Path(sys.executable).with_name("incidex")
    proc = subprocess.Popen([str(exe), "serve", "--db", str(tmp_path / "w.sqlite"), "--port", str(port),
                             "--workers", "2", "--token", "s3cret"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            try:
                with urllib.request.urlopen(base + "/api/health", timeout=2) as r:
                    assert json.load(r)["status"] == "ok"
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        pids = _children(proc.pid)
        assert len(pids) >= 2, pids  # the supervisor's worker processes
        for _ in range(6):  # connections are spread over the workers; each must hold the token
            req = urllib.request.Request(base + "/api/reconcile", method="POST", data=b"")
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(req, timeout=10)
            assert err.value.code == 401 and json.load(err.value)["code"] == "E601"
    finally:
        proc.terminate()
        proc.wait(20)


def _children(pid: int) -> list[int]:
    import psutil

    return [c.pid for c in psutil.Process(pid).children(recursive=True) if "python" in c.name().lower()
            or "incidex" in " ".join(c.cmdline())]


def test_a_search_snippet_is_cut_around_the_word_the_text_holds() -> None:
    from incidex.api.queries import _snippet

    text = "x" * 200 + " shelling near Ganja " + "y" * 200
    # the query's first word is not in the text, its second is: the window surrounds the second, whole
    snip = _snippet(text, "zarqava ganja", width=10)
    assert "Ganja" in snip and snip.startswith("\u2026") and snip.endswith("\u2026")
    assert snip == "\u2026" + " ".join(text[text.index("Ganja") - 10:text.index("Ganja") + 5 + 10].split()) + "\u2026"
