"""Connect: connect sessions and campaigns, login sessions, and the customer's reference and
tags on authorizations (active and pending).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from auth.vault.models import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("authorizations") as batch:
        batch.add_column(sa.Column("customer_ref", sa.String(128)))
        batch.add_column(sa.Column("tags", sa.Text()))
        batch.create_index("ix_authorizations_customer_ref", ["customer_ref"])
    with op.batch_alter_table("pending_authorizations") as batch:
        batch.add_column(sa.Column("customer_ref", sa.String(128)))
        batch.add_column(sa.Column("tags", sa.Text()))
    op.create_table(
        "connect_sessions",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("invitation_id", sa.Integer(), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("customer_ref", sa.String(128)),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.Column("return_url", sa.String(2048)),
        sa.Column("campaign_id", sa.String(40)),
        sa.Column("key_id", sa.String(40)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("completed_at", UTCDateTime()),
        sa.Column("outcome", sa.String(16)),
        sa.Column("selling_partner_id", sa.String(128)),
        sa.Column("region", sa.String(2)),
        sa.Column("last_error", sa.Text()),
    )
    op.create_index("ix_connect_sessions_campaign_id", "connect_sessions", ["campaign_id"])
    op.create_table(
        "connect_campaigns",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("selector", sa.String(300), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "login_sessions",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("browser_hash", sa.String(64), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("selling_partner_id", sa.String(128), nullable=False),
        sa.Column("region", sa.String(2), nullable=False),
        sa.Column("account_type", sa.String(8), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("signed_in_at", UTCDateTime()),
        sa.Column("connect_session_id", sa.String(40)),
        sa.Column("used_at", UTCDateTime()),
        sa.Column("address_hash", sa.String(64)),
    )
    op.create_index("ix_login_sessions_expires_at", "login_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_login_sessions_expires_at", "login_sessions")
    op.drop_table("login_sessions")
    op.drop_table("connect_campaigns")
    op.drop_index("ix_connect_sessions_campaign_id", "connect_sessions")
    op.drop_table("connect_sessions")
    with op.batch_alter_table("pending_authorizations") as batch:
        batch.drop_column("tags")
        batch.drop_column("customer_ref")
    with op.batch_alter_table("authorizations") as batch:
        batch.drop_index("ix_authorizations_customer_ref")
        batch.drop_column("tags")
        batch.drop_column("customer_ref")
