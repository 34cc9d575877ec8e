"""Which language a user writes in: French unless the message is clearly English."""

from __future__ import annotations

from functools import cache

from bot.understanding.lexicon import load_lexicon
from bot.understanding.question import Analyzer


def detect_language(text: str) -> str:
    """``"en"`` when English words clearly outnumber French ones, else ``"fr"``."""
    return _analyzer().language(text)


@cache
def _analyzer() -> Analyzer:
    return Analyzer(load_lexicon())
