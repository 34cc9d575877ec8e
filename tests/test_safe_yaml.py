"""Bounded YAML: anchor bombs, recursion and impossible dates are refused, never expanded."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot import safe_yaml
from bot.retrieval.aliases import AliasTable

BOMB = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]"
            for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)
LADDER = "\n".join(  # two aliases a level: 2**40 values from 120 lines
    ["a0: &a0 [x, x]"] + [f"a{n}: &a{n} [*a{n - 1}, *a{n - 1}]" for n in range(1, 41)]
)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (BOMB, "expands to more than 100000 values"),
        (LADDER, "expands to more than 100000 values"),
        ("a: &a [*a]", "recursive alias"),
        ("last_verified: 2024-02-30", "day is out of range for month"),
        ("x: " + "[" * 5000 + "]" * 5000, "nested too deeply"),
        ("\n".join(f"k{n}: &k{n} 1\nv{n}: *k{n}" for n in range(101)), "too many aliases"),
        ("a: [b", "expected"),
    ],
)
def test_hostile_yaml_is_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(safe_yaml.YamlError, match=reason):
        safe_yaml.load(text)


def test_ordinary_yaml_still_loads() -> None:
    text = "title: CR\ndate: 2024-02-29\nbase: &b {x: 1}\ncopy: *b\nitems: [1, 2]\n"
    assert safe_yaml.load(text) == {
        "title": "CR",
        "date": date(2024, 2, 29),
        "base": {"x": 1},
        "copy": {"x": 1},
        "items": [1, 2],
    }
    assert safe_yaml.load("") is None


def test_an_anchor_bomb_in_the_aliases_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_text(BOMB, encoding="utf-8")
    with pytest.raises(safe_yaml.YamlError):
        AliasTable.load(path)


def test_libyaml_events_compose_what_the_python_parser_composes() -> None:
    """The fast loader (libyaml's parser, our composer) reads every shipped file alike."""
    root = Path(__file__).resolve().parents[1]
    files = sorted((root / "knowledge").rglob("*.yaml")) + sorted((root / "bot").rglob("*.yaml"))
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        loader = safe_yaml._BoundedLoader(text)
        try:
            node = loader.get_single_node()
            expected = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
        assert safe_yaml.load(text) == expected, path
