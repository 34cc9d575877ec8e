"""The state as it was before migrations: every store's tables.

Databases made before Alembic (``CREATE TABLE IF NOT EXISTS`` by each store)
already hold some of these tables: only the missing ones are created, and an
outbox made before leases gets its ``lease_until`` column. Nothing is lost.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _tables() -> list[tuple[str, list[Any], dict[str, Any]]]:
    return [
        (
            "access_requests",
            [
                sa.Column("user_id", sa.BigInteger, primary_key=True, autoincrement=False),
                sa.Column("name", sa.Text, nullable=False),
                sa.Column("username", sa.Text),
                sa.Column("status", sa.Text, nullable=False),
                sa.Column("requested_at", sa.Text, nullable=False),
                sa.Column("decided_at", sa.Text),
                sa.Column("decided_by", sa.BigInteger),
                sa.CheckConstraint(
                    "status IN ('pending', 'approved', 'refused')", name="access_status"
                ),
            ],
            {},
        ),
        (
            "answer_log",
            [
                sa.Column("id", _ID, primary_key=True, autoincrement=True),
                sa.Column("chat_id", sa.Text, nullable=False),
                sa.Column("question", sa.Text, nullable=False),
                sa.Column("answer", sa.Text, nullable=False),
                sa.Column("answered", sa.Integer, nullable=False),
                sa.Column("kind", sa.Text, nullable=False),
                sa.Column("sources", sa.Text, nullable=False),
                sa.Column("created_at", sa.Text, nullable=False),
            ],
            {"sqlite_autoincrement": True},
        ),
        (
            "feedback",
            [
                sa.Column(
                    "answer_id",
                    _ID,
                    sa.ForeignKey("answer_log.id", ondelete="CASCADE"),
                    primary_key=True,
                    autoincrement=False,
                ),
                sa.Column("user_id", sa.BigInteger, primary_key=True, autoincrement=False),
                sa.Column("rating", sa.Integer, nullable=False),
                sa.Column("rated_at", sa.Text, nullable=False),
                sa.CheckConstraint("rating IN (-1, 1)", name="feedback_rating"),
            ],
            {},
        ),
        (
            "conversation_turns",
            [
                sa.Column("id", _ID, primary_key=True, autoincrement=True),
                sa.Column("chat_id", sa.Text, nullable=False),
                sa.Column("asked_at", sa.Text, nullable=False),
                sa.Column("question", sa.Text, nullable=False),
                sa.Column("standalone_question", sa.Text, nullable=False),
                sa.Column("answer", sa.Text, nullable=False),
            ],
            {"sqlite_autoincrement": True},
        ),
        (
            "meeting_follows",
            [
                sa.Column("chat_id", sa.Text, primary_key=True),
                sa.Column("group_id", sa.Text, primary_key=True),
            ],
            {},
        ),
        (
            "meeting_leads",
            [
                sa.Column("chat_id", sa.Text, primary_key=True),
                sa.Column("leads", sa.Text, nullable=False),
            ],
            {},
        ),
        (
            "reminder_outbox",
            [
                sa.Column("key", sa.Text, primary_key=True),
                sa.Column("chat_id", sa.Text, nullable=False),
                sa.Column("kind", sa.Text, nullable=False),
                sa.Column("state", sa.Text, nullable=False),
                sa.Column("claimed_at", sa.Double, nullable=False),
                sa.Column("sent_at", sa.Double),
                sa.Column("occurrence_start", sa.Double, nullable=False),
                sa.Column("lease_until", sa.Double),
                sa.CheckConstraint("state IN ('claimed', 'sent')", name="outbox_state"),
            ],
            {},
        ),
        (
            "reminder_notified",
            [
                sa.Column("chat_id", sa.Text, primary_key=True),
                sa.Column("uid", sa.Text, primary_key=True),
                sa.Column("occurrence_key", sa.Text, primary_key=True),
                sa.Column("start", sa.Double, nullable=False),
                sa.Column("snapshot", sa.Text, nullable=False),
            ],
            {},
        ),
    ]


_INDEXES = [
    ("answer_log_chat", "answer_log", ["chat_id"]),
    ("conversation_turns_chat", "conversation_turns", ["chat_id", "id"]),
    ("meeting_follows_group", "meeting_follows", ["group_id"]),
    ("reminder_outbox_chat", "reminder_outbox", ["chat_id"]),
]


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    existing = set(inspector.get_table_names())
    for name, columns, options in _tables():
        if name not in existing:
            op.create_table(name, *columns, **options)
    if "reminder_outbox" in existing:  # an outbox made before leases
        names = {column["name"] for column in inspector.get_columns("reminder_outbox")}
        if "lease_until" not in names:
            op.add_column("reminder_outbox", sa.Column("lease_until", sa.Double))
    for index, table, columns in _INDEXES:
        known = {item["name"] for item in sa.inspect(op.get_bind()).get_indexes(table)}
        if index not in known:
            op.create_index(index, table, columns)


def downgrade() -> None:
    for name, _columns, _options in reversed(_tables()):
        op.drop_table(name)
