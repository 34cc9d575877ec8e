"""Numbered citations built from retrieved passages only, never from a model's memory."""

from __future__ import annotations

import re

from bot.answers import Source
from bot.index.records import Chunk

_MARKER = re.compile(r"\[(\d+)\]")


def source_of(chunk: Chunk) -> Source:
    """The citation of a retrieved passage; its excerpt is the passage itself."""
    return Source(title=chunk.title, file=chunk.path, page=chunk.page, excerpt=chunk.text)


def renumber(text: str, passages: list[Chunk]) -> tuple[str, tuple[Source, ...]] | None:
    """Map ``[n]`` markers (1-based over ``passages``) to sources cited in order of appearance.

    Returns ``None`` when the text cites nothing or cites a passage it was not given,
    the sign of an invented citation.
    """
    cited = [int(number) for number in _MARKER.findall(text)]
    if not cited or any(not 1 <= number <= len(passages) for number in cited):
        return None
    order = list(dict.fromkeys(cited))
    new_number = {old: new for new, old in enumerate(order, start=1)}
    renumbered = _MARKER.sub(lambda match: f"[{new_number[int(match.group(1))]}]", text)
    sources = tuple(source_of(passages[old - 1]) for old in order)
    return renumbered, sources
