"""What the staff's features say to members, in French (English when spoken to in English)."""

from __future__ import annotations

_MESSAGES: dict[str, dict[str, str]] = {
    "faq_heading": {
        "fr": "Réponse de l'équipe CUF (mise à jour le {date}) :",
        "en": "Answer from the CUF team (updated on {date}, in French):",
    },
}


def message(key: str, language: str = "fr", **values: str) -> str:
    """The text for ``key`` in ``language`` (French when unknown), formatted with ``values``."""
    texts = _MESSAGES[key]
    return texts.get(language, texts["fr"]).format(**values)
