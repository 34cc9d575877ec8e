"""What the bot says on Telegram (HTML where noted).

Member-facing texts exist in French and English and are looked up with
:func:`say`; the language is the question's, else the user's Telegram
``language_code``, else French (:mod:`bot.telegram.language`). Staff-facing
texts (access decisions, /stats, /reindex, /revoquer) are French only.
"""

from __future__ import annotations

from bot.messages import CUF_CONTACT

# --- command menus (setMyCommands, default scope in French, language_code "en") ---------

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Présentation de l'assistant"),
    ("aide", "Ce que je sais faire"),
    ("agenda", "Les prochaines réunions"),
    ("suivre", "Choisir les groupes et appels à projets à suivre"),
    ("rappels", "Voir et changer les rappels"),
    ("dispositifs", "Les dispositifs de financement"),
    ("oublier", "Effacer ce que je garde de cette conversation"),
    ("mes_donnees", "Recevoir mes données (fichier JSON)"),
)
COMMANDS_EN: tuple[tuple[str, str], ...] = (
    ("start", "About this assistant"),
    ("help", "What I can do"),
    ("agenda", "Upcoming meetings"),
    ("follow", "Choose the groups and funding calls to follow"),
    ("reminders", "See and change reminders"),
    ("funding", "Funding schemes"),
    ("forget", "Erase what I keep of this conversation"),
    ("my_data", "Get my data (JSON file)"),
)
ADMIN_COMMANDS: tuple[tuple[str, str], ...] = (
    ("reindex", "Réindexer les documents (admin)"),
    ("stats", "Statistiques d'usage (admin)"),
    ("revoquer", "Retirer l'accès d'un membre (admin)"),
    ("documents", "Documents indexés (admin)"),
    ("lacunes", "Questions restées sans réponse (admin)"),
)

# --- member-facing, French and English ----------------------------------------------------

_MEMBER: dict[str, dict[str, str]] = {
    "welcome": {  # HTML
        "fr": (
            "Bonjour {name} 👋\n\n"
            "Je suis l'assistant des membres de <b>Cités Unies France</b>. Posez-moi vos "
            "questions sur CUF, ses publications, ses réunions et les financements : je réponds "
            "à partir des documents de CUF, avec mes sources.\n\n"
            "Tapez /aide pour voir ce que je sais faire."
        ),
        "en": (
            "Hello {name} 👋\n\n"
            "I am the members' assistant of <b>Cités Unies France</b>. Ask me about CUF, its "
            "publications, its meetings and funding: I answer from CUF's documents (mostly in "
            "French), with my sources.\n\n"
            "Type /help to see what I can do."
        ),
    },
    "help": {  # HTML
        "fr": (
            "<b>Ce que je sais faire</b>\n\n"
            "• Posez une question en écrivant simplement, par exemple : "
            "<i>Quand se réunit le groupe-pays Mali ?</i> Vous pouvez enchaîner : "
            "<i>Et celui du Sénégal ?</i>\n"
            "• Sous chaque réponse : 📚 <b>Sources</b> pour lire les passages, 👍/👎 pour nous "
            "dire si elle vous a aidé.\n"
            "• /agenda : les prochaines réunions et clôtures d'appels à projets\n"
            "• /suivre : choisir les groupes et les appels à projets dont vous voulez "
            "les rappels\n"
            "• /rappels : voir et changer quand vous êtes prévenu\n"
            "• /dispositifs : les dispositifs de financement\n"
            "• /oublier : effacer ce que je garde de cette conversation\n"
            "• /mes_donnees : recevoir tout ce que je garde sur vous (fichier JSON)\n\n"
            "Dans un groupe, mentionnez-moi (@{username}) ou répondez à l'un de mes messages."
        ),
        "en": (
            "<b>What I can do</b>\n\n"
            "• Ask a question by simply writing it, for example: "
            "<i>When does the Mali country group meet?</i> You can follow up: "
            "<i>And the Senegal one?</i>\n"
            "• Under each answer: 📚 <b>Sources</b> to read the passages, 👍/👎 to tell us "
            "whether it helped.\n"
            "• /agenda: upcoming meetings and funding calls closing\n"
            "• /follow: choose the groups and funding calls you want reminders for\n"
            "• /reminders: see and change when you are reminded\n"
            "• /funding: funding schemes\n"
            "• /forget: erase what I keep of this conversation\n"
            "• /my_data: get everything I keep about you (JSON file)\n\n"
            "In a group, mention me (@{username}) or reply to one of my messages."
        ),
    },
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
    "request_button": {"fr": "✉️ Demander l'accès", "en": "✉️ Request access"},
    "request_sent": {
        "fr": "Votre demande d'accès a été transmise. Vous recevrez la réponse ici.",
        "en": "Your access request has been sent. You will get the answer here.",
    },
    "request_already": {
        "fr": "Votre demande est déjà enregistrée ; un administrateur vous répondra ici.",
        "en": "Your request is already recorded; an administrator will answer you here.",
    },
    "request_refused": {
        "fr": "Votre demande d'accès n'a pas été acceptée. Contact : " + CUF_CONTACT,
        "en": "Your access request was not accepted. Contact: " + CUF_CONTACT,
    },
    "no_admin": {
        "fr": (
            "Aucun administrateur n'est configuré pour traiter les demandes. Contactez CUF : "
            + CUF_CONTACT
        ),
        "en": "No administrator is set up to handle requests. Please contact CUF: " + CUF_CONTACT,
    },
    "user_approved": {
        "fr": (
            "Bonne nouvelle : votre accès est accordé ✅\nPosez-moi votre première question, "
            "ou tapez /aide."
        ),
        "en": "Good news: your access is granted ✅\nAsk me your first question, or type /help.",
    },
    "user_revoked": {
        "fr": "Votre accès à l'assistant a été retiré par un administrateur. Contact : "
        + CUF_CONTACT,
        "en": "An administrator has withdrawn your access to the assistant. Contact: "
        + CUF_CONTACT,
    },
    "not_allowed_button": {"fr": "Réservé aux membres de CUF.", "en": "For CUF members only."},
    "admin_only": {
        "fr": "Cette commande est réservée aux administrateurs.",
        "en": "This command is for administrators only.",
    },
    "sources_button": {"fr": "📚 Sources", "en": "📚 Sources"},
    "thanks_up": {"fr": "Merci pour votre retour 👍", "en": "Thank you for your feedback 👍"},
    "thanks_down": {
        "fr": "Merci, nous allons améliorer cette réponse 👎",
        "en": "Thank you, we will improve this answer 👎",
    },
    "expired": {"fr": "Ce bouton n'est plus valable.", "en": "This button is no longer valid."},
    "no_sources": {"fr": "Pas de source pour cette réponse.", "en": "No source for this answer."},
    "forgotten": {
        "fr": (
            "C'est fait : j'ai effacé notre conversation, vos groupes et dispositifs suivis, "
            "vos rappels et vos retours pour cette discussion."
        ),
        "en": (
            "Done: I erased our conversation, the groups and funding schemes you follow, your "
            "reminders and your feedback for this chat."
        ),
    },
    "unknown_command": {
        "fr": "Je ne connais pas cette commande. Tapez /aide.",
        "en": "I don't know this command. Type /help.",
    },
    "voice": {
        "fr": (
            "Je ne sais pas encore écouter les messages vocaux 🎙️ Écrivez-moi votre question, "
            "je vous réponds avec mes sources."
        ),
        "en": (
            "I can't listen to voice messages yet 🎙️ Please type your question and I will "
            "answer with my sources."
        ),
    },
    "media": {
        "fr": (
            "Je ne lis que les messages écrits (pas les photos, autocollants ni fichiers). "
            "Écrivez-moi votre question 🙂"
        ),
        "en": (
            "I only read written messages (not photos, stickers or files). "
            "Please type your question 🙂"
        ),
    },
    "agenda_title": {"fr": "Prochaines réunions", "en": "Upcoming meetings"},
    "agenda_more": {
        "fr": "… et {count} autres. Suivez vos groupes : /suivre",
        "en": "… and {count} more. Follow your groups: /follow",
    },
    "agenda_none_in_window": {
        "fr": "Aucune réunion dans les {days} prochains jours.",
        "en": "No meeting in the next {days} days.",
    },
    "agenda_next_one": {
        "fr": "La prochaine réunion est le {when} :",
        "en": "The next meeting is on {when}:",
    },
    "agenda_next_many": {
        "fr": "La prochaine réunion est le {when}. Les suivantes :",
        "en": "The next meeting is on {when}. The following ones:",
    },
    "agenda_deadlines": {
        "fr": "Clôtures d'appels à projets ({days} prochains jours)",
        "en": "Funding calls closing (next {days} days)",
    },
    "agenda_deadlines_follow": {
        "fr": "Rappel avant la clôture : /suivre",
        "en": "Reminder before they close: /follow",
    },
    "agenda_empty": {
        "fr": "Aucune réunion n'est inscrite au calendrier pour le moment.",
        "en": "No meeting is on the calendar at the moment.",
    },
    "funding_title": {
        "fr": "<b>Dispositifs de financement</b>\nChoisissez un dispositif :",
        "en": "<b>Funding schemes</b>\nChoose a scheme (fiches in French):",
    },
    "funding_none": {
        "fr": "Aucun dispositif de financement n'est disponible pour l'instant.",
        "en": "No funding scheme is available at the moment.",
    },
    "unknown_fiche": {
        "fr": "Je ne connais pas ce dispositif. Voici la liste :",
        "en": "I don't know this scheme. Here is the list:",
    },
    "followed": {"fr": "Vous suivez {name} ✅", "en": "You follow {name} ✅"},
    "followed_scheme": {
        "fr": (
            "Vous suivez {name} ✅\nJe vous rappellerai la clôture de ses appels "
            "{days} jours avant."
        ),
        "en": "You follow {name} ✅\nI will remind you {days} days before its calls close.",
    },
    "follow_schemes_button": {
        "fr": "💶 Appels à projets à suivre",
        "en": "💶 Funding calls to follow",
    },
    "follow_groups_button": {"fr": "◀️ Groupes", "en": "◀️ Groups"},
    "follow_schemes_view": {  # HTML
        "fr": (
            "<b>Dispositifs suivis</b> : {names}\n"
            "Je vous rappelle la clôture de leurs appels {days} jours avant. "
            "Touchez un dispositif pour le suivre ou ne plus le suivre (page {page}/{pages})."
        ),
        "en": (
            "<b>Funding schemes followed</b>: {names}\n"
            "I remind you {days} days before their calls close. "
            "Tap a scheme to follow or unfollow it (page {page}/{pages})."
        ),
    },
    "and": {"fr": " et ", "en": " and "},
    "unknown_group": {
        "fr": "Je ne connais pas ce groupe ni ce dispositif. Choisissez :",
        "en": "I don't know this group or funding scheme. Choose one:",
    },
    "follow_view": {  # HTML
        "fr": (
            "<b>Groupes suivis</b> : {names}\n"
            "Touchez un groupe pour le suivre ou ne plus le suivre (page {page}/{pages})."
        ),
        "en": (
            "<b>Groups followed</b>: {names}\n"
            "Tap a group to follow or unfollow it (page {page}/{pages})."
        ),
    },
    "none": {"fr": "aucun", "en": "none"},
    "none_follow": {"fr": "aucun (/suivre)", "en": "none (/follow)"},
    "toggle_on": {"fr": "Suivi : {name}", "en": "Following: {name}"},
    "toggle_off": {"fr": "Plus suivi : {name}", "en": "No longer following: {name}"},
    "leads_view": {  # HTML
        "fr": (
            "<b>Rappels</b> : {leads} avant{default}\n"
            "<b>Groupes suivis</b> : {names}\n{schemes}"
            "Touchez un délai pour l'ajouter ou le retirer."
        ),
        "en": (
            "<b>Reminders</b>: {leads} before{default}\n"
            "<b>Groups followed</b>: {names}\n{schemes}"
            "Tap a lead time to add or remove it."
        ),
    },
    "leads_default": {"fr": " (par défaut)", "en": " (default)"},
    "leads_schemes": {  # HTML
        "fr": "<b>Appels suivis</b> : {names} (rappel {days} jours avant la clôture)\n",
        "en": "<b>Funding calls followed</b>: {names} (reminded {days} days before closing)\n",
    },
    "leads_reset": {"fr": "↩️ Par défaut", "en": "↩️ Defaults"},
    "leads_keep_one": {"fr": "Gardez au moins un rappel.", "en": "Keep at least one reminder."},
    "day": {"fr": "jour", "en": "day"},
    "days": {"fr": "jours", "en": "days"},
}

# --- staff-facing, French only -----------------------------------------------------------

ADMIN_HELP = (
    "\n\n<b>Administration</b> : /reindex, /stats, /revoquer ID, et les demandes d'accès.\n"
    "<b>Documents</b> : envoyez-moi un PDF, un .docx, un .odt ou un .md pour l'ajouter ; "
    "/documents pour les voir ou en retirer ; /lacunes [jours] : les questions restées sans "
    "réponse."
)
ADMIN_NEW_REQUEST = "🔔 Demande d'accès de {label}."
ADMIN_APPROVE = "✅ Accepter"
ADMIN_REFUSE = "❌ Refuser"
ADMIN_DECIDED = "{label} : {decision} par {admin}."
ADMIN_ALREADY_DECIDED = "Déjà décidé : {label}, {decision} par {admin} le {when}. Rien n'a changé."
ADMIN_DECIDED_ELSEWHERE = "{label} : {decision} par {admin} le {when}."
DECISION = {"approved": "accès accordé", "refused": "accès refusé"}
REVOKE_USAGE = "Usage : /revoquer ID (l'identifiant Telegram du membre, voir /stats)."
REVOKE_DONE = (
    "Accès retiré : {label}, par {admin}. Ses groupes suivis et ses rappels sont supprimés."
)
REVOKE_CONFIGURED = (
    "{user_id} est membre par la configuration (CUF_ALLOWED_USER_IDS ou CUF_ADMIN_IDS) : "
    "retirez-le de ce réglage."
)
REVOKE_NOT_MEMBER = "{user_id} n'est pas un membre accepté : rien à retirer."
STATS = (
    "<b>Statistiques</b>\n"
    "Membres : {configured} configurés, {approved} acceptés\n"
    "Demandes : {pending} en attente, {refused} refusées\n"
    "Réponses : {answers} dans {chats} discussions, dont {unanswered} sans réponse trouvée\n"
    "Avis : {thumbs_up} 👍, {thumbs_down} 👎"
)
REINDEX_STARTED = "Réindexation en cours…"
REINDEX_DONE = (
    "Réindexation terminée : {added} ajouté(s), {changed} modifié(s), {removed} supprimé(s), "
    "{unchanged} inchangé(s), {skipped} ignoré(s)."
)


def say(key: str, language: str = "fr", **values: object) -> str:
    """The member-facing text ``key`` in ``language`` (French when unknown), formatted."""
    variants = _MEMBER[key]
    text = variants.get(language, variants["fr"])
    return text.format(**values) if values else text
