"""`incidex serve`: the REST API and the analyst UI on one store, with uvicorn.

A thin wrapper over ``incidex.api.create_app``; FastAPI and uvicorn are imported inside the command so that
``incidex --help`` stays instant. On 127.0.0.1 (the default) there is no login; on any other address the
command refuses to start without ``--token`` / ``INCIDEX_TOKEN``, and every write must then send it.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from incidex.cli.store_cmd import DbOpt, _err
from incidex.errors import IncidexError


def serve(
    db: DbOpt = None,
    host: Annotated[str, typer.Option(help="Address to listen on; anything but loopback needs --token.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    token: Annotated[str | None, typer.Option(envvar="INCIDEX_TOKEN", help="Bearer token every write must send "
                                              "(required off 127.0.0.1).")] = None,
    tiles: Annotated[str | None, typer.Option(envvar="INCIDEX_TILES", help="Online tile layer URL template "
                                              "(https://.../{z}/{x}/{y}.png) over the offline boundaries.")] = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Server processes (uvicorn workers); each opens the "
                                         "store. One per CPU suits a team sharing one server.")] = 1,
) -> None:
    """Serve the REST API (OpenAPI at /docs) and the analyst UI (map, timeline, documents, incidents, review)."""
    try:
        from incidex.api.app import check_bind, create_app

        check_bind(host, token)
        app = create_app(db, token=token, host=host, tiles=tiles, server_process=workers == 1)
    except IncidexError as exc:
        _err(exc)
        raise typer.Exit(2) from None
    import uvicorn

    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"incidex: serving on http://{shown}:{port}/  (API documentation: http://{shown}:{port}/docs)")
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
        return
    # several processes: uvicorn imports the app in each from a factory, which reads the same settings
    from incidex.api.app import SERVE_ENV, settings_to_env

    os.environ[SERVE_ENV] = settings_to_env(db, token=token, host=host, tiles=tiles)
    uvicorn.run("incidex.api.app:app_from_env", factory=True, workers=workers, host=host, port=port,
                log_level="warning", server_header=False)


def register(app: typer.Typer) -> None:
    """Add `incidex serve` to the main app (called once from ``incidex.cli.main``)."""
    app.command("serve")(serve)
