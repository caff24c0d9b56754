"""QA lists, corrects and removes the family members whose views are sought about observers."""

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession

from service.audit import append_audit
from service.domain.audit_actions import AuditAction
from service.domain.conferences import check_family_member
from service.domain.errors import InvalidInput
from service.domain.family_changes import check_family_can_change
from service.domain.staff import normalise_email
from service.domain.states import Actor
from service.domain.times import london_day
from service.languages import Language, parse_language
from service.settings import Settings
from service.store.locks import LockedConference, lock_conference, lock_family_member
from service.store.tables import FamilyMember
from service.usecases.steps.family_corrections import bring_requests_up_to_date

T = TypeVar("T")


@dataclass(frozen=True)
class FamilyMemberDetails:
    """Everything QA records about a family member, as entered."""

    name: str
    relationship: str
    email: str | None
    is_child: bool
    date_of_birth: date | None
    has_parental_responsibility: bool
    sufficient_understanding: bool | None
    understanding_judged_by: str | None
    contact_by_email: bool
    # The language they want to use, when known.
    preferred_language: Language | None = None


def _checked(details: FamilyMemberDetails, *, now: datetime) -> FamilyMemberDetails:
    """The column values for these details, tidied, or InvalidInput naming the first problem."""
    if not details.name.strip():
        raise InvalidInput("Enter the person's name.", field="name")
    if not details.relationship.strip():
        raise InvalidInput("Enter the person's relationship to the child.", field="relationship")
    email = details.email
    address = normalise_email(email) if email and email.strip() else None
    check_family_member(
        is_child=details.is_child,
        date_of_birth=details.date_of_birth,
        today=london_day(now),
        email=address,
        contact_by_email=details.contact_by_email,
        sufficient_understanding=details.sufficient_understanding,
        understanding_judged_by=details.understanding_judged_by,
    )
    return FamilyMemberDetails(
        name=details.name.strip(),
        relationship=details.relationship.strip(),
        email=address,
        is_child=details.is_child,
        date_of_birth=details.date_of_birth,
        has_parental_responsibility=details.has_parental_responsibility,
        sufficient_understanding=details.sufficient_understanding if details.is_child else None,
        understanding_judged_by=(details.understanding_judged_by or "").strip() or None,
        contact_by_email=details.contact_by_email,
        preferred_language=_language(details.preferred_language),
    )


def _given(changes: Mapping[str, object], name: str, current: T, kinds: tuple[type, ...]) -> T:
    """The new value of one field when it is given and of the right type, else the current one."""
    if name not in changes:
        return current
    value = changes[name]
    if not isinstance(value, kinds):
        raise InvalidInput(f"The field '{name}' has a value of the wrong kind.", field=name)
    return cast(T, value)


def _merged(details: FamilyMemberDetails, changes: Mapping[str, object]) -> FamilyMemberDetails:
    """The details with the changes given applied, each checked to be of its field's type."""
    optional_text, optional_flag = (str, type(None)), (bool, type(None))
    return FamilyMemberDetails(
        name=_given(changes, "name", details.name, (str,)),
        relationship=_given(changes, "relationship", details.relationship, (str,)),
        email=_given(changes, "email", details.email, optional_text),
        is_child=_given(changes, "is_child", details.is_child, (bool,)),
        date_of_birth=_given(changes, "date_of_birth", details.date_of_birth, (date, type(None))),
        has_parental_responsibility=_given(
            changes, "has_parental_responsibility", details.has_parental_responsibility, (bool,)
        ),
        sufficient_understanding=_given(
            changes, "sufficient_understanding", details.sufficient_understanding, optional_flag
        ),
        understanding_judged_by=_given(
            changes, "understanding_judged_by", details.understanding_judged_by, optional_text
        ),
        contact_by_email=_given(changes, "contact_by_email", details.contact_by_email, (bool,)),
        preferred_language=_language(
            _given(changes, "preferred_language", details.preferred_language, optional_text)
        ),
    )


def _language(value: str | None) -> Language | None:
    if value is None:
        return None
    language = parse_language(value)
    if language is None:
        raise InvalidInput(
            "Choose English or Welsh, or leave the language unknown.", field="preferred_language"
        )
    return language


_NEVER_EMPTY = frozenset(
    {"name", "relationship", "is_child", "has_parental_responsibility", "contact_by_email"}
)


def _known(changes: Mapping[str, object]) -> Mapping[str, object]:
    """The changes, or InvalidInput for a field that does not exist or cannot be emptied."""
    for name, value in changes.items():
        if name not in FamilyMemberDetails.__dataclass_fields__:
            raise InvalidInput(f"The field '{name}' is not one a family member has.", field=name)
        if value is None and name in _NEVER_EMPTY:
            raise InvalidInput(f"The field '{name}' cannot be empty.", field=name)
    return changes


def details_of(member: FamilyMember) -> FamilyMemberDetails:
    """What QA recorded about a person, as the details a correction starts from."""
    return FamilyMemberDetails(
        name=member.name,
        relationship=member.relationship,
        email=member.email,
        is_child=member.is_child,
        date_of_birth=member.date_of_birth,
        has_parental_responsibility=member.has_parental_responsibility,
        sufficient_understanding=member.sufficient_understanding,
        understanding_judged_by=member.understanding_judged_by,
        contact_by_email=member.contact_by_email,
        preferred_language=parse_language(member.preferred_language),
    )


# What the record keeps of a change: whether each fact changed, and the new value only where
# it is a judgement or a yes/no rather than something that identifies or reaches the person.
_VALUES_KEPT = (
    "is_child",
    "has_parental_responsibility",
    "sufficient_understanding",
    "understanding_judged_by",
    "contact_by_email",
    "preferred_language",
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
    values = asdict(_checked(details, now=now))
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
    values = asdict(_checked(_merged(details_of(member), _known(changes)), now=now))
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
        email_changed="email" in changed,
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
