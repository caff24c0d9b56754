"""QA decides and follows requests through the pages: approve, decline, withdraw, answers, chair."""

from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import func, select

from notifications.outbox import OutboxMessage
from service.domain.consent import Wording
from service.store.database import Database
from service.store.tables import (
    ConsentAnswer,
    ConsentInvitation,
    FamilyMember,
    ObservationRequest,
)
from service.usecases.steps.information_text import TEXT_VERSIONS
from tests.integration.test_qa_pages import a_request, signed_in_staff, snapshot, status_of
from tests.support.clock import FrozenClock
from tests.support.factories import NOW
from tests.support.web import csrf_from, form_post

IN_PERSON = {"name": "Jonathan Quixley", "relationship": "Father", "contact_by_email": False}
YOUNG_CHILD = {
    "name": "Robin Little",
    "relationship": "Son",
    "is_child": True,
    "has_parental_responsibility": False,
    "date_of_birth": date(2019, 4, 2),
}


async def act(
    client: httpx.AsyncClient, request_id: int, action: str, **data: str
) -> httpx.Response:
    """Post one of the request page's forms, as QA would."""
    page = f"/qa/requests/{request_id}"
    return await form_post(client, page, f"{page}/{action}", data)


async def invitations(database: Database, request_id: int) -> list[ConsentInvitation]:
    """The people asked about a request."""
    async with database.read_session() as session:
        rows = await session.scalars(
            select(ConsentInvitation)
            .where(ConsentInvitation.request_id == request_id)
            .order_by(ConsentInvitation.id)
        )
        return list(rows)


async def test_the_request_page_shows_the_observer_the_promise_and_who_will_be_asked(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    request_id, _ = await a_request(database, family=[{"name": "Alexandra Zebedee"}, YOUNG_CHILD])
    page = await client.get(f"/qa/requests/{request_id}")
    assert page.status_code == 200
    for text in (
        "Taylor Trainee",
        "Student social worker",
        "Children&#39;s Services",
        "To learn how a conference hears the family",
        "Sam Supervisor",
        "Acknowledged (statement version 1)",
        "Friday 18 December 2026 at 5:00pm",
        "Waiting for a decision",
        "Alexandra Zebedee",
        "Robin Little",
        "Not asked",
        "Approve and ask the family",
        "Decline request",
        "Withdraw this request",
    ):
        assert text in page.text, text
    assert "Record the chair" not in page.text
    assert "Record an answer" not in page.text


async def test_approving_asks_the_family_and_shows_who_to_ask_in_person(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    request_id, _ = await a_request(database, family=[{"name": "Alexandra Zebedee"}, IN_PERSON])
    response = await act(client, request_id, "approve")
    assert response.status_code == 303
    assert response.headers["location"] == f"/qa/requests/{request_id}?done=approved"
    assert await status_of(database, request_id) == "seeking_consent"
    assert len(await invitations(database, request_id)) == 2
    async with database.read_session() as session:
        members = {
            member.name: member
            for member in await session.scalars(
                select(FamilyMember)
                .join(ConsentInvitation, ConsentInvitation.family_member_id == FamilyMember.id)
                .where(ConsentInvitation.request_id == request_id)
            )
        }
        family_mail = list(
            await session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.request_id == request_id,
                    OutboxMessage.recipient_role == "family",
                )
            )
        )
    # One email, to the one person who may be emailed; the other is asked in person.
    assert [(m.template, m.to_address) for m in family_mail] == [
        ("family_invitation", members["Alexandra Zebedee"].email)
    ]
    assert members["Jonathan Quixley"].email not in {m.to_address for m in family_mail}
    page = await client.get(response.headers["location"])
    assert "You approved the request. The family is being asked." in page.text
    assert "Not answered yet" in page.text
    assert "Ask in person" in page.text
    assert "Record an answer given in person or by phone" in page.text
    assert "Approve and ask the family" not in page.text


async def test_approving_without_the_confidentiality_acknowledgement_is_refused(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    request_id, _ = await a_request(database, confidentiality_acknowledged=False)
    page = await client.get(f"/qa/requests/{request_id}")
    assert "Approve and ask the family" not in page.text
    assert "has not acknowledged the confidentiality statement" in page.text
    before = await snapshot(database)
    response = await act(client, request_id, "approve")
    assert response.status_code == 422
    assert "There is a problem" in response.text
    assert await snapshot(database) == before


async def test_an_unknown_done_message_is_not_shown(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    request_id, _ = await a_request(database)
    page = await client.get(f"/qa/requests/{request_id}?done=<script>alert(1)</script>")
    assert page.status_code == 200
    assert "<script>alert" not in page.text
    # The only banner is the idle warning, hidden until the session is nearly over.
    assert page.text.count("govuk-notification-banner__title") == 1
    assert "You will be signed out soon" in page.text


async def test_declining_needs_a_reason_then_declines(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    request_id, _ = await a_request(database)
    before = await snapshot(database)
    missing = await act(client, request_id, "decline", reason="   ")
    assert missing.status_code == 422
    assert 'href="#reason"' in missing.text
    assert "Give a reason for declining" in missing.text
    assert await snapshot(database) == before
    declined = await act(client, request_id, "decline", reason="Another trainee is observing.")
    assert declined.status_code == 303
    assert await status_of(database, request_id) == "declined"
    page = await client.get(declined.headers["location"])
    assert "The request has been declined." in page.text
    assert "Another trainee is observing." in page.text
    assert "Decline request" not in page.text


async def test_a_decision_on_a_request_already_decided_is_a_conflict(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    request_id, _ = await a_request(database, status="declined", decline_reason="Full")
    before = await snapshot(database)
    response = await act(client, request_id, "approve")
    assert response.status_code == 409
    assert "This cannot be done now: the request is declined." in response.text
    assert await snapshot(database) == before


async def test_qa_can_withdraw_a_request(client: httpx.AsyncClient, database: Database) -> None:
    await signed_in_staff(client, database)
    request_id, _ = await a_request(database)
    response = await act(client, request_id, "withdraw")
    assert response.status_code == 303
    assert await status_of(database, request_id) == "withdrawn"
    page = await client.get(response.headers["location"])
    assert "The request has been withdrawn." in page.text
    assert "Withdraw this request" not in page.text


async def test_recording_an_in_person_answer_stores_the_channel_and_who_recorded_it(
    client: httpx.AsyncClient, database: Database
) -> None:
    qa = await signed_in_staff(client, database)
    request_id, _ = await a_request(database, family=[IN_PERSON])
    assert (await act(client, request_id, "approve")).status_code == 303
    (invitation,) = await invitations(database, request_id)
    response = await act(
        client,
        request_id,
        "answers",
        invitation_id=str(invitation.id),
        answer="yes",
        channel="in_person",
        comment="Asked at the family centre.",
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/qa/requests/{request_id}?done=answer_recorded"
    async with database.read_session() as session:
        answer = (await session.scalars(select(ConsentAnswer))).one()
    assert answer.channel == "in_person"
    assert answer.recorded_by_id == qa.id
    assert answer.answer == "yes"
    assert answer.text_version == TEXT_VERSIONS[Wording.ADULT] and len(answer.text_sha256) == 64
    assert answer.comment == "Asked at the family centre."
    assert await status_of(database, request_id) == "confirmed"  # the only person asked said yes
    page = await client.get(response.headers["location"])
    assert "The answer has been recorded." in page.text


async def test_an_answer_needs_a_person_asked_about_this_request_and_a_choice(
    client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    request_id, _ = await a_request(database, family=[IN_PERSON])
    assert (await act(client, request_id, "approve")).status_code == 303
    other_id, _ = await a_request(database, family=[IN_PERSON])
    assert (await act(client, other_id, "approve")).status_code == 303
    (someone_else,) = await invitations(database, other_id)
    before = await snapshot(database)
    empty = await act(client, request_id, "answers")
    assert empty.status_code == 422
    for href in ("#invitation-id", "#answer", "#channel"):
        assert f'href="{href}"' in empty.text, href
    for stranger_id in (str(someone_else.id), "999", "-3", "99999999999999999999"):
        stranger = await act(
            client, request_id, "answers", invitation_id=stranger_id, answer="no", channel="phone"
        )
        assert stranger.status_code == 422
        assert "Choose the person whose answer you are recording" in stranger.text
    assert await snapshot(database) == before


async def test_the_chair_check_is_offered_from_the_conference_day_and_finishes_the_request(
    client: httpx.AsyncClient, database: Database, clock: FrozenClock
) -> None:
    await signed_in_staff(client, database)
    request_id, _ = await a_request(database, status="confirmed")
    page = await client.get(f"/qa/requests/{request_id}")
    assert "Record the chair" not in page.text
    early = await act(client, request_id, "chair-check", outcome="observed")
    assert early.status_code == 422
    assert "from the day of the conference" in early.text
    assert await status_of(database, request_id) == "confirmed"
    clock.set(NOW + timedelta(days=28, hours=-1))  # 9:00 on the day
    await signed_in_staff(client, database)  # the earlier session ended while idle
    page = await client.get(f"/qa/requests/{request_id}")
    assert "Record the chair&#39;s check" in page.text
    missing = await act(client, request_id, "chair-check")
    assert missing.status_code == 422 and 'href="#outcome"' in missing.text
    done = await act(client, request_id, "chair-check", outcome="observed")
    assert done.status_code == 303
    assert await status_of(database, request_id) == "completed"


async def test_the_family_withdrawing_at_the_start_means_not_going_ahead(
    client: httpx.AsyncClient, database: Database, clock: FrozenClock
) -> None:
    request_id, _ = await a_request(database, status="confirmed")
    clock.set(NOW + timedelta(days=28, minutes=5))
    await signed_in_staff(client, database)
    response = await act(client, request_id, "chair-check", outcome="family_withdrew")
    assert response.status_code == 303
    assert await status_of(database, request_id) == "not_going_ahead"
    async with database.read_session() as session:
        request = await session.get(ObservationRequest, request_id)
    assert request is not None and request.chair_check == "family_withdrew"


async def test_acting_on_a_page_someone_else_has_just_changed_shows_the_new_state(
    client: httpx.AsyncClient, second_client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_staff(client, database)
    await signed_in_staff(second_client, database)
    request_id, _ = await a_request(database)
    stale_page = await client.get(f"/qa/requests/{request_id}")
    assert (await act(second_client, request_id, "withdraw")).status_code == 303
    response = await client.post(
        f"/qa/requests/{request_id}/approve", data={"csrf_token": csrf_from(stale_page.text)}
    )
    assert response.status_code == 409
    assert "the request is withdrawn" in response.text
    assert ">\n  Withdrawn\n<" in response.text  # the tag shows the state now, not as it was
    assert "Approve and ask the family" not in response.text
    assert await status_of(database, request_id) == "withdrawn"


async def test_a_failure_late_in_approval_leaves_no_invitation_and_no_email_behind(
    client: httpx.AsyncClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await signed_in_staff(client, database)
    request_id, _ = await a_request(database, family=[{"name": "Alexandra Zebedee"}])
    before = await snapshot(database), await _outbox_count(database)

    async def failing_send(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("simulated failure after the family's emails were queued")

    # The trainee's email is the use case's last write, after the family's invitations and
    # their emails: failing there must take everything back with it.
    monkeypatch.setattr("service.usecases.consent_requests.send_email", failing_send)
    response = await act(client, request_id, "approve")

    assert response.status_code == 500
    assert "Traceback" not in response.text and "simulated failure" not in response.text
    assert (await snapshot(database), await _outbox_count(database)) == before
    assert await status_of(database, request_id) == "submitted"


async def _outbox_count(database: Database) -> int:
    async with database.read_session() as session:
        return int(await session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)
