"""The exception tree and the catalogue of coded messages, in one place.

Every error a user can cause is an ``IncidexError`` with a stable code (``E101``)
and a message that says what went wrong and what to do. The CLI prints
``error [E101]: <message>`` and exits non-zero; nothing a user can cause ends in
a traceback. Codes are grouped: E1xx input, E2xx gazetteer, E3xx store, E4xx
configuration, E5xx evaluation.
"""

from __future__ import annotations

from enum import StrEnum


class Codes(StrEnum):
    """Message templates; ``{placeholders}`` are filled by ``IncidexError``."""

    E101 = "{path}: file not found"
    E102 = "{path}: cannot decode the file as text ({detail}); convert it to UTF-8 or give a PDF/HTML file"
    E103 = "{path}: the file looks binary ({detail}); incidex reads plain text, HTML, PDF and JSONL"
    E104 = "{path}: the PDF cannot be read ({detail})"
    E105 = "{path}: the HTML page contains no readable text"
    E106 = "{path}: {chars} characters exceeds --max-chars {limit}; split the document or raise the limit"
    E107 = "{path}: line {line}: not a valid JSONL record ({detail}); expected {{\"text\", \"url\", \"title\", \"published\", \"publisher\"}}"
    E108 = "{path}: the PDF has no text layer (scanned image?); run OCR first"
    E109 = "{value!r} is not a date in the form YYYY-MM-DD"
    E110 = "{path}: is a directory with no readable documents"
    E201 = "the gazetteer index at {path} is missing or corrupt ({detail}); run `incidex gazetteer build`"
    E202 = "{path}: line {line}: malformed GeoNames record ({detail})"
    E301 = "cannot open the database {url} ({detail}); check --db / INCIDEX_DB and that the server is running"
    E302 = "the database {url} is at schema revision {current}, this incidex needs {head}; run `incidex db upgrade`"
    E303 = "{ref}: no such claim; use KIND:ID with KIND one of {kinds} (see `incidex review list`)"
    E304 = "{ref}: cannot set {field!r} ({detail})"
    E305 = "`incidex review edit` needs --reason: every change to a claim records why"
    E306 = "{path}: line {line}: not an incidex/1 record ({detail})"
    E307 = "database error: {detail}"
    E308 = "--bbox {value!r}: expected four numbers MIN_LON,MIN_LAT,MAX_LON,MAX_LAT"
    E309 = "the {fmt} export {detail}"
    E401 = "the spaCy model {model} is not installed ({detail}); run `pip install -e .` or `make demo`"
    E402 = "unknown output format {value!r}; choose one of {choices}"
    E403 = "{path}: refusing to overwrite an existing file; pass --force"
    E404 = "{path}: outside the allowed export directory {root}; write under it, to standard output (-), or set INCIDEX_EXPORT_DIR"
    E501 = "{path}: line {line}: gold record is invalid ({detail})"
    E502 = "{path}: data set not found; expected it under ../shared/data"


class IncidexError(Exception):
    """Base class of every error a user can cause."""

    def __init__(self, code: Codes, **params: object) -> None:
        self.code = code.name
        self.params = params
        self.message = code.value.format(**params)
        super().__init__(f"[{self.code}] {self.message}")


class InputError(IncidexError):
    """A document cannot be read (E1xx)."""


class GazetteerError(IncidexError):
    """The place index is missing, corrupt or a dump line is malformed (E2xx)."""


class StoreError(IncidexError):
    """The database cannot be opened, is out of date, or a claim or record is invalid (E3xx)."""


class ConfigError(IncidexError):
    """A setting, option or installation problem (E4xx)."""


class EvalError(IncidexError):
    """Gold data or a data set is missing or invalid (E5xx)."""
