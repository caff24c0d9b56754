"""The outcomes feed walks observer requests by when their outcome last changed.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_observation_request_updated_at_id", "observation_request", ["updated_at", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_observation_request_updated_at_id", table_name="observation_request")
