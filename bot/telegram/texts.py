"""What the bot says on Telegram (HTML, French; English where the user wrote English)."""

from __future__ import annotations

from bot.messages import CUF_CONTACT

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Présentation de l'assistant"),
    ("aide", "Ce que je sais faire"),
    ("agenda", "Les prochaines réunions"),
    ("suivre", "Choisir les groupes à suivre"),
    ("rappels", "Voir et changer les rappels"),
    ("dispositifs", "Les dispositifs de financement"),
    ("oublier", "Effacer ce que je garde de cette conversation"),
)
ADMIN_COMMANDS: tuple[tuple[str, str], ...] = (
    ("reindex", "Réindexer les documents (admin)"),
    ("stats", "Statistiques d'usage (admin)"),
)

WELCOME = (
    "Bonjour {name} 👋\n\n"
    "Je suis l'assistant des membres de <b>Cités Unies France</b>. Posez-moi vos questions "
    "sur CUF, ses publications, ses réunions et les financements : je réponds à partir des "
    "documents de CUF, avec mes sources.\n\n"
    "Tapez /aide pour voir ce que je sais faire."
)
HELP = (
    "<b>Ce que je sais faire</b>\n\n"
    "• Posez une question en écrivant simplement, par exemple : "
    "<i>Quand se réunit le groupe-pays Mali ?</i> Vous pouvez enchaîner : "
    "<i>Et celui du Sénégal ?</i>\n"
    "• Sous chaque réponse : 📚 <b>Sources</b> pour lire les passages, 👍/👎 pour nous dire "
    "si elle vous a aidé.\n"
    "• /agenda : les prochaines réunions\n"
    "• /suivre : choisir les groupes dont vous voulez les rappels\n"
    "• /rappels : voir et changer quand vous êtes prévenu\n"
    "• /dispositifs : les dispositifs de financement\n"
    "• /oublier : effacer ce que je garde de cette conversation\n\n"
    "Dans un groupe, mentionnez-moi (@{username}) ou répondez à l'un de mes messages."
)
ADMIN_HELP = "\n\n<b>Administration</b> : /reindex, /stats, et les demandes d'accès."

_BILINGUAL: dict[str, dict[str, str]] = {
    "not_member": {
        "fr": (
            "Bonjour ! Cet assistant est réservé aux membres de Cités Unies France. "
            "Vous pouvez demander un accès : un administrateur vous répondra ici."
        ),
        "en": (
            "Hello! This assistant is for members of Cités Unies France only. "
            "You can request access: an administrator will answer you here."
        ),
    },
    "rate_limited": {
        "fr": "Vous m'écrivez très vite 🙂 Laissez-moi une minute avant votre prochaine question.",
        "en": "You're writing very fast 🙂 Please give me a minute before your next question.",
    },
}

REQUEST_BUTTON = "✉️ Demander l'accès"
REQUEST_SENT = "Votre demande d'accès a été transmise. Vous recevrez la réponse ici."
REQUEST_ALREADY = "Votre demande est déjà enregistrée ; un administrateur vous répondra ici."
REQUEST_REFUSED = "Votre demande d'accès n'a pas été acceptée. Contact : " + CUF_CONTACT
NO_ADMIN = (
    "Aucun administrateur n'est configuré pour traiter les demandes. Contactez CUF : " + CUF_CONTACT
)
ADMIN_NEW_REQUEST = "🔔 Demande d'accès de {label}."
ADMIN_APPROVE = "✅ Accepter"
ADMIN_REFUSE = "❌ Refuser"
ADMIN_DECIDED = "{label} : {decision} par {admin}."
DECISION = {"approved": "accès accordé", "refused": "accès refusé"}
USER_APPROVED = (
    "Bonne nouvelle : votre accès est accordé ✅\nPosez-moi votre première question, "
    "ou tapez /aide."
)
USER_REFUSED = REQUEST_REFUSED
NOT_ALLOWED_BUTTON = "Réservé aux membres de CUF."
ADMIN_ONLY = "Cette commande est réservée aux administrateurs."

SOURCES_BUTTON = "📚 Sources"
THANKS_UP = "Merci pour votre retour 👍"
THANKS_DOWN = "Merci, nous allons améliorer cette réponse 👎"
EXPIRED = "Ce bouton n'est plus valable."
NO_SOURCES = "Pas de source pour cette réponse."

FORGOTTEN = (
    "C'est fait : j'ai effacé notre conversation, vos groupes suivis, vos rappels et vos "
    "retours pour cette discussion."
)
STATS = (
    "<b>Statistiques</b>\n"
    "Membres : {configured} configurés, {approved} acceptés\n"
    "Demandes : {pending} en attente, {refused} refusées\n"
    "Réponses : {answers} dans {chats} discussions, dont {unanswered} sans réponse trouvée\n"
    "Avis : {thumbs_up} 👍, {thumbs_down} 👎"
)
REINDEX_STARTED = "Réindexation en cours…"
REINDEX_DONE = "Réindexation terminée : {summary}"


def bilingual(key: str, language: str = "fr") -> str:
    texts = _BILINGUAL[key]
    return texts.get(language, texts["fr"])
