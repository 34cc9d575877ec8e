"""Adding and removing documents, then bringing the index up to date (one worker thread).

Used by Telegram (an admin sends a file, ``/documents``) and the command line
(``python -m bot documents``). The ingest is incremental and publishes a new
index generation atomically; the running bot answers from it at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.messages import message
from bot.staff.library import SavedDocument, remove_document, save_upload

if TYPE_CHECKING:
    from bot.ingest.pipeline import IngestReport


@dataclass(frozen=True)
class DocumentOutcome:
    """What happened to an added document: indexed with N passages, or skipped and why."""

    saved: SavedDocument
    passages: int
    skipped_reason: str | None
    report: IngestReport

    def summary(self) -> str:
        """The staff's summary, in French."""
        path = self.saved.path
        if self.skipped_reason:
            return message("document_skipped", path=path, reason=self.skipped_reason)
        lines = [message("document_indexed", path=path, passages=self.passages)]
        if self.saved.replaced:
            lines.append(message("document_replaces", paths=", ".join(self.saved.replaced)))
        elif path in self.report.changed:
            lines.append(message("document_previous_replaced"))
        report = self.report
        lines.append(
            message(
                "document_index_totals",
                total=report.chunks_total,
                embedded=report.chunks_embedded,
                seconds=f"{report.seconds:.1f}",
            )
        )
        return "\n".join(lines)


@dataclass(frozen=True)
class DocumentLibrary:
    """The knowledge folder the staff edit, and how to bring the index up to date."""

    knowledge_dir: Path
    index_dir: Path
    reindex: Callable[[], IngestReport]

    def add(
        self, name: str, content: bytes, kind: str, group: str | None = None
    ) -> DocumentOutcome:
        """Save the file, re-index, and report; a file the ingest cannot read is removed."""
        saved = save_upload(self.knowledge_dir, name, content, kind, group)
        report = self.reindex()
        reason = report.skipped.get(saved.path)
        passages = 0
        if reason:
            (self.knowledge_dir / saved.path).unlink(missing_ok=True)
            report = self.reindex()  # its record leaves the index too
        else:
            passages = self._passages(saved.path)
        return DocumentOutcome(saved, passages, reason, report)

    def delete(self, relative_path: str) -> IngestReport:
        """Remove a document's file and its passages from the index."""
        remove_document(self.knowledge_dir, relative_path)
        return self.reindex()

    def _passages(self, path: str) -> int:
        from bot.staff.library import indexed_documents

        for document in indexed_documents(self.index_dir):
            if document.path == path:
                return document.passages
        return 0
