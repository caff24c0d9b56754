"""The counts QA's statistics are made from: a fixed handful of grouped queries for a period.

However many requests there are, the page costs the same number of round trips: every figure is
a GROUP BY in the database, never a row a request in Python. On SQLite, which knows nothing of
Europe/London, days are grouped by their UTC day and whether the instant fell in the last UTC
hour (`service.domain.statistics.london_day_of` turns that into the London day); PostgreSQL
groups by the London day itself.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Date, Integer, and_, cast, func, literal, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from notifications.outbox import DeliveryStatus, OutboxMessage, RecipientRole
from service.domain.audit_actions import AuditAction
from service.store.tables import (
    AuditEntry,
    Conference,
    ConsentAnswer,
    ConsentInvitation,
    FamilyMember,
    ObservationRequest,
)

# A London day, known by its UTC day and whether the instant was 23:00 UTC or later.
UtcDay = tuple[date, bool]
# A column, or an expression over columns.
Instant = ColumnElement[datetime] | Mapped[datetime]


@dataclass(frozen=True)
class PersonAsked:
    """One group of people asked: who they are, how they were reached and what they said."""

    young: bool
    contact_channel: str
    answer: str | None
    answer_channel: str | None
    wording: str
    preferred_language: str | None
    answer_language: str | None


@dataclass(frozen=True)
class StatisticsCounts:
    """Everything the statistics are added up from, for one period."""

    conferences: Counter[tuple[str, bool]]  # (kind, cancelled)
    requests: Counter[tuple[str, str | None, UtcDay]]  # (status, chair check, conference day)
    approved: int
    notice: Counter[tuple[UtcDay, UtcDay]]  # (day asked, conference day)
    people: Counter[PersonAsked]
    reminders_sent: int
    answer_hours: Counter[int]  # whole hours from asking to the first answer
    undeliverable: Counter[str]  # by channel
    observers: Counter[tuple[str, str]]  # (organisation, role)
    decline_reasons: Counter[str]


class _Dialect:
    """The few expressions SQLite and PostgreSQL write differently."""

    def __init__(self, name: str) -> None:
        self.sqlite = name == "sqlite"

    def utc_day(self, column: Instant) -> ColumnElement[str] | ColumnElement[date]:
        """The instant's day: on SQLite its UTC day, read straight from the stored text (far
        cheaper than date()); PostgreSQL knows Europe/London, so there it is the London day."""
        if self.sqlite:
            return func.substr(column, 1, 10)
        return cast(func.timezone("Europe/London", column), Date)

    def late_evening(self, column: Instant) -> ColumnElement[bool]:
        """On SQLite, whether the instant fell in the last UTC hour (then the London day may be
        the next); never on PostgreSQL, whose day is London's already."""
        if self.sqlite:
            return func.substr(column, 12, 2) == "23"
        return literal(False)

    def whole_hours(self, later: Instant, earlier: Instant) -> ColumnElement[int]:
        if self.sqlite:
            return cast((func.julianday(later) - func.julianday(earlier)) * 24, Integer)
        return cast(func.floor(func.extract("epoch", later - earlier) / 3600), Integer)


def _day(text: object, late: object) -> UtcDay:
    return date.fromisoformat(str(text)), bool(late)


async def statistics_counts(
    session: AsyncSession, *, starts: datetime, ends: datetime
) -> StatisticsCounts:
    """The counts for requests whose conference starts in [starts, ends)."""
    sql = _Dialect(session.get_bind().dialect.name)
    if not sql.sqlite:
        # The driver prepares each statement; after five runs PostgreSQL may keep one generic
        # plan for every period, and for a year's worth it picks hash joins over whole tables
        # that double the time. Plan each period's counts for its own dates.
        await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    starts_at = col(Conference.starts_at)
    in_period = and_(starts_at >= starts, starts_at < ends)
    request_in_period = and_(col(ObservationRequest.conference_id) == col(Conference.id), in_period)

    conferences: Counter[tuple[str, bool]] = Counter()
    for kind, cancelled, count in await session.execute(
        select(
            col(Conference.kind), col(Conference.cancelled_at).is_not(None), func.count()
        ).where(in_period).group_by(col(Conference.kind), col(Conference.cancelled_at).is_not(None))
    ):  # fmt: skip
        conferences[(str(kind), bool(cancelled))] += int(count)

    requests, notice = await _requests_and_notice(session, sql, request_in_period)

    approved = await session.scalar(
        select(func.count(func.distinct(col(AuditEntry.request_id))))
        .join(ObservationRequest, col(ObservationRequest.id) == col(AuditEntry.request_id))
        .join(Conference, request_in_period)
        .where(col(AuditEntry.action) == AuditAction.APPROVE.value)
    )

    people, reminders = await _people_asked(session, request_in_period)
    hours = await _answer_hours(session, sql, request_in_period)

    undeliverable: Counter[str] = Counter()
    for channel, count in await session.execute(
        select(col(OutboxMessage.channel), func.count())
        .join(ObservationRequest, col(ObservationRequest.id) == col(OutboxMessage.request_id))
        .join(Conference, request_in_period)
        .where(
            col(OutboxMessage.status) == DeliveryStatus.PERMANENT_FAILURE.value,
            col(OutboxMessage.recipient_role) == RecipientRole.FAMILY.value,
        )
        .group_by(col(OutboxMessage.channel))
    ):
        undeliverable[str(channel)] += int(count)

    observers: Counter[tuple[str, str]] = Counter()
    organisation, role = col(ObservationRequest.organisation), col(ObservationRequest.role)
    for named_organisation, named_role, count in await session.execute(
        select(organisation, role, func.count())
        .join(Conference, request_in_period)
        .group_by(organisation, role)
    ):
        observers[(str(named_organisation), str(named_role))] += int(count)

    reasons: Counter[str] = Counter()
    reason = col(ObservationRequest.decline_reason)
    for reason_text, count in await session.execute(
        select(reason, func.count())
        .join(Conference, request_in_period)
        .where(col(ObservationRequest.status) == "declined")
        .group_by(reason)
    ):
        reasons[str(reason_text or "")] += int(count)

    return StatisticsCounts(
        conferences=conferences,
        requests=requests,
        approved=int(approved or 0),
        notice=notice,
        people=people,
        reminders_sent=reminders,
        answer_hours=hours,
        undeliverable=undeliverable,
        observers=observers,
        decline_reasons=reasons,
    )


async def _requests_and_notice(
    session: AsyncSession, sql: _Dialect, request_in_period: ColumnElement[bool]
) -> tuple[Counter[tuple[str, str | None, UtcDay]], Counter[tuple[UtcDay, UtcDay]]]:
    """Requests by outcome and conference day, and by day asked and conference day.

    Outcomes are counted a conference at a time, grouped in the order the conference index
    and the statistics index are walked, so SQLite counts as it reads instead of sorting every
    request; only those few groups are grouped again by day. Notice needs each request's day
    asked, so it has its own pass, kept apart so that outcomes and days asked never multiply
    into more groups than either has alone."""
    conference_starts, request = col(Conference.starts_at), ObservationRequest
    per_conference = (
        select(
            conference_starts.label("starts_at"),
            col(request.status).label("status"),
            col(request.chair_check).label("chair_check"),
            func.count().label("requests"),
        )
        .join(Conference, request_in_period)
        .group_by(
            conference_starts, col(Conference.id), col(request.status), col(request.chair_check)
        )
        .subquery()
    )
    # One expression object each, so PostgreSQL sees the same expression in SELECT and GROUP BY.
    held = per_conference.c.starts_at
    by_outcome = (per_conference.c.status, per_conference.c.chair_check, sql.utc_day(held),
                  sql.late_evening(held))  # fmt: skip
    requests: Counter[tuple[str, str | None, UtcDay]] = Counter()
    for status, chair_check, held_day, is_late, count in await session.execute(
        select(*by_outcome, func.sum(per_conference.c.requests)).group_by(*by_outcome)
    ):
        requests[(str(status), chair_check, _day(held_day, is_late))] += int(count)

    # Counted first by the moment asked, a conference at a time and in the index's order (no
    # sort), so requests asked together are worked into days once.
    per_moment = (
        select(conference_starts.label("starts_at"),
               col(request.created_at).label("created_at"), func.count().label("requests"))
        .join(Conference, request_in_period)
        .group_by(conference_starts, col(Conference.id), col(request.status),
                  col(request.chair_check), col(request.created_at))
        .subquery()
    )  # fmt: skip
    asked, held = per_moment.c.created_at, per_moment.c.starts_at
    by_days = (sql.utc_day(asked), sql.late_evening(asked), sql.utc_day(held),
               sql.late_evening(held))  # fmt: skip
    notice: Counter[tuple[UtcDay, UtcDay]] = Counter()
    for asked_day, was_late, held_day, is_late, count in await session.execute(
        select(*by_days, func.sum(per_moment.c.requests)).group_by(*by_days)
    ):
        notice[(_day(asked_day, was_late), _day(held_day, is_late))] += int(count)
    return requests, notice


# Each asked person's first answer's time and newest answer's id (a change of mind is a newer
# row), grouped once rather than looked up a person at a time.
_ANSWERS_BY_INVITATION = (
    select(
        col(ConsentAnswer.invitation_id).label("invitation_id"),
        func.min(col(ConsentAnswer.recorded_at)).label("first_at"),
        func.max(col(ConsentAnswer.id)).label("newest_id"),
    )
    .group_by(col(ConsentAnswer.invitation_id))
    .subquery()
)


async def _people_asked(
    session: AsyncSession, request_in_period: ColumnElement[bool]
) -> tuple[Counter[PersonAsked], int]:
    answer_channel, answer_language = col(ConsentAnswer.channel), col(ConsentAnswer.language)
    answers = _ANSWERS_BY_INVITATION
    grouped = (
        col(FamilyMember.is_child),
        col(FamilyMember.contact_channel),
        col(ConsentInvitation.current_answer),
        answer_channel,
        col(ConsentInvitation.wording),
        col(FamilyMember.preferred_language),
        answer_language,
    )
    people: Counter[PersonAsked] = Counter()
    reminders = 0
    for young, channel, answer, by, wording, language, answered_in, count, sent in (
        await session.execute(
            select(*grouped, func.count(), func.sum(col(ConsentInvitation.reminders_sent)))
            .join(FamilyMember, col(FamilyMember.id) == col(ConsentInvitation.family_member_id))
            .join(ObservationRequest,
                  col(ObservationRequest.id) == col(ConsentInvitation.request_id))
            .join(Conference, request_in_period)
            .outerjoin(answers, answers.c.invitation_id == col(ConsentInvitation.id))
            .outerjoin(ConsentAnswer, col(ConsentAnswer.id) == answers.c.newest_id)
            .where(col(ConsentInvitation.ended_at).is_(None))
            .group_by(*grouped)
        )
    ):  # fmt: skip
        person = PersonAsked(bool(young), str(channel), answer, by, str(wording), language,
                             answered_in)  # fmt: skip
        people[person] += int(count)
        reminders += int(sent or 0)
    return people, reminders


async def _answer_hours(
    session: AsyncSession, sql: _Dialect, request_in_period: ColumnElement[bool]
) -> Counter[int]:
    answers = _ANSWERS_BY_INVITATION
    hours = sql.whole_hours(answers.c.first_at, col(ConsentInvitation.created_at))
    waited: Counter[int] = Counter()
    for hour, count in await session.execute(
        select(hours, func.count())
        .join(ObservationRequest, col(ObservationRequest.id) == col(ConsentInvitation.request_id))
        .join(Conference, request_in_period)
        .join(answers, answers.c.invitation_id == col(ConsentInvitation.id))
        .where(col(ConsentInvitation.ended_at).is_(None))
        .group_by(hours)
    ):
        waited[max(int(hour), 0)] += int(count)
    return waited
