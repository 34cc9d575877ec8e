"""Meeting commands: agenda, groups, follow/unfollow/following, reminders, ics.

``follow``/``unfollow`` take a group or a funding scheme (its calls' closing dates
are reminded, ``CUF_FUNDING_REMINDER_DAYS``), as ``/suivre`` does on Telegram;
``agenda`` lists the calls closing in the period beside the meetings.

The CLI is one more delivery channel: ``reminders-due --send`` prints the due
reminders on stdout and records them as sent, through the same loop as the
Telegram job (:func:`bot.meetings.delivery.deliver`) with a :class:`StdoutSender`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import stat
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.funding.deadlines import format_deadline, upcoming
from bot.meetings import reminder_text
from bot.meetings.follows import GROUP, Target, resolve
from bot.meetings.formatting import format_occurrence
from bot.meetings.groups import Group
from bot.messages import message

if TYPE_CHECKING:
    from bot.answers import Attachment
    from bot.app import Services
    from bot.funding.deadlines import Deadline
    from bot.meetings.agenda import Agenda
    from bot.meetings.reminders import Reminder
    from bot.meetings.subscriptions import SubscriptionStore


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    agenda = subparsers.add_parser(
        "agenda", help="upcoming meetings and funding calls' closing dates"
    )
    agenda.add_argument("--days", type=int, default=30, help="how many days ahead (30)")
    agenda.add_argument("--group", help="only this group (id, name or alias)")
    agenda.add_argument("--now", help="ISO date-time to use as now (default: the clock)")
    agenda.add_argument(
        "--calendar",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="read these .ics files instead of the configured calendars",
    )
    agenda.add_argument("--json", action="store_true", help="a JSON array sorted by start")
    agenda.set_defaults(handler=run_agenda)

    groups = subparsers.add_parser("groups", help="list the groups one can follow")
    groups.add_argument("--json", action="store_true")
    groups.set_defaults(handler=run_groups)

    follow = subparsers.add_parser(
        "follow", help="follow a group's meetings or a funding scheme's calls"
    )
    follow.add_argument("group", help="a group or a funding scheme (id, name or alias)")
    follow.add_argument("--chat", required=True, help="chat id")
    follow.set_defaults(handler=run_follow)

    unfollow = subparsers.add_parser("unfollow", help="stop following a group or a scheme")
    unfollow.add_argument("group", help="a group or a funding scheme")
    unfollow.add_argument("--chat", required=True, help="chat id")
    unfollow.set_defaults(handler=run_unfollow)

    following = subparsers.add_parser("following", help="groups and schemes a chat follows")
    following.add_argument("--chat", required=True, help="chat id")
    following.set_defaults(handler=run_following)

    reminders = subparsers.add_parser("reminders", help="see or set a chat's lead times")
    reminders.add_argument("--chat", required=True, help="chat id")
    reminders.add_argument("--leads", help="minutes before the meeting, e.g. 1440,60")
    reminders.add_argument("--reset", action="store_true", help="back to the default")
    reminders.set_defaults(handler=run_reminders)

    due = subparsers.add_parser("reminders-due", help="reminders due now (--send: deliver)")
    due.add_argument("--now", help="ISO date-time to use as now (default: the clock)")
    due.add_argument(
        "--send", action="store_true", help="print them on stdout and record them as sent"
    )
    due.set_defaults(handler=run_reminders_due)

    ics = subparsers.add_parser("ics", help="an .ics of the meetings a chat follows")
    ics.add_argument("--chat", required=True, help="chat id")
    ics.add_argument("--days", type=int, default=365)
    ics.add_argument("--now", help="ISO date-time to use as now (default: the clock)")
    ics.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    ics.set_defaults(handler=run_ics)


# --- helpers ---------------------------------------------------------------------------


def _now(args: argparse.Namespace, services: Services) -> datetime:
    """``--now`` when given (naive times are in the configured zone), else the clock."""
    if not getattr(args, "now", None):
        return services.now()
    moment = datetime.fromisoformat(args.now)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=services.timezone)
    return moment.astimezone(services.timezone)


def _resolve_group(text: str, agenda: Agenda) -> Group | None:
    """The group named by ``text``; print a French message with close matches if none."""
    group = agenda.groups.resolve(text)
    if group is not None:
        return group
    close = agenda.groups.close_matches(text)
    print(message("cli_unknown_group", text=text), file=sys.stderr)
    if close:
        suggestions = ", ".join(f"{item.id} ({item.name})" for item in close)
        print(message("cli_did_you_mean", suggestions=suggestions), file=sys.stderr)
    print(message("cli_groups_hint"), file=sys.stderr)
    return None


def _print_errors(agenda: Agenda) -> None:
    for error in agenda.errors:
        print(f"Attention : {error}", file=sys.stderr)


# --- handlers --------------------------------------------------------------------------


def run_agenda(args: argparse.Namespace, services: Services) -> int:
    """Print the upcoming meetings (text or JSON)."""
    try:
        now = _now(args, services)
    except ValueError:
        print(message("cli_bad_now", now=args.now), file=sys.stderr)
        return 2
    if args.calendar:
        from bot.app import build_agenda

        agenda = build_agenda(services.settings, files=args.calendar)
    else:
        agenda = services.agenda
    group_id = None
    if args.group:
        group = _resolve_group(args.group, agenda)
        if group is None:
            return 1
        group_id = group.id
    occurrences = agenda.upcoming(now, args.days, group_id)
    _print_errors(agenda)
    today = now.date()
    # A group's agenda has no funding call; past closing dates are never listed.
    closing = [] if group_id else upcoming(services.funding_deadlines(), today, args.days)
    if args.json:
        items: list[dict[str, object]] = []
        for occurrence in occurrences:
            item = {"kind": "meeting", **occurrence.to_dict()}
            item["notes"] = [str(note.path) for note in agenda.notes_for(occurrence)]
            items.append(item)
        items += [_deadline_json(deadline, today) for deadline in closing]
        print(json.dumps(items, ensure_ascii=False, indent=2))
        return 0
    if not occurrences:
        print(message("agenda_none_in_window", days=args.days))
    for occurrence in occurrences:
        print(format_occurrence(occurrence, agenda.groups))
        for note in agenda.notes_for(occurrence):
            print(f"  Compte rendu : {note.title} ({note.path})")
    if closing:
        print("\n" + message("cli_deadlines_title", days=args.days))
        for deadline in closing:
            print(format_deadline(deadline, today))
    return 0


def _deadline_json(deadline: Deadline, today: date) -> dict[str, object]:
    """A call closing in the period (``status``: open, or not open yet)."""
    return {
        "kind": "deadline",
        "fiche": deadline.fiche_id,
        "scheme": deadline.scheme,
        "edition": deadline.edition,
        "opens": deadline.opens.isoformat() if deadline.opens else None,
        "closes": deadline.closes.isoformat(),
        "status": "open" if deadline.is_open(today) else "not_open_yet",
        "confirmed": deadline.confirmed,
        "url": deadline.url,
        "fiche_file": deadline.fiche_file,
    }


def run_groups(args: argparse.Namespace, services: Services) -> int:
    """List the groups one can follow."""
    groups = services.agenda.groups.groups
    if args.json:
        data = [
            {"id": group.id, "name": group.name, "kind": group.kind, "aliases": list(group.aliases)}
            for group in groups
        ]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    for group in groups:
        print(f"{group.id:<26} {group.name}")
    return 0


def _resolve_target(text: str, services: Services) -> Target | None:
    """The group or funding scheme named by ``text``; else say so on stderr."""
    target = resolve(text, services.agenda.groups, services.funding_catalog)
    if target is None:
        _resolve_group(text, services.agenda)  # the groups' "did you mean"
        print(message("cli_funding_hint"), file=sys.stderr)
    return target


def run_follow(args: argparse.Namespace, services: Services) -> int:
    """Follow a group, or a funding scheme's calls."""
    target = _resolve_target(args.group, services)
    if target is None:
        return 1
    store = services.subscriptions
    if target.kind == GROUP:
        new = store.follow(args.chat, target.id)
    else:
        new = store.follow_scheme(args.chat, target.id)
    print(message("cli_followed" if new else "cli_already_followed", name=target.name))
    if target.kind != GROUP and new:
        days = message("and").join(str(day) for day in services.settings.funding_reminder_days)
        print(message("cli_scheme_reminders", days=days))
    return 0


def run_unfollow(args: argparse.Namespace, services: Services) -> int:
    """Stop following a group or a funding scheme."""
    target = _resolve_target(args.group, services)
    if target is None:
        return 1
    store = services.subscriptions
    if target.kind == GROUP:
        done = store.unfollow(args.chat, target.id)
    else:
        done = store.unfollow_scheme(args.chat, target.id)
    print(message("cli_unfollowed" if done else "cli_not_followed", name=target.name))
    return 0


def run_following(args: argparse.Namespace, services: Services) -> int:
    """The groups and funding schemes a chat follows."""
    group_ids = services.subscriptions.following(args.chat)
    fiche_ids = services.subscriptions.schemes(args.chat)
    if not group_ids and not fiche_ids:
        print(message("cli_following_none"))
        return 0
    for group_id in group_ids:
        print(f"{group_id:<26} {services.agenda.groups.name(group_id)}")
    for fiche_id in fiche_ids:
        fiche = services.funding_catalog.get(fiche_id)
        name = fiche.short_name if fiche else fiche_id
        print(f"{fiche_id:<26} {message('cli_scheme_followed', name=name)}")
    return 0


def _format_leads(leads: tuple[int, ...]) -> str:
    parts = []
    for lead in leads:
        days, rest = divmod(lead, 24 * 60)
        hours, minutes = divmod(rest, 60)
        label = " ".join(
            text
            for value, text in (
                (days, f"{days} j"),
                (hours, f"{hours} h"),
                (minutes, f"{minutes} min"),
            )
            if value
        )
        parts.append(label)
    return ", ".join(parts)


def run_reminders(args: argparse.Namespace, services: Services) -> int:
    """See or change a chat's lead times."""
    from bot.meetings.subscriptions import parse_leads

    if args.reset:
        services.subscriptions.reset_leads(args.chat)
    elif args.leads:
        try:
            services.subscriptions.set_leads(args.chat, parse_leads(args.leads))
        except ValueError as error:
            print(str(error), file=sys.stderr)
            return 1
    leads = services.reminders.leads_for(args.chat)
    own = services.subscriptions.leads(args.chat) is not None
    key = "cli_leads_own" if own else "cli_leads_default"
    print(message(key, leads=_format_leads(leads)))
    return 0


def _reminder_text(reminder: Reminder) -> str:
    filename = reminder_text.attachment(reminder).filename
    return (
        f"--- chat {reminder.chat_id} · {reminder.kind} · {reminder.key}\n"
        f"{reminder_text.render(reminder)}\n{message('reminder_cli', filename=filename)}\n"
    )


class StdoutSender:
    """Writes each reminder to stdout and makes it durable before it is acknowledged.

    The outbox records a reminder as sent as soon as :meth:`send` returns, so the
    text must already be out of the process: flushed, and fsynced when stdout is
    a file. A write error raises, and the reminder is released for the next run.
    """

    async def send(self, reminder: Reminder) -> None:
        sys.stdout.write(_reminder_text(reminder))
        sys.stdout.flush()
        try:
            descriptor = sys.stdout.fileno()
        except (AttributeError, OSError, ValueError):
            return  # not a real file (captured output): flushed is all we can do
        if stat.S_ISREG(os.fstat(descriptor).st_mode):
            os.fsync(descriptor)


def run_reminders_due(args: argparse.Namespace, services: Services) -> int:
    """Print the reminders due now; with ``--send``, deliver them and record them as sent."""
    from bot.meetings.delivery import deliver

    now = _now(args, services)
    plan = services.reminders.plan(now)
    if args.send:
        outbox = services.reminders.outbox
        sent = asyncio.run(deliver(plan, outbox, StdoutSender(), clock=lambda: now))
        print(message("cli_reminders_sent", count=len(sent)), file=sys.stderr)
        return 0
    for reminder in plan.due:
        sys.stdout.write(_reminder_text(reminder))
    count = len(plan.due)
    print(message("cli_reminders_preview", count=count), file=sys.stderr)
    return 0


def following_ics(
    agenda: Agenda, subscriptions: SubscriptionStore, chat_id: str, now: datetime, days: int
) -> Attachment:
    """An ``.ics`` of the upcoming meetings of every group the chat follows."""
    from bot.meetings.ics_export import following_attachment

    groups = set(subscriptions.following(chat_id))
    occurrences = [
        occurrence
        for occurrence in agenda.upcoming(now, days)
        if groups.intersection(occurrence.groups)
    ]
    return following_attachment(occurrences, now)


def run_ics(args: argparse.Namespace, services: Services) -> int:
    """Write an .ics of the upcoming meetings of every group the chat follows."""
    now = _now(args, services)
    attachment = following_ics(services.agenda, services.subscriptions, args.chat, now, args.days)
    if args.output:
        args.output.write_bytes(attachment.content)
        print(message("cli_written", path=args.output), file=sys.stderr)
    else:
        sys.stdout.write(attachment.content.decode("utf-8"))
    return 0
