"""The outbox carries text messages (and letters) as well as emails, and what a provider such
as GOV.UK Notify said of each: its id for the message and its latest delivery status.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message") as table:
        table.add_column(
            sa.Column("channel", sa.String(10), nullable=False, server_default="email")
        )
        table.add_column(sa.Column("provider_id", sa.String(64), nullable=True))
        table.add_column(sa.Column("provider_status", sa.String(30), nullable=True))
        table.create_index("ix_outbox_message_provider_id", ["provider_id"])


def downgrade() -> None:
    with op.batch_alter_table("outbox_message") as table:
        table.drop_index("ix_outbox_message_provider_id")
        table.drop_column("provider_status")
        table.drop_column("provider_id")
        table.drop_column("channel")
