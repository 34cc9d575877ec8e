"""The documents staff add, list and remove (Telegram ``/documents``, ``python -m bot documents``).

A document sent by an admin is saved under ``knowledge/publications/`` or
``knowledge/notes/[<group>/]`` and the incremental ingest indexes it. A file with
the same name anywhere under those two folders is replaced: the old file is
deleted before the ingest runs, so its passages leave the index in the same
generation the new ones enter it, and are never cited again.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bot.index.layout import current_generation
from bot.index.reader import read_chunks
from bot.index.writer import Manifest
from bot.messages import message

logger = logging.getLogger(__name__)

#: What staff may send: the formats the ingest reads.
UPLOAD_SUFFIXES = (".pdf", ".docx", ".odt", ".md")
#: Telegram bots can download files up to 20 MB.
MAX_UPLOAD_BYTES = 20_000_000
PUBLICATION, NOTE = "publication", "note"
_FOLDERS = {PUBLICATION: "publications", NOTE: "notes"}
_MANAGED = tuple(_FOLDERS.values())
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class LibraryError(ValueError):
    """A file that cannot be added or removed; the message says why, in French."""


@dataclass(frozen=True)
class IndexedDocument:
    """A file of the index: its path under ``knowledge/``, title and passage count."""

    path: str
    title: str
    passages: int
    skipped_reason: str | None = None

    @property
    def removable(self) -> bool:
        return self.path.split("/", 1)[0] in _MANAGED


@dataclass(frozen=True)
class SavedDocument:
    """Where an uploaded file went, and the files of the same name it replaced."""

    path: str
    replaced: tuple[str, ...]


def safe_file_name(name: str) -> str:
    """A file name safe on any disk: accents folded, no folder, only ``A-Za-z0-9._-``.

    Raises :class:`LibraryError` for a format the ingest does not read.
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    folded = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    stem, dot, suffix = folded.rpartition(".")
    suffix = f".{suffix.lower()}" if dot else ""
    if suffix not in UPLOAD_SUFFIXES:
        raise LibraryError(
            "Format non pris en charge : envoyez un fichier PDF, Word (.docx), "
            "OpenDocument (.odt) ou Markdown (.md)."
        )
    stem = _SAFE.sub("-", stem).strip("-._")[:80] or "document"
    return stem + suffix


def save_upload(
    knowledge_dir: Path, name: str, content: bytes, kind: str, group: str | None = None
) -> SavedDocument:
    """Write ``content`` as ``name`` in the folder for ``kind`` (and ``group``), atomically.

    Files of the same name elsewhere under ``publications/`` and ``notes/`` are deleted.
    """
    if kind not in _FOLDERS:
        raise LibraryError(f"Type de document inconnu : {kind}")
    if len(content) > MAX_UPLOAD_BYTES:
        raise LibraryError("Fichier trop volumineux (20 Mo au plus).")
    if not content:
        raise LibraryError("Le fichier est vide.")
    file_name = safe_file_name(name)
    folder = knowledge_dir / _FOLDERS[kind]
    if kind == NOTE and group:
        folder = folder / _SAFE.sub("-", group).strip("-._")
    target = folder / file_name
    replaced = tuple(
        path.relative_to(knowledge_dir).as_posix()
        for path in _same_name(knowledge_dir, file_name)
        if path != target
    )
    folder.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=file_name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    for relative in replaced:
        (knowledge_dir / relative).unlink(missing_ok=True)
    relative_target = target.relative_to(knowledge_dir).as_posix()
    logger.info("document saved: %s (replacing %s)", relative_target, list(replaced) or "nothing")
    return SavedDocument(relative_target, replaced)


def _same_name(knowledge_dir: Path, file_name: str) -> list[Path]:
    found: list[Path] = []
    for folder in _MANAGED:
        root = knowledge_dir / folder
        if root.is_dir():
            found.extend(path for path in root.rglob(file_name) if path.is_file())
    return sorted(found)


def remove_document(knowledge_dir: Path, relative_path: str) -> None:
    """Delete a publication or note file (the next ingest removes its passages)."""
    parts = Path(relative_path).parts
    if not parts or parts[0] not in _MANAGED or ".." in parts or Path(relative_path).is_absolute():
        raise LibraryError(message("document_not_removable"))
    path = knowledge_dir / relative_path
    if not path.is_file():
        raise LibraryError(message("document_not_found", path=relative_path))
    path.unlink()
    logger.info("document removed: %s", relative_path)


def indexed_documents(index_dir: Path) -> list[IndexedDocument]:
    """Every file of the published index, with its title and number of passages."""
    generation = current_generation(index_dir)
    if generation is None:
        return []
    manifest = Manifest.read(generation)
    titles: dict[str, str] = {}
    for chunk in read_chunks(generation):
        titles.setdefault(chunk.path, chunk.title)
    return [
        IndexedDocument(
            path=path,
            title=titles.get(path, Path(path).name),
            passages=len(record.chunk_ids),
            skipped_reason=record.skipped_reason,
        )
        for path, record in sorted(manifest.files.items())
    ]


def find_document(documents: list[IndexedDocument], text: str) -> IndexedDocument | None:
    """The document a staff member names: its path, or its file name when unique."""
    text = text.strip()
    exact = [document for document in documents if document.path == text]
    if exact:
        return exact[0]
    named = [document for document in documents if Path(document.path).name == text]
    return named[0] if len(named) == 1 else None
