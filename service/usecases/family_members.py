"""QA lists, corrects and removes the family members whose views are sought about observers."""

from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from service.audit import append_audit
from service.domain.audit_actions import AuditAction
from service.domain.family_changes import check_family_can_change
from service.domain.states import Actor
from service.settings import Settings
from service.store.locks import LockedConference, lock_conference, lock_family_member
from service.store.tables import FamilyMember
from service.usecases.family_member_details import (
    FamilyMemberDetails,
    checked_details,
    details_of,
    known_changes,
    merged_details,
)
from service.usecases.steps.family_corrections import bring_requests_up_to_date

# What the record keeps of a change: whether each fact changed, and the new value only where
# it is a judgement or a yes/no rather than something that identifies or reaches the person.
_VALUES_KEPT = (
    "is_child",
    "has_parental_responsibility",
    "sufficient_understanding",
    "understanding_judged_by",
    "contact_by_email",
    "preferred_language",
    "communication_needs",
    "contact_channel",
)


async def _record_and_follow(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    qa_user_id: int,
    locked: LockedConference,
    member: FamilyMember,
    action: AuditAction,
    details: dict[str, object],
    email_changed: bool = False,
) -> FamilyMember:
    """Audit QA's change to the family, let the asking follow it, and commit."""
    await session.flush()
    await append_audit(
        session,
        now=now,
        actor_kind=Actor.QA.value,
        actor_id=qa_user_id,
        action=action,
        conference_id=member.conference_id,
        details={"family_member_id": member.id, **details},
    )
    await bring_requests_up_to_date(
        session,
        settings=settings,
        now=now,
        qa_user_id=qa_user_id,
        locked=locked,
        member=member,
        email_changed=email_changed,
    )
    await session.commit()
    return member


async def add_family_member(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    qa_user_id: int,
    conference_id: int,
    details: FamilyMemberDetails,
) -> FamilyMember:
    """List a person; while the family is being asked, ask them too if they must be; commits."""
    locked = await lock_conference(session, conference_id)
    values = asdict(checked_details(details, now=now))
    check_family_can_change(now=now, conference_start=locked.conference.starts_at)
    member = FamilyMember(conference_id=conference_id, created_at=now, **values)
    session.add(member)
    return await _record_and_follow(
        session,
        settings=settings,
        now=now,
        qa_user_id=qa_user_id,
        locked=locked,
        member=member,
        action=AuditAction.FAMILY_MEMBER_ADDED,
        details={k: values[k] for k in _VALUES_KEPT},
    )


async def update_family_member(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    qa_user_id: int,
    family_member_id: int,
    changes: Mapping[str, object],
) -> FamilyMember:
    """Correct some of a person's details; their invitations follow the change; commits."""
    held = await lock_family_member(session, family_member_id)
    member, locked = held.member, held.locked
    check_family_can_change(now=now, conference_start=locked.conference.starts_at)
    values = asdict(
        checked_details(merged_details(details_of(member), known_changes(changes)), now=now)
    )
    new_values = {name: value for name, value in values.items() if getattr(member, name) != value}
    changed = sorted(new_values)
    if not changed:
        return member
    for name, value in new_values.items():
        setattr(member, name, value)
    return await _record_and_follow(
        session,
        settings=settings,
        now=now,
        qa_user_id=qa_user_id,
        locked=locked,
        member=member,
        action=AuditAction.FAMILY_MEMBER_CHANGED,
        details={"changed": changed, **{k: new_values[k] for k in _VALUES_KEPT if k in changed}},
        # A new address, number or way of reaching them: a new link, and the old one stops.
        email_changed=bool({"email", "mobile_number", "contact_channel"} & set(changed)),
    )


async def remove_family_member(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    qa_user_id: int,
    family_member_id: int,
) -> FamilyMember:
    """Take off a person added by mistake: their link stops, their answers stay; commits."""
    held = await lock_family_member(session, family_member_id)
    member, locked = held.member, held.locked
    check_family_can_change(now=now, conference_start=locked.conference.starts_at)
    member.removed_at = now
    return await _record_and_follow(
        session,
        settings=settings,
        now=now,
        qa_user_id=qa_user_id,
        locked=locked,
        member=member,
        action=AuditAction.FAMILY_MEMBER_REMOVED,
        details={},
    )
