"""Count failed staff sign-ins in the database, per account and per address, for every process.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from service.store.types import UtcDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failure",
        sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
        sa.Column("account_key", sa.String(64), nullable=False),
        sa.Column("address_key", sa.String(64), nullable=False),
        sa.Column("failed_at", UtcDateTime(), nullable=False),
        sa.Column("cleared_at", UtcDateTime(), nullable=True),
    )
    op.create_index(
        "ix_sign_in_failure_account_key_failed_at", "sign_in_failure", ["account_key", "failed_at"]
    )
    op.create_index(
        "ix_sign_in_failure_address_key_failed_at", "sign_in_failure", ["address_key", "failed_at"]
    )


def downgrade() -> None:
    op.drop_table("sign_in_failure")
