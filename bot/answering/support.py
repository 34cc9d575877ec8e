"""Does the corpus support an answer? Refuse rather than answer beside the question.

Cheap, explainable checks, before and after choosing what to quote:
- the question names a proper noun the documents never mention (``Pérou``);
- the thing asked for (``le salaire de…``, ``combien d'employés``) is a word the
  documents never use, and no alias maps it to one they do;
- nothing retrieved is semantically close to the question;
- the passages an answer would cite do not mention a name the question asks about
  ("Qui préside le groupe-pays Brésil ?" must not be answered with Madagascar's chair).
"""

from __future__ import annotations

import re

from bot.retrieval.retriever import Hit, Retriever
from bot.text import STOPWORDS, fold, fold_letters, stems

MIN_SIMILARITY = 0.815
_DISTINCTIVE_IDF = 2.6  # a name in fewer than about one passage in fifteen

_DETERMINER = r"(?:les|leurs|leur|le|la|ses|son|sa|une|un|des|du)\s+|l'"
_FOCUS_PATTERNS = (
    re.compile(
        rf"\b(?:quel|quelle|quels|quelles|qui|qu'est-ce que|c'est quoi)\s+"
        rf"(?:est|sont|etait|etaient|sera|seront|a ete)\s+(?:{_DETERMINER})([a-z]+)"
    ),
    re.compile(r"\b(?:quel|quelle|quels|quelles)\s+(?!est\b|sont\b|etait\b|sera\b)([a-z]+)"),
    re.compile(r"\bcombien\s+(?:de|d')\s*([a-z]+)"),
)
# A capitalised word inside a sentence (not after . ? ! and not a stop word): a name.
_PROPER_NOUN = re.compile(r"(?<![.?!:]\s)(?<=[\s'(])([A-ZÀ-Ý][a-zà-ÿ]+(?:[- ][A-ZÀ-Ý][a-zà-ÿ]+)*)")


def unsupported_reason(question: str, hits: list[Hit], retriever: Retriever) -> str | None:
    """Why the documents cannot answer ``question`` (for logs), or ``None`` if they may."""
    known = retriever.lexical.vocabulary | _alias_stems(question, retriever)
    for noun in _PROPER_NOUN.findall(question):
        if fold(noun) not in STOPWORDS and not set(stems(noun)) & known:
            return f"unknown name: {noun}"
    focus = _focus(question)
    if focus and not set(stems(focus)) & known:
        return f"unknown subject: {focus}"
    if not hits or hits[0].similarity < MIN_SIMILARITY:
        return "nothing close enough in the documents"
    return None


def names_missing_from(question: str, passages: list[str], retriever: Retriever) -> list[str]:
    """Distinctive names in ``question`` that none of ``passages`` mentions, even by an alias.

    Names common across the corpus ("État", "France") say little about which passage
    answers; only rarer ones (a country, a city, a programme) are checked.
    """
    mentioned = set(stems(" ".join(passages)))
    folded_question = fold(question)
    missing = []
    for noun in _PROPER_NOUN.findall(question):
        noun_stems = set(stems(noun))
        common = all(retriever.lexical.idf(stem) < _DISTINCTIVE_IDF for stem in noun_stems)
        if common or fold(noun) in STOPWORDS or fold(noun) in retriever.aliases.implicit:
            continue
        variants = [noun_stems] + [
            set(stems(term))
            for group in retriever.aliases.groups
            if any(fold(noun) in term and term in folded_question for term in group)
            for term in group
        ]
        if not any(variant and variant <= mentioned for variant in variants):
            missing.append(noun)
    return missing


def _focus(question: str) -> str | None:
    folded = fold_letters(question)
    for pattern in _FOCUS_PATTERNS:
        match = pattern.search(folded)
        if match:
            return match.group(1)
    return None


def _alias_stems(question: str, retriever: Retriever) -> set[str]:
    """Words of the question that the alias table knows (they map to corpus terms)."""
    folded = fold(question)
    return {
        stem
        for group in retriever.aliases.groups
        for term in group
        if term in folded
        for stem in stems(term)
    }
