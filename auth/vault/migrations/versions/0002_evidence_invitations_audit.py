"""Evidence on authorizations; pending authorizations, invitations and the audit trail.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

from auth.vault.models import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("authorizations") as table:
        table.add_column(sa.Column("trust", sa.String(16), nullable=False, server_default="claimed"))
        table.add_column(sa.Column("account_fingerprint", sa.String(80)))
        table.add_column(sa.Column("evidence", sa.Text()))
        table.add_column(sa.Column("customer_label", sa.String(120)))
        table.add_column(sa.Column("invitation_id", sa.Integer()))
    with op.batch_alter_table("oauth_states") as table:
        table.add_column(sa.Column("invitation_id", sa.Integer()))
    op.create_table(
        "pending_authorizations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("selling_partner_id", sa.String(128), nullable=False),
        sa.Column("region", sa.String(2), nullable=False),
        sa.Column("account_type", sa.String(8), nullable=False),
        sa.Column("workflow", sa.String(16), nullable=False),
        sa.Column("refresh_token_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("fingerprint", sa.String(32), nullable=False),
        sa.Column("trust", sa.String(16), nullable=False),
        sa.Column("account_fingerprint", sa.String(80)),
        sa.Column("evidence", sa.Text()),
        sa.Column("customer_label", sa.String(120)),
        sa.Column("invitation_id", sa.Integer()),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
    )
    op.create_index(
        "ix_pending_authorizations_selling_partner_id", "pending_authorizations", ["selling_partner_id"]
    )
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("label", sa.String(120), nullable=False),
        sa.Column("marketplace_id", sa.String(32)),
        sa.Column("account_type", sa.String(8), nullable=False),
        sa.Column("expected_partner_id", sa.String(128)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("opened_at", UTCDateTime()),
        sa.Column("browser_hash", sa.String(64)),
        sa.Column("completed_at", UTCDateTime()),
        sa.Column("selling_partner_id", sa.String(128)),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(40), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("selling_partner_id", sa.String(128)),
        sa.Column("region", sa.String(2)),
        sa.Column("detail", sa.Text(), nullable=False),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    op.create_index("ix_audit_events_selling_partner_id", "audit_events", ["selling_partner_id"])


def downgrade() -> None:
    op.drop_table("audit_events")
    op.drop_table("invitations")
    op.drop_table("pending_authorizations")
    with op.batch_alter_table("oauth_states") as table:
        table.drop_column("invitation_id")
    with op.batch_alter_table("authorizations") as table:
        for column in ("invitation_id", "customer_label", "evidence", "account_fingerprint", "trust"):
            table.drop_column(column)
