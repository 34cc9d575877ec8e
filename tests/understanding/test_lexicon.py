"""The lexicon file: its sections are validated, its phrases compile to whole-word patterns."""

from __future__ import annotations

from typing import Any

import pytest

from bot.funding.schema import AuthorityKind, ServiceKind
from bot.understanding.lexicon import Lexicon, expand_phrases, load_lexicon, phrase_pattern


def _with(data: dict[str, Any], path: tuple[str, ...], key: str, value: Any) -> dict[str, Any]:
    """A copy of ``data`` with ``key`` set in the mapping found at ``path``."""
    if not path:
        return {**data, key: value}
    return {**data, path[0]: _with(data[path[0]], path[1:], key, value)}


@pytest.mark.parametrize(
    "path",
    [
        ("funding_responder",),
        ("funding_responder", "intents"),
        ("agenda_responder",),
        ("agenda_responder", "windows"),
    ],
)
def test_the_responders_sections_refuse_unknown_keys(path: tuple[str, ...]) -> None:
    data = load_lexicon().model_dump()
    assert Lexicon.model_validate(data) == load_lexicon()  # as it is, it validates
    with pytest.raises(ValueError, match="extra"):
        Lexicon.model_validate(_with(data, path, "surprise", ["mot"]))


def test_an_applicant_with_an_unknown_key_is_refused() -> None:
    data = load_lexicon().model_dump()
    applicants = data["funding_responder"]["applicants"]
    changed = [{**applicants[0], "label": "applicant_x"}, *applicants[1:]]
    with pytest.raises(ValueError, match="extra"):
        Lexicon.model_validate(_with(data, ("funding_responder",), "applicants", changed))


def test_the_agenda_needs_twelve_months_and_known_answer_types() -> None:
    data = load_lexicon().model_dump()
    months = data["agenda_responder"]["months"]
    with pytest.raises(ValueError, match="twelve months"):
        Lexicon.model_validate(_with(data, ("agenda_responder",), "months", months[:11]))
    with pytest.raises(ValueError, match="unknown answer types"):
        Lexicon.model_validate(
            _with(data, ("agenda_responder",), "not_in_the_agenda", ["person", "colour"])
        )


def test_applicant_kinds_and_services_are_the_fiches_own() -> None:
    words = load_lexicon().funding_responder
    for applicant in words.applicants:
        assert {AuthorityKind(kind) for kind in applicant.kinds}
    assert {ServiceKind(service) for service in words.services} == set(ServiceKind)


def test_braces_spell_out_alternatives_and_an_empty_one_is_optional() -> None:
    assert expand_phrases(("reunion{,s}",)) == ("reunion", "reunions")
    assert expand_phrases(("{peut,peuvent} {il,} candidater",)) == (
        "peut il candidater",
        "peut candidater",
        "peuvent il candidater",
        "peuvent candidater",
    )
    pattern = phrase_pattern(("{peut,peuvent} {il,elle,} {en,} candidater",))
    assert pattern.search("la commune peut elle en candidater")
    assert pattern.search("peuvent candidater")
    assert not pattern.search("peut les candidater")
    assert not pattern.search("peutetre candidater")
