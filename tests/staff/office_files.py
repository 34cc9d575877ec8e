"""Real Word and OpenDocument files written with python-docx and odfpy (test data)."""

from __future__ import annotations

from pathlib import Path

SECTIONS = (
    (
        "Coopération décentralisée",
        "Le groupe-pays Bénin a choisi Abomey comme ville pilote de son nouveau programme. "
        "Les collectivités françaises partenaires financeront ensemble la première phase.",
    ),
    (
        "Jeunesse",
        "Un programme d'échanges de jeunes partira de Porto-Novo en juillet. "
        "Vingt volontaires des deux pays y participeront pendant trois semaines.",
    ),
)


def write_docx(
    path: Path,
    *,
    title: str | None = "Compte rendu du groupe-pays Bénin",
    metadata_table: dict[str, str] | None = None,
    sections: tuple[tuple[str, str], ...] = SECTIONS,
    table_rows: list[list[str]] | None = None,
) -> Path:
    """A .docx with core properties, an optional first « key | value » table, headings."""
    import docx

    document = docx.Document()
    if title:
        document.core_properties.title = title
    if metadata_table:
        table = document.add_table(rows=0, cols=2)
        for key, value in metadata_table.items():
            cells = table.add_row().cells
            cells[0].text, cells[1].text = key, value
    for heading, body in sections:
        document.add_heading(heading, level=1)
        document.add_paragraph(body)
    if table_rows:
        table = document.add_table(rows=0, cols=len(table_rows[0]))
        for row in table_rows:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = text
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def write_odt(
    path: Path,
    *,
    title: str | None = None,
    metadata_table: dict[str, str] | None = None,
    sections: tuple[tuple[str, str], ...] = SECTIONS,
    user_fields: dict[str, str] | None = None,
) -> Path:
    """An .odt with optional title, user-defined fields and first table, then headings."""
    from odf import dc, meta
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, List, ListItem, P

    document = OpenDocumentText()
    if title:
        document.meta.addElement(dc.Title(text=title))
    for name, value in (user_fields or {}).items():
        document.meta.addElement(meta.UserDefined(name=name, text=value))
    if metadata_table:
        table = Table(name="meta")
        table.addElement(TableColumn(numbercolumnsrepeated=2))
        for key, value in metadata_table.items():
            row = TableRow()
            for text in (key, value):
                cell = TableCell()
                cell.addElement(P(text=text))
                row.addElement(cell)
            table.addElement(row)
        document.text.addElement(table)
    for heading, body in sections:
        document.text.addElement(H(outlinelevel=1, text=heading))
        document.text.addElement(P(text=body))
    items = List()
    item = ListItem()
    item.addElement(P(text="Prochaine réunion à Cotonou."))
    items.addElement(item)
    document.text.addElement(items)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def pdf_bytes(title: str, heading: str, lines: list[str]) -> bytes:
    """A one-page text PDF (reportlab) with a bold heading and body lines."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    canvas.setTitle(title)
    canvas.setFont("Helvetica-Bold", 11)
    canvas.drawString(60, 780, heading)
    canvas.setFont("Helvetica", 10)
    y = 752.0
    for line in lines:
        canvas.drawString(60, y, line)
        y -= 16
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def docx_bytes(tmp: Path, **options: object) -> bytes:
    """The bytes of a .docx written by :func:`write_docx`."""
    return write_docx(tmp, **options).read_bytes()  # type: ignore[arg-type]
