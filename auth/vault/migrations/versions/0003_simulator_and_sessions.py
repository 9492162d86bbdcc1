"""Shared by every worker: the simulator's grants, log-in failures and administrator sessions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

from auth.vault.models import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("oauth_states") as table:
        table.add_column(sa.Column("address_hash", sa.String(64)))
    op.create_index("ix_oauth_states_address_created", "oauth_states", ["address_hash", "created_at"])
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
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("address_hash", sa.String(64), nullable=False),
        sa.Column("device_hash", sa.String(64)),
    )
    op.create_index("ix_login_failures_at", "login_failures", ["at"])
    op.create_index("ix_login_failures_address_hash", "login_failures", ["address_hash"])
    op.create_table(
        "admin_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("password_fingerprint", sa.String(64), nullable=False),
    )
    op.create_index("ix_admin_sessions_expires_at", "admin_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_table("admin_sessions")
    op.drop_table("login_failures")
    op.drop_table("simulator_grants")
    op.drop_index("ix_oauth_states_address_created", "oauth_states")
    with op.batch_alter_table("oauth_states") as table:
        table.drop_column("address_hash")
