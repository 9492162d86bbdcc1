"""A previous version keeps the developer's customer (customer_ref, tags) with its token, so a
restore gives them back.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("previous_authorizations") as batch:
        batch.add_column(sa.Column("customer_ref", sa.String(128)))
        batch.add_column(sa.Column("tags", sa.Text()))


def downgrade() -> None:
    with op.batch_alter_table("previous_authorizations") as batch:
        batch.drop_column("tags")
        batch.drop_column("customer_ref")
