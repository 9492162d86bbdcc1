"""The token service: API keys, their per-minute counters, the fleet's shared access-token
cache with its leases, and an index to find an actor's audit events by time.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

from auth.vault.models import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shared_access_tokens",
        sa.Column("key_hash", sa.String(64), primary_key=True),
        sa.Column("sealed", sa.LargeBinary()),
        sa.Column("expires_at", sa.Float()),
        sa.Column("lease_owner", sa.String(64)),
        sa.Column("lease_until", sa.Float()),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("partners", sa.Text()),
        sa.Column("operations", sa.String(100), nullable=False),
        sa.Column("rate_per_minute", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime()),
        sa.Column("revoked_at", UTCDateTime()),
        sa.Column("last_used_at", UTCDateTime()),
    )
    op.create_table(
        "api_key_windows",
        sa.Column("key_id", sa.String(40), primary_key=True),
        sa.Column("window", sa.Integer(), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
    )
    op.create_index("ix_audit_events_actor_at", "audit_events", ["actor", "at"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_actor_at", "audit_events")
    op.drop_table("api_key_windows")
    op.drop_table("api_keys")
    op.drop_table("shared_access_tokens")
