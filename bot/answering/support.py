"""Does the corpus support an answer? The signals of the answer-or-refuse decision.

None of them refuses alone: the calibrated answer model weighs them together
(``bot/answering/calibration.py``). They say, for the question and the quotes an
answer would give:
- how close the best passages and the best quote are;
- whether the question names something the documents never mention (« Pérou »),
  or a year, or a thing asked for (« le salaire de… ») they never use;
- whether the passages an answer would cite mention the names the question asks
  about (« Qui préside le groupe-pays Brésil ? » is not answered by Madagascar's chair);
- whether the quotes hold the kind of answer asked for (a number, a date, a phone…).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.answering.extractive import ANSWER_PATTERNS, Quote
from bot.retrieval.retriever import Hit, Retriever
from bot.text import STOPWORDS, content_stems, fold, fold_letters, stems

ANSWER_FEATURES = (
    "best_quote",
    "similarity",
    "score",
    "margin",
    "unknown_names",
    "missing_name",
    "unknown_focus",
    "unquoted_year",
    "type_missing",
    "contact_missing",
    "amount_missing",
    "scheme_named",
    "unknown_group",
    "no_known_word",
    "says_not_found",
)
# The way each answer signal may push: a stronger match never counts against answering,
# a missing or unknown thing never for it (``scheme_named`` is left free).
_STRONGER_MATCH = ("best_quote", "similarity", "score", "margin")
ANSWER_SIGNS = {
    name: 1 if name in _STRONGER_MATCH else -1 for name in ANSWER_FEATURES if name != "scheme_named"
}
# Signals read by the fixed rules only (``assistant.ruled_out``), not by the model.
RULE_SIGNALS = ("coverage",)
_EXACT_TYPES = ("contact", "amount")
# The fiches say so when a fact could not be found (« plafond en euros non trouvé »,
# « aucun montant minimum de contribution trouvé »).
_NOT_FOUND = re.compile(
    r"\bnon trouvee?s?\b|\b(?:aucune?|pas de)\b[^.;:]{0,60}\btrouvee?s?\b"
)  # on folded text
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


def answer_signals(
    asks: str | None,
    text: str,
    names: list[str],
    unknown: list[str],
    years: tuple[int, ...],
    hits: list[Hit],
    quotes: list[Quote],
    retriever: Retriever,
    resolve: Callable[[str], str | None] = lambda _name: None,
) -> dict[str, float]:
    """The features of the answer model for an answer quoting ``quotes``.

    ``names`` are the question's names in the documents' own form (translations
    resolved); ``unknown`` those the documents never use at all. ``resolve`` gives
    a word's corpus form in another language (« America » → « Amérique »).
    """
    cited = " ".join(
        f"{q.hit.chunk.title} {q.hit.chunk.section} {q.hit.chunk.text}" for q in quotes
    )
    expected = ANSWER_PATTERNS.get(asks or "")
    quoted = " ".join(quote.sentence for quote in quotes)
    headed = " ".join(f"{q.hit.chunk.title} {q.hit.chunk.section} {q.sentence}" for q in quotes)
    focus = focus_word(text)
    known = retriever.lexical.vocabulary | alias_stems(text, retriever)
    return {
        "best_quote": quotes[0].probability if quotes else 0.0,
        "similarity": hits[0].similarity if hits else 0.0,
        # Not a feature of the model: its floor is a fixed rule (``assistant.ruled_out``).
        "coverage": max((hit.coverage for hit in hits), default=0.0),
        "score": hits[0].score if hits else 0.0,
        "margin": hits[0].score - hits[1].score if len(hits) > 1 else 0.0,
        "unknown_names": float(len(unknown)),
        "missing_name": float(bool(names_missing_from(names, text, cited, retriever, resolve))),
        "unknown_focus": float(bool(focus and not set(stems(focus)) & known)),
        # « aaaa… », emoji, another script: not one word the documents use.
        "no_known_word": float(not set(content_stems(text)) & known),
        # « l'appel à idées 2025 » answered by a line on 2020, in a fiche that names 2025
        # elsewhere: the year is in neither the quotes nor the headings above them.
        "unquoted_year": float(any(str(year) not in headed for year in years)),
        # A phone number and a sum of money are either quoted or not there at all.
        "type_missing": float(
            asks not in _EXACT_TYPES and expected is not None and not expected.search(quoted)
        ),
        "contact_missing": float(
            asks == "contact" and not ANSWER_PATTERNS["contact"].search(quoted)
        ),
        "amount_missing": float(asks == "amount" and not ANSWER_PATTERNS["amount"].search(quoted)),
        # The best quote itself says the documents lack the fact.
        "says_not_found": float(bool(quotes and says_not_found(quotes[0].sentence))),
    }


def says_not_found(text: str) -> bool:
    """The line says the fact could not be found (the fiches write so)."""
    return _NOT_FOUND.search(fold(text)) is not None


def names_missing_from(
    names: list[str],
    question: str,
    passage: str,
    retriever: Retriever,
    resolve: Callable[[str], str | None] = lambda _name: None,
) -> list[str]:
    """Distinctive ``names`` that ``passage`` never mentions, even by an alias.

    Names common across the corpus ("État", "France") say little about which passage
    answers; only rarer ones (a country, a city, a programme) are checked. A name of
    several words is mentioned when each of its distinctive words is, in the
    documents' language (« Latin America »: « Amérique latine »).
    """
    folded_passage = fold(passage)
    folded_question = fold(question)

    def mentioned(noun: str) -> bool:
        variants = [fold(noun)] + [
            term
            for group in retriever.aliases.groups
            if any(fold(noun) in term and term in folded_question for term in group)
            for term in group
        ]
        # Whole words, not stems: « Colombie » is not « Colombes ».
        return any(_mentions(folded_passage, variant) for variant in variants)

    missing = []
    for noun in names:
        if not is_distinctive(noun, retriever) or mentioned(noun):
            continue
        # Word by word, in the documents' language: « Latin America » → latine, Amérique.
        words = [word for word in noun.split() if is_distinctive(word, retriever)]
        forms = [resolve(word) or word for word in words]
        if forms and forms != [noun] and all(map(mentioned, forms)):
            continue
        missing.append(noun)
    return missing


def is_distinctive(name: str, retriever: Retriever) -> bool:
    """A rare name (a country, a city, a programme), not one every page uses (CUF, État)."""
    folded = fold(name)
    if folded in STOPWORDS or folded in retriever.aliases.implicit:
        return False
    return any(retriever.lexical.idf(stem) >= _DISTINCTIVE_IDF for stem in stems(name))


def _mentions(folded_text: str, folded_name: str) -> bool:
    pattern = rf"(?<![a-z0-9]){re.escape(folded_name)}(?:s|e|es|ne|nne)?(?![a-z0-9])"
    return re.search(pattern, folded_text) is not None


def focus_word(question: str) -> str | None:
    """The thing asked for: « quel est le salaire… » → ``salaire``."""
    folded = fold_letters(question)
    for pattern in _FOCUS_PATTERNS:
        match = pattern.search(folded)
        if match:
            return match.group(1)
    return None


def alias_stems(question: str, retriever: Retriever) -> set[str]:
    """Words of the question that the alias table knows (they map to corpus terms)."""
    folded = fold(question)
    return {
        stem
        for group in retriever.aliases.groups
        for term in group
        if term in folded
        for stem in stems(term)
    }
