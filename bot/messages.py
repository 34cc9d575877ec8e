"""What the assistant says to users, in French (and English when spoken to in English)."""

from __future__ import annotations

CUF_CONTACT = (
    "Cités Unies France, 9, rue Christiani, 75018 Paris, +33 (0)1 53 41 81 81, "
    "coop-dec@cites-unies-france.org"
)

_MESSAGES: dict[str, dict[str, str]] = {
    "dont_know": {
        "fr": (
            "Je ne trouve pas la réponse dans les documents de Cités Unies France dont je dispose. "
            "Pour cette question, le mieux est de contacter l'équipe de CUF : {contact}."
        ),
        "en": (
            "I can't find the answer in the Cités Unies France documents I have. "
            "For this question, please contact the CUF team: {contact}."
        ),
    },
    "empty_question": {
        "fr": "Posez-moi une question sur Cités Unies France, ses réunions ou les financements.",
        "en": "Ask me a question about Cités Unies France, its meetings or funding schemes.",
    },
    "sources": {"fr": "Sources", "en": "Sources"},
    "extract_lead": {
        "fr": "Voici ce que disent les documents de CUF :",
        "en": "Here is what CUF's documents say (in French):",
    },
    "error": {
        "fr": "Désolé, une erreur s'est produite. Réessayez dans un instant.",
        "en": "Sorry, something went wrong. Please try again in a moment.",
    },
}


def message(key: str, language: str = "fr", **values: str) -> str:
    """The text for ``key`` in ``language`` (French when unknown), formatted with ``values``."""
    texts = _MESSAGES[key]
    text = texts.get(language, texts["fr"])
    return text.format(contact=CUF_CONTACT, **values)
