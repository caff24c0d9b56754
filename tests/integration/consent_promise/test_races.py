"""Every race the consent promise could lose, played with a pause between read and write.

Each test runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL: no database error,
one winner and a plain refusal for the loser, everyone who must be asked asked exactly once,
nothing moved after a cancellation, and the audit chain intact.
"""

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import col

from service.domain.consent import Answer
from service.domain.errors import ConsentClosed, DomainError, IllegalTransition, NotFound
from service.domain.states import Actor
from service.settings import Settings
from service.store.database import Database
from service.store.tables import AuditEntry, Conference, ConsentInvitation, StaffUser
from service.usecases.conferences import cancel_conference, reschedule_conference
from service.usecases.consent_links import reissue_link
from service.usecases.consent_requests import approve_request
from service.usecases.consent_view import load_consent_view
from service.usecases.family_answers import LinkAnswer, answer_through_link
from service.usecases.family_member_details import FamilyMemberDetails
from service.usecases.family_members import add_family_member
from service.usecases.observation_requests import withdraw_request
from tests.integration.consent_promise.helpers import invitations_of, request_status
from tests.integration.consent_promise.races import (
    approved,
    assert_everyone_asked_once,
    in_session,
    pause_audit_in,
    race,
    submitted_request,
)
from tests.support.factories import NOW
from tests.support.scenario import World, build_world

STEPFATHER = FamilyMemberDetails(
    name="Robin Zebedee",
    relationship="Stepfather",
    email="robin@family.example",
    is_child=False,
    date_of_birth=None,
    has_parental_responsibility=True,
    sufficient_understanding=None,
    understanding_judged_by=None,
    contact_by_email=True,
)


async def qa_id(database: Database, world: World) -> int:
    async with database.read_session() as session:
        found = await session.scalar(
            select(col(StaffUser.id)).where(col(StaffUser.email) == world.qa_email)
        )
    assert found is not None
    return int(found)


async def first_invitation(database: Database, request_id: int) -> ConsentInvitation:
    return (await invitations_of(database, request_id))[0]


async def answering(
    database: Database, settings: Settings, invitation: ConsentInvitation, answer: Answer
) -> Any:
    """An answer through the person's link, after they read the page it opens."""
    assert invitation.id is not None
    async with database.read_session() as session:
        page = await load_consent_view(
            session, settings=settings, invitation_id=invitation.id, nonce=invitation.nonce
        )
    given = LinkAnswer(
        invitation_id=invitation.id,
        nonce=invitation.nonce,
        text_sha256_seen=page.information.sha256,
        decision=answer.value,
    )
    return await in_session(database, answer_through_link, settings=settings, now=NOW, given=given)


async def test_cancelling_while_an_answer_is_recorded_never_deadlocks(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await build_world(database)
    qa = await qa_id(database, world)
    request_id = await approved(database, settings, world, NOW, qa)
    invitation = await first_invitation(database, request_id)
    pause = pause_audit_in(monkeypatch, "service.usecases.conferences")
    cancelled, answered = await race(
        pause,
        in_session(
            database,
            cancel_conference,
            settings=settings,
            now=NOW,
            qa_user_id=qa,
            conference_id=world.conference_id,
        ),
        answering(database, settings, invitation, Answer.YES),
    )
    assert isinstance(cancelled, Conference)
    assert isinstance(answered, ConsentClosed)
    assert await request_status(database, request_id) == "cancelled"
    await assert_everyone_asked_once(database)


async def test_an_answer_recorded_while_cancelling_is_waited_for(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await build_world(database)
    qa = await qa_id(database, world)
    request_id = await approved(database, settings, world, NOW, qa)
    invitation = await first_invitation(database, request_id)
    pause = pause_audit_in(monkeypatch, "service.usecases.family_answers")
    answered, cancelled = await race(
        pause,
        answering(database, settings, invitation, Answer.YES),
        in_session(
            database,
            cancel_conference,
            settings=settings,
            now=NOW,
            qa_user_id=qa,
            conference_id=world.conference_id,
        ),
    )
    assert answered == "seeking_consent"
    assert isinstance(cancelled, Conference)
    assert await request_status(database, request_id) == "cancelled"
    await assert_everyone_asked_once(database)


@pytest.mark.parametrize("cancel_first", [True, False], ids=["cancel-first", "move-first"])
async def test_a_cancelled_conference_is_never_moved(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch, cancel_first: bool
) -> None:
    world = await build_world(database)
    qa = await qa_id(database, world)
    await approved(database, settings, world, NOW, qa)
    async with database.read_session() as session:
        conference = await session.get(Conference, world.conference_id)
        assert conference is not None
        original = conference.starts_at
    cancel = in_session(
        database,
        cancel_conference,
        settings=settings,
        now=NOW,
        qa_user_id=qa,
        conference_id=world.conference_id,
    )
    move = in_session(
        database,
        reschedule_conference,
        settings=settings,
        now=NOW,
        qa_user_id=qa,
        conference_id=world.conference_id,
        starts_at=original + timedelta(days=2),
    )
    pause = pause_audit_in(monkeypatch, "service.usecases.conferences")
    results = await race(pause, cancel, move) if cancel_first else await race(pause, move, cancel)
    async with database.read_session() as session:
        stored = await session.get(Conference, world.conference_id)
    assert stored is not None and stored.cancelled_at is not None
    if cancel_first:
        assert isinstance(results[1], IllegalTransition)
        assert results[1].message == "This conference was cancelled, so it cannot be moved."
        assert stored.starts_at == original
    else:
        assert all(isinstance(r, Conference) for r in results)
        assert stored.starts_at == original + timedelta(days=2)
    await assert_everyone_asked_once(database)


@pytest.mark.parametrize("approve_first", [True, False], ids=["approve-first", "add-first"])
async def test_a_parent_added_during_approval_is_asked(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch, approve_first: bool
) -> None:
    world = await build_world(database)
    qa = await qa_id(database, world)
    request_id = await submitted_request(database, settings, world, NOW)
    approve = in_session(
        database, approve_request, settings=settings, now=NOW, qa_user_id=qa, request_id=request_id
    )
    add = in_session(
        database,
        add_family_member,
        settings=settings,
        now=NOW,
        qa_user_id=qa,
        conference_id=world.conference_id,
        details=STEPFATHER,
    )
    if approve_first:
        results = await race(
            pause_audit_in(monkeypatch, "service.usecases.steps.moves"), approve, add
        )
    else:
        results = await race(
            pause_audit_in(monkeypatch, "service.usecases.family_members"), add, approve
        )
    assert not any(isinstance(r, DomainError) for r in results)
    assert await request_status(database, request_id) == "seeking_consent"
    assert len(await invitations_of(database, request_id)) == 4
    await assert_everyone_asked_once(database)


async def test_a_double_click_is_one_answer_given_and_one_changed(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await build_world(database)
    qa = await qa_id(database, world)
    request_id = await approved(database, settings, world, NOW, qa)
    invitation = await first_invitation(database, request_id)
    pause = pause_audit_in(monkeypatch, "service.usecases.family_answers")
    await race(
        pause,
        answering(database, settings, invitation, Answer.YES),
        answering(database, settings, invitation, Answer.YES),
    )
    async with database.read_session() as session:
        actions = list(
            await session.scalars(
                select(col(AuditEntry.action))
                .where(col(AuditEntry.action).in_(["answer_given", "answer_changed"]))
                .order_by(col(AuditEntry.id))
            )
        )
    assert actions == ["answer_given", "answer_changed"]
    await assert_everyone_asked_once(database)


async def test_an_answer_through_a_link_replaced_a_moment_ago_is_refused(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await build_world(database)
    qa = await qa_id(database, world)
    request_id = await approved(database, settings, world, NOW, qa)
    invitation = await first_invitation(database, request_id)
    pause = pause_audit_in(monkeypatch, "service.usecases.consent_links")
    reissued, answered = await race(
        pause,
        in_session(
            database,
            reissue_link,
            settings=settings,
            now=NOW,
            qa_user_id=qa,
            invitation_id=invitation.id,
        ),
        answering(database, settings, invitation, Answer.NO),
    )
    assert isinstance(reissued, ConsentInvitation)
    assert isinstance(answered, NotFound)
    assert await request_status(database, request_id) == "seeking_consent"
    await assert_everyone_asked_once(database)


async def test_a_withdrawal_racing_the_last_yes_has_one_winner(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await build_world(database)
    qa = await qa_id(database, world)
    request_id = await approved(database, settings, world, NOW, qa)
    invitations = await invitations_of(database, request_id)
    for invitation in invitations[:-1]:
        await answering(database, settings, invitation, Answer.YES)
    pause = pause_audit_in(monkeypatch, "service.usecases.family_answers")
    answered, withdrawn = await race(
        pause,
        answering(database, settings, invitations[-1], Answer.YES),
        in_session(
            database,
            withdraw_request,
            settings=settings,
            now=NOW,
            actor=Actor.QA,
            actor_id=qa,
            request_id=request_id,
        ),
    )
    assert answered == "confirmed"
    assert not isinstance(withdrawn, DomainError)
    assert await request_status(database, request_id) == "withdrawn"
    await assert_everyone_asked_once(database)


async def test_two_approvals_at_once_ask_the_family_once(
    database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await build_world(database)
    qa = await qa_id(database, world)
    request_id = await submitted_request(database, settings, world, NOW)
    pause = pause_audit_in(monkeypatch, "service.usecases.steps.moves")
    first, second = await race(
        pause,
        in_session(
            database,
            approve_request,
            settings=settings,
            now=NOW,
            qa_user_id=qa,
            request_id=request_id,
        ),
        in_session(
            database,
            approve_request,
            settings=settings,
            now=NOW,
            qa_user_id=qa,
            request_id=request_id,
        ),
    )
    assert not isinstance(first, DomainError)
    assert isinstance(second, IllegalTransition)
    assert len(await invitations_of(database, request_id)) == 3
    await assert_everyone_asked_once(database)
