"""The console playground's sealed workspace, one per administrator session.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

from auth.vault.models import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_workspaces",
        sa.Column("session_hash", sa.String(64), primary_key=True),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_console_workspaces_updated_at", "console_workspaces", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_console_workspaces_updated_at", "console_workspaces")
    op.drop_table("console_workspaces")
