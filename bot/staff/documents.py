"""Adding and removing documents, then bringing the index up to date (one worker thread).

Used by Telegram (an admin sends a file, ``/documents``) and the command line
(``python -m bot documents``). The ingest is incremental and publishes a new
index generation atomically; the running bot answers from it at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.messages import message
from bot.staff.library import SavedDocument, remove_document, save_upload

if TYPE_CHECKING:
    from bot.app import Services
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


def add_document(
    services: Services, name: str, content: bytes, kind: str, group: str | None = None
) -> DocumentOutcome:
    """Save the file, re-index, and report; a file the ingest cannot read is removed again."""
    knowledge = services.settings.knowledge_dir
    saved = save_upload(knowledge, name, content, kind, group)
    report = services.reindex()
    reason = report.skipped.get(saved.path)
    passages = 0
    if reason:
        (knowledge / saved.path).unlink(missing_ok=True)
        report = services.reindex()  # its record leaves the index too
    else:
        passages = _passages(services, saved.path)
    return DocumentOutcome(saved, passages, reason, report)


def delete_document(services: Services, relative_path: str) -> IngestReport:
    """Remove a document's file and its passages from the index."""
    remove_document(services.settings.knowledge_dir, relative_path)
    return services.reindex()


def _passages(services: Services, path: str) -> int:
    from bot.staff.library import indexed_documents

    for document in indexed_documents(services.settings.index_dir):
        if document.path == path:
            return document.passages
    return 0
