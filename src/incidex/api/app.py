"""The FastAPI application: one store, the REST API under ``/api``, the analyst UI at ``/``, OpenAPI at ``/docs``.

``create_app`` opens the store (the same ``Repository`` the CLI uses) and wires three layers around the
routes, outermost first: security headers on every response (a Content-Security-Policy without inline
scripts, nosniff, no framing), a limit on the size of request bodies, and the write guard. Served on a
loopback address the app needs no login; on any other address it refuses to start without a token, and every
write (any method but GET, HEAD, OPTIONS) must then carry ``Authorization: Bearer <token>``. No cookies are set.
Every error leaves as ``{"code", "message"}`` with its HTTP status; a crash is logged and answered with a
generic E609, never a traceback.
"""

from __future__ import annotations

import gc
import hmac
import ipaddress
import json
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from incidex import __version__
from incidex.api.errors import ApiCodes, ApiError, body, status_of
from incidex.errors import IncidexError

if TYPE_CHECKING:
    from incidex.pipeline.assemble import Extractor

log = logging.getLogger("incidex.api")

WEB = Path(__file__).resolve().parent.parent / "web"
STATIC = WEB / "static"
MAX_BODY = 20 * 1024 * 1024  # 5,000,000 characters of UTF-8 at most 4 bytes each, as `--max-chars` allows
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
THREADS = int(os.environ.get("INCIDEX_SERVE_THREADS", "4"))  # requests handled at once by one server process


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    """Refuse (E607) to serve on a non-loopback address without a token."""
    if not is_loopback(host) and not token:
        raise ApiError(ApiCodes.E607, 500, host=host)


def csp(tiles: str | None) -> str:
    img = "'self' data:"
    if tiles:
        parts = urlsplit(tiles.replace("{s}", "a"))
        host = parts.netloc.replace("a.", "*.", 1) if "{s}" in tiles and parts.netloc.startswith("a.") else parts.netloc
        img += f" {parts.scheme}://{host}"
    return ("default-src 'self'; script-src 'self'; style-src 'self'; "
            f"img-src {img}; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            "frame-ancestors 'none'; form-action 'self'")


class Guard:
    """Pure ASGI middleware: security headers, body size limit and the write token, for every request."""

    def __init__(self, app: ASGIApp, token: str | None, max_body: int, policy: str) -> None:
        self.app, self.token, self.max_body = app, token, max_body
        self.headers = [
            (b"content-security-policy", policy.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"cross-origin-resource-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = scope["path"].startswith("/api")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                extra = [h for h in self.headers if h[0] not in have]
                if api and b"cache-control" not in have:
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        if self.token and scope["method"] not in SAFE_METHODS:
            auth = headers.get(b"authorization", b"").decode("latin-1")
            scheme, _, given = auth.partition(" ")
            if scheme.lower() != "bearer" or not given:
                await _reply(send_with_headers, ApiError(ApiCodes.E601, 401), {"www-authenticate": "Bearer"})
                return
            if not hmac.compare_digest(given.strip().encode(), self.token.encode()):
                await _reply(send_with_headers, ApiError(ApiCodes.E602, 403))
                return
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            await _reply(send_with_headers, ApiError(ApiCodes.E603, 413, size=int(length), limit=self.max_body))
            return
        if length is None and scope["method"] not in SAFE_METHODS:
            # no Content-Length (chunked): read the body up to the limit before the app sees any of it
            chunks: list[bytes] = []
            seen = 0
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    return  # the client went away
                chunks.append(message.get("body", b""))
                seen += len(chunks[-1])
                if seen > self.max_body:
                    await _reply(send_with_headers, ApiError(ApiCodes.E603, 413, size=seen, limit=self.max_body))
                    return
                if not message.get("more_body"):
                    break
            replay = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

            async def replayed() -> Message:
                return replay.pop() if replay else await receive()

            await self.app(scope, replayed, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


async def _reply(send: Send, exc: ApiError, extra: dict[str, str] | None = None) -> None:
    payload = json.dumps(body(exc.code, exc.message)).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": exc.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def create_app(db_url: str | None = None, token: str | None = None, host: str = "127.0.0.1",
               tiles: str | None = None, max_body: int = MAX_BODY, extractor: Extractor | None = None,
               user: str = "web", server_process: bool = False) -> FastAPI:
    """The web app on the store at ``db_url`` (``--db`` / ``INCIDEX_DB``; default ``./incidex.sqlite``).

    ``host`` is where it will be served: off loopback a ``token`` is required (E607). ``tiles`` is an optional
    online tile layer URL template (``https://tile.example.org/{z}/{x}/{y}.png``) shown over the offline
    boundaries. ``extractor`` replaces the pipeline for ingest (tests); ``user`` is who review actions are
    recorded as when a request names nobody. ``server_process``: the app owns its process (`incidex serve`),
    so what it loaded at start is frozen out of the garbage collector's way.
    """
    from incidex.api.routes import router
    from incidex.store.repository import Repository

    check_bind(host, token)
    repo = Repository.open(db_url)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        import anyio.to_thread

        # The routes are plain functions, run in anyio's thread pool (40 threads by default). Threads of one
        # process share the GIL: 20 requests at once each ran 20 times slower and the process answered fewer
        # of them. A few at a time, the others waiting their turn, gave more answers a second and shorter
        # waits (benchmarks/bench_api.py); more processes (`serve --workers`) use more CPUs.
        anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
        if server_process:
            # what the app loaded at start lives as long as the server process: out of the collector's way,
            # a full collection no longer walks it (with both changes, 20 clients sending back to back got
            # 40 % more answers a second and a p95 of 116 ms instead of 235 ms on two workers)
            gc.collect()
            gc.freeze()
        yield
        repo.close()

    app = FastAPI(title="incidex", version=__version__, docs_url=None, redoc_url=None, lifespan=lifespan,
                  description="The incidex store over HTTP: documents, claims, incidents, review and exports "
                              "(incidex/1). Errors are `{\"code\", \"message\"}`.")
    app.state.repo = repo
    app.state.token = token
    app.state.tiles = tiles
    app.state.extractor = extractor
    app.state.user = user
    app.include_router(router)
    _handlers(app)
    _ui(app)
    app.add_middleware(Guard, token=token, max_body=max_body, policy=csp(tiles))

    return app


SERVE_ENV = "INCIDEX_SERVE_SETTINGS"  # how `incidex serve --workers N` hands its settings to each worker


def settings_to_env(db_url: str | None, token: str | None, host: str, tiles: str | None) -> str:
    return json.dumps({"db": db_url, "token": token, "host": host, "tiles": tiles})


def app_from_env() -> FastAPI:
    """The app of one worker of ``incidex serve --workers N`` (a uvicorn factory), from ``SERVE_ENV``."""
    import os

    s = json.loads(os.environ.get(SERVE_ENV, "{}"))
    return create_app(s.get("db"), token=s.get("token"), host=s.get("host", "127.0.0.1"), tiles=s.get("tiles"),
                      server_process=True)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(IncidexError)
    async def incidex_error(_: Request, exc: IncidexError) -> JSONResponse:
        return JSONResponse(body(exc.code, exc.message), status_code=status_of(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        detail = "; ".join(f"{'.'.join(str(x) for x in e.get('loc', ()) if x != 'body') or 'body'}: {e.get('msg')}"
                           for e in exc.errors()[:5])
        e = ApiError(ApiCodes.E605, 422, detail=detail)
        return JSONResponse(body(e.code, e.message), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404:
            e = ApiError(ApiCodes.E604, 404, what=request.url.path)
        elif exc.status_code == 405:
            e = ApiError(ApiCodes.E608, 405, method=request.method, path=request.url.path)
        else:
            e = ApiError(ApiCodes.E605, exc.status_code, detail=str(exc.detail))
        return JSONResponse(body(e.code, e.message), status_code=e.status, headers=exc.headers)

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        e = ApiError(ApiCodes.E609, 500, kind=type(exc).__name__)
        return JSONResponse(body(e.code, e.message), status_code=500)


def _ui(app: FastAPI) -> None:
    """The analyst UI and the API documentation: static files, no inline scripts."""
    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")
    built = STATIC / "dist" / "app.js"

    def page(name: str) -> Any:
        if not built.exists():
            return HTMLResponse(
                "<!doctype html><title>incidex</title><p>The web UI is not built: run <code>make web</code> "
                "(npm ci and esbuild in src/incidex/web/frontend). The API is at <a href=\"/api/health\">/api</a>, "
                "its schema at <a href=\"/openapi.json\">/openapi.json</a>.</p>", status_code=503)
        return FileResponse(STATIC / name, media_type="text/html")

    @app.get("/", include_in_schema=False)
    def index() -> Any:
        return page("index.html")

    @app.get("/docs", include_in_schema=False)
    def docs() -> Any:
        return page("docs.html")
