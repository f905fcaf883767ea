"""How errors reach an API client: ``{"code", "message"}`` with the HTTP status that fits, never a traceback.

Errors a user can cause anywhere in incidex are ``IncidexError`` with a coded message (``incidex.errors``);
this module maps their codes to HTTP statuses. Errors only the web app can cause (a missing token, a body
too large, a malformed cursor) are coded here, E6xx, in the same style.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

from incidex.errors import IncidexError

log = logging.getLogger("incidex.api")


class ApiCodes(StrEnum):
    """E6xx: the web app. Message templates as in ``incidex.errors.Codes``."""

    E601 = "this server needs a token for writes: send `Authorization: Bearer <token>` (see `incidex serve --token`)"
    E602 = "the token is wrong"
    E603 = "the request body of {size} bytes exceeds the limit of {limit} bytes"
    E604 = "{what}: not found"
    E605 = "invalid request: {detail}"
    E606 = "{value!r} is not a valid cursor; pass the `next_cursor` of the previous page"
    E607 = "refusing to serve on {host} without a token: pass --token or set INCIDEX_TOKEN (only 127.0.0.1 runs without one)"
    E608 = "method {method} is not allowed on {path}"
    E609 = "internal error ({kind}); the server log has the details"
    E610 = "the ingest needs a document: a JSON body with \"text\" or a file upload in the field \"file\""


class ApiError(IncidexError):
    """An error of the web app itself, with its HTTP status."""

    def __init__(self, code: ApiCodes, status: int, **params: object) -> None:
        self.status = status
        super().__init__(code, **params)  # type: ignore[arg-type]  # an ApiCodes member works like a Codes member


# incidex error codes to HTTP statuses; any other code is a 400 (a user mistake in the request)
STATUS = {
    "E101": 404, "E106": 413, "E201": 503, "E301": 503, "E302": 503, "E303": 404, "E304": 422, "E305": 422,
    "E307": 500, "E401": 503, "E404": 403,
}


def status_of(exc: IncidexError) -> int:
    if isinstance(exc, ApiError):
        return exc.status
    return STATUS.get(exc.code, 400)


def body(code: str, message: str) -> dict[str, Any]:
    return {"code": code, "message": message}
