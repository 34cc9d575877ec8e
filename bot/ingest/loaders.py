"""Loaders: turn a knowledge file into a :class:`SourceDocument`, or say why not.

PDF headings (bold or larger text) and Markdown headings both come out as
``## heading`` lines, so the chunker treats every kind of document alike.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PyPdfError

from bot.ingest.documents import DocumentError, PageText, SourceDocument
from bot.ingest.frontmatter import split_front_matter

logger = logging.getLogger(__name__)

HEADING_PREFIX = "## "
_MAX_HEADING_CHARS = 120
_PLACEHOLDER_TITLES = frozenset({"", "untitled", "sans titre"})


def load_pdf(path: Path, relative_path: str) -> SourceDocument:
    """Read a PDF page by page; encrypted, corrupt, empty or image-only files raise."""
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError("the PDF is encrypted (password-protected)")
        pages = [
            PageText(number, _page_text_with_headings(page))
            for number, page in enumerate(reader.pages, start=1)
        ]
        metadata_title = reader.metadata.get("/Title") if reader.metadata else None
    except DocumentError:
        raise
    except FileNotDecryptedError as error:
        raise DocumentError("the PDF is encrypted (password-protected)") from error
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise DocumentError(f"the PDF is corrupt or unreadable ({error})") from error
    except NotImplementedError as error:
        raise DocumentError(f"the PDF uses a feature pypdf cannot read ({error})") from error
    except Exception as error:  # pypdf raises many other types on odd files
        reason = f"{type(error).__name__}: {error}"
        raise DocumentError(f"the PDF is corrupt or unreadable ({reason})") from error
    if not pages:
        raise DocumentError("the PDF has no pages")
    if not any(page.text.strip() for page in pages):
        raise DocumentError("the PDF has no extractable text (scanned or image-only?)")
    if str(metadata_title or "").strip().lower() in _PLACEHOLDER_TITLES:
        metadata_title = None  # what PDF tools write when nobody set a title
    title = _clean_title(str(metadata_title)) if metadata_title else _title_from_path(path)
    return SourceDocument(path=relative_path, title=title, kind="publication", pages=tuple(pages))


def load_note(path: Path, relative_path: str) -> SourceDocument:
    """Read a Markdown or text note with optional front matter (title, date, group)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise DocumentError("the note is not UTF-8 text") from error
    except OSError as error:
        raise DocumentError(f"cannot read the note ({error.strerror})") from error
    front, body = split_front_matter(text)
    if not body.strip():
        raise DocumentError("the note is empty")
    metadata = {key: _metadata_value(value) for key, value in front.items() if value is not None}
    title = metadata.pop("title", None) or _first_heading(body) or _title_from_path(path)
    body = "\n".join(
        HEADING_PREFIX + line.lstrip("#").strip() if line.startswith("#") else line
        for line in body.splitlines()
    )
    return SourceDocument(
        path=relative_path,
        title=title,
        kind="note",
        pages=(PageText(None, body),),
        metadata=metadata,
    )


def _page_text_with_headings(page: Any) -> str:
    """Extract a page's text, marking lines set in bold or larger type as headings."""
    runs: list[tuple[str, str, float]] = []  # (text, font name, effective size)

    def collect(text: str, _cm: Any, tm: Any, font: Any, size: float) -> None:
        if text:
            scale = abs(tm[0]) if tm and tm[0] else 1.0
            font_name = str(font.get("/BaseFont", "")) if font else ""
            runs.append((text, font_name, round(size * scale, 1)))

    plain = page.extract_text(visitor_text=collect) or ""
    if not runs:
        return plain
    sizes: Counter[float] = Counter()
    for text, _font, size in runs:
        sizes[size] += len(text.strip())
    body_size = sizes.most_common(1)[0][0]
    return _mark_heading_lines(
        [(text, "Bold" in font or size >= body_size + 1.5) for text, font, size in runs]
    )


def _mark_heading_lines(fragments: list[tuple[str, bool]]) -> str:
    lines: list[str] = []
    current: list[str] = []
    styled: list[bool] = []
    for text, is_heading in fragments:
        parts = text.split("\n")
        for index, part in enumerate(parts):
            if part.strip():
                current.append(part)
                styled.append(is_heading)
            if index < len(parts) - 1:
                lines.append(_finish_line(current, styled))
                current, styled = [], []
    lines.append(_finish_line(current, styled))
    return "\n".join(line for line in lines if line.strip())


def _finish_line(parts: list[str], styled: list[bool]) -> str:
    line = " ".join(part.strip() for part in parts).strip()
    heading = bool(styled) and all(styled) and len(line) <= _MAX_HEADING_CHARS
    if heading and not line[:1].isdigit():
        return HEADING_PREFIX + line.lstrip("■•").strip()
    return line


def _first_heading(body: str) -> str | None:
    for line in body.splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip() or None
    return None


def _metadata_value(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _clean_title(title: str) -> str:
    return title.replace("Cités Unies France — ", "").strip() or title


def _title_from_path(path: Path) -> str:
    return path.stem.replace("-", " ").replace("_", " ").strip().capitalize()
