"""Curated answers: knowledge/faq.yaml validated strictly, matched before retrieval."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from staff_helpers import FixedClockServices

from bot.cli import main
from bot.staff.faq import FaqError, load_faq

FAQ = """\
# Réponses écrites par l'équipe de CUF.
- question: Quel est le montant de la cotisation à CUF ?
  variants:
    - Combien coûte l'adhésion à Cités Unies France ?
  answer: La cotisation dépend de la population de la collectivité (barème voté en 2025).
  source: Service adhésions de CUF
  updated: 2025-03-01
"""


def test_a_faq_question_and_its_variant_get_the_staff_answer(
    knowledge: Path, make_services: Callable[..., FixedClockServices]
) -> None:
    (knowledge / "faq.yaml").write_text(FAQ, encoding="utf-8")
    assistant = make_services().assistant

    asked = assistant.answer("Quel est le montant de la cotisation à CUF ?", "a")
    variant = assistant.answer("combien coute l'adhésion à Cités Unies France", "b")
    other = assistant.answer("Qui préside le groupe-pays Mali ?", "c")

    for answer in (asked, variant):
        assert answer.kind == "faq"
        assert answer.text.startswith("Réponse de l'équipe CUF (mise à jour le 01/03/2025) :")
        assert "barème voté en 2025" in answer.text
    assert other.kind != "faq"


def test_the_faq_is_read_again_when_it_changes(
    knowledge: Path, make_services: Callable[..., FixedClockServices]
) -> None:
    assistant = make_services().assistant
    before = assistant.answer("Quel est le montant de la cotisation à CUF ?", "a")
    (knowledge / "faq.yaml").write_text(FAQ, encoding="utf-8")
    after = assistant.answer("Quel est le montant de la cotisation à CUF ?", "b")

    assert before.kind != "faq"
    assert after.kind == "faq"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (FAQ.replace("source:", "sourse:"), "entry 1: field 'sourse': Extra inputs"),
        (FAQ.replace("2025-03-01", "2025-02-30"), "invalid YAML"),
        (FAQ.replace("  answer: La", "  answer:\n  x: La"), "entry 1"),
        ("question: seule\n", "must be a list of entries"),
        ("- &a [*a, *a]\n", "invalid YAML"),
    ],
)
def test_an_invalid_faq_names_the_entry_and_the_field(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "faq.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FaqError, match="faq.yaml") as raised:
        load_faq(path)
    assert problem in str(raised.value)


def test_the_shipped_faq_is_valid() -> None:
    root = Path(__file__).resolve().parents[2]
    load_faq(root / "knowledge" / "faq.yaml")
    assert load_faq(root / "docs" / "examples" / "faq.yaml")


def test_a_gap_becomes_a_faq_entry_from_the_command_line(
    knowledge: Path,
    make_services: Callable[..., FixedClockServices],
    cli_env: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    services = make_services()
    question = "Quel est le numéro de SIRET de Cités Unies France ?"
    answer = services.assistant.answer(question, "42")
    assert not answer.answered
    services.feedback.record_answer("42", question, answer, services.now())

    assert main(["gaps", "--days", "36500"]) == 0
    listed = capsys.readouterr().out
    assert f"1. « {question} » — 1 fois (1 sans réponse)" in listed

    code = main(
        [
            "faq", "add", "--gap", "1", "--days", "36500",
            "--answer", "Le SIRET de CUF est 775 670 623 00042.",
            "--source", "Statuts de CUF",
        ]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    (entry,) = load_faq(knowledge / "faq.yaml")
    assert entry.question == question
    assert entry.source == "Statuts de CUF"

    again = make_services().assistant.answer(question, "43")
    assert again.kind == "faq"
    assert "775 670 623 00042" in again.text
