"""Word (``.docx``) and OpenDocument (``.odt``) notes, read like Markdown notes.

Headings (Word's « Titre 1 »/« Heading 1 » styles, ODF ``text:h``) become
``## heading`` lines so the chunker keeps them as sections. Title, date and group
come from the document's properties or from a first two-column table
(« Titre | … », « Date | … », « Groupe | … »), which is then left out of the text.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot.ingest.documents import DocumentError, PageText, SourceDocument
from bot.ingest.loaders import HEADING_PREFIX

# What a first table's left column may say, mapped to the note's metadata keys.
_KEYS = {
    "titre": "title",
    "title": "title",
    "objet": "title",
    "date": "date",
    "groupe": "group",
    "group": "group",
    "groupe pays": "group",
    "groupe-pays": "group",
}
_HEADING_STYLE = re.compile(r"^(heading|titre)\s*(\d+)$", re.IGNORECASE)
_MAX_BYTES = 50_000_000


def load_docx(path: Path, relative_path: str) -> SourceDocument:
    """Read a Word note: paragraphs, headings and tables in document order."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    _check_archive(path)
    try:
        document = docx.Document(str(path))
    except Exception as error:  # python-docx raises many types on odd files
        raise DocumentError(f"the Word file is corrupt or unreadable ({_reason(error)})") from error
    metadata: dict[str, str] = {}
    properties = document.core_properties
    if properties.title and properties.title.strip():
        metadata["title"] = properties.title.strip()
    if properties.category and properties.category.strip():
        metadata["group"] = properties.category.strip()
    lines: list[str] = []
    first_block = True
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            rows = [[cell.text.strip() for cell in row.cells] for row in block.rows]
            if first_block and _metadata_table(rows, metadata):
                first_block = False
                continue
            lines.extend(_table_lines(rows))
        elif isinstance(block, Paragraph):
            text = " ".join(block.text.split())
            if not text:
                continue
            style = block.style.name if block.style is not None else ""
            if style == "Title" or style == "Titre":
                metadata.setdefault("title", text)
                lines.append(HEADING_PREFIX + text)
            elif _HEADING_STYLE.match(style or ""):
                lines.append(HEADING_PREFIX + text)
            else:
                lines.append(text)
        first_block = False
    return _note(path, relative_path, lines, metadata)


def load_odt(path: Path, relative_path: str) -> SourceDocument:
    """Read an OpenDocument text note: headings, paragraphs, lists and tables in order."""
    from odf import dc, meta
    from odf.opendocument import load
    from odf.table import Table

    _check_archive(path)
    try:
        document = load(str(path))
    except Exception as error:  # odfpy raises many types on odd files
        raise DocumentError(f"the ODT file is corrupt or unreadable ({_reason(error)})") from error
    metadata: dict[str, str] = {}
    for element in document.meta.getElementsByType(dc.Title):
        title = _odf_text(element).strip()
        if title:
            metadata["title"] = title
    for element in document.meta.getElementsByType(meta.UserDefined):
        key = _KEYS.get(_fold(str(element.getAttribute("name") or "")))
        value = _odf_text(element).strip()
        if key and value:
            metadata[key] = value
    lines: list[str] = []
    first_block = True
    for kind, element in _odf_blocks(document.text):
        if kind == "table":
            rows = _odf_rows(element, Table)
            if first_block and _metadata_table(rows, metadata):
                first_block = False
                continue
            lines.extend(_table_lines(rows))
        else:
            text = " ".join(_odf_text(element).split())
            if text:
                lines.append(HEADING_PREFIX + text if kind == "heading" else text)
        first_block = False
    return _note(path, relative_path, lines, metadata)


def _note(
    path: Path, relative_path: str, lines: list[str], metadata: dict[str, str]
) -> SourceDocument:
    body = "\n".join(lines)
    if not body.strip():
        raise DocumentError("the note is empty")
    if "date" in metadata:
        metadata["date"] = _iso_date(metadata["date"])
    title = metadata.pop("title", None) or _first_heading(lines) or _title_from(path)
    return SourceDocument(
        path=relative_path,
        title=title,
        kind="note",
        pages=(PageText(None, body),),
        metadata=metadata,
    )


def _check_archive(path: Path) -> None:
    """Both formats are zip archives: refuse anything else, or one that expands too much."""
    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise DocumentError(f"not a valid {path.suffix.lstrip('.')} file ({error})") from error
    if expanded > _MAX_BYTES:
        raise DocumentError(f"the file expands to {expanded} bytes (more than {_MAX_BYTES})")


def _metadata_table(rows: list[list[str]], metadata: dict[str, str]) -> bool:
    """Read a first table of « key | value » rows naming a title, date or group."""
    found: dict[str, str] = {}
    for row in rows:
        cells = [cell for cell in row if cell]
        if len(cells) != 2:
            return False
        key = _KEYS.get(_fold(cells[0]).rstrip(" :"))
        if key is None:
            return False
        found[key] = cells[1]
    if not found:
        return False
    for key, value in found.items():
        metadata.setdefault(key, value)
    return True


def _table_lines(rows: list[list[str]]) -> list[str]:
    lines = []
    for row in rows:
        cells: list[str] = []
        for cell in row:  # merged cells repeat in python-docx
            text = " ".join(cell.split())
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        if cells:
            lines.append(" | ".join(cells))
    return lines


def _odf_blocks(root: Any) -> Iterator[tuple[str, Any]]:
    """``(kind, element)`` for headings, paragraphs and tables, lists flattened, in order."""
    for node in root.childNodes:
        name = getattr(node, "qname", (None, None))[1]
        if name == "h":
            yield "heading", node
        elif name == "p":
            yield "paragraph", node
        elif name == "table":
            yield "table", node
        elif name in ("list", "list-item", "section", "list-header"):
            yield from _odf_blocks(node)


def _odf_rows(table: Any, table_type: Any) -> list[list[str]]:
    rows: list[list[str]] = []
    for row in _descendants(table, "table-row"):
        rows.append(
            [_odf_text(cell).strip() for cell in row.childNodes if _name(cell) in ("table-cell",)]
        )
    return rows


def _descendants(node: Any, name: str) -> Iterator[Any]:
    for child in node.childNodes:
        if _name(child) == name:
            yield child
        elif _name(child) in ("table-rows", "table-header-rows", "table-row-group"):
            yield from _descendants(child, name)


def _name(node: Any) -> str | None:
    qname = getattr(node, "qname", None)
    return qname[1] if qname else None


def _odf_text(node: Any) -> str:
    """The text of an ODF element, spaces (``text:s``), tabs and line breaks included."""
    parts: list[str] = []
    for child in node.childNodes:
        if child.nodeType == child.TEXT_NODE:
            parts.append(str(child.data))
            continue
        name = _name(child)
        if name == "s":
            parts.append(" " * int(child.getAttribute("c") or 1))
        elif name in ("tab", "line-break"):
            parts.append(" ")
        elif name == "p":  # paragraphs inside a cell
            parts.append(_odf_text(child) + "\n")
        elif name not in ("note", "annotation"):
            parts.append(_odf_text(child))
    return "".join(parts)


def _iso_date(value: str) -> str:
    """``2027-02-04``, ``04/02/2027`` or ``4 février 2027`` as ISO; otherwise kept as written."""
    text = value.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text[:10], pattern).date().isoformat()
        except ValueError:
            continue
    match = re.match(r"^(\d{1,2})(?:er)?\s+(\w+)\s+(\d{4})$", _fold(text))
    if match and match.group(2) in _MONTHS:
        try:
            day = date(int(match.group(3)), _MONTHS[match.group(2)], int(match.group(1)))
        except ValueError:
            return text
        return day.isoformat()
    return text


_MONTHS = {
    name: number
    for number, name in enumerate(
        "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre "
        "decembre".split(),
        start=1,
    )
}


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.lower())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _first_heading(lines: list[str]) -> str | None:
    for line in lines:
        if line.startswith(HEADING_PREFIX):
            return line.removeprefix(HEADING_PREFIX).strip() or None
    return None


def _title_from(path: Path) -> str:
    return path.stem.replace("-", " ").replace("_", " ").strip().capitalize()


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:200]


def _publication(document: SourceDocument) -> SourceDocument:
    from dataclasses import replace

    return replace(document, kind="publication")


def load_docx_publication(path: Path, relative_path: str) -> SourceDocument:
    return _publication(load_docx(path, relative_path))


def load_odt_publication(path: Path, relative_path: str) -> SourceDocument:
    return _publication(load_odt(path, relative_path))


def load_markdown_publication(path: Path, relative_path: str) -> SourceDocument:
    from bot.ingest.loaders import load_note

    return _publication(load_note(path, relative_path))


#: Registered in :data:`bot.ingest.pipeline.LOADERS`: (folder, suffix) → loader.
OFFICE_LOADERS = {
    ("notes", ".docx"): load_docx,
    ("notes", ".odt"): load_odt,
    ("publications", ".docx"): load_docx_publication,
    ("publications", ".odt"): load_odt_publication,
    ("publications", ".md"): load_markdown_publication,
}
