"""Real PDFs for ingest tests, drawn with reportlab: good ones and every bad kind.

Each helper writes one file and returns its path. Text PDFs set a bold heading
(Helvetica-Bold) above body lines in Helvetica 11, as CUF's publications do.
"""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

BODY_FONT = ("Helvetica", 11)
HEADING_FONT = ("Helvetica-Bold", 11)
LARGE_FONT = ("Helvetica", 18)


@dataclass(frozen=True)
class Page:
    """One page: an optional heading line (bold, or large if ``large``) and body lines."""

    lines: Sequence[str]
    heading: str | None = None
    large: bool = False


def text_pdf(path: Path, pages: Sequence[Page], title: str | None = None) -> Path:
    """A text PDF with one heading per page (when given) and body lines under it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    canvas = Canvas(str(path), pagesize=A4, invariant=True)
    if title is not None:
        canvas.setTitle(title)
    for page in pages:
        y = 780.0
        if page.heading is not None:
            canvas.setFont(*(LARGE_FONT if page.large else HEADING_FONT))
            canvas.drawString(60, y, page.heading)
            y -= 28
        canvas.setFont(*BODY_FONT)
        for line in page.lines:
            canvas.drawString(60, y, line)
            y -= 16
        canvas.showPage()
    canvas.save()
    return path


def sample_pdf(path: Path, title: str | None = None) -> Path:
    """Three pages about distinct subjects, each under a bold heading."""
    return text_pdf(path, SAMPLE_PAGES, title=title)


SAMPLE_PAGES = (
    Page(
        heading="Groupe pays Mali",
        lines=(
            "Le groupe pays Mali réunit les collectivités françaises engagées au Mali.",
            "Il est présidé par la ville de Montreuil depuis 2021.",
        ),
    ),
    Page(
        heading="Eau et assainissement",
        lines=(
            "La loi Oudin-Santini permet de consacrer un pour cent du budget de l'eau",
            "à des actions de solidarité internationale dans ce secteur.",
        ),
    ),
    Page(
        heading="Jeunesse et volontariat",
        lines=(
            "Le programme JSI finance les chantiers de jeunes volontaires à l'étranger.",
            "Les dossiers sont instruits deux fois par an par le comité de sélection.",
        ),
    ),
)


def encrypted_pdf(path: Path, password: str = "secret") -> Path:
    """A good text PDF locked with a user password (nothing readable without it)."""
    plain = sample_pdf(path.with_name(path.stem + "-plain.pdf"))
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        writer.write(handle)
    plain.unlink()
    return path


def aes_protected_pdf(path: Path) -> Path:
    """A PDF encrypted with AES-128 and an empty user password, as restricted exports are:
    anyone may open it, but reading its text needs AES (the ``cryptography`` package)."""
    plain = sample_pdf(path.with_name(path.stem + "-plain.pdf"))
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    with path.open("wb") as handle:
        writer.write(handle)
    plain.unlink()
    return path


def zero_page_pdf(path: Path) -> Path:
    """A well-formed PDF whose page tree is empty."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        PdfWriter().write(handle)
    return path


def image_only_pdf(path: Path) -> Path:
    """Two pages with only drawn shapes, as a scan would look: no extractable text."""
    path.parent.mkdir(parents=True, exist_ok=True)
    canvas = Canvas(str(path), pagesize=A4, invariant=True)
    for _ in range(2):
        canvas.setFillGray(0.4)
        canvas.rect(80, 300, 400, 400, fill=1, stroke=1)
        canvas.circle(300, 200, 60, fill=1)
        canvas.showPage()
    canvas.save()
    return path


def truncated_pdf(path: Path) -> Path:
    """The first third of a real PDF's bytes: a download cut short."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    canvas.setFont(*BODY_FONT)
    canvas.drawString(60, 780, "Ce document sera coupé en plein milieu.")
    canvas.showPage()
    canvas.save()
    data = buffer.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data[: len(data) // 3])
    return path


def random_bytes_pdf(path: Path, size: int = 4096) -> Path:
    """Noise under a ``.pdf`` name (seeded: the same bytes every run)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(random.Random(20240501).randbytes(size))
    return path


def empty_file(path: Path) -> Path:
    """A 0-byte file under a ``.pdf`` name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    return path


def unsupported_filter_pdf(path: Path) -> Path:
    """A text PDF whose first content stream claims a filter pypdf does not implement
    (reading it raises ``NotImplementedError``)."""
    from pypdf.generic import NameObject

    sample_pdf(path)
    writer = PdfWriter(clone_from=str(path))
    contents = writer.pages[0]["/Contents"].get_object()
    contents[NameObject("/Filter")] = NameObject("/FooDecode")
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path
