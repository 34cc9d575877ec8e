"""The outbox counts how many times each message was claimed.

A message claimed more than once had a worker die (or fail) between its claim
and its acknowledgement: the figure shows how often the at-least-once window
was entered. Existing rows count as claimed once.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "reminder_outbox",
        sa.Column("attempts", sa.Integer, nullable=False, server_default="1"),
    )


def downgrade() -> None:
    with op.batch_alter_table("reminder_outbox") as batch:
        batch.drop_column("attempts")
