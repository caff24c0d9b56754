"""Short answer links: each invitation keeps the SHA-256 of its short code, to be found by.

Invitations made before have none; they get one with their next new link.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("consent_invitation") as table:
        table.add_column(sa.Column("short_code_sha256", sa.String(64), nullable=True))
        table.create_index(
            "ix_consent_invitation_short_code_sha256", ["short_code_sha256"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("consent_invitation") as table:
        table.drop_index("ix_consent_invitation_short_code_sha256")
        table.drop_column("short_code_sha256")
