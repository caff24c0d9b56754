"""Record how each family member is reached (email, text message, letter or in person), with
their UK mobile number and postal address.

`contact_channel` starts from the older flag: 'email' where `contact_by_email` is true, else
'in_person'. `contact_by_email` stays, kept equal to `contact_channel = 'email'`.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("family_member") as table:
        table.add_column(
            sa.Column("contact_channel", sa.String(20), nullable=False, server_default="email")
        )
        table.add_column(sa.Column("mobile_number", sa.String(20), nullable=True))
        table.add_column(sa.Column("address_lines", sa.Text(), nullable=True))
        table.add_column(sa.Column("postcode", sa.String(10), nullable=True))
    family_member = sa.table(
        "family_member",
        sa.column("contact_channel", sa.String),
        sa.column("contact_by_email", sa.Boolean),
    )
    op.execute(
        family_member.update()
        .where(family_member.c.contact_by_email.is_(sa.false()))
        .values(contact_channel="in_person")
    )


def downgrade() -> None:
    with op.batch_alter_table("family_member") as table:
        table.drop_column("postcode")
        table.drop_column("address_lines")
        table.drop_column("mobile_number")
        table.drop_column("contact_channel")
