"""The record of one request, loaded whole in a fixed number of queries for the page and exports."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from sqlalchemy.ext.asyncio import AsyncSession

from service.domain.errors import NotFound
from service.settings import Settings
from service.store.ids import saved_id
from service.store.record_queries import (
    EmailState,
    answers_for_request,
    audit_entries_for_request,
    email_states_for_request,
    staff_names,
)
from service.store.tables import AuditEntry, ConsentAnswer, ConsentInvitation, FamilyMember
from service.store.views import FamilyRow, RequestRow, family_for_request, request_row
from service.usecases.steps.deadlines import answers_needed_by

_STAFF_ACTORS = ("qa", "trainee", "admin")


def detail_id(details: Mapping[str, object], key: str) -> int | None:
    """An id an audit entry's details name, or None when they name none."""
    value = details.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def entry_details(entry: AuditEntry) -> dict[str, object]:
    """An entry's details as written (always a JSON object)."""
    details = json.loads(entry.details or "{}")
    return details if isinstance(details, dict) else {}


@dataclass(frozen=True)
class RequestRecord:
    """Everything recorded about one request, as read in one go."""

    row: RequestRow
    family: list[FamilyRow]
    entries: list[AuditEntry]
    answers: list[ConsentAnswer]
    staff: dict[int, str]
    emails: list[EmailState]
    deadline: datetime

    @cached_property
    def _members(self) -> dict[int, FamilyMember]:
        return {saved_id(f.member): f.member for f in self.family}

    @cached_property
    def _invitations(self) -> dict[int, ConsentInvitation]:
        return {saved_id(f.invitation): f.invitation for f in self.family if f.invitation}

    @property
    def request_id(self) -> int:
        """The request's id."""
        return saved_id(self.row.request)

    def member(self, member_id: object) -> FamilyMember | None:
        """The family member with this id, if listed for the conference."""
        return self._members.get(member_id) if isinstance(member_id, int) else None

    def invitation(self, invitation_id: object) -> ConsentInvitation | None:
        """The invitation with this id, if it belongs to this request."""
        return self._invitations.get(invitation_id) if isinstance(invitation_id, int) else None

    def member_of_entry(self, entry: AuditEntry) -> FamilyMember | None:
        """The family member an entry is about, named directly or through their invitation."""
        details = entry_details(entry)
        invitation = self.invitation(details.get("invitation_id"))
        if invitation is not None:
            return self.member(invitation.family_member_id)
        return self.member(details.get("family_member_id"))

    def invitation_of_member(self, member_id: int) -> ConsentInvitation | None:
        """The invitation of a family member about this request, if they were asked."""
        return next(
            (f.invitation for f in self.family if f.member.id == member_id and f.invitation),
            None,
        )

    def staff_name(self, staff_id: int | str | None) -> str | None:
        """A member of staff's name, or None when the id is unknown."""
        if staff_id is None or not str(staff_id).isdigit():
            return None
        return self.staff.get(int(staff_id))


def _staff_ids(entries: list[AuditEntry], answers: list[ConsentAnswer]) -> set[int]:
    ids = {
        int(entry.actor_id)
        for entry in entries
        if entry.actor_kind in _STAFF_ACTORS and entry.actor_id and entry.actor_id.isdigit()
    }
    ids.update(answer.recorded_by_id for answer in answers if answer.recorded_by_id is not None)
    return ids


async def record_for_row(
    session: AsyncSession, *, settings: Settings, row: RequestRow, family: list[FamilyRow]
) -> RequestRecord:
    """The rest of the record of a request whose row and family the caller has already read."""
    entries = await audit_entries_for_request(
        session,
        request_id=saved_id(row.request),
        conference_id=saved_id(row.conference),
        since=row.request.created_at,
    )
    answers = await answers_for_request(session, request_id=saved_id(row.request))
    staff = await staff_names(session, ids=_staff_ids(entries, answers))
    emails = await email_states_for_request(session, request_id=saved_id(row.request))
    deadline = answers_needed_by(settings, row.conference)
    return RequestRecord(row, family, entries, answers, staff, emails, deadline)


async def load_request_record(
    session: AsyncSession, *, settings: Settings, request_id: int
) -> RequestRecord:
    """The whole record of a request in six queries, or NotFound."""
    row = await request_row(session, request_id=request_id)
    if row is None:
        raise NotFound("There is no such request.")
    family = await family_for_request(
        session, conference_id=saved_id(row.conference), request_id=request_id
    )
    return await record_for_row(session, settings=settings, row=row, family=family)
