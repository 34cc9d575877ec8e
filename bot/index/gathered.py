"""Rows taken from several arrays at once: a copied generation's, then new ones.

A re-ingest keeps nearly every row in its place, so rows are moved by runs of
consecutive ones: as slice copies in memory, or, when saved to a ``.npy`` file from
a memory-mapped one, within the kernel (``copy_file_range``). The vectors of the
passages a re-ingest keeps then never pass through the process (at 66× the shipped
knowledge, 220 MB that were copied twice, into memory and back out to the file).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO, NamedTuple

import numpy as np

from bot.index.quantised import mapped_file


class Run(NamedTuple):
    """``length`` rows from row ``source`` of part ``part``, to row ``target``."""

    part: int
    source: int
    target: int
    length: int


@dataclass(frozen=True)
class Gathered:
    """``np.concatenate(parts)[rows]``, computed only when read or saved."""

    parts: Sequence[np.ndarray]
    rows: np.ndarray

    def runs(self) -> Iterator[Run]:
        """The rows as runs of consecutive rows of one part."""
        if not len(self.rows):
            return
        lengths = np.array([len(part) for part in self.parts])
        ends = np.cumsum(lengths)
        offsets = ends - lengths
        owner = np.searchsorted(ends, self.rows, side="right")  # the part each row is in
        breaks = np.flatnonzero((np.diff(self.rows) != 1) | (np.diff(owner) != 0)) + 1
        starts = np.concatenate([[0], breaks])
        stops = np.concatenate([breaks, [len(self.rows)]])
        for first, stop in zip(starts.tolist(), stops.tolist(), strict=True):
            part = int(owner[first])
            yield Run(part, int(self.rows[first] - offsets[part]), first, stop - first)

    def array(self) -> np.ndarray:
        """The rows, in memory."""
        first = self.parts[0]
        gathered = np.empty((len(self.rows), *first.shape[1:]), first.dtype)
        for run in self.runs():
            part = self.parts[run.part]
            gathered[run.target : run.target + run.length] = part[
                run.source : run.source + run.length
            ]
        return gathered

    def save(self, handle: BinaryIO) -> None:
        """Write the rows to ``handle`` as a ``.npy`` file (as ``np.save`` would)."""
        first = self.parts[0]
        row_shape = first.shape[1:]
        header = {
            "descr": np.lib.format.dtype_to_descr(first.dtype),
            "fortran_order": False,
            "shape": (len(self.rows), *row_shape),
        }
        np.lib.format.write_array_header_1_0(handle, header)
        handle.flush()
        start = handle.tell()
        row_bytes = first.dtype.itemsize * int(np.prod(row_shape, dtype=np.int64))
        target = handle.fileno()
        sources: dict[int, int] = {}
        try:
            for run in self.runs():
                part = self.parts[run.part]
                size = run.length * row_bytes
                at = start + run.target * row_bytes
                path = mapped_file(part)
                if path is not None and isinstance(part, np.memmap):
                    if run.part not in sources:
                        sources[run.part] = os.open(path, os.O_RDONLY)
                    source_at = part.offset + run.source * row_bytes
                    if _copied(sources[run.part], source_at, target, at, size):
                        continue
                rows = part[run.source : run.source + run.length]
                os.pwrite(target, np.ascontiguousarray(rows).tobytes(), at)
        finally:
            for descriptor in sources.values():
                os.close(descriptor)


def _copied(source: int, source_at: int, target: int, target_at: int, size: int) -> bool:
    """Copy ``size`` bytes between the files within the kernel; ``False`` if it cannot
    (another file system, an old kernel, not Linux): the caller writes them itself."""
    copy_file_range = getattr(os, "copy_file_range", None)
    if copy_file_range is None:
        return False
    try:
        while size > 0:
            copied = copy_file_range(source, target, size, source_at, target_at)
            if copied == 0:
                return False
            source_at, target_at, size = source_at + copied, target_at + copied, size - copied
    except OSError:
        return False
    return True
