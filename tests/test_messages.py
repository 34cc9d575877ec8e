"""The message catalogs: same keys and placeholders in both languages, every key used."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from bot.messages import ADMIN_MENU, CUF_CONTACT, en, fr, menu, message

BOT = Path(__file__).resolve().parents[1] / "bot"
CATALOG = BOT / "messages"


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def source_files() -> list[Path]:
    return [path for path in BOT.rglob("*.py") if CATALOG not in path.parents]


def string_constants(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def lookups(path: Path) -> list[tuple[int, str, set[str] | None]]:
    """Literal keys passed to the catalog's lookup (``message`` or its alias ``say``), each
    with the names of the values passed (``None`` when ``**values`` hides them)."""
    found: list[tuple[int, str, set[str] | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        if not (isinstance(node.func, ast.Name) and node.func.id in {"message", "say"}):
            continue
        names = {keyword.arg for keyword in node.keywords}
        given = None if None in names else {name for name in names if name is not None}
        first = node.args[0]
        keys = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
        found += [
            (node.lineno, key.value, given)
            for key in keys
            if isinstance(key, ast.Constant) and isinstance(key.value, str)
        ]
    return found


def test_members_read_the_same_keys_in_french_and_english() -> None:
    assert sorted(fr.TEXTS) == sorted(en.TEXTS)
    assert not set(fr.FRENCH_ONLY) & set(fr.TEXTS), "a key is in both sections"


@pytest.mark.parametrize("key", sorted(fr.TEXTS))
def test_a_text_has_the_same_placeholders_in_both_languages(key: str) -> None:
    assert placeholders(fr.TEXTS[key]) == placeholders(en.TEXTS[key])


@pytest.mark.parametrize("key", sorted(fr.TEXTS | fr.FRENCH_ONLY))
def test_every_text_formats_with_its_placeholders(key: str) -> None:
    catalogs = {"fr": fr.TEXTS | fr.FRENCH_ONLY, "en": en.TEXTS}
    for language, texts in catalogs.items():
        if key not in texts:
            continue
        values = {name: f"<{name}>" for name in placeholders(texts[key]) - {"contact"}}
        rendered = message(key, language, **values)
        assert "{" not in rendered and "}" not in rendered, rendered
        for name in values:
            assert f"<{name}>" in rendered


def test_contact_details_are_filled_in() -> None:
    assert message("dont_know").endswith(f"{CUF_CONTACT}.")
    assert CUF_CONTACT in message("request_refused", "en")


def test_a_staff_text_asked_in_english_falls_back_to_french() -> None:
    assert message("gaps_usage", "en") == fr.FRENCH_ONLY["gaps_usage"]
    assert message("thanks", "de") == fr.TEXTS["thanks"]


def test_an_unknown_key_is_an_error_not_a_silent_blank() -> None:
    with pytest.raises(KeyError):
        message("no_such_text")


def test_every_key_is_used_somewhere_in_the_code() -> None:
    used: set[str] = set()
    for path in source_files():
        used |= string_constants(path)
    unused = sorted((set(fr.TEXTS) | set(fr.FRENCH_ONLY)) - used)
    assert unused == [], f"catalog keys nothing looks up: {unused}"


def test_every_key_the_code_looks_up_exists_and_gets_its_values() -> None:
    texts = fr.TEXTS | fr.FRENCH_ONLY
    missing, unfilled = [], []
    for path in source_files():
        for line, key, given in lookups(path):
            where = f"{path.relative_to(BOT.parent)}:{line}: {key}"
            if key not in texts:
                missing.append(where)
            elif given is not None and placeholders(texts[key]) - {"contact"} - given:
                unfilled.append(where)
    assert missing == []
    assert unfilled == [], "lookups without the values their text needs"
    assert sum(len(lookups(path)) for path in source_files()) > 100  # the scan sees the calls


def test_the_command_menus_match_across_languages() -> None:
    french, english = menu("fr"), menu("en")
    assert len(french) == len(english)
    assert [name for name, _ in french][:1] == [name for name, _ in english][:1] == ["start"]
    for name, description in french + english + ADMIN_MENU:
        assert name.isascii() and name.islower() and description
    assert menu("de") == french


# Files whose French strings are not messages: patterns and word lists that read the
# question, prompts for the language model, probes, date names, log lines.
NOT_MESSAGES = {
    "bot/answering/claims.py": "patterns",
    "bot/answering/extractive.py": "patterns",
    "bot/answering/followup.py": "patterns",
    "bot/answering/generative.py": "the prompt and its protocol word",
    "bot/answering/llm_followup.py": "the prompt",
    "bot/answering/verification.py": "patterns",
    "bot/understanding/names.py": "patterns",
    "bot/understanding/question.py": "patterns",
    "bot/text.py": "patterns and stop words",
    "bot/dates.py": "month and day names",
    "bot/telegram/language.py": "words that tell French apart",
    "bot/meetings/groups.py": "folding of œ",
    "bot/meetings/ics_export.py": "the calendar's PRODID",
    "bot/ingest/versions.py": "probe texts of the format key",
    "bot/ingest/loaders.py": "a title prefix to strip",
    "bot/retrieval/embeddings.py": "warm-up text",
    "bot/app.py": "warm-up texts",
    "bot/telegram/application.py": "logs",
    "bot/telegram/ops.py": "logs",
    "bot/telegram/webhook.py": "logs",
}
FRENCH = re.compile(r"[àâçéèêëîïôûùüœÀÂÇÉÈÊÎÔÛ«»]|\b[Vv]ous\b")


def french_strings(path: Path) -> list[tuple[int, str]]:
    """String literals (not docstrings) that read as French."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and FRENCH.search(node.value)
    ]


def test_what_users_read_is_in_the_catalog_not_in_the_code() -> None:
    found = {
        str(path.relative_to(BOT.parent)): french_strings(path) for path in sorted(source_files())
    }
    stray = {
        name: [f"{line}: {text[:60]!r}" for line, text in strings]
        for name, strings in found.items()
        if strings and name not in NOT_MESSAGES
    }
    assert stray == {}, "French text outside bot/messages: move it to the catalog"
    stale = sorted(name for name in NOT_MESSAGES if not found.get(name))
    assert stale == [], "files listed as holding French non-messages hold none"
