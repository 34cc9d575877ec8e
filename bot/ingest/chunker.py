"""Chunker: section-aware passages that never cross a page, with stable ids.

Each passage keeps its sentences as split here: the index embeds exactly these,
each pooled from its passage's forward pass at the span :func:`passage_parts` finds.
"""

from __future__ import annotations

import hashlib
from collections import Counter

from bot.index.records import Chunk
from bot.ingest.documents import SourceDocument
from bot.ingest.loaders import HEADING_PREFIX
from bot.text import STOPWORDS, fold, split_sentences, squash_spaces

TARGET_CHARS = 500
MAX_CHARS = 600
MIN_SECTION_CHARS = 120
OVERLAP_CHARS = 250
_MIN_TABLE_ROWS = 3
_MIN_TABLE_SHARE = 0.2


def chunk_id(path: str, page: int | None, text: str) -> str:
    """Stable id: the same passage of the same file always gets the same id."""
    digest = hashlib.sha256(f"{path}\x00{page}\x00{text}".encode()).hexdigest()
    return digest[:24]


def chunk_document(document: SourceDocument) -> list[Chunk]:
    """Cut a document into passages of about ``TARGET_CHARS`` along sentence boundaries.

    Headings stay in the text ("Genre — En janvier 2023, …") and name the chunk's
    section; a short section shares its chunk with the next one rather than
    making a passage of a few words.
    """
    builder = _ChunkBuilder(document)
    labels = _row_labels(document)
    for page in document.pages:
        for heading, rows in _sections(page.text, builder.section, labels):
            if heading != builder.section:
                builder.start_section(heading, page.number)
            for row in rows:
                for sentence in split_sentences(row):
                    for piece in _cut(sentence):
                        builder.add(piece, page.number)
        builder.flush(page.number, carry=False)  # never across pages: citations stay exact
    return _unique(builder.chunks)


class _ChunkBuilder:
    def __init__(self, document: SourceDocument) -> None:
        self.document = document
        self.chunks: list[Chunk] = []
        self.section = ""
        self._chunk_section = ""
        self._parts: list[str] = []
        self._headings: set[int] = set()  # positions in ``_parts`` that are headings
        self._length = 0
        self._body_length = 0

    def start_section(self, heading: str, page: int | None) -> None:
        if self._body_length >= MIN_SECTION_CHARS:
            self.flush(page, carry=False)
        if not self._parts:
            self._chunk_section = heading
        self.section = heading
        self._headings.add(len(self._parts))
        self._append(f"{heading} —")

    def add(self, sentence: str, page: int | None) -> None:
        if self._body_length and self._length + 1 + len(sentence) > TARGET_CHARS:
            self.flush(page, carry=True)
        self._append(sentence)
        self._body_length += len(sentence)

    def flush(self, page: int | None, carry: bool = True) -> None:
        """Emit the passage; with ``carry`` its last sentence also opens the next one.

        The overlap keeps a fact that straddles two passages whole in one of them.
        Headings at the very end belong to the next passage, not to this one.
        """
        end = len(self._parts)
        while end and end - 1 in self._headings:
            end -= 1
        if self._body_length:
            text = " ".join(self._parts[:end]).strip()
            self.chunks.append(
                Chunk(
                    id=chunk_id(self.document.path, page, text),
                    path=self.document.path,
                    title=self.document.title,
                    kind=self.document.kind,
                    page=page,
                    section=self._chunk_section or self.section,
                    text=text,
                    position=len(self.chunks),
                    sentences=self._sentences(end),
                )
            )
        trailing = self._parts[end:]
        last = self._parts[end - 1 : end]
        overlap = last if carry and not trailing and last and len(last[0]) <= OVERLAP_CHARS else []
        self._parts, self._length, self._body_length = [], 0, 0
        self._headings = set()
        self._chunk_section = self.section
        for part in overlap:
            self._append(part)
        for heading in trailing:
            self._headings.add(len(self._parts))
            self._append(heading)

    def _sentences(self, end: int) -> tuple[str, ...]:
        """The passage's sentences as added, a heading opening the sentence after it."""
        sentences: list[str] = []
        heading = ""
        for position, part in enumerate(self._parts[:end]):
            if position in self._headings:
                heading += part + " "
            else:
                sentences.append(heading + part)
                heading = ""
        return tuple(sentences)

    def _append(self, text: str) -> None:
        self._parts.append(text)
        self._length += len(text) + 1


def _sections(
    page_text: str, current_heading: str, labels: set[str]
) -> list[tuple[str, list[str]]]:
    """Split a page at heading lines; text before the first one continues the last section.

    Each section comes as its rows: one, unless it is a table whose rows open with
    one of ``labels`` (:func:`_row_labels`).
    """
    sections: list[tuple[str, list[str]]] = [(current_heading, [])]
    for line in page_text.splitlines():
        if line.startswith(HEADING_PREFIX):
            sections.append((line[len(HEADING_PREFIX) :].strip(), []))
        else:
            sections[-1][1].append(line)
    return [(heading, _rows(lines, labels)) for heading, lines in sections]


def _row_labels(document: SourceDocument) -> set[str]:
    """The words that open the rows of the document's tables.

    A PDF table comes out as lines whose rows start with the same label (« Groupe-pays
    Mali Halima Menhoudj Adjointe… », « Groupe-pays Japon… »), a row often wrapping onto
    the next line. A label is a capitalised word, not a stop word, that opens at least
    ``_MIN_TABLE_ROWS`` lines and ``_MIN_TABLE_SHARE`` of the lines of some page; it then
    opens rows on every page (a table continued overleaf).
    """
    labels: set[str] = set()
    for page in document.pages:
        lines = [line for line in page.text.splitlines() if not line.startswith(HEADING_PREFIX)]
        for word, count in Counter(map(_first_word, lines)).items():
            if (
                count >= max(_MIN_TABLE_ROWS, _MIN_TABLE_SHARE * len(lines))
                and word[:1].isupper()
                and fold(word) not in STOPWORDS
            ):
                labels.add(word)
    return labels


def _rows(lines: list[str], labels: set[str]) -> list[str]:
    """A section's rows, each whole (a line opening with a label starts one)."""
    rows: list[list[str]] = [[]]
    for line in lines:
        if _first_word(line) in labels and rows[-1]:
            rows.append([])
        rows[-1].append(line)
    return [text for row in rows if (text := squash_spaces(" ".join(row)))]


def _first_word(line: str) -> str:
    words = line.split(maxsplit=1)
    return words[0] if words else ""


def _cut(sentence: str) -> list[str]:
    if len(sentence) <= MAX_CHARS:
        return [sentence]
    pieces: list[str] = []
    words = sentence.split(" ")
    current = ""
    for word in words:
        if current and len(current) + 1 + len(word) > TARGET_CHARS:
            pieces.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        pieces.append(current)
    return pieces


def _unique(chunks: list[Chunk]) -> list[Chunk]:
    """Drop exact repeats on the same page (same id) so ids stay unique."""
    seen: set[str] = set()
    unique = []
    for chunk in chunks:
        if chunk.id not in seen and chunk.text:
            seen.add(chunk.id)
            unique.append(chunk)
    return unique


def passage_parts(chunk: Chunk) -> list[str] | None:
    """``chunk.indexed_text`` cut before each of its sentences (heading first), or ``None``.

    Every part begins at a word, so the parts' tokens, one after the other, are the
    passage's; ``None`` when a sentence is not found, in order, at a word start.
    """
    text = chunk.indexed_text
    starts: list[int] = []
    cursor = len(text) - len(chunk.text)
    for sentence in chunk.sentences:
        start = text.find(sentence, cursor)
        if start <= 0 or not text[start - 1].isspace():
            return None
        starts.append(start)
        cursor = start + len(sentence)
    bounds = [0, *starts, len(text)]
    parts = [text[begin:end].rstrip() for begin, end in zip(bounds, bounds[1:], strict=False)]
    return parts if all(parts) else None
