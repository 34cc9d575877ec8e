"""Which groups and funding schemes each chat follows, and its lead times (state database)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, Table, delete, select

from bot.db import dialect
from bot.db.schema import funding_follows, meeting_follows, meeting_leads
from bot.messages import message
from bot.storage import Database

MAX_LEAD_MINUTES = 14 * 24 * 60


@dataclass(frozen=True)
class Subscription:
    """What one chat follows; ``leads`` is ``None`` when it uses the default lead times."""

    chat_id: str
    groups: frozenset[str]
    leads: tuple[int, ...] | None = None


def parse_leads(text: str) -> tuple[int, ...]:
    """``"1440,60"`` → ``(1440, 60)``; raise ``ValueError`` with a French message otherwise."""
    try:
        leads = [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise ValueError(message("leads_not_minutes", text=text)) from None
    return normalize_leads(leads)


def normalize_leads(leads: Iterable[int]) -> tuple[int, ...]:
    """Distinct lead times, largest first, each between 1 minute and 14 days."""
    values = sorted({int(lead) for lead in leads}, reverse=True)
    if not values:
        raise ValueError(message("leads_none"))
    for lead in values:
        if not 1 <= lead <= MAX_LEAD_MINUTES:
            raise ValueError(message("leads_out_of_range", lead=lead, most=MAX_LEAD_MINUTES))
    return tuple(values)


class SubscriptionStore:
    """Follows and lead times per chat id; every write is durable when the call returns."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def follow(self, chat_id: str, group_id: str) -> bool:
        """Follow a group; true when the chat did not follow it yet."""
        return self._add(meeting_follows, "group_id", chat_id, group_id)

    def unfollow(self, chat_id: str, group_id: str) -> bool:
        """Stop following a group; true when the chat did follow it."""
        return self._remove(meeting_follows, "group_id", chat_id, group_id)

    def following(self, chat_id: str) -> list[str]:
        """Group ids this chat follows, sorted."""
        return self._followed(meeting_follows, "group_id", chat_id)

    def chats_following(self, group_id: str) -> list[str]:
        """Chat ids following a group, sorted."""
        with self.database.transaction() as connection:
            rows = connection.execute(
                select(meeting_follows.c.chat_id)
                .where(meeting_follows.c.group_id == group_id)
                .order_by(meeting_follows.c.chat_id)
            ).scalars()
            return list(rows)

    # --- funding schemes (fiche ids), reminded before their calls close ----------------

    def follow_scheme(self, chat_id: str, fiche_id: str) -> bool:
        """Follow a funding scheme's calls; true when the chat did not follow it yet."""
        return self._add(funding_follows, "fiche_id", chat_id, fiche_id)

    def unfollow_scheme(self, chat_id: str, fiche_id: str) -> bool:
        """Stop following a funding scheme; true when the chat did follow it."""
        return self._remove(funding_follows, "fiche_id", chat_id, fiche_id)

    def schemes(self, chat_id: str) -> list[str]:
        """Fiche ids of the funding schemes this chat follows, sorted."""
        return self._followed(funding_follows, "fiche_id", chat_id)

    # --- one (chat, followed thing) table: groups or funding schemes -------------------

    def _add(self, table: Table, column: str, chat_id: str, value: str) -> bool:
        with self.database.transaction() as connection:
            statement = dialect.insert(connection, table).values(chat_id=chat_id, **{column: value})
            return connection.execute(statement.on_conflict_do_nothing()).rowcount == 1

    def _remove(self, table: Table, column: str, chat_id: str, value: str) -> bool:
        with self.database.transaction() as connection:
            result = connection.execute(
                delete(table).where(table.c.chat_id == chat_id, table.c[column] == value)
            )
            return result.rowcount == 1

    def _followed(self, table: Table, column: str, chat_id: str) -> list[str]:
        with self.database.transaction() as connection:
            rows = connection.execute(
                select(table.c[column]).where(table.c.chat_id == chat_id).order_by(table.c[column])
            ).scalars()
            return list(rows)

    def scheme_follows(self) -> tuple[tuple[str, str], ...]:
        """Every (chat id, fiche id) followed, sorted (the input of deadline reminders)."""
        with self.database.transaction() as connection:
            return self._scheme_follows(connection)

    @staticmethod
    def _scheme_follows(connection: Connection) -> tuple[tuple[str, str], ...]:
        rows = connection.execute(
            select(funding_follows.c.chat_id, funding_follows.c.fiche_id).order_by(
                funding_follows.c.chat_id, funding_follows.c.fiche_id
            )
        ).all()
        return tuple((row.chat_id, row.fiche_id) for row in rows)

    def set_leads(self, chat_id: str, leads: Iterable[int]) -> tuple[int, ...]:
        """Set this chat's lead times (minutes before the meeting); return them normalized."""
        values = normalize_leads(leads)
        with self.database.transaction() as connection:
            statement = dialect.insert(connection, meeting_leads).values(
                chat_id=chat_id, leads=",".join(map(str, values))
            )
            connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[meeting_leads.c.chat_id],
                    set_={"leads": statement.excluded.leads},
                )
            )
        return values

    def leads(self, chat_id: str) -> tuple[int, ...] | None:
        """This chat's own lead times, or ``None`` when it uses the default."""
        with self.database.transaction() as connection:
            text = connection.execute(
                select(meeting_leads.c.leads).where(meeting_leads.c.chat_id == chat_id)
            ).scalar_one_or_none()
        return tuple(int(value) for value in text.split(",")) if text else None

    def reset_leads(self, chat_id: str) -> None:
        """Go back to the default lead times."""
        with self.database.transaction() as connection:
            connection.execute(delete(meeting_leads).where(meeting_leads.c.chat_id == chat_id))

    def all(self) -> list[Subscription]:
        """Every chat that follows at least one group (the input of reminder scheduling)."""
        return self.everything()[0]

    def everything(self) -> tuple[list[Subscription], tuple[tuple[str, str], ...]]:
        """:meth:`all` and :meth:`scheme_follows`, read in one transaction."""
        with self.database.transaction() as connection:
            schemes = self._scheme_follows(connection)
            follows = connection.execute(
                select(meeting_follows.c.chat_id, meeting_follows.c.group_id).order_by(
                    meeting_follows.c.chat_id, meeting_follows.c.group_id
                )
            ).all()
            leads = connection.execute(select(meeting_leads.c.chat_id, meeting_leads.c.leads)).all()
        lead_map = {
            row.chat_id: tuple(int(value) for value in row.leads.split(",")) for row in leads
        }
        groups: dict[str, set[str]] = {}
        for row in follows:
            groups.setdefault(row.chat_id, set()).add(row.group_id)
        subscriptions = [
            Subscription(chat_id, frozenset(group_ids), lead_map.get(chat_id))
            for chat_id, group_ids in groups.items()
        ]
        return subscriptions, schemes

    def forget(self, chat_id: str) -> None:
        """Erase everything stored about this chat's subscriptions (groups and schemes)."""
        with self.database.transaction() as connection:
            connection.execute(delete(meeting_follows).where(meeting_follows.c.chat_id == chat_id))
            connection.execute(delete(meeting_leads).where(meeting_leads.c.chat_id == chat_id))
            connection.execute(delete(funding_follows).where(funding_follows.c.chat_id == chat_id))
