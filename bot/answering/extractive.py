"""The embedded answerer: quote the sentences of the retrieved passages that answer best.

No model writes anything: every word of an answer's body comes from a cited
passage, so a citation can never point at something the passage does not say.
Which sentence to quote is decided by a small logistic model over its signals
(similarity, coverage of the question's words, the kind of answer it holds…),
calibrated on the question bank's tuning half (``python -m bot calibrate``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, replace

from bot.answering.logistic import LogisticModel
from bot.index.records import Chunk
from bot.retrieval.lexical import LexicalIndex
from bot.retrieval.retriever import Hit
from bot.text import fold
from bot.understanding.territories import territory

MAX_ANSWER_CHARS = 500
_CONCISE_CHARS = 250
_WORDS_BEFORE_MATCH = 2
# Lines of a fiche that help search but answer nothing by themselves.
_NOT_QUOTABLE = re.compile(
    r"^(Autres noms|Sources)\b|\bVérifié le\b|^[•■\s-]*(https?://|www\.)\S*\s*$"
)
_BULLET = re.compile(r"^[•■▪-]\s+|(?<=\s—)\s[•■▪-](?=\s)")
_LEADERS = re.compile(r"\.{4,}")  # the dots of a table of contents
_SENTENCE_ENDS = ".!?:;\u2026"
_SHOUTED_LETTERS = 12  # « RAICT 2023 », « CUF » alone are no shouting
_SHOUTED_SHARE = 0.6

_MONTHS = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre"
    "|novembre|décembre|decembre"
)
# What a sentence answering each kind of question contains.
ANSWER_PATTERNS: dict[str, re.Pattern[str]] = {
    "number": re.compile(
        r"\b(?!(?:19|20)\d\d\b)\d+(?:[  .,]\d+)*\s*(?:%|€|euros?|M€|[a-zà-ÿ])"
        r"|\b(deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze|quinze|vingt|cent)\b",
        re.IGNORECASE,
    ),
    "amount": re.compile(r"\d\s*(?:€|k€|M€|Md€|euros?\b|millions? d['’]euros|dollars?\b)|€"),
    "date": re.compile(rf"\b({_MONTHS}|(19|20)\d\d)\b", re.IGNORECASE),
    "person": re.compile(r"[A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)? [A-ZÀ-Ý][A-Za-zà-ÿ'’-]+"),
    "place": re.compile(r"\b(à|au|en|in) [A-ZÀ-Ý]"),
    "contact": re.compile(r"\+?\d[\d .]{8,}\d|[\w.-]+@[\w-]+\.\w+"),
}

QUOTE_FEATURES = (
    "similarity",
    "coverage",
    "passage_coverage",
    "rank",
    "passage_score",
    "type_match",
    "fiche",
    "length",
    "names",
    "passage_names",
    "has_names",
    "window",
    "type_expected",
    "similarity_gap",
    "coverage_gap",
)


@dataclass(frozen=True)
class Quote:
    """A sentence (or a window of a long one) quoted from a retrieved passage."""

    hit: Hit
    sentence: str
    origin: str  # the whole sentence the quote comes from
    features: dict[str, float]
    probability: float = 0.0  # that it holds what was asked (the quote model's estimate)
    # The share of the countries the question names that its passage names (None: none).
    places_named: float | None = None


def candidate_quotes(
    text: str,
    asks: str | None,
    names: list[str],
    hits: list[Hit],
    lexical: LexicalIndex,
    passages: int,
) -> list[Quote]:
    """Every distinct quotable sentence of the ``passages`` best passages for ``text``.

    ``asks`` is the kind of answer wanted (``Question.asks``), ``names`` the question's
    names as the documents write them.
    """
    terms = [term for term in lexical.analyze(text) if "_" not in term]
    weight = sum(lexical.idf(term) for term in terms) or 1.0
    expected = ANSWER_PATTERNS.get(asks or "")
    folded_names = [fold(name) for name in names]
    folded_places = [fold(name) for name in names if territory(name)]
    candidates: dict[str, Quote] = {}
    for rank, hit in enumerate(hits[:passages]):
        if _is_table_of_contents(hit.chunk.text):
            continue
        passage_terms = set(lexical.analyze(hit.chunk.indexed_text))
        passage_coverage = sum(lexical.idf(t) for t in terms if t in passage_terms) / weight
        passage_names = _share_named(fold(hit.chunk.indexed_text), folded_names)
        passage_places = _share_named(fold(hit.chunk.indexed_text), folded_places)
        # One similarity per stored sentence: both were written together by the ingest.
        for whole, similarity in zip(hit.chunk.sentences, hit.sentence_similarities, strict=True):
            if _NOT_QUOTABLE.search(whole) or _shouted(whole):
                continue
            for sentence in quotable_parts(whole, set(terms), lexical):
                if sentence in candidates:
                    continue
                present = set(lexical.analyze(sentence))
                folded = fold(sentence)
                features = {
                    "similarity": similarity,
                    "coverage": sum(lexical.idf(t) for t in terms if t in present) / weight,
                    "passage_coverage": passage_coverage,
                    "rank": float(rank),
                    "passage_score": hit.score,
                    "type_match": float(expected is not None and bool(expected.search(sentence))),
                    "fiche": float(hit.chunk.kind == "funding"),
                    "length": math.log(len(sentence) + 1),
                    "names": _share_named(folded, folded_names),
                    "passage_names": passage_names,
                    "has_names": float(bool(folded_names)),
                    "window": float(sentence != whole),
                    "type_expected": float(expected is not None),
                }
                places = passage_places if folded_places else None
                candidates[sentence] = Quote(hit, sentence, whole, features, places_named=places)
    return _with_gaps(list(candidates.values()))


def _shouted(sentence: str) -> bool:
    """Mostly capitals: a heading or a table's cells (« DE LA REUNION CONSEIL
    DEPARTEMENTAL DE LA VIENNE »), not a sentence that answers anything."""
    letters = [char for char in sentence if char.isalpha()]
    return len(letters) >= _SHOUTED_LETTERS and (
        sum(char.isupper() for char in letters) > _SHOUTED_SHARE * len(letters)
    )


def _with_gaps(quotes: list[Quote]) -> list[Quote]:
    """Each quote's similarity and coverage against the best candidate's for the question.

    The choice is among one question's candidates: how far a sentence trails the best
    one says more than its absolute similarity, which varies from question to question.
    """
    if not quotes:
        return quotes
    best_similarity = max(quote.features["similarity"] for quote in quotes)
    best_coverage = max(quote.features["coverage"] for quote in quotes)
    for quote in quotes:
        quote.features["similarity_gap"] = quote.features["similarity"] - best_similarity
        quote.features["coverage_gap"] = quote.features["coverage"] - best_coverage
    return quotes


def _share_named(folded_text: str, folded_names: list[str]) -> float:
    """The share of the question's names that ``folded_text`` mentions (0 without names)."""
    if not folded_names:
        return 0.0
    return sum(name in folded_text for name in folded_names) / len(folded_names)


def rank_quotes(quotes: list[Quote], model: LogisticModel | None) -> list[Quote]:
    """``quotes`` with their probability, best first (similarity alone without a model).

    When some passage names every country the question names (« le groupe mali »), a
    sentence from a passage naming none of them (Madagascar's chair) is not offered:
    the vectors tell one country's paragraph from another's poorly.
    """
    if any(quote.places_named == 1.0 for quote in quotes):
        quotes = [quote for quote in quotes if quote.places_named != 0.0]
    scored = [
        replace(
            quote,
            probability=model.probability(quote.features)
            if model
            else quote.features["similarity"],
        )
        for quote in quotes
    ]
    return sorted(scored, key=lambda quote: quote.probability, reverse=True)


def choose_quotes(ranked: list[Quote], asks: str | None, second_ratio: float) -> list[Quote]:
    """The best quote, and runners-up from other sentences if they fit.

    A runner-up joins when at least ``second_ratio`` times as likely to hold the fact
    as the best quote (``Calibration.second_ratio``, fitted on the tuning half).

    A list question (« quels sont… ») takes up to three quotes, any other up to two.
    """
    if not ranked:
        return []
    best = with_its_list(ranked[0])
    chosen = [best]
    length = len(best.sentence)
    for quote in ranked[1 : 3 if asks == "list" else 2]:
        if quote.probability < second_ratio * best.probability:
            break
        # Not the best quote's sentence again, nor a list item it already brought along.
        if quote.origin == best.origin or any(quote.sentence in q.sentence for q in chosen):
            continue
        # The best quote names what was asked about (« Mali »): not one from a passage
        # that never does (Madagascar's chair).
        if best.features.get("names", 0.0) > 0 and not quote.features.get("passage_names"):
            continue
        if length + len(quote.sentence) <= MAX_ANSWER_CHARS:
            chosen.append(quote)
            length += len(quote.sentence)
    return chosen


def with_its_list(quote: Quote) -> Quote:
    """A sentence announcing a list (« …en 4 axes stratégiques : ») with the items after it.

    The items follow in the same passage, one a line, as long as the answer stays short.
    """
    sentences = quote.hit.chunk.sentences
    if not quote.sentence.rstrip().endswith(":") or quote.origin not in sentences:
        return quote
    lines = [quote.sentence]
    length = len(quote.sentence)
    for item in sentences[sentences.index(quote.origin) + 1 :]:
        if _NOT_QUOTABLE.search(item):
            continue
        if length + len(item) > MAX_ANSWER_CHARS:
            break
        lines.append(item)
        length += len(item) + 1
    if len(lines) == 1:
        return quote
    return replace(quote, sentence="\n".join(lines))


def with_lead(quote: Quote, previous: Chunk | None) -> Quote:
    """A quote opening its passage mid-sentence, with the sentence's start from the page before.

    A passage never crosses a page, so « françaises donatrices, pour 380 000 euros. »
    opens page 18 while « 22 collectivités » ends page 17: the member reads them together.
    """
    chunk = quote.hit.chunk
    starts_passage = bool(chunk.sentences) and quote.origin == chunk.sentences[0]
    if previous is None or not starts_passage or not quote.sentence[:1].islower():
        return quote
    lead = previous.sentences[-1] if previous.sentences else ""
    next_page = chunk.page is not None and previous.page == chunk.page - 1
    if not next_page or not lead or len(lead) > _CONCISE_CHARS or _ends_a_sentence(lead):
        return quote
    return replace(quote, sentence=f"{lead} {quote.sentence}")


def _ends_a_sentence(text: str) -> bool:
    """A full stop, a question mark, an ellipsis… or a closing bracket or quote."""
    last = text.rstrip()[-1:]
    return last in _SENTENCE_ENDS or unicodedata.category(last) in ("Pe", "Pf")


def displayed(sentence: str) -> str:
    """A quote as a member reads it: no list bullet in front of a line.

    A quote opening in lower case continues a sentence begun on the page before
    (a passage never crosses a page): an ellipsis says so.
    """
    lines = [_BULLET.sub("", line) for line in sentence.split("\n")]
    if sentence[:1].islower():
        lines[0] = f"… {lines[0]}"
    return "\n".join(lines)


def quotable_parts(sentence: str, terms: set[str], lexical: LexicalIndex) -> list[str]:
    """A long list or table row is quoted by the piece that answers, not whole.

    A piece starts just before one of the question's rarer words (in a table row,
    the label: what follows it is the answer) and runs for about ``_CONCISE_CHARS``;
    an ellipsis marks where it cuts the sentence.
    """
    if len(sentence) <= 2 * _CONCISE_CHARS:
        return [sentence]
    words = sentence.split(" ")
    word_terms = [set(lexical.analyze(word)) & terms for word in words]
    found = sorted(set().union(*word_terms), key=lexical.idf, reverse=True)[:2]
    starts = [
        max(0, index - _WORDS_BEFORE_MATCH)
        for index, matched in enumerate(word_terms)
        if matched & set(found)
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


def _is_table_of_contents(passage: str) -> bool:
    return len(_LEADERS.findall(passage)) >= 3 or passage.count("■") >= 4


def shorten(sentence: str, limit: int = MAX_ANSWER_CHARS) -> str:
    """Cut an overlong quote at a word boundary, with an ellipsis."""
    if len(sentence) <= limit:
        return sentence
    return sentence[: sentence.rfind(" ", 0, limit - 1)].rstrip(" ,;:") + " …"
