"""Each dispatcher process reports in, so readiness can tell whether one is running.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from service.store.types import UtcDateTime

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dispatcher_heartbeat",
        sa.Column("process", sa.String(200), primary_key=True),
        sa.Column("seen_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_dispatcher_heartbeat_seen_at", "dispatcher_heartbeat", ["seen_at"])


def downgrade() -> None:
    op.drop_index("ix_dispatcher_heartbeat_seen_at", "dispatcher_heartbeat")
    op.drop_table("dispatcher_heartbeat")
