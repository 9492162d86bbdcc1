"""Lifecycle: the LWA client secrets (sealed, rotated), the notifications read from SQS, and
the webhook outbox.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

from auth.vault.models import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "client_secrets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_id", sa.String(200), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime()),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("notification_id", sa.String(200)),
    )
    op.create_index("ix_client_secrets_client_id", "client_secrets", ["client_id"])
    op.create_table(
        "lwa_notifications",
        sa.Column("notification_id", sa.String(200), primary_key=True),
        sa.Column("type", sa.String(80), nullable=False),
        sa.Column("client_id", sa.String(200)),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("outcome", sa.String(40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
    )
    op.create_table(
        "outbox_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("type", sa.String(60), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime()),
        sa.Column("delivered_at", UTCDateTime()),
        sa.Column("last_error", sa.String(300)),
    )
    op.create_index("ix_outbox_events_status", "outbox_events", ["status"])


def downgrade() -> None:
    op.drop_index("ix_outbox_events_status", "outbox_events")
    op.drop_table("outbox_events")
    op.drop_table("lwa_notifications")
    op.drop_index("ix_client_secrets_client_id", "client_secrets")
    op.drop_table("client_secrets")
