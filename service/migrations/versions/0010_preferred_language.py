"""Record the language each family member wants to use: English, Welsh, or not known (null).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("family_member") as table:
        table.add_column(sa.Column("preferred_language", sa.String(2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("family_member") as table:
        table.drop_column("preferred_language")
