"""Meetings on Telegram: /suivre and /rappels keyboards, and reminder delivery by the JobQueue.

/suivre follows groups and funding schemes alike (a second page of the keyboard
lists the schemes; ``/suivre FICOL`` follows one directly): a followed scheme's
calls are reminded before they close, through the same delivery as meetings.

Reminder jobs are not persisted by python-telegram-bot: at start-up
(``schedule_reminders`` from ``post_init``) they are rebuilt from the stored
subscriptions and the agenda: one named job wakes up when the next reminder
falls due, and a named sweep every minute catches anything else (a calendar
change, a restart, a subscription made by another process); a sweep with
nothing due expands no calendar. Delivery is the meetings core's loop
(:func:`bot.meetings.delivery.deliver`: claim, send, mark sent; a failed send
is released and retried by the next run); this module only supplies the
:class:`TelegramSender`. With several replicas on one PostgreSQL, only the
process elected through an advisory lock sweeps (:mod:`bot.db.leader`); when it
dies, another replica's next sweep takes over.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, ContextTypes

from bot.db.leader import Leadership
from bot.funding.deadlines import followable_fiches
from bot.meetings import reminder_text
from bot.meetings.delivery import deliver
from bot.meetings.follows import GROUP, resolve
from bot.meetings.reminders import Reminder
from bot.messages import message as say

if TYPE_CHECKING:
    from bot.app import Services
from bot.telegram.callbacks import pack, parse_id, unpack
from bot.telegram.context import services
from bot.telegram.language import update_language
from bot.telegram.render import escape
from bot.telegram.replies import edit_html, send_attachments, send_html

logger = logging.getLogger(__name__)

PAGE_SIZE = 8
SWEEP_JOB, NEXT_JOB, REFRESH_JOB = "reminders:sweep", "reminders:next", "calendar:refresh"
LEADER = "reminders:leader"  # bot_data key of this process's Leadership
SWEEPING = "reminders:sweeping"  # bot_data key of the lock that keeps sweeps one at a time
SWEEP_AGAIN = "reminders:sweep-again"  # set when a sweep was asked for during one
LEAD_CHOICES = (7 * 24 * 60, 2 * 24 * 60, 24 * 60, 3 * 60, 60, 15)
_MAX_PAGE = 1000
_MAX_LEAD_MINUTES = 366 * 24 * 60


def lead_label(minutes: int, language: str = "fr") -> str:
    """``1440`` → ``1 jour`` (``1 day``), ``180`` → ``3 h``, ``15`` → ``15 min``."""
    if minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return f"{days} {say('days' if days > 1 else 'day', language)}"
    if minutes % 60 == 0:
        return f"{minutes // 60} h"
    return f"{minutes} min"


# --- /suivre ------------------------------------------------------------------------


def _follow_view(
    context: ContextTypes.DEFAULT_TYPE, chat_id: str, page: int, language: str = "fr"
) -> tuple[str, InlineKeyboardMarkup]:
    svc = services(context)
    groups = svc.agenda.groups.groups
    followed = set(svc.subscriptions.following(chat_id))
    pages = max(1, -(-len(groups) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    rows = [
        [
            InlineKeyboardButton(
                f"{'✅' if group.id in followed else '▫️'} {group.name}",
                callback_data=pack("sub", page, group.id),
            )
        ]
        for group in groups[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    ]
    navigation = []
    if page > 0:
        navigation.append(InlineKeyboardButton("◀️", callback_data=pack("subp", page - 1)))
    if page < pages - 1:
        navigation.append(InlineKeyboardButton("▶️", callback_data=pack("subp", page + 1)))
    if navigation:
        rows.append(navigation)
    schemes = say("follow_schemes_button", language)
    rows.append([InlineKeyboardButton(schemes, callback_data=pack("subf", 0))])
    names = ", ".join(svc.agenda.groups.name(group) for group in sorted(followed))
    names = names or say("none", language)
    text = say("follow_view", language, names=escape(names), page=page + 1, pages=pages)
    return text, InlineKeyboardMarkup(rows)


def _days(context: ContextTypes.DEFAULT_TYPE, language: str) -> str:
    """« 30 et 7 » (``CUF_FUNDING_REMINDER_DAYS``)."""
    days = [str(day) for day in services(context).settings.funding_reminder_days]
    joiner = say("and", language)
    return f"{', '.join(days[:-1])}{joiner}{days[-1]}" if len(days) > 1 else days[0]


def _schemes_view(
    context: ContextTypes.DEFAULT_TYPE, chat_id: str, page: int, language: str = "fr"
) -> tuple[str, InlineKeyboardMarkup]:
    """The funding schemes one can follow, ✅ on those followed, and back to the groups."""
    svc = services(context)
    fiches = followable_fiches(svc.funding_catalog)
    followed = set(svc.subscriptions.schemes(chat_id))
    pages = max(1, -(-len(fiches) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    rows = [
        [
            InlineKeyboardButton(
                f"{'✅' if fiche.id in followed else '▫️'} {fiche.short_name}",
                callback_data=pack("subs", page, fiche.id),
            )
        ]
        for fiche in fiches[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    ]
    navigation = [
        InlineKeyboardButton(say("follow_groups_button", language), callback_data="subp:0")
    ]
    if page > 0:
        navigation.append(InlineKeyboardButton("◀️", callback_data=pack("subf", page - 1)))
    if page < pages - 1:
        navigation.append(InlineKeyboardButton("▶️", callback_data=pack("subf", page + 1)))
    rows.append(navigation)
    names = ", ".join(fiche.short_name for fiche in fiches if fiche.id in followed)
    text = say(
        "follow_schemes_view",
        language,
        names=escape(names or say("none", language)),
        days=_days(context, language),
        page=page + 1,
        pages=pages,
    )
    return text, InlineKeyboardMarkup(rows)


async def follow_group(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, language: str
) -> None:
    """Follow the group or funding scheme named (or identified) by ``text``; else show
    the keyboard."""
    message = update.effective_message
    assert message is not None
    svc, chat_id = services(context), str(message.chat_id)
    target = await asyncio.to_thread(resolve, text, svc.agenda.groups, svc.funding_catalog)
    if target is not None:
        if target.kind == GROUP:
            await asyncio.to_thread(svc.subscriptions.follow, chat_id, target.id)
            followed = say("followed", language, name=escape(target.name))
        else:
            await asyncio.to_thread(svc.subscriptions.follow_scheme, chat_id, target.id)
            days = _days(context, language)
            followed = say("followed_scheme", language, name=escape(target.name), days=days)
        await send_html(context.bot, message.chat_id, followed)
        wake_reminders(context.application)
        return
    await send_html(context.bot, message.chat_id, escape(say("unknown_group", language)))
    view, keyboard = await asyncio.to_thread(_follow_view, context, chat_id, 0, language)
    await send_html(context.bot, message.chat_id, view, reply_markup=keyboard)


async def on_follow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the groups with ✅ on those followed; ``/suivre mali`` follows directly."""
    message = update.effective_message
    assert message is not None
    language = update_language(update)
    if context.args:
        await follow_group(update, context, " ".join(context.args), language)
        return
    text, keyboard = await asyncio.to_thread(
        _follow_view, context, str(message.chat_id), 0, language
    )
    await send_html(context.bot, message.chat_id, text, reply_markup=keyboard)


async def on_follow_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Toggle a group or a scheme (or turn the page) and redraw the keyboard."""
    query = update.callback_query
    assert query is not None and query.message is not None
    svc, chat_id, parts = services(context), str(query.message.chat.id), unpack(query.data)
    language = update_language(update)
    page = parse_id(parts[1], maximum=_MAX_PAGE) if len(parts) >= 2 else None
    if page is None or (parts[0] in ("subp", "subf") and len(parts) != 2):
        await query.answer(say("expired", language))
        return
    schemes = parts[0] in ("subf", "subs")  # the schemes' page, else the groups'
    if parts[0] in ("sub", "subs"):  # a toggle, else a page turned
        item = _followable(svc, parts, schemes)
        if item is None:
            await query.answer(say("expired", language))
            return
        await _toggle(query, context, *item, chat_id, language)
    else:
        await query.answer()
    view = _schemes_view if schemes else _follow_view
    text, keyboard = await asyncio.to_thread(view, context, chat_id, page, language)
    await edit_html(query, text, keyboard)


_Followable = tuple[Callable[[str, str], bool], Callable[[str, str], bool], str, str]


def _followable(svc: Services, parts: list[str], schemes: bool) -> _Followable | None:
    """How to follow and unfollow the group or scheme a button names, its id and name."""
    store = svc.subscriptions
    if schemes:
        fiche = svc.funding_catalog.get(parts[2]) if len(parts) == 3 else None
        if fiche is None or fiche not in followable_fiches(svc.funding_catalog):
            return None
        return store.follow_scheme, store.unfollow_scheme, fiche.id, fiche.short_name
    group = svc.agenda.groups.get(parts[2]) if len(parts) == 3 else None
    if group is None:
        return None
    return store.follow, store.unfollow, group.id, group.name


async def _toggle(
    query: CallbackQuery,
    context: ContextTypes.DEFAULT_TYPE,
    follow: Callable[[str, str], bool],
    unfollow: Callable[[str, str], bool],
    item_id: str,
    name: str,
    chat_id: str,
    language: str,
) -> None:
    """Follow (a group, a scheme), or stop following when already followed; say which."""
    followed = await asyncio.to_thread(follow, chat_id, item_id)
    if not followed:
        await asyncio.to_thread(unfollow, chat_id, item_id)
    await query.answer(say("toggle_on" if followed else "toggle_off", language, name=name))
    wake_reminders(context.application)


# --- /rappels -------------------------------------------------------------------------


def _leads_view(
    context: ContextTypes.DEFAULT_TYPE, chat_id: str, language: str = "fr"
) -> tuple[str, InlineKeyboardMarkup]:
    svc = services(context)
    leads = svc.reminders.leads_for(chat_id)
    own = svc.subscriptions.leads(chat_id) is not None
    choices = sorted(set(LEAD_CHOICES) | set(leads), reverse=True)
    buttons = [
        InlineKeyboardButton(
            f"{'✅' if lead in leads else '▫️'} {lead_label(lead, language)}",
            callback_data=pack("lead", lead),
        )
        for lead in choices
    ]
    rows = [buttons[index : index + 3] for index in range(0, len(buttons), 3)]
    reset = say("leads_reset", language)
    rows.append([InlineKeyboardButton(reset, callback_data=pack("leadr"))])
    followed = svc.subscriptions.following(chat_id)
    names = ", ".join(svc.agenda.groups.name(group) for group in followed)
    schemes = svc.subscriptions.schemes(chat_id)
    calls = ""
    if schemes:
        catalog = svc.funding_catalog
        named = [fiche.short_name if (fiche := catalog.get(item)) else item for item in schemes]
        days = _days(context, language)
        calls = say("leads_schemes", language, names=escape(", ".join(named)), days=days)
    text = say(
        "leads_view",
        language,
        leads=escape(", ".join(lead_label(lead, language) for lead in leads)),
        default=say("leads_default", language) if not own else "",
        names=escape(names or say("none_follow", language)),
        schemes=calls,
    )
    return text, InlineKeyboardMarkup(rows)


async def on_leads(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the reminder lead times in force, as toggles."""
    message = update.effective_message
    assert message is not None
    text, keyboard = await asyncio.to_thread(
        _leads_view, context, str(message.chat_id), update_language(update)
    )
    await send_html(context.bot, message.chat_id, text, reply_markup=keyboard)


async def on_lead_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Add or remove a lead time (never the last one), or go back to the defaults."""
    query = update.callback_query
    assert query is not None and query.message is not None
    svc, chat_id, parts = services(context), str(query.message.chat.id), unpack(query.data)
    language = update_language(update)
    lead = parse_id(parts[1], maximum=_MAX_LEAD_MINUTES) if len(parts) == 2 else None
    if parts == ["leadr"]:
        await asyncio.to_thread(svc.subscriptions.reset_leads, chat_id)
    elif parts[0] == "lead" and lead is not None:
        current = set(await asyncio.to_thread(svc.reminders.leads_for, chat_id))
        wanted = current ^ {lead}
        if not wanted:
            await query.answer(say("leads_keep_one", language))
            return
        try:
            await asyncio.to_thread(svc.subscriptions.set_leads, chat_id, wanted)
        except ValueError as error:
            await query.answer(str(error), show_alert=True)
            return
    else:
        await query.answer(say("expired", language))
        return
    await query.answer()
    wake_reminders(context.application)
    text, keyboard = await asyncio.to_thread(_leads_view, context, chat_id, language)
    await edit_html(query, text, keyboard)


# --- reminder delivery ------------------------------------------------------------------


class TelegramSender:
    """Sends a reminder as a message with its ``.ics`` (a Telegram error raises: released)."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, reminder: Reminder) -> None:
        chat_id = int(reminder.chat_id)
        await send_html(self.bot, chat_id, f"🔔 {escape(reminder_text.render(reminder))}")
        await send_attachments(self.bot, chat_id, (reminder_text.attachment(reminder),))


async def deliver_reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send every due reminder once (outbox: claim, send, mark sent), then plan the next."""
    data = context.application.bot_data
    sweeping: asyncio.Lock = data.setdefault(SWEEPING, asyncio.Lock())
    if sweeping.locked():
        # A sweep is under way, planned perhaps before what woke this one (a chat just
        # followed a group): it sweeps once more when it is done.
        data[SWEEP_AGAIN] = True
        return
    async with sweeping:
        data[SWEEP_AGAIN] = True
        while data.pop(SWEEP_AGAIN, False):
            await _sweep(context)


async def _sweep(context: ContextTypes.DEFAULT_TYPE) -> None:
    """One delivery, with at most one message in flight (the documented duplicate window)."""
    svc = services(context)
    leader: Leadership | None = context.application.bot_data.get(LEADER)
    if leader is not None and not await asyncio.to_thread(leader.try_lead):
        return  # another replica is the reminder worker
    now = svc.now()
    plan = await asyncio.to_thread(svc.reminders.plan, now)
    await deliver(
        plan,
        svc.reminders.outbox,
        TelegramSender(context.bot),
        clock=svc.now,
        recipient_allowed=lambda chat_id: _still_allowed(svc, chat_id),
    )
    _plan_next(context.application, now, plan.wake_at)


def _still_allowed(svc: Services, chat_id: str) -> bool:
    """Group chats always; a private chat (positive id) only while its user is a member."""
    user_id = int(chat_id) if chat_id.lstrip("-").isdigit() else -1
    return user_id <= 0 or svc.members.is_member(user_id)


def _plan_next(
    application: Application,  # type: ignore[type-arg]
    now: datetime,
    when: datetime | None,
) -> None:
    job_queue = application.job_queue
    if job_queue is None:
        return
    for job in job_queue.get_jobs_by_name(NEXT_JOB):
        job.schedule_removal()
    if when is not None:
        delay = max((when - now).total_seconds(), 0)
        job_queue.run_once(deliver_reminders, delay, name=NEXT_JOB)


def wake_reminders(application: Application) -> None:  # type: ignore[type-arg]
    """Run a delivery now (a chat followed a group or changed its lead times)."""
    if application.job_queue is not None:
        application.job_queue.run_once(deliver_reminders, 0, name=f"{NEXT_JOB}:wake")


async def refresh_calendars(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Re-read calendar files and URLs (a failed fetch keeps the last good copy)."""
    await asyncio.to_thread(services(context).agenda.refresh)


def release_leadership(application: Application) -> None:  # type: ignore[type-arg]
    """A stopping bot lets another process (or its own restart) sweep at once."""
    leader: Leadership | None = application.bot_data.pop(LEADER, None)
    if leader is not None:
        leader.resign()


def schedule_reminders(application: Application) -> None:  # type: ignore[type-arg]
    """Rebuild the reminder jobs at start-up (the JobQueue keeps nothing across restarts)."""
    job_queue = application.job_queue
    if job_queue is None:
        raise RuntimeError("python-telegram-bot[job-queue] is required for reminders")
    svc = application.bot_data["services"]
    settings = svc.settings
    application.bot_data[LEADER] = Leadership(svc.database, "reminders")
    for name in (SWEEP_JOB, REFRESH_JOB):
        for job in job_queue.get_jobs_by_name(name):
            job.schedule_removal()
    sweep = max(settings.reminder_sweep_seconds, 1.0)
    # A repeating job whose first run is due at once is scheduled one interval late when
    # the scheduler starts after it was added (seen: 60 s), so reminders a crashed run left
    # behind would wait: the first sweep is a job of its own.
    job_queue.run_once(deliver_reminders, 0, name=f"{SWEEP_JOB}:start")
    job_queue.run_repeating(deliver_reminders, sweep, first=sweep, name=SWEEP_JOB)
    refresh = max(settings.calendar_refresh_minutes, 1) * 60
    job_queue.run_repeating(refresh_calendars, refresh, first=refresh, name=REFRESH_JOB)
