"""Associates: Creators API and PA-API 5 credentials, sealed, with the fleet's check claim,
call spacing and token cache.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from auth.vault.models import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "associates_credentials",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("api", sa.String(10), nullable=False),
        sa.Column("version", sa.String(8)),
        sa.Column("partner_tag", sa.String(80), nullable=False),
        sa.Column("marketplace", sa.String(4), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("id_fingerprint", sa.String(24), nullable=False),
        sa.Column("secret_fingerprint", sa.String(24), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("check_started_at", sa.Float()),
        sa.Column("busy_until", sa.Float()),
        sa.Column("next_call_at", sa.Float()),
        sa.Column("token_sealed", sa.LargeBinary()),
        sa.Column("token_expires_at", sa.Float()),
        sa.Column("token_auth_form", sa.String(8)),
        sa.Column("last_checked_at", UTCDateTime()),
        sa.Column("last_result", sa.String(8)),
        sa.Column("last_report", sa.Text()),
    )


def downgrade() -> None:
    op.drop_table("associates_credentials")
