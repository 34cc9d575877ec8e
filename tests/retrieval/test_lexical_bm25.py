"""BM25 gives Lucene's textbook scores on real passages, whatever the layout it stores."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from passages import passage

from bot.index.records import Chunk
from bot.ingest.chunker import chunk_document
from bot.ingest.pipeline import discover
from bot.retrieval.aliases import AliasTable
from bot.retrieval.lexical import K1, B, LexicalIndex

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"

QUESTIONS = [
    "Qui peut déposer un dossier au FICOL de l'AFD ?",
    "Quel est le montant maximal du 1 % eau ?",
    "Quelles sont les priorités du projet stratégique de Cités Unies France ?",
    "appel à projets, appel à projets, appel à projets généraliste du MEAE",  # repeats
    "coopération décentralisée avec le Japon et le Sénégal",
    "zyxwvu qwertz",  # no known term
    "",
]


@pytest.fixture(scope="module")
def aliases() -> AliasTable:
    return AliasTable.load(KNOWLEDGE / "aliases.yaml")


@pytest.fixture(scope="module")
def chunks() -> list[Chunk]:
    """The strategic project (a real PDF) and every funding fiche: about 175 passages."""
    found = discover(KNOWLEDGE)
    chosen = [
        relative
        for relative in found
        if relative.startswith("funding/") or "projet-strategique" in relative
    ]
    return [
        chunk
        for relative in chosen
        for chunk in chunk_document(found[relative][1](found[relative][0], relative))
    ]


def reference_scores(corpus: list[list[str]], query: list[str]) -> list[float]:
    """Lucene's BM25, term by term, as the textbook writes it (a query term counts each time)."""
    size = len(corpus)
    average = sum(len(terms) for terms in corpus) / size
    holding = Counter(term for terms in corpus for term in set(terms))
    scores = []
    for terms in corpus:
        counts = Counter(terms)
        score = 0.0
        for term in query:
            if counts[term]:
                idf = math.log(1 + (size - holding[term] + 0.5) / (holding[term] + 0.5))
                norm = K1 * (1 - B + B * len(terms) / average)
                score += idf * counts[term] / (counts[term] + norm)
        scores.append(score)
    return scores


def test_scores_are_lucenes_bm25_of_the_analysed_passages(
    chunks: list[Chunk], aliases: AliasTable
) -> None:
    lexical = LexicalIndex(chunks, aliases)
    corpus = [lexical.analyze_chunk(chunk) for chunk in chunks]
    assert len(chunks) > 150
    assert any(len(set(terms)) < len(terms) for terms in corpus)  # repeated terms are tested

    for question in QUESTIONS:
        scores = lexical.all_scores(question)
        assert scores.dtype == np.float32 and scores.shape == (len(chunks),)
        expected = reference_scores(corpus, lexical.analyze(question))
        np.testing.assert_allclose(scores, expected, rtol=1e-5, atol=0)
    assert lexical.all_scores(QUESTIONS[0]).max() > 0
    assert not lexical.all_scores("zyxwvu qwertz").any()


def test_idf_and_vocabulary_are_those_of_the_corpus(
    chunks: list[Chunk], aliases: AliasTable
) -> None:
    lexical = LexicalIndex(chunks, aliases)
    corpus = [lexical.analyze_chunk(chunk) for chunk in chunks]
    holding = Counter(term for terms in corpus for term in set(terms))
    size = len(corpus)

    assert set(lexical.vocabulary) == set(holding)
    for term in ["ficol", "afd", "eau", "projet_strateg", *lexical.analyze(QUESTIONS[1])]:
        if term in holding:
            expected = math.log(1 + (size - holding[term] + 0.5) / (holding[term] + 0.5))
            assert lexical.idf(term) == pytest.approx(expected, rel=1e-12)
    assert lexical.idf("zyxwvu") == lexical.unknown_term_idf == math.log(1 + (size + 0.5) / 0.5)
    assert lexical.idf("zyxwvu") > max(lexical.idf(term) for term in holding)


def test_the_same_passages_in_another_order_score_alike(
    chunks: list[Chunk], aliases: AliasTable
) -> None:
    """Row order and the order terms were first met in change nothing but the score order."""
    forward = LexicalIndex(chunks, aliases)
    backward = LexicalIndex(chunks[::-1], aliases)
    for question in QUESTIONS:
        assert np.array_equal(forward.all_scores(question), backward.all_scores(question)[::-1])


def test_an_empty_corpus_scores_nothing(aliases: AliasTable) -> None:
    lexical = LexicalIndex([], aliases)
    assert lexical.all_scores(QUESTIONS[0]).shape == (0,)
    assert not lexical.vocabulary
    empty = passage(id="x", path="notes/x.md", title="", kind="note", page=None, section="")
    assert lexical.analyze_chunk(empty) == ["_"]


def test_coverage_is_the_share_of_the_question_rarity_a_chunk_holds(
    chunks: list[Chunk], aliases: AliasTable
) -> None:
    index = LexicalIndex(chunks, aliases)
    question = "Qui peut déposer un dossier au FICOL de l'AFD ?"
    words = [term for term in index.analyze(question) if "_" not in term]
    total = sum(index.idf(term) for term in words)

    coverage = index.coverage(question)

    for row, chunk in enumerate(chunks[:40]):
        held = set(index.analyze_chunk(chunk))
        expected = sum(index.idf(term) for term in words if term in held) / total
        assert coverage[row] == pytest.approx(expected, rel=1e-5)
    # Words no passage uses count in the question's rarity, and no passage holds them.
    assert index.coverage(question + " blanquette de veau").max() < coverage.max()
    assert not index.coverage("zyxwvu qwertz").any()
    assert not index.coverage("").any()
