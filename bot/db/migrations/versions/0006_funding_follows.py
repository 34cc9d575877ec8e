"""The funding schemes each chat follows, reminded before their calls close.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "funding_follows",
        sa.Column("chat_id", sa.Text, primary_key=True),
        sa.Column("fiche_id", sa.Text, primary_key=True),
    )
    op.create_index("funding_follows_fiche", "funding_follows", ["fiche_id"])


def downgrade() -> None:
    op.drop_index("funding_follows_fiche", table_name="funding_follows")
    op.drop_table("funding_follows")
