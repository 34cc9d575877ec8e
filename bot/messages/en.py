"""Everything the assistant says to members in English, by key (same keys as :mod:`.fr`).

Staff-facing texts are French only and have no entry here.
"""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # --- Answers and small talk
    "dont_know": (
        "I can't find the answer in the Cités Unies France documents I have. For this question, "
        "please contact the CUF team: {contact}."
    ),
    "empty_question": (
        "Ask me a question about Cités Unies France, its meetings or funding schemes."
    ),
    "sources": "Sources",
    "extract_note": "(quoted from CUF's documents, in French)",
    "greeting": (
        "Hello! I am the Cités Unies France assistant. Ask me about CUF's publications, its "
        "upcoming meetings or funding for international action (the 1 % schemes, FICOL, the "
        "foreign ministry's calls for projects…)."
    ),
    "thanks": "You're welcome! Feel free to ask another question.",
    "about_bot": (
        "I am an automated assistant of Cités Unies France. I answer from CUF's documents and "
        "cite my sources (document, page), remind you of the meetings you follow and explain "
        "funding schemes. When the documents don't say, I tell you so."
    ),
    "error": "Sorry, something went wrong. Please try again in a moment.",
    # --- Reminders and notices about meetings (sent in French: a chat's language is not kept)
    "reminder": "Reminder: “{title}” starts {delay}: {when}.",
    "reminder_place": "Place: {location}",
    "reminder_link": "Link: {url}",
    "reminder_tentative": "(Tentative meeting, to be confirmed.)",
    "notice_cancelled": "Cancelled: “{title}”, planned on {when}, is cancelled.",
    "notice_restored": "Correction: “{title}” is not cancelled, it does take place: {when}.",
    "notice_moved": "Change: “{title}” was changed.\nBefore: {before}\nNow: {after}",
    "reminder_cli": "[attachment: {filename}]",
    "deadline_reminder": "Reminder: the call “{title}” closes {delay}, on {day}.",
    "deadline_unconfirmed": "(Date not confirmed: check it with the funder.)",
    "deadline_link": "Source: {url}",
    "deadline_ics_title": "Closing: {title}",
    # --- Telegram, members
    "welcome": (
        "Hello {name} 👋\n\nI am the members' assistant of <b>Cités Unies France</b>. Ask me "
        "about CUF, its publications, its meetings and funding: I answer from CUF's documents "
        "(mostly in French), with my sources.\n"
        "\nType /help to see what I can do."
    ),
    "help": (
        "<b>What I can do</b>\n"
        "\n• Ask a question by simply writing it, for example: <i>When does the Mali country "
        "group meet?</i> You can follow up: <i>And the Senegal one?</i>\n"
        "• Under each answer: 📚 <b>Sources</b> to read the passages, 👍/👎 to tell us whether it "
        "helped.\n• /agenda: upcoming meetings and funding calls closing\n"
        "• /follow: choose the groups and funding calls you want reminders for\n"
        "• /reminders: see and change when you are reminded\n"
        "• /funding: funding schemes\n"
        "• /forget: erase what I keep of this conversation\n"
        "• /my_data: get everything I keep about you (JSON file)\n"
        "\nIn a group, mention me (@{username}) or reply to one of my messages."
    ),
    "not_member": (
        "Hello! This assistant is for members of Cités Unies France only. You can request "
        "access: an administrator will answer you here."
    ),
    "rate_limited": (
        "You're writing very fast 🙂 Please give me a minute before your next question."
    ),
    "request_button": "✉️ Request access",
    "request_sent": "Your access request has been sent. You will get the answer here.",
    "request_already": "Your request is already recorded; an administrator will answer you here.",
    "request_refused": "Your access request was not accepted. Contact: {contact}",
    "no_admin": "No administrator is set up to handle requests. Please contact CUF: {contact}",
    "user_approved": (
        "Good news: your access is granted ✅\nAsk me your first question, or type /help."
    ),
    "user_revoked": (
        "An administrator has withdrawn your access to the assistant. Contact: {contact}"
    ),
    "not_allowed_button": "For CUF members only.",
    "admin_only": "This command is for administrators only.",
    "sources_button": "📚 Sources",
    "thanks_up": "Thank you for your feedback 👍",
    "thanks_down": "Thank you, we will improve this answer 👎",
    "expired": "This button is no longer valid.",
    "no_sources": "No source for this answer.",
    "forgotten": (
        "Done: I erased our conversation, the groups and funding schemes you follow, your "
        "reminders and your feedback for this chat."
    ),
    "unknown_command": "I don't know this command. Type /help.",
    "voice": (
        "I can't listen to voice messages yet 🎙️ Please type your question and I will answer "
        "with my sources."
    ),
    "media": (
        "I only read written messages (not photos, stickers or files). Please type your question 🙂"
    ),
    "agenda_title": "Upcoming meetings",
    "agenda_more": "… and {count} more. Follow your groups: /follow",
    "agenda_none_in_window": "No meeting in the next {days} days.",
    "agenda_next_one": "The next meeting is on {when}:",
    "agenda_next_many": "The next meeting is on {when}. The following ones:",
    "agenda_empty": "No meeting is on the calendar at the moment.",
    "agenda_follow_hint": "To be reminded of its meetings: {commands}",
    "agenda_deadlines": "Funding calls closing (next {days} days)",
    "agenda_deadlines_follow": "Reminder before they close: /follow",
    "funding_title": "<b>Funding schemes</b>\nChoose a scheme (fiches in French):",
    "funding_none": "No funding scheme is available at the moment.",
    "unknown_fiche": "I don't know this scheme. Here is the list:",
    "followed": "You follow {name} ✅",
    "followed_scheme": (
        "You follow {name} ✅\nI will remind you {days} days before its calls close."
    ),
    "follow_schemes_button": "💶 Funding calls to follow",
    "follow_groups_button": "◀️ Groups",
    "follow_schemes_view": (
        "<b>Funding schemes followed</b>: {names}\n"
        "I remind you {days} days before their calls close. "
        "Tap a scheme to follow or unfollow it (page {page}/{pages})."
    ),
    "and": " and ",
    "unknown_group": "I don't know this group or funding scheme. Choose one:",
    "follow_view": (
        "<b>Groups followed</b>: {names}\n"
        "Tap a group to follow or unfollow it (page {page}/{pages})."
    ),
    "none": "none",
    "none_follow": "none (/follow)",
    "toggle_on": "Following: {name}",
    "toggle_off": "No longer following: {name}",
    "leads_view": (
        "<b>Reminders</b>: {leads} before{default}\n"
        "<b>Groups followed</b>: {names}\n{schemes}"
        "Tap a lead time to add or remove it."
    ),
    "leads_default": " (default)",
    "leads_schemes": (
        "<b>Funding calls followed</b>: {names} (reminded {days} days before closing)\n"
    ),
    "leads_reset": "↩️ Defaults",
    "leads_keep_one": "Keep at least one reminder.",
    "day": "day",
    "days": "days",
    # --- Staff features, as members see them
    "my_data_caption": "Here is everything I keep about this chat. To erase it: /forget.",
    "handoff_button": "🙋 Ask the CUF team",
    "handoff_sent": (
        "Your question was sent to the CUF team (no. {number}). The answer will come here."
    ),
    "handoff_already": "This question was already sent to the CUF team (no. {number}).",
    "handoff_unavailable": "The CUF team cannot be reached here at the moment. Contact: {contact}",
    "handoff_limited": (
        "You already sent several questions today; the team is answering them. Direct contact: "
        "{contact}"
    ),
    "handoff_reply": (
        "💬 <b>Answer from the CUF team</b> to your question “{question}”:\n\n{answer}"
    ),
    "faq_heading": "Answer from the CUF team (updated on {date}, in French):",
    # --- Meetings as they read in /agenda, answers and reminders
    "meeting_at": "{day} at {time}",
    "meeting_all_day": "{day} (all day)",
    "meeting_days": "from {first} to {last}",
    "meeting_local_time": "({time} {place} time)",
    "meeting_ends": "(until {time})",
    "meeting_until": "(until {when})",
    "meeting_groups": "Group: {names}",
    "meeting_tentative": "(tentative, to be confirmed)",
    "meeting_cancelled": "CANCELLED",
    "delay_minutes": "in {minutes} min",
    "delay_hours": "in {hours} h",
    "delay_hours_minutes": "in {hours} h {minutes}",
    "delay_today": "today",
    "delay_tomorrow": "tomorrow",
    "delay_days": "in {days} days",
    # A funding call in the agenda (bot/funding/deadlines.format_deadline)
    "deadline_closed": "Closed since {day}",
    "deadline_today": "today, {day}",
    "deadline_tomorrow": "tomorrow, {day}",
    "deadline_in_days": "{day} (in {days} days)",
    "deadline_closes": "Closes: {when}",
    "deadline_opens": "Opens: {day}",
    "deadline_not_confirmed": "(date not confirmed)",
    "deadline_url": "Link: {url}",
    # --- Sources under an answer
    "source_kind_fiche": "funding fiche",
    "source_kind_notes": "meeting notes",
    "source_kind_calendar": "CUF calendar",
    "source_checked_on": "checked on {date}",
    "source_excerpt": "« {excerpt} »",  # the excerpts are French
    "faq_source": "FAQ de l'équipe CUF — {source}",  # a document title: French, like the others
    # --- Funding fiches: headings
    "fiche_what": "Legal basis",
    "fiche_who": "Who can use it",
    "fiche_amounts": "Amounts and rates",
    "fiche_how": "How to apply",
    "fiche_help": "Who can help",
    "fiche_calendar": "Calendar",
    "fiche_funds": "What it funds",
    "fiche_notes": "Good to know",
    "fiche_funder": "Funder",
    "fiche_verified": "Checked on {date}.",
    # --- Agenda questions answered from the calendars
    "agenda_answer_none": "No upcoming meeting is on the CUF agenda I have.",
    "agenda_answer_none_in": "No meeting in {years} is on the CUF agenda I have.",
    "agenda_answer_none_for_in": "No meeting in {years} for {names} is on the CUF agenda I have.",
    "agenda_answer_none_for": "No upcoming meeting for {names} is on the CUF agenda I have.",
    "agenda_answer_none_during": "No meeting ({when}) is on the CUF agenda I have.",
    "agenda_after": "The one after",
    "agenda_next": "Next meeting",
    "agenda_upcoming": "Upcoming meetings",
    "agenda_cancelled_one": "Cancelled",
    "agenda_cancelled_many": "Cancelled",
    "agenda_notes": "Notes",
    "agenda_window": "{first} to {last}",
    # --- Who may use a scheme
    "applicant_water_agency": "water agency",
    "applicant_aom": "mobility authority (AOM)",
    "applicant_syndicat": "syndicate",
    "applicant_epci": "inter-municipal body",
    "applicant_commune": "municipality",
    "applicant_departement": "département",
    "applicant_region": "region",
    "applicant_gip": "public interest group (GIP)",
    "applicant_association": "association",
    "applicant_collectivite": "local authority",
    "service_water": "drinking water",
    "service_sanitation": "sanitation",
    "service_energy": "electricity or gas distribution",
    "service_waste": "household waste collection or treatment",
    "service_mobility": "mobility (as an AOM)",
    "or": " or ",
    "reserved_to": "reserved to: {who}",  # the fiches' own words, in French
    "runs_service": "you are in charge of {service}",
    "reserved_to_services": "reserved to bodies in charge of {services}",
    "if_runs_service": "if you are in charge of {services}",
    # --- The funding explainer's answers (the fiches' own lines stay in French)
    "funding_yes": "Yes, in principle: {name} is open to your {applicant}.",
    "funding_if": "Yes, on one condition: {name} — {reason}.",
    "funding_no": "In principle, no: {name} — {reason}.",
    "funding_why": "Why: {reason}; {tagline}.",
    "funding_others": "Schemes open to your body:",
    "funding_no_scheme": (
        "I know of no funding scheme open to a « {applicant} » in my fiches. "
        "Please contact Cités Unies France: coop-dec@cites-unies-france.org."
    ),
    "funding_one_percent_if": (
        "{names}: if your body runs the service concerned, it may spend up to 1 % of its "
        "budget on it"
    ),
    "funding_detail_hint": "For the details of a scheme, ask for instance « What is {name}? ».",
    "funding_overview": "The main schemes to fund a local authority's international action:",
    "funding_one_percent": (
        "{names}: the services concerned may spend up to 1 % of their budget on it"
    ),
    "funding_ask_kind": (
        "Tell me what kind of body you are (municipality, water syndicate…) to know which "
        "ones are open to you."
    ),
    "funding_open_to_with": (
        "Yes, in particular with the {names}. Schemes open to a « {applicant} »:"
    ),
    "funding_open_to": "Schemes open to a « {applicant} »:",
    "funding_excluded": "Not necessarily: for the {name}, the fiche states « {line} ».",
    "funding_calls_open": "Calls for projects open or announced today, according to CUF's fiches:",
    "funding_calls_none": "No call for projects is open or announced today in CUF's fiches.",
    "funding_calls_last_closed": "Last calls closed:",
    "funding_calls_follow": "To be reminded before a call closes: /suivre",
    "funding_unknown_scheme": (
        "I don't know this scheme: it is in none of my fiches. "
        "The ones of the same kind I know: {names}."
    ),
}

# Telegram command menu for users whose Telegram speaks English (language_code "en").
MENU: tuple[tuple[str, str], ...] = (
    ("start", "About this assistant"),
    ("help", "What I can do"),
    ("agenda", "Upcoming meetings"),
    ("follow", "Choose the groups and funding calls to follow"),
    ("reminders", "See and change reminders"),
    ("funding", "Funding schemes"),
    ("forget", "Erase what I keep of this conversation"),
    ("my_data", "Get my data (JSON file)"),
)
