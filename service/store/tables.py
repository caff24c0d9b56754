"""The service's tables. Input and output schemas live elsewhere: `table=True` skips validation."""

from datetime import date, datetime

from sqlalchemy import BigInteger, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from service.store.types import UtcDateTime


class StaffUser(SQLModel, table=True):
    """A member of staff: trainee, QA officer or administrator."""

    __tablename__ = "staff_user"
    __table_args__ = (UniqueConstraint("oidc_subject", name="uq_staff_user_oidc_subject"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    name: str = Field(max_length=200)
    role: str = Field(max_length=20)
    # "person", or "integration": a case-management system acting through a named token.
    kind: str = Field(
        default="person", max_length=20, sa_column_kwargs={"server_default": "person"}
    )
    # "!" for an account that cannot sign in with a password (single sign-on, integrations).
    password_hash: str = Field(max_length=300)
    is_active: bool = True
    email_confirmed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_at: datetime = Field(sa_type=UtcDateTime)
    # The one-time-code secret, encrypted with a key derived from CPC_SECRET_KEY; the last
    # time step used, so that a code cannot be used twice.
    totp_secret: str | None = Field(default=None, max_length=300)
    totp_enabled_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    totp_last_step: int | None = Field(default=None, sa_type=BigInteger)
    # "issuer subject" from the council's OpenID provider, once the person has used it.
    oidc_subject: str | None = Field(default=None, max_length=300)


class StaffSession(SQLModel, table=True):
    """A signed-in browser, a person's API token, or an integration's named token.

    Only a SHA-256 of the token is kept: the database alone cannot be used to sign in. A
    session ends by `ended_at`, never by deleting the row, so an administrator can see who was
    signed in and why each session ended.
    """

    __tablename__ = "staff_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    staff_user_id: int = Field(foreign_key="staff_user.id", index=True)
    kind: str = Field(max_length=20)
    stage: str = Field(max_length=20)
    signed_in_with: str = Field(max_length=20)
    name: str | None = Field(default=None, max_length=100)
    csrf_token: str | None = Field(default=None, max_length=64)
    device: str | None = Field(default=None, max_length=200)
    created_by_id: int | None = None
    created_at: datetime = Field(sa_type=UtcDateTime)
    last_seen_at: datetime = Field(sa_type=UtcDateTime)
    expires_at: datetime = Field(sa_type=UtcDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UtcDateTime, index=True)
    ended_reason: str | None = Field(default=None, max_length=30)


class StaffRecoveryCode(SQLModel, table=True):
    """One of the ten single-use codes a person can sign in with when their phone is lost."""

    __tablename__ = "staff_recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    staff_user_id: int = Field(foreign_key="staff_user.id", index=True)
    code_hash: str = Field(max_length=200)  # argon2, salted
    created_at: datetime = Field(sa_type=UtcDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class Conference(SQLModel, table=True):
    """A child protection conference that a trainee may ask to observe."""

    __tablename__ = "conference"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=50, unique=True)
    # The meeting's id in the council's case-management system (Liquidlogic, Mosaic, Eclipse),
    # for conferences it sends; None for those QA records by hand.
    external_id: str | None = Field(default=None, max_length=100, unique=True)
    kind: str = Field(max_length=20)
    starts_at: datetime = Field(sa_type=UtcDateTime, index=True)
    duration_minutes: int
    venue: str = Field(max_length=300)
    open_to_observers: bool = False
    cancelled_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # Someone in the family said no: the conference is closed to observers for good.
    family_said_no_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    family_said_no_request_id: int | None = None
    version: int = 1
    created_at: datetime = Field(sa_type=UtcDateTime)
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")


class FamilyMember(SQLModel, table=True):
    """A person in the family whose views QA may seek."""

    __tablename__ = "family_member"

    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = Field(foreign_key="conference.id", index=True)
    name: str = Field(max_length=200)
    relationship: str = Field(max_length=100)
    email: str | None = Field(default=None, max_length=254)
    is_child: bool
    date_of_birth: date | None = None
    has_parental_responsibility: bool = False
    sufficient_understanding: bool | None = None
    understanding_judged_by: str | None = Field(default=None, max_length=200)
    contact_by_email: bool = True
    # "en" or "cy"; None while nobody knows. Their pages and messages come in it.
    preferred_language: str | None = Field(default=None, max_length=2)
    # How they are reached: email, sms, letter or in_person (contact_by_email mirrors 'email').
    contact_channel: str = Field(default="email", max_length=20)
    mobile_number: str | None = Field(default=None, max_length=20)
    address_lines: str | None = Field(default=None, sa_type=Text)
    postcode: str | None = Field(default=None, max_length=10)
    # Any of easy_read, large_print, interpreter, bsl, advocate, comma-separated ('' for none).
    communication_needs: str = Field(default="", max_length=100)
    interpreter_language: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(sa_type=UtcDateTime)
    # Added by mistake: kept, never asked again; answers already given stay in the record.
    removed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class ObservationRequest(SQLModel, table=True):
    """A trainee's request to observe one conference, moved only by compare-and-set."""

    __tablename__ = "observation_request"
    __table_args__ = (
        Index("ix_observation_request_status_id", "status", "id"),
        # The outcomes feed walks requests in (updated_at, id) order (migration 0017).
        Index("ix_observation_request_updated_at_id", "updated_at", "id"),
        # Statistics count a period's requests from this index alone (migration 0018).
        Index(
            "ix_observation_request_statistics",
            "conference_id",
            "status",
            "chair_check",
            "created_at",
            "organisation",
            "role",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    conference_id: int = Field(foreign_key="conference.id", index=True)
    trainee_id: int = Field(foreign_key="staff_user.id", index=True)
    status: str = Field(max_length=30)
    version: int = 1
    role: str = Field(max_length=200)
    organisation: str = Field(max_length=200)
    purpose: str = Field(sa_type=Text)
    supervisor_name: str = Field(max_length=200)
    supervisor_email: str = Field(max_length=254)
    confidentiality_acknowledged: bool
    confidentiality_statement_version: str = Field(max_length=20)
    decline_reason: str | None = Field(default=None, sa_type=Text)
    chair_check: str | None = Field(default=None, max_length=30)
    chair_check_flagged_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    calendar_sequence: int = 0
    created_at: datetime = Field(sa_type=UtcDateTime)
    # When its outcome (status, and the chair's check with it) last changed: the outcomes
    # feed's `changed_at`. A moved conference's invite leaves it be.
    updated_at: datetime = Field(sa_type=UtcDateTime)


class ConsentInvitation(SQLModel, table=True):
    """One person asked about one request; the nonce makes their link, a new nonce voids it."""

    __tablename__ = "consent_invitation"
    __table_args__ = (UniqueConstraint("request_id", "family_member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="observation_request.id", index=True)
    family_member_id: int = Field(foreign_key="family_member.id", index=True)
    nonce: str = Field(max_length=64)
    # The SHA-256 of the short code made from the nonce (`service.links.short_code`): only the
    # hash is kept, to find the invitation a short answer link names.
    short_code_sha256: str | None = Field(default=None, max_length=64, unique=True, index=True)
    wording: str = Field(max_length=20)
    ask_in_person: bool
    current_answer: str | None = Field(default=None, max_length=10)
    answered_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    reminders_sent: int = 0
    created_at: datetime = Field(sa_type=UtcDateTime)
    # The person no longer needs to be asked (removed, or judged differently): the link stops
    # and the answer, if any, no longer counts.
    ended_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    ended_reason: str | None = Field(default=None, max_length=40)


class ConsentAnswer(SQLModel, table=True):
    """An answer as given, with the exact text the person saw; a change of mind is a new row."""

    __tablename__ = "consent_answer"

    id: int | None = Field(default=None, primary_key=True)
    invitation_id: int = Field(foreign_key="consent_invitation.id", index=True)
    answer: str = Field(max_length=10)
    channel: str = Field(max_length=20)
    language: str = Field(max_length=10)
    text_version: str = Field(max_length=20)
    text_sha256: str = Field(max_length=64)
    comment: str | None = Field(default=None, sa_type=Text)
    # The support the person had when answering in person (interpreter, bsl, advocate).
    support_used: str | None = Field(default=None, max_length=100)
    recorded_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    recorded_at: datetime = Field(sa_type=UtcDateTime)


class AuditEntry(SQLModel, table=True):
    """One step of the record. Append-only: database triggers refuse UPDATE and DELETE."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(sa_type=UtcDateTime)
    actor_kind: str = Field(max_length=20)
    actor_id: str | None = Field(default=None, max_length=50)
    action: str = Field(max_length=60)
    request_id: int | None = Field(default=None, index=True)
    conference_id: int | None = Field(default=None, index=True)
    from_status: str | None = Field(default=None, max_length=30)
    to_status: str | None = Field(default=None, max_length=30)
    details: str = Field(sa_type=Text)
    previous_hash: str = Field(max_length=64)
    entry_hash: str = Field(max_length=64)


class BadLinkAttempts(SQLModel, table=True):
    """How many bad consent links came from one address in one minute, counted across processes.

    The address is kept only as a keyed hash: enough to count, nothing to identify anyone by.
    """

    __tablename__ = "bad_link_attempts"

    address_key: str = Field(max_length=64, primary_key=True)
    window_start: datetime = Field(sa_type=UtcDateTime, primary_key=True)
    attempts: int = 0


class SignInFailure(SQLModel, table=True):
    """One failed staff sign-in, counted per account and per address across processes.

    Both are kept only as keyed hashes: an email typed wrongly, or an address, is nobody's
    business once counted. `cleared_at` is set when the person signs in or an administrator
    lets them try again.
    """

    __tablename__ = "sign_in_failure"
    __table_args__ = (
        Index("ix_sign_in_failure_account_key_failed_at", "account_key", "failed_at"),
        Index("ix_sign_in_failure_address_key_failed_at", "address_key", "failed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_key: str = Field(max_length=64)
    address_key: str = Field(max_length=64)
    failed_at: datetime = Field(sa_type=UtcDateTime)
    cleared_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class DispatcherHeartbeat(SQLModel, table=True):
    """When each dispatcher process last reported in: how readiness knows one is running.

    A row a process (`host:pid`); the service's own rows older than a day are removed by the
    process that writes next.
    """

    __tablename__ = "dispatcher_heartbeat"

    process: str = Field(max_length=200, primary_key=True)
    seen_at: datetime = Field(sa_type=UtcDateTime, index=True)
