"""Turning rows into the API's and pages' views, with what the domain derives from them."""

from datetime import datetime

from service.domain.allowed_now import allowed_now
from service.domain.staff import StaffMember
from service.domain.states import Actor, RequestStatus
from service.domain.transitions import describe_status
from service.settings import Settings
from service.store.ids import saved_id
from service.store.tables import Conference
from service.store.views import FamilyRow, RequestRow
from service.usecases.steps.deadlines import answers_needed_by
from service.web.api.schemas import (
    ConferenceOut,
    ConferencePublicOut,
    FamilyAnswerOut,
    RequestQaOut,
    RequestTraineeOut,
)


def conference_public(conference: Conference) -> ConferencePublicOut:
    """The trainee's view of a conference."""
    return ConferencePublicOut(
        id=saved_id(conference),
        reference=conference.reference,
        kind=conference.kind,
        starts_at=conference.starts_at,
        duration_minutes=conference.duration_minutes,
        venue=conference.venue,
    )


def conference_for_qa(conference: Conference) -> ConferenceOut:
    """QA's view of a conference."""
    return ConferenceOut(
        **conference_public(conference).model_dump(),
        open_to_observers=conference.open_to_observers,
        cancelled=conference.cancelled_at is not None,
        family_said_no=conference.family_said_no_at is not None,
        external_id=conference.external_id,
    )


def _allowed_actions(row: RequestRow, viewer: StaffMember, now: datetime) -> list[str]:
    facts = row.facts_at(now)
    # Answers given in person are recorded on QA's pages only, so the API never offers that.
    return allowed_now(facts, Actor(viewer.role.value), someone_is_asked=False).names()


def request_for_trainee(row: RequestRow, viewer: StaffMember, now: datetime) -> RequestTraineeOut:
    """What the trainee who asked may see: the status, never the family's answers."""
    return RequestTraineeOut(
        id=saved_id(row.request),
        status=row.request.status,
        status_description=describe_status(RequestStatus(row.request.status)),
        conference=conference_public(row.conference),
        role=row.request.role,
        organisation=row.request.organisation,
        purpose=row.request.purpose,
        created_at=row.request.created_at,
        decline_reason=row.request.decline_reason,
        allowed_actions=_allowed_actions(row, viewer, now),
    )


def request_for_qa(
    settings: Settings, row: RequestRow, family: list[FamilyRow], viewer: StaffMember, now: datetime
) -> RequestQaOut:
    """Everything QA needs to decide and follow a request."""
    asked = [f for f in family if f.invitation is not None]
    return RequestQaOut(
        **request_for_trainee(row, viewer, now).model_dump(),
        observer_name=row.trainee.name,
        observer_email=row.trainee.email,
        supervisor_name=row.request.supervisor_name,
        supervisor_email=row.request.supervisor_email,
        confidentiality_acknowledged=row.request.confidentiality_acknowledged,
        consent_deadline=answers_needed_by(settings, row.conference),
        chair_check=row.request.chair_check,
        family=[
            FamilyAnswerOut(
                family_member_id=saved_id(f.member),
                name=f.member.name,
                relationship=f.member.relationship,
                asked_in_person=f.invitation.ask_in_person,
                answer=f.invitation.current_answer,
                answered_at=f.invitation.answered_at,
                still_asked=f.invitation.ended_at is None,
            )
            for f in asked
            if f.invitation is not None
        ],
    )
