"""The schema as it stood before migrations: states, spent codes, authorizations.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

from auth.vault.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "oauth_states",
        sa.Column("state_hash", sa.String(64), primary_key=True),
        sa.Column("browser_hash", sa.String(64), nullable=False),
        sa.Column("flow", sa.String(16), nullable=False),
        sa.Column("account_type", sa.String(8), nullable=False),
        sa.Column("region", sa.String(2), nullable=False),
        sa.Column("marketplace_id", sa.String(32)),
        sa.Column("selling_partner_id", sa.String(128)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("consumed_at", UTCDateTime()),
    )
    op.create_index("ix_oauth_states_expires_at", "oauth_states", ["expires_at"])
    op.create_table(
        "used_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_used_codes_seen_at", "used_codes", ["seen_at"])
    op.create_table(
        "authorizations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("selling_partner_id", sa.String(128), nullable=False),
        sa.Column("region", sa.String(2), nullable=False),
        sa.Column("account_type", sa.String(8), nullable=False),
        sa.Column("workflow", sa.String(16), nullable=False),
        sa.Column("refresh_token_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("fingerprint", sa.String(32), nullable=False),
        sa.Column("authorized_at", UTCDateTime(), nullable=False),
        sa.Column("last_refresh_at", UTCDateTime()),
        sa.Column("last_refresh_result", sa.String(64)),
        sa.Column("needs_reauthorization", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("selling_partner_id", "region"),
    )


def downgrade() -> None:
    op.drop_table("authorizations")
    op.drop_table("used_codes")
    op.drop_table("oauth_states")
