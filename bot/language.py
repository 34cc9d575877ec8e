"""Which language a user writes in: French unless the message is clearly English."""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-zà-ÿœæ']+", re.IGNORECASE)
_ENGLISH = frozenset(
    "the what who which when where how is are was were does do did can could should would "
    "of and for with about next meeting meetings funding please tell me my our your "
    "i you it this that there from".split()
)
_FRENCH = frozenset(
    "le la les un une des du de et est sont qui que quoi quel quelle quels quelles quand où "
    "comment pour avec sur dans au aux mon ma mes notre nos votre vos je tu il elle on ce "
    "cette ces pas peut peuvent combien".split()
)


def detect_language(text: str) -> str:
    """Return ``"en"`` when English words clearly outnumber French ones, else ``"fr"``."""
    words = [word.lower() for word in _WORD.findall(text)]
    english = sum(word in _ENGLISH for word in words)
    french = sum(word in _FRENCH for word in words)
    if re.search(r"[éèêàçùœ]", text):
        french += 1
    return "en" if english >= 2 and english > french else "fr"
