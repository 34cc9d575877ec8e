"""Alias table: acronyms and synonyms expand questions; the implicit subject is dropped."""

from __future__ import annotations

from pathlib import Path

import pytest
from answering_helpers import KNOWLEDGE

from bot.retrieval.aliases import AliasTable

ALIASES_YAML = """\
implicit:
  - Cités Unies France
  - CUF
acronyms:
  - [CUF, Cités Unies France]
  - [DCOL, dispositif d'accompagnement aux collectivités]
  - [1 % eau, loi Oudin-Santini, Oudin-Santini]
synonyms:
  - [séisme, tremblement de terre]
"""


@pytest.fixture
def table(tmp_path: Path) -> AliasTable:
    path = tmp_path / "aliases.yaml"
    path.write_text(ALIASES_YAML, encoding="utf-8")
    return AliasTable.load(path)


@pytest.mark.parametrize(
    ("text", "expansions"),
    [
        ("Combien coûte le DCOL ?", ["dispositif d'accompagnement aux collectivites"]),
        ("Le dispositif d'accompagnement aux collectivités", ["dcol"]),
        ("Après le tremblement de terre", ["seisme"]),
        ("Après le Séisme", ["tremblement de terre"]),
        ("Qu'est-ce que le 1% eau ?", ["loi oudin-santini", "oudin-santini"]),
        ("la loi Oudin-Santini", ["1 % eau"]),  # "oudin-santini" is already in the text
        ("Le DCOLX et le séismes", []),  # whole words only
        ("Qui préside le groupe-pays Mali ?", []),
    ],
)
def test_expansions(table: AliasTable, text: str, expansions: list[str]) -> None:
    assert table.expansions(text) == expansions


def test_expand_appends_the_expansions(table: AliasTable) -> None:
    assert table.expand("DCOL ?") == "DCOL ? (dispositif d'accompagnement aux collectivites)"
    assert table.expand("Mali ?") == "Mali ?"


def test_canonicalize_writes_every_spelled_out_term_as_its_acronym(table: AliasTable) -> None:
    text = (
        "Le Dispositif d’accompagnement aux collectivités de Cités Unies France et l'Oudin-Santini"
    )

    assert table.canonicalize(text) == "le  dcol  de  cuf  et l' 1 % eau "


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Qui préside le groupe Genre de CUF ?", "Qui préside le groupe Genre ?"),
        ("Qui préside le groupe Genre de Cités Unies France ?", "Qui préside le groupe Genre ?"),
        ("Quelle est l'adresse de CUF à Paris ?", "Quelle est l'adresse à Paris ?"),
        ("Qui préside CUF ?", "Qui préside CUF ?"),  # nothing would be left to search
        ("Quel est le rôle de la CUFE ?", "Quel est le rôle de la CUFE ?"),  # not the acronym
    ],
)
def test_without_implicit(table: AliasTable, text: str, kept: str) -> None:
    assert table.without_implicit(text) == kept


def test_a_missing_file_means_no_aliases(tmp_path: Path) -> None:
    table = AliasTable.load(tmp_path / "absent.yaml")

    assert table == AliasTable(())
    assert table.expansions("DCOL") == []
    assert table.without_implicit("Qui préside le groupe Genre de CUF ?") == (
        "Qui préside le groupe Genre de CUF ?"
    )


def test_the_shipped_table_knows_the_acronyms_of_the_issue() -> None:
    table = AliasTable.load(KNOWLEDGE / "aliases.yaml")

    assert "loi oudin-santini" in table.expansions("le 1 % eau")
    assert "dispositif d'accompagnement aux collectivites" in table.expansions("DCOL")
    assert "daect" in table.expansions("DCTCIV")
    assert "aide publique au developpement" in table.expansions("APD")
    assert "cites et gouvernements locaux unis" in table.expansions("CGLU")
    assert table.canonicalize("Cités Unies France").strip() == "cuf"
