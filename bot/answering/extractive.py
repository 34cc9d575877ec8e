"""The embedded answerer: quote the sentences of the retrieved passages that answer best.

No model writes anything: every word of an answer's body comes from a cited
passage, so a citation can never point at something the passage does not say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.retrieval.lexical import LexicalIndex
from bot.retrieval.retriever import Hit

MAX_ANSWER_CHARS = 700
_PASSAGES_CONSIDERED = 5
_COVERAGE_WEIGHT = 0.15
_RANK_PENALTY = 0.01
_SECOND_SENTENCE_RATIO = 0.97
_ANSWER_TYPE_BONUS = 0.1
_CONCISE_CHARS = 250
_SUMMARY_PENALTY = 0.03
# Lines of a fiche that help search but answer nothing by themselves.
_NOT_QUOTABLE = re.compile(r"^(Autres noms|Sources|Vérifié le)\b")
_LEADERS = re.compile(r"\.{4,}")  # the dots of a table of contents
_WORDS_BEFORE_MATCH = 2

_MONTHS = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre"
    "|novembre|décembre|decembre"
)
_NAME = r"[A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)? [A-ZÀ-Ý][A-Za-zà-ÿ'’-]+"


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"\b({pattern})\b", re.IGNORECASE)


# What kind of words an answer to each kind of question contains.
_ANSWER_TYPES: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (
        _words("combien|montant|nombre|pourcentage|proportion|part|taux|how much|how many"),
        re.compile(
            r"\b(?!(?:19|20)\d\d\b)\d+(?:[  .,]\d+)*\s*(?:%|€|euros?|[a-zà-ÿ])"
            r"|\b(deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze|quinze|vingt|cent)\b",
            re.IGNORECASE,
        ),
    ),
    (_words("quand|quelle date|quelles dates|dates?|when"), _words(f"{_MONTHS}|(19|20)\\d\\d")),
    (_words("qui|quel élu|quelle élue|quelle ministre|who"), re.compile(_NAME)),
    (_words("où|quel lieu|quelle ville|where"), re.compile(r"\b(à|au|en) [A-ZÀ-Ý]")),
)


def expected_answer(question: str) -> re.Pattern[str] | None:
    """A pattern that sentences answering ``question`` tend to match (number, date, name…)."""
    for asks, answers in _ANSWER_TYPES:
        if asks.search(question):
            return answers
    return None


@dataclass(frozen=True)
class Quote:
    """A sentence quoted from a retrieved passage."""

    hit: Hit
    sentence: str  # the quoted text: a sentence, or a window of a long one
    score: float
    origin: str = ""  # the whole sentence the quote comes from


def select_quotes(question: str, hits: list[Hit], lexical: LexicalIndex) -> list[Quote]:
    """The one to three sentences that best answer ``question``, best first.

    The best sentence comes first; when it lacks what the question asks for (a
    number, a date, a name) the best sentence that has it joins it, else a
    runner-up that scores almost as well.
    """
    expected = expected_answer(question)
    candidates = _scored_sentences(question, hits, lexical, expected)
    if not candidates:
        return []
    best = candidates[0]
    chosen = [best]
    runners_up = [
        quote for quote in candidates[1:3] if quote.score >= _SECOND_SENTENCE_RATIO * best.score
    ]
    if expected is not None and not expected.search(best.sentence):
        typed = [quote for quote in candidates[1:] if expected.search(quote.sentence)]
        runners_up = typed[:1] + runners_up
    length = len(best.sentence)
    for quote in runners_up:
        overlaps = any(quote.origin == other.origin for other in chosen)
        if not overlaps and length + len(quote.sentence) <= MAX_ANSWER_CHARS:
            chosen.append(quote)
            length += len(quote.sentence)
    return chosen


def _scored_sentences(
    question: str, hits: list[Hit], lexical: LexicalIndex, expected: re.Pattern[str] | None
) -> list[Quote]:
    """Every distinct sentence of the best passages, best first."""
    terms = [term for term in lexical.analyze(question) if "_" not in term]
    weight = sum(lexical.idf(term) for term in terms) or 1.0
    candidates: dict[str, Quote] = {}
    for rank, hit in enumerate(hits[:_PASSAGES_CONSIDERED]):
        for whole, similarity in zip(
            hit.chunk.sentences(), hit.sentence_similarities, strict=False
        ):
            if not _quotable(whole) or _is_table_of_contents(hit.chunk.text):
                continue
            for sentence in _quotable_parts(whole, set(terms), lexical):
                present = set(lexical.analyze(sentence))
                coverage = sum(lexical.idf(term) for term in terms if term in present) / weight
                score = similarity + _COVERAGE_WEIGHT * coverage - _RANK_PENALTY * rank
                if hit.chunk.kind == "funding":
                    score -= _SUMMARY_PENALTY  # on a tie, quote the primary source
                if expected is not None and expected.search(sentence):
                    score += _ANSWER_TYPE_BONUS
                if sentence not in candidates or candidates[sentence].score < score:
                    candidates[sentence] = Quote(hit, sentence, score, origin=whole)
    return sorted(candidates.values(), key=lambda quote: quote.score, reverse=True)


def _quotable(sentence: str) -> bool:
    """Fiche boilerplate answers nothing by itself."""
    return not _NOT_QUOTABLE.match(sentence)


def _is_table_of_contents(passage: str) -> bool:
    return len(_LEADERS.findall(passage)) >= 3 or passage.count("■") >= 4


def _quotable_parts(sentence: str, terms: set[str], lexical: LexicalIndex) -> list[str]:
    """A long list or table row is quoted by the piece that answers, not whole.

    A piece starts just before the question's most specific word (in a table row,
    the label: what follows it is the answer) and runs for about ``_CONCISE_CHARS``;
    an ellipsis marks where it cuts the sentence.
    """
    if len(sentence) <= 2 * _CONCISE_CHARS:
        return [sentence]
    words = sentence.split(" ")
    word_terms = [set(lexical.analyze(word)) & terms for word in words]
    found = set().union(*word_terms)
    rarest = max(found, key=lexical.idf) if found else None
    starts = [
        max(0, index - _WORDS_BEFORE_MATCH)
        for index, matched in enumerate(word_terms)
        if rarest in matched
    ]
    parts: list[str] = []
    for start in dict.fromkeys(starts or range(0, len(words), 20)):
        end, length = start, 0
        while end < len(words) and length + len(words[end]) < _CONCISE_CHARS:
            length += len(words[end]) + 1
            end += 1
        end = max(end, start + 1)
        prefix = "… " if start > 0 else ""
        suffix = " …" if end < len(words) else ""
        parts.append(prefix + " ".join(words[start:end]) + suffix)
    return parts


def shorten(sentence: str, limit: int = MAX_ANSWER_CHARS) -> str:
    """Cut an overlong quote at a word boundary, with an ellipsis."""
    if len(sentence) <= limit:
        return sentence
    return sentence[: sentence.rfind(" ", 0, limit - 1)].rstrip(" ,;:") + " …"
