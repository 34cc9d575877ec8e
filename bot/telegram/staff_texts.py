"""What the bot says for the staff's side: documents, gaps, FAQ, privacy, handoff.

Staff-facing texts are French only (like /stats and /reindex); member-facing
ones exist in French and English and are looked up with :func:`say`.
"""

from __future__ import annotations

from bot.messages import CUF_CONTACT

# --- documents (staff) ----------------------------------------------------------------

UPLOAD_WHERE = "📄 {name}\nOù ranger ce document ?"
UPLOAD_PUBLICATION = "📘 Publication"
UPLOAD_NOTE = "📝 Compte rendu (note)"
UPLOAD_CANCEL = "Annuler"
UPLOAD_WHICH_GROUP = "📝 {name}\nDe quel groupe ce compte rendu parle-t-il ?"
UPLOAD_NO_GROUP = "Aucun groupe en particulier"
UPLOAD_CANCELLED = "Envoi annulé : {name} n'a pas été ajouté."
UPLOAD_INDEXING = "⏳ {name} : enregistrement et indexation en cours…"
UPLOAD_FAILED = "⚠️ {name} n'a pas pu être ajouté : {reason}"
UPLOAD_TOO_BIG = "Ce fichier dépasse 20 Mo : Telegram ne me permet pas de le télécharger."
UPLOAD_DOWNLOAD_FAILED = "Je n'ai pas pu télécharger ce fichier depuis Telegram ({reason})."
DOCUMENTS_TITLE = "<b>Documents indexés</b> ({count})"
DOCUMENTS_EMPTY = "Aucun document n'est indexé pour le moment."
DOCUMENTS_LINE = "• {title} — {path} ({passages} passage(s))"
DOCUMENTS_SKIPPED_LINE = "• ⚠️ {path} : non indexé ({reason})"
DOCUMENTS_REMOVE_HINT = "Touchez 🗑 pour retirer une publication ou une note."
REMOVE_CONFIRM = "Retirer {path} ? Ses passages ne seront plus cités."
REMOVE_YES = "🗑 Oui, retirer"
REMOVE_NO = "Non"
REMOVE_DONE = "{path} est retiré : {passages} passages restent dans l'index."
REMOVE_KEPT = "{path} est conservé."
REMOVE_UNKNOWN = "Ce document n'est plus dans l'index."

# --- gaps (staff) ------------------------------------------------------------------------

GAPS_USAGE = "Usage : /lacunes [jours] (30 par défaut)."
GAPS_NONE = "Aucune question sans réponse ni 👎 depuis {days} jours."
GAPS_TITLE = (
    "<b>Lacunes des {days} derniers jours</b> : {questions} question(s) en {groups} groupe(s)"
)
GAPS_DIGEST_TITLE = "🗓️ <b>Bilan de la semaine</b>"

# --- handoff (staff) ---------------------------------------------------------------------

HANDOFF_STAFF = (
    "📨 <b>Question d'un membre</b> n° {number} : {label}\n"
    "<i>Répondez à ce message (Répondre) : votre réponse lui sera transmise.</i>\n\n"
    "{question}"
)
HANDOFF_STAFF_CONTEXT = "\n\n<b>Derniers échanges</b>\n{turns}"
HANDOFF_RELAYED = "✅ Réponse transmise au membre (n° {number})."
HANDOFF_UNKNOWN_REPLY = (
    "Je ne retrouve pas la question à laquelle vous répondez : répondez directement au "
    "message « Question d'un membre »."
)
HANDOFF_ALREADY = (
    "Cette question (n° {number}) a déjà reçu une réponse ; celle-ci est aussi transmise."
)

# --- member-facing, French and English ----------------------------------------------------

_MEMBER: dict[str, dict[str, str]] = {
    "my_data_caption": {
        "fr": ("Voici tout ce que je garde sur cette discussion. Pour l'effacer : /oublier."),
        "en": "Here is everything I keep about this chat. To erase it: /forget.",
    },
    "handoff_button": {
        "fr": "🙋 Poser la question à l'équipe CUF",
        "en": "🙋 Ask the CUF team",
    },
    "handoff_sent": {
        "fr": (
            "Votre question a été transmise à l'équipe de CUF (n° {number}). La réponse vous "
            "arrivera ici."
        ),
        "en": "Your question was sent to the CUF team (no. {number}). The answer will come here.",
    },
    "handoff_already": {
        "fr": "Cette question a déjà été transmise à l'équipe de CUF (n° {number}).",
        "en": "This question was already sent to the CUF team (no. {number}).",
    },
    "handoff_unavailable": {
        "fr": "L'équipe de CUF n'est pas joignable ici pour le moment. Contact : " + CUF_CONTACT,
        "en": "The CUF team cannot be reached here at the moment. Contact: " + CUF_CONTACT,
    },
    "handoff_limited": {
        "fr": (
            "Vous avez déjà transmis plusieurs questions aujourd'hui ; l'équipe y répond. "
            "Contact direct : " + CUF_CONTACT
        ),
        "en": (
            "You already sent several questions today; the team is answering them. "
            "Direct contact: " + CUF_CONTACT
        ),
    },
    "handoff_reply": {  # HTML
        "fr": "💬 <b>Réponse de l'équipe CUF</b> à votre question « {question} » :\n\n{answer}",
        "en": "💬 <b>Answer from the CUF team</b> to your question “{question}”:\n\n{answer}",
    },
}


def say(key: str, language: str = "fr", **values: object) -> str:
    """The member-facing text ``key`` in ``language`` (French when unknown), formatted."""
    variants = _MEMBER[key]
    text = variants.get(language, variants["fr"])
    return text.format(**values) if values else text
