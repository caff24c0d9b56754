"""The one lock order for writes: the conference row, then its request rows, then the audit chain.

Every use case that changes a conference, its family, its requests or their invitations begins
with one of these functions, so two writers about the same conference queue at the first step
instead of each holding what the other needs (a deadlock, which QA would see as an error). The
audit chain's lock comes last by construction: `append_audit` takes it when the first entry is
written, after these. Conferences locked together are locked in id order.

Each function reads the rows again after locking them (`populate_existing`), so a decision is
never made on a copy an earlier read left in the session.

SQLite needs no row locks: its write transactions begin IMMEDIATE, one at a time, and
SQLAlchemy leaves `FOR UPDATE` out there.

The conference and its requests are locked by two statements, never one joined: a statement
sees the rows there were when it began, so a joined one that waited for the conference would
miss a request added by the writer it waited for, and a family's no would leave it open.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.util import identity_key
from sqlmodel import col

from service.domain.errors import NotFound
from service.store.ids import saved_id
from service.store.tables import Conference, ConsentInvitation, FamilyMember, ObservationRequest


@dataclass(frozen=True)
class LockedConference:
    """A conference and every request for it, locked until the transaction ends."""

    conference: Conference
    requests: tuple[ObservationRequest, ...]

    @property
    def conference_id(self) -> int:
        """The locked conference's id."""
        return saved_id(self.conference)

    def request(self, request_id: int) -> ObservationRequest:
        """One of the locked requests, or NotFound."""
        for request in self.requests:
            if request.id == request_id:
                return request
        raise NotFound("There is no such request.")


@dataclass(frozen=True)
class LockedRequest:
    """A request with its conference (and the conference's other requests) locked."""

    locked: LockedConference
    request: ObservationRequest

    @property
    def conference(self) -> Conference:
        """The request's conference, as it is now."""
        return self.locked.conference


@dataclass(frozen=True)
class LockedInvitation:
    """An invitation, read again after its request and conference were locked."""

    locked: LockedConference
    request: ObservationRequest
    invitation: ConsentInvitation

    @property
    def conference(self) -> Conference:
        """The invitation's conference, as it is now."""
        return self.locked.conference


# The statements of the locks every answer and decision takes are built once, here: building
# a statement costs more than running it from SQLAlchemy's cache of compiled ones.
_CONFERENCE = (
    select(Conference)
    .where(col(Conference.id) == bindparam("conference_id"))
    # FOR NO KEY UPDATE: rows that refer to the conference can still be added meanwhile.
    .with_for_update(key_share=True)
    .execution_options(populate_existing=True)
)
_CONFERENCE_REQUESTS = (
    select(ObservationRequest)
    .where(col(ObservationRequest.conference_id) == bindparam("conference_id"))
    .order_by(col(ObservationRequest.id))
    .with_for_update(key_share=True)
    .execution_options(populate_existing=True)
)
_INVITATION_PLACE = (
    select(col(ConsentInvitation.request_id), col(ObservationRequest.conference_id))
    .join(ObservationRequest, col(ObservationRequest.id) == col(ConsentInvitation.request_id))
    .where(col(ConsentInvitation.id) == bindparam("invitation_id"))
)
_INVITATION = (
    select(ConsentInvitation)
    .where(col(ConsentInvitation.id) == bindparam("invitation_id"))
    .with_for_update(key_share=True)
    .execution_options(populate_existing=True)
)


async def lock_conference(session: AsyncSession, conference_id: int) -> LockedConference:
    """Lock a conference, then all its requests in id order; NotFound for an unknown id."""
    conference = await session.scalar(_CONFERENCE, {"conference_id": conference_id})
    if conference is None:
        raise NotFound("There is no such conference.")
    requests = await session.scalars(_CONFERENCE_REQUESTS, {"conference_id": conference_id})
    return LockedConference(conference=conference, requests=tuple(requests))


async def lock_conferences(
    session: AsyncSession, conference_ids: Iterable[int]
) -> list[LockedConference]:
    """Lock several conferences, always in the same (id) order."""
    return [await lock_conference(session, cid) for cid in sorted(set(conference_ids))]


async def lock_request(session: AsyncSession, request_id: int) -> LockedRequest:
    """Lock a request's conference, then its requests; NotFound for an unknown request."""
    # A request never changes conference, so reading which one before locking is safe.
    conference_id = await session.scalar(
        select(col(ObservationRequest.conference_id)).where(
            col(ObservationRequest.id) == request_id
        )
    )
    if conference_id is None:
        raise NotFound("There is no such request.")
    locked = await lock_conference(session, conference_id)
    return LockedRequest(locked=locked, request=locked.request(request_id))


async def lock_invitation(session: AsyncSession, invitation_id: int) -> LockedInvitation:
    """Lock an invitation's conference and requests, then read the invitation as it is now."""
    # An invitation never changes request, nor a request conference, so learning both before
    # locking is safe: from what this session read already (a family member's answer has just
    # read their invitation to check the link), else in one statement.
    place = (
        _place_already_read(session, invitation_id)
        or (await session.execute(_INVITATION_PLACE, {"invitation_id": invitation_id})).first()
    )
    if place is None:
        raise NotFound("There is no such invitation.")
    request_id, conference_id = place
    locked = await lock_conference(session, conference_id)
    request = locked.request(request_id)
    invitation = await session.scalar(_INVITATION, {"invitation_id": invitation_id})
    if invitation is None:
        raise NotFound("There is no such invitation.")
    return LockedInvitation(locked=locked, request=request, invitation=invitation)


def _place_already_read(session: AsyncSession, invitation_id: int) -> tuple[int, int] | None:
    """The request and conference of an invitation this session holds with its request."""
    invitation = session.identity_map.get(identity_key(ConsentInvitation, invitation_id))
    # Read from what is loaded, never loading: a copy expired by a rollback counts as unread.
    request_id = inspect(invitation).dict.get("request_id") if invitation is not None else None
    if not isinstance(request_id, int):
        return None
    request = session.identity_map.get(identity_key(ObservationRequest, request_id))
    conference_id = inspect(request).dict.get("conference_id") if request is not None else None
    if not isinstance(conference_id, int):
        return None
    return request_id, conference_id


@dataclass(frozen=True)
class LockedFamilyMember:
    """A family member not removed, read again after their conference was locked."""

    locked: LockedConference
    member: FamilyMember


async def lock_family_member(session: AsyncSession, family_member_id: int) -> LockedFamilyMember:
    """Lock a family member's conference and its requests, then read the person as they are now."""
    conference_id = await session.scalar(
        select(col(FamilyMember.conference_id)).where(col(FamilyMember.id) == family_member_id)
    )
    if conference_id is None:
        raise NotFound("There is no such family member.")
    locked = await lock_conference(session, conference_id)
    member = await session.scalar(
        select(FamilyMember)
        .where(col(FamilyMember.id) == family_member_id)
        .execution_options(populate_existing=True)
    )
    if member is None or member.removed_at is not None:
        raise NotFound("There is no such family member.")
    return LockedFamilyMember(locked=locked, member=member)
