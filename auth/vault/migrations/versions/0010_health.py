"""Operations: each authorization's health and when it was last checked, and the job leases
that let one worker of the fleet run each background job at a time.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from auth.vault.models import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("authorizations") as batch:
        batch.add_column(sa.Column("health", sa.String(16), nullable=False, server_default="ok"))
        batch.add_column(sa.Column("last_checked_at", UTCDateTime()))
        batch.add_column(sa.Column("health_failures", sa.Integer(), nullable=False, server_default="0"))
    # Rows LWA already refused are revoked from the start.
    op.execute("UPDATE authorizations SET health = 'revoked' WHERE needs_reauthorization")
    op.create_table(
        "job_leases",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("owner", sa.String(64)),
        sa.Column("until", sa.Float()),
        sa.Column("last_run_at", UTCDateTime()),
        sa.Column("last_result", sa.String(300)),
    )


def downgrade() -> None:
    op.drop_table("job_leases")
    with op.batch_alter_table("authorizations") as batch:
        batch.drop_column("health_failures")
        batch.drop_column("last_checked_at")
        batch.drop_column("health")
