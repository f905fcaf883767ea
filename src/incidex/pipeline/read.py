"""Reading inputs: plain text in any encoding, HTML, PDF and JSONL records.

Every problem a user can cause raises an ``InputError`` naming the file; the
caller decides whether the batch goes on (it does, in ``services.extract``).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from incidex.domain.document import RawDocument
from incidex.errors import Codes, InputError

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_HEADER = re.compile(
    r"^Publisher:\s*(?P<publisher>[^|\n]+?)\s*\|\s*Published:\s*(?P<published>\d{4}-\d{2}-\d{2})\s*$", re.M
)


def parse_iso_date(value: str | None, path: str = "") -> str | None:
    if value in (None, ""):
        return None
    assert value is not None
    try:
        return date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        raise InputError(Codes.E109, value=value) from None


def iter_paths(inputs: list[str]) -> Iterator[Path | str]:
    """Expand directories (sorted, recursively) and pass '-' through for stdin."""
    for item in inputs:
        if item == "-":
            yield "-"
            continue
        p = Path(item)
        if p.is_dir():
            files = sorted(
                f for f in p.rglob("*")
                if f.is_file() and not f.name.startswith(".") and f.suffix.lower() != ".md"
            )
            if not files:
                raise InputError(Codes.E110, path=str(p))
            yield from files
        else:
            yield p


def decode_bytes(data: bytes, path: str) -> str:
    """Decode text of unknown encoding; refuse binary data."""
    if not data:
        return ""
    if data.startswith(b"%PDF"):
        raise InputError(Codes.E103, path=path, detail="a PDF without the .pdf suffix")
    sample = data[:8192]
    if b"\x00" in sample and not (sample.startswith((b"\xff\xfe", b"\xfe\xff"))):
        raise InputError(Codes.E103, path=path, detail="NUL bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    results = from_bytes(data)
    best = results.best()
    if best is None:
        raise InputError(Codes.E102, path=path, detail="no plausible encoding")
    # single-byte Latin code pages are often indistinguishable; when Windows-1252 reads the bytes
    # as cleanly as the winner, prefer it (the most common one in news feeds)
    for alt in results:
        if alt.encoding in ("cp1252", "latin_1", "iso8859_15") and alt.chaos <= best.chaos + 0.02 \
                and best.encoding not in ("utf_8", "utf_16", "utf_32") and alt.encoding != best.encoding:
            best = alt
            break
    text = str(best)
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.05 * max(1, min(len(text), 4096)):
        raise InputError(Codes.E103, path=path, detail="control characters")
    return text


_DROP_TAGS = ("script", "style", "noscript", "nav", "footer", "header", "aside", "form", "iframe",
              "svg", "template", "button", "menu")
_BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "dd", "dt", "figcaption")


def html_published(html: str) -> str | None:
    m = re.search(r'<meta[^>]+(?:property|name)=["\'](?:article:published_time|date|pubdate|publication_date|dc.date)["\'][^>]*content=["\'](\d{4}-\d{2}-\d{2})', html, re.I)
    return m.group(1) if m else None


def html_to_text(html: str, path: str) -> tuple[str, str | None]:
    """Main text of an HTML page (article/main if present), boilerplate dropped; and its title."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    title_node = tree.css_first("title")
    title = title_node.text(strip=True) if title_node else None
    for tag in _DROP_TAGS:
        for node in tree.css(tag):
            node.decompose()
    root = tree.css_first("article") or tree.css_first("main") or tree.body
    if root is None:
        raise InputError(Codes.E105, path=path)
    blocks = []
    for node in root.css(",".join(_BLOCK_TAGS)):
        # keep innermost blocks only, so nested <li><p> is not doubled (css() includes the node itself)
        if len(node.css(",".join(_BLOCK_TAGS))) > 1:
            continue
        txt = re.sub(r"\s+", " ", node.text(separator=" ")).strip()
        if txt:
            blocks.append(txt)
    if not blocks:
        txt = re.sub(r"\s+", " ", root.text(separator=" ")).strip()
        if txt:
            blocks.append(txt)
    text = "\n\n".join(blocks)
    if not text.strip():
        raise InputError(Codes.E105, path=path)
    h1 = root.css_first("h1")
    return text, (h1.text(strip=True) if h1 else title)


def pdf_to_text(data: bytes, path: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError(Codes.E104, path=path, detail=type(exc).__name__ + ": " + str(exc)[:120]) from None
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise InputError(Codes.E108, path=path)
    return text


def _first_line_title(text: str) -> str | None:
    """A plain-text report's title: its first short line that is not a label or a header."""
    for line in text.splitlines()[:6]:
        line = line.strip()
        if not line or line.startswith("[") or _HEADER.match(line):
            continue
        return line if len(line) <= 160 and not line.endswith((".", ":")) else None
    return None


def _header_metadata(text: str) -> tuple[str | None, str | None]:
    m = _HEADER.search(text[:600])
    if not m:
        return None, None
    return m.group("publisher").strip(), m.group("published")


def read_records_jsonl(data: bytes, path: str) -> Iterator[RawDocument | InputError]:
    text = decode_bytes(data, path)
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
                raise ValueError('no "text" string')
            yield RawDocument(
                text=rec["text"],
                origin=f"{path}#{lineno}",
                title=rec.get("title"),
                url=rec.get("url"),
                published=parse_iso_date(rec.get("published"), path),
                publisher=rec.get("publisher"),
                source_name=rec.get("source") or rec.get("publisher"),
            )
        except (ValueError, InputError) as exc:
            yield InputError(Codes.E107, path=path, line=lineno, detail=str(exc)[:120])


def read_bytes(data: bytes, path: str, suffix: str, max_chars: int) -> Iterator[RawDocument | InputError]:
    """Turn the bytes of one input into documents (several for JSONL)."""
    if len(data) > max_chars * 4:
        raise InputError(Codes.E106, path=path, chars=len(data), limit=max_chars)
    suffix = suffix.lower()
    warnings: tuple[str, ...] = ()
    title = None
    html_date = None
    if suffix == ".jsonl":
        for item in read_records_jsonl(data, path):
            if isinstance(item, RawDocument) and len(item.text) > max_chars:
                yield InputError(Codes.E106, path=item.origin, chars=len(item.text), limit=max_chars)
            else:
                yield item
        return
    if suffix == ".pdf" or data.startswith(b"%PDF"):
        text = pdf_to_text(data, path)
    elif suffix in HTML_SUFFIXES or (
        suffix not in TEXT_SUFFIXES and re.match(rb"\s*(<!doctype html|<html)", data[:200], re.I)
    ):
        html = decode_bytes(data, path)
        text, title = html_to_text(html, path)
        html_date = html_published(html)
    else:
        text = decode_bytes(data, path)
    if len(text) > max_chars:
        raise InputError(Codes.E106, path=path, chars=len(text), limit=max_chars)
    if not text.strip():
        warnings = (f"{path}: the document is empty; no events extracted",)
    publisher, published = _header_metadata(text)
    published = published or html_date
    title = title or _first_line_title(text)
    yield RawDocument(text=text, origin=path, title=title, publisher=publisher, published=published,
                      source_name=publisher, warnings=warnings)


def read_input(item: Path | str, max_chars: int, stdin: io.BufferedReader | None = None) -> Iterator[RawDocument | InputError]:
    """Documents of one path (or '-'); errors are yielded or raised as InputError."""
    if item == "-":
        import sys

        data = (stdin or sys.stdin.buffer).read(max_chars * 4 + 1)
        yield from read_bytes(data, "<stdin>", "", max_chars)
        return
    assert isinstance(item, Path)
    if not item.exists():
        raise InputError(Codes.E101, path=str(item))
    size = item.stat().st_size
    if size > max_chars * 4:
        raise InputError(Codes.E106, path=str(item), chars=size, limit=max_chars)
    yield from read_bytes(item.read_bytes(), str(item), item.suffix, max_chars)
