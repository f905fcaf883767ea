"""The web app: a FastAPI application serving the REST API and the analyst UI on one store (`incidex serve`).

FastAPI is imported only here and below, never by ``incidex.cli.main``: ``incidex --help`` stays instant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(*args: Any, **kwargs: Any) -> FastAPI:
    """See ``incidex.api.app.create_app``."""
    from incidex.api.app import create_app as make

    return make(*args, **kwargs)
