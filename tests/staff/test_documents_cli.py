"""``python -m bot documents``: add a Word note, list it, replace it, remove it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from office_files import write_docx, write_odt
from staff_helpers import FixedClockServices

from bot.cli import main
from bot.index.layout import current_generation
from bot.index.reader import read_chunks
from bot.staff.library import LibraryError, safe_file_name


def _texts(state: Path) -> str:
    generation = current_generation(state / "index")
    assert generation is not None
    return " ".join(chunk.text for chunk in read_chunks(generation))


def test_add_list_replace_and_remove_a_document(
    tmp_path: Path,
    knowledge: Path,
    state: Path,
    make_services: Callable[..., FixedClockServices],
    cli_env: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    docx = write_docx(tmp_path / "upload" / "Compte rendu Bénin.docx")
    assert main(["documents", "add", str(docx), "--kind", "note", "--group", "senegal"]) == 0
    added = capsys.readouterr().out
    assert "✅ notes/senegal/Compte-rendu-Benin.docx indexé" in added
    assert "Abomey" in _texts(state)

    odt = write_odt(
        tmp_path / "upload2" / "Compte rendu Bénin.odt",
        sections=(("Bilan", "Le groupe-pays Bénin a retenu Ouidah pour la deuxième phase. " * 3),),
    )
    assert main(["documents", "add", str(odt), "--kind", "publication"]) == 0
    assert main(["documents", "list"]) == 0
    listing = capsys.readouterr().out
    assert "publications/Compte-rendu-Benin.odt" in listing

    assert main(["documents", "remove", "Compte-rendu-Benin.odt"]) == 0
    assert "Retiré" in capsys.readouterr().out
    texts = _texts(state)
    assert "Ouidah" not in texts and "Abomey" in texts
    assert main(["documents", "remove", "funding/afd_ficol.yaml"]) == 1
    assert "publications/ et notes/" in capsys.readouterr().err


def test_file_names_are_made_safe_and_formats_checked() -> None:
    assert safe_file_name("../../etc/Compte rendu n°3 (final).DOCX") == "Compte-rendu-n3-final.docx"
    for name in ("photo.jpg", "tableur.xlsx", "sans-extension"):
        with pytest.raises(LibraryError, match="Format non pris en charge"):
            safe_file_name(name)
