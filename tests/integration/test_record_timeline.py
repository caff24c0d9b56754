"""QA's request page draws the request's record as a timeline, from the audit log and the outbox."""

import re
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import event, func, select, update

from notifications.outbox import OutboxMessage
from service.domain.consent import Wording
from service.settings import Settings
from service.store.database import Database
from service.store.tables import AuditEntry, FamilyMember
from service.usecases.scheduled_jobs import send_due_reminders
from service.usecases.steps.information_text import TEXT_VERSIONS
from service.usecases.undeliverable import tell_qa_email_undeliverable
from tests.support.clock import FrozenClock
from tests.support.consent import answer, approved_request, consent_paths
from tests.support.scenario import World, build_world, request_body
from tests.support.web import api_token, sign_in

# The conference moves from Monday 21 to Tuesday 22 December, so answers are due at 17:00 on
# Monday 21 December and the one reminder is due at 10:00 on Thursday 17 December.
MOVED_TO = "2026-12-22T14:00:00+00:00"
AFTER_REMINDER = datetime(2026, 12, 18, 10, 0, tzinfo=UTC)
_ENTRY = re.compile(r'<li class="app-timeline__item[^"]*" id="entry-(\d+)">')
_ITEM = re.compile(
    r'<li class="app-timeline__item[^"]*"[^>]*>\s*<h3 class="app-timeline__title">([^<]*)</h3>'
    r'\s*<p class="app-timeline__date"><time datetime="([^"]+)">'
)


async def a_whole_journey(
    client: httpx.AsyncClient,
    database: Database,
    settings: Settings,
    clock: FrozenClock,
    world: World,
) -> int:
    """Asked, approved, an answer, the conference moved, reminders, a yes, a yes changed to no."""
    mother, father, child = world.family_ids
    request_id = await approved_request(client, world)
    paths = await consent_paths(database, settings, request_id)
    await answer(client, paths[mother], "yes", "Happy to help")
    qa = {"Authorization": f"Bearer {await api_token(client, world.qa_email)}"}
    moved = await client.post(
        f"/api/v1/conferences/{world.conference_id}/reschedule",
        json={"starts_at": MOVED_TO},
        headers=qa,
    )
    assert moved.status_code == 200, moved.text
    clock.set(AFTER_REMINDER)
    assert await send_due_reminders(database.writer, settings=settings, now=clock()) == 2
    await answer(client, paths[child], "yes")
    await answer(client, paths[father], "yes")
    clock.advance(hours=1)
    changed = await answer(client, paths[father], "no", "I would rather not")
    assert changed.status_code in (200, 303), changed.text
    return request_id


def entry_ids(html: str) -> list[int]:
    """The audit entry of each step on the page, in the order shown."""
    return [int(found) for found in _ENTRY.findall(html)]


def steps(html: str) -> list[tuple[str, str]]:
    """Each step's title and ISO time, in the order shown."""
    return [(title, when) for title, when in _ITEM.findall(html)]


async def test_the_timeline_lists_every_audited_event_of_the_request_in_order(
    client: httpx.AsyncClient, database: Database, settings: Settings, clock: FrozenClock
) -> None:
    world = await build_world(database)
    request_id = await a_whole_journey(client, database, settings, clock, world)
    async with database.read_session() as session:
        own = list(
            await session.scalars(select(AuditEntry.id).where(AuditEntry.request_id == request_id))
        )
        moved = list(
            await session.scalars(
                select(AuditEntry.id).where(AuditEntry.action == "conference_rescheduled")
            )
        )
    await sign_in(client, world.qa_email)
    page = await client.get(f"/qa/requests/{request_id}")
    assert page.status_code == 200
    # 13 steps, and each of the four people asked by email told of the move.
    assert len(own) == 17 and len(moved) == 1
    assert entry_ids(page.text) == sorted(own + moved)
    for text in (
        "Taylor Trainee asked to observe",
        "Approved by Quinn QA (QA Service)",
        "Alexandra Zebedee (Mother) was asked by email",
        "Samira Wolstenholme (Daughter) was asked by email",
        "the words for young people",
        "Alexandra Zebedee (Mother) said yes",
        "Their comment: “Happy to help”",
        "The conference was moved by Quinn QA",
        "From Monday 21 December 2026 at 10:00am to Tuesday 22 December 2026 at 2:00pm.",
        "A reminder was emailed to Jonathan Quixley (Father)",
        "Jonathan Quixley (Father) changed their answer to no",
        "Their comment: “I would rather not”",
        "Everyone asked agreed: the observation goes ahead",
        "Calendar invite sent",
        "Calendar invite cancelled",
        "To the observer: the email is waiting to be sent.",
        "Not going ahead: someone said no",
        "Through their own email link.",
        f"They were shown version {TEXT_VERSIONS[Wording.ADULT]} of the information",
    ):
        assert text in page.text, text


async def test_steps_are_in_time_order_with_the_deadline_and_the_conference_in_their_place(
    client: httpx.AsyncClient, database: Database, settings: Settings, clock: FrozenClock
) -> None:
    world = await build_world(database)
    request_id = await a_whole_journey(client, database, settings, clock, world)
    await sign_in(client, world.qa_email)
    shown = steps((await client.get(f"/qa/requests/{request_id}")).text)
    times = [datetime.fromisoformat(when) for _, when in shown]
    assert times == sorted(times)
    titles = [title for title, _ in shown]
    # Changed to no on Friday 18 December; answers were due on Monday 21, the conference is on
    # Tuesday 22: now comes first, and both are still to come.
    now, deadline, start = (
        titles.index(t) for t in ("Now", "Deadline for answers", "Conference starts")
    )
    assert titles.index("Not going ahead: someone said no") < now < deadline < start
    assert shown[deadline][1] == "2026-12-21T17:00:00+00:00"
    assert shown[start][1] == "2026-12-22T14:00:00+00:00"
    html = (await client.get(f"/qa/requests/{request_id}")).text
    assert "Monday 21 December 2026 at 5:00pm</time> (to come)" in html
    assert "Tuesday 22 December 2026 at 2:00pm</time> (to come)" in html


async def test_the_past_is_marked_done_once_the_conference_has_been(
    client: httpx.AsyncClient, database: Database, settings: Settings, clock: FrozenClock
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=UTC))
    await sign_in(client, world.qa_email)
    html = (await client.get(f"/qa/requests/{request_id}")).text
    assert "(to come)" not in html
    assert ">Now</h3>" not in html
    assert re.search(
        r'app-timeline__item--done">\s*<h3 class="app-timeline__title">Conference starts', html
    )


async def _set_delivery(database: Database, address: str, **values: Any) -> None:
    async with database.write_session() as session:
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.to_address == address, OutboxMessage.template.startswith("family_")
            )
            .values(**values)
        )
        await session.commit()


async def test_each_invitation_says_whether_its_email_went(
    client: httpx.AsyncClient, database: Database, clock: FrozenClock
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    mother, father, child = world.family_emails
    await _set_delivery(database, mother, status="sent", sent_at=clock(), attempts=1)
    await _set_delivery(database, father, status="permanent_failure", attempts=1)
    await _set_delivery(database, child, status="temporary_failure", attempts=2)
    await sign_in(client, world.qa_email)
    html = (await client.get(f"/qa/requests/{request_id}")).text
    assert "Email sent on Monday 23 November 2026 at 10:00am." in html
    assert "The email could not be delivered: ask Jonathan Quixley in person." in html
    assert "The email has not gone yet: trying again, 2 tries so far." in html
    await _set_delivery(database, child, status="temporary_failure", attempts=1)
    html = (await client.get(f"/qa/requests/{request_id}")).text
    assert "The email has not gone yet: trying again, 1 try so far." in html
    assert re.search(
        r'app-timeline__item--stopped" id="entry-\d+">\s*<h3 class="app-timeline__title">'
        r"Jonathan Quixley \(Father\) was asked by email",
        html,
    )


async def test_someone_not_to_be_emailed_is_shown_as_asked_in_person(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    async with database.write_session() as session:
        father = await session.get(FamilyMember, world.family_ids[1])
        assert father is not None
        father.contact_by_email = False
        father.contact_channel = "in_person"
        await session.commit()
    request_id = await approved_request(client, world)
    await sign_in(client, world.qa_email)
    html = (await client.get(f"/qa/requests/{request_id}")).text
    assert "Jonathan Quixley (Father) is to be asked in person" in html
    assert "No email: they are not to be contacted by email." in html
    # The father's own copy says it to him, as a sentence.
    own = (await client.get(f"/qa/requests/{request_id}/record/family/{world.family_ids[1]}")).text
    assert "You are to be asked in person" in own
    assert "No email: you are not to be contacted by email." in own
    assert "You to be asked" not in own


async def test_the_page_reads_the_record_in_the_same_number_of_queries_however_long_it_is(
    client: httpx.AsyncClient, database: Database, settings: Settings, clock: FrozenClock
) -> None:
    world = await build_world(database)
    short = await approved_request(client, world)
    await sign_in(client, world.qa_email)
    counted: list[str] = []

    def count(*args: Any) -> None:
        counted.append(str(args[2]))

    async def queries_for(request_id: int) -> int:
        await client.get(f"/qa/requests/{request_id}")  # the first view also checks the chain
        counted.clear()
        event.listen(database.read_engine.sync_engine, "before_cursor_execute", count)
        try:
            assert (await client.get(f"/qa/requests/{request_id}")).status_code == 200
        finally:
            event.remove(database.read_engine.sync_engine, "before_cursor_execute", count)
        return len(counted)

    before = await queries_for(short)
    paths = await consent_paths(database, settings, short)
    mother, father, _ = world.family_ids
    for person in (mother, father) * 3:
        await answer(client, paths[person], "yes")
    async with database.read_session() as session:
        entries = await session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.request_id == short)
        )
    assert entries is not None and entries >= 10
    assert await queries_for(short) == before


async def test_an_undelivered_family_email_shows_on_qa_timeline_but_not_in_a_family_copy(
    client: httpx.AsyncClient, database: Database, settings: Settings, clock: FrozenClock
) -> None:
    world = await build_world(database)
    request_id = await approved_request(client, world)
    async with database.write_session() as session:
        bounced = await session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.request_id == request_id,
                OutboxMessage.to_address == world.family_emails[1],
            )
        )
        assert bounced is not None
        # What the dispatcher does when the mail server refuses the address for good.
        bounced.status, bounced.attempts = "permanent_failure", 3
        await tell_qa_email_undeliverable(session, settings=settings, now=clock(), message=bounced)
        await session.commit()
    await sign_in(client, world.qa_email)
    page = (await client.get(f"/qa/requests/{request_id}")).text
    assert "An email to Jonathan Quixley (Father) could not be delivered" in page
    assert "It was tried 3 times." in page
    assert "The QA Service was told: ask Jonathan Quixley in person." in page
    # The family table says it beside the person, not only the timeline far below.
    table = page[: page.index("app-timeline")]
    assert "Not delivered" in table
    assert "The email could not be delivered: ask Jonathan Quixley in person." in table
    listed = (await client.get("/qa?status=seeking_consent")).text
    assert "Email not delivered: ask in person" in listed
    family_copy = f"/qa/requests/{request_id}/record/family/{world.family_ids[1]}"
    copy = await client.get(family_copy)
    assert copy.status_code == 200
    assert "The QA Service was told" not in copy.text
    assert "An email to" not in copy.text
    assert "Recorded: family email undeliverable" not in copy.text


async def test_a_declined_request_shows_who_declined_and_the_reason(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await build_world(database)
    trainee = {"Authorization": f"Bearer {await api_token(client, world.trainee_email)}"}
    created = await client.post(
        "/api/v1/observation-requests", json=request_body(world.conference_id), headers=trainee
    )
    request_id = created.json()["id"]
    qa = {"Authorization": f"Bearer {await api_token(client, world.qa_email)}"}
    declined = await client.post(
        f"/api/v1/observation-requests/{request_id}/decline",
        json={"reason": "The family already has two visitors that day."},
        headers=qa,
    )
    assert declined.status_code == 200, declined.text
    await sign_in(client, world.qa_email)
    html = (await client.get(f"/qa/requests/{request_id}")).text
    assert "Declined by Quinn QA" in html
    assert "Reason given to the trainee: The family already has two visitors that day." in html
