"""Everything the assistant says in French, by key (looked up with :func:`bot.messages.message`).

``TEXTS`` are what members read and have the same keys in :mod:`.en`;
``FRENCH_ONLY`` is what the staff reads and what is only ever said in French.
``{contact}`` is filled with CUF's contact details everywhere; other placeholders
are the caller's.
"""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # --- Answers and small talk
    "dont_know": (
        "Je ne trouve pas la réponse dans les documents de Cités Unies France dont je dispose. "
        "Pour cette question, le mieux est de contacter l'équipe de CUF : {contact}."
    ),
    "empty_question": (
        "Posez-moi une question sur Cités Unies France, ses réunions ou les financements."
    ),
    "sources": "Sources",
    "extract_note": "(extraits des documents de CUF)",
    "greeting": (
        "Bonjour ! Je suis l'assistant de Cités Unies France. Posez-moi une question sur les "
        "publications de CUF, ses réunions à venir ou les financements de l'action "
        "internationale (1 % solidaires, FICOL, appels à projets du MEAE…)."
    ),
    "thanks": "Avec plaisir ! N'hésitez pas si vous avez une autre question.",
    "about_bot": (
        "Je suis un assistant automatique de Cités Unies France. Je réponds à partir des "
        "documents de CUF en citant mes sources (document, page), je vous rappelle les réunions "
        "que vous suivez (/suivre) et j'explique les dispositifs de financement (/dispositifs). "
        "Quand les documents ne disent rien, je le dis."
    ),
    "error": "Désolé, une erreur s'est produite. Réessayez dans un instant.",
    # --- Reminders and notices about meetings (sent in French: a chat's language is not kept)
    "reminder": "Rappel : « {title} » commence {delay} : {when}.",
    "reminder_place": "Lieu : {location}",
    "reminder_link": "Lien : {url}",
    "reminder_tentative": "(Réunion provisoire, à confirmer.)",
    "notice_cancelled": "Annulation : « {title} », prévue le {when}, est annulée.",
    "notice_restored": "Rectificatif : « {title} » n'est pas annulée, elle a bien lieu : {when}.",
    "notice_moved": (
        "Changement : « {title} » a été modifiée.\nAvant : {before}\nDésormais : {after}"
    ),
    "reminder_cli": "[pièce jointe : {filename}]",
    # Reminders before a followed funding call closes.
    "deadline_reminder": "Rappel : la clôture de l'appel « {title} » est {delay}, le {day}.",
    "deadline_unconfirmed": "(Date non confirmée : vérifiez-la auprès du financeur.)",
    "deadline_link": "Source : {url}",
    "deadline_ics_title": "Clôture : {title}",
    # --- Telegram, members
    "welcome": (
        "Bonjour {name} 👋\n\nJe suis l'assistant des membres de <b>Cités Unies France</b>. "
        "Posez-moi vos questions sur CUF, ses publications, ses réunions et les financements : "
        "je réponds à partir des documents de CUF, avec mes sources.\n"
        "\nTapez /aide pour voir ce que je sais faire."
    ),
    "help": (
        "<b>Ce que je sais faire</b>\n"
        "\n• Posez une question en écrivant simplement, par exemple : <i>Quand se réunit le "
        "groupe-pays Mali ?</i> Vous pouvez enchaîner : <i>Et celui du Sénégal ?</i>\n"
        "• Sous chaque réponse : 📚 <b>Sources</b> pour lire les passages, 👍/👎 pour nous dire si "
        "elle vous a aidé.\n• /agenda : les prochaines réunions et clôtures d'appels à projets\n"
        "• /suivre : choisir les groupes et les appels à projets dont vous voulez les rappels\n"
        "• /rappels : voir et changer quand vous êtes prévenu\n"
        "• /dispositifs : les dispositifs de financement\n"
        "• /oublier : effacer ce que je garde de cette conversation\n"
        "• /mes_donnees : recevoir tout ce que je garde sur vous (fichier JSON)\n"
        "\nDans un groupe, mentionnez-moi (@{username}) ou répondez à l'un de mes messages."
    ),
    "not_member": (
        "Bonjour ! Cet assistant est réservé aux membres de Cités Unies France. Vous pouvez "
        "demander un accès : un administrateur vous répondra ici."
    ),
    "rate_limited": (
        "Vous m'écrivez très vite 🙂 Laissez-moi une minute avant votre prochaine question."
    ),
    "request_button": "✉️ Demander l'accès",
    "request_sent": "Votre demande d'accès a été transmise. Vous recevrez la réponse ici.",
    "request_already": "Votre demande est déjà enregistrée ; un administrateur vous répondra ici.",
    "request_refused": "Votre demande d'accès n'a pas été acceptée. Contact : {contact}",
    "no_admin": (
        "Aucun administrateur n'est configuré pour traiter les demandes. Contactez CUF : {contact}"
    ),
    "user_approved": (
        "Bonne nouvelle : votre accès est accordé ✅\n"
        "Posez-moi votre première question, ou tapez /aide."
    ),
    "user_revoked": (
        "Votre accès à l'assistant a été retiré par un administrateur. Contact : {contact}"
    ),
    "not_allowed_button": "Réservé aux membres de CUF.",
    "admin_only": "Cette commande est réservée aux administrateurs.",
    "sources_button": "📚 Sources",
    "thanks_up": "Merci pour votre retour 👍",
    "thanks_down": "Merci, nous allons améliorer cette réponse 👎",
    "expired": "Ce bouton n'est plus valable.",
    "no_sources": "Pas de source pour cette réponse.",
    "forgotten": (
        "C'est fait : j'ai effacé notre conversation, vos groupes et dispositifs suivis, "
        "vos rappels et vos retours pour cette discussion."
    ),
    "unknown_command": "Je ne connais pas cette commande. Tapez /aide.",
    "voice": (
        "Je ne sais pas encore écouter les messages vocaux 🎙️ Écrivez-moi votre question, je "
        "vous réponds avec mes sources."
    ),
    "media": (
        "Je ne lis que les messages écrits (pas les photos, autocollants ni fichiers). "
        "Écrivez-moi votre question 🙂"
    ),
    "agenda_title": "Prochaines réunions",
    "agenda_more": "… et {count} autres. Suivez vos groupes : /suivre",
    "agenda_none_in_window": "Aucune réunion dans les {days} prochains jours.",
    "agenda_next_one": "La prochaine réunion est le {when} :",
    "agenda_next_many": "La prochaine réunion est le {when}. Les suivantes :",
    "agenda_empty": "Aucune réunion n'est inscrite au calendrier pour le moment.",
    "agenda_follow_hint": "Pour recevoir les rappels de ses réunions : {commands}",
    "agenda_deadlines": "Clôtures d'appels à projets ({days} prochains jours)",
    "agenda_deadlines_follow": "Rappel avant la clôture : /suivre",
    "funding_title": "<b>Dispositifs de financement</b>\nChoisissez un dispositif :",
    "funding_none": "Aucun dispositif de financement n'est disponible pour l'instant.",
    "unknown_fiche": "Je ne connais pas ce dispositif. Voici la liste :",
    "followed": "Vous suivez {name} ✅",
    "followed_scheme": (
        "Vous suivez {name} ✅\nJe vous rappellerai la clôture de ses appels {days} jours avant."
    ),
    "follow_schemes_button": "💶 Appels à projets à suivre",
    "follow_groups_button": "◀️ Groupes",
    "follow_schemes_view": (
        "<b>Dispositifs suivis</b> : {names}\n"
        "Je vous rappelle la clôture de leurs appels {days} jours avant. "
        "Touchez un dispositif pour le suivre ou ne plus le suivre (page {page}/{pages})."
    ),
    "and": " et ",
    "unknown_group": "Je ne connais pas ce groupe ni ce dispositif. Choisissez :",
    "follow_view": (
        "<b>Groupes suivis</b> : {names}\n"
        "Touchez un groupe pour le suivre ou ne plus le suivre (page {page}/{pages})."
    ),
    "none": "aucun",
    "none_follow": "aucun (/suivre)",
    "toggle_on": "Suivi : {name}",
    "toggle_off": "Plus suivi : {name}",
    "leads_view": (
        "<b>Rappels</b> : {leads} avant{default}\n"
        "<b>Groupes suivis</b> : {names}\n{schemes}"
        "Touchez un délai pour l'ajouter ou le retirer."
    ),
    "leads_default": " (par défaut)",
    "leads_schemes": "<b>Appels suivis</b> : {names} (rappel {days} jours avant la clôture)\n",
    "leads_reset": "↩️ Par défaut",
    "leads_keep_one": "Gardez au moins un rappel.",
    "day": "jour",
    "days": "jours",
    # --- Staff features, as members see them
    "my_data_caption": (
        "Voici tout ce que je garde sur cette discussion. Pour l'effacer : /oublier."
    ),
    "handoff_button": "🙋 Poser la question à l'équipe CUF",
    "handoff_sent": (
        "Votre question a été transmise à l'équipe de CUF (n° {number}). La réponse vous "
        "arrivera ici."
    ),
    "handoff_already": "Cette question a déjà été transmise à l'équipe de CUF (n° {number}).",
    "handoff_unavailable": (
        "L'équipe de CUF n'est pas joignable ici pour le moment. Contact : {contact}"
    ),
    "handoff_limited": (
        "Vous avez déjà transmis plusieurs questions aujourd'hui ; l'équipe y répond. Contact "
        "direct : {contact}"
    ),
    "handoff_reply": (
        "💬 <b>Réponse de l'équipe CUF</b> à votre question « {question} » :\n\n{answer}"
    ),
    "faq_heading": "Réponse de l'équipe CUF (mise à jour le {date}) :",
    # --- Meetings as they read in /agenda, answers and reminders
    "meeting_at": "{day} à {time}",
    "meeting_all_day": "{day} (toute la journée)",
    "meeting_days": "du {first} au {last}",
    "meeting_local_time": "({time} heure de {place})",
    "meeting_ends": "(fin à {time})",
    "meeting_until": "(jusqu’au {when})",
    "meeting_groups": "Groupe : {names}",
    "meeting_tentative": "(provisoire, à confirmer)",
    "meeting_cancelled": "ANNULÉE",
    "delay_minutes": "dans {minutes} min",
    "delay_hours": "dans {hours} h",
    "delay_hours_minutes": "dans {hours} h {minutes}",
    "delay_today": "aujourd’hui",
    "delay_tomorrow": "demain",
    "delay_days": "dans {days} jours",
    # A funding call in the agenda (bot/funding/deadlines.format_deadline)
    "deadline_closed": "Clos depuis le {day}",
    "deadline_today": "aujourd’hui, {day}",
    "deadline_tomorrow": "demain, {day}",
    "deadline_in_days": "{day} (dans {days} jours)",
    "deadline_closes": "Clôture : {when}",
    "deadline_opens": "Ouverture : {day}",
    "deadline_not_confirmed": "(date non confirmée)",
    "deadline_url": "Lien : {url}",
    # --- Sources under an answer
    "source_kind_fiche": "fiche de financement",
    "source_kind_notes": "compte rendu",
    "source_kind_calendar": "agenda de CUF",
    "source_checked_on": "vérifiée le {date}",
    "source_excerpt": "« {excerpt} »",
    "faq_source": "FAQ de l'équipe CUF — {source}",
    # --- Funding fiches: headings
    "fiche_what": "Base légale",
    "fiche_who": "Qui peut en bénéficier",
    "fiche_amounts": "Montants et taux",
    "fiche_how": "Comment faire",
    "fiche_help": "Qui aide",
    "fiche_calendar": "Calendrier",
    "fiche_funds": "Ce que ça finance",
    "fiche_notes": "À savoir",
    "fiche_funder": "Financeur",
    "fiche_verified": "Vérifié le {date}.",
    # --- Agenda questions answered from the calendars
    "agenda_answer_none": (
        "Aucune réunion à venir n'est inscrite à l'agenda de CUF dont je dispose."
    ),
    "agenda_answer_none_in": (
        "Aucune réunion en {years} n'est inscrite à l'agenda de CUF dont je dispose."
    ),
    "agenda_answer_none_for_in": (
        "Aucune réunion en {years} pour « {names} » n'est inscrite à l'agenda de CUF dont je"
        " dispose."
    ),
    "agenda_answer_none_for": (
        "Aucune réunion à venir pour « {names} » n'est inscrite à l'agenda de CUF dont je dispose."
    ),
    "agenda_answer_none_during": (
        "Aucune réunion ({when}) n'est inscrite à l'agenda de CUF dont je dispose."
    ),
    "agenda_after": "Réunion suivante",
    "agenda_next": "Prochaine réunion",
    "agenda_upcoming": "Réunions à venir",
    "agenda_cancelled_one": "Annulée",
    "agenda_cancelled_many": "Annulées",
    "agenda_notes": "Compte rendu",
    "agenda_window": "du {first} au {last}",
    # --- Who may use a scheme
    "applicant_water_agency": "agence de l'eau",
    "applicant_aom": "autorité organisatrice de la mobilité",
    "applicant_syndicat": "syndicat",
    "applicant_epci": "intercommunalité",
    "applicant_commune": "commune",
    "applicant_departement": "département",
    "applicant_region": "région",
    "applicant_gip": "GIP",
    "applicant_association": "association",
    "applicant_collectivite": "collectivité",
    "service_water": "l'eau potable",
    "service_sanitation": "l'assainissement",
    "service_energy": "la distribution d'électricité ou de gaz",
    "service_waste": "la collecte ou du traitement des déchets ménagers",
    "service_mobility": "la mobilité (AOM)",
    "or": " ou ",
    "reserved_to": "réservé à : {who}",
    "runs_service": "vous êtes chargé de {service}",
    "reserved_to_services": "réservé aux structures chargées de {services}",
    "if_runs_service": "si vous êtes chargé de {services}",
    # --- The funding explainer's answers
    "funding_yes": "Oui, a priori : {name} est ouvert à votre {applicant}.",
    "funding_if": "Oui, sous condition : {name} — {reason}.",
    "funding_no": "A priori non : {name} — {reason}.",
    "funding_why": "Pourquoi : {reason} ; {tagline}.",
    "funding_others": "Dispositifs ouverts à votre structure :",
    "funding_no_scheme": (
        "Je ne connais pas de dispositif de financement ouvert à une structure de type "
        "« {applicant} » dans mes fiches. Contactez Cités Unies France : "
        "coop-dec@cites-unies-france.org."
    ),
    "funding_one_percent_if": (
        "{names} : si votre structure gère le service concerné, elle peut y consacrer "
        "jusqu'à 1 % de son budget"
    ),
    "funding_detail_hint": (
        "Pour le détail d'un dispositif, demandez par exemple « C'est quoi le {name} ? »."
    ),
    "funding_overview": (
        "Principaux dispositifs pour financer l'action internationale d'une collectivité :"
    ),
    "funding_one_percent": (
        "{names} : les services concernés peuvent y consacrer jusqu'à 1 % de leur budget"
    ),
    "funding_ask_kind": (
        "Dites-moi quel type de structure vous êtes (commune, syndicat d'eau…) "
        "pour savoir lesquels vous sont ouverts."
    ),
    "funding_open_to_with": (
        "Oui, notamment avec le {names}. Dispositifs ouverts à une structure de type "
        "« {applicant} » :"
    ),
    "funding_open_to": "Dispositifs ouverts à une structure de type « {applicant} » :",
    "funding_excluded": "Pas forcément : pour le {name}, la fiche précise « {line} ».",
    "funding_calls_open": (
        "Appels à projets ouverts ou annoncés à ce jour, d'après les fiches de CUF :"
    ),
    "funding_calls_none": (
        "Aucun appel à projets ouvert ni annoncé à ce jour dans les fiches de CUF."
    ),
    "funding_calls_last_closed": "Derniers appels clos :",
    "funding_calls_follow": "Pour être prévenu avant une clôture : /suivre",
    "funding_unknown_scheme": (
        "Je ne connais pas ce dispositif : il n'est dans aucune de mes fiches. "
        "Ceux de la même famille que je connais : {names}."
    ),
}

# Texts said only in French: what the staff reads (access decisions, /stats, /reindex,
# documents, gaps, handoff, the command line) and the funding fiches' details.
FRENCH_ONLY: dict[str, str] = {
    "admin_help": (
        "\n\n<b>Administration</b> : /reindex, /stats, /revoquer ID, et les demandes d'accès.\n"
        "<b>Documents</b> : envoyez-moi un PDF, un .docx, un .odt ou un .md pour l'ajouter ; "
        "/documents pour les voir ou en retirer ; /lacunes [jours] : les questions restées sans "
        "réponse."
    ),
    "admin_new_request": "🔔 Demande d'accès de {label}.",
    "admin_approve": "✅ Accepter",
    "admin_refuse": "❌ Refuser",
    "admin_decided": "{label} : {decision} par {admin}.",
    "admin_already_decided": (
        "Déjà décidé : {label}, {decision} par {admin} le {when}. Rien n'a changé."
    ),
    "admin_decided_elsewhere": "{label} : {decision} par {admin} le {when}.",
    "revoke_usage": "Usage : /revoquer ID (l'identifiant Telegram du membre, voir /stats).",
    "revoke_done": (
        "Accès retiré : {label}, par {admin}. Ses groupes suivis et ses rappels sont supprimés."
    ),
    "revoke_configured": (
        "{user_id} est membre par la configuration (CUF_ALLOWED_USER_IDS ou CUF_ADMIN_IDS) : "
        "retirez-le de ce réglage."
    ),
    "revoke_not_member": "{user_id} n'est pas un membre accepté : rien à retirer.",
    "stats": (
        "<b>Statistiques</b>\nMembres : {configured} configurés, {approved} acceptés\n"
        "Demandes : {pending} en attente, {refused} refusées\n"
        "Réponses : {answers} dans {chats} discussions, dont {unanswered} sans réponse trouvée\n"
        "Avis : {thumbs_up} 👍, {thumbs_down} 👎"
    ),
    "reindex_started": "Réindexation en cours…",
    "reindex_done": (
        "Réindexation terminée : {added} ajouté(s), {changed} modifié(s), {removed} "
        "supprimé(s), {unchanged} inchangé(s), {skipped} ignoré(s)."
    ),
    "upload_where": "📄 {name}\nOù ranger ce document ?",
    "upload_publication": "📘 Publication",
    "upload_note": "📝 Compte rendu (note)",
    "upload_cancel": "Annuler",
    "upload_which_group": "📝 {name}\nDe quel groupe ce compte rendu parle-t-il ?",
    "upload_no_group": "Aucun groupe en particulier",
    "upload_cancelled": "Envoi annulé : {name} n'a pas été ajouté.",
    "upload_indexing": "⏳ {name} : enregistrement et indexation en cours…",
    "upload_failed": "⚠️ {name} n'a pas pu être ajouté : {reason}",
    "upload_too_big": "Ce fichier dépasse 20 Mo : Telegram ne me permet pas de le télécharger.",
    "upload_download_failed": "Je n'ai pas pu télécharger ce fichier depuis Telegram ({reason}).",
    "documents_title": "<b>Documents indexés</b> ({count})",
    "documents_empty": "Aucun document n'est indexé pour le moment.",
    "documents_line": "• {title} — {path} ({passages} passage(s))",
    "documents_skipped_line": "• ⚠️ {path} : non indexé ({reason})",
    "documents_remove_hint": "Touchez 🗑 pour retirer une publication ou une note.",
    "remove_confirm": "Retirer {path} ? Ses passages ne seront plus cités.",
    "remove_yes": "🗑 Oui, retirer",
    "remove_no": "Non",
    "remove_done": "{path} est retiré : {passages} passages restent dans l'index.",
    "remove_kept": "{path} est conservé.",
    "remove_unknown": "Ce document n'est plus dans l'index.",
    "gaps_usage": "Usage : /lacunes [jours] (30 par défaut).",
    "gaps_none": "Aucune question sans réponse ni 👎 depuis {days} jours.",
    "gaps_title": (
        "<b>Lacunes des {days} derniers jours</b> : {questions} question(s) en {groups} groupe(s)"
    ),
    "gaps_digest_title": "🗓️ <b>Bilan de la semaine</b>",
    "handoff_staff": (
        "📨 <b>Question d'un membre</b> n° {number} : {label}\n"
        "<i>Répondez à ce message (Répondre) : votre réponse lui sera transmise.</i>\n"
        "\n{question}"
    ),
    "handoff_staff_context": "\n\n<b>Derniers échanges</b>\n{turns}",
    "handoff_relayed": "✅ Réponse transmise au membre (n° {number}).",
    "handoff_unknown_reply": (
        "Je ne retrouve pas la question à laquelle vous répondez : répondez directement au "
        "message « Question d'un membre »."
    ),
    "handoff_staff_already": (
        "Cette question (n° {number}) a déjà reçu une réponse ; celle-ci est aussi transmise."
    ),
    "decision_approved": "accès accordé",
    "decision_refused": "accès refusé",
    "staff_when": "{date} à {time}",
    "reindex_skipped": "• ignoré : {path} ({reason})",
    "document_skipped": (
        "⚠️ {path} n'a pas pu être indexé : {reason}. "
        "Le fichier a été retiré ; corrigez-le puis renvoyez-le."
    ),
    "document_indexed": "✅ {path} indexé : {passages} passage(s).",
    "document_replaces": "Remplace : {paths}.",
    "document_previous_replaced": "La version précédente est remplacée.",
    "document_index_totals": (
        "Index : {total} passages en tout ({embedded} calculés maintenant, {seconds} s)."
    ),
    "document_not_removable": (
        "Seuls les documents de publications/ et notes/ peuvent être retirés ici."
    ),
    "document_not_found": "Document introuvable : {path}",
    "gaps_unanswered": "{count} sans réponse",
    "gaps_line": "{number}. « {example} » — {count} fois ({reasons}), dernière le {last}",
    "gaps_also": "aussi : « {question} »",
    "gaps_closest": "au plus près : {where} — {excerpt}",
    # --- Funding fiches' details (the fiches are French)
    "unconfirmed": "{text} (non confirmé)",
    "fiche_other_names": "Autres noms : {names}.",
    "call_closed": "{edition} : clos depuis le {closes}",
    "call_closed_opened": "{edition} : clos depuis le {closes} (ouvert le {opens})",
    "call_open": "{edition} : ouvert, clôture le {closes}",
    "call_upcoming": "{edition} : ouvrira le {opens}",
    "call_upcoming_closes": "{edition} : ouvrira le {opens}, clôture le {closes}",
    "call_opens_only": "{edition} : ouverture le {opens}, clôture non connue",
    "call_opening": "ouverture le {date}",
    "call_closing": "clôture le {date}",
    "dates_unknown": "dates non connues",
    "official_site": "le site officiel",
    "call_none_open": "Aucun appel ouvert connu à ce jour : prochaine édition sur {where}",
    "amounts_outdated": (
        "Derniers montants connus : {label}. Vérifiez ceux de {year} auprès du financeur"
    ),
    "amounts_outdated_at": (
        "Derniers montants connus : {label}. Vérifiez ceux de {year} sur {where}"
    ),
    "agenda_source": "Agenda de CUF",
    # --- Reminder settings on the command line, and calendars
    "leads_not_minutes": "« {text} » n'est pas une liste de minutes (exemple : 1440,60).",
    "leads_none": "Indiquez au moins un délai de rappel, en minutes (exemple : 1440,60).",
    "leads_out_of_range": ("Délai de {lead} minutes refusé : entre 1 minute et {most} (14 jours)."),
    "ics_calendar_name": "Réunions CUF",
    # --- The language model's state in /stats
    "llm_probe_ok": "joignable, modèle servi",
    "llm_probe_unauthorized": "clé refusée (CUF_LLM_API_KEY)",
    "llm_probe_model_missing": "modèle absent du serveur (CUF_LLM_MODEL)",
    "llm_probe_no_model_list": "pas de liste des modèles (CUF_LLM_BASE_URL ?)",
    "llm_probe_unreachable": "injoignable au démarrage",
    "llm_probe_not_run": "non vérifié",
    "llm_breaker_open": " ; appels suspendus après des échecs répétés",
    "llm_refused_truncated": "coupées",
    "llm_refused_too_long": "trop longues",
    "llm_refused_bare_citation": "sans texte",
    "llm_refused_wrong_language": "mauvaise langue",
    "llm_refused_invalid_citation": "citations invalides",
    "llm_refused_unsupported_claim": "chiffre ou nom absent des sources",
    "llm_status_model": "Modèle de langage : {model} — {state}",
    "llm_status_answers": (
        "Réponses générées : {kept} affichées, {refused} refusées{detail}, {failed} appels en "
        "échec dont {timeouts} délais dépassés, {skipped} non tentées"
    ),
    "llm_status_followups": "Relances reformulées : {kept} gardées, {refused} refusées",
    # --- The command line (python -m bot …)
    "cli_unknown_group": "Groupe inconnu : « {text} ».",
    "cli_did_you_mean": "Vouliez-vous dire : {suggestions} ?",
    "cli_groups_hint": "La liste complète : python -m bot groups",
    "cli_bad_now": "Date invalide pour --now : « {now} » (format ISO 8601).",
    "cli_followed": "Vous suivez désormais : {name}.",
    "cli_already_followed": "Vous suiviez déjà : {name}.",
    "cli_unfollowed": "Vous ne suivez plus : {name}.",
    "cli_not_followed": "Vous ne suiviez pas : {name}.",
    "cli_following_none": (
        "Vous ne suivez aucun groupe ni dispositif. Exemple : python -m bot follow Japon --chat ID"
    ),
    "cli_scheme_reminders": "Rappel {days} jours avant la clôture de chacun de ses appels.",
    "cli_deadlines_title": "Clôtures d'appels à projets dans les {days} prochains jours :",
    "cli_funding_hint": "Les dispositifs de financement : python -m bot funding",
    "cli_scheme_followed": "{name} (dispositif)",
    "cli_leads_own": "Rappels avant chaque réunion : {leads}.",
    "cli_leads_default": "Rappels avant chaque réunion : {leads} (réglage par défaut).",
    "cli_reminders_sent": "{count} message(s) envoyé(s).",
    "cli_reminders_preview": "{count} message(s) à envoyer (aperçu, rien n'est enregistré).",
    "cli_written": "Écrit : {path}",
    "cli_fiche_skipped": "Fiche ignorée : {error}",
    "cli_fiche_did_you_mean": "Vouliez-vous dire « {id} » ?",
    "cli_unknown_fiche": "Fiche inconnue : « {id} ».{hint} Fiches disponibles : {known}",
    "cli_gaps_title": "{questions} question(s) en {groups} groupe(s) sur {days} jours :",
    "cli_invalid": "Invalide : {error}",
    "cli_faq_valid": "{path} : {count} entrée(s) valide(s).",
    "cli_faq_entry": "{number}. {question} (mise à jour le {date})",
    "cli_faq_variant": "ou : {variant}",
    "cli_faq_source": "source : {source}",
    "cli_faq_none": "Aucune réponse de l'équipe dans {path}.",
    "cli_no_such_gap": "Pas de lacune n° {number} (voir `python -m bot gaps`).",
    "cli_refused": "Refusé : {error}",
    "cli_faq_added": "Ajouté à {path} : « {question} » ({variants} variante(s)).",
    "cli_passages": "{count} passage(s)",
    "cli_no_documents": "Aucun document indexé (python ingest.py).",
    "cli_unreadable": "Illisible : {path} ({reason})",
    "cli_document_removed": "Retiré : {path} ; {passages} passages restent dans l'index.",
    "cli_first_index": (
        "Pas encore d'index dans {index} : indexation de {knowledge} "
        "(quelques minutes la première fois, la progression s'affiche)…"
    ),
    "cli_indexed": (
        "Indexation terminée en {seconds} s : {documents} document(s), {passages} passages, "
        "{skipped} fichier(s) ignoré(s)."
    ),
    "cli_skipped": "ignoré : {path} ({reason})",
    "cli_cannot_start": "Impossible de démarrer : {problem}",
    "cli_console_no_token": (
        "Pas de jeton Telegram (CUF_TELEGRAM_TOKEN) : conversation dans la console."
    ),
    "cli_loading": "Chargement de l'index et du modèle…",
    # The console chat (python -m bot ask without a question)
    "console_welcome": "Assistant Cités Unies France. Posez votre question (/aide pour l'aide).",
    "console_help": (
        "Commandes : /sources (extraits cités), /oublier (effacer la conversation), "
        "/quitter. Tout le reste est une question."
    ),
    "console_prompt": "vous> ",
    "console_no_answer_yet": "Pas encore de réponse.",
    "console_forgotten": "Conversation effacée.",
    "console_attachment": "(pièce jointe : {filename})",
    "console_no_sources": "Cette réponse ne cite aucun document.",
    "console_one_line": "{text} — Sources : {sources}",
    "cli_interrupted": "Interrompu. L'index publié reste utilisable.",
    "cli_starting": "Démarrage du bot Telegram (Ctrl-C pour arrêter)…",
    "cli_db_current": "à jour",
    "cli_db_behind": "migration nécessaire",
    "cli_db_none": "aucune",
    "cli_db_status": "{where} : révision {at}, la plus récente {newest} ({state}).",
    "cli_db_unreachable": "Base de données inaccessible : {reason}",
    "cli_db_up_to_date": "{where} : déjà à jour (révision {after}).",
    "cli_db_migrated": "{where} : migrée de la révision {before} à {after}.",
    "cli_backup_failed": "Sauvegarde impossible : {error}",
    "cli_backup_done": "Sauvegarde écrite dans {folder} ({database}, {files} fichiers).",
    "cli_backup_tables": "lignes par table : {tables}",
    "cli_restore_failed": "Restauration impossible : {error}",
    "cli_restore_done": "Sauvegarde {folder} restaurée ({database}).",
    "cli_restore_index": "index publié : {generation}",
    "cli_no_token": "Pas de jeton Telegram (CUF_TELEGRAM_TOKEN).",
    "cli_webhook_failed": "Webhook : échec ({error})",
    "cli_bad_setting": "Réglage invalide {name} : {reason}",
    # --- Backups and restores (python -m bot backup / restore)
    "backup_unsupported_database": "base de données non prise en charge : {scheme}",
    "backup_folder_not_empty": (
        "{folder} existe déjà et n'est pas vide : choisissez un dossier neuf"
    ),
    "backup_no_database": "pas de base de données à sauvegarder : {path}",
    "backup_inconsistent_copy": "la copie de la base est incohérente : {check}",
    "backup_no_pg_dump": (
        "pg_dump introuvable : installez le client PostgreSQL (paquet postgresql-client) "
        "de la même version majeure que le serveur"
    ),
    "backup_incomplete": "{folder} n'est pas une sauvegarde complète (pas de {manifest})",
    "backup_unknown_format": "format de sauvegarde inconnu : {format}",
    "backup_damaged": "sauvegarde altérée ({count} fichier(s) : {files})",
    "backup_other_kind": (
        "sauvegarde {saved} mais la configuration est {kind} : restaurez dans le même type de base"
    ),
    "backup_database_not_empty": "la base {path} contient des données",
    "backup_knowledge_not_empty": "le dossier {folder} n'est pas vide",
    "backup_index_published": "un index est déjà publié dans {folder}",
    "backup_would_overwrite": (
        "{problems} : arrêtez le bot et relancez avec --force pour remplacer"
    ),
    "backup_no_pg_restore": "pg_restore introuvable : installez le client PostgreSQL",
    "backup_tool_failed": "{name} a échoué : {reason}",
    # --- Start-up and webhook problems, said to the operator
    "startup_bad_token": (
        "Telegram refuse le jeton CUF_TELEGRAM_TOKEN : vérifiez-le auprès de @BotFather "
        "(ou CUF_TELEGRAM_BASE_URL s'il désigne un autre serveur)."
    ),
    "startup_unreachable": (
        "Telegram reste injoignable à {where} après {seconds} s ({reason}) : "
        "vérifiez la connexion ou CUF_TELEGRAM_BASE_URL."
    ),
    "startup_retrying": (
        "Telegram injoignable à {where} ({reason}) : nouvel essai dans {seconds} s…"
    ),
    "webhook_url_missing": "CUF_WEBHOOK_URL est requis en mode webhook",
    "webhook_url_not_https": "CUF_WEBHOOK_URL doit commencer par https:// (exigé par Telegram)",
    "webhook_secret_missing": (
        "CUF_WEBHOOK_SECRET est requis en mode webhook (le même pour toutes les répliques)"
    ),
    "webhook_not_registered": (
        "Attention : le webhook enregistré chez Telegram ({registered}) n'est pas "
        "CUF_WEBHOOK_URL ; lancez `python -m bot webhook set` (étape de déploiement)."
    ),
}

# Telegram command menus (setMyCommands): the default scope, then the admins' additions.
MENU: tuple[tuple[str, str], ...] = (
    ("start", "Présentation de l'assistant"),
    ("aide", "Ce que je sais faire"),
    ("agenda", "Les prochaines réunions"),
    ("suivre", "Choisir les groupes et appels à projets à suivre"),
    ("rappels", "Voir et changer les rappels"),
    ("dispositifs", "Les dispositifs de financement"),
    ("oublier", "Effacer ce que je garde de cette conversation"),
    ("mes_donnees", "Recevoir mes données (fichier JSON)"),
)
ADMIN_MENU: tuple[tuple[str, str], ...] = (
    ("reindex", "Réindexer les documents (admin)"),
    ("stats", "Statistiques d'usage (admin)"),
    ("revoquer", "Retirer l'accès d'un membre (admin)"),
    ("documents", "Documents indexés (admin)"),
    ("lacunes", "Questions restées sans réponse (admin)"),
)
