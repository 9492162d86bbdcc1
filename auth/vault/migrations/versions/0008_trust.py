"""Trust: displaced tokens kept sealed as previous versions, restorable until they expire.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from auth.vault.models import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "previous_authorizations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("selling_partner_id", sa.String(128), nullable=False),
        sa.Column("region", sa.String(2), nullable=False),
        sa.Column("account_type", sa.String(8), nullable=False),
        sa.Column("workflow", sa.String(16), nullable=False),
        sa.Column("refresh_token_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("fingerprint", sa.String(32), nullable=False),
        sa.Column("authorized_at", UTCDateTime(), nullable=False),
        sa.Column("trust", sa.String(16), nullable=False),
        sa.Column("account_fingerprint", sa.String(80)),
        sa.Column("evidence", sa.Text()),
        sa.Column("customer_label", sa.String(120)),
        sa.Column("invitation_id", sa.Integer()),
        sa.Column("replaced_at", UTCDateTime(), nullable=False),
        sa.Column("replaced_by", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sqlite_autoincrement=True,  # IDs are never reused: an old "v3" never names another token
    )
    op.create_index(
        "ix_previous_authorizations_selling_partner_id", "previous_authorizations", ["selling_partner_id"]
    )
    op.create_index("ix_previous_authorizations_expires_at", "previous_authorizations", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_previous_authorizations_expires_at", "previous_authorizations")
    op.drop_index("ix_previous_authorizations_selling_partner_id", "previous_authorizations")
    op.drop_table("previous_authorizations")
