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
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
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


async def lock_conference(session: AsyncSession, conference_id: int) -> LockedConference:
    """Lock a conference, then all its requests in id order; NotFound for an unknown id."""
    conference = await session.scalar(
        select(Conference)
        .where(col(Conference.id) == conference_id)
        # FOR NO KEY UPDATE: rows that refer to the conference can still be added meanwhile.
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    if conference is None:
        raise NotFound("There is no such conference.")
    requests = await session.scalars(
        select(ObservationRequest)
        .where(col(ObservationRequest.conference_id) == conference_id)
        .order_by(col(ObservationRequest.id))
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
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
    # An invitation never changes request, nor a request conference, so reading both before
    # locking is safe: one statement rather than one for each.
    found = (
        await session.execute(
            select(col(ConsentInvitation.request_id), col(ObservationRequest.conference_id))
            .join(ObservationRequest,
                  col(ObservationRequest.id) == col(ConsentInvitation.request_id))
            .where(col(ConsentInvitation.id) == invitation_id)
        )
    ).first()  # fmt: skip
    if found is None:
        raise NotFound("There is no such invitation.")
    request_id, conference_id = found
    locked = await lock_conference(session, conference_id)
    request = locked.request(request_id)
    invitation = await session.scalar(
        select(ConsentInvitation)
        .where(col(ConsentInvitation.id) == invitation_id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    if invitation is None:
        raise NotFound("There is no such invitation.")
    return LockedInvitation(locked=locked, request=request, invitation=invitation)


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
