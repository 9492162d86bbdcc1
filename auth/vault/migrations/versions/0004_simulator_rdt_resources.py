"""The simulator's Restricted Data Tokens remember the resources they were issued for.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("simulator_grants") as table:
        table.add_column(sa.Column("resources", sa.Text()))


def downgrade() -> None:
    with op.batch_alter_table("simulator_grants") as table:
        table.drop_column("resources")
