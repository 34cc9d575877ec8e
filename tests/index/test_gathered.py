"""Rows gathered from several arrays, in memory or into a ``.npy`` file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.index.gathered import Gathered


def row_orders(rng: np.random.Generator) -> list[np.ndarray]:
    """Any order, and a re-ingest's: kept rows in place around new ones, a few gone."""
    kept = np.delete(np.arange(50), rng.choice(50, size=5, replace=False))
    return [rng.permutation(77), np.concatenate([kept[:20], np.arange(50, 77), kept[20:]])]


def saved(tmp_path: Path, name: str, array: np.ndarray) -> np.ndarray:
    """``array`` written to a file, then memory-mapped as a generation's files are."""
    np.save(tmp_path / name, array)
    return np.load(tmp_path / name, mmap_mode="r")


@pytest.mark.parametrize("seed", range(4))
def test_gathered_rows_are_those_of_the_parts_put_together(seed: int) -> None:
    rng = np.random.default_rng(seed)
    parts = [rng.standard_normal((size, 384)).astype(np.float32) for size in (50, 0, 7, 20)]
    everything = np.concatenate(parts)
    for rows in row_orders(rng):
        assert np.array_equal(Gathered(parts, rows).array(), everything[rows])


@pytest.mark.parametrize(
    ("dtype", "row_shape"), [(np.float32, (384,)), (np.int8, (8,)), (np.float32, ())]
)
def test_saved_rows_read_back_as_np_save_would_write_them(
    tmp_path: Path, dtype: type, row_shape: tuple[int, ...]
) -> None:
    rng = np.random.default_rng(7)
    copied = (rng.standard_normal((50, *row_shape)) * 50).astype(dtype)
    new = (rng.standard_normal((27, *row_shape)) * 50).astype(dtype)
    # The copied rows from a memory-mapped file (copied within the kernel), new ones in memory.
    parts = [saved(tmp_path, "copied.npy", copied), new]
    everything = np.concatenate([copied, new])
    for number, rows in enumerate(row_orders(rng)):
        path = tmp_path / f"gathered-{number}.npy"
        with path.open("wb") as handle:
            Gathered(parts, rows).save(handle)
        assert np.array_equal(np.load(path), everything[rows])
        assert np.load(path).dtype == dtype


def test_no_rows_make_an_empty_file_of_the_right_shape(tmp_path: Path) -> None:
    path = tmp_path / "empty.npy"
    with path.open("wb") as handle:
        Gathered([np.zeros((0, 384), np.float32)], np.zeros(0, np.int64)).save(handle)
    assert np.load(path).shape == (0, 384)
