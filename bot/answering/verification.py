"""Is a generated answer fit to be shown? Every check that can refuse it, cheapest first.

A refused answer is never shown: the caller quotes the documents instead. Each
refusal has a kind (counted for ``/stats`` and logged) and a detail for the logs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.answering.citations import renumber
from bot.answering.claims import known_facts, unsupported
from bot.answers import Source
from bot.index.records import Chunk
from bot.text import STOPWORDS, fold, split_sentences

# The kinds of refusal, in the order they are checked.
TRUNCATED = "truncated"
TOO_LONG = "too_long"
BARE_CITATION = "bare_citation"
WRONG_LANGUAGE = "wrong_language"
INVALID_CITATION = "invalid_citation"
UNSUPPORTED_CLAIM = "unsupported_claim"
REFUSALS = (TRUNCATED, TOO_LONG, BARE_CITATION, WRONG_LANGUAGE, INVALID_CITATION, UNSUPPORTED_CLAIM)

_CITATION = re.compile(r"\[(\d+)\]")
_LEADING_CITATIONS = re.compile(r"^((?:\s*\[\d+\])+)\s*")
_CITATION_AFTER_STOP = re.compile(r"(?<=[.!?…])\s+(?=\[\d+\])")
# Words that say nothing by themselves: « Voir [1]. », "Source: [2]".
_FILLER = frozenset("voir cf source sources extrait extraits passage reponse see answer".split())
_ENGLISH = frozenset(
    "the is are was were of and with by for from which who this that it its their has have "
    "been be chaired chairs chair met meets held group groups will would can".split()
)
_FRENCH = frozenset(
    "le la les des du de est sont et par pour avec qui que une dans sur au aux ce cette il elle "
    "ils elles ont été sera était se sa ses son leur leurs présidé présidée réuni".split()
)


@dataclass(frozen=True)
class Checked:
    """The outcome: the answer with its sources, or the reason it was refused."""

    text: str = ""
    sources: tuple[Source, ...] = ()
    refusal: str | None = None
    detail: str = ""


def check_answer(
    text: str,
    passages: list[Chunk],
    language: str,
    max_chars: int,
    truncated: bool = False,
) -> Checked:
    """``text`` renumbered with its sources, or the first reason to refuse it."""
    if truncated:
        return Checked(refusal=TRUNCATED, detail="the model hit max_tokens")
    if len(text) > max_chars:
        return Checked(refusal=TOO_LONG, detail=f"{len(text)} characters > {max_chars}")
    if not _has_content(text):
        return Checked(refusal=BARE_CITATION, detail=repr(text[:80]))
    written_in = language_of(text)
    if written_in is not None and written_in != language:
        return Checked(refusal=WRONG_LANGUAGE, detail=f"{written_in} for a {language} question")
    cited = renumber(text, passages)
    if cited is None:
        return Checked(refusal=INVALID_CITATION, detail=repr(text[:80]))
    missing = unsupported_claims(text, passages)
    if missing:
        return Checked(refusal=UNSUPPORTED_CLAIM, detail="; ".join(missing))
    body, sources = cited
    return Checked(text=body, sources=sources)


def unsupported_claims(text: str, passages: list[Chunk]) -> list[str]:
    """Each sentence's numbers, dates and names missing from the passages that sentence cites.

    A sentence without a citation of its own is checked against every passage the
    answer cites.
    """
    facts = [known_facts([passage_text(chunk)]) for chunk in passages]
    sentences = cited_sentences(text)
    all_cited = {number for _, numbers in sentences for number in numbers}
    problems = []
    for sentence, numbers in sentences:
        known: set[str] = set()
        for number in numbers or all_cited:
            if 1 <= number <= len(facts):
                known |= facts[number - 1]
        for claim in unsupported(sentence, known):
            cites = "".join(f"[{n}]" for n in sorted(numbers or all_cited))
            problems.append(f"{claim!r} not in {cites or 'any cited passage'}")
    return problems


def passage_text(chunk: Chunk) -> str:
    """What the model was shown of a passage: its title, page and text."""
    page = f", p. {chunk.page}" if chunk.page else ""
    return f"{chunk.title}{page}\n{chunk.text}"


def cited_sentences(text: str) -> list[tuple[str, set[int]]]:
    """Sentences with the passage numbers each cites; « X. [1] » cites [1] for X."""
    result: list[tuple[str, set[int]]] = []
    for line in text.splitlines():
        pieces = [p for s in split_sentences(line) for p in _CITATION_AFTER_STOP.split(s)]
        for sentence in pieces:
            leading = _LEADING_CITATIONS.match(sentence)
            if leading and result:
                result[-1][1].update(int(n) for n in _CITATION.findall(leading.group(1)))
                sentence = sentence[leading.end() :]
            if sentence.strip():
                result.append((sentence, {int(n) for n in _CITATION.findall(sentence)}))
    return result


def language_of(text: str) -> str | None:
    """``"fr"`` or ``"en"`` when the function words clearly say so, else ``None``."""
    words = re.findall(r"[a-zà-ÿ']+", _CITATION.sub(" ", text).lower())
    english = sum(word in _ENGLISH for word in words)
    french = sum(word in _FRENCH for word in words)
    if english >= 2 and english > 2 * french:
        return "en"
    if french >= 2 and french > 2 * english:
        return "fr"
    return None


def _has_content(text: str) -> bool:
    words = re.findall(r"[a-z0-9]+", fold(_CITATION.sub(" ", text)))
    return any(
        word not in STOPWORDS and word not in _FILLER and (len(word) > 1 or word.isdigit())
        for word in words
    )
