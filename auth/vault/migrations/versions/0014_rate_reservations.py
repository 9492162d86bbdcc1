"""Per-minute reservations of an API key's rate, so the limit holds across the fleet.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_key_windows") as batch:
        batch.add_column(sa.Column("reserved", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("api_key_windows") as batch:
        batch.drop_column("reserved")
