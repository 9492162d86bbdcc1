"""The simulator's grants in the database (shared by every worker).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "simulator_grants",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("client_id", sa.String(200)),
        sa.Column("redirect_uri", sa.String(2048)),
        sa.Column("selling_partner_id", sa.String(128)),
        sa.Column("scope", sa.String(200)),
        sa.Column("central_host", sa.String(200)),
        sa.Column("expires_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_simulator_grants_expires_at", "simulator_grants", ["expires_at"])


def downgrade() -> None:
    op.drop_table("simulator_grants")
