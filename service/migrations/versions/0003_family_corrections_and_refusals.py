"""A no closes a conference to observers; family members can be removed; invitations can end.

`conference.family_said_no_at` and `family_said_no_request_id` record that someone in the
family said no (or withdrew at the chair's check), which closes the conference to observers for
good. `family_member.removed_at` marks a person added by mistake: nothing is deleted, so their
answers stay in the record. `consent_invitation.ended_at` and `ended_reason` stop one person's
link when they no longer need to be asked (removed, or judged differently).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from service.store.types import UtcDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conference") as batch:
        batch.add_column(sa.Column("family_said_no_at", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("family_said_no_request_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("family_member") as batch:
        batch.add_column(sa.Column("removed_at", UtcDateTime(), nullable=True))
    with op.batch_alter_table("consent_invitation") as batch:
        batch.add_column(sa.Column("ended_at", UtcDateTime(), nullable=True))
        batch.add_column(sa.Column("ended_reason", sa.String(40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("consent_invitation") as batch:
        batch.drop_column("ended_reason")
        batch.drop_column("ended_at")
    with op.batch_alter_table("family_member") as batch:
        batch.drop_column("removed_at")
    with op.batch_alter_table("conference") as batch:
        batch.drop_column("family_said_no_request_id")
        batch.drop_column("family_said_no_at")
