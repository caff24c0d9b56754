"""Staff sessions and tokens in the database; second factors; single sign-on identities.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from service.store.types import UtcDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff_user") as table:
        table.add_column(sa.Column("kind", sa.String(20), nullable=False, server_default="person"))
        table.add_column(sa.Column("totp_secret", sa.String(300), nullable=True))
        table.add_column(sa.Column("totp_enabled_at", UtcDateTime(), nullable=True))
        table.add_column(sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
        table.add_column(sa.Column("oidc_subject", sa.String(300), nullable=True))
        table.create_unique_constraint("uq_staff_user_oidc_subject", ["oidc_subject"])
    op.create_table(
        "staff_session",
        sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("staff_user_id", sa.Integer(), sa.ForeignKey("staff_user.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("signed_in_with", sa.String(20), nullable=False),
        sa.Column("name", sa.String(100), nullable=True),
        sa.Column("csrf_token", sa.String(64), nullable=True),
        sa.Column("device", sa.String(200), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("last_seen_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("ended_at", UtcDateTime(), nullable=True),
        sa.Column("ended_reason", sa.String(30), nullable=True),
    )
    op.create_index("ix_staff_session_staff_user_id", "staff_session", ["staff_user_id"])
    op.create_index("ix_staff_session_ended_at", "staff_session", ["ended_at"])
    op.create_table(
        "staff_recovery_code",
        sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
        sa.Column("staff_user_id", sa.Integer(), sa.ForeignKey("staff_user.id"), nullable=False),
        sa.Column("code_hash", sa.String(200), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("used_at", UtcDateTime(), nullable=True),
    )
    op.create_index(
        "ix_staff_recovery_code_staff_user_id", "staff_recovery_code", ["staff_user_id"]
    )


def downgrade() -> None:
    op.drop_table("staff_recovery_code")
    op.drop_table("staff_session")
    with op.batch_alter_table("staff_user") as table:
        table.drop_constraint("uq_staff_user_oidc_subject", type_="unique")
        for column in ("oidc_subject", "totp_last_step", "totp_enabled_at", "totp_secret", "kind"):
            table.drop_column(column)
