"""Unit vectors stored as int8 with one scale a row, for scanning every passage cheaply.

Each question is compared with every passage and every sentence. Scanning them in
float32 makes the whole vector files part of the serving process's memory (at 50×
today's documents, 167 MB read by every question). A copy in int8 holds a quarter
of the bytes, and its products are within about 0.002 of the float32 ones (a cosine
similarity), which is enough to choose the few passages whose exact products are
then read from the float32 files (:class:`ExactRows`).
"""

from __future__ import annotations

import mmap
import os
import weakref
from dataclasses import dataclass

import numpy as np

# Rows converted to float32 at a time: the conversion's temporary stays about 12 MB.
_BLOCK_ROWS = 8192
_LEVELS = 127.0


@dataclass(frozen=True)
class QuantisedRows:
    """``values[i] * scales[i]`` approximates row ``i`` of a float32 matrix."""

    values: np.ndarray  # (rows, dimension) int8
    scales: np.ndarray  # (rows,) float32

    @classmethod
    def of(cls, rows: np.ndarray) -> QuantisedRows:
        """Quantise ``rows`` block by block (a memory-mapped matrix is never copied whole)."""
        values = np.empty(rows.shape, np.int8)
        scales = np.empty(len(rows), np.float32)
        for start in range(0, len(rows), _BLOCK_ROWS):
            block = np.asarray(rows[start : start + _BLOCK_ROWS], np.float32)
            peaks = np.abs(block).max(axis=1) if block.size else np.zeros(len(block), np.float32)
            block_scales = np.where(peaks > 0, peaks / _LEVELS, 1.0).astype(np.float32)
            values[start : start + len(block)] = np.rint(block / block_scales[:, None])
            scales[start : start + len(block)] = block_scales
        return cls(values, scales)

    def products(self, vectors: np.ndarray) -> np.ndarray:
        """``rows @ vectors`` approximately: shape ``(rows,)`` or ``(rows, columns)``."""
        vectors = np.asarray(vectors, np.float32)
        result = np.empty((len(self.values), *vectors.shape[1:]), np.float32)
        for start in range(0, len(self.values), _BLOCK_ROWS):
            block = self.values[start : start + _BLOCK_ROWS].astype(np.float32)
            result[start : start + len(block)] = block @ vectors
        scales = self.scales if vectors.ndim == 1 else self.scales[:, None]
        return result * scales


class ExactRows:
    """Chosen rows of a float32 matrix, exactly.

    A memory-mapped ``.npy`` is read with ``pread`` rather than through its mapping:
    the few rows a question needs are copied, and the file's pages stay in the
    kernel's cache instead of adding up in the process's memory question after
    question. The file is opened once, so rows stay readable after a later ingest
    has deleted its generation.
    """

    def __init__(self, matrix: np.ndarray) -> None:
        self._matrix = matrix
        self._row_shape = matrix.shape[1:]
        self._descriptor: int | None = None
        path = mapped_file(matrix)
        if path is not None:
            self._descriptor = os.open(path, os.O_RDONLY)
            weakref.finalize(self, os.close, self._descriptor)

    def take(self, starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
        """Rows ``starts[i]:stops[i]`` for each ``i``, concatenated, in float32."""
        parts = [
            self._read(start, stop)
            for start, stop in zip(starts.tolist(), stops.tolist(), strict=True)
        ]
        if not parts:
            return np.zeros((0, *self._row_shape), np.float32)
        return np.asarray(np.concatenate(parts), np.float32)

    def _read(self, start: int, stop: int) -> np.ndarray:
        if self._descriptor is None:
            return np.asarray(self._matrix[start:stop])
        assert isinstance(self._matrix, np.memmap)
        dtype = self._matrix.dtype
        row_bytes = dtype.itemsize * int(np.prod(self._row_shape))
        offset = self._matrix.offset + start * row_bytes
        data = os.pread(self._descriptor, (stop - start) * row_bytes, offset)
        return np.frombuffer(data, dtype).reshape(stop - start, *self._row_shape)


def mapped_file(matrix: np.ndarray) -> str | None:
    """The file of an array ``np.load(..., mmap_mode="r")`` returned (not a slice of it)."""
    if (
        isinstance(matrix, np.memmap)
        and isinstance(matrix.base, mmap.mmap)
        and matrix.filename is not None
        and matrix.flags.c_contiguous
    ):
        return str(matrix.filename)
    return None
