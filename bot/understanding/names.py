"""Names and words across languages: « Japan » is « Japon », « members » is « membres ».

The table is generated from the corpus itself: every capitalised word and every
common word the documents use is embedded once (multilingual E5) and cached in the
index folder, word by word, so a new generation embeds only the words it adds. A
question's name the documents never use is matched to the closest corpus name when
that one is also spelt alike (the same place in another language: Russia/Russie,
Africa/Afrique), and left unknown otherwise (« Pérou » is close to « Brésil » in
meaning, but is not a place the documents name). People's names are never targets:
they are not translated, and « Bénin » is not « Benoît ». A country or region
(CLDR's names, ``territories.py``) is matched by what place it is, never by
closeness: « Libye » is not « Liban ». An English question's
words get their closest corpus word, so that lexical matching works across the
languages too (« share of the cost » finds « coût »).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Set
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.text import STOPWORDS, fold, stems
from bot.understanding.territories import territory

if TYPE_CHECKING:
    from bot.retrieval.embeddings import Embeddings

logger = logging.getLogger(__name__)

# Measured on country names: a translation is close in meaning (Japan/Japon 0.92,
# Russia/Russie 0.93), a name the documents never use less so (Peru/Pierre 0.895).
MIN_SIMILARITY = 0.90
# Translated names keep most of their letters (Mediterranean/Méditerranée 0.88,
# Africa/Afrique 0.62); neighbours in meaning share few (Russia/Ukraine 0.31).
MIN_SPELLING = 0.6
# Measured on English words against the corpus's French ones: a translation scores
# above it (members/membres 0.93, cost/coût 0.92), an unrelated neighbour below
# (share/collaboration 0.91, raise/raison 0.90).
MIN_WORD_SIMILARITY = 0.92
_CORPUS_NAME = re.compile(r"(?<=[\s'’(«\-])([A-ZÀ-Ý][a-zà-ÿ]{2,})(?![\w-])")
_LOWER_WORD = re.compile(r"(?<![\w-])([a-zà-ÿ][a-zà-ÿ]{2,})")
# A person's names stand beside each other (« Benoît Pilet », « Bruno Belin »); a place
# also stands alone or after an article or a preposition (« au Mali », « la Russie »).
_NAME_FOLLOWS = re.compile(r"\s+[A-ZÀ-Ý]")
_NAME_PRECEDES = re.compile(r"[A-ZÀ-Ý][\wà-ÿ'’-]*\s+$")
_AFTER_ARTICLE = re.compile(
    r"(?<![\w-])(?:au|aux|en|du|de|des|le|la|les|l['’]|d['’]|à)\s*([A-ZÀ-Ý][a-zà-ÿ]{2,})(?![\w-])"
)
_CACHE_FILE = "term-vectors.npz"


class NameTable:
    """The corpus's proper names and common words with their vectors, across languages."""

    def __init__(
        self,
        names: list[str],
        vectors: np.ndarray,
        embeddings: Embeddings,
        words: list[str] | None = None,
        word_vectors: np.ndarray | None = None,
    ) -> None:
        self.names = names
        self._vectors = vectors
        self._embeddings = embeddings
        self.words = words or []
        self._word_vectors = word_vectors
        self._cache: dict[str, str | None] = {}
        self._translations: dict[str, str | None] = {}
        self._place_names: dict[str, str] | None = None

    @classmethod
    def build(
        cls, texts: Iterable[str], embeddings: Embeddings, cache_dir: Path | None = None
    ) -> NameTable:
        """Names and words of ``texts``; vectors from ``cache_dir`` when computed before."""
        texts = list(texts)
        # A capitalised word the documents also write in lower case is not a name.
        common = {word for text in texts for word in _LOWER_WORD.findall(text)}
        words = sorted(word for word in common if fold(word) not in STOPWORDS)
        found: set[str] = set()
        standing_alone = {name for text in texts for name in _AFTER_ARTICLE.findall(text)}
        for text in texts:
            for match in _CORPUS_NAME.finditer(text):
                found.add(match.group(1))
                if not _NAME_FOLLOWS.match(text, match.end()) and not _NAME_PRECEDES.search(
                    text[max(match.start() - 40, 0) : match.start()]
                ):
                    standing_alone.add(match.group(1))
        names = sorted(
            name
            for name in found & standing_alone  # not a person's name
            if fold(name) not in STOPWORDS and name.lower() not in common
        )
        vectors = _term_vectors(names + words, embeddings, cache_dir)
        return cls(names, vectors[: len(names)], embeddings, words, vectors[len(names) :])

    def _places(self) -> dict[str, str]:
        """The corpus names that are places, by territory code (« Japon »: ``JP``)."""
        if self._place_names is None:
            self._place_names = {}
            for name in self.names:
                code = territory(name)
                if code is not None:
                    self._place_names.setdefault(code, name)
        return self._place_names

    def translate(self, words: list[str]) -> dict[str, str]:
        """The corpus word closest to each of ``words`` (an English question's), if close.

        Words already seen are not embedded again; the others are embedded together.
        """
        if self._word_vectors is None or len(self.words) < 2:
            return {}
        new = [word for word in dict.fromkeys(words) if word not in self._translations]
        if new:
            # Embedded alike on both sides (as passages): a word against a word.
            vectors = np.asarray(self._embeddings.embed_documents(new), dtype=np.float32)
            similarities = vectors @ self._word_vectors.T
            for word, row in zip(new, similarities, strict=True):
                best = int(np.argmax(row))
                found = self.words[best] if row[best] >= MIN_WORD_SIMILARITY else None
                self._translations[word] = found if found != word else None
        return {word: found for word in words if (found := self._translations[word])}

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
        place = territory(name)
        if place is not None:
            # A country or region: the corpus's name of that very place, or none
            # (« Libye » is close to « Liban » in meaning and spelling, but is not it).
            return self._places().get(place)
        if len(self.names) < 2:
            return None
        vector = np.asarray(self._embeddings.embed_documents([name])[0], dtype=np.float32)
        similarities = self._vectors @ vector
        best = int(np.argmax(similarities))
        target = fold(self.names[best])
        # Another language's spelling keeps most letters (Japan/Japon, Lebanon/Liban); a
        # neighbour in meaning does not (Pérou/Brésil, Togo/Toulouse), nor does a name
        # that extends the corpus's one (Nigeria/Niger).
        folded = fold(name)
        extends = folded != target and folded.startswith(target)
        spelt_alike = not extends and SequenceMatcher(None, folded, target).ratio() >= MIN_SPELLING
        if similarities[best] >= MIN_SIMILARITY and spelt_alike:
            return self.names[best]
        return None


def unknown_names(names: Iterable[str], vocabulary: Set[str]) -> list[str]:
    """The names none of whose stems the documents use (« West Africa »: Africa is one)."""
    return [name for name in names if not set(stems(name)) & vocabulary]


def _term_vectors(terms: list[str], embeddings: Embeddings, cache_dir: Path | None) -> np.ndarray:
    """One vector a term, in order: from the cache, embedding (and caching) the others."""
    cached = _read_cache(cache_dir)
    missing = [term for term in terms if term not in cached]
    if missing:
        # Terms are embedded alike on both sides (as passages): a name against a name.
        computed = np.asarray(embeddings.embed_documents(missing), dtype=np.float32)
        cached.update(zip(missing, computed.reshape(len(missing), -1), strict=True))
        _write_cache(cache_dir, cached)
    if not terms:
        return np.zeros((0, 0), dtype=np.float32)
    return np.stack([cached[term] for term in terms])


def _read_cache(cache_dir: Path | None) -> dict[str, np.ndarray]:
    if cache_dir is None or not (cache_dir / _CACHE_FILE).exists():
        return {}
    try:
        with np.load(cache_dir / _CACHE_FILE) as data:
            vectors = np.asarray(data["vectors"], dtype=np.float32)
            return dict(zip(data["terms"].tolist(), vectors, strict=True))
    except (OSError, ValueError, KeyError):
        logger.warning("Recomputing an unreadable term cache in %s", cache_dir)
    return {}


def _write_cache(cache_dir: Path | None, vectors: dict[str, np.ndarray]) -> None:
    if cache_dir is None:
        return
    try:
        # One temporary file a process: the bot and an ingest may both write the cache.
        temporary = cache_dir / f".{_CACHE_FILE}.{os.getpid()}.tmp.npz"
        np.savez(temporary, terms=np.array(list(vectors)), vectors=np.stack(list(vectors.values())))
        temporary.replace(cache_dir / _CACHE_FILE)
    except OSError:
        logger.warning("Could not cache term vectors in %s", cache_dir)
