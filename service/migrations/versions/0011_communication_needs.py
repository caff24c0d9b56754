"""Record how each family member needs to be communicated with, and the support an answer had.

`family_member.communication_needs` holds any of easy_read, large_print, interpreter, bsl and
advocate, comma-separated in a fixed order ('' for none); `interpreter_language` the language an
interpreter speaks. `consent_answer.support_used` holds the support a person had when they gave
an answer in person (interpreter, bsl, advocate), or null.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("family_member") as table:
        table.add_column(
            sa.Column("communication_needs", sa.String(100), nullable=False, server_default="")
        )
        table.add_column(sa.Column("interpreter_language", sa.String(100), nullable=True))
    with op.batch_alter_table("consent_answer") as table:
        table.add_column(sa.Column("support_used", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("consent_answer") as table:
        table.drop_column("support_used")
    with op.batch_alter_table("family_member") as table:
        table.drop_column("interpreter_language")
        table.drop_column("communication_needs")
