"""A conference can carry its meeting id from the council's case-management system.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conference") as table:
        table.add_column(sa.Column("external_id", sa.String(100), nullable=True))
        table.create_unique_constraint("uq_conference_external_id", ["external_id"])


def downgrade() -> None:
    with op.batch_alter_table("conference") as table:
        table.drop_constraint("uq_conference_external_id", type_="unique")
        table.drop_column("external_id")
