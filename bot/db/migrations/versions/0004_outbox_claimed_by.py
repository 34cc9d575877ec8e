"""The outbox records which worker process holds each claim.

A claim whose process is known to be dead (same machine, process gone) is taken
over at once instead of after its lease: a bot restarted after a crash sends the
reminders its previous run had claimed without waiting up to ten minutes.
Existing claims have no owner and wait for their lease, as before.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("reminder_outbox", sa.Column("claimed_by", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reminder_outbox") as batch:
        batch.drop_column("claimed_by")
