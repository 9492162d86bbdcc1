"""Observations shared by every worker (what Amazon last sent to the Login URI).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from auth.vault.models import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "observations",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("value", sa.String(80), nullable=False),
        sa.Column("observed_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("observations")
