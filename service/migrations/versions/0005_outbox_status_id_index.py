"""Index the outbox by (status, id), so claiming one message at a time stays cheap.

The dispatcher claims the oldest due message just before sending it. Through this index it
walks the pending (or retrying) messages from the oldest and stops at the first due one,
instead of gathering and sorting every due message on each claim.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEX = "ix_outbox_message_status_id"


def upgrade() -> None:
    op.create_index(_INDEX, "outbox_message", ["status", "id"])


def downgrade() -> None:
    op.drop_index(_INDEX, table_name="outbox_message")
