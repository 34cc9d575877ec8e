"""Every table of the assistant's state, for SQLite and PostgreSQL alike.

Telegram user ids are ``BIGINT`` (they use up to 52 bits); chat ids are kept as
text, as every store already handles them. Times that are compared are stored
as epoch seconds (``DOUBLE``) or ISO text in UTC, which sorts correctly.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# An autoincrementing id: INTEGER (the rowid, AUTOINCREMENT: never reused) on SQLite.
_Id = BigInteger().with_variant(Integer(), "sqlite")

access_requests = Table(
    "access_requests",
    metadata,
    Column("user_id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", Text, nullable=False),
    Column("username", Text),
    Column("status", Text, nullable=False),
    Column("requested_at", Text, nullable=False),
    Column("decided_at", Text),
    Column("decided_by", BigInteger),
    CheckConstraint("status IN ('pending', 'approved', 'refused')", name="access_status"),
)

answer_log = Table(
    "answer_log",
    metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("chat_id", Text, nullable=False),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("answered", Integer, nullable=False),
    Column("kind", Text, nullable=False),
    Column("sources", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Index("answer_log_chat", "chat_id"),
    sqlite_autoincrement=True,
)

feedback = Table(
    "feedback",
    metadata,
    Column(
        "answer_id",
        _Id,
        ForeignKey("answer_log.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("user_id", BigInteger, primary_key=True, autoincrement=False),
    Column("rating", Integer, nullable=False),
    Column("rated_at", Text, nullable=False),
    CheckConstraint("rating IN (-1, 1)", name="feedback_rating"),
)

conversation_turns = Table(
    "conversation_turns",
    metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("chat_id", Text, nullable=False),
    Column("asked_at", Text, nullable=False),
    Column("question", Text, nullable=False),
    Column("standalone_question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Index("conversation_turns_chat", "chat_id", "id"),
    sqlite_autoincrement=True,
)

meeting_follows = Table(
    "meeting_follows",
    metadata,
    Column("chat_id", Text, primary_key=True),
    Column("group_id", Text, primary_key=True),
    Index("meeting_follows_group", "group_id"),
)

# Added by migration 0006: the funding schemes (fiche ids) a chat follows, reminded
# before their calls close (bot.meetings.deadlines).
funding_follows = Table(
    "funding_follows",
    metadata,
    Column("chat_id", Text, primary_key=True),
    Column("fiche_id", Text, primary_key=True),
    Index("funding_follows_fiche", "fiche_id"),
)

meeting_leads = Table(
    "meeting_leads",
    metadata,
    Column("chat_id", Text, primary_key=True),
    Column("leads", Text, nullable=False),
)

reminder_outbox = Table(
    "reminder_outbox",
    metadata,
    Column("key", Text, primary_key=True),
    Column("chat_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("claimed_at", Double, nullable=False),
    Column("sent_at", Double),
    Column("occurrence_start", Double, nullable=False),
    Column("lease_until", Double),
    # Added by migration 0002: how many times the message was claimed (more than
    # once when a worker died or failed between its claim and its acknowledgement).
    Column("attempts", Integer, nullable=False, server_default="1"),
    # Added by migration 0004: the worker process holding the claim (see bot.workers).
    Column("claimed_by", Text),
    CheckConstraint("state IN ('claimed', 'sent')", name="outbox_state"),
    Index("reminder_outbox_chat", "chat_id"),
)

reminder_notified = Table(
    "reminder_notified",
    metadata,
    Column("chat_id", Text, primary_key=True),
    Column("uid", Text, primary_key=True),
    Column("occurrence_key", Text, primary_key=True),
    Column("start", Double, nullable=False),
    Column("snapshot", Text, nullable=False),
)


rate_limits = Table(
    "rate_limits",
    metadata,
    Column("scope", Text, primary_key=True),
    Column("user_id", BigInteger, primary_key=True, autoincrement=False),
    Column("window", BigInteger, primary_key=True, autoincrement=False),
    Column("count", Integer, nullable=False),
    Column("warned", Integer, nullable=False, server_default="0"),
)

# Added by migration 0005: questions members hand over to CUF's staff (bot.staff.handoff).
handoffs = Table(
    "handoffs",
    metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("member_chat_id", Text, nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("answer_id", BigInteger, nullable=False),
    Column("question", Text, nullable=False),
    Column("language", Text, nullable=False),
    Column("staff_chat_id", Text),
    Column("staff_message_id", BigInteger),
    Column("created_at", Text, nullable=False),
    Column("answered_at", Text),
    UniqueConstraint("member_chat_id", "answer_id", name="handoffs_member_answer"),
    Index("handoffs_staff_message", "staff_chat_id", "staff_message_id"),
    Index("handoffs_user", "user_id", "created_at"),
    sqlite_autoincrement=True,
)

# Added by migration 0005: ratings kept after the retention purge, without chat nor user
# (bot.staff.privacy), for the staff's knowledge gaps.
feedback_archive = Table(
    "feedback_archive",
    metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("rating", Integer, nullable=False),
    Column("rated_at", Text, nullable=False),
    CheckConstraint("rating IN (-1, 1)", name="feedback_archive_rating"),
    sqlite_autoincrement=True,
)

STATE_TABLES = tuple(metadata.sorted_tables)
