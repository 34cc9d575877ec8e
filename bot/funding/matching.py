"""Tolerant matching of scheme names: accents, case, « 1 % » spellings, small typos.

Text and aliases go through the same :func:`normalize` (folded, ``%`` and
« pour cent » become ``pct``, light stop words dropped, plurals trimmed); an alias
matches when its words appear consecutively in the question, each word equal or
within a small edit distance when it is long enough.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "\u00a0": " ", "\u202f": " "})
_PERCENT = re.compile(r"%|\bpour ?cents?\b|\bpourcents?\b|\bpour-cents?\b|\bp100\b")
_WORD = re.compile(r"[a-z0-9]+")
# Words that carry no meaning in a scheme's name ("appel à projets du ministère").
_LIGHT_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "pour",
        "sur",
        "un",
        "une",
    ]
)


def fold(text: str) -> str:
    """Lower-case and strip accents: ``Généraliste`` → ``generaliste``."""
    text = text.translate(_APOSTROPHES).lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _singular(word: str) -> str:
    if len(word) > 3 and word[-1] in "sx" and not word.isdigit():
        return word[:-1]
    return word


def normalize(text: str) -> list[str]:
    """Words used for matching: ``« 1 pour cent déchets »`` → ``['1', 'pct', 'dechet']``."""
    folded = _PERCENT.sub(" pct ", fold(text))
    words = _WORD.findall(folded)
    result: list[str] = []
    for index, word in enumerate(words):
        nxt = words[index + 1] if index + 1 < len(words) else ""
        if word == "un" and nxt == "pct":
            result.append("1")
        elif word not in _LIGHT_WORDS:
            result.append(_singular(word))
    return result


def edit_distance(left: str, right: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count once), capped at ``limit + 1``."""
    if abs(len(left) - len(right)) > limit:
        return limit + 1
    previous_previous: list[int] = []
    previous = list(range(len(right) + 1))
    for i, left_char in enumerate(left, 1):
        current = [i] + [0] * len(right)
        for j, right_char in enumerate(right, 1):
            cost = 0 if left_char == right_char else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if (
                i > 1
                and j > 1
                and left_char == right[j - 2]
                and left[i - 2] == right_char
                and previous_previous
            ):
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous_previous, previous = previous, current
    return previous[-1]


@lru_cache(maxsize=1 << 16)  # a question's words against the same few hundred names' words
def word_matches(alias_word: str, text_word: str) -> bool:
    if alias_word == text_word:
        return True
    if len(alias_word) < 5 or alias_word.isdigit() or text_word.isdigit():
        return False
    limit = 2 if len(alias_word) >= 9 else 1
    return edit_distance(alias_word, text_word, limit) <= limit


def contains_phrase(words: Sequence[str], phrase: Sequence[str]) -> bool:
    """True when ``phrase`` occurs as consecutive (tolerantly equal) words of ``words``."""
    if not phrase or len(phrase) > len(words):
        return False
    for start in range(len(words) - len(phrase) + 1):
        if all(word_matches(p, words[start + k]) for k, p in enumerate(phrase)):
            return True
    return False
