"""Conferences from the council's case-management system: one sent at a time, or a CSV file.

A conference is found by its meeting id (`external_id`). Sending what is already recorded
changes nothing; a new time or venue is a move, with everything that follows from one.
"""

from collections import Counter
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from service.domain.conference_exchange import (
    ConferenceDetails,
    ExchangeOutcome,
    check_external_id,
    compare_details,
    reference_from_external_id,
)
from service.domain.conference_rows import ImportRefused, RowProblem, read_conference_rows
from service.domain.conferences import check_duration, parse_kind
from service.domain.errors import (
    ConcurrentChange,
    DomainError,
    IllegalTransition,
    InvalidConferenceTime,
    InvalidInput,
    ShortNoticeUnconfirmed,
)
from service.domain.times import require_aware
from service.settings import Settings
from service.store.conference_keys import conference_ids_by_external_id
from service.store.locks import LockedConference, lock_conference, lock_conferences
from service.store.tables import Conference
from service.usecases.conferences import move_conference
from service.usecases.steps.conference_details import change_conference_details
from service.usecases.steps.new_conferences import add_conference

# The file has no reference column: a new conference's reference is its meeting id.
_COLUMN_FOR_FIELD = {"reference": "external_id"}


async def send_conference(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    qa_user_id: int,
    external_id: str,
    sent: ConferenceDetails,
    confirm_short_notice: bool = False,
) -> tuple[Conference, ExchangeOutcome]:
    """Record, change or leave as it is the conference with this meeting id; commits."""
    check_external_id(external_id)
    known = await conference_ids_by_external_id(session, [external_id])
    locked = await lock_conference(session, known[external_id]) if known else None
    result = await _apply(
        session,
        settings=settings,
        now=now,
        qa_user_id=qa_user_id,
        external_id=external_id,
        sent=sent,
        locked=locked,
        confirm_short_notice=confirm_short_notice,
    )
    await session.commit()
    return result


async def import_conferences(
    session: AsyncSession, *, settings: Settings, now: datetime, qa_user_id: int, data: bytes
) -> Counter[ExchangeOutcome]:
    """Send every conference in a CSV file, or none: ImportRefused lists each problem; commits."""
    rows = read_conference_rows(data)
    known = await conference_ids_by_external_id(session, [row.external_id for row in rows])
    # Locked together up front, in the one order, before any of them changes.
    locked = {
        entry.conference_id: entry for entry in await lock_conferences(session, known.values())
    }
    counts: Counter[ExchangeOutcome] = Counter()
    problems: list[RowProblem] = []
    for row in rows:
        conference_id = known.get(row.external_id)
        try:
            _, outcome = await _apply(
                session,
                settings=settings,
                now=now,
                qa_user_id=qa_user_id,
                external_id=row.external_id,
                sent=row.details,
                locked=locked[conference_id] if conference_id is not None else None,
            )
        except ConcurrentChange:
            raise
        except DomainError as error:
            problems.append(RowProblem(row.row, _column_of(error), _in_a_file(error)))
            continue
        counts[outcome] += 1
    if problems:
        await session.rollback()
        raise ImportRefused(problems)
    await session.commit()
    return counts


def _column_of(error: DomainError) -> str | None:
    if isinstance(error, InvalidConferenceTime):
        return "starts_at"
    if error.field is None:
        return None
    return _COLUMN_FOR_FIELD.get(error.field, error.field)


def _in_a_file(error: DomainError) -> str:
    if isinstance(error, ShortNoticeUnconfirmed):
        return (
            f"{error.message} A file cannot confirm it: move this conference on its page, or "
            "send it through the API with confirm_short_notice."
        )
    return error.message


def _check_sent(sent: ConferenceDetails) -> None:
    # The API and the file check their input already; this keeps the rule whoever calls.
    require_aware(sent.starts_at, what="conference start time")
    parse_kind(sent.kind)
    check_duration(sent.duration_minutes)
    if not sent.venue.strip():
        raise InvalidInput("Enter where the conference will be held.", field="venue")
    if sent.reference is not None and not sent.reference.strip():
        raise InvalidInput("Enter the conference reference.", field="reference")


async def _apply(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    qa_user_id: int,
    external_id: str,
    sent: ConferenceDetails,
    locked: LockedConference | None,
    confirm_short_notice: bool = False,
) -> tuple[Conference, ExchangeOutcome]:
    _check_sent(sent)
    if locked is None:
        created = await add_conference(
            session,
            now=now,
            qa_user_id=qa_user_id,
            reference=sent.reference or reference_from_external_id(external_id),
            kind=sent.kind,
            starts_at=sent.starts_at,
            duration_minutes=sent.duration_minutes,
            venue=sent.venue,
            open_to_observers=sent.open_to_observers,
            external_id=external_id,
        )
        return created, ExchangeOutcome.CREATED
    conference = locked.conference
    if conference.cancelled_at is not None:
        raise IllegalTransition(
            f"The conference with the meeting id {external_id} was cancelled, so it cannot be "
            "changed. A new meeting needs a new meeting id."
        )
    changes = compare_details(_recorded(conference), sent)
    if changes.nothing:
        return conference, ExchangeOutcome.UNCHANGED
    if changes.moved:
        await move_conference(
            session,
            settings=settings,
            now=now,
            qa_user_id=qa_user_id,
            locked=locked,
            starts_at=sent.starts_at,
            venue=sent.venue,
            confirm_short_notice=confirm_short_notice,
        )
    if changes.details:
        await change_conference_details(
            session, now=now, qa_user_id=qa_user_id, conference=conference, changes=changes.details
        )
    return conference, ExchangeOutcome.UPDATED


def _recorded(conference: Conference) -> ConferenceDetails:
    return ConferenceDetails(
        kind=conference.kind,
        starts_at=conference.starts_at,
        duration_minutes=conference.duration_minutes,
        venue=conference.venue,
        open_to_observers=conference.open_to_observers,
        reference=conference.reference,
    )
