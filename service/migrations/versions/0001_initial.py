"""The first schema: staff, conferences, families, requests, consent, audit log and outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from service.store.types import UtcDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_AUDIT_TRIGGERS = [
    """CREATE TRIGGER audit_entry_refuse_update BEFORE UPDATE ON audit_entry
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only and cannot be changed'); END""",
    """CREATE TRIGGER audit_entry_refuse_delete BEFORE DELETE ON audit_entry
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only and cannot be deleted'); END""",
]
_POSTGRES_AUDIT_TRIGGERS = [
    """CREATE FUNCTION audit_entry_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'audit entries are append-only and cannot be changed or deleted';
       END $$""",
    """CREATE TRIGGER audit_entry_refuse_update_delete BEFORE UPDATE OR DELETE ON audit_entry
       FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change()""",
    """CREATE TRIGGER audit_entry_refuse_truncate BEFORE TRUNCATE ON audit_entry
       FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_refuse_change()""",
]


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), primary_key=True, nullable=False)


def upgrade() -> None:
    op.create_table(
        "staff_user",
        _id(),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("email_confirmed_at", UtcDateTime(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "conference",
        _id(),
        sa.Column("reference", sa.String(50), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("starts_at", UtcDateTime(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("venue", sa.String(300), nullable=False),
        sa.Column("open_to_observers", sa.Boolean(), nullable=False),
        sa.Column("cancelled_at", UtcDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("staff_user.id"), nullable=True),
    )
    op.create_index("ix_conference_starts_at", "conference", ["starts_at"])
    op.create_table(
        "family_member",
        _id(),
        sa.Column("conference_id", sa.Integer(), sa.ForeignKey("conference.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("relationship", sa.String(100), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("is_child", sa.Boolean(), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("has_parental_responsibility", sa.Boolean(), nullable=False),
        sa.Column("sufficient_understanding", sa.Boolean(), nullable=True),
        sa.Column("understanding_judged_by", sa.String(200), nullable=True),
        sa.Column("contact_by_email", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_family_member_conference_id", "family_member", ["conference_id"])
    op.create_table(
        "observation_request",
        _id(),
        sa.Column("conference_id", sa.Integer(), sa.ForeignKey("conference.id"), nullable=False),
        sa.Column("trainee_id", sa.Integer(), sa.ForeignKey("staff_user.id"), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(200), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("supervisor_name", sa.String(200), nullable=False),
        sa.Column("supervisor_email", sa.String(254), nullable=False),
        sa.Column("confidentiality_acknowledged", sa.Boolean(), nullable=False),
        sa.Column("confidentiality_statement_version", sa.String(20), nullable=False),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("chair_check", sa.String(30), nullable=True),
        sa.Column("chair_check_flagged_at", UtcDateTime(), nullable=True),
        sa.Column("calendar_sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_index(
        "ix_observation_request_conference_id", "observation_request", ["conference_id"]
    )
    op.create_index("ix_observation_request_trainee_id", "observation_request", ["trainee_id"])
    op.create_index("ix_observation_request_status_id", "observation_request", ["status", "id"])
    op.create_table(
        "consent_invitation",
        _id(),
        sa.Column(
            "request_id", sa.Integer(), sa.ForeignKey("observation_request.id"), nullable=False
        ),
        sa.Column(
            "family_member_id", sa.Integer(), sa.ForeignKey("family_member.id"), nullable=False
        ),
        sa.Column("nonce", sa.String(64), nullable=False),
        sa.Column("wording", sa.String(20), nullable=False),
        sa.Column("ask_in_person", sa.Boolean(), nullable=False),
        sa.Column("current_answer", sa.String(10), nullable=True),
        sa.Column("answered_at", UtcDateTime(), nullable=True),
        sa.Column("reminders_sent", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("request_id", "family_member_id"),
    )
    op.create_index("ix_consent_invitation_request_id", "consent_invitation", ["request_id"])
    op.create_index(
        "ix_consent_invitation_family_member_id", "consent_invitation", ["family_member_id"]
    )
    op.create_table(
        "consent_answer",
        _id(),
        sa.Column(
            "invitation_id", sa.Integer(), sa.ForeignKey("consent_invitation.id"), nullable=False
        ),
        sa.Column("answer", sa.String(10), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("language", sa.String(10), nullable=False),
        sa.Column("text_version", sa.String(20), nullable=False),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), sa.ForeignKey("staff_user.id"), nullable=True),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_consent_answer_invitation_id", "consent_answer", ["invitation_id"])
    op.create_table(
        "audit_entry",
        _id(),
        sa.Column("occurred_at", UtcDateTime(), nullable=False),
        sa.Column("actor_kind", sa.String(20), nullable=False),
        sa.Column("actor_id", sa.String(50), nullable=True),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("conference_id", sa.Integer(), nullable=True),
        sa.Column("from_status", sa.String(30), nullable=True),
        sa.Column("to_status", sa.String(30), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("previous_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_entry_request_id", "audit_entry", ["request_id"])
    op.create_index("ix_audit_entry_conference_id", "audit_entry", ["conference_id"])
    op.create_table(
        "outbox_message",
        _id(),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("template", sa.String(60), nullable=False),
        sa.Column("recipient_role", sa.String(20), nullable=False),
        sa.Column("to_address", sa.String(254), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=True),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("calendar_ics", sa.Text(), nullable=True),
        sa.Column("calendar_method", sa.String(10), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("ordering_key", sa.String(100), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(), nullable=False),
        sa.Column("lease_until", UtcDateTime(), nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.Column("bodies_cleared_at", UtcDateTime(), nullable=True),
    )
    op.create_index("ix_outbox_message_request_id", "outbox_message", ["request_id"])
    op.create_index("ix_outbox_message_ordering_key", "outbox_message", ["ordering_key"])
    op.create_index(
        "ix_outbox_message_status_next_attempt_at", "outbox_message", ["status", "next_attempt_at"]
    )
    triggers = (
        _POSTGRES_AUDIT_TRIGGERS
        if op.get_bind().dialect.name == "postgresql"
        else _SQLITE_AUDIT_TRIGGERS
    )
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_entry_refuse_truncate ON audit_entry")
        op.execute("DROP TRIGGER IF EXISTS audit_entry_refuse_update_delete ON audit_entry")
        op.execute("DROP FUNCTION IF EXISTS audit_entry_refuse_change()")
    for table in (
        "outbox_message",
        "audit_entry",
        "consent_answer",
        "consent_invitation",
        "observation_request",
        "family_member",
        "conference",
        "staff_user",
    ):
        op.drop_table(table)
