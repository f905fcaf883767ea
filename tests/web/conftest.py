"""Fixtures of the web app tests: the demo corpus extracted once per session and stored on each backend,
a fresh store on each backend fed through the API with the canned extractor, and a live server (uvicorn in
a thread on a free port) for the browser tests.

The demo corpus is extracted once (spaCy, about 10 s) and the records stored into a SQLite file and a
PostgreSQL schema per session; tests that review claims use their own fresh stores.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import DEMO
from ..store_fixtures import CannedExtractor, db_url_fixture, pg_or_skip, pg_schema  # noqa: F401 - fixture


@pytest.fixture(scope="session")
def demo_items(extractor) -> list[Any]:  # type: ignore[no-untyped-def]
    """(RawDocument, Extraction) of every document of the demo corpus, extracted once."""
    from incidex.services.extract import extract_documents

    items = [x for x in extract_documents([str(DEMO)], extractor=extractor) if not isinstance(x, Exception)]
    assert len(items) >= 10
    return items


def fill_demo(url: str, items: list[Any]) -> str:
    from incidex.services.ingest import store_extractions
    from incidex.services.reconcile import reconcile
    from incidex.store.repository import Repository

    repo = Repository.open(url)
    list(store_extractions(repo, items, "test", "tester"))
    reconcile(repo)
    repo.close()
    return url


@pytest.fixture(scope="session")
def demo_sqlite(demo_items, tmp_path_factory) -> str:  # type: ignore[no-untyped-def]
    """A SQLite file holding the demo corpus, reconciled. Read-only: copy it before writing."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    fill_demo(f"sqlite:///{path}", demo_items)
    return str(path)


@pytest.fixture(scope="session")
def demo_pg(demo_items) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The demo corpus in a PostgreSQL schema of its own, dropped at the end of the session."""
    pg_or_skip()
    with pg_schema("web") as url:
        yield fill_demo(url, demo_items)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def demo_url(request: pytest.FixtureRequest) -> str:
    """The demo store on each backend (read-only)."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("demo_sqlite"))
    return str(request.getfixturevalue("demo_pg"))


@pytest.fixture
def demo_client(demo_url: str) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from incidex.api import create_app

    with TestClient(create_app(demo_url)) as client:
        yield client


@pytest.fixture
def client(db_url: str) -> Iterator[Any]:
    """A fresh store on each backend; documents are ingested through the API with the canned extractor."""
    from fastapi.testclient import TestClient

    from incidex.api import create_app

    with TestClient(create_app(db_url, extractor=CannedExtractor()), raise_server_exceptions=False) as c:
        yield c


# -- a live server for the browser -------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def copy_store(src: str, dest_dir: Path) -> str:
    dest = dest_dir / "store.sqlite"
    shutil.copy(src, dest)
    return str(dest)
