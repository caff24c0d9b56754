"""Messages whose delivery was uncertain are tried again, with the same Message-ID.

The dispatcher no longer leaves a message "uncertain" (handed over, then the connection broke):
it tries again, like mail servers do, until the message is sent or undeliverable. Messages left
uncertain by earlier versions join the retry queue; they are due at once.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "UPDATE outbox_message SET status = 'temporary_failure', lease_until = NULL "
        "WHERE status = 'uncertain'"
    )


def downgrade() -> None:
    # Which retried messages had once been uncertain is not kept; they stay in the queue.
    pass
