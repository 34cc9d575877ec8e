"""Funding fiches as documents to index, so mixed questions can retrieve them too."""

from __future__ import annotations

from pathlib import Path

from bot.funding import render
from bot.funding.schema import Fiche, FicheError, load_fiche
from bot.ingest.documents import DocumentError, PageText, SourceDocument
from bot.ingest.loaders import HEADING_PREFIX


def render_document(fiche: Fiche) -> str:
    """The fiche as indexed: each of its parts (amounts, calendar…) a section of its own."""
    return render.render_document(fiche, heading=HEADING_PREFIX)


def load_fiche_document(path: Path, relative_path: str) -> SourceDocument:
    """One fiche → one page of readable French text; invalid fiches raise ``DocumentError``."""
    try:
        fiche = load_fiche(path)
    except FicheError as error:
        raise DocumentError(str(error)) from error
    except Exception as error:  # any other problem of this one file: skip it, name it
        raise DocumentError(f"unreadable fiche ({type(error).__name__}: {error})") from error
    return SourceDocument(
        path=relative_path,
        title=fiche.name,
        kind="funding",
        pages=(PageText(number=None, text=render_document(fiche)),),
        metadata={
            "fiche_id": fiche.id,
            "last_verified": fiche.last_verified.isoformat(),
            "url": fiche.first_url() or "",
        },
    )
