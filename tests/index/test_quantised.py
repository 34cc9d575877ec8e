"""The int8 copies of the vectors, and the exact rows read beside them."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.index.quantised import ExactRows, QuantisedRows

DIMENSION = 384


def unit_rows(count: int, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((count, DIMENSION)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_int8_products_stay_within_a_few_thousandths_of_the_float32_ones() -> None:
    rows = unit_rows(20_000)  # more than one block of the scan
    questions = unit_rows(2, seed=1).T
    quantised = QuantisedRows.of(rows)

    assert quantised.values.dtype == np.int8
    assert quantised.values.nbytes == rows.nbytes // 4
    assert np.abs(quantised.products(questions) - rows @ questions).max() < 0.003
    assert np.abs(quantised.products(questions[:, 0]) - rows @ questions[:, 0]).max() < 0.003


def test_a_zero_row_and_an_empty_matrix_are_quantised_without_error() -> None:
    rows = np.zeros((2, DIMENSION), np.float32)
    rows[1, 0] = 1.0
    assert np.allclose(QuantisedRows.of(rows).products(rows[1]), [0.0, 1.0], atol=1e-6)
    empty = QuantisedRows.of(np.zeros((0, DIMENSION), np.float32))
    assert empty.products(rows[1]).shape == (0,)


def test_exact_rows_of_a_mapped_file_are_read_and_stay_readable_once_deleted(
    tmp_path: Path,
) -> None:
    rows = unit_rows(50)
    path = tmp_path / "sentences.npy"
    np.save(path, rows)
    mapped = np.load(path, mmap_mode="r")
    exact = ExactRows(mapped)
    path.unlink()  # a later ingest removed the generation

    taken = exact.take(np.array([3, 10, 49]), np.array([5, 11, 50]))

    assert np.array_equal(taken, rows[[3, 4, 10, 49]])
    assert exact.take(np.array([], np.int64), np.array([], np.int64)).shape == (0, DIMENSION)


def test_exact_rows_of_an_array_in_memory_are_sliced() -> None:
    rows = unit_rows(10)
    assert np.array_equal(ExactRows(rows).take(np.array([7]), np.array([9])), rows[7:9])
