"""Names across languages and spellings: « Japan » is « Japon », « Lebanon » is « Liban ».

The table is generated from the corpus itself: every capitalised word the documents
use is embedded once (multilingual E5) and cached beside the index generation. A
question's name the documents never use is matched to the closest corpus name when
that one stands out from the runner-up and starts with the same letter (the same place
in another language), and left unknown otherwise (« Pérou » is close to « Brésil » in
meaning, but is not a place the documents name).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Set
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from bot.text import STOPWORDS, fold, stems

logger = logging.getLogger(__name__)

# Measured on country names (Japan/Japon 0.98 against 0.89 for the runner-up; Colombia,
# which the documents never name, 0.89 against 0.87): a translation stands out by more.
MIN_SIMILARITY = 0.90
MIN_MARGIN = 0.02
_SAME_NAME_PREFIX = 4
_CORPUS_NAME = re.compile(r"(?<=[\s'’(«\-])([A-ZÀ-Ý][a-zà-ÿ]{2,})(?![\w-])")
_LOWER_WORD = re.compile(r"(?<![\w-])([a-zà-ÿ][a-zà-ÿ]{2,})")
_CACHE_FILE = "names.npz"


class NameTable:
    """The corpus's proper names and their vectors, for cross-language matching."""

    def __init__(self, names: list[str], vectors: np.ndarray, embeddings: Embeddings) -> None:
        self.names = names
        self._vectors = vectors
        self._embeddings = embeddings
        self._cache: dict[str, str | None] = {}

    @classmethod
    def build(
        cls, texts: Iterable[str], embeddings: Embeddings, cache_dir: Path | None = None
    ) -> NameTable:
        """Names of ``texts``; vectors from ``cache_dir`` when they were computed before."""
        texts = list(texts)
        # A capitalised word the documents also write in lower case is not a name.
        common = {word for text in texts for word in _LOWER_WORD.findall(text)}
        names = sorted(
            {
                name
                for text in texts
                for name in _CORPUS_NAME.findall(text)
                if fold(name) not in STOPWORDS and name.lower() not in common
            }
        )
        cached = _read_cache(cache_dir, names)
        if cached is None:
            # Names are embedded alike on both sides (as passages): a name against a name.
            vectors = np.asarray(embeddings.embed_documents(names), dtype=np.float32).reshape(
                len(names), -1
            )
            _write_cache(cache_dir, names, vectors)
        else:
            vectors = cached
        return cls(names, vectors, embeddings)

    def resolve(self, name: str) -> str | None:
        """The corpus's own form of ``name`` (« Japan » → « Japon »), or ``None``.

        A name of several words is resolved by the first word that is (« West Africa »).
        """
        if name not in self._cache:
            found = self._closest(name)
            words = name.split()
            if found is None and len(words) > 1:
                found = next(filter(None, (self._closest(word) for word in words)), None)
            self._cache[name] = found
        return self._cache[name]

    def _closest(self, name: str) -> str | None:
        if len(self.names) < 2:
            return None
        vector = np.asarray(self._embeddings.embed_documents([name])[0], dtype=np.float32)
        similarities = self._vectors @ vector
        best = int(np.argmax(similarities))
        # The runner-up is another name, not a form of the same one (Tunis, Tunisie).
        stem = fold(self.names[best])[:_SAME_NAME_PREFIX]
        others = [
            float(similarity)
            for name, similarity in zip(self.names, similarities, strict=True)
            if not fold(name).startswith(stem)
        ]
        runner_up = max(others, default=0.0)
        stands_out = similarities[best] - runner_up >= MIN_MARGIN
        # Another language's spelling keeps the first letter (Japan/Japon, Lebanon/Liban);
        # a neighbour in meaning only does not (Pérou/Brésil).
        same_initial = fold(name)[:1] == stem[:1]
        if similarities[best] >= MIN_SIMILARITY and stands_out and same_initial:
            return self.names[best]
        return None


def unknown_names(names: Iterable[str], vocabulary: Set[str]) -> list[str]:
    """The names none of whose stems the documents use (« West Africa »: Africa is one)."""
    return [name for name in names if not set(stems(name)) & vocabulary]


def _read_cache(cache_dir: Path | None, names: list[str]) -> np.ndarray | None:
    if cache_dir is None or not (cache_dir / _CACHE_FILE).exists():
        return None
    try:
        with np.load(cache_dir / _CACHE_FILE) as data:
            if list(data["names"]) == names:
                return np.asarray(data["vectors"], dtype=np.float32)
    except (OSError, ValueError, KeyError):
        logger.warning("Recomputing an unreadable name cache in %s", cache_dir)
    return None


def _write_cache(cache_dir: Path | None, names: list[str], vectors: np.ndarray) -> None:
    if cache_dir is None:
        return
    try:
        temporary = cache_dir / f".{_CACHE_FILE}.tmp.npz"
        np.savez(temporary, names=np.array(names), vectors=vectors)
        temporary.replace(cache_dir / _CACHE_FILE)
    except OSError:
        logger.warning("Could not cache name vectors in %s", cache_dir)
