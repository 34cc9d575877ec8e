"""The index's format key follows what the code does, not a number written by hand."""

from __future__ import annotations

import pytest

from bot.ingest import chunker, fiches, versions
from bot.text import split_sentences


def test_the_key_names_every_component_and_is_stable() -> None:
    key = versions.index_format_key()

    assert versions.index_format_key() == key
    assert [part.split("=")[0] for part in key.split(";")] == [
        "chunker",
        "model",
        "records",
        "renderer",
        "splitter",
    ]


def test_a_splitter_giving_the_same_sentences_keeps_the_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = versions.index_format_key()
    monkeypatch.setattr(chunker, "split_sentences", lambda text: list(split_sentences(text)))

    assert versions.index_format_key() == key


@pytest.mark.parametrize(
    ("module", "name", "replacement"),
    [
        (chunker, "split_sentences", lambda text: [text]),
        (chunker, "TARGET_CHARS", 300),
        (chunker, "OVERLAP_CHARS", 0),
        (fiches, "render_document", lambda fiche: fiche.name),
    ],
)
def test_changing_how_text_is_cut_or_rendered_changes_the_key(
    monkeypatch: pytest.MonkeyPatch, module: object, name: str, replacement: object
) -> None:
    key = versions.index_format_key()
    monkeypatch.setattr(module, name, replacement)

    assert versions.index_format_key() != key
