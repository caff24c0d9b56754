"""Read-only queries behind the pages and the API; each issues a fixed number of statements."""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TypeVarTuple

from sqlalchemy import BindParameter, ColumnElement, Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from service.domain.allowed_now import RequestNow
from service.domain.staff import AccountKind
from service.domain.states import OPEN_STATUSES, RequestStatus
from service.store.tables import (
    Conference,
    ConsentInvitation,
    FamilyMember,
    ObservationRequest,
    StaffUser,
)

PAGE_SIZE = 50


@dataclass(frozen=True)
class RequestRow:
    """A request with its conference and the trainee who asked."""

    request: ObservationRequest
    conference: Conference
    trainee: StaffUser

    def facts_at(self, now: datetime) -> RequestNow:
        """What decides, at `now`, what may be done to the request."""
        request = self.request
        return RequestNow(
            RequestStatus(request.status),
            self.conference.starts_at,
            now,
            promised_version=request.confidentiality_statement_version
            if request.confidentiality_acknowledged
            else None,
        )


async def conferences_open_to_trainees(
    session: AsyncSession, *, earliest_start: datetime, limit: int = PAGE_SIZE, offset: int = 0
) -> list[Conference]:
    """Conferences open to observers (not cancelled, no family no) starting from `earliest_start`,
    soonest first."""
    rows = await session.scalars(
        select(Conference)
        .where(
            col(Conference.open_to_observers).is_(True),
            col(Conference.cancelled_at).is_(None),
            # A no is final: a conference whose family said no never opens again.
            col(Conference.family_said_no_at).is_(None),
            col(Conference.starts_at) >= earliest_start,
        )
        .order_by(col(Conference.starts_at), col(Conference.id))
        .limit(limit)
        .offset(offset)
    )
    return list(rows)


@dataclass(frozen=True)
class ConferenceAsking:
    """What bears on one trainee asking to observe one conference: the requests still open for
    it, and the trainee's own open request, if any."""

    open_requests: int
    yours: tuple[int, str] | None  # (request id, status)


async def asking_for_conferences(
    session: AsyncSession, *, conference_ids: list[int], trainee_id: int
) -> dict[int, ConferenceAsking]:
    """For each of these conferences, its open requests and this trainee's own: one query."""
    found: dict[int, ConferenceAsking] = {cid: ConferenceAsking(0, None) for cid in conference_ids}
    if not conference_ids:
        return found
    request = ObservationRequest
    still_open = sorted(status.value for status in OPEN_STATUSES)
    for conference_id, request_id, asked_by, status in await session.execute(
        select(col(request.conference_id), col(request.id), col(request.trainee_id),
               col(request.status))
        .where(col(request.conference_id).in_(conference_ids),
               col(request.status).in_(still_open))
        .order_by(col(request.id))
    ):  # fmt: skip
        before = found[conference_id]
        yours = (request_id, status) if asked_by == trainee_id and request_id else before.yours
        found[conference_id] = ConferenceAsking(before.open_requests + 1, yours)
    return found


async def upcoming_conferences(
    session: AsyncSession, *, since: datetime, limit: int = PAGE_SIZE, offset: int = 0
) -> list[Conference]:
    """Every conference from `since` on, soonest first, for QA."""
    rows = await session.scalars(
        select(Conference)
        .where(col(Conference.starts_at) >= since)
        .order_by(col(Conference.starts_at), col(Conference.id))
        .limit(limit)
        .offset(offset)
    )
    return list(rows)


def _request_rows() -> Select[ObservationRequest, Conference, StaffUser]:
    return (
        select(ObservationRequest, Conference, StaffUser)
        .join(Conference, col(Conference.id) == col(ObservationRequest.conference_id))
        .join(StaffUser, col(StaffUser.id) == col(ObservationRequest.trainee_id))
    )


_Columns = TypeVarTuple("_Columns")


def _a_page(
    query: Select[*_Columns],
    *,
    statuses: list[str] | None,
    trainee_id: int | None,
    conference_id: int | BindParameter[int] | None,
    before_id: int | BindParameter[int] | None,
    limit: int,
) -> Select[*_Columns]:
    """Requests narrowed as asked, newest first, a page at a time (keyset on id, so deep pages
    stay fast): the one way both the whole-row and the column reads page."""
    if statuses:
        query = query.where(_status_is_one_of(statuses))
    if trainee_id is not None:
        query = query.where(col(ObservationRequest.trainee_id) == trainee_id)
    if conference_id is not None:
        query = query.where(col(ObservationRequest.conference_id) == conference_id)
    if before_id is not None:
        query = query.where(col(ObservationRequest.id) < before_id)
    return query.order_by(col(ObservationRequest.id).desc()).limit(limit)


async def requests_page(
    session: AsyncSession,
    *,
    statuses: list[str] | None = None,
    trainee_id: int | None = None,
    conference_id: int | None = None,
    before_id: int | None = None,
    limit: int = PAGE_SIZE,
) -> list[RequestRow]:
    """Requests newest first, a page at a time (keyset on id, so deep pages stay fast)."""
    query = _a_page(_request_rows(), statuses=statuses, trainee_id=trainee_id,
                    conference_id=conference_id, before_id=before_id, limit=limit)  # fmt: skip
    result = await session.execute(query)
    return [RequestRow(request, conference, trainee) for request, conference, trainee in result]


@dataclass(frozen=True)
class RequestLine:
    """What one line of QA's list of requests shows, read as columns rather than whole rows."""

    id: int
    status: str
    reference: str
    starts_at: datetime
    trainee_name: str


async def request_lines_page(
    session: AsyncSession,
    *,
    statuses: list[str] | None,
    before_id: int | None,
    limit: int,
    conference_id: int | None = None,
) -> list[RequestLine]:
    """Requests newest first, a page at a time, as `requests_page` reads them but with only
    the five columns a list line shows: loading 50 whole requests, conferences and trainees as
    objects took several times as long as the query itself."""
    query = _lines_query(tuple(statuses or ()), before_id is not None, conference_id is not None,
                         limit)  # fmt: skip
    result = await session.execute(query, {"before_id": before_id, "conference_id": conference_id})
    return [
        RequestLine(id=request_id, status=status, reference=reference, starts_at=starts_at,
                    trainee_name=trainee_name)
        for request_id, status, reference, starts_at, trainee_name in result
        if request_id is not None
    ]  # fmt: skip


_LINE_COLUMNS = (
    select(col(ObservationRequest.id), col(ObservationRequest.status),
           col(Conference.reference), col(Conference.starts_at), col(StaffUser.name))
    .join(Conference, col(Conference.id) == col(ObservationRequest.conference_id))
    .join(StaffUser, col(StaffUser.id) == col(ObservationRequest.trainee_id))
)  # fmt: skip


@lru_cache(maxsize=64)
def _lines_query(
    statuses: tuple[str, ...], after_a_page: bool, of_a_conference: bool, limit: int
) -> Select[int | None, str, str, datetime, str]:
    # One statement for each shape, built once: every list runs one, and building costs more
    # than running. The ids it is narrowed by are bound when it runs.
    return _a_page(_LINE_COLUMNS, statuses=list(statuses), trainee_id=None,
                   conference_id=bindparam("conference_id") if of_a_conference else None,
                   before_id=bindparam("before_id") if after_a_page else None,
                   limit=limit)  # fmt: skip


def _status_is_one_of(statuses: list[str]) -> ColumnElement[bool]:
    """The status condition, written so the newest page stays fast whatever the filter.

    One status reads through the (status, id) index. Several statuses (everything finished,
    which is most requests after a few years) are written as "none of the others": with
    `IN`, SQLite gathers every match through the status index and sorts them all to show 50;
    with `NOT IN`, it walks the newest requests by id and stops when the page is full.
    """
    status = col(ObservationRequest.status)
    if len(statuses) == 1:
        return status == statuses[0]
    others = sorted(value for value in RequestStatus if value not in statuses)
    return status.not_in(others)


async def request_row(session: AsyncSession, *, request_id: int) -> RequestRow | None:
    """One request with its conference and trainee, or None."""
    result = await session.execute(_request_rows().where(col(ObservationRequest.id) == request_id))
    row = result.first()
    return RequestRow(*row) if row else None


@dataclass(frozen=True)
class FamilyRow:
    """A family member and, when they were asked about this request, their invitation."""

    member: FamilyMember
    invitation: ConsentInvitation | None


async def family_for_request(
    session: AsyncSession, *, conference_id: int, request_id: int | None
) -> list[FamilyRow]:
    """Everyone listed for the conference, with their invitation for this request if any."""
    query = (
        select(FamilyMember, ConsentInvitation)
        .outerjoin(
            ConsentInvitation,
            (col(ConsentInvitation.family_member_id) == col(FamilyMember.id))
            & (col(ConsentInvitation.request_id) == request_id),
        )
        .where(
            col(FamilyMember.conference_id) == conference_id,
            # Someone removed by mistake still shows on a request they were asked about.
            col(FamilyMember.removed_at).is_(None) | col(ConsentInvitation.id).is_not(None),
        )
        .order_by(col(FamilyMember.id))
    )
    result = await session.execute(query)
    return [FamilyRow(member, invitation) for member, invitation in result]


async def staff_page(
    session: AsyncSession, *, limit: int = PAGE_SIZE, offset: int = 0
) -> list[StaffUser]:
    """People's staff accounts in name order, a page at a time; integrations are listed apart."""
    rows = await session.scalars(
        select(StaffUser)
        .where(col(StaffUser.kind) == AccountKind.PERSON.value)
        .order_by(col(StaffUser.name), col(StaffUser.id))
        .limit(limit)
        .offset(offset)
    )
    return list(rows)
