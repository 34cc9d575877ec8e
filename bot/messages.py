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
    "extract_note": {
        "fr": "(extraits des documents de CUF)",
        "en": "(quoted from CUF's documents, in French)",
    },
    "greeting": {
        "fr": (
            "Bonjour ! Je suis l'assistant de Cités Unies France. Posez-moi une question sur "
            "les publications de CUF, ses réunions à venir ou les financements de l'action "
            "internationale (1 % solidaires, FICOL, appels à projets du MEAE…)."
        ),
        "en": (
            "Hello! I am the Cités Unies France assistant. Ask me about CUF's publications, "
            "its upcoming meetings or funding for international action (the 1 % schemes, "
            "FICOL, the foreign ministry's calls for projects…)."
        ),
    },
    "thanks": {
        "fr": "Avec plaisir ! N'hésitez pas si vous avez une autre question.",
        "en": "You're welcome! Feel free to ask another question.",
    },
    "about_bot": {
        "fr": (
            "Je suis un assistant automatique de Cités Unies France. Je réponds à partir des "
            "documents de CUF en citant mes sources (document, page), je vous rappelle les "
            "réunions que vous suivez (/suivre) et j'explique les dispositifs de financement "
            "(/dispositifs). Quand les documents ne disent rien, je le dis."
        ),
        "en": (
            "I am an automated assistant of Cités Unies France. I answer from CUF's documents "
            "and cite my sources (document, page), remind you of the meetings you follow and "
            "explain funding schemes. When the documents don't say, I tell you so."
        ),
    },
    "error": {
        "fr": "Désolé, une erreur s'est produite. Réessayez dans un instant.",
        "en": "Sorry, something went wrong. Please try again in a moment.",
    },
}


# Reminders and notices about meetings (French only: sent unprompted, the chat's
# language is not known).
_MESSAGES |= {
    "reminder": {"fr": "Rappel : « {title} » commence {delay} : {when}."},
    "reminder_place": {"fr": "Lieu : {location}"},
    "reminder_link": {"fr": "Lien : {url}"},
    "reminder_tentative": {"fr": "(Réunion provisoire, à confirmer.)"},
    "notice_cancelled": {"fr": "Annulation : « {title} », prévue le {when}, est annulée."},
    "notice_restored": {
        "fr": "Rectificatif : « {title} » n'est pas annulée, elle a bien lieu : {when}."
    },
    "notice_moved": {
        "fr": "Changement : « {title} » a été modifiée.\nAvant : {before}\nDésormais : {after}"
    },
    "reminder_cli": {"fr": "[pièce jointe : {filename}]"},
}

# Reminders before a followed funding call closes (French only, like the meetings').
_MESSAGES |= {
    "deadline_reminder": {
        "fr": "Rappel : la clôture de l'appel « {title} » est {delay}, le {day}.",
    },
    "deadline_unconfirmed": {
        "fr": "(Date non confirmée : vérifiez-la auprès du financeur.)",
    },
    "deadline_link": {"fr": "Source : {url}"},
    "deadline_ics_title": {"fr": "Clôture : {title}"},
}


def message(key: str, language: str = "fr", **values: str) -> str:
    """The text for ``key`` in ``language`` (French when unknown), formatted with ``values``."""
    texts = _MESSAGES[key]
    text = texts.get(language, texts["fr"])
    return text.format(contact=CUF_CONTACT, **values)
