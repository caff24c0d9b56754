"""Statistics read each request's outcome, day asked and organisation from one index.

Holding every column the statistics group requests by lets both databases count a period's
requests from the index alone, in the order it is walked, instead of fetching each row.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["conference_id", "status", "chair_check", "created_at", "organisation", "role"]


def upgrade() -> None:
    op.create_index("ix_observation_request_statistics", "observation_request", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_observation_request_statistics", table_name="observation_request")
