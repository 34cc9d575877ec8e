"""The staff's tables: questions handed over to CUF's staff, anonymised ratings.

``handoffs`` and ``feedback_archive`` were created by their own stores on the
SQLite state only (``CREATE TABLE IF NOT EXISTS``); a SQLite database that
already holds them keeps them and their rows, the others get them here.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "handoffs" not in existing:
        op.create_table(
            "handoffs",
            sa.Column("id", _ID, primary_key=True, autoincrement=True),
            sa.Column("member_chat_id", sa.Text, nullable=False),
            sa.Column("user_id", sa.BigInteger, nullable=False),
            sa.Column("answer_id", sa.BigInteger, nullable=False),
            sa.Column("question", sa.Text, nullable=False),
            sa.Column("language", sa.Text, nullable=False),
            sa.Column("staff_chat_id", sa.Text),
            sa.Column("staff_message_id", sa.BigInteger),
            sa.Column("created_at", sa.Text, nullable=False),
            sa.Column("answered_at", sa.Text),
            sa.UniqueConstraint("member_chat_id", "answer_id", name="handoffs_member_answer"),
            sqlite_autoincrement=True,
        )
        op.create_index("handoffs_staff_message", "handoffs", ["staff_chat_id", "staff_message_id"])
        op.create_index("handoffs_user", "handoffs", ["user_id", "created_at"])
    if "feedback_archive" not in existing:
        op.create_table(
            "feedback_archive",
            sa.Column("id", _ID, primary_key=True, autoincrement=True),
            sa.Column("question", sa.Text, nullable=False),
            sa.Column("answer", sa.Text, nullable=False),
            sa.Column("rating", sa.Integer, nullable=False),
            sa.Column("rated_at", sa.Text, nullable=False),
            sa.CheckConstraint("rating IN (-1, 1)", name="feedback_archive_rating"),
            sqlite_autoincrement=True,
        )


def downgrade() -> None:
    op.drop_table("feedback_archive")
    op.drop_index("handoffs_user", table_name="handoffs")
    op.drop_index("handoffs_staff_message", table_name="handoffs")
    op.drop_table("handoffs")
